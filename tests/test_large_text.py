"""The browser's text at 200 % on a 360 px phone (Chromium's font sizes doubled, as
Settings › Font size does), with the clinic's real-looking details: titles break only
between words, the header and the call button stay compact, the page's own text starts
on the first screen, nothing scrolls sideways."""

from __future__ import annotations

import pytest
from sitekit import model
from sitekit.gate import project_catalogue

SMALL_PHONE = {"width": 360, "height": 740}
TEXT_200 = {"standard": 32, "fixed": 26}
PAGES = ["index.md", "contact.md", "trial.md"]
HEADER_MAX, CALL_MAX = 0.2, 0.3  # of the screen's height

# Every word of every title, heading and header or footer title: the lines its letters
# are on (a word broken without a hyphen is on two). Chinese has no spaces: left out.
BROKEN_WORDS_JS = """() => {
  const broken = [];
  const titles = document.querySelectorAll(
    '.md-typeset :is(h1, h2, h3), .md-header__topic .md-ellipsis, .md-footer__title .md-ellipsis');
  for (const title of titles) {
    if (title.getBoundingClientRect().width < 2) continue;  // not shown (the screen-reader-only title)
    const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""

MEASURE_JS = """() => {
  const height = s => { const e = document.querySelector(s); return e ? e.getBoundingClientRect().height : 0; };
  // the page's text: its title and what follows it (the notice, the contents, the first paragraph)
  const title = document.querySelector('article.md-content__inner .pp-heading:has(> h1)');
  const text = title && title.nextElementSibling;
  return {
    header: height('.md-header'),
    call: height('.pp-top .pp-call'),
    text: text ? text.getBoundingClientRect().top : null,
    root: parseFloat(getComputedStyle(document.documentElement).fontSize),
    scroll: document.documentElement.scrollWidth,
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", [lang.code for lang in model.languages()])
def test_200_percent_text_on_a_360_px_phone_reads(example_site, context, lang):
    catalogue = project_catalogue()
    page = context(viewport=SMALL_PHONE, locale=lang)
    page.context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": TEXT_200})
    problems = []
    for name in PAGES:
        page.goto(example_site.site_url + catalogue.url(lang, name), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        seen = page.evaluate(MEASURE_JS)
        where = f"{lang}/{name}"
        assert seen["root"] >= 36, f"{where}: the text is not at 200 % ({seen['root']} px)"
        if seen["scroll"] > SMALL_PHONE["width"]:
            problems.append(f"{where}: scrolls sideways ({seen['scroll']} px)")
        if seen["header"] > HEADER_MAX * SMALL_PHONE["height"]:
            problems.append(f"{where}: the header is {seen['header']:.0f} px high")
        if seen["call"] > CALL_MAX * SMALL_PHONE["height"]:
            problems.append(f"{where}: the call button is {seen['call']:.0f} px high")
        if seen["text"] is None or seen["text"] > SMALL_PHONE["height"] - 20:
            problems.append(f"{where}: no page text on the first screen (it starts at {seen['text']} px)")
        if lang != "zh":
            broken = page.evaluate(BROKEN_WORDS_JS)
            if broken:
                problems.append(f"{where}: title words broken across lines: {broken}")
    assert problems == [], "\n".join(problems)
