"""Python command lines run by forking a process that has already imported the libraries
the build and the project's tools use (Markdown, Jinja, YAML, Babel, lxml, translate-toolkit,
jieba…), instead of starting a new interpreter each time: each run is a child process of its
own (its own folder, environment, arguments, output and exit status), as
`subprocess.run([sys.executable, *argv], …)` would start it, minus the imports' time.

Only libraries are imported ahead: not the build engine (ProperDocs, whose notices depend on
the command that started it), its theme or plugins, nor the project's own code (`sitekit`
reads PAINPUMP_ROOT and the current folder when imported). Every child imports those itself.

Run as a script, this is the server: it reads requests from its standard input (pickled)
and answers each with the child's exit status."""

from __future__ import annotations

import atexit
import contextlib
import importlib
import logging
import os
import pickle
import runpy
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

PRELOAD = (
    "babel.core",
    "babel.dates",
    "babel.numbers",
    "backrefs.bre",
    "bs4",
    "charset_normalizer",
    "click",
    "concurrent.futures.process",
    "email.message",
    "jieba",
    "jinja2",
    "lxml.etree",
    "markdown",
    "markdown.extensions.toc",
    "markdown.extensions.attr_list",
    "markupsafe",
    "multiprocessing.queues",
    "nh3",
    "pathspec",
    "pkg_resources",
    "pygments.formatters",
    "pygments.lexers",
    "pyphen",
    "pytz",
    "segno",
    "selectolax.lexbor",
    "soupsieve",
    "textstat",
    "tinycss2",
    "translate.storage.po",
    "translate.storage.tbx",
    "translate.storage.tmx",
    "translate.storage.xliff",
    "urllib.request",
    "yaml",
    "zoneinfo",
)


class ForkServer:
    """The server process, started on first use; one request at a time."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def _server(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
            atexit.register(self.close)
        return self._process

    def run(
        self, argv: Sequence[str], cwd: Path, env: Mapping[str, str], input_text: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`python ARGV` (a script's path and its arguments, or `-m MODULE …`) in `cwd` with
        exactly `env`, its output captured as text: what subprocess.run(…, capture_output=True,
        text=True) returns."""
        with self._lock, tempfile.TemporaryDirectory(prefix="forkserver-") as folder:
            out, err = Path(folder, "stdout"), Path(folder, "stderr")
            server = self._server()
            assert server.stdin is not None and server.stdout is not None
            pickle.dump((list(argv), str(cwd), dict(env), str(out), str(err)), server.stdin)
            server.stdin.flush()
            code = pickle.load(server.stdout)
            return subprocess.CompletedProcess(
                [sys.executable, *argv], code, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")
            )

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            self._process.wait()


def _child(argv: list[str], cwd: str, env: dict[str, str], out: str, err: str) -> None:
    """In the forked child: become `python ARGV` and exit with its status."""
    code = 1
    try:
        for fd, path in ((1, out), (2, err)):
            opened = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        code = 0
        try:
            if argv[0] == "-m":
                sys.argv = [argv[1], *argv[2:]]
                sys.path.insert(0, cwd)
                runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
            else:
                sys.argv = list(argv)
                sys.path.insert(0, str(Path(argv[0]).resolve().parent))
                runpy.run_path(argv[0], run_name="__main__")
        except SystemExit as exit:
            if exit.code is None or isinstance(exit.code, int):
                code = exit.code or 0
            else:
                print(exit.code, file=sys.stderr)
                code = 1
        except BaseException as error:  # as the interpreter reports it: from the command's own frames
            frames = error.__traceback__
            while frames is not None and frames.tb_frame.f_code.co_filename in (__file__, "<frozen runpy>"):
                frames = frames.tb_next
            sys.excepthook(type(error), error.with_traceback(frames), frames)
            code = 1
        logging.shutdown()
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    while True:
        try:
            request: Any = pickle.load(requests)
        except EOFError:
            return
        pid = os.fork()
        if pid == 0:
            requests.close()
            answers.close()
            _child(*request)
        _, status = os.waitpid(pid, 0)
        pickle.dump(os.waitstatus_to_exitcode(status), answers)
        answers.flush()


FORKS = ForkServer()  # this process's server

if __name__ == "__main__":
    # The protocol gets its own descriptors; 0 and 1 are left to the children.
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    sys.path.pop(0)  # this script's folder (tests/) is no part of a command's path
    serve(requests, answers)
