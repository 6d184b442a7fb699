"""Shared code for the pain pump site: page and language model, checks, tools."""
