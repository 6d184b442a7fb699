"""The benchmark's own logic (scripts/benchmark.py), without running the slow parts, and
the build caches it led to: each check has the case it must catch."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import urllib.request
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import pytest
import yaml
from conftest import REPO, load_module
from sitekit import browser, jinja_cache, model, search
from sitekit.build import performance
from sitekit.gate import project_catalogue

benchmark = load_module(REPO / "scripts" / "benchmark.py")


def resource(url: str, kind: str, gzip: int = 1000, brotli: int | None = None, status: int = 200, transfer: int = 0) -> dict:
    brotli = int(0.85 * gzip) if brotli is None else brotli
    sizes = {"raw": 3 * gzip, "transfer": transfer, "gzip": gzip, "brotli": brotli}
    return {"url": url, "kind": kind, "status": status, "encoding": "", **sizes}


def weight_page(
    first: list[dict], search_use: list[dict] | None = None, language: str = "es", results: int = 3, second: list[dict] | None = None
) -> dict:
    """A page's figures as measure_weight gives them; with `search_use`, the page visited again and searched from."""
    entry = {
        "page": f"/{language}/",
        "language": language,
        "first_visit": benchmark.totals([benchmark.Resource(**r) for r in first]),
        "first_visit_resources": first,
    }
    if search_use is not None:
        second = [{**r, "status": 304, "transfer": 0} for r in first] if second is None else second
        entry |= {"second_visit": benchmark.totals([benchmark.Resource(**r) for r in second]), "second_visit_resources": second}
        entry |= {"search_use_resources": search_use, "search_results": results}
    return entry


ORIGIN = "http://127.0.0.1:8000"
PAGE = [resource(f"{ORIGIN}/es/", "html", 5000), resource(f"{ORIGIN}/assets/javascripts/bundle.js", "js", 20000)]
SEARCH = [
    resource(f"{ORIGIN}/es/search/search_index.json", "search"),
    resource(f"{ORIGIN}/assets/javascripts/workers/search.2c215733.min.js", "search"),
    resource(f"{ORIGIN}/assets/javascripts/lunr/min/lunr.stemmer.support.min.js", "search"),
    resource(f"{ORIGIN}/assets/javascripts/lunr/min/lunr.es.min.js", "search"),
]


def verdicts(weight: dict) -> dict[str, bool]:
    return {budget.name: budget.met for budget in benchmark.budgets({"weight": weight})}


def test_search_loaded_only_when_used_and_only_for_the_readers_language_passes():
    assert all(verdicts({"pages": [weight_page(PAGE, SEARCH)]}).values())


@pytest.mark.parametrize(
    ("first", "search_use", "results"),
    [
        (PAGE + SEARCH, [], 3),  # the index and search code on the first visit
        (PAGE, [*SEARCH, resource(f"{ORIGIN}/assets/javascripts/lunr/min/lunr.zh.min.js", "search")], 3),  # another language
        (PAGE, [*SEARCH, resource(f"{ORIGIN}/assets/javascripts/lunr/min/lunr.multi.min.js", "search")], 3),  # several languages
        (PAGE, SEARCH, 0),  # search shows nothing
    ],
)
def test_search_budget_catches_early_foreign_or_broken_search(first, search_use, results):
    found = verdicts({"pages": [weight_page(first, search_use, results=results)]})
    assert found["search code: reader's language only, only when used"] is False


FIRST_VISIT = "first visit ≤ 30 KiB over gzip, every page × language"
BROTLI = "first visit over Brotli ≤ over gzip, every page × language"
SECOND_VISIT = "second visit 0 bytes (each language's home page)"


@pytest.mark.fixture_cases
def test_first_visit_budgets_count_every_page_over_gzip():
    """One page of several over 30 KiB gzip fails, even when Brotli is under and it is not
    the page visited again; Brotli above gzip on any page fails."""
    heavy = [*PAGE, resource(f"{ORIGIN}/assets/big.js", "js", 6000, brotli=1000)]  # 31000 B gzip, 21250 B Brotli
    passing = [weight_page(PAGE, SEARCH), weight_page(PAGE, language="ar")]
    assert verdicts({"pages": passing})[FIRST_VISIT] is True and verdicts({"pages": passing})[BROTLI] is True
    found = benchmark.budgets({"weight": {"pages": [*passing, {**weight_page(heavy), "page": "/es/after/"}]}})
    first_visit = next(b for b in found if b.name == FIRST_VISIT)
    assert not first_visit.met and "/es/after/" in first_visit.figure and "1/3" in first_visit.figure
    unbrotlied = [{**r, "brotli": r["raw"]} for r in PAGE]  # the production configuration sends files uncompressed
    assert verdicts({"pages": [*passing, weight_page(unbrotlied)]})[BROTLI] is False


@pytest.mark.fixture_cases
def test_second_visit_budget_catches_bytes_downloaded_again():
    cached = [{**r, "status": 200, "transfer": 0} for r in PAGE]  # from the browser's cache
    assert verdicts({"pages": [weight_page(PAGE, SEARCH, second=cached)]})[SECOND_VISIT] is True
    again = [cached[0], {**PAGE[1], "transfer": 20000}]  # the bundle downloaded again
    assert verdicts({"pages": [weight_page(PAGE, SEARCH, second=again)]})[SECOND_VISIT] is False


def test_font_budget_catches_a_web_font():
    font = [*PAGE, resource(f"{ORIGIN}/assets/fonts/noto.woff2", benchmark.kind_of(f"{ORIGIN}/assets/fonts/noto.woff2"))]
    assert verdicts({"pages": [weight_page(font, SEARCH)]})["no web fonts downloaded"] is False


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/es/", "html"),
        ("/es/search/search_index.json", "search"),
        ("/assets/javascripts/workers/search.2c215733.min.js", "search"),
        ("/assets/javascripts/lunr/wordcut.js", "search"),
        ("/assets/stylesheets/main.484c7ddc.min.css", "css"),
        ("/assets/site.js", "js"),
        ("/assets/fonts/x.woff2", "font"),
        ("/assets/favicon.svg", "other"),
    ],
)
def test_downloads_are_sorted_by_kind(url, kind):
    assert benchmark.kind_of(ORIGIN + url) == kind


def test_build_ratio_and_scaling_budgets():
    build = {"ratio": 1.5}
    scaling = {"points": [{"languages": 5, "ms_per_page_language": 10.0}, {"languages": 30, "ms_per_page_language": 20.0}], "growth": 2.0}
    assert [b.met for b in benchmark.budgets({"build": build, "scaling": scaling})] == [False, False]
    build["ratio"], scaling["growth"] = 1.1, 1.1
    assert [b.met for b in benchmark.budgets({"build": build, "scaling": scaling})] == [True, True]


def fake_build(cpu: float) -> dict:
    """The build part's figures as measure_build gives them (no build run)."""
    timing = {"cpu": cpu, "wall": cpu + 1}
    return {
        "runs": [timing] * 3,
        "languages": 5,
        "pages": 7,
        "full_cpu_s": cpu,
        "full_wall_s": cpu + 1,
        "english_cpu_s": cpu / 4,
        "english_wall_s": cpu / 4 + 1,
        "ratio": cpu / (5 * cpu / 4),
    }


def test_performance_file_keeps_the_parts_not_run_with_their_date_and_replaces_the_ones_run():
    """The writer's format on fake results: each part dated, with its commit, its printed
    table and its budgets; a later run of another part keeps this one as it was; a later
    run of the same part replaces it (the failing case: the old figure must be gone)."""
    earlier = f"{benchmark.EARLIER}\n## Earlier figures\n\nBefore issue 7 (2026-11-20): 87.2 KiB.\n"
    first = benchmark.Measured("2026-12-01", "abc1234", 2, 1.5, 3)
    written = benchmark.performance_markdown({"build": fake_build(12.5)}, first, earlier)
    assert written.startswith(benchmark.PERFORMANCE_HEADER)
    assert (
        "<!-- part: build -->\n## Build time\n\nMeasured on 2026-12-01 at commit abc1234: 2 CPUs, load 1.5, medians of 3 runs." in written
    )
    assert "```text\n== Build time (median of 3 strict builds" in written and "12.50" in written
    assert "| full build ≤ 1.2 × languages × English-only | met | 0.80 × |" in written
    assert written.rstrip().endswith("Before issue 7 (2026-11-20): 87.2 KiB."), "the earlier figures stay, last"

    scaling = {"points": [{"languages": 5, "pages": 50, "ms_per_page_language": 10.0, "cpu_s": 2.5, "wall_s": 3.0}], "growth": 1.0}
    later = benchmark.Measured("2026-12-07", "def5678 (with uncommitted changes)", 2, 4.0, 1)
    again = benchmark.performance_markdown({"scaling": scaling}, later, written)
    kept = written[written.index("<!-- part: build -->") : written.index(benchmark.PART_END) + len(benchmark.PART_END)]
    assert kept in again, "a part not run keeps its figures and their original date"
    assert "Measured on 2026-12-07 at commit def5678 (with uncommitted changes): 2 CPUs, load 4.0, one run." in again
    assert again.index("<!-- part: build -->") < again.index("<!-- part: scaling -->"), "parts in the benchmark's order"

    replaced = benchmark.performance_markdown({"build": fake_build(20.0)}, later, again)
    assert "12.50" not in replaced and "20.00" in replaced and "2026-12-01" not in replaced
    assert replaced.count("<!-- part: build -->") == 1 and "<!-- part: scaling -->" in replaced
    assert "Before issue 7" in replaced


def test_performance_file_escapes_a_pipe_in_a_figure(monkeypatch):
    """A budget's figure with `|` would split its table row: it is written as an entity."""
    measured = benchmark.Measured("2026-12-01", "abc1234", 2, 1.5, 3)
    monkeypatch.setattr(benchmark, "budgets", lambda figures: [benchmark.Budget("a | b", True, "x | y")])
    written = benchmark.performance_markdown({"build": fake_build(12.5)}, measured)
    assert "| a &#124; b | met | x &#124; y |" in written


def test_handout_budgets():
    handouts = {
        "ratio_afresh": 2.4,
        "ratio_unchanged": 1.1,
        "cpu_ratio_afresh": 3.0,
        "files": [{"file": "es/pain-pump-guide-es.pdf", "bytes": 3 * 1024 * 1024}],
    }
    assert [b.met for b in benchmark.budgets({"handouts": handouts})] == [False, False]
    handouts["ratio_afresh"], handouts["files"][0]["bytes"] = 1.9, 400 * 1024
    assert [b.met for b in benchmark.budgets({"handouts": handouts})] == [True, True]


def test_lighthouse_summary_lists_the_audits_not_passed():
    def ref(audit_id):
        return {"id": audit_id, "weight": 1}

    report = {
        "categories": {key: {"score": 1, "auditRefs": [ref(f"{key}-audit")]} for key in benchmark.LIGHTHOUSE_CATEGORIES},
        "audits": {f"{key}-audit": {"score": 1, "scoreDisplayMode": "binary"} for key in benchmark.LIGHTHOUSE_CATEGORIES},
    }
    report["categories"]["accessibility"]["score"] = 0.93
    report["audits"]["accessibility-audit"]["score"] = 0
    summary = benchmark.lighthouse_summary(report)
    assert summary["scores"]["accessibility"] == 93 and summary["scores"]["seo"] == 100
    assert summary["failing"] == ["accessibility-audit"]


@pytest.mark.fixture_cases
def test_lighthouse_budget_names_the_host_language_and_audits_under_100():
    pages = [
        {"host": host, "language": lang, "scores": dict.fromkeys(benchmark.LIGHTHOUSE_CATEGORIES, 100), "failing": []}
        for host in benchmark.HOSTS
        for lang in ("en", "ar")
    ]
    assert benchmark.budgets({"lighthouse": {"pages": pages}})[0].met
    pages[3]["scores"]["performance"], pages[3]["failing"] = 97, ["largest-contentful-paint"]
    budget = benchmark.budgets({"lighthouse": {"pages": pages}})[0]
    assert not budget.met
    assert budget.figure == f"{pages[3]['host']} ar 97/100/100/100 (largest-contentful-paint)"


@pytest.mark.fixture_cases
def test_gzip_only_server_gzips_text_for_clients_asking_for_it(tmp_path):
    page = "<p>Bomba de dolor</p>\n" * 200
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG" * 100)

    def get(path: str, accept: str) -> tuple[dict[str, str], bytes]:
        request = urllib.request.Request(server.origin + path, headers={"Accept-Encoding": accept} if accept else {})
        with urllib.request.urlopen(request) as response:  # urllib decompresses nothing
            return {k.lower(): v for k, v in response.headers.items()}, response.read()

    with browser.local_server(tmp_path, gzip_text=True) as server:
        headers, body = get("es/", "br, gzip;q=0.8")
        assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
        assert int(headers["content-length"]) == len(body) == len(browser.gzipped(page.encode())) < len(page)
        assert gzip.decompress(body).decode() == page
        for accept in ("", "br", "gzip;q=0"):
            headers, body = get("es/", accept)
            assert "content-encoding" not in headers and int(headers["content-length"]) == len(body) == len(page.encode())
        headers, body = get("photo.png", "gzip")  # not text: as it is
        assert "content-encoding" not in headers and body == (tmp_path / "photo.png").read_bytes()
        assert "content-security-policy" not in headers and "cache-control" not in headers


@pytest.mark.fixture_cases
def test_brotli_sizes_without_nginx_come_from_the_builds_files(tmp_path):
    served = benchmark.Served(tmp_path, ORIGIN + "/", "gzip-only", False)
    for name, packed in (("a.css", (".br", ".gz")), ("b.css", (".gz",)), ("c.css", ())):
        (tmp_path / name).write_bytes(b"x" * 100)
        for size, suffix in enumerate(packed, start=10):
            (tmp_path / f"{name}{suffix}").write_bytes(b"z" * size)
    assert [benchmark.brotli_sent(f"{ORIGIN}/{name}", b"x" * 100, served) for name in ("a.css", "b.css", "c.css")] == [10, 10, 100]


def test_lighthouse_is_tried_again_when_it_loses_its_trace(monkeypatch):
    outcomes = []

    def fake_run(command, **kwargs):
        failed = outcomes.pop(0)
        stdout = json.dumps({"runtimeError": {"code": "NO_NAVSTART", "message": "no trace"}} if failed else {"categories": {}})
        return subprocess.CompletedProcess(command, 1 if failed else 0, stdout, "Runtime error encountered")

    monkeypatch.setattr(benchmark, "LIGHTHOUSE", Path(sys.executable))
    monkeypatch.setattr(benchmark.browser, "CHROMIUM", sys.executable)
    monkeypatch.setattr(benchmark.subprocess, "run", fake_run)
    outcomes[:] = [True, True, False]
    assert benchmark.run_lighthouse("http://127.0.0.1:1/") == {"categories": {}}
    outcomes[:] = [True, True, True]
    with pytest.raises(benchmark.SetupError, match="3 times"):
        benchmark.run_lighthouse("http://127.0.0.1:1/")


def test_search_words_come_from_titles_in_every_script():
    index = {"docs": [{"title": "The trial phase"}, {"title": "镇痛\u200b泵\u200b植入"}, {"title": "زرع مضخة الألم"}]}
    words = benchmark.search_words(index, 10)
    assert {"trial", "phase", "镇痛", "植入", "مضخة", "الألم"} <= set(words)
    assert "the" not in words and "泵" not in words


def test_english_only_config_builds_english_alone():
    config = yaml.safe_load(benchmark.config_for(REPO, build_only="en"))
    builds = {entry["locale"]: entry["build"] for entry in model.i18n_plugin_config(config)["languages"]}
    assert builds == {code: code == "en" for code in builds} and len(builds) == len(model.languages())
    assert config["plugins"][-1] == model.load_mkdocs_config()["plugins"][-1] == "painpump"


def test_synthetic_site_counts_every_page_as_translated(tmp_path):
    real = [lang.code for lang in model.languages()]
    languages = benchmark.synthetic_languages(len(real) + 2, project_catalogue())
    assert languages[: len(real)] == real and len(set(languages)) == len(real) + 2
    chosen = languages[:2] + languages[len(real) : len(real) + 1]  # two of the site's languages and one it lacks
    benchmark.make_synthetic_site(tmp_path, chosen, 9)
    catalogue = project_catalogue(tmp_path)
    assert [lang.code for lang in catalogue.languages] == chosen
    assert len(catalogue.pages) == 9
    assert set(yaml.safe_load((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]) == set(catalogue.pages)
    assert all(catalogue.published(lang.code) for lang in catalogue.languages)
    assert set(catalogue.states.values()) == {model.SOURCE, model.TRANSLATED}
    assert (tmp_path / "l10n" / chosen[-1] / "strings.yml").exists()
    assert (tmp_path / "docs" / "assets" / "site.css").exists() and not (tmp_path / "docs" / languages[2]).exists()


def test_command_line_usage_errors_exit_2_and_help_exits_0():
    for bad in (["--only", "speed"], ["--runs", "0"], ["--scaling-languages", "five"]):
        with pytest.raises(SystemExit) as exit_info:
            benchmark.parse_args(bad)
        assert exit_info.value.code == 2
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "benchmark.py"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--only" in result.stdout and "Exit status" in result.stdout


def test_parsed_files_are_read_again_when_they_change(tmp_path):
    path = tmp_path / "strings.yml"
    path.write_text("greeting: hello\n", encoding="utf-8")
    first = model.parsed_file(path, model._read_yaml)
    first["greeting"] = "changed by a caller"
    assert model.parsed_file(path, model._read_yaml) == {"greeting": "hello"}  # callers get copies
    path.write_text("greeting: hallo\n", encoding="utf-8")  # same size, at once: still seen
    assert model.parsed_file(path, model._read_yaml) == {"greeting": "hallo"}


def test_shared_template_cache_compiles_an_edited_template_again(tmp_path):
    (tmp_path / "page.html").write_text("one", encoding="utf-8")

    def render() -> str:
        env = jinja_cache.shared(jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path))))
        return env.get_template("page.html").render()

    assert render() == "one" and render() == "one"
    (tmp_path / "page.html").write_text("two", encoding="utf-8")
    assert render() == "two"


def test_page_trimming_keeps_preformatted_text():
    hook = performance
    html = '<div>\n    <p>one\n\n      two</p>\n  <pre><code>a\n    b</code></pre>\n  <script type="application/json">\n  {"a": 1}</script>\n</div>'
    assert (
        hook.trim(html)
        == '<div>\n<p>one\ntwo</p>\n<pre><code>a\n    b</code></pre>\n<script type="application/json">\n  {"a": 1}</script>\n</div>'
    )


@pytest.mark.browser
def test_search_files_load_only_once_search_is_opened(built_site, chromium):
    """The benchmark's check, on the session's build: nothing of search on the first visit;
    opening search loads the reader's language's index and search code, and finds."""
    served = benchmark.Served(built_site.site, built_site.site_url, "test server", False)
    context = chromium.new_context(viewport=browser.PHONE, locale="es")
    page = context.new_page()
    with benchmark.recording(context, served) as first:
        page.goto(built_site.site_url + "es/")
        benchmark.settle(page)
    with benchmark.recording(context, served) as searching:
        benchmark.open_search(page)
        benchmark.enter_query(page, "dolor")
        benchmark.settle(page)
        results = page.locator(f"{benchmark.RESULT_LIST} > li").count()
    context.close()
    entry = {"page": "es home", "language": "es", "first_visit_resources": [asdict(r) for r in first]}
    entry |= {"search_use_resources": [asdict(r) for r in searching], "search_results": results}
    budget = benchmark.search_on_demand({"pages": [entry]})
    assert budget.met, budget.figure
    assert any(r.url.endswith("/es/search/search_index.json") for r in searching)


def test_recall_at_1_and_3_per_language_and_queries_without_results():
    def outcome(lang: str, query: str, found: list[str]) -> dict:
        return {"language": lang, "query": query, "wanted": "/a/", "found": found, "results": len(found)}

    entries = benchmark.recall_by_language(
        [
            outcome("es", "first", ["/a/", "/b/"]),
            outcome("es", "third", ["/b/", "/c/", "/a/"]),
            outcome("es", "fourth", ["/b/", "/c/", "/d/", "/a/"]),
            outcome("es", "nothing", []),
            outcome("zh", "导管", ["/a/"]),
        ]
    )
    es, zh = entries
    assert (es["recall_at_1"], es["recall_at_3"]) == (0.25, 0.5)
    assert es["missed_top_3"] == ["fourth", "nothing"] and es["zero_results"] == ["nothing"]
    assert (zh["recall_at_1"], zh["recall_at_3"], zh["zero_results"]) == (1.0, 1.0, [])
    budgets = {b.name: b for b in benchmark.recall_budgets({"tuning": [zh], "held-out": entries})}
    assert budgets["no answerable query without results"].met is False
    assert "es:nothing" in budgets["no answerable query without results"].figure
    heldout = next(b for name, b in budgets.items() if name.startswith("held-out"))
    assert heldout.met is False and "es 0.25/0.50" in heldout.figure
    assert all(b.met for b in benchmark.recall_budgets({"tuning": [zh], "held-out": [zh]}))


def test_the_engine_judge_counts_contents_numbers_running_heads_and_runs_in_order(tmp_path):
    """The engines part judges a PDF as a reader's tools read it: a cover whose contents
    have their page numbers and sheets with the running head count; a contents without
    numbers (what Chromium prints: no target-counter) and sheets without the head do not;
    a left-to-right run printed out of order is not counted in order."""
    from sitekit import handout
    from weasyprint import HTML

    strings = {"call_clinic": "Call the clinic"}
    head = '<div style="position: running(head)">Call the clinic 555 0100</div>'
    page = "@page { @top-center { content: element(head) } } @page :first { @top-center { content: none } }"
    runs = '<p dir="rtl">العنوان: <bdi dir="ltr">12 Main St.</bdi></p>'
    good = f"<html><head><style>{page}</style></head><body>{head}<ol><li>Title · 2</li></ol>{runs}<p style='break-before: page'>Text</p></body></html>"
    bad = "<html><body><ol><li>Title</li></ol><p>العنوان: Main St. 12</p><p style='break-before: page'>Text</p></body></html>"
    doc = handout.Document(handout.Handout(project_catalogue().default), good, ["index.md"], [])
    for name, html in (("good", good), ("bad", bad)):
        HTML(string=html).write_pdf(tmp_path / f"{name}.pdf")
    judged = benchmark.judge_pdf(tmp_path / "good.pdf", doc, strings)
    assert (judged["sheets"], judged["contents_numbered"], judged["running_heads"], judged["runs_in_order"], judged["runs"]) == (
        2,
        1,
        1,
        1,
        1,
    )
    judged = benchmark.judge_pdf(tmp_path / "bad.pdf", doc, strings)
    assert (judged["contents_numbered"], judged["running_heads"], judged["runs_in_order"]) == (0, 0, 0)


def test_a_query_the_guide_does_not_answer_counts_apart_from_recall(tmp_path):
    """A held-out query with `page: null` is no miss (it was counted as one, against a page
    named "None"): it is reported with whether the results offered the clinic."""
    path = tmp_path / "set.yml"
    path.write_text("en:\n  - {query: catheter, page: trial.md}\n  - {query: parking, page: null}\n", encoding="utf-8")
    queries = search.load_queries(path)
    assert [q.page for q in queries] == ["trial.md", ""]
    catalogue = project_catalogue()
    assert [q.query for q in benchmark.answerable(queries, catalogue, "en")] == ["catheter"]
    assert [q.query for q in benchmark.unanswerable(queries, "en")] == ["parking"]
    found = {"language": "en", "query": "catheter", "wanted": "/trial/", "found": ["/trial/"], "results": 1}
    unanswered = {"language": "en", "query": "parking", "wanted": "", "found": ["/"], "results": 1, "help": False}
    (entry,) = benchmark.recall_by_language([found, unanswered])
    assert (entry["queries"], entry["recall_at_1"], entry["unanswerable"]) == (1, 1.0, 1)
    assert entry["unanswerable_without_help"] == ["parking"]


def test_first_answer_budget_reads_the_median_over_languages_and_any_console_warning():
    def first(times: dict[str, float], warnings: dict[str, list[str]] | None = None) -> dict:
        languages = [
            {"language": k, "query": "q", "ms": v, "loading": "…", "warnings": (warnings or {}).get(k, [])} for k, v in times.items()
        ]
        return {"languages": languages, "median_ms": sorted(times.values())[len(times) // 2]}

    assert benchmark.first_answer_budget(first({"en": 900, "es": 1400, "vi": 3000})).met
    slow = benchmark.first_answer_budget(first({"en": 900, "es": 1600, "vi": 3000}))
    assert not slow.met and "median 1600 ms" in slow.figure
    warned = benchmark.first_answer_budget(first({"en": 900}, {"en": ["Function is not registered with pipeline"]}))
    assert not warned.met and "en: Function is not registered" in warned.figure


def test_first_answer_from_playwrights_tap_is_shown_beside_and_missing_in_older_figures():
    assert benchmark.tap_cell({"ms": 1012.0, "from_tap_ms": 1400.4}) == "1400"
    assert benchmark.tap_cell({"ms": 1400.0}) == "—"  # figures written before it was measured


def answered_queries(catalogue, path: Path, answered: str = "answered") -> list:
    """A query set with one answerable query per language (`answered`, for a page readers
    get in that language) and one the guide does not answer, from the project's languages
    and pages (a language with no page of its own yet, one just started, has none)."""
    lines = []
    for lang in catalogue.languages:
        page = next((name for name in catalogue.pages if catalogue.content_language(lang.code, name) == lang.code), None)
        if page is not None:
            lines += [f"{lang.code}:", f"  - {{query: {answered}, page: {page}}}", "  - {query: not covered, page: null}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return search.load_queries(path)


def fixed_engine(answer):
    """An engine whose search, in each language, gives `answer(lang, query)`: (pages, clinic offered)."""
    from contextlib import contextmanager

    @contextmanager
    def engine(lang: str):
        yield lambda query: answer(lang, query)

    return engine


def test_a_peer_engine_is_scored_by_the_same_outcomes_and_recall_as_the_sites_search(tmp_path):
    """Pagefind's figures go through query_outcomes and recall_by_language as the site's
    do: fixed result lists give the same recall for both when they find the same pages,
    and 0 for a peer whose results miss the page (the failing case); a peer offers no
    clinic, so its unanswered queries carry no `help`. The peer never counts in the budgets."""
    catalogue = project_catalogue()
    queries = answered_queries(catalogue, tmp_path / "set.yml")
    origin = "http://127.0.0.1:8000/"
    wanted = {q.lang: urlsplit(origin + catalogue.language_url(q.lang)).path + model.page_url(q.page) for q in queries if q.page}
    elsewhere = "/nowhere/"

    site = fixed_engine(lambda lang, query: ([wanted[lang], elsewhere], True) if query == "answered" else ([], True))
    first = fixed_engine(lambda lang, query: ([wanted[lang]], None) if query == "answered" else ([elsewhere], None))
    third = fixed_engine(lambda lang, query: ([elsewhere, elsewhere + "2/", wanted[lang]], None))
    missing = fixed_engine(lambda lang, query: ([elsewhere, elsewhere + "2/", elsewhere + "3/", wanted[lang]], None))
    nothing = fixed_engine(lambda lang, query: ([], None))

    def scored(engine) -> dict[str, tuple]:
        entries = benchmark.recall_by_language(benchmark.query_outcomes(queries, catalogue, origin, engine))
        return {e["language"]: (e["recall_at_1"], e["recall_at_3"], len(e["zero_results"]), e["unanswerable"]) for e in entries}

    languages = [lang.code for lang in catalogue.languages if lang.code in wanted]
    assert scored(site) == scored(first) == dict.fromkeys(languages, (1.0, 1.0, 0, 1))
    assert scored(third) == dict.fromkeys(languages, (0.0, 1.0, 0, 1))
    assert scored(missing) == dict.fromkeys(languages, (0.0, 0.0, 0, 1))
    assert scored(nothing) == dict.fromkeys(languages, (0.0, 0.0, 1, 1))
    outcomes = benchmark.query_outcomes(queries, catalogue, origin, first)
    assert all("help" not in o for o in outcomes if not o["wanted"])
    assert all(o["help"] for o in benchmark.query_outcomes(queries, catalogue, origin, site) if not o["wanted"])

    mine = benchmark.recall_by_language(benchmark.query_outcomes(queries, catalogue, origin, site))
    theirs = benchmark.recall_by_language(benchmark.query_outcomes(queries, catalogue, origin, nothing))
    figures = {"languages": [], "sets": {"held-out": mine}, "pagefind": {"version": "1.5.2", "sets": {"held-out": theirs}}}
    assert all(b.met for b in benchmark.budgets({"search": figures})), "a peer's misses are no budget of the site's"


def test_pagefinds_figures_are_shown_beside_the_sites_or_why_they_are_not(tmp_path, capsys):
    """The recall tables (and so PERFORMANCE.md, written from them) carry Pagefind's recall
    at 1 and 3 and its queries without results beside the site's, per language and over
    all; when Pagefind could not be measured they say so and why."""
    catalogue = project_catalogue()
    queries = answered_queries(catalogue, tmp_path / "set.yml")
    origin = "http://127.0.0.1:8000/"
    wanted = {q.lang: urlsplit(origin + catalogue.language_url(q.lang)).path + model.page_url(q.page) for q in queries if q.page}
    found = fixed_engine(lambda lang, query: ([wanted[lang]], True))
    mine = benchmark.recall_by_language(benchmark.query_outcomes(queries, catalogue, origin, found))
    theirs = benchmark.recall_by_language(
        benchmark.query_outcomes(queries, catalogue, origin, fixed_engine(lambda lang, query: ([], None)))
    )
    result = {"languages": [], "sets": {"held-out": mine}, "pagefind": {"version": "1.5.2", "sets": {"held-out": theirs}}}
    benchmark.print_search(result)
    printed = capsys.readouterr().out
    assert all(column in printed for column in ("Pagefind at 1", "Pagefind at 3", "Pagefind no result"))
    languages = [lang.code for lang in catalogue.languages if lang.code in wanted]
    rows = {line.split()[0]: line.split() for line in printed.splitlines() if line.split() and line.split()[0] in {*languages, "all"}}
    for lang in languages:
        assert rows[lang][2:4] == ["1.00", "1.00"], rows[lang]
        assert rows[lang][-3:] == ["0.00", "0.00", "1"], "Pagefind's recall and its query without results"
    assert rows["all"][1:5] == [str(len(languages)), "1.00", "1.00", "0"]
    assert rows["all"][-3:] == ["0.00", "0.00", str(len(languages))]
    assert "Pagefind 1.5.2 (extended)" in printed

    result["pagefind"] = {"not_measured": "Pagefind is not installed (No module named 'pagefind_bin_extended')"}
    benchmark.print_search(result)
    printed = capsys.readouterr().out
    assert "Pagefind: not measured — Pagefind is not installed" in printed and "Pagefind at 1" not in printed


def test_held_out_queries_are_never_printed_only_counted(tmp_path, capsys):
    """The held-out set's misses are counted in the tables (and so in PERFORMANCE.md, which
    those who tune search read) but their queries are only in --json: a held-out query
    shown there was copied into the tuning set. The tuning set's misses are printed."""
    catalogue = project_catalogue()
    queries = answered_queries(catalogue, tmp_path / "set.yml", answered="typed-qzx")
    missed = benchmark.recall_by_language(
        benchmark.query_outcomes(queries, catalogue, "http://127.0.0.1:8000/", fixed_engine(lambda lang, query: ([], None)))
    )
    typed = [q.query for q in queries if q.page]
    assert typed
    aside = [{"language": queries[0].lang, "query": typed[0]}]
    benchmark.print_search({"languages": [], "sets": {"held-out": missed}, "held_out_set_aside": aside})
    printed = capsys.readouterr().out
    assert not [query for query in typed if query in printed] and "held-out misses: counted above" in printed
    assert f"set aside (search was tuned on them): 1 ({queries[0].lang} 1)" in printed
    benchmark.print_search({"languages": [], "sets": {"tuning": missed}})
    printed = capsys.readouterr().out
    assert [query for query in typed if query not in printed] == [], printed


def test_held_out_queries_the_tuning_set_holds_are_set_aside(monkeypatch, tmp_path):
    """A held-out query the tuning set also holds is not scored (search was tuned on it):
    the others are, and the one set aside is named."""
    held_out = tmp_path / "held-out.yml"
    held_out.write_text("en:\n  - {query: Seen Before, page: trial.md}\n  - {query: never seen, page: trial.md}\n", encoding="utf-8")
    monkeypatch.setattr(benchmark, "HELDOUT", held_out)
    kept, aside = benchmark.held_out_queries([search.Query("en", "seen before", "after.md")])
    assert [q.query for q in kept] == ["never seen"] and [q.query for q in aside] == ["Seen Before"]
    monkeypatch.setattr(benchmark, "HELDOUT", tmp_path / "none.yml")
    assert benchmark.held_out_queries([]) == ([], [])


def test_pagefind_not_installed_or_failing_is_reported_not_raised(monkeypatch, tmp_path):
    """When Pagefind cannot index the site, the peer is "not measured" with why, and the
    benchmark goes on (no browser is started for it)."""

    def refuse(site: Path, out: Path) -> str:
        raise benchmark.SetupError("Pagefind is not installed (No module named 'pagefind_bin_extended'): run `bash scripts/setup.sh`")

    monkeypatch.setattr(benchmark, "index_with_pagefind", refuse)
    served = benchmark.Served(tmp_path, "http://127.0.0.1:8000/", "gzip-only", False)
    peer = benchmark.measure_pagefind(served, None, project_catalogue(), {"tuning": search.load_queries(benchmark.QUERIES)})
    assert peer == {"not_measured": "Pagefind is not installed (No module named 'pagefind_bin_extended'): run `bash scripts/setup.sh`"}


def test_pagefind_indexes_the_site_outside_it_and_its_failure_is_a_setup_error(tmp_path):
    """Pagefind (the pinned extended binary) indexes each language of a built site into a
    folder outside it: the site's files are left as they were. A site it cannot index
    (no HTML) is a SetupError with Pagefind's own words, never a traceback."""
    site = tmp_path / "site"
    for lang, text in (("en", "The pump is refilled"), ("zh", "镇痛泵需要定期加药")):
        (site / lang).mkdir(parents=True)
        (site / lang / "index.html").write_text(
            f'<!doctype html><html lang="{lang}"><body><main><p>{text}</p></main></body></html>', encoding="utf-8"
        )
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    out = tmp_path / "peer"
    assert benchmark.index_with_pagefind(site, out) == version("pagefind-bin-extended")
    assert (out / "pagefind" / "pagefind.js").is_file()
    assert {p.name.split("_")[0] for p in (out / "pagefind").glob("pagefind.*.pf_meta")} == {"pagefind.en", "pagefind.zh"}
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before, "nothing of Pagefind goes into the site"
    with pytest.raises(benchmark.SetupError, match="Pagefind could not index the site"):
        benchmark.index_with_pagefind(tmp_path / "empty", tmp_path / "peer2")
