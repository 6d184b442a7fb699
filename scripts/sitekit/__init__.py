"""Shared code for the pain pump site: page and language model, checks, tools.

The build runs on ProperDocs, which answers every `mkdocs.*` import with its own module
(`python -m properdocs` loads `properdocs.replacement` first). Importing this package does
the same, so the tools, the tests and the build read mkdocs.yml, the Markdown extensions
and the build's steps (sitekit.build) with the very same code."""

import properdocs.replacement  # noqa: F401
