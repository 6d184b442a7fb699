"""One build's state, held by the plugin (sitekit/build/plugin.py) and handed to every step:
the command (build or serve), the catalogue of pages, languages and translation states, its
publishing gate, what the handouts' steps keep between languages, and the written site the
after-build steps share (sitekit/site_files.py).

mkdocs-static-i18n builds the site once per language, with the same config and the same
plugin: the state is made in the first language's build (`start`) and kept for the others;
`mkdocs serve` starts a new one for every rebuild."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitekit import model
from sitekit.gate import Gate
from sitekit.site_files import SiteFiles
from sitekit.structure import Renderer


@dataclass
class Build:
    command: str = "build"
    _config: Any = None
    _gate: Gate | None = None
    handouts: dict[str, Any] = field(default_factory=dict)  # "built" (the languages written so far), "job", "maker"
    _site: SiteFiles | None = None
    chinese_words: Any = None  # language_outputs.ChineseWords: the search index's Chinese words, kept across builds

    def start(self, config: Any) -> None:
        """A new build: its catalogue and gate are made when first asked for, once every
        plugin has read the config."""
        self._config, self._gate, self._site = config, None, None

    def list_site(self, config: Any) -> SiteFiles:
        """List the written site, once every language is written (sitekit/build/written.py):
        the steps after it share it (each file read once, changes written through)."""
        self._site = SiteFiles(Path(config.site_dir))
        return self._site

    @property
    def site(self) -> SiteFiles:
        """The written site, as the after-build steps share it."""
        if self._site is None:
            raise RuntimeError("the written site is listed once every language is built (written.on_post_build lists it)")
        return self._site

    @property
    def gate(self) -> Gate:
        """The build's publishing gate, with the catalogue it judges: from the loaded config
        (the same Markdown extensions as the build's), so each page is judged once for
        every language."""
        if self._gate is None:
            config = self._config
            if config is None:
                raise RuntimeError("the build has not started (SiteBuild.on_config starts it)")
            root = Path(config.config_file_path).parent
            renderer = Renderer(config.markdown_extensions, config.mdx_configs)
            Renderer.use_for_project(root, renderer)  # the pages' versions (model.text_hash) read with it too
            self._gate = Gate.load(root, renderer, config.extra, model.redirect_maps(model.load_mkdocs_config(root)))
        return self._gate

    @property
    def catalogue(self) -> model.Catalogue:
        return self.gate.catalogue

    @staticmethod
    def nested(config: Any) -> bool:
        """True in mkdocs-static-i18n's build of one language before the last: work on the
        whole site (sitemaps, search indexes, headers) waits for the last build."""
        i18n = config.plugins.get("i18n")
        return i18n is not None and bool(getattr(i18n, "building", False))

    def started(self, config: Any) -> bool:
        """The state of this build is there: a language's build after the first keeps it."""
        return self._config is not None and self.nested(config)


def page_name(file: Any) -> str:
    """A page file's name inside its language folder ('trial.md') in any language's build:
    mkdocs-static-i18n keeps it as `norm_src_uri`."""
    return getattr(file, "norm_src_uri", file.src_uri)
