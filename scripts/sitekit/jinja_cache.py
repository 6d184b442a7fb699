"""Compiled templates shared by every Jinja environment of one process.

mkdocs-static-i18n builds the site once per language, each time with a new environment
that would compile the theme's templates again (a third of the build's time). Jinja
checks each template's source checksum against the cached code, so an edited template
is compiled afresh: `mkdocs serve` never renders a stale one.
"""

from __future__ import annotations

import jinja2


class MemoryBytecodeCache(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


CACHE = MemoryBytecodeCache()


def shared(env: jinja2.Environment) -> jinja2.Environment:
    """`env`, compiling through the process-wide cache."""
    env.bytecode_cache = CACHE
    return env


def theme_env(config) -> jinja2.Environment:
    """A new environment of the site's theme (as `config.theme.get_env()`), sharing the cache."""
    return shared(config.theme.get_env())
