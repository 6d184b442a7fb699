"""What the tools must know of the build's engine and plugins, read from them: mkdocs.yml as
MkDocs itself reads it (sitekit/structure.py: the Markdown extensions, with MkDocs' built-in
ones), and the locales mkdocs-static-i18n can build (sitekit/language_tags.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs_static_i18n.config import RE_LOCALE as I18N_LOCALE  # noqa: F401 - the plugin's own pattern, for language_tags


class ConfigUnreadable(ValueError):
    """mkdocs.yml does not load (MkDocs' own message)."""


def markdown_settings(root: Path) -> tuple[list[Any], dict[str, Any]]:
    """The project's Markdown extensions and their settings, as a build of `root` gets them."""
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"))
    except MkDocsException as err:
        raise ConfigUnreadable(str(err)) from None
    return config.markdown_extensions, config.mdx_configs
