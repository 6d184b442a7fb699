"""The recorded versions of the English pages (l10n/history/<page>/<hash>.md): what a
translation was made from, so that `docs.py diff` shows what changed since, and the
publishing gate (sitekit/gate.py) compares an outdated translation with the English
version it follows rather than with a page it has not caught up with yet."""

from __future__ import annotations

from pathlib import Path

from sitekit import model


def history_dir(root: Path) -> Path:
    return root / "l10n" / "history"


def snapshot_text(page: model.PageSource) -> str:
    """What a recorded English version holds: the translatable parts only."""
    return f"title: {page.meta.get('title', '')}\ndescription: {page.meta.get('description', '')}\n\n{page.body.strip()}\n"


def snapshot_path(name: str, digest: str, root: Path) -> Path:
    return history_dir(root) / name.removesuffix(".md") / f"{digest}.md"


def recorded_version(name: str, digest: str, root: Path) -> model.PageSource | None:
    """The English page as it was at version `digest`, or None when that version was never recorded."""
    return model.read_snapshot(snapshot_path(name, digest, root))
