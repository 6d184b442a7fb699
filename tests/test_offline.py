"""Offline after one visit (sitekit/offline.py, overrides/offline/sw.js, assets/site.js): in
Chromium with service workers allowed, on a copy of the session's build served on its own
address (a new deployment is made there without touching the other tests' site)."""

from __future__ import annotations

import re
import shutil
import time

import pytest
from sitekit import browser, model, offline
from sitekit.gate import project_catalogue

CATALOGUE = project_catalogue()
LANG = next((lang.code for lang in CATALOGUE.languages if not lang.default and CATALOGUE.published(lang.code)), CATALOGUE.default.code)


@pytest.fixture
def served(built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site.site, site)
    with browser.local_server(site) as server:
        yield server  # a test may cut the network (shut the server down): shutting down again is harmless


def visit_once(context, origin: str, path: str):
    """A first visit: the page loads, then the copy is made; returns the page when the copy is complete."""
    page = context.new_page()
    page.goto(origin + path)
    until(
        page,
        """async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          if (!registration || !registration.active || !navigator.serviceWorker.controller) return false;
          const saved = new URL("__pp_saved__", registration.scope).href;
          for (const key of await caches.keys()) {
            if (key.startsWith("pp-offline-") && await (await caches.open(key)).match(saved)) return true;
          }
          return false;
        }""",
    )
    return page


def until(page, expression: str, seconds: float = 30) -> None:
    """Wait until `expression` (a function, possibly async) is true in the page."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"not true after {seconds} s: {expression}"
        page.wait_for_timeout(200)


def cut_the_network(served) -> None:
    """The server goes away: every request fails, the service worker's own included
    (Playwright's offline mode does not reach service workers)."""
    served.server.shutdown()
    served.server.server_close()


def cache_keys(page) -> list[str]:
    return page.evaluate("caches.keys()")


@pytest.mark.browser
def test_after_one_visit_every_page_of_the_language_and_its_search_work_offline(served, chromium):
    context = chromium.new_context(service_workers="allow", viewport=browser.PHONE)
    try:
        page = visit_once(context, served.origin, CATALOGUE.url(LANG, "trial.md"))
        cut_the_network(served)
        notice = CATALOGUE.strings(LANG)["offline_notice"].split("{date}")[0].strip()
        for name in CATALOGUE.pages:
            page.goto(served.origin + CATALOGUE.url(LANG, name))
            assert page.locator(".md-content h1").count() == 1, name
            shown = page.locator(".pp-offline")
            assert shown.count() == 1 and shown.inner_text().startswith(notice), name
            assert re.search(r"\d", shown.inner_text()), "the notice gives the day the copy was saved"
        page.goto(served.origin + CATALOGUE.url(LANG, "trial.md"))
        page.locator("label[for=__search], button[data-pp-toggle=__search]").first.click()
        word = page.locator(".md-content h1").inner_text().split()[-1]
        # Typed, as a reader types: the theme reads the box on its key events (fill() sends only an
        # `input` event, which the theme misses once it is listening: a race the busy machine lost).
        page.locator("input.md-search__input").press_sequentially(word)
        page.wait_for_selector(".md-search-result__item", timeout=45_000)  # lunr builds the index on a slow, busy machine
    finally:
        context.close()


@pytest.mark.browser
def test_online_pages_come_from_the_network_and_a_new_deployment_replaces_the_copy(served, chromium):
    context = chromium.new_context(service_workers="allow", viewport=browser.PHONE)
    try:
        page = visit_once(context, served.origin, CATALOGUE.url(LANG, "index.md"))
        before = cache_keys(page)
        assert page.locator(".pp-offline").count() == 0, "online, the page is the network's"
        # A new deployment: a page's text changes, and the build writes its workers again.
        target = served.directory / CATALOGUE.language_url(LANG) / "trial" / "index.html"
        target.write_text(target.read_text(encoding="utf-8").replace("</h1>", " (NEW)</h1>", 1), encoding="utf-8")
        source = (model.REPO / "overrides" / offline.SOURCE).read_text(encoding="utf-8")
        offline.write_worker(served.directory, "/", CATALOGUE, source, enabled=True)
        page.goto(served.origin + CATALOGUE.url(LANG, "trial.md"))
        assert "(NEW)" in page.locator(".md-content h1").inner_text()
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        until(page, f"async () => {{ const keys = await caches.keys(); return keys.length > 0 && !keys.includes({before[0]!r}); }}")
        cut_the_network(served)
        page.goto(served.origin + CATALOGUE.url(LANG, "trial.md"))
        assert "(NEW)" in page.locator(".md-content h1").inner_text() and page.locator(".pp-offline").count() == 1
    finally:
        context.close()


@pytest.mark.browser
def test_a_handout_the_reader_opened_is_kept_with_the_copy(served, chromium):
    """On request only: a handout fetched while online opens without a connection; one never asked for does not."""
    handouts = sorted(path.relative_to(served.directory).as_posix() for path in served.directory.rglob("*.pdf"))
    mine = [
        path
        for path in handouts
        if path.startswith(CATALOGUE.language_url(LANG)) and path.count("/") == CATALOGUE.language_url(LANG).count("/")
    ]
    assert len(mine) >= 2, "the session's build makes the language's handouts (HANDOUTS=1)"
    context = chromium.new_context(service_workers="allow")
    try:
        page = visit_once(context, served.origin, CATALOGUE.url(LANG, "trial.md"))
        assert page.evaluate(f"fetch('/{mine[0]}').then((r) => r.status)") == 200
        until(page, f"async () => !!(await caches.match('/{mine[0]}'))")
        cut_the_network(served)
        assert page.evaluate(f"fetch('/{mine[0]}').then((r) => r.status)") == 200
        assert page.evaluate(f"fetch('/{mine[1]}').then((r) => r.status, () => 'failed')") == "failed"
    finally:
        context.close()


@pytest.mark.browser
def test_save_data_keeps_no_copy(served, chromium):
    context = chromium.new_context(service_workers="allow")
    context.add_init_script("Object.defineProperty(navigator, 'connection', { value: { saveData: true } })")
    try:
        page = context.new_page()
        page.goto(served.origin + CATALOGUE.url(LANG, "trial.md"))
        page.wait_for_timeout(1500)
        assert page.evaluate("navigator.serviceWorker.getRegistrations().then((all) => all.length)") == 0
        assert page.evaluate("caches.keys()") == []
    finally:
        context.close()


@pytest.mark.browser
def test_the_clinic_can_turn_it_off_and_every_copy_goes(served, chromium):
    """extra.offline: false: pages stop registering and remove an earlier registration; each
    worker is rewritten to remove its copy and unregister itself."""
    context = chromium.new_context(service_workers="allow")
    try:
        page = visit_once(context, served.origin, CATALOGUE.url(LANG, "trial.md"))
        source = (model.REPO / "overrides" / offline.SOURCE).read_text(encoding="utf-8")
        offline.write_worker(served.directory, "/", CATALOGUE, source, enabled=False)
        for html in served.directory.rglob("*.html"):
            html.write_text(
                html.read_text(encoding="utf-8").replace('name="pp-offline" content="on"', 'name="pp-offline" content="off"'),
                encoding="utf-8",
            )
        page.reload()
        until(page, "async () => (await navigator.serviceWorker.getRegistrations()).length === 0 && (await caches.keys()).length === 0")
        page.evaluate("navigator.serviceWorker.getRegistration()")  # nothing left to update from
    finally:
        context.close()


def test_each_language_copy_is_its_pages_and_what_they_load(built_site):
    """The copy: every page of the language, its search index, the files they load, nothing of
    another language (its size is the benchmark's: scripts/benchmark.py, offline_copies)."""
    for lang in CATALOGUE.languages:
        files = offline.kept_files(built_site.site, "/", CATALOGUE, lang.code)
        folder = "/" + CATALOGUE.language_url(lang.code)
        assert {"/" + CATALOGUE.url(lang.code, name) for name in CATALOGUE.pages} <= set(files)
        assert folder + "search/search_index.json" in files
        others = [
            f"/{CATALOGUE.language_url(other.code)}" for other in CATALOGUE.languages if not other.default and other.code != lang.code
        ]
        assert not [url for url in files if any(url.startswith(other) for other in others)], lang.code
        assert all((built_site.site / url.lstrip("/")).exists() for url in files), lang.code


def test_the_worker_script_is_filled_in_as_json():
    """Translators' words reach the worker as JSON strings, never as code; turned off, it keeps nothing."""
    languages = {"es": {"files": ["/es/"], "version": "1", "notice": 'Sin conexión "</script>" {date}'}}
    script = offline.worker_script("var L = __LANGUAGES__, E = __ENABLED__, S = __SAVED__;", languages, enabled=False)
    assert (
        script
        == 'var L = {"es": {"files": [], "version": "1", "notice": "Sin conexión \\"</script>\\" {date}"}}, E = false, S = "__pp_saved__";'
    )
