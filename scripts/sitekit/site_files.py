"""The written site as the after-build steps share it (sitekit/build/plugin.py, steps 2 to 4):
its files listed once, each read from disk at most once, and every change written through.

Once every language is written, the build makes one `SiteFiles` of its site folder and
hands it to each step in order: the search indexes and sitemaps, the handouts' sizes, the
minified assets and the purged stylesheet (sitekit/css.py), the offline copy's versions
(sitekit/offline.py), the output gate (sitekit/output_gate.py), the headers and the
compressed copies (sitekit/serving.py). A step reads a file's content from here (the
first reader reads the disk, the others get the same bytes), and writes or removes a file
here (the disk, the listing and the kept content change together), so the listing is
always the folder's and each step sees what the steps before it wrote.

Plain files only: symbolic links are listed apart (`links`), never read or followed (the
output gate refuses them), and nothing under a linked folder is listed."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path, PurePosixPath


class SiteFiles:
    """The files of a built site (paths relative to its folder, with `/`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.reads: Counter[str] = Counter()  # times each file was read from disk
        self.links: set[str] = set()  # symbolic links (to a file or a folder)
        self._files: set[str] = set()
        self._bytes: dict[str, bytes] = {}
        self._text: dict[str, str] = {}
        for folder, dirs, files in os.walk(self.root, followlinks=False):
            base = Path(folder)
            for name in dirs + files:
                rel = (base / name).relative_to(self.root).as_posix()
                if (base / name).is_symlink():
                    self.links.add(rel)
                elif name in files:
                    self._files.add(rel)
            dirs[:] = [d for d in dirs if not (base / d).is_symlink()]

    @classmethod
    def of(cls, site: Path | SiteFiles) -> SiteFiles:
        """`site` itself when it is a `SiteFiles`, else a new one of the folder `site`."""
        return site if isinstance(site, SiteFiles) else cls(site)

    # --- the listing ----------------------------------------------------------------------

    def files(self, suffixes: str | Iterable[str] | None = None) -> list[str]:
        """The plain files (those whose suffix, as `Path.suffix` reads it, is one of
        `suffixes`, if given), in the order `sorted(Path.rglob(...))` gives: part by part."""
        found: Iterable[str] = self._files
        if suffixes is not None:
            wanted = {suffixes} if isinstance(suffixes, str) else set(suffixes)
            found = (rel for rel in found if PurePosixPath(rel).suffix in wanted)
        return sorted(found, key=_parts)

    def __contains__(self, rel: object) -> bool:
        """Whether `rel` is a plain file of the site."""
        return rel in self._files

    def path(self, rel: str) -> Path:
        return self.root / rel

    # --- content ---------------------------------------------------------------------------

    def read_bytes(self, rel: str) -> bytes:
        """The file's content: read from disk the first time, then kept."""
        if rel not in self._files:
            raise FileNotFoundError(f"{self.path(rel)}: not a file of the built site")
        data = self._bytes.get(rel)
        if data is None:
            data = self._bytes[rel] = self.path(rel).read_bytes()
            self.reads[rel] += 1
        return data

    def read_text(self, rel: str, errors: str = "strict") -> str:
        """The file's content as UTF-8 text (`errors` as for `bytes.decode`)."""
        text = self._text.get(rel)
        if text is None:
            data = self.read_bytes(rel)
            try:
                text = self._text[rel] = data.decode("utf-8")
            except UnicodeDecodeError:
                if errors == "strict":
                    raise
                return data.decode("utf-8", errors)
        return text

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Write the file (and its folders), and keep its new content."""
        path = self.path(rel)
        if rel in self.links:  # replace the link, never write through it
            path.unlink()
            self.links.discard(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self._files.add(rel)
        self._bytes[rel] = data
        self._text.pop(rel, None)

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))
        self._text[rel] = text

    def remove(self, rel: str) -> None:
        """Remove the file or link (nothing when there is none)."""
        self.path(rel).unlink(missing_ok=True)
        self._files.discard(rel)
        self.links.discard(rel)
        self.forget(rel)

    def noted(self, rel: str) -> None:
        """A file something else (another process) wrote or removed: listed as the disk has it,
        its content read again when asked for."""
        path = self.path(rel)
        self._files.discard(rel)
        self.links.discard(rel)
        self.forget(rel)
        if path.is_symlink():
            self.links.add(rel)
        elif path.is_file():
            self._files.add(rel)

    def forget(self, rel: str | None = None) -> None:
        """Drop the kept content of `rel` (of every file when None): the listing stays."""
        if rel is None:
            self._bytes.clear()
            self._text.clear()
        else:
            self._bytes.pop(rel, None)
            self._text.pop(rel, None)


def _parts(rel: str) -> list[str]:
    return rel.split("/")
