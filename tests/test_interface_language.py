"""The interface in the reader's language, all of it (issue 24): every text a reader can meet
on a translated page, the theme's included (skip link, landmarks, buttons, the search box,
"Initializing search", result counts, "Missing"), is in the page's language, or marked
English (an ancestor with lang="en"). Chromium renders every page of every translated
language, opens search and types a query; a visible text node (or a placeholder, label or
tooltip) that is one of the English interface strings fails the test. The English strings:
the theme's (Material's partials/languages/en.html) and the site's (l10n/en/strings.yml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sitekit import browser, model, search
from sitekit.gate import project_catalogue

CATALOGUE = project_catalogue()
THEME_EN = Path(__import__("material").__file__).parent / "templates" / "partials" / "languages" / "en.html"
QUERIES = search.load_queries(Path(__file__).parent / "search_queries.yml")

# Every visible text node and the words of placeholders, labels and tooltips, with the
# language of its nearest ancestor that says one.
VISIBLE_TEXT_JS = """() => {
  const out = [];
  const langOf = (el) => (el.closest("[lang]") || document.documentElement).getAttribute("lang") || "";
  const shown = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!text || !el || ["SCRIPT", "STYLE", "NOSCRIPT"].includes(el.tagName) || !shown(el)) continue;
    out.push({text, lang: langOf(el), where: el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : "")});
  }
  for (const el of document.body.querySelectorAll("[placeholder], [aria-label], [title]")) {
    if (!shown(el)) continue;
    for (const name of ["placeholder", "aria-label", "title"]) {
      const text = (el.getAttribute(name) || "").trim();
      if (text) out.push({text, lang: langOf(el), where: el.tagName.toLowerCase() + "[" + name + "]"});
    }
  }
  const config = document.getElementById("__config");
  for (const [key, text] of Object.entries(config ? JSON.parse(config.textContent).translations || {} : {})) {
    out.push({text, lang: document.documentElement.lang, where: "__config " + key});
  }
  return out;
}"""


def english_strings() -> dict[str, str]:
    """The English interface strings a reader could meet: the theme's and the site's."""
    theme = re.findall(r'^\s+"([^"]+)": "([^"]*)",?$', THEME_EN.read_text(encoding="utf-8"), re.M)
    site = yaml.safe_load(model.l10n_file("en", "strings").read_text(encoding="utf-8"))
    strings = {f"theme.{key}": value for key, value in theme if key not in ("language", "direction", "search.config.lang")}
    strings |= {key: value for key, value in site.items() if isinstance(value, str) and re.search(r"[A-Za-z]{3}", value)}
    return strings


def detector(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    """(key, pattern) of each English string that is not also the language's own word for it
    (Vietnamese says "Menu" too); "#" (a count) and {placeholders} match anything there."""
    own = model.ui_strings(lang)
    patterns = []
    for key, value in english_strings().items():
        if own.get(key) == value or len(value) < 3:
            continue
        pattern = re.escape(value).replace("\\#", r"\d+").replace("\\ ", " ")
        pattern = re.sub(r"\\\{[a-z_]+\\\}", ".+", pattern)
        patterns.append((key, re.compile(pattern, re.I)))
    return patterns


def english_found(items: list[dict[str, str]], lang: str) -> list[str]:
    """The items that are an English interface string outside any lang="en" part."""
    found = []
    patterns = detector(lang)
    for item in items:
        if item["lang"].split("-")[0] == "en":
            continue
        for key, pattern in patterns:
            if pattern.fullmatch(item["text"]):
                found.append(f"{item['where']}: {item['text']!r} (English {key})")
                break
    return found


def test_the_detector_finds_english_outside_a_lang_en_part(chromium):
    """The failing case: the theme's English "No matching documents" and "1 matching
    document" on a Spanish page are found; the same words marked lang="en" are not."""
    page = chromium.new_page()
    page.set_content(
        '<html lang="es"><body><p>No matching documents</p><p lang="en">Skip to content</p>'
        '<div class="md-search-result__meta">1 matching document</div><input placeholder="Search">'
        "<p>Buscar</p></body></html>"
    )
    found = english_found(page.evaluate(VISIBLE_TEXT_JS), "es")
    page.close()
    assert len(found) == 3, found
    assert any("No matching documents" in f for f in found) and any("1 matching document" in f for f in found)
    assert not any("Skip to content" in f for f in found)


@pytest.mark.browser
@pytest.mark.parametrize("lang", [lang.code for lang in CATALOGUE.languages[1:] if CATALOGUE.published(lang.code)])
def test_no_english_interface_string_on_any_translated_page_with_search_open(chromium, built_site, lang):
    name_query = next((q.query for q in QUERIES if q.lang == lang), "xx")
    page = chromium.new_page(viewport=browser.PHONE)
    problems: list[str] = []
    for name in CATALOGUE.pages:
        if CATALOGUE.state(lang, name) in model.SHOWN_IN_ENGLISH:
            continue
        page.goto(built_site.site_url + CATALOGUE.url(lang, name), wait_until="load")
        problems += [f"{name}: {p}" for p in english_found(page.evaluate(VISIBLE_TEXT_JS), lang)]
        search.open_search(page)
        problems += [f"{name} (search open): {p}" for p in english_found(page.evaluate(VISIBLE_TEXT_JS), lang)]
        for query in (name_query, f"{name_query} qqqzzz", "qqqzzz"):  # results, a term missing, none
            search.type_query(page, query)
            problems += [f"{name} (search {query!r}): {p}" for p in english_found(page.evaluate(VISIBLE_TEXT_JS), lang)]
    page.close()
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_every_language_words_the_theme_strings_itself():
    """Each language sets every theme string (l10n/<lang>/strings.yml, theme.*), and none is
    the English one unless the language says it so too."""
    english = {
        k: v for k, v in yaml.safe_load(model.l10n_file("en", "strings").read_text(encoding="utf-8")).items() if k.startswith("theme.")
    }
    assert english and all(english_strings()[key] == value for key, value in english.items()), "en's theme.* are Material's English"
    for lang in [lang for lang in CATALOGUE.languages[1:] if CATALOGUE.published(lang.code)]:
        own = yaml.safe_load(model.l10n_file(lang.code, "strings").read_text(encoding="utf-8"))
        same = [key for key in english if own.get(key) == english[key]]
        assert not same, (lang.code, same)
