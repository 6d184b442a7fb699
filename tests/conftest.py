"""Shared fixtures: one strict build of the real site per test session, and a factory
that builds a modified copy of the project (a scenario) for the failing cases."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import forkserver
import pytest
import shared_build
from sitekit import browser, clinic, model, project
from sitekit.gate import project_catalogue

REPO = Path(__file__).resolve().parents[1]  # the project: the tests live in its tests/ folder
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Build:
    returncode: int
    output: str
    site: Path
    site_url: str = ""


def run_build(project_root: Path, site: Path, env: dict[str, str] | None = None) -> Build:
    """The real MkDocs build, strict (mkdocs.yml sets strict: true), never with -q: the
    command sitekit.project.strict_build runs, in a process of its own forked from one that
    has the libraries imported already (tests/forkserver.py)."""
    arguments = project.build_arguments(project_root, site)
    result = forkserver.FORKS.run(arguments, project_root, {**os.environ, **(env or {})})
    return Build(result.returncode, result.stdout + result.stderr, site)


def load_module(path: Path) -> ModuleType:
    """A script as a module: the scripts are files of the project, not of the sitekit package."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def run_docs(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The translators' tool, as a translator runs it from the repository's top folder (a
    process of its own, forked as `run_build`'s)."""
    return forkserver.FORKS.run([str(REPO / "scripts" / "docs.py"), "--root", str(root), *args], root, os.environ)


@pytest.fixture(scope="session")
def built_site() -> Iterator[Build]:
    """One strict build of the real site per test run, shared by every worker
    (tests/shared_build.py) and served on 127.0.0.1: its absolute addresses (canonical,
    hreflang, QR codes) point at that server. It makes the PDF handouts, as a production
    build does (HANDOUTS=1); the project copies the other tests build do not, unless a test
    asks. Tests only read it."""
    with shared_build.shared_build(model.REPO, {"HANDOUTS": "1"}) as result:
        assert result.returncode == 0, result.output
        yield Build(result.returncode, result.output, result.site, result.site_url)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Iterator[Build]:
    """The real site built with real-looking clinic details (sitekit.clinic.EXAMPLE) in place
    of the placeholders, served on 127.0.0.1: what a clinic's readers get. One build per
    test run, shared by every worker, as `built_site`."""
    root = project.copy_project(tmp_path_factory.mktemp("example") / "project")
    config = root / "mkdocs.yml"
    config.write_text(clinic.with_example(config.read_text(encoding="utf-8")), encoding="utf-8")
    with shared_build.shared_build(root) as result:
        assert result.returncode == 0, result.output
        yield Build(result.returncode, result.output, result.site, result.site_url)


@pytest.fixture(scope="session")
def chromium():
    with browser.chromium() as instance:
        yield instance


@pytest.fixture
def context(chromium):
    """`context(**options)`: a new page in its own browser context (viewport, locale, …),
    with reduced motion (no transitions to wait for); closed after the test."""
    contexts = []

    def make(**options):
        made = chromium.new_context(reduced_motion="reduce", **options)
        contexts.append(made)
        return made.new_page()

    yield make
    for made in contexts:
        made.close()


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project to modify; `overlay(name)` copies tests/fixtures/<name>/ over it."""

    class Project:
        root = tmp_path / "project"

        def overlay(self, name: str) -> None:
            shutil.copytree(FIXTURES / name, self.root, dirs_exist_ok=True)

        def use_docs(self, name: str) -> None:
            """Replace the copy's pages with those of tests/fixtures/<name>/ (its docs/, l10n/):
            mkdocs.yml's languages and nav follow them, so the fixture's messages do not
            change when the real site gains a page or a language."""
            use_fixture_docs(self.root, FIXTURES / name)

        def build(self, env: dict[str, str] | None = None, languages: Collection[str] | None = None) -> Build:
            """The strict build of the copy; `languages` (the default one among them) builds
            only those (mkdocs-static-i18n's `build: false` for the others), for a test whose
            claim is about their output or the build's messages: the first language's build
            logs every language's page problems (sitekit/build/page_source.py on_files)."""
            if languages is not None:
                build_only(self.root, languages)
            return run_build(self.root, tmp_path / "site", env)

    copy_project(Project.root)
    return Project()


def use_fixture_docs(root: Path, fixture: Path) -> None:
    docs = root / "docs"
    for folder in docs.iterdir():
        if folder.is_dir() and folder.name != "assets":
            shutil.rmtree(folder)
    shutil.copytree(fixture, root, dirs_exist_ok=True)
    languages = {folder.name for folder in docs.iterdir() if folder.is_dir() and folder.name != "assets"}
    pages = sorted((p.relative_to(docs / "en").as_posix() for p in (docs / "en").rglob("*.md")), key=lambda p: (p != "index.md", p))
    config = root / "mkdocs.yml"
    text = re.sub(
        r"^nav:\n(?:  - .*\n)+", "nav:\n" + "".join(f"  - {page}\n" for page in pages), config.read_text(encoding="utf-8"), flags=re.M
    )
    entry = re.compile(r"^        - locale: (\w+)\n(?:          .*\n)*", re.M)
    config.write_text(entry.sub(lambda m: m.group(0) if m.group(1) in languages else "", text), encoding="utf-8")


LANGUAGE_ENTRY = re.compile(r"^        - locale: (\S+)\n((?:          .*\n)*)", re.M)


def build_only(root: Path, languages: Collection[str]) -> None:
    """Set mkdocs-static-i18n's `build:` of each language in the copy's mkdocs.yml: true for
    `languages`, false for the others. A code the copy lacks, or leaving out the default
    language (the plugin always builds it), is a mistake in the test: ValueError."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    catalogue = project_catalogue(root)
    unknown = set(languages) - {lang.code for lang in catalogue.languages}
    if unknown or catalogue.default.code not in languages:
        raise ValueError(
            f"build_only{tuple(languages)}: the copy's languages are {[lang.code for lang in catalogue.languages]}, "
            f"the default ({catalogue.default.code}) among those built"
        )

    def entry(match: re.Match) -> str:
        flag = f"          build: {'true' if match.group(1) in languages else 'false'}\n"
        body, found = re.subn(r"^          build: .*\n", flag, match.group(2), flags=re.M)
        return f"        - locale: {match.group(1)}\n" + (body if found else body + flag)

    text, count = LANGUAGE_ENTRY.subn(entry, text)
    if count != len(catalogue.languages):
        raise ValueError(f"mkdocs.yml: {count} of {len(catalogue.languages)} language entries read — update conftest.LANGUAGE_ENTRY")
    config.write_text(text, encoding="utf-8")


def copy_project(root: Path) -> None:
    root.mkdir(parents=True)  # a fresh copy, never over an existing one
    project.copy_project(root)


def pytest_configure(config):
    """The run's folder of shared builds (tests/shared_build.py), made by its first pytest
    process (not by the xdist workers or the scenario's runs, which inherit it) and
    removed when that process ends."""
    if shared_build.SHARED_ENV not in os.environ:
        folder = tempfile.mkdtemp(prefix="painpump-builds-")
        os.environ[shared_build.SHARED_ENV] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_terminal_summary(terminalreporter):
    """States a clinic must hear about but that never fail the suite: overdue reviews, and
    translations that are outdated, missing or not yet offered to readers."""
    today = dt.date.today()
    catalogue = project_catalogue()
    overdue, behind = [], []
    for lang in catalogue.languages:
        for name in catalogue.pages:
            path = model.page_file(lang.code, name)
            if not path.exists():
                continue
            try:
                due = model.review_date(model.read_page(path).meta, "next_review")
            except model.PageError:
                continue
            if due is not None and due < today:
                overdue.append(f"{path.relative_to(REPO)} (due {due.isoformat()})")
    for lang in catalogue.languages[1:]:
        counts = Counter(catalogue.state(lang.code, name) for name in catalogue.pages)
        if set(counts) != {model.TRANSLATED}:
            shown = (
                "offered to readers"
                if catalogue.published(lang.code)
                else f"not offered to readers until {model.PUBLISH_THRESHOLD:.0%} is translated"
            )
            states = ", ".join(f"{count} {state}" for state, count in sorted(counts.items()))
            behind.append(f"{lang.code}: {states} ({shown}) — `python scripts/docs.py status --lang {lang.code}`")
    for title, lines in (("pages due for review", overdue), ("translations behind the English pages", behind)):
        if lines:
            terminalreporter.section(title)
            for line in lines:
                terminalreporter.write_line(line)


# Module-scoped fixtures that build or render something costly (a production build and
# nginx, a moved project's build, a wheel, the Nu checker's run, the visual pictures): each
# xdist worker that runs a test using one makes it again.
COSTLY_MODULE_FIXTURES = {"production", "moved", "installed", "nu_report", "pictures"}


def pytest_collection_modifyitems(items):
    """The longest tests first (the scenario runs the suite again in a copy, minutes on its
    own): begun early, they run beside the many short ones instead of after them, alone.
    Then the tests using a costly module fixture, module by module: xdist hands each worker
    a first batch of consecutive tests, so each such fixture is made by one worker only."""

    def order(item: pytest.Item) -> tuple[int, str]:
        if item.get_closest_marker("scenario") is not None:
            return 0, ""
        if COSTLY_MODULE_FIXTURES & set(getattr(item, "fixturenames", ())):
            return 1, item.nodeid.split("::")[0]
        return 2, ""

    items.sort(key=order)
