"""One build's state, held by the plugin (sitekit/build/plugin.py) and handed to every step:
the command (build or serve), the catalogue of pages, languages and translation states, its
publishing gate, and what the handouts' steps keep between languages.

mkdocs-static-i18n builds the site once per language, with the same config and the same
plugin: the state is made in the first language's build (`start`) and kept for the others;
`mkdocs serve` starts a new one for every rebuild."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitekit import model
from sitekit.gate import Gate
from sitekit.structure import Renderer


@dataclass
class Build:
    command: str = "build"
    _config: Any = None
    _gate: Gate | None = None
    handouts: dict[str, Any] = field(default_factory=dict)  # "built" (the languages written so far), "job", "maker"

    def start(self, config: Any) -> None:
        """A new build: its catalogue and gate are made when first asked for, once every
        plugin has read the config."""
        self._config, self._gate = config, None

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

    @property
    def root(self) -> Path:
        return self.gate.root

    @staticmethod
    def nested(config: Any) -> bool:
        """True in mkdocs-static-i18n's build of one language before the last: work on the
        whole site (sitemaps, search indexes, headers) waits for the last build."""
        i18n = config.plugins.get("i18n")
        return i18n is not None and bool(getattr(i18n, "building", False))

    def started(self, config: Any) -> bool:
        """The state of this build is there: a language's build after the first keeps it."""
        return self._config is not None and self.nested(config)
