"""mkdocs.yml as MkDocs itself reads it, for the tools that must read pages as the build
does (sitekit/structure.py: the Markdown extensions, with MkDocs' built-in ones)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException


class ConfigUnreadable(ValueError):
    """mkdocs.yml does not load (MkDocs' own message)."""


def markdown_settings(root: Path) -> tuple[list[Any], dict[str, Any]]:
    """The project's Markdown extensions and their settings, as a build of `root` gets them."""
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"))
    except MkDocsException as err:
        raise ConfigUnreadable(str(err)) from None
    return config.markdown_extensions, config.mdx_configs
