"""The build has one owner (issue 28): the `painpump` plugin (sitekit/build/plugin.py) runs
every step of sitekit/build in its written order, only that package knows MkDocs, and a
page is read and rendered once for as long as its text stays the same."""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
import os
import stat
import time
import types
from pathlib import Path

from conftest import REPO
from sitekit import model, structure
from sitekit.build import language_outputs, plugin
from sitekit.build.state import Build

SITEKIT = REPO / "scripts" / "sitekit"
BUILD = SITEKIT / "build"
NOT_STEPS = {"__init__", "plugin", "state", "config"}  # the plugin, its state, and the config reader


def test_mkdocs_yml_has_no_hooks_and_lists_the_plugin_last():
    config = model.load_mkdocs_config(REPO)
    assert "hooks" not in config
    names = [entry if isinstance(entry, str) else next(iter(entry)) for entry in config["plugins"]]
    assert names[-1] == "painpump"  # its steps run after the other plugins' at the same priority
    (entry,) = [e for e in importlib.metadata.entry_points(group="mkdocs.plugins") if e.name == "painpump"]
    assert entry.load() is plugin.SiteBuild


def unlisted_steps(modules: dict[str, object], listed: list[object]) -> list[str]:
    """Functions of the step modules that look like a step (`on_…`) but the plugin never runs."""
    return sorted(
        f"{name}.{function}"
        for name, module in modules.items()
        for function, value in vars(module).items()
        if function.startswith("on_") and inspect.isfunction(value) and value not in listed
    )


def step_modules() -> dict[str, object]:
    import importlib

    return {path.stem: importlib.import_module(f"sitekit.build.{path.stem}") for path in BUILD.glob("*.py") if path.stem not in NOT_STEPS}


def test_every_step_of_the_build_package_is_in_the_plugins_written_order():
    assert unlisted_steps(step_modules(), plugin.listed_steps()) == []
    modules = {step.__module__ for step in plugin.listed_steps()}
    assert modules == {f"sitekit.build.{name}" for name in step_modules()}  # no module left without a step


def test_a_step_the_plugin_does_not_run_is_found():
    class Module:
        def on_page_content(build, html, page, config, files):
            return html

    module = type("M", (), {"on_page_content": Module.on_page_content})
    assert unlisted_steps({"forgotten": module}, plugin.listed_steps()) == ["forgotten.on_page_content"]


def mkdocs_imports(source: str) -> list[int]:
    """Lines of `source` importing MkDocs, ProperDocs or a MkDocs plugin's module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        if any(name.split(".")[0] in {"mkdocs", "properdocs", "mkdocs_static_i18n", "mkdocs_redirects"} for name in names):
            found.append(node.lineno)
    return found


def test_only_the_build_package_knows_mkdocs():
    outside = {
        path.relative_to(SITEKIT).as_posix(): lines
        for path in SITEKIT.glob("*.py")
        if (lines := mkdocs_imports(path.read_text(encoding="utf-8")))
    }
    # The package's own __init__ installs ProperDocs' answer to `mkdocs.*` imports, so every
    # tool reads mkdocs.yml with the build's code; nothing else outside sitekit/build imports it.
    assert outside == {"__init__.py": [8]}
    assert mkdocs_imports("import os\nfrom mkdocs.plugins import BasePlugin\n") == [2]


def test_a_page_is_parsed_once_and_each_caller_gets_its_own_copy(tmp_path):
    path = tmp_path / "page.md"
    text = "---\ntitle: One\nreview:\n  by: x\n---\n# One {#one}\n"
    first = model.parse_page(path, text)
    first.meta["review"]["by"] = "changed by a caller"
    again = model.parse_page(path, text)
    assert again.meta == {"title": "One", "review": {"by": "x"}}
    assert model.parse_page(path, text.replace("One", "Two")).meta["title"] == "Two"  # new text, read again


def test_a_body_is_rendered_once_while_its_text_stays_the_same():
    renderer = structure.Renderer.for_project(REPO)
    body = "# Title {#title}\n\nA paragraph.\n"
    assert renderer.read(body) is renderer.read(body)
    assert renderer.read(body + "\nMore.\n") is not renderer.read(body)


def test_jieba_keeps_its_cache_in_the_projects_own_folder(tmp_path, monkeypatch):
    import jieba

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(jieba.dt, "tmp_dir", None)
    monkeypatch.setattr(jieba, "cut", jieba.cut)  # put back after the test
    build = Build()
    language_outputs.on_config(build, config=types.SimpleNamespace(plugins={}))
    folder = Path(jieba.dt.tmp_dir)
    assert folder == tmp_path / "painpump-site" / "jieba"  # never the shared temporary folder
    assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0  # the user's alone
    assert build.chinese_words.path.parent == folder and jieba.cut == build.chinese_words.cut


def test_chinese_words_are_kept_across_builds_and_jieba_is_not_asked_again(tmp_path):
    asked: list[str] = []

    def cut(sentence, *args):
        asked.append(sentence)
        return iter(list(sentence))  # one word a character: any segmentation will do here

    path = tmp_path / "words.json"
    first = language_outputs.ChineseWords(path, cut)
    assert list(first.cut("鞘内镇痛泵".encode())) == list("鞘内镇痛泵")
    first.known["一个月前的文字"] = [first.today - first.KEEP_DAYS - 1, ["一个月前"]]  # unused for longer than kept
    first.save()
    again = language_outputs.ChineseWords(path, cut)
    assert list(again.cut("鞘内镇痛泵")) == list("鞘内镇痛泵") and asked == ["鞘内镇痛泵"]  # from the file, not from jieba
    assert "一个月前的文字" not in again.known
    # Failing cases: an unreadable file or a malformed entry is cut again, never trusted.
    path.write_text('{"鞘内镇痛泵": "not a list"}', encoding="utf-8")
    assert list(language_outputs.ChineseWords(path, cut).cut("鞘内镇痛泵")) == list("鞘内镇痛泵") and len(asked) == 2
    path.write_text("not JSON", encoding="utf-8")
    assert list(language_outputs.ChineseWords(path, cut).cut("鞘内镇痛泵")) == list("鞘内镇痛泵") and len(asked) == 3


def test_a_rebuild_compresses_only_what_changed_and_unused_forms_are_pruned(tmp_path, monkeypatch):
    from sitekit import serving

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>" + "words " * 200 + "</p>", encoding="utf-8")
    serving.precompress(site)
    made = []
    original = serving.compress
    monkeypatch.setattr(serving, "compress", lambda *args: made.append(args[1]) or original(*args))
    serving.precompress(site)
    assert made == []  # the page did not change: both forms from the cache
    (site / "index.html").write_text("<p>" + "other words " * 200 + "</p>", encoding="utf-8")
    serving.precompress(site)
    assert sorted(made) == ["br", "gz"]
    cache = tmp_path / "cache" / "painpump-site" / "precompressed"
    old = list(cache.iterdir())  # every form so far
    stale = old[0]
    os.utime(stale, (0, 0))  # unused since 1970
    assert serving.prune_cache(cache) == 1 and not stale.exists() and len(list(cache.iterdir())) == len(old) - 1


def test_a_build_prunes_the_compression_cache_once_a_day(tmp_path, monkeypatch):
    from sitekit import serving

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>" + "words " * 200 + "</p>", encoding="utf-8")
    pruned = []
    original = serving.prune_cache
    monkeypatch.setattr(serving, "prune_cache", lambda cache: pruned.append(cache) or original(cache))
    serving.precompress(site)
    serving.precompress(site)
    assert len(pruned) == 1, "pruned again within the day"
    stamp = pruned[0] / ".pruned"
    os.utime(stamp, (time.time() - 86400 - 60,) * 2)  # a day and a minute ago
    serving.precompress(site)
    assert len(pruned) == 2, "not pruned after a day"


def test_the_published_body_may_differ_from_the_gates_reading_only_in_resolved_links_and_the_glossary():
    read = '<p>See <a href="trial.md#risks">the trial</a>, the <a href="https://example.org/">guide</a> and the IDD pump.</p>'
    resolved = read.replace("trial.md#risks", "../trial/#risks").replace("IDD", '<abbr title="intrathecal drug delivery">IDD</abbr>')
    assert structure.publication_difference(read, resolved, {"IDD": "intrathecal drug delivery"}) is None
    # Failing cases: text added, an absolute address changed, an abbreviation the glossary does not hold.
    assert "An added claim" in structure.publication_difference(read, read.replace("pump.", "pump. An added claim."), {})
    assert structure.publication_difference(read, read.replace("example.org", "tracker.example"), {})
    assert structure.publication_difference(read, resolved, {"IDD": "something else"})


def test_a_build_that_publishes_a_body_the_gate_did_not_read_fails(project_copy):
    """A hook stands for any plugin or extension that changes a page after the gate read it."""
    (project_copy.root / "tamper.py").write_text(
        "def on_page_markdown(markdown, page, config, files):\n    return markdown + '\\n\\nAn added claim.\\n'\n", encoding="utf-8"
    )
    config = project_copy.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - tamper.py\n", encoding="utf-8")
    english = model.default_language(project_copy.root).code
    result = project_copy.build(languages=[english])
    assert result.returncode != 0
    assert f"docs/{english}/index.md: the page MkDocs renders is not the page the publishing gate read" in result.output
    assert "An added claim." in result.output
