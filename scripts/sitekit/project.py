"""The project as a build sees it: which parts a copy needs, and the one way the tests,
the scripts and the benchmark run the real build (ProperDocs, the maintained MkDocs 1.6:
see the README's Dependencies section)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from sitekit import model

# What a build and the scripts read: a copy with these builds and checks like the original.
PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "l10n", "published-urls.txt")
# The build engine's command, as `python -m ENGINE`. Run as `properdocs`, neither Material's
# end-of-life notice nor the "switch to ProperDocs" notice of mkdocs-redirects is printed
# (both print only under the `mkdocs` command): nothing needs silencing.
ENGINE = "properdocs"


def copy_project(target: Path, root: Path = model.REPO) -> Path:
    """The parts of the project a build reads, copied into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, target / part, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target / part)
    return target


def build_arguments(project: Path, site: Path) -> list[str]:
    """The Python arguments of the strict build of `project` into `site` (run in `project`)."""
    return ["-m", ENGINE, "build", "--strict", "--clean", "-f", str(project / "mkdocs.yml"), "-d", str(site)]


def strict_build(
    project: Path, site: Path, env: Mapping[str, str] | None = None, base_env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess:
    """The real build, strict (never with -q: it hides warnings from strict mode), of the
    project in `project` into `site`; `env` is added to `base_env` (default: this process's)."""
    return subprocess.run(
        [sys.executable, *build_arguments(project, site)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**(os.environ if base_env is None else base_env), **(env or {})},
    )


def cache_dir(name: str) -> Path:
    """The project's own cache folder for `name` (the user's XDG cache, never the shared
    temporary folder), made readable and writable by the user alone."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "painpump-site" / name
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder
