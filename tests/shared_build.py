"""One strict build of a project per test run, shared by every process of the run (the
xdist workers, the scenario's parts), keyed by what the build reads: the project's parts,
the build's code and the environment it is given. Each is served on 127.0.0.1 by a small
server process of its own for as long as any process of the run still uses it.

The run's folder of shared builds is named by PAINPUMP_SHARED_BUILDS, which the first
pytest process of a run sets (tests/conftest.py: pytest_configure) and every process it
starts inherits. In it, a build's folder holds:

- `lock`: held (exclusively) while a process finds, or makes, the build;
- `lease`: held (shared) by every process using the build, until its session ends; the
  server takes it exclusively once nobody holds it, forgets its address and stops;
- `server.json` (the server's address and process id), `build.json` (the build's exit
  status and messages) and `site/`, the built site.

A test never writes into a shared build's site: a test that changes a site copies it
first, and one that changes a project builds its own copy (conftest.project_copy).

Run as a script (`python tests/shared_build.py SITE LEASE`), this is the server."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

SHARED_ENV = "PAINPUMP_SHARED_BUILDS"
POLL = 0.5  # seconds between the server's looks at its lease


class Builder(Protocol):
    def __call__(self, site: Path, site_url: str, project: Path, extra_env: dict[str, str]) -> subprocess.CompletedProcess: ...


@dataclass
class SharedBuild:
    returncode: int
    output: str
    site: Path
    site_url: str


def key(root: Path, env: Mapping[str, str]) -> str:
    """What the build's result depends on: the files of the project's parts, the build's
    code (the sitekit package the engine imports, with its templates) and `env`."""
    import sitekit
    from sitekit import project

    digest = hashlib.sha256()
    folders = [(root, part) for part in project.PROJECT_PARTS] + [(Path(sitekit.__file__).parent, ".")]
    for base, part in folders:
        path = base / part
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
        for file in files:
            digest.update(f"{file.relative_to(base).as_posix()}\0{file.stat().st_size}\0".encode())
            digest.update(file.read_bytes())
    digest.update(json.dumps(sorted(env.items())).encode())
    return digest.hexdigest()[:32]


def _locked(path: Path, mode: int) -> IO[str]:
    handle = path.open("a+", encoding="utf-8")
    fcntl.flock(handle, mode)
    return handle


def _answers(origin: str) -> bool:
    host, port = origin.removeprefix("http://").rstrip("/").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=5):
            return True
    except OSError:
        return False


def _start_server(site: Path, lease: Path) -> str:
    """The server process for `site`; its origin (it picks a free port)."""
    server = subprocess.Popen(
        [sys.executable, __file__, str(site), str(lease)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert server.stdout is not None
    origin = server.stdout.readline().strip()
    server.stdout.close()
    if not origin:
        raise RuntimeError(f"the shared build's server for {site} did not start (exit status {server.wait()})")
    return origin


def _build(folder: Path, root: Path, env: Mapping[str, str], build: Builder) -> None:
    for stale in ("server.json", "build.json"):
        (folder / stale).unlink(missing_ok=True)
    shutil.rmtree(folder / "site", ignore_errors=True)
    (folder / "site").mkdir()
    origin = _start_server(folder / "site", folder / "lease")
    (folder / "server.json").write_text(json.dumps({"origin": origin}), encoding="utf-8")
    result = build(folder / "site", origin, root, dict(env))
    (folder / "build.json").write_text(
        json.dumps({"returncode": result.returncode, "output": result.stdout + result.stderr}), encoding="utf-8"
    )


@contextmanager
def shared_build(
    root: Path, env: Mapping[str, str] | None = None, shared: Path | None = None, build: Builder | None = None
) -> Iterator[SharedBuild]:
    """The run's build of the project in `root` with `env` (made now if no process of the
    run has made it yet), served until every process using it has left this block.
    `build`: the strict build for a site address (sitekit.browser.build; a test of this
    module gives its own)."""
    from sitekit import browser

    env = dict(env or {})
    shared = shared or Path(os.environ[SHARED_ENV])
    folder = shared / key(root, env)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / "lock", fcntl.LOCK_EX):
        lease = _locked(folder / "lease", fcntl.LOCK_SH)  # waits while a server is stopping
        try:
            server = folder / "server.json"
            made = folder / "build.json"
            if not (server.exists() and made.exists() and _answers(json.loads(server.read_text(encoding="utf-8"))["origin"])):
                _build(folder, root, env, build or browser.build)
        except BaseException:
            lease.close()
            raise
    try:
        origin = json.loads(server.read_text(encoding="utf-8"))["origin"]
        result = json.loads(made.read_text(encoding="utf-8"))
        yield SharedBuild(result["returncode"], result["output"], folder / "site", origin)
    finally:
        lease.close()


def serve(site: Path, lease: Path) -> None:
    """Serve `site` until nobody holds `lease`; then forget the address and stop."""
    from sitekit import browser

    with browser.local_server(site) as server:
        print(server.origin, flush=True)
        sys.stdout.close()
        with lease.open("a+", encoding="utf-8") as handle:
            while True:
                time.sleep(POLL)
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                (lease.parent / "server.json").unlink(missing_ok=True)
                break  # the lock is held until this process has stopped serving and exits


if __name__ == "__main__":
    serve(Path(sys.argv[1]), Path(sys.argv[2]))
