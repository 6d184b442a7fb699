"""Search as patients type: the query set (tests/search_queries.yml) in Chromium, each
query's page among the first three results, in the reader's language only; results as
readers see them (no inserted word spaces); the one folding of docs/assets/search-worker.js
on the issue's cases (Node); the translators' synonym lists."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import FIXTURES, REPO, run_docs
from sitekit import browser, model, nginx, search
from sitekit.gate import project_catalogue

QUERIES = search.load_queries(Path(__file__).parent / "search_queries.yml")
WORKER = REPO / "docs" / "assets" / "search-worker.js"
CATALOGUE = project_catalogue()


def queries_of(lang: str) -> list[search.Query]:
    return [q for q in QUERIES if q.lang == lang]


def without_marks(text: str) -> str:
    """The query as typed without accents or tone marks (to compare rankings)."""
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))).replace(
        "đ", "d"
    )


# --- the query set -----------------------------------------------------------------------


def test_a_query_in_both_sets_is_found_however_it_is_typed():
    """A held-out query the tuning set holds too (benchmark.py sets it aside: search was
    tuned on it): the same query with other accents, case or spaces, in the same language;
    the same words in another language are another query."""
    held_out = [search.Query("es", "¿Cuánto  dura la prueba?", "trial.md"), search.Query("en", "pump", "index.md")]
    tuning = [search.Query("es", "¿cuanto dura la PRUEBA?", "trial.md"), search.Query("es", "pump", "index.md")]
    assert search.shared_queries(tuning, held_out) == held_out[:1]


def test_query_set_names_languages_and_pages_of_the_site():
    codes = {lang.code for lang in CATALOGUE.languages}
    unknown = [q.id for q in QUERIES if q.lang not in codes or q.page not in CATALOGUE.pages]
    assert not unknown, f"queries naming a language or page the site does not have: {unknown}"
    for lang in dict.fromkeys(q.lang for q in QUERIES):
        assert len(queries_of(lang)) >= 10, f"{lang}: at least 10 queries"


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(dict.fromkeys(q.lang for q in QUERIES)))
def test_every_query_finds_its_page_in_the_top_three_in_the_readers_language(chromium, built_site, lang):
    if lang not in {language.code for language in CATALOGUE.languages}:
        pytest.skip(f"{lang} is not a language of the site")
    page = chromium.new_page(viewport=browser.PHONE)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"console: {error}"))
    page.on("console", lambda message: message.type != "error" or problems.append(f"console: {message.text}"))
    # lunr's warning when a language file's function has no name (Vietnamese's stop words)
    page.on("console", lambda message: "not registered with pipeline" not in message.text or problems.append(f"console: {message.text}"))
    root = built_site.site_url + CATALOGUE.language_url(lang)
    page.goto(root + "contact/", wait_until="load")
    search.open_search(page)
    others = tuple(f"/{CATALOGUE.language_url(other.code)}" for other in CATALOGUE.languages if CATALOGUE.language_url(other.code))
    own = "/" + CATALOGUE.language_url(lang)
    skipped = []
    for query in queries_of(lang):
        if CATALOGUE.content_language(lang, query.page) != lang:
            skipped.append(query.query)  # readers get this page in English: not in this index
            continue
        search.type_query(page, query.query)
        found = search.result_pages(page)
        wanted = own + model.page_url(query.page)
        if wanted not in found[:3]:
            problems.append(f"{query.query!r} ({query.note or 'as typed'}): {wanted} not in the top 3 of {found[:5]}")
        if any(not path.startswith(own) or (own == "/" and path.startswith(others)) for path in found):
            problems.append(f"{query.query!r}: results of another language: {found}")
        problems.extend(f"{query.query!r}: {problem}" for problem in result_text_problems(page))
        folded = without_marks(query.query)
        if folded != query.query:  # typed without accents: the same pages, in the same order
            search.type_query(page, folded)
            if search.result_pages(page) != found:
                problems.append(f"{folded!r} ranks unlike {query.query!r}: {search.result_pages(page)} / {found}")
    page.close()
    assert not problems, "\n".join(problems)
    if skipped and len(skipped) == len(queries_of(lang)):
        pytest.skip(f"{lang}: every query's page is shown in English ({', '.join(skipped)})")


@pytest.mark.browser
def test_the_themes_bundle_loads_only_when_the_reader_reaches_for_search(chromium, built_site):
    """Reading, scrolling and tabbing through a page download none of the theme's bundle;
    the search key (/) opens search with the cursor in its box, the bundle arrives and
    search finds; a link from a search result (?h=) loads it and shows the words marked."""
    lang = CATALOGUE.languages[-1].code
    root = built_site.site_url + CATALOGUE.language_url(lang)
    name = CATALOGUE.pages[-1]
    page = chromium.new_page(viewport=browser.PHONE)
    fetched: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))

    def bundle() -> list[str]:
        return [url for url in fetched if "/javascripts/bundle." in url]

    page.goto(root + model.page_url(name), wait_until="load")
    page.mouse.wheel(0, 2000)
    for _ in range(12):
        page.keyboard.press("Tab")
    page.wait_for_timeout(300)
    assert bundle() == [], "the bundle loaded before search was used"
    page.keyboard.press("Escape")
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("/")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('[data-md-component=search-query]')")
    page.evaluate(search.WATCH_JS)
    index = json.loads((built_site.site / CATALOGUE.language_url(lang) / "search" / "search_index.json").read_text(encoding="utf-8"))
    word = next(w for doc in index["docs"] for w in doc["title"].split() if len(w) > 3)
    search.type_query(page, word)
    assert search.result_pages(page), f"no results for {word!r}"
    assert len(bundle()) == 1
    fetched.clear()
    page.goto(root + model.page_url(name) + "?h=" + word, wait_until="load")
    page.locator("mark[data-md-highlight]").first.wait_for()
    assert len(bundle()) == 1
    search.open_search(page)  # search works there too, its script whole (no sitemap asked for)
    search.type_query(page, word)
    assert search.result_pages(page), f"no results for {word!r} on the page opened from a result"
    assert errors == [] and [url for url in fetched if url.endswith("sitemap.xml")] == []
    page.close()


@pytest.mark.browser
def test_results_are_busy_from_a_query_until_its_answer_is_shown(chromium, built_site):
    """aria-busy on the results from the moment a query is sent (the theme sends it on the
    key's release) until its answer is shown: a screen reader waits for it, and so does
    search.type_query."""
    page = chromium.new_page(viewport=browser.PHONE)
    page.goto(built_site.site_url + "trial/", wait_until="load")
    search.open_search(page)
    index = json.loads((built_site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    first, second = [w for doc in index["docs"] for w in doc["title"].split() if len(w) > 3][:2]
    search.type_query(page, first)
    results = "[data-md-component=search-result]"
    assert page.get_attribute(results, "aria-busy") == "false"
    busy = page.evaluate(
        """([field, results, word]) => { const input = document.querySelector(field); input.value = word;
             input.dispatchEvent(new KeyboardEvent("keyup", {key: "End", bubbles: true}));
             return document.querySelector(results).getAttribute("aria-busy"); }""",
        [search.SEARCH_INPUT, results, second],
    )
    assert busy == "true", "no aria-busy while the query waits for its answer"
    page.wait_for_function("(results) => document.querySelector(results).getAttribute('aria-busy') === 'false'", arg=results)
    assert search.result_pages(page)
    page.close()


LATE_ANSWER = """<input data-md-component="search-query">
<div class="md-search-result" data-md-component="search-result"><div class="md-search-result__meta"></div><ol></ol></div>
<script>
  // As the theme and assets/search-on-demand.js do, but the answer comes 600 ms late: the
  // results change (the list cleared, a word shown) and are busy at once.
  const input = document.querySelector("input"), results = document.querySelector(".md-search-result");
  let waiting = 0;
  input.addEventListener("keyup", () => {
    const value = input.value;
    results.querySelector("ol").innerHTML = "";
    results.querySelector(".md-search-result__meta").textContent = "Searching";
    results.setAttribute("aria-busy", String(++waiting > 0));
    setTimeout(() => {
      results.querySelector("ol").innerHTML = value ?
        `<li class="md-search-result__item"><a class="md-search-result__link" href="http://example.test/${value}/">${value}</a></li>` : "";
      results.setAttribute("aria-busy", String(--waiting > 0));
    }, 600);
  });
</script>"""


@pytest.mark.browser
def test_type_query_waits_for_an_answer_that_comes_late(chromium):
    """The failing case of type_query's wait: the list cleared at once and the answer late
    gives that answer, not the cleared list (a wait for the results to stop changing for a
    while returned the empty list)."""
    page = chromium.new_page()
    page.set_content(LATE_ANSWER)
    page.evaluate(search.WATCH_JS)
    search.type_query(page, "first")
    assert search.result_pages(page) == ["/first/"]
    search.type_query(page, "second")
    assert search.result_pages(page) == ["/second/"]
    page.close()


def strings_of(lang: str) -> dict[str, str]:
    return yaml.safe_load((REPO / "l10n" / lang / "strings.yml").read_text(encoding="utf-8"))


HELP = search.SEARCH_HELP
# Each paragraph of an element whose text colour is the colour behind it (the header's white
# text inherited on the search's white background).
SAME_COLOUR_JS = """(selector) => [...document.querySelectorAll(selector + ' p')].filter((p) => p.getClientRects().length).filter((p) => {
  let back = 'rgba(0, 0, 0, 0)';
  for (let e = p; e && /rgba\\(.*, 0\\)|transparent/.test(back); e = e.parentElement) back = getComputedStyle(e).backgroundColor;
  return getComputedStyle(p).color === back; }).map((p) => p.textContent.trim().slice(0, 40))"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", [lang.code for lang in CATALOGUE.languages])
def test_a_search_that_finds_nothing_good_offers_the_clinic_and_the_contents(chromium, built_site, lang):
    """No dead end: a query that finds nothing, or no page with every word typed, says so
    in the reader's language, with "Call the clinic", the guide's contents (the language's
    home) and the questions only the clinic answers; a good query shows none of it. Until
    search has loaded, the results say so in the reader's language."""
    strings = strings_of(lang)
    page = chromium.new_page(viewport=browser.PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    root = built_site.site_url + CATALOGUE.language_url(lang)
    page.goto(root + "trial/", wait_until="load")
    assert page.locator(".md-search-result__meta").text_content().strip() == strings["search_loading"]
    search.open_search(page)
    help_box = page.locator(HELP)
    index = json.loads((built_site.site / CATALOGUE.language_url(lang) / "search" / "search_index.json").read_text(encoding="utf-8"))
    word = next(w for doc in index["docs"] for w in doc["title"].replace("\u200b", " ").split() if len(w) > 1)
    search.type_query(page, word)
    assert search.result_pages(page) and not help_box.is_visible(), f"{word!r}: help shown beside good results"
    search.type_query(page, "zzqxwv")
    assert search.result_pages(page) == []
    help_box.wait_for(state="visible")
    shown = help_box.inner_text()
    assert strings["search_no_results"] in shown and strings["search_weak_results"] not in shown
    assert page.evaluate(SAME_COLOUR_JS, HELP) == [], "help text in the colour of its background"
    assert strings["call_clinic"] in shown and strings["search_clinic_questions"] in shown
    link = help_box.get_by_role("link", name=strings["search_contents"])
    assert link.evaluate("a => a.href") == root
    search.type_query(page, f"{word} zzqxwv")
    assert search.result_pages(page)
    help_box.wait_for(state="visible")
    assert strings["search_weak_results"] in help_box.inner_text() and strings["search_no_results"] not in help_box.inner_text()
    page.fill(search.SEARCH_INPUT, "")
    page.press(search.SEARCH_INPUT, "End")
    help_box.wait_for(state="hidden")
    page.close()
    assert not errors, errors


def test_the_search_help_is_written_by_the_build_never_by_script():
    source = (REPO / "docs" / "assets" / "search-on-demand.js").read_text(encoding="utf-8")
    assert "innerHTML" not in source and "textContent =" not in source  # only shown or hidden


RESULT_TEXT_JS = """() => {
  const problems = [];
  for (const item of document.querySelectorAll('.md-search-result__item')) {
    const text = item.textContent;
    if (text.includes('\\u200b')) problems.push('an inserted word space (U+200B) in: ' + text.trim().slice(0, 40));
    const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const top = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1); return r.getClientRects()[0].top; };
      for (let i = node.data.indexOf('（'); i >= 0; i = node.data.indexOf('（', i + 1)) {
        let next = i + 1;
        while (next < node.data.length && node.data[next] === '\\u200b') next++;
        if (next < node.data.length && top(next) > top(i)) problems.push('a line break after （ in: ' + node.data.slice(Math.max(0, i - 10), i + 10));
      }
    }
  }
  return problems;
}"""


def result_text_problems(page) -> list[str]:
    """What readers should not see in the result list: the word spaces the build inserts
    into Chinese text, a line broken right after an opening parenthesis."""
    return page.evaluate(RESULT_TEXT_JS)


@pytest.mark.browser
def test_result_check_catches_inserted_spaces_and_a_break_after_a_parenthesis(chromium):
    page = chromium.new_page(viewport=browser.PHONE)
    page.set_content(
        # Eight characters and "（" fill the line: the inserted space lets it end after "（".
        '<ul><li class="md-search-result__item" lang="zh" style="width: 9.3em; font-size: 16px; list-style: none">'
        "导管会被临时放入（\u200b鞘内空间）</li></ul>"
    )
    found = result_text_problems(page)
    page.close()
    assert any("U+200B" in problem for problem in found), found
    assert any("line break after （" in problem for problem in found), found


# --- the folding, on the cases (docs/assets/search-worker.js under Node) ------------

FOLDED = {
    "Catéter": "cateter",
    "sedación": "sedacion",
    "ống thông": "ong thong",
    "Gây tê": "gay te",
    "Đau": "dau",
    "ĐƯỜNG": "duong",
    "التخدير": "تخدير",
    "والتخدير": "تخدير",
    "بالتخدير": "تخدير",
    "للتأكد": "تاكد",
    "تَخْدِير": "تخدير",
    "تـخـديـر": "تخدير",
    "أسبوع إعادة آثار": "اسبوع اعاده اثار",
    "مستوى": "مستوي",
    "القسطرة": "قسطره",
    "بطن": "بطن",  # a short word keeps its first letter
    "وضع": "وضع",
    "الألم": "الم",  # the article goes, the hamza of the word is only normalised
    "ألمك": "المك",
    "导管": "导管",
    "(catheter).": "catheter",
}


def run_node(script: str) -> object:
    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "Node.js is missing: run `bash scripts/setup.sh --system`"
    loader = f"require({json.dumps(str(WORKER))}); const s = globalThis.ppSearch;\n"
    result = subprocess.run([node, "-e", loader + f"console.log(JSON.stringify({script}))"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def stop_words(lang: str) -> str:
    """The language's stop words as the build writes them into its index (JSON)."""
    return json.dumps(search.read_stop_words(lang, CATALOGUE.root)[0], ensure_ascii=False)


@pytest.mark.fixture_cases
def test_folding_of_accents_tone_marks_and_arabic_prefixes():
    folded = run_node(f"{json.dumps(list(FOLDED))}.map(w => w.split(' ').map(s.fold).join(' '))")
    assert dict(zip(FOLDED, folded, strict=True)) == FOLDED


@pytest.mark.fixture_cases
def test_query_words_also_search_pairs_stems_and_synonyms():
    no_stem, no_stop = "w => ''", "w => false"
    expanded = run_node(f"s.expandQuery('Ống thông sonda', s.foldSynonyms({{'Sonda': ['catéter']}}), {no_stem}, {no_stop})")
    assert expanded["query"].split(" ")[:3] == ["ong", "thong", "sonda"]
    assert "cateter" in expanded["extra"] and "_ong_thong" in expanded["extra"]
    assert "_ong_thong*^1000" in expanded["query"]  # pages with the words in that order first
    dropped = run_node(f"s.expandQuery('analisis de sangre', {{}}, {no_stem}, w => w === 'de')")
    assert dropped["query"].startswith("analisis sangre ")  # a stop word would match every page


@pytest.mark.fixture_cases
def test_a_word_typed_in_another_form_of_a_synonym_has_its_synonyms():
    """ "muscle spasm" and "when can i start exercising" found nothing while the list held
    "spasms" and "exercise": a synonym is looked up by its stem too, never for a stop word
    ("get" is no "getting") nor for a word the index holds as typed ("implanted": the
    implantation page's own word, no "implant")."""
    stem = "w => w.toLowerCase().replace(/(ting|s|ing|ed|e)$/, '')"  # a stemmer's outcome on these words
    synonyms = "s.foldSynonyms({spasms: ['spasticity'], exercise: ['activity'], getting: ['obtaining'], implant: ['pump']})"
    index = "s.hanVocabulary(['implanted', 'muscle'])"

    def extra(query: str) -> list[str]:
        return run_node(f"s.expandQuery({json.dumps(query)}, {synonyms}, {stem}, s.stopWords({stop_words('en')}), {index}).extra")

    assert "spasticity" in extra("muscle spasm")
    assert "activity" in extra("when can i start exercising")
    assert "obtaining" not in extra("can i get a pump")
    assert "pump" not in extra("when is it implanted")


@pytest.mark.fixture_cases
def test_results_show_the_words_typed_and_found():
    doc = {
        "title": "鞘内\u200b镇痛泵",
        "text": "un <mark>catéter:</mark> delgado",
        "terms": {"cateter": True, "_ong_thong": False, "zzz": False},
    }
    analysis = {
        "words": [{"typed": "cateter", "folded": "cateter", "forms": ["cateter"]}, {"typed": "Zzz", "folded": "zzz", "forms": ["zzz"]}],
        "extra": ["_ong_thong"],
    }
    shown = run_node(f"(() => {{ const d = {json.dumps(doc)}; s.presentDocument(d, {json.dumps(analysis)}); return d; }})()")
    assert shown["title"] == "鞘内镇痛泵"
    assert shown["terms"] == {"catéter": True, "Zzz": False}  # highlighted on the page as written there


@pytest.mark.fixture_cases
@pytest.mark.parametrize(
    ("lang", "query", "kept", "pair"),
    [
        ("es", "dolor de la espalda", ["dolor", "espalda"], None),  # "de_la" got the pair boost on every page
        ("vi", "ống thông của tôi", ["ong", "thong"], "_ong_thong"),
        ("ar", "الألم في البطن", ["الم", "بطن"], None),  # في matched a heading with the title boost
        ("en", "pain in the back", ["pain", "back"], None),
        # question words say nothing about a page: a "what is" question searches its subject
        ("en", "what is a catheter", ["catheter"], None),
        ("es", "qué es una sonda", ["sonda"], None),
        ("vi", "ống thông là gì", ["ong", "thong"], "_ong_thong"),
        ("ar", "ما هي القسطرة", ["قسطره"], None),
    ],
)
def test_stop_words_neither_match_nor_get_the_pair_boost(lang, query, kept, pair):
    expanded = run_node(f"s.expandQuery({json.dumps(query)}, {{}}, w => '', s.stopWords({stop_words(lang)}))")
    terms = expanded["query"].split(" ")
    assert [t for t in terms if not t.endswith(("~1", "*^1000"))] == kept
    assert [t for t in terms if t.startswith("_") and t.endswith("*^1000")] == ([f"{pair}*^1000"] if pair else [])
    joined = {f"{a}{b}*^1000" for a, b in itertools.pairwise(kept)}  # two words typed written as one
    assert {t for t in terms if not t.startswith("_") and t.endswith("*^1000")} <= joined
    alone = run_node(f"s.expandQuery('de la', {{}}, w => '', s.stopWords({stop_words('es')})).query")
    assert alone.startswith("de la ")  # a query of stop words only is searched as typed


@pytest.mark.fixture_cases
def test_two_words_typed_also_find_the_word_the_page_writes_as_one():
    """ "blood work" finds "Bloodwork" (the before page's heading): without the two words
    joined, only "blood" was found in it, and "work" in another page's "working"."""
    analysis = run_node("s.expandQuery('blood work', {}, w => '', w => false)")
    assert "bloodwork*^1000" in analysis["query"].split(" ")
    assert run_node(f"s.wordsFound({json.dumps(analysis)}, ['bloodwork'])") == [0, 1]
    stop = run_node(f"s.expandQuery('the pump', {{}}, w => '', s.stopWords({stop_words('en')})).query")
    assert not any(term.startswith("thepump") for term in stop.split(" "))  # never with a stop word
    arabic = run_node("s.expandQuery('تحاليل الدم', {}, w => '', w => false).query")
    assert "تحاليلدم*^1000" not in arabic.split(" ")  # a script that never joins words


@pytest.mark.fixture_cases
def test_words_of_five_letters_or_more_also_match_with_one_letter_wrong():
    query = run_node("s.expandQuery('cateter bomba dolor 2024', {}, w => '', w => false).query").split(" ")
    assert "cateter~1" in query and "bomba~1" in query
    assert "dolor~1" in query and "2024~1" not in query
    assert not any(t.startswith("de~") for t in run_node("s.expandQuery('de cama', {}, w => '', w => false).query").split(" "))
    assert not any("~" in t for t in run_node("s.expandQuery('pump tube', {}, w => '', w => false).query").split(" "))


# --- Chinese: a query segmented with the index's words, never dropped ----------------------

ZH_INDEX = ["导管", "补充", "药物", "止痛药", "手术室", "镇静"]


def segment_zh(query: str) -> dict:
    found = run_node(f"s.segmentHan({json.dumps(query)}, s.hanVocabulary({json.dumps(ZH_INDEX)}), s.stopWords({stop_words('zh')}))")
    return {key: found[key] for key in ("pieces", "exact", "inside")}


@pytest.mark.fixture_cases
def test_chinese_query_with_an_unknown_first_word_keeps_the_words_the_index_has():
    # The theme's segmentation returned the whole run when its first characters were no
    # word of the index: "怎么补充药物" searched for itself and found nothing.
    assert segment_zh("怎么补充药物") == {"pieces": ["补充", "药物"], "exact": ["补充", "药物"], "inside": []}
    found = segment_zh("我想补充")  # 我 is a stop word, 想 no word: a character, never a dead end
    assert found["pieces"] == ["想", "补充"] and found["exact"] == ["补充"]


@pytest.mark.fixture_cases
def test_chinese_synonym_inside_a_longer_query_finds_the_pages_word():
    query = run_node(
        f"s.expandQuery('我的管子', s.foldSynonyms({{'管子': ['导管']}}), w => '', s.stopWords({stop_words('zh')}), s.hanVocabulary({json.dumps(ZH_INDEX)})).query"
    )
    assert "导管^10" in query.split(" ")  # 管子 was only a synonym when typed alone


@pytest.mark.fixture_cases
def test_chinese_word_of_the_index_the_synonyms_list_holds_also_finds_its_synonyms():
    # 几天 (a few days, the trial's) typed as a question of time: "住院几天" also finds 小时 (hours).
    vocabulary = json.dumps(["住院", "几天", "小时"])
    synonyms = "s.foldSynonyms({'几天': ['小时', '几天']})"
    analysis = run_node(f"s.expandQuery('住院几天', {synonyms}, w => '', s.stopWords([]), s.hanVocabulary({vocabulary}))")
    assert "小时^10" in analysis["query"].split(" ")
    assert run_node(f"s.wordsFound({json.dumps(analysis)}, ['住院', '小时'])") == [0, 1]  # 小时 counts as the word typed


@pytest.mark.fixture_cases
def test_chinese_synonym_whose_target_the_index_holds_split_finds_its_parts():
    # 镇痛泵 on the pages, indexed as 镇痛 and 泵: a synonym for it searched a word no index has.
    vocabulary = json.dumps(["镇痛", "泵", "导管"])
    for query in ("吗啡泵", "吗啡泵是什么"):
        terms = run_node(
            f"s.expandQuery({json.dumps(query)}, s.foldSynonyms({{'吗啡泵': ['镇痛泵']}}), w => '', s.stopWords({stop_words('zh')}), s.hanVocabulary({vocabulary})).query"
        )
        assert {"镇痛", "泵"} <= {t.split("^")[0].rstrip("*") for t in terms.split(" ")}, (query, terms)
        assert "镇痛泵" not in terms.split(" "), terms


@pytest.mark.fixture_cases
def test_chinese_word_held_only_inside_a_longer_word_finds_that_word():
    assert segment_zh("止痛") == {"pieces": ["止痛"], "exact": [], "inside": ["止痛药"]}
    assert segment_zh("吃止痛")["inside"] == ["止痛药"]


@pytest.mark.fixture_cases
def test_chinese_exact_words_rank_first_and_the_themes_segmentation_is_bypassed():
    query = run_node(
        f"s.expandQuery('止痛的导管', {{}}, w => '', s.stopWords({stop_words('zh')}), s.hanVocabulary({json.dumps(ZH_INDEX)})).query"
    )
    assert query.split(" ") == ["止痛", "导管", "导管^10", "止痛药"]  # the index's own word boosted, 的 dropped
    source = WORKER.read_text(encoding="utf-8")
    assert "has: function () { return false; }" in source  # the theme's segment() asks with `in`: it sees no word


# --- synonyms -------------------------------------------------------------------------------


def test_every_languages_synonyms_are_well_formed_and_in_its_index(built_site):
    for lang in CATALOGUE.languages:
        synonyms, problems = search.read_synonyms(lang.code, CATALOGUE.root)
        assert not problems, [p.format(CATALOGUE.root) for p in problems]
        index = built_site.site / CATALOGUE.language_url(lang.code) / "search" / "search_index.json"
        assert json.loads(index.read_text(encoding="utf-8"))["config"]["synonyms"] == search.index_synonyms(synonyms)


def test_every_synonyms_file_says_it_is_reviewed_with_the_translation():
    """Patients' words are added by translators and checked with the pages (TRANSLATING.md):
    each file's header says so, in its language."""
    for lang in CATALOGUE.languages:
        path = search.synonyms_file(lang.code, CATALOGUE.root)
        if not path.exists() and not CATALOGUE.published(lang.code):
            continue  # a language just started: its translator writes the file with the pages
        header = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            header.append(line)
        assert "TRANSLATING.md" in "\n".join(header), f"{path.name} ({lang.code}): its header names no review"
        if CATALOGUE.published(lang.code):
            assert len(search.read_synonyms(lang.code, CATALOGUE.root)[0]) >= 15, f"{lang.code}: fewer than 15 patients' words"


@pytest.mark.fixture_cases
def test_malformed_synonyms_are_named_with_file_and_line(tmp_path):
    l10n = tmp_path / "l10n" / "es"
    l10n.mkdir(parents=True)
    (l10n / "synonyms.yml").write_text("sonda: catéter\nbarriga:\n  - abdomen\n  - {a: b}\n'': nada\n", encoding="utf-8")
    synonyms, problems = search.read_synonyms("es", tmp_path)
    assert [s.word for s in synonyms] == ["sonda"]
    assert [p.format(tmp_path) for p in problems] == [
        "l10n/es/synonyms.yml:2: a synonym needs a word and the word (or list of words) the pages use — write one `word: word the pages use` (or a [list]) per line",
        "l10n/es/synonyms.yml:5: a synonym needs a word and the word (or list of words) the pages use — write one `word: word the pages use` (or a [list]) per line",
    ]
    (l10n / "synonyms.yml").write_text("sonda: [catéter\n", encoding="utf-8")
    assert "not valid YAML" in search.read_synonyms("es", tmp_path)[1][0].message


def test_translators_check_reads_synonyms_as_the_build_does(project_copy):
    path = project_copy.root / "l10n" / CATALOGUE.languages[-1].code / "synonyms.yml"
    path.write_text("sonda: catéter\nbad:\n", encoding="utf-8")
    check = run_docs(project_copy.root, "check", str(path))
    assert check.returncode == 1
    assert f"{path.relative_to(project_copy.root)}:2: a synonym needs a word" in check.stderr


@pytest.mark.fixture_cases
def test_a_synonym_of_several_words_finds_only_a_page_holding_them_all():
    """ "painkiller": "pain medications" — a page holding "pain" only (every page does) held
    the word typed (the failing case); 伤口 (wound): 植入部位, which the index holds as 植入
    and 部位 — a page whose title holds 植入 (implantation) only held it, and came first."""
    en = run_node(
        f"s.expandQuery('painkiller', s.foldSynonyms({{'painkiller': ['pain medications']}}), w => '', s.stopWords({stop_words('en')}))"
    )
    assert run_node(f"s.wordsFound({json.dumps(en)}, ['pain', 'relief'])") == []
    assert run_node(f"s.wordsFound({json.dumps(en)}, ['pain', 'medications'])") == [0]
    assert {"pain", "medications"} <= set(en["query"].split(" "))  # both still searched, and marked
    vocabulary = json.dumps(["植入", "部位", "疼痛"])
    zh = run_node(
        f"s.expandQuery('伤口疼', s.foldSynonyms({{'伤口': ['植入部位']}}), w => '', s.stopWords({stop_words('zh')}), s.hanVocabulary({vocabulary}))"
    )
    assert run_node(f"s.wordsFound({json.dumps(zh)}, ['植入', '疼痛'])") == [1]
    assert run_node(f"s.wordsFound({json.dumps(zh)}, ['植入', '部位', '疼痛'])") == [0, 1]


@pytest.mark.fixture_cases
def test_a_phrase_the_synonyms_list_is_searched_for_what_it_means_not_word_by_word():
    """ "nam vien" (nằm viện, a hospital stay: về nhà on the pages): its "vien" also found the
    "viễn" of "vĩnh viễn" (permanent) in the implantation page's title, which came first
    (the failing case); the phrase is searched as a pair and as its synonym only."""
    synonyms = "s.foldSynonyms({'nằm viện': ['về nhà']})"
    analysis = run_node(f"s.expandQuery('nam vien', {synonyms}, w => '', s.stopWords({stop_words('vi')}))")
    terms = [term.split("*")[0] for term in analysis["query"].split(" ")]
    assert "vien" not in terms and "_nam_vien" in terms and "ve" in terms
    assert run_node(f"s.wordsFound({json.dumps(analysis)}, ['vien', 'nam'])") == []
    assert run_node(f"s.wordsFound({json.dumps(analysis)}, ['ve', 'nha'])") == [0, 1]
    alone = run_node(f"s.expandQuery('vien', {synonyms}, w => '', s.stopWords({stop_words('vi')}))")
    assert alone["query"].split(" ")[0] == "vien"  # a word of the phrase typed alone is searched as typed


@pytest.mark.fixture_cases
def test_a_synonym_no_page_uses_is_reported():
    synonyms = [search.Synonym("sonda", ("catéter",), 1), search.Synonym("panza", ("tripa",), 2)]
    found = search.unused_targets(synonyms, "Un Catéter delgado", FIXTURES / "synonyms.yml")
    assert [(p.line, p.severity) for p in found] == [(2, "warning")]
    assert "'tripa' is on no page of this language, so 'panza' finds nothing" in found[0].message


# --- ranking: the page that answers first ------------------------------------------------


def ranked(groups: list[list[dict]], covered: dict[str, list[int]], guide: list[str]) -> list[str]:
    """The pages (their first location) in the order rankPages gives them."""
    order = run_node(f"s.rankPages({json.dumps(groups)}, {json.dumps(covered)}, {json.dumps(guide)}).map(g => g[0].location)")
    return [location.split("#")[0] for location in order]


@pytest.mark.fixture_cases
def test_a_page_holding_every_word_typed_beats_a_short_title_holding_one():
    # The theme's order: the home page first, its short title holding "pump" (title boost).
    groups = [
        [{"location": "", "score": 30}],
        [{"location": "implantation/", "score": 12}, {"location": "implantation/#steps", "score": 4}],
    ]
    covered = {"": [0], "implantation/": [0], "implantation/#steps": [1]}  # words 0 and 1 on the page, in two sections
    guide = ["implantation/", ""]
    assert ranked(groups, covered, guide) == ["implantation/", ""]
    assert ranked(groups, {"": [0], "implantation/": [0]}, guide) == ["", "implantation/"]  # the same words: the score decides


@pytest.mark.fixture_cases
def test_equally_good_pages_come_in_the_guides_order_the_home_page_last():
    groups = [[{"location": "implantation/", "score": 21}], [{"location": "trial/", "score": 20}], [{"location": "", "score": 21}]]
    covered = {"implantation/": [0], "trial/": [0], "": [0]}
    assert ranked(groups, covered, ["trial/", "implantation/", ""]) == ["trial/", "implantation/", ""]
    assert ranked(groups, covered, []) == ["implantation/", "trial/", ""]  # without the guide's order: the theme's
    groups[1][0]["score"] = 10  # far lower: not a tie
    assert ranked(groups, covered, ["trial/", "implantation/", ""]) == ["implantation/", "", "trial/"]
    order = search.guide_order(["index.md", {"Before": "before.md"}, ["trial.md"]], ["after.md", "before.md", "index.md", "trial.md"])
    assert order == ["before/", "trial/", "after/", ""]  # nav order, pages it leaves out by name, the home page last


@pytest.mark.fixture_cases
def test_one_mention_more_of_a_word_does_not_make_a_page_better():
    """麻醉 (anesthesia): three times on the implantation page (score 19.3), twice on the
    trial's (16.9), where the guide first explains it; within 20 %, the guide's order decides
    (the failing case: a 10 % window put the implantation first)."""
    groups = [[{"location": "implantation/", "score": 19.26}], [{"location": "trial/", "score": 16.85}]]
    covered = {"implantation/": [0], "trial/": [0]}
    assert ranked(groups, covered, ["trial/", "implantation/", ""]) == ["trial/", "implantation/"]
    groups[1][0]["score"] = 15  # more than 20 % lower: the score decides
    assert ranked(groups, covered, ["trial/", "implantation/", ""]) == ["implantation/", "trial/"]


def guide_of(count: int) -> list[str]:
    return [f"page{i}/" for i in range(count)]


@pytest.mark.fixture_cases
def test_a_word_few_pages_hold_outweighs_words_many_pages_hold():
    """A long question's incidental words count less than the word that carries it: each
    word weighs by how few pages hold it (IDF). Word 0 is on every page (the site's name);
    the page holding the rare word 1 beats a higher-scored page holding word 2, which four
    pages hold; when word 1 is as common as word 2 (the failing case), the score decides."""
    guide = guide_of(7)
    groups = [[{"location": page, "score": 12 if page == "page1/" else 10 if page == "page0/" else 1}] for page in guide]
    covered = {page: [0] for page in guide} | {"page0/": [0, 1], "page1/": [0, 2], "page2/": [0, 2], "page3/": [0, 2], "page4/": [0, 2]}
    assert ranked(groups, covered, guide)[0] == "page0/"
    common = covered | {"page5/": [0, 1], "page6/": [0, 1], "page2/": [0, 1]}  # word 1 on four pages, word 2 on three
    assert ranked(groups, common, guide)[0] == "page1/"
    weights = run_node(f"s.wordWeights({json.dumps([dict.fromkeys(map(str, covered[page]), 1) for page in guide])}, 7)")
    assert weights["1"] > weights["2"] > weights["0"] > 0


@pytest.mark.fixture_cases
def test_a_word_held_only_with_one_letter_wrong_counts_less_than_the_word_itself():
    groups = [[{"location": "trial/", "score": 12}], [{"location": "contact/", "score": 10}]]
    covered = {"trial/": [0, 1], "contact/": [0, 1]}
    exact = {"trial/": [0], "contact/": [0, 1]}  # trial/ holds word 1 only within the edit ("tenga" for "tengo")
    order = run_node(f"s.rankPages({json.dumps(groups)}, {json.dumps(covered)}, [], {json.dumps(exact)}).map(g => g[0].location)")
    assert order == ["contact/", "trial/"]
    assert ranked(groups, covered, []) == ["trial/", "contact/"]  # every word exact: the score decides


@pytest.mark.fixture_cases
def test_equally_good_pages_put_the_one_whose_title_is_the_words_typed_first():
    """ "what is a pain pump": the home page's title is the words typed, the conditions'
    title holds them among others; equally good, the more specific page comes first, and
    without the words marked in the titles (the failing case) the guide's order decides."""
    is_stop = f"s.stopWords({stop_words('en')})"
    conditions = "Conditions a <mark>pain</mark> <mark>pump</mark> can help with"
    home = "<mark>Pain</mark> <mark>pump</mark> implantation"

    def order(titles: dict[str, str]) -> list[str]:
        groups = [
            [{"location": "conditions/", "score": 20, "title": titles["conditions/"]}],
            [{"location": "", "score": 21, "title": titles[""]}],
        ]
        covered = {"conditions/": [0, 1], "": [0, 1]}
        return run_node(
            f"s.rankPages({json.dumps(groups)}, {json.dumps(covered)}, ['conditions/', ''], null, {is_stop}).map(g => g[0].location)"
        )

    assert order({"conditions/": conditions, "": home}) == ["", "conditions/"]
    assert order({"conditions/": conditions.replace("<mark>", "").replace("</mark>", ""), "": "Pain pump implantation"}) == [
        "conditions/",
        "",
    ]
    # "what conditions can a pain pump treat": the conditions' title holds more of the words typed
    both = {"conditions/": "<mark>Conditions</mark> a <mark>pain</mark> <mark>pump</mark> can help with", "": home}
    groups = [[{"location": page, "score": 20, "title": title}] for page, title in both.items()]
    covered = {"conditions/": [0, 1, 2], "": [0, 1, 2]}
    found = run_node(
        f"s.rankPages({json.dumps(groups)}, {json.dumps(covered)}, ['conditions/', ''], null, {is_stop}).map(g => g[0].location)"
    )
    assert found == ["conditions/", ""]


def rank_with_titles(groups: list[list[dict]], covered: dict, guide: list[str], headed: dict, places: dict | None = None) -> list[str]:
    """The pages in the order rankPages gives them, told which words each location's title
    holds (`headed`) and each section's place in its page (`places`)."""
    script = (
        f"s.rankPages({json.dumps(groups)}, {json.dumps(covered)}, {json.dumps(guide)}, null, null, "
        f"{json.dumps(headed)}, {json.dumps(places or {})}).map(g => g[0].location)"
    )
    return [location.split("#")[0] for location in run_node(script)]


@pytest.mark.fixture_cases
def test_a_word_the_titles_of_one_page_only_hold_weighs_more_for_that_page():
    """ "what happens if the trial works": word 0 ("trial") is in the trial page's titles and
    in two other pages' text, word 1 ("works") in one page's text only; the rarer word made
    that page first (the failing case, without titles). A word the titles of two pages
    hold says nothing of either: the rarer word decides again."""
    guide = ["trial/", "implantation/", "after/", ""]
    groups = [
        [{"location": "after/", "score": 9}],
        [{"location": "trial/", "score": 23}, {"location": "trial/#trial-success", "score": 8}],
        [{"location": "implantation/", "score": 9}],
        [{"location": "", "score": 3}],
    ]
    covered = {"after/": [1], "trial/": [0], "trial/#trial-success": [0], "implantation/": [0], "": [0]}
    assert rank_with_titles(groups, covered, guide, {})[0] == "after/"
    assert rank_with_titles(groups, covered, guide, {"trial/#trial-success": [0]})[0] == "trial/"
    assert rank_with_titles(groups, covered, guide, {"trial/#trial-success": [0], "implantation/": [0]})[0] == "after/"


@pytest.mark.fixture_cases
def test_equally_good_pages_put_first_the_one_that_opens_with_the_words_typed():
    """ "overnight in hospital" (a synonym of home): the implantation page ends with a section
    "Going home" that sends the reader on, the page after it opens with "When can I go home?";
    equally scored, the guide's order put the implantation first (the failing case, without
    the sections' places). A page whose titles hold no word typed comes after both."""
    guide = ["implantation/", "after/", ""]
    groups = [
        [{"location": "implantation/", "score": 20}, {"location": "implantation/#going-home", "score": 20}],
        [{"location": "after/", "score": 20}, {"location": "after/#going-home", "score": 20}],
        [{"location": "", "score": 20}],
    ]
    covered = {"implantation/#going-home": [0], "after/#going-home": [0], "": [0]}
    headed = {"implantation/#going-home": [0], "after/#going-home": [0]}
    assert rank_with_titles(groups, covered, guide, headed) == ["implantation/", "after/", ""]
    index = ["implantation/", "implantation/#permanent-implantation", "implantation/#steps", "implantation/#going-home"]
    index += ["after/", "after/#after-the-procedure", "after/#going-home", "after/#recovery", ""]
    places = run_node(f"s.sectionPlaces({json.dumps(index)})")
    assert [places[location] for location in index] == [0, 0, 1, 2, 0, 0, 1, 2, 0]
    assert rank_with_titles(groups, covered, guide, headed, places) == ["after/", "implantation/", ""]
    groups[2][0]["score"] = 21  # scored a little higher, equally good, but no title of it holds a word typed
    assert rank_with_titles(groups, covered, guide, headed, places)[-1] == ""


@pytest.mark.fixture_cases
def test_a_words_stem_counts_only_as_a_whole_stem_never_as_the_beginning_of_another_word():
    analysis = run_node("s.expandQuery('numbing', {}, w => 'numb', w => false)")
    assert run_node(f"s.wordsFound({json.dumps(analysis)}, ['number'])") == []  # "numb" begins "number" (a phone number)
    assert run_node(f"s.wordsFound({json.dumps(analysis)}, ['numb'])") == [0]  # the stem the index holds for "numbness"
    assert run_node(f"s.wordsFound({json.dumps(analysis)}, ['numbingly'])") == [0]  # the word typed, as a beginning


STEMS = {"working": "work", "work": "work", "works": "work", "moving": "move", "move": "move", "involves": "involv"}
STEM_JS = f"w => ({json.dumps(STEMS)})[w] || ''"  # a stemmer, as lunr's English one stems these words


def typed_on(query: str, metadata: dict, stem_only: list[tuple[str, str, int, str]] = ()) -> list[int]:
    """The words of `query` a page (`page/`, lunr's `metadata` of its terms) holds in the form
    typed; `stem_only`: the places where the index holds a word's stem, not the word."""
    analysis = run_node(f"s.expandQuery({json.dumps(query)}, {{}}, {STEM_JS}, s.stopWords({stop_words('en')}))")
    stems = {
        run_node(f"s.stemPlace({json.dumps(ref)}, {json.dumps(field)}, [{start}, 1], {json.dumps(term)})"): True
        for ref, field, start, term in stem_only
    }
    check = f"s.inflection('page/', {json.dumps(metadata)}, {STEM_JS}, {json.dumps(stems)})"
    return run_node(f"s.wordsFound({json.dumps(analysis)}, {json.dumps(list(metadata))}, false, true, {check})")


@pytest.mark.fixture_cases
def test_a_word_held_only_in_another_form_is_told_from_the_word_typed_and_a_word_cut_short():
    at = {"text": {"position": [[10, 7]]}}
    assert typed_on("pump work", {"pump": at, "work": at}) == [0, 1]  # both as typed
    assert typed_on("pump work", {"pump": at, "working": at}) == [0]  # "working": another form of "work"
    assert typed_on("pump work", {"pump": at, "works": at, "work": at}, [("page/", "text", 10, "work")]) == [
        0
    ]  # "work": the stem of "works" there
    assert typed_on("pump work", {"pump": at, "work": at}, [("other/", "text", 10, "work")]) == [0, 1]  # the stem of a word of another page
    assert typed_on("can it move", {"move": at}, [("page/", "text", 10, "move")]) == []  # "moving": the index holds its stem only
    assert typed_on("cath", {"catheter": at}) == [0]  # a word cut short counts as typed (stem "cathet", not "cath")


@pytest.mark.fixture_cases
def test_a_word_held_only_in_another_form_counts_less_where_another_page_holds_it_as_typed():
    # "can the catheter move": trial/ scores higher, holding "catheter" more often and "move"
    # only as "moving"; after/ holds both as typed (its "dislodging", the synonym of "move").
    groups = [[{"location": "trial/", "score": 15}], [{"location": "after/", "score": 11}]]
    covered = {"trial/": [0, 1], "after/": [0, 1]}
    typed = {"trial/": [0], "after/": [0, 1]}

    def order(typed: dict | None) -> list[str]:
        call = f"s.rankPages({json.dumps(groups)}, {json.dumps(covered)}, [], null, null, null, null, {json.dumps(typed)})"
        return run_node(f"{call}.map(g => g[0].location)")

    assert order(typed) == ["after/", "trial/"]
    assert order(None) == ["trial/", "after/"]  # every word as typed: the score decides
    groups[0][0]["score"] = 40  # far higher: the form does not outweigh it
    assert order(typed) == ["trial/", "after/"]

    # "how often is the pump refilled": no page holds word 2 as typed (the pages write
    # "refill"), so its other forms count whole; conditions/ and before/ hold words 0 and 1
    # ("often", incidental, and "pump") as typed.
    groups = [[{"location": "conditions/", "score": 12}], [{"location": "after/", "score": 11}], [{"location": "before/", "score": 5}]]
    covered = {"conditions/": [0, 1], "after/": [1, 2], "before/": [0, 1]}
    assert order({"conditions/": [0, 1], "after/": [1], "before/": [0, 1]})[0] == "after/"


@pytest.mark.fixture_cases
def test_words_found_count_chinese_pieces_one_edit_and_never_stop_words():
    analysis = run_node(f"s.expandQuery('the catheter pump', {{}}, w => '', s.stopWords({stop_words('en')}))")
    found = run_node(f"s.wordsFound({json.dumps(analysis)}, ['cathater', 'pumps'])")
    assert found == [0, 1]  # one letter wrong, a beginning; 'the' (a stop word) is no word to find
    assert run_node(f"s.wordsFound({json.dumps(analysis)}, ['cathtre', 'the'])") == []  # two edits; a stop word
    assert run_node(f"s.wordsFound({json.dumps(analysis)}, ['cathater', 'pumps'], false, true)") == [1]  # exactly: no edit
    assert run_node(f"s.wordsFound({json.dumps(analysis)}, ['_catheter_pump'])") == [0, 1]  # the pair holds both
    zh = run_node(f"s.expandQuery('导管补充', {{}}, w => '', s.stopWords([]), s.hanVocabulary({json.dumps(ZH_INDEX)}))")
    assert run_node(f"s.wordsFound({json.dumps(zh)}, ['补充'])") == [1]  # each piece of a Chinese run is a word


@pytest.mark.fixture_cases
def test_a_words_search_never_counts_the_pairs_it_begins():
    forms = run_node("s.indexForms('catheter', 'placement', w => '')")
    assert forms == ["catheter", "_catheter_placement"]
    assert not any(form.startswith("catheter") for form in forms[1:])  # `catheter*` matches the word once


# --- stop words: the translator's list ----------------------------------------------------


def test_every_languages_stop_words_are_well_formed_and_in_its_index(built_site):
    for lang in CATALOGUE.languages:
        words, problems = search.read_stop_words(lang.code, CATALOGUE.root)
        assert not problems, [p.format(CATALOGUE.root) for p in problems]
        index = built_site.site / CATALOGUE.language_url(lang.code) / "search" / "search_index.json"
        config = json.loads(index.read_text(encoding="utf-8"))["config"]
        assert config["stop_words"] == words
        assert sorted(config["pages"]) == sorted(model.page_url(name) for name in CATALOGUE.pages)
    source = WORKER.read_text(encoding="utf-8")
    assert "STOP_WORDS" not in source, "stop words written in search-worker.js rather than l10n/<lang>/stopwords.yml"


@pytest.mark.fixture_cases
def test_malformed_stop_words_are_named_with_file_and_line(tmp_path):
    l10n = tmp_path / "l10n" / "es"
    l10n.mkdir(parents=True)
    (l10n / "stopwords.yml").write_text("[de, la,\n de la, {a: b}]\n", encoding="utf-8")
    words, problems = search.read_stop_words("es", tmp_path)
    assert words == ["de", "la"]
    fix = "write the stop words as one YAML list of single words: [de, la, el]"
    assert [p.format(tmp_path) for p in problems] == [
        f"l10n/es/stopwords.yml:2: a stop word must be one word — {fix}",
        f"l10n/es/stopwords.yml:2: a stop word must be one word — {fix}",
    ]
    (l10n / "stopwords.yml").write_text("de: la\n", encoding="utf-8")
    assert search.read_stop_words("es", tmp_path)[1][0].message == "stop words must be a list of words"
    (l10n / "stopwords.yml").write_text("[de, la\n", encoding="utf-8")
    assert "not valid YAML" in search.read_stop_words("es", tmp_path)[1][0].message


def test_translators_check_reads_stop_words_as_the_build_does(project_copy):
    path = project_copy.root / "l10n" / CATALOGUE.languages[-1].code / "stopwords.yml"
    path.write_text("[de,\n de la]\n", encoding="utf-8")
    check = run_docs(project_copy.root, "check", str(path))
    assert check.returncode == 1
    assert f"{path.relative_to(project_copy.root)}:2: a stop word must be one word" in check.stderr


@pytest.mark.browser
def test_lunrs_language_files_are_fetched_beside_the_bundle_not_after_it(chromium, built_site):
    """Tapping search fetches the theme's worker and lunr's files for the language at once,
    beside the theme's bundle (they came one after another once the bundle had run: two
    more round trips on a slow phone); the build names the same lunr language in the page
    as in the language's index."""
    configs = {
        lang.code: json.loads(
            (built_site.site / CATALOGUE.language_url(lang.code) / "search" / "search_index.json").read_text(encoding="utf-8")
        )["config"]
        for lang in CATALOGUE.languages
    }
    lang = next((code for code, config in configs.items() if config["lang"][0] != "en"), None)
    if lang is None:
        pytest.skip("no language of the site loads lunr language files")
    page = chromium.new_page(viewport=browser.PHONE)
    events: list[tuple[str, str]] = []
    page.on("request", lambda request: events.append(("start", request.url)))
    page.on("requestfinished", lambda request: events.append(("end", request.url)))
    page.goto(built_site.site_url + CATALOGUE.language_url(lang), wait_until="load")
    assert page.locator(search.SEARCH_HELP).get_attribute("data-pp-lunr") == configs[lang]["lang"][0]
    search.open_search(page)
    search.type_query(page, "zzqxwv")
    page.close()
    bundle_done = next(i for i, (kind, url) in enumerate(events) if kind == "end" and "/javascripts/bundle." in url)
    lunr_file = f"/lunr/min/lunr.{configs[lang]['lang'][0]}.min.js"
    first_lunr = next(i for i, (kind, url) in enumerate(events) if kind == "start" and url.endswith(lunr_file))
    assert first_lunr < bundle_done, f"{lunr_file} requested only after the bundle arrived: {events}"


@pytest.mark.browser
@pytest.mark.parametrize("lang", sorted({CATALOGUE.languages[0].code, CATALOGUE.languages[-1].code}))
def test_the_index_and_the_search_worker_come_beside_the_bundle_and_the_index_once(context, built_site, lang):
    """Tapping search starts the search worker and fetches the language's index at once,
    beside the theme's bundle (they came once the bundle had run: on a slow phone the
    bundle takes longest to arrive and run, and the worker then built the index after it);
    the index comes over the network once: the bundle's request for it is answered with
    the page's, the worker takes it from the browser's cache; and search finds."""
    page = context(viewport=browser.PHONE)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")  # a little latency: each file takes time to arrive, as on a phone
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40, "downloadThroughput": -1, "uploadThroughput": -1})
    events: list[tuple[str, str]] = []
    page.context.on("request", lambda request: events.append(("start", urlsplit(request.url).path)))
    page.context.on("requestfinished", lambda request: events.append(("end", urlsplit(request.url).path)))
    index = json.loads((built_site.site / CATALOGUE.language_url(lang) / "search" / "search_index.json").read_text(encoding="utf-8"))
    word = next(w for doc in index["docs"] for w in doc["title"].split() if len(w) > 3)
    try:
        nginx.require_nginx()
    except nginx.NginxUnavailable as err:
        pytest.skip(f"nginx cannot run here: {err}")
    # The production server's headers: the index is revalidated on every use (no-cache), so
    # only a request that does not ask the network is answered from the cache.
    with nginx.nginx_server(built_site.site, nginx.reserve_port()) as origin:
        root = origin + CATALOGUE.language_url(lang)
        page.goto(root, wait_until="load")
        search.open_search(page)
        search.type_query(page, word)
    assert search.result_pages(page), f"{lang}: no results for {word!r}"
    index_path = urlsplit(root).path + "search/search_index.json"
    bundle_done = next(i for i, (kind, path) in enumerate(events) if kind == "end" and "/javascripts/bundle." in path)
    starts = {path: i for i, (kind, path) in reversed(list(enumerate(events))) if kind == "start"}
    fetched = page.evaluate(
        "(path) => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === path).length", index_path
    )
    assert fetched == 1, f"{lang}: the page fetched the index {fetched} times (the bundle's request not answered with the page's)"
    (worker,) = [w for w in page.workers if urlsplit(w.url).path == "/assets/search-worker.js"]
    sizes = worker.evaluate(
        "(path) => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === path).map((e) => e.transferSize)",
        index_path,
    )
    assert sizes == [0], f"{lang}: the worker did not take the index from the cache alone (bytes over the network per request: {sizes})"
    assert starts[index_path] < bundle_done, f"{lang}: the index requested only after the bundle arrived: {events}"
    assert starts["/assets/search-worker.js"] < bundle_done, f"{lang}: the search worker started only after the bundle arrived: {events}"


@pytest.mark.browser
def test_search_still_loads_when_the_index_fetched_beside_the_bundle_fails(context, built_site):
    """The index fetched beside the bundle fails (a dropped connection): the bundle asks for
    it again, the worker builds it then, and search finds (never a search that stays loading)."""
    lang = CATALOGUE.languages[0].code
    page = context(viewport=browser.PHONE)
    asked: list[str] = []

    def drop_first(route) -> None:
        asked.append(route.request.url)
        route.abort() if len(asked) == 1 else route.continue_()

    page.route("**/search/search_index.json", drop_first)
    page.goto(built_site.site_url + CATALOGUE.language_url(lang), wait_until="load")
    index = json.loads((built_site.site / CATALOGUE.language_url(lang) / "search" / "search_index.json").read_text(encoding="utf-8"))
    word = next(w for doc in index["docs"] for w in doc["title"].split() if len(w) > 3)
    search.open_search(page)
    search.type_query(page, word)
    assert search.result_pages(page), f"no results for {word!r} once the first request for the index failed"
    assert len(asked) >= 2, asked


@pytest.mark.fixture_cases
def test_the_best_page_missing_a_word_typed_reads_as_missing_so_the_clinic_is_offered():
    # A Chinese query of characters the index holds in no word of its own found pages
    # through longer words holding them, with nothing marked missing: no help was shown.
    zh = run_node(f"s.expandQuery('停车场', {{}}, w => '', s.stopWords([]), s.hanVocabulary({json.dumps([*ZH_INDEX, '停止'])}))")
    assert run_node(f"s.wordsFound({json.dumps(zh)}, ['停止'], true)") == []  # 停 inside 停止 reads as no word found
    assert run_node(f"s.wordsFound({json.dumps(zh)}, ['停止'])") == [0]  # (the ranking counts it)
    group = [{"location": "after/", "terms": {}}, {"location": "after/#recovery", "terms": {}}]
    marked = run_node(f"(() => {{ const g = {json.dumps(group)}; s.markMissing(g, {{}}, {json.dumps(zh)}); return g[0].terms; }})()")
    assert marked and all(value is False for value in marked.values()), marked
    en = run_node("s.expandQuery('catheter parking', {}, w => '', s.stopWords([]))")
    covered = {"trial/#steps": [0]}  # the page's section holds "catheter"
    group = [{"location": "trial/", "terms": {"catheter": True}}, {"location": "trial/#steps", "terms": {}}]
    marked = run_node(
        f"(() => {{ const g = {json.dumps(group)}; s.markMissing(g, {json.dumps(covered)}, {json.dumps(en)}); return g[0].terms; }})()"
    )
    assert marked == {"catheter": True, "parking": False}


# --- the review of the search words ----------------------------------------------------------


def search_files(root: Path, synonyms: str, stop_words: str) -> None:
    l10n = root / "l10n" / "es"
    l10n.mkdir(parents=True, exist_ok=True)
    (l10n / "synonyms.yml").write_text(synonyms, encoding="utf-8")
    (l10n / "stopwords.yml").write_text(stop_words, encoding="utf-8")


@pytest.mark.fixture_cases
def test_a_change_to_a_synonym_or_a_stop_word_lapses_the_review_of_the_search_words(tmp_path):
    search_files(tmp_path, "sonda: catéter\n", "[de, la]\n")
    assert search.words_review_state("es", tmp_path) == (model.UNREVIEWED, None)
    review = search.record_words_review("es", tmp_path, "Ana Pérez", "Certified medical translator", dt.date(2026, 12, 1))
    assert search.words_review_state("es", tmp_path) == (model.REVIEWED, review)
    assert search.words_review_problems("es", tmp_path) == []
    search_files(tmp_path, "# los pacientes dicen\nsonda:   catéter\n", "[de,\n la]\n")  # comments and layout: still reviewed
    assert search.words_review_state("es", tmp_path)[0] == model.REVIEWED
    for synonyms, stop_words in (("sonda: catéter\nmareo: sedación\n", "[de, la]\n"), ("sonda: catéter\n", "[de, la, el]\n")):
        search_files(tmp_path, synonyms, stop_words)
        assert search.words_review_state("es", tmp_path)[0] == model.LAPSED
        problems = search.words_review_problems("es", tmp_path)
        assert [p.format(tmp_path) for p in problems] == [
            "l10n/es/synonyms.yml:1: warning: the search words (synonyms, stop words) changed since Ana Pérez reviewed them on "
            f"2026-12-01 (words {review.words_hash}): their review has lapsed — have the language's reviewer check them, then "
            '`python scripts/docs.py review es search --by "NAME" --qualification "QUALIFICATION"`'
        ]


@pytest.mark.fixture_cases
def test_a_search_words_review_the_command_did_not_write_is_refused(tmp_path):
    search_files(tmp_path, "sonda: catéter\n", "[de, la]\n")
    current = search.words_hash(search.search_words("es", tmp_path))
    path = search.search_review_file("es", tmp_path)
    fix = 'restore it from git; record the review only with `python scripts/docs.py review es search --by "NAME" --qualification "QUALIFICATION"`'
    path.write_text(f"reviewer: Ana Pérez\nqualification: MD\ndate: 2026-12-01\nwords_hash: {current}\n", encoding="utf-8")
    assert search.words_review_state("es", tmp_path) == (model.UNREVIEWED, None)  # words it never kept
    assert [p.format(tmp_path) for p in search.words_review_problems("es", tmp_path)] == [
        f"l10n/es/search-review.yml:4: the search words' review names words {current}, which `docs.py review` never recorded — {fix}"
    ]
    path.write_text("reviewer: Ana Pérez\ndate: 2026-12-01\nwords_hash: abc\nnote: ok\n", encoding="utf-8")
    assert [p.format(tmp_path) for p in search.words_review_problems("es", tmp_path)] == [
        f"l10n/es/search-review.yml:4: the search words' review has a wrong or missing field 'note' — {fix}",
        f"l10n/es/search-review.yml:1: the search words' review has a wrong or missing field 'qualification' — {fix}",
    ]


def test_translators_record_the_search_words_review_and_check_says_when_it_lapses(project_copy):
    root = project_copy.root
    # A translation with synonyms (a language just started has none yet): the last such.
    with_synonyms = [lang.code for lang in CATALOGUE.languages[1:] if search.read_synonyms(lang.code, root)[0]]
    if not with_synonyms:
        pytest.skip("no translation has synonyms to review")
    lang = with_synonyms[-1]
    recorded = run_docs(root, "review", lang, "search", "--by", "Ana Pérez", "--qualification", "Certified medical translator")
    assert recorded.returncode == 0, recorded.stderr
    synonyms = search.synonyms_file(lang, root)
    check = run_docs(root, "check", str(synonyms))
    assert check.returncode == 0 and "lapsed" not in check.stderr
    target = search.read_synonyms(lang, root)[0][0].targets[0]
    synonyms.write_text(synonyms.read_text(encoding="utf-8") + f"zzpatientword: {target}\n", encoding="utf-8")
    check = run_docs(root, "check", str(synonyms))
    assert check.returncode == 0  # a warning: the translator adds words before the reviewer checks them
    assert (
        f"{synonyms.relative_to(root).as_posix()}:1: warning: the search words (synonyms, stop words) changed since Ana Pérez"
        in check.stderr
    )
    status = json.loads(run_docs(root, "status", "--lang", lang, "--json").stdout)
    assert status[0]["search_words"]["state"] == model.LAPSED
