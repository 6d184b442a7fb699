"""The plugin that owns the site's build (`painpump` in mkdocs.yml's plugins; the entry
point is in pyproject.toml). It holds the build's state (state.py) and, at each MkDocs
event, runs the build's steps in the order written below: nothing else orders them.

mkdocs-static-i18n builds the site once per language: its after-build event (priority
-100) runs the other languages' builds. So a step's priority says where it stands to
that: above -100 it runs in every language's build, below it once every language is
built (the steps that need the whole site return at once in the languages' own builds:
`Build.nested`). Within one priority the steps run in the order listed, after the other
plugins' steps of that priority (this plugin is listed last).

After the whole site is written (`on_post_build`), in this order:
  1. each language's redirect pages get the site's script and the folder's language, and
     its handouts are started (priority -50, in every language's build);
  2. the written site is listed once (sitekit/site_files.py): from here on the steps share
     it, each built file read once and every change written through it; then the language
     suggestion's words, each language's search index and sitemaps, robots.txt (-200);
  3. the handouts are collected and their sizes written into the pages, then the site's
     CSS and JavaScript minified and the theme's stylesheet purged (-250);
  4. the offline copy is described, the output gate reads every file (a fault fails the
     build and removes the file), the headers are written, everything compressed (-300).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from sitekit.build import (
    accessibility,
    clinic,
    handouts,
    l10n,
    language_outputs,
    metadata,
    page_source,
    performance,
    permalinks,
    production,
    redirects,
    share,
    theme,
    written,
)
from sitekit.build.state import Build

Step = Callable[..., Any]


def steps(priority: int, *run: Step) -> Callable[..., Any]:
    """An event's handler at `priority`: the steps in order, each given the build's state and
    the event's arguments; a step that returns something passes it on (as MkDocs does
    between plugins)."""

    @event_priority(priority)
    def handler(self: SiteBuild, *item: Any, **kwargs: Any) -> Any:
        current = item[0] if item else None
        for step in run:
            result = step(self.build, current, *item[1:], **kwargs) if item else step(self.build, **kwargs)
            if result is not None:
                current = result
        return current

    handler.steps = run  # type: ignore[attr-defined]
    handler.__doc__ = "Runs " + ", ".join(f"{step.__module__.rsplit('.', 1)[-1]}.{step.__name__}" for step in run)
    return handler


def listed_steps() -> list[Step]:
    """Every step the plugin runs, in its order (each once, even one listed at two events)."""
    found: list[Step] = []
    for name in sorted(vars(SiteBuild)):
        event = vars(SiteBuild)[name]
        handlers = event.methods if isinstance(event, CombinedEvent) else [event]
        found += [step for handler in handlers for step in getattr(handler, "steps", ()) if step not in found]
    return found


class SiteBuild(BasePlugin):
    """The site's build: its state, and its steps in their order."""

    def __init__(self) -> None:
        self.build = Build()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Kept across `mkdocs serve`'s rebuilds (it defines on_startup): each rebuild starts a new state in on_config."""
        self.build.command = command

    on_config = CombinedEvent(
        steps(
            0,
            page_source.on_config,
            clinic.on_config,
            l10n.on_config,
            language_outputs.on_config,
            performance.on_config,
            production.on_config,
        ),
        steps(-150, redirects.on_config),  # once mkdocs-static-i18n (-100) has set this build's language
    )
    on_pre_build = steps(0, clinic.on_pre_build)
    on_files = CombinedEvent(
        steps(100, page_source.on_files),  # before mkdocs-static-i18n sorts the files into languages (and raises on some)
        steps(-150, redirects.on_files),  # once mkdocs-static-i18n has placed this language's files
    )
    on_env = steps(0, page_source.on_env, theme.on_env, clinic.on_env, l10n.on_env, performance.on_env)
    on_page_read_source = steps(0, page_source.on_page_read_source)
    on_page_markdown = steps(0, l10n.on_page_markdown)
    on_page_content = CombinedEvent(
        steps(100, page_source.on_page_content),  # readers get the sanitizer's output, before the site adds its own markup
        steps(0, clinic.on_page_content, l10n.on_page_content, permalinks.on_page_content),
    )
    on_page_context = steps(0, l10n.on_page_context, share.on_page_context, metadata.on_page_context, handouts.on_page_context)
    on_template_context = steps(0, language_outputs.on_template_context)
    on_post_template = steps(0, accessibility.on_post_template, language_outputs.on_post_template)
    on_post_page = CombinedEvent(
        steps(0, l10n.on_post_page, accessibility.on_post_page),
        steps(-100, performance.on_post_page),  # the finished page, trimmed
    )
    on_post_build = CombinedEvent(
        steps(-50, redirects.on_post_build, handouts.language_written),
        steps(-200, written.on_post_build, l10n.on_post_build, language_outputs.on_post_build, metadata.on_post_build),
        steps(-250, handouts.site_written, performance.on_post_build),
        steps(-300, production.on_post_build),
    )
    on_build_error = steps(0, handouts.on_build_error, page_source.on_build_error)  # a failed build's handouts stopped; a full disk named
    on_serve = steps(0, handouts.on_serve)
