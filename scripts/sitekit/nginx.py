"""Debian's nginx serving a built site with the production configuration
(deploy/nginx/painpump-site.conf), on 127.0.0.1, for the tests and the benchmark.

    port = nginx.reserve_port()                       # before the build:
    browser.build(site, f"http://127.0.0.1:{port}/")  # absolute links point at that origin
    with nginx.nginx_server(site, port) as origin:    # "http://127.0.0.1:<port>/"
        ...

nginx runs as a child process in the foreground (no daemon) with its own temporary prefix
and configuration; leaving the `with` block stops it. `NginxUnavailable` says what to
install when nginx or its Brotli module is missing.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sitekit import model, serving

NGINX = Path("/usr/sbin/nginx")
MIME_TYPES = Path("/etc/nginx/mime.types")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
DEPLOY = model.REPO / "deploy" / "nginx"
SITE_CONF = DEPLOY / "painpump-site.conf"
PRODUCTION_CONF = DEPLOY / "painpump.conf"
# Where the production configuration expects the snippets (README, Deploying).
INSTALLED_SITE_CONF = "/etc/nginx/snippets/painpump-site.conf"
INSTALLED_HEADERS = "/etc/nginx/snippets/painpump-headers.conf"
SETUP_HINT = "run `bash scripts/setup.sh --system` (installs Debian's nginx and libnginx-mod-http-brotli-static)"


class NginxUnavailable(RuntimeError):
    """nginx (or its Brotli module) is not installed on this machine."""


def reserve_port() -> int:
    """A TCP port free on 127.0.0.1 now. Reserve it before building the site for
    http://127.0.0.1:<port>/, then start nginx on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_nginx() -> None:
    if not NGINX.exists():
        raise NginxUnavailable(f"{NGINX} is missing: {SETUP_HINT}")
    if not BROTLI_MODULE.exists():
        raise NginxUnavailable(f"{BROTLI_MODULE} is missing: {SETUP_HINT}")


def main_config(workdir: Path, http: str) -> str:
    """A complete nginx.conf for a foreground nginx whose files all live in `workdir`."""
    temp = "\n".join(f"    {name}_temp_path {workdir / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""# Rendered by scripts/sitekit/nginx.py; see deploy/nginx/.
load_module {BROTLI_MODULE};
daemon off;
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log stderr warn;
{f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""}
events {{
    worker_connections 256;
}}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    sendfile on;
    access_log off;
{temp}
{http}
}}
"""


def install_site_conf(site_dir: Path, workdir: Path) -> Path:
    """The checked-in deploy/nginx/painpump-site.conf as installed into `workdir`, including
    the header snippet the build of `site_dir` wrote."""
    headers = site_dir.resolve() / serving.NGINX_SNIPPET
    if not headers.is_file():
        raise FileNotFoundError(f"{headers} is missing: {site_dir} was not built with scripts/sitekit/build/production.py")
    site_conf = SITE_CONF.read_text(encoding="utf-8")
    if INSTALLED_HEADERS not in site_conf:
        raise ValueError(f"{SITE_CONF} no longer includes {INSTALLED_HEADERS}: update scripts/sitekit/nginx.py with it")
    installed = workdir / "painpump-site.conf"
    installed.write_text(site_conf.replace(INSTALLED_HEADERS, str(headers)), encoding="utf-8")
    return installed


def render(site_dir: Path, port: int, workdir: Path) -> Path:
    """Write into `workdir` an nginx.conf serving `site_dir` on 127.0.0.1:`port` with the
    checked-in deploy/nginx/painpump-site.conf and the build's header snippet."""
    server = f"""    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        root {site_dir.resolve()};
        include {install_site_conf(site_dir, workdir)};
    }}"""
    conf = workdir / "nginx.conf"
    conf.write_text(main_config(workdir, server), encoding="utf-8")
    return conf


def check_config(conf: Path, workdir: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on a rendered configuration (reads certificates, binds no port)."""
    return subprocess.run([str(NGINX), "-t", "-q", "-e", "stderr", "-p", str(workdir), "-c", str(conf)], capture_output=True, text=True)


@contextmanager
def nginx_server(site_dir: Path, port: int, timeout: float = 10.0) -> Iterator[str]:
    """Serve the built `site_dir` with the production configuration on 127.0.0.1:`port`;
    yields the origin "http://127.0.0.1:<port>/". Raises NginxUnavailable when nginx is
    not installed, RuntimeError with nginx's own message when it does not start."""
    require_nginx()
    _require_free(port)  # else the check below would find the other server listening
    workdir = Path(tempfile.mkdtemp(prefix="painpump-nginx-"))
    try:
        conf = render(site_dir, port, workdir)
        log = workdir / "error.log"  # a file, not a pipe nobody reads while nginx runs
        with open(log, "w") as errors:
            process = subprocess.Popen(
                [str(NGINX), "-e", "stderr", "-p", str(workdir), "-c", str(conf)],
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,  # its own process group: master and workers stop together
            )
        try:
            _wait_until_listening(process, port, timeout, log)
            yield f"http://127.0.0.1:{port}/"
        finally:
            process.terminate()  # SIGTERM: nginx's fast shutdown, workers included
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _require_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx does: closed connections do not count
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as err:
            raise RuntimeError(f"127.0.0.1:{port} is taken ({err.strerror}): reserve another with reserve_port()") from None


def _wait_until_listening(process: subprocess.Popen, port: int, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            message = log.read_text(encoding="utf-8", errors="replace")
            raise RuntimeError(f"nginx stopped at start (exit status {process.returncode}):\n{message.strip()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on 127.0.0.1:{port} within {timeout} s")
