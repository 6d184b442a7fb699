"""The theme's own blocks, adjusted, never copied (overrides/main.html extends them and
passes `super()` through these filters), so a theme upgrade cannot leave a stale copy:

- `with_search_base`: the theme's settings (`__config`) with search's `base` set to the
  language's folder, so search loads that language's index (hooks/language_outputs.py);
- `deferred`: the theme's script tags with `defer`, so the page paints before they run.

Each filter warns (and so fails the strict build) when the theme's markup no longer has
what it adjusts. Once per build, every template, block and assets/ file that the
overrides and hooks name is checked against the installed theme (sitekit/theme.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from jinja2.utils import htmlsafe_json_dumps
from mkdocs.plugins import get_plugin_logger
from sitekit import model, theme

log = get_plugin_logger(__name__)
CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
SCRIPT_WITH_SRC = re.compile(r"<script\b([^>]*\bsrc=[^>]*)>")


def on_env(env, config, files):
    env.filters["with_search_base"] = with_search_base
    env.filters["deferred"] = deferred
    if not model.nested_language_build(config):  # once, in the last language's build
        root = Path(config.config_file_path).parent
        dirs = [Path(d) for d in config.theme.dirs]
        for problem in theme.problems(Path(config.theme.custom_dir), dirs, Path(config.docs_dir)):
            log.warning(problem.format(root))
    return env


def with_search_base(block: str, base: str) -> str:
    """The theme's config block, with "base" (where search finds its index) set to `base`."""
    match = CONFIG.search(block)
    if match is None:
        log.warning("the theme's __config script changed; update overrides/hooks/theme.py (with_search_base)")
        return block
    settings = {**json.loads(match[2]), "base": base}
    return block[: match.start(2)] + str(htmlsafe_json_dumps(settings, sort_keys=True)) + block[match.end(2) :]


def deferred(block: str) -> str:
    """The theme's scripts block, each external script deferred (run in order once the page is parsed)."""
    if not SCRIPT_WITH_SRC.search(block):
        log.warning("the theme's scripts block has no <script src>; update overrides/hooks/theme.py (deferred)")
        return block
    return SCRIPT_WITH_SRC.sub(lambda m: m[0] if re.search(r"\b(defer|async)\b", m[1]) else f"<script{m[1]} defer>", block)
