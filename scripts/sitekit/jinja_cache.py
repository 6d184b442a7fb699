"""Compiled templates shared by every Jinja environment of one process, and which of them
escape what they print.

mkdocs-static-i18n builds the site once per language, each time with a new environment
that would compile the theme's templates again (a third of the build's time). Jinja
checks each template's source checksum against the cached code, so an edited template
is compiled afresh: `mkdocs serve` never renders a stale one.

The site's own templates (the partials in overrides/partials/ and the handouts' template)
are compiled with autoescape: a value from front matter, an interface string or the
clinic's details is printed as text, never as markup, and only what is marked as HTML
(a macro's output, markupsafe.Markup) is printed as it is. The theme's own templates keep
the theme's setting (none); what they print from pages is plain text by the publishing
gate's rules (sitekit/model/pages.py: front matter). Every environment passes through `shared`,
so one template is never compiled both ways.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import jinja2

from sitekit import project

OWN_TEMPLATES = ("partials/", "handouts/")  # in the project's overrides/, autoescaped


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in memory, in front of the project's cache folder on disk (the next
    build compiles nothing that did not change). The folder is named after Jinja's version and
    this module's own text, which decides how templates compile (autoescape)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}
        self._disk: jinja2.FileSystemBytecodeCache | None = None

    def disk(self) -> jinja2.FileSystemBytecodeCache:
        if self._disk is None:
            version = hashlib.sha256((jinja2.__version__ + Path(__file__).read_text(encoding="utf-8")).encode()).hexdigest()[:16]
            self._disk = jinja2.FileSystemBytecodeCache(str(project.cache_dir(f"templates/{version}")))
        return self._disk

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)
            return
        self.disk().load_bytecode(bucket)
        if bucket.code is not None:
            self.store[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()
        with contextlib.suppress(OSError):  # a full or read-only disk: compiled again next time
            self.disk().dump_bytecode(bucket)


CACHE = MemoryBytecodeCache()


def shared(env: jinja2.Environment) -> jinja2.Environment:
    """`env`, compiling through the process-wide cache, the project's own templates escaping what they print."""
    env.bytecode_cache = CACHE
    own = Path(env.loader.searchpath[0]) if isinstance(env.loader, jinja2.FileSystemLoader) else None
    env.autoescape = lambda name: bool(own and name and name.startswith(OWN_TEMPLATES) and (own / name).is_file())
    return env


def theme_env(config) -> jinja2.Environment:
    """A new environment of the site's theme (as `config.theme.get_env()`), sharing the cache."""
    return shared(config.theme.get_env())
