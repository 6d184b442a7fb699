"""The site's build, owned by one MkDocs plugin (plugin.py: `SiteBuild`, registered as
`painpump` in pyproject.toml and listed in mkdocs.yml's plugins). Each module here is a
part of the build the plugin runs at its events, in the order plugin.py writes down; they
share one state (state.py: the catalogue, its publishing gate, the command). These are the
only modules of `sitekit` that know MkDocs."""

from __future__ import annotations

import logging

from mkdocs.plugins import PrefixedLogger


def logger(name: str) -> PrefixedLogger:
    """A step's logger: its messages start with the step's name ("page_source: …")."""
    return PrefixedLogger(name.rsplit(".", 1)[-1], logging.getLogger(f"mkdocs.plugins.{name}"))
