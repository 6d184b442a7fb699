"""What readers of each language meet: complete translations, notices, fallback, lang and
dir, the switcher, hreflang, per-language search, 404 pages, suggestions, glossary."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from conftest import run_docs
from mkdocs.utils import get_relative_url
from sitekit import clinic, gate, language_tags, model, sitecheck
from sitekit.gate import project_catalogue

CATALOGUE = project_catalogue()
TRANSLATIONS = [lang for lang in CATALOGUE.languages if not lang.default]


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def built_page(site, code, name):
    return site / model.language_url(code) / model.page_url(name) / "index.html"


def test_a_language_is_offered_once_enough_of_it_is_translated():
    """Readers are offered a language (switcher, hreflang, suggestion) only past the threshold;
    every language's state is reported in the test summary (conftest.py), never failed."""
    english, spanish = model.Language("en", "English", default=True), model.Language("es", "Español")
    pages = [f"p{i}.md" for i in range(10)]
    for done in range(len(pages) + 1):
        states = {("en", p): model.SOURCE for p in pages} | {
            ("es", p): model.TRANSLATED if i < done else model.MISSING for i, p in enumerate(pages)
        }
        catalogue = model.Catalogue.as_given(CATALOGUE.root, [english, spanish], pages, states)
        assert catalogue.published("es") == (done / len(pages) >= model.PUBLISH_THRESHOLD), done
        assert [lang.code for lang in catalogue.readable("p0.md")] == (["en", "es"] if catalogue.published("es") and done else ["en"])


def test_a_catalogue_no_gate_judges_does_not_say_what_readers_get():
    """Catalogue.load without a judge reads the files' states only: asking what readers get of a
    translated page fails (it never passes as accepted); the project's catalogue is judged by
    the gate made with it, once, and a judge given is kept."""
    english, spanish = model.Language("en", "English", default=True), model.Language("es", "Español")
    states = {("en", "p.md"): model.SOURCE, ("es", "p.md"): model.TRANSLATED}
    unjudged = model.Catalogue(CATALOGUE.root, [english, spanish], ["p.md"], states)
    assert unjudged.state("en", "p.md") == model.SOURCE and unjudged.file_state("es", "p.md") == model.TRANSLATED
    with pytest.raises(model.Unjudged, match=r"gate\.project_catalogue"):
        unjudged.state("es", "p.md")
    with pytest.raises(model.Unjudged):
        unjudged.published("es")
    assert model.Catalogue.as_given(CATALOGUE.root, [english, spanish], ["p.md"], states).state("es", "p.md") == model.TRANSLATED
    judged = project_catalogue(CATALOGUE.root)
    assert isinstance(judged.judge.__self__, gate.Gate) and judged.judge.__self__.catalogue is judged
    checker = gate.Gate.for_project(CATALOGUE.root, judged)
    assert judged.judge.__self__ is not checker  # a catalogue already judged keeps its gate


@pytest.mark.parametrize("lang", [lang.code for lang in TRANSLATIONS])
def test_glossary_and_strings_have_the_english_keys(lang):
    english_terms = model.glossary("en")["terms"].keys()
    assert model.glossary(lang)["terms"].keys() == english_terms
    assert model.glossary(lang)["units"].keys() == model.glossary("en")["units"].keys()  # the gate reads "24 hours" by them
    english_strings = model.ui_strings("en").keys()
    import yaml

    own = yaml.safe_load(model.l10n_file(lang, "strings").read_text(encoding="utf-8"))
    theme = {key for key in english_strings if key.startswith("theme.")}  # a new language may lack them (the theme's own show)
    assert own.keys() - model.OPTIONAL_STRINGS - theme == english_strings - theme
    assert own.keys() & theme == theme or not CATALOGUE.published(lang), "a published language words every theme string"


def test_labels_end_in_the_languages_own_colon(built_site):
    """Chinese writes "电话：", not "电话:" (l10n/<lang>/strings.yml, label_colon)."""
    assert model.ui_strings("zh")["label_colon"] == "："
    for lang in CATALOGUE.languages:
        strings = model.ui_strings(lang.code)
        html = built_page(built_site.site, lang.code, "index.md").read_text(encoding="utf-8")
        for key in ("page_last_reviewed", "next_review_due", "clinic_phone", "clinic_address", "clinic_hours"):
            assert f"{strings[key]}{strings['label_colon']}" in html, (lang.code, key)
        assert f"{strings['page_address']}{strings['label_colon'].strip()}<br>" in html, lang.code


def test_lang_and_dir_on_every_page_and_404(built_site):
    for lang in CATALOGUE.languages:
        for name in CATALOGUE.pages:
            html = soup(built_page(built_site.site, lang.code, name)).html
            assert (html["lang"], html["dir"]) == (lang.code, lang.direction), (lang.code, name)
        notfound = soup(built_site.site / model.language_url(lang.code) / "404.html").html
        assert (notfound["lang"], notfound["dir"]) == (lang.code, lang.direction)


def offered(lang: str) -> list[str]:
    """The languages the switcher lists on a page of `lang`: those offered to readers, and its own."""
    return [lg.code for lg in CATALOGUE.languages if CATALOGUE.published(lg.code) or lg.code == lang]


def test_switcher_lists_every_offered_language_and_links_to_the_same_page(built_site):
    for lang in CATALOGUE.languages:
        for name in CATALOGUE.pages:
            page = built_page(built_site.site, lang.code, name)
            links = soup(page).select("a.md-select__link")
            assert [a["hreflang"] for a in links] == offered(lang.code)
            for link in links:
                target = (page.parent / link["href"]).resolve() / "index.html"
                assert target == built_page(built_site.site, link["hreflang"], name).resolve()


def test_hreflang_alternates_are_the_pages_real_translations(built_site):
    origin = built_site.site_url
    for lang in CATALOGUE.languages:
        for name in CATALOGUE.pages:
            page = soup(built_page(built_site.site, lang.code, name))
            alternates = {link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')}
            expected = {lg.code: origin + CATALOGUE.url(lg.code, name) for lg in CATALOGUE.readable(name)}
            assert alternates == {**expected, "x-default": origin + CATALOGUE.url(CATALOGUE.default.code, name)}, (lang.code, name)


def notice_problems(
    page: BeautifulSoup, lang: str, state: str, review: str | None
) -> list[str]:  # review: model.REVIEWED, LAPSED, UNREVIEWED
    """What the page says about itself, against its state: the one line under the title,
    and the section it leads to. True in every state: a reviewed page does not say it is
    unreviewed, an outdated one does not claim to keep every number of the English page,
    a page shown in English says it is not translated and marks its English text."""
    strings = model.ui_strings(lang)
    notice, about = page.select_one(".pp-notice"), page.select_one("#pp-about-translation")
    title = page.select_one("article h1")
    if state == model.SOURCE:
        return [f"an English page has a notice: {notice.get_text()!r}"] if notice or about else []
    problems = []
    if notice is None:
        return ["no notice"]
    if title is None or notice not in title.find_all_next("p", limit=2):
        problems.append("the notice is not right under the title")
    text, more = " ".join(notice.get_text().split()), " ".join(about.get_text().split()) if about else ""
    if state in model.SHOWN_IN_ENGLISH:
        if strings["fallback_notice"] not in text or about is not None:
            problems.append(f"a page shown in English says {text!r}")
        if notice.get("lang") != lang or not page.select_one(f'article [lang="{CATALOGUE.default.code}"] h1'):
            problems.append("the notice and the English text are not each marked with their language")
        return problems
    reviewed = review == model.REVIEWED
    line = strings["notice_reviewed" if reviewed else "notice_unreviewed"]
    wrong = strings["notice_unreviewed" if reviewed else "notice_reviewed"]
    if state == model.OUTDATED:
        line, wrong = strings["notice_outdated"], strings["translation_method"]
        if not notice.find("a", hreflang=CATALOGUE.default.code):
            problems.append("an outdated page's notice has no link to the English page")
    if line not in text or not notice.find("a", href="#pp-about-translation"):
        problems.append(f"the notice says {text!r}, not {line!r} with a link to what it means")
    if about is None or strings["translation_statement"] not in more or not about.find("a", hreflang=CATALOGUE.default.code):
        problems.append("no section about the translation with a link to the English page")
    if wrong in text + more:
        problems.append(f"the page says {wrong!r}, untrue in its state ({state}, {review})")
    if (strings["translation_earlier"] in more) != (state == model.OUTDATED):
        problems.append("only an outdated page says it follows an earlier English version")
    return problems


def test_every_page_says_what_it_is(built_site):
    """A translation says so in one line under its title and links to what it means; an
    outdated one says the English page changed; a page shown in English says it is not
    translated yet; an English page has no notice."""
    found = {}
    for lang in CATALOGUE.languages:
        for name in CATALOGUE.pages:
            state = CATALOGUE.state(lang.code, name)
            review = CATALOGUE.review(lang.code, name).state if state in (model.TRANSLATED, model.OUTDATED) else None
            if problems := notice_problems(soup(built_page(built_site.site, lang.code, name)), lang.code, state, review):
                found[f"{lang.code}/{name}"] = problems
    assert found == {}


@pytest.mark.fixture_cases
def test_a_notice_untrue_to_its_state_is_caught():
    strings = model.ui_strings("es")
    page = BeautifulSoup(
        f'<article><h1>T</h1><p class="pp-notice">{strings["notice_unreviewed"]} <a href="#pp-about-translation">?</a></p>'
        f'<section id="pp-about-translation">{strings["translation_statement"]} {strings["translation_method"]}'
        f'<a hreflang="en" href="../en/">EN</a></section></article>',
        "html.parser",
    )
    assert notice_problems(page, "es", model.TRANSLATED, "unreviewed") == []
    reviewed = notice_problems(page, "es", model.TRANSLATED, "reviewed")
    assert len(reviewed) == 2 and reviewed[0].startswith("the notice says"), reviewed
    assert reviewed[1] == f"the page says {strings['notice_unreviewed']!r}, untrue in its state (translated, reviewed)"
    outdated = notice_problems(page, "es", model.OUTDATED, "unreviewed")
    assert f"the page says {strings['translation_method']!r}, untrue in its state (outdated, unreviewed)" in outdated
    assert "only an outdated page says it follows an earlier English version" in outdated


def test_abbreviations_expand_in_every_language(built_site):
    for lang in CATALOGUE.languages:
        for name in CATALOGUE.pages:
            abbreviations = model.glossary(CATALOGUE.content_language(lang.code, name))["abbreviations"]
            page = soup(built_page(built_site.site, lang.code, name))
            found = {abbr.get_text(): abbr["title"] for abbr in page.select("article abbr")}
            assert found == {short: long for short, long in abbreviations.items() if short in found}, (lang.code, name)
    assert any(
        soup(built_page(built_site.site, lang.code, name)).select("article abbr")
        for lang in CATALOGUE.languages
        for name in CATALOGUE.pages
    )


def test_search_index_per_language_holds_only_that_language(built_site):
    for lang in CATALOGUE.languages:
        index = json.loads((built_site.site / model.language_url(lang.code) / "search" / "search_index.json").read_text(encoding="utf-8"))
        shown = [name for name in CATALOGUE.pages if CATALOGUE.content_language(lang.code, name) == lang.code]
        locations = {doc["location"].split("#")[0] for doc in index["docs"]}
        assert locations == {model.page_url(name) for name in shown}, lang.code
        titles = {doc["title"] for doc in index["docs"] if "#" not in doc["location"]}
        own_titles = {model.read_page(model.page_file(lang.code, name)).meta["title"] for name in shown}
        assert {t.replace("\u200b", "") for t in titles} == own_titles
        assert len(index["config"]["lang"]) == 1


def test_chinese_search_index_is_segmented(built_site):
    index = json.loads((built_site.site / "zh" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("\u200b" in doc["text"] for doc in index["docs"])
    assert re.compile(index["config"]["separator"]).search("a\u200bb")  # the separator splits on jieba's marks


def test_visitors_are_offered_the_pages_translations_without_redirect(built_site):
    """The suggestion's words are one shared file for every offered language; which
    languages a page is offered in, each page says with its hreflang alternates, and where,
    with its language menu's links (assets/site.js reads both)."""
    words = json.loads((built_site.site / "language-suggestions.json").read_text(encoding="utf-8"))
    assert sorted(words) == sorted(lang.code for lang in CATALOGUE.languages if CATALOGUE.published(lang.code))
    for code, offer in words.items():
        language = CATALOGUE.language(code)
        assert offer["text"] == model.ui_strings(code)["language_suggestion"].format(language=language.name)
        assert offer["dir"] == language.direction
    for name in CATALOGUE.pages:
        page = soup(built_page(built_site.site, CATALOGUE.default.code, name))
        offered = [link["hreflang"] for link in page.select("link[rel=alternate][hreflang]") if link["hreflang"] != "x-default"]
        assert offered == [lang.code for lang in CATALOGUE.readable(name)]
        for code in offered:
            link = page.select_one(f"a.md-select__link[hreflang={code}]")
            assert link["href"] == get_relative_url(CATALOGUE.url(code, name) or ".", model.page_url(name) or "."), (name, code)
        assert page.find("meta", attrs={"http-equiv": re.compile("refresh", re.I)}) is None


def test_sitemap_lists_every_page_in_every_language_readers_get_it_in(built_site):
    sitemap = (built_site.site / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<url>") == sum(len(CATALOGUE.readable(name)) for name in CATALOGUE.pages)
    for lang in TRANSLATIONS:
        assert (built_site.site / lang.code / "sitemap.xml").exists()
        assert not (built_site.site / lang.code / "trial" / "sitemap.xml").exists(), "nothing fetches a sitemap beside a page"


# --- an English page changes, a translation goes missing -----------------------------


def test_a_changed_english_page_makes_its_translations_outdated(project_copy):
    english = project_copy.root / "docs" / "en" / "trial.md"
    english.write_text(english.read_text(encoding="utf-8").replace("a few days to a week", "a few days to two weeks"), encoding="utf-8")
    assert project_catalogue(project_copy.root).state("es", "trial.md") == model.OUTDATED
    build = project_copy.build(languages=["en", "es"])
    assert build.returncode == 0, build.output
    page = soup(build.site / "es" / "trial" / "index.html")
    notice = page.select_one(".pp-notice--outdated")
    assert model.ui_strings("es")["notice_outdated"] in notice.get_text()
    assert notice.find("a", href="../../trial/")
    review = project_catalogue(project_copy.root).review("es", "trial.md").state
    assert notice_problems(page, "es", model.OUTDATED, review) == []


def test_a_missing_translation_falls_back_to_english_with_a_notice(project_copy):
    (project_copy.root / "docs" / "es" / "trial.md").unlink()
    build = project_copy.build()
    assert build.returncode == 0, build.output
    page = soup(build.site / "es" / "trial" / "index.html")
    assert page.html["lang"] == "es"
    assert model.ui_strings("es")["fallback_notice"] in page.select_one(".pp-notice--missing").get_text()
    wrapper = page.select_one('article div[lang="en"]')
    assert wrapper is not None and wrapper["dir"] == "ltr"
    assert "The trial phase generally takes place" in wrapper.get_text()
    assert page.select_one('link[rel="alternate"][hreflang="es"]') is None
    assert page.select_one('link[rel="canonical"]')["href"] == model.load_mkdocs_config()["site_url"] + "trial/"
    assert "/es/trial/" not in (build.site / "sitemap.xml").read_text(encoding="utf-8")
    site_url = model.load_mkdocs_config()["site_url"]
    catalogue = project_catalogue(project_copy.root)
    assert sitecheck.metadata_problems(build.site, site_url, catalogue) == []  # canonical, hreflang and og: the English page's
    assert sitecheck.sitemap_problems(build.site, site_url, catalogue) == []
    index = json.loads((build.site / "es" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [doc for doc in index["docs"] if doc["location"].startswith("trial/")]


def test_a_new_language_stays_hidden_until_translated(project_copy):
    result = run_docs(project_copy.root, "new-language", "fr", "--name", "Français")
    assert result.returncode == 0, result.stderr
    catalogue = project_catalogue(project_copy.root)
    assert catalogue.share("fr") == 0 and not catalogue.published("fr")
    status = run_docs(project_copy.root, "status", "--lang", "fr", "--json")
    assert json.loads(status.stdout)[0]["complete"] == 0
    assert {page["state"] for page in json.loads(status.stdout)[0]["pages"]} == {"stub"}
    check = run_docs(project_copy.root, "check")
    assert check.returncode == 0, check.stderr
    build = project_copy.build(languages=["en", "fr"])
    assert build.returncode == 0, build.output
    english = soup(build.site / "trial" / "index.html")
    assert "fr" not in [a["hreflang"] for a in english.select("a.md-select__link")]
    french = soup(build.site / "fr" / "trial" / "index.html")
    assert french.html["lang"] == "fr"
    assert french.select_one(".pp-notice--stub") is not None
    again = run_docs(project_copy.root, "new-language", "fr")
    assert again.returncode == 1 and "nothing was changed" in again.stderr


def test_review_dates_follow_each_languages_date_format(built_site):
    """Dates as each language writes them (`date_format` in its strings.yml, CLDR's long
    form by default): Vietnamese "24 tháng 11 năm 2026", not CLDR's "24 tháng 11, 2026"."""
    from babel.dates import format_date

    for lang in CATALOGUE.languages:
        pattern = model.ui_strings(lang.code)["date_format"]
        page = soup(built_page(built_site.site, lang.code, "index.md"))
        for time in page.select(".pp-review-dates time"):
            assert time.get_text() == format_date(model.as_date(time["datetime"]), format=pattern, locale=lang.code), lang.code
    assert format_date(model.as_date("2026-11-24"), format=model.ui_strings("vi")["date_format"], locale="vi") == "24 tháng 11 năm 2026"


@pytest.mark.injected_fault  # the date pattern it writes
def test_a_date_format_babel_cannot_read_stops_the_build_naming_the_file(project_copy):
    strings = project_copy.root / "l10n" / "es" / "strings.yml"
    strings.write_text(strings.read_text(encoding="utf-8").replace('date_format: "long"', 'date_format: "qqqqqqqqqq"'), encoding="utf-8")
    build = project_copy.build(languages=["en", "es"])  # es's own build must not end in a traceback either
    assert build.returncode != 0
    assert re.search(r"l10n/es/strings.yml:\d+: date_format 'qqqqqqqqqq' is not a date pattern Babel can read", build.output)
    assert "Traceback" not in build.output


def test_a_production_build_refuses_a_published_language_whose_urgent_text_is_english_only(project_copy):
    """The clinic's urgent-help text: a published language needs its own (production builds
    refuse to publish it in English); a language not yet published keeps the English fallback."""
    config = project_copy.root / "mkdocs.yml"
    config.write_text(clinic.with_example(config.read_text(encoding="utf-8")), encoding="utf-8")  # urgent: English only
    build = project_copy.build({"PRODUCTION": "1"})
    assert build.returncode != 0
    catalogue = project_catalogue(project_copy.root)
    published = [lang for lang in catalogue.languages[1:] if catalogue.published(lang.code)]
    assert published, "the test needs a published translation"
    for lang in published:
        assert f"extra.clinic.urgent.{lang.code}: {lang.name} ({lang.code}) is published" in build.output
        assert f"add '{lang.code}: \"…\"' under 'urgent:' in mkdocs.yml" in build.output
    names = {lang.code: lang.name for lang in published}
    own = {"en": "Call us.", **{code: f"{code} words" for code in names}}
    assert clinic.english_only({**clinic.EXAMPLE, "urgent": own}, names, "en") == []
    assert clinic.english_only(clinic.EXAMPLE, {}, "en") == [], "an unpublished language keeps the English fallback"


def test_new_language_takes_bcp47_tags(project_copy):
    """pt-BR and zh-Hant (any case) are started and pass `docs.py check`; the message gives the
    threshold readers wait for (model.PUBLISH_THRESHOLD, as TRANSLATING.md says)."""
    root = project_copy.root
    for given, code in (("pt-br", "pt-BR"), ("zh-Hant", "zh-Hant")):
        result = run_docs(root, "new-language", given, "--name", "Nome")
        assert result.returncode == 0, result.stderr
        assert f"Started {code} (Nome)" in result.stdout
        assert f"until {model.PUBLISH_THRESHOLD:.0%} of its pages are translated" in result.stdout
        assert (root / "docs" / code).is_dir() and code in [lang.code for lang in project_catalogue(root).languages]
    check = run_docs(root, "check")
    assert check.returncode == 0, check.stderr


@pytest.mark.injected_fault  # the bad tag or name it gives
@pytest.mark.parametrize(
    ("code", "name", "message"),
    [
        ("fil", "Filipino", "'fil' is a BCP 47 tag, but the site's language plugin (mkdocs-static-i18n) builds only locales"),
        ("es-419", "Español", "and its region '419' is a number; the site cannot have it as a language without changing that plugin"),
        ("fr", "Français\nbuild: false", "U+000A, which is not printable"),
        ("fr", "Fran\x01çais", "U+0001, which is not printable"),
        ("fr", " ", "it is empty"),
        ("fr-", "Français", "is not a BCP 47 language tag"),
    ],
)
def test_new_language_refuses_and_writes_nothing(project_copy, code, name, message):
    root = project_copy.root
    before = {
        p.relative_to(root).as_posix(): p.read_bytes() for folder in ("docs", "l10n") for p in (root / folder).rglob("*") if p.is_file()
    }
    config = (root / "mkdocs.yml").read_bytes()
    result = run_docs(root, "new-language", code, "--name", name)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, result.stderr
    after = {
        p.relative_to(root).as_posix(): p.read_bytes() for folder in ("docs", "l10n") for p in (root / folder).rglob("*") if p.is_file()
    }
    assert after == before and (root / "mkdocs.yml").read_bytes() == config
    assert not (root / "docs" / "fr").exists()


def test_a_tag_the_theme_lacks_gets_the_nearest_languages_theme_words(project_copy):
    """fr-CA: its folders and lang keep the tag; the theme's words are fr's (a file the command
    writes, and says so), and the strict build makes its pages. A tag whose language the theme
    has no words for at all is refused, writing nothing."""
    root = project_copy.root
    supported = language_tags.theme_languages()
    tag = next(f"{lang}-CA" for lang in ("fr", "en", "es") if lang in supported and f"{lang}-CA" not in supported)
    result = run_docs(root, "new-language", tag, "--name", "Nom")
    assert result.returncode == 0, result.stderr
    assert f"its '{tag[:2]}' ones (overrides/partials/languages/{tag}.html)" in result.stdout
    assert (root / "overrides" / "partials" / "languages" / f"{tag}.html").is_file() and (root / "docs" / tag).is_dir()
    assert run_docs(root, "check").returncode == 0
    build = project_copy.build(languages=["en", tag])
    assert build.returncode == 0, build.output
    page = soup(build.site / tag / "index.html")
    assert page.html["lang"] == tag
    theirs = (language_tags.THEME_LANGUAGES / f"{tag[:2]}.html").read_text(encoding="utf-8")
    placeholder = re.search(r'"search.placeholder": "([^"]*)"', theirs).group(1)
    assert page.select_one("input.md-search__input")["placeholder"] == placeholder
    lacking = next(code for code in ("sw", "zu", "xh", "am", "yo", "ha") if code not in supported)
    config = (root / "mkdocs.yml").read_bytes()
    refused = run_docs(root, "new-language", lacking, "--name", "Name")
    assert refused.returncode == 2 and f"no interface translation for '{lacking}' nor for its language" in refused.stderr
    assert not (root / "docs" / lacking).exists() and (root / "mkdocs.yml").read_bytes() == config
