"""Readable without JavaScript: in a browser context with JavaScript disabled, a page's
article is on screen and its navigation (site nav, previous/next links, language
switcher) can be reached and leads to real pages, and nothing makes the page scroll
sideways. Material's phone drawer is a CSS checkbox hack and the switcher opens on
focus, so both work without scripts.

Playwright still evaluates its own probes in such a page (no timers: the page's event
loop is off); the page's own scripts never run. Contexts are made with
`reduced_motion="reduce"`, under which Material drops its CSS transitions, so an opened
drawer or switcher is measured in its final place at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sitekit import model
from sitekit.gate import project_catalogue

# For every element matching each selector: why a reader could not see and use it (""
# when they can: displayed, opaque, in the window once scrolled to, not covered by
# anything), its link target without #fragment, its text and the point to click it at.
# With `text`: how much of the article's text (its leaf text blocks) is on screen.
# One call per state of the page: every Playwright call is a round trip.
PROBE_JS = """({selectors, text}) => {
  const name = (e) => e ? e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + [...e.classList].map((c) => "." + c).join("") : "nothing";
  const reach = (el) => {
    el.scrollIntoView({block: "center", inline: "nearest"});
    for (let e = el; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === "none") return ["is not displayed (display: none on " + name(e) + ")"];
      if (parseFloat(style.opacity) < 0.1) return ["is transparent (opacity on " + name(e) + ")"];
    }
    if (getComputedStyle(el).visibility !== "visible") return ["is invisible (visibility)"];
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) return ["has no size"];
    if (box.right <= 0 || box.bottom <= 0 || box.left >= innerWidth || box.top >= innerHeight)
      return ["is outside the window"];
    const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    if (!top || !(top === el || el.contains(top))) return ["is covered by " + name(top)];
    return ["", x, y];
  };
  const found = {};
  for (const selector of selectors) {
    found[selector] = [...document.querySelectorAll(selector)].map((el) => {
      const [reason, x = 0, y = 0] = reach(el);
      return {reason, x, y, href: el.href ? String(el.href).split("#")[0] : "",
              text: el.textContent.trim().replace(/\\s+/g, " ").slice(0, 60)};
    });
  }
  const article = document.querySelector("article.md-content__inner");
  if (!text || !article) return {found, text: null};
  const blocks = [...article.querySelectorAll("h1, h2, h3, h4, p, li, dt, dd, th, td")]
    .filter((b) => !b.querySelector("p, li") && b.textContent.trim());
  let total = 0, shown = 0;
  const hidden = [];
  for (const b of blocks) {
    const size = b.textContent.trim().length, box = b.getBoundingClientRect();
    total += size;
    if (box.width >= 1 && box.height >= 1
        && b.checkVisibility({opacityProperty: true, visibilityProperty: true})) shown += size;
    else hidden.push(b.textContent.trim().slice(0, 60));
  }
  return {found, text: {total, shown, hidden}};
}"""

MIN_SHOWN_TEXT = 0.9  # share of the article's text that must be on screen
ARTICLE = "article.md-content__inner"
MENU_BUTTON = ".md-header label[for='__drawer']"
SWITCHER_BUTTON = ".md-header .md-select > button"
SWITCHER_LINKS = ".md-header a.md-select__link"
PREV = "a.md-footer__link--prev"
NEXT = "a.md-footer__link--next"
NAV_LINKS = "nav.md-nav--primary a.md-nav__link[href]"
CONTEXT_OPTIONS: dict[str, Any] = {"java_script_enabled": False, "reduced_motion": "reduce"}


@dataclass(frozen=True)
class Expected:
    """What a page must offer: links to the language's other pages in the site nav,
    previous/next links where the page has neighbours, and the language switcher's pages."""

    nav: frozenset[str]
    prev: bool
    next: bool
    languages: frozenset[str]


@dataclass
class PageReport:
    problems: list[str] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=dict)  # kind -> absolute URLs found usable


def nav_order(root=model.REPO) -> list[str]:
    """The pages in the order of mkdocs.yml's nav (previous/next follow it)."""
    order: list[str] = []

    def walk(items: Any) -> None:
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, str):
                order.append(item)
            elif isinstance(item, dict):
                for value in item.values():
                    walk(value)

    walk(model.load_mkdocs_config(root).get("nav") or [])
    return order


def expectations(origin: str, catalogue: model.Catalogue | None = None) -> dict[str, Expected]:
    """Expected navigation for every page URL (every page in every language)."""
    catalogue = catalogue or project_catalogue()
    order = [name for name in nav_order(catalogue.root) if name in catalogue.pages]

    def url(code: str, name: str) -> str:
        return origin + catalogue.url(code, name)

    shown = [lang.code for lang in catalogue.languages if catalogue.published(lang.code)]
    result = {}
    for lang in catalogue.languages:
        for name in catalogue.pages:
            place = order.index(name) if name in order else -1
            result[url(lang.code, name)] = Expected(
                nav=frozenset(url(lang.code, other) for other in catalogue.pages if other != name),
                prev=place > 0,
                next=0 <= place < len(order) - 1,
                languages=frozenset(url(code, name) for code in {*shown, lang.code}),
            )
    return result


def probe(page, *selectors: str, text: bool = False) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any] | None]:
    """PROBE_JS: every element matching each selector, and with `text` the article's text."""
    result = page.evaluate(PROBE_JS, {"selectors": list(selectors), "text": text})
    return result["found"], result["text"]


def check_page(page, url: str, expected: Expected, phone: bool) -> PageReport:
    """Load `url` in `page` (a context made with CONTEXT_OPTIONS) and report what a reader
    without scripts could not see or reach. `phone`: the site nav sits in the drawer."""
    report = PageReport()
    problems = report.problems
    response = page.goto(url)
    if response is None or response.status != 200:
        problems.append(f"answered {response.status if response else 'nothing'}")
        return report

    title, paragraph, prev, next_, switcher = (f"{ARTICLE} h1", f"{ARTICLE} p:not(aside p)", PREV, NEXT, SWITCHER_BUTTON)
    # On a desktop the site nav is in the sidebar, on screen from the start.
    found, text = probe(page, title, paragraph, prev, next_, switcher, *([] if phone else [NAV_LINKS]), text=True)
    if text is None:
        problems.append(f"no article ({ARTICLE})")
        return report

    # The article: its title, its first paragraph and most of its text are on screen.
    for what, selector in (("title (h1)", title), ("first paragraph", paragraph)):
        first = found[selector][:1]
        if not first:
            problems.append(f"article has no {what}")
        elif first[0]["reason"]:
            problems.append(f"article {what} {first[0]['reason']}")
    if not text["total"] or text["shown"] < MIN_SHOWN_TEXT * text["total"]:
        hidden = "; ".join(f"'{block}'" for block in text["hidden"][:3])
        problems.append(f"only {text['shown']} of {text['total']} characters of the article are shown (hidden: {hidden})")

    # Previous and next page, in the footer.
    for kind, selector, wanted in (("prev", prev, expected.prev), ("next", next_, expected.next)):
        if wanted and not found[selector]:
            problems.append(f"no '{kind}' link in the footer")
        for link in found[selector]:
            if link["reason"]:
                problems.append(f"footer '{kind}' link {link['reason']}")
            else:
                report.links.setdefault(kind, []).append(link["href"])

    # The language switcher: a button whose list opens on focus (a tap or a click).
    if _click(page, found[switcher][:1], "language switcher button", problems):
        usable = []
        for link in probe(page, SWITCHER_LINKS)[0][SWITCHER_LINKS]:
            if link["reason"]:
                problems.append(f"language switcher link '{link['text']}' {link['reason']}")
            else:
                usable.append(link["href"])
        report.links["languages"] = usable
        problems += [f"language switcher: no usable link to {url}" for url in sorted(expected.languages - set(usable))]

    # Nothing reaches past the screen's edge, the open language list included (WCAG 1.4.10).
    wide, screen = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if wide > screen:
        problems.append(f"page is {wide} px wide on a {screen} px screen: it scrolls sideways")

    # The site nav: on a phone in the drawer, opened by the header's menu button (a label
    # for the #__drawer checkbox).
    if phone:
        if not _click(page, probe(page, MENU_BUTTON)[0][MENU_BUTTON][:1], "menu button", problems):
            return report
        found, _ = probe(page, NAV_LINKS)
    usable = [link["href"] for link in found[NAV_LINKS] if link["href"] in expected.nav and not link["reason"]]
    report.links["nav"] = usable
    where = "drawer" if phone else "sidebar"
    problems += [f"site nav ({where}): no usable link to {url}" for url in sorted(expected.nav - set(usable))]
    return report


def _click(page, found: list[dict[str, Any]], what: str, problems: list[str]) -> bool:
    """Click the first probed element where a reader would: at its middle, once it is
    known to be on screen and on top."""
    if not found or found[0]["reason"]:
        problems.append(f"{what} {found[0]['reason'] if found else 'is missing'}")
        return False
    page.mouse.click(found[0]["x"], found[0]["y"])
    return True


def link_problems(request, urls: set[str]) -> list[str]:
    """Every link found leads to a real page: `request` is the context's APIRequestContext."""
    problems = []
    for url in sorted(urls):
        response = request.get(url)
        kind = response.headers.get("content-type", "")
        if response.status != 200 or "html" not in kind:
            problems.append(f"link to {url} answered {response.status} {kind}".rstrip())
    return problems


def followed_problems(page, url: str, phone: bool) -> list[str]:
    """Click a sample of the page's navigation as a reader would (the footer's first link,
    another language in the switcher, the first other page in the site nav) and check
    each lands on a real page with its title on screen."""
    steps = [
        ("footer link", [], "a.md-footer__link"),
        ("language switcher", [SWITCHER_BUTTON], f"{SWITCHER_LINKS}:not([aria-current])"),
        ("site nav", [MENU_BUTTON] if phone else [], "nav.md-nav--primary > ul > li > a.md-nav__link:not(.md-nav__link--active)"),
    ]
    problems: list[str] = []
    for what, openers, selector in steps:
        page.goto(url)
        if not all(_click(page, probe(page, opener)[0][opener][:1], f"{what}: opener", problems) for opener in openers):
            continue
        found = probe(page, selector)[0][selector][:1]
        if not found or found[0]["reason"]:
            problems.append(f"{what}: link {found[0]['reason'] if found else 'is missing'}")
            continue
        with page.expect_navigation() as navigation:
            page.mouse.click(found[0]["x"], found[0]["y"])
        problems += [f"{what}: {problem}" for problem in landing_problems(page, found[0]["href"], navigation.value)]
    return problems


def landing_problems(page, url: str, response) -> list[str]:
    """`page` has just landed on what should be `url`: a real page with its title on screen."""
    if response is None or response.status != 200:
        return [f"{url} answered {response.status if response else 'nothing'}"]
    landed = page.url.split("#", 1)[0]
    if landed != url:
        return [f"landed on {landed}, not {url}"]
    title = probe(page, f"{ARTICLE} h1")[0][f"{ARTICLE} h1"][:1]
    if not title:
        return [f"{url} has no article title"]
    return [f"{url}: title {title[0]['reason']}"] if title[0]["reason"] else []
