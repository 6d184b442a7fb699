"""The tests' own factory (conftest.py `project_copy`): `build(languages=…)` builds the
languages it names and no other, and a mistake in a test's list is an error, not a
build of something else. Its runs forked from a process with the libraries imported
(tests/forkserver.py) are what a new interpreter gives. The run's shared builds (tests/shared_build.py): one build per
project content and environment, served while any process uses it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import forkserver
import pytest
import shared_build
from conftest import build_only
from sitekit import model, project
from sitekit.gate import project_catalogue


def build_flags(root) -> dict[str, bool]:
    return {entry["locale"]: entry.get("build", True) for entry in model.i18n_plugin_config(model.load_mkdocs_config(root))["languages"]}


def test_build_only_sets_each_languages_build_flag(project_copy):
    codes = [lang.code for lang in project_catalogue(project_copy.root).languages]
    assert all(build_flags(project_copy.root).values())
    chosen = [codes[0], codes[-1]]
    build_only(project_copy.root, chosen)
    assert build_flags(project_copy.root) == {code: code in chosen for code in codes}
    build_only(project_copy.root, codes)  # and back: every language built again
    assert all(build_flags(project_copy.root).values())


@pytest.mark.parametrize("mistake", ["default_left_out", "unknown_code"])
def test_build_only_refuses_a_list_it_cannot_build(project_copy, mistake):
    catalogue = project_catalogue(project_copy.root)
    default, other = catalogue.default.code, catalogue.languages[1].code
    languages = [other] if mistake == "default_left_out" else [default, "xx-no-such-language"]
    before = (project_copy.root / "mkdocs.yml").read_bytes()
    with pytest.raises(ValueError, match="the copy's languages are"):
        build_only(project_copy.root, languages)
    assert (project_copy.root / "mkdocs.yml").read_bytes() == before


def test_a_build_of_the_default_language_makes_no_other_languages_pages(project_copy):
    catalogue = project_catalogue(project_copy.root)
    other = catalogue.languages[1]
    build = project_copy.build(languages=[catalogue.default.code])
    assert build.returncode == 0, build.output
    assert (build.site / catalogue.url(catalogue.default.code, "trial.md") / "index.html").is_file()
    assert not (build.site / catalogue.url(other.code, "trial.md") / "index.html").exists()


# --- one build per run, shared by the workers (tests/shared_build.py) -----------------------


def fake_build(calls: list[Path]):
    """A build that writes its site address into index.html and counts its runs."""

    def build(site: Path, site_url: str, project: Path, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
        calls.append(project)
        (site / "index.html").write_text(site_url, encoding="utf-8")
        return subprocess.CompletedProcess([], 0, "built\n", "")

    return build


def test_one_build_serves_every_user_until_the_last_leaves_and_another_project_gets_its_own(tmp_path):
    root = project.copy_project(tmp_path / "project")
    shared, calls = tmp_path / "shared", []
    with shared_build.shared_build(root, shared=shared, build=fake_build(calls)) as first:
        with shared_build.shared_build(root, shared=shared, build=fake_build(calls)) as second:
            assert calls == [root] and second.site == first.site and second.site_url == first.site_url
            with urllib.request.urlopen(first.site_url) as answer:
                assert answer.read().decode() == first.site_url  # served, and built for its own address
            assert (first.returncode, first.output) == (0, "built\n")
        changed = project.copy_project(tmp_path / "changed")
        page = changed / "docs" / "en" / "trial.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
        with shared_build.shared_build(changed, shared=shared, build=fake_build(calls)) as other:
            assert calls == [root, changed] and other.site != first.site
        with shared_build.shared_build(root, env={"HANDOUTS": "1"}, shared=shared, build=fake_build(calls)):
            assert calls == [root, changed, root]  # another environment: another build
    deadline = time.monotonic() + 10 * shared_build.POLL + 5
    while (first.site.parent / "server.json").exists() and time.monotonic() < deadline:
        time.sleep(shared_build.POLL)
    assert not (first.site.parent / "server.json").exists(), "the server outlived its last user"
    with pytest.raises(OSError):
        urllib.request.urlopen(first.site_url, timeout=5)
    with shared_build.shared_build(root, shared=shared, build=fake_build(calls)) as again:
        assert calls == [root, changed, root, root] and again.site_url  # built again, for a new server


# --- runs forked from a process with the libraries imported (tests/forkserver.py) ----------------

PROBE = """import json, os, sys
print(json.dumps({"argv": sys.argv, "cwd": os.getcwd(), "path0": sys.path[0], "env": os.environ.get("PROBE"),
                  "main": sys.modules["__main__"].__file__, "stdin": sys.stdin.read()}))
print("to stderr", file=sys.stderr)
code = sys.argv[1]
if code == "raise":
    raise ValueError("a bad input")
if code == "kill":
    os.kill(os.getpid(), 9)
sys.exit(code if not code.isdigit() else int(code))
"""


@pytest.mark.parametrize("code", ["0", "1", "2", "a message", "raise", "kill"])
def test_a_forked_run_is_what_a_new_interpreter_gives(tmp_path, code):
    """Output, error output, exit status (a message, an exception, a signal), arguments,
    folder, environment and import path as `python SCRIPT ARGS` in a new interpreter."""
    script = tmp_path / "scripts" / "probe.py"
    script.parent.mkdir()
    script.write_text(PROBE, encoding="utf-8")
    env = {**os.environ, "PROBE": "set"}
    fresh = subprocess.run([sys.executable, str(script), code], cwd=tmp_path, env=env, capture_output=True, text=True)
    forked = forkserver.FORKS.run([str(script), code], tmp_path, env)
    assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert fresh.returncode == {"0": 0, "1": 1, "2": 2, "a message": 1, "raise": 1, "kill": -9}[code]
    module = forkserver.FORKS.run(["-m", "json.tool", str(script)], tmp_path, env)  # not JSON: a usage error
    fresh_module = subprocess.run([sys.executable, "-m", "json.tool", str(script)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert (module.returncode, module.stdout, module.stderr) == (fresh_module.returncode, fresh_module.stdout, fresh_module.stderr)
