"""Checks of the WCAG 2.2 AA criteria that accessibility engines (axe-core, HTML_CodeSniffer)
do not test, as a keyboard user, a screen-reader user or a reader with large text meets
them. Each returns the problems it finds, as readable lines; tests/test_a11y.py runs them
on every page and language, each beside a page made to fail it.

- focus walk (2.1.1, 2.4.3, 2.4.7, 2.4.11): Tab and Shift+Tab through a page; every stop is
  on screen, not wholly covered by the sticky header or the suggestion bar, outlined;
- language of parts (3.1.2): English text in a page of another language is marked
  `lang="en"`;
- text spacing (1.4.12): with WCAG's spacing, no text is cut off and nothing scrolls sideways;
- target size (2.5.8): every control is at least 24 × 24 CSS px, or inline in a sentence;
- 400 % zoom (1.4.10): what stays fixed on screen leaves most of the window to the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag

# --- focus -------------------------------------------------------------------------------

# Why a reader could not see the focused element: off screen, without size, wholly
# covered (each of five points of it lies under another element, e.g. the sticky header
# or the fixed suggestion bar), or without a focus outline. Measured when the next Tab is
# pressed, so after the browser has scrolled it into view; one round trip per stop.
FOCUS_JS = """(backward) => {
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].slice(0, 2).map((c) => "." + c).join("");
  const measure = () => {
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement || e.id === "pp-walk-start") return null;
    const label = name(e) + (e.getAttribute("href") ? "[" + e.getAttribute("href") + "]" : "")
      + " '" + (e.getAttribute("aria-label") || e.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40) + "'";
    const box = e.getBoundingClientRect(), style = getComputedStyle(e);
    let problem = "";
    if (box.width < 1 || box.height < 1) problem = "has no size";
    else if (box.bottom <= 0 || box.right <= 0 || box.top >= innerHeight || box.left >= innerWidth) problem = "is off screen";
    else {
      const inset = (a, b) => a + Math.min(2, (b - a) / 2);
      const left = Math.max(box.left, 0), right = Math.min(box.right, innerWidth) - 0.01;
      const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight) - 0.01;
      const points = [[(left + right) / 2, (top + bottom) / 2], [inset(left, right), inset(top, bottom)],
                      [inset(right, left), inset(top, bottom)], [inset(left, right), inset(bottom, top)],
                      [inset(right, left), inset(bottom, top)]];
      const covers = points.map(([x, y]) => document.elementFromPoint(x, y))
        .filter((over) => over && over !== e && !e.contains(over) && !over.contains(e));
      if (covers.length === points.length) problem = "is wholly covered by " + name(covers[0]);
      else if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) === 0) problem = "has no visible focus outline";
    }
    return {label, problem, key: label + "@" + Math.round(box.top + scrollY) + "," + Math.round(box.left + scrollX)};
  };
  window.__ppStops = [];
  window.__ppMeasure = () => { window.__ppStops.push(measure()); return window.__ppStops; };
  if (!window.__ppListening) {
    window.__ppListening = true;
    document.addEventListener("keydown", (event) => { if (event.key === "Tab") window.__ppMeasure(); }, true);
  }
  // Tab starts from where focus last was: start from a mark at the page's start (its end).
  const mark = document.getElementById("pp-walk-start") || document.createElement("span");
  mark.id = "pp-walk-start";
  mark.tabIndex = -1;
  if (backward) document.body.append(mark); else document.body.prepend(mark);
  mark.focus({preventScroll: true});
  window.scrollTo(0, backward ? document.documentElement.scrollHeight : 0);
  // How many Tab presses the walk needs: the elements that can take focus now (scroll
  // areas can too, hence a few more).
  return [...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")]
    .filter((e) => e.tabIndex >= 0 && !e.disabled && e.checkVisibility({visibilityProperty: true})).length + 4;
}"""


@dataclass(frozen=True)
class Stop:
    label: str
    problem: str


TAB = {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}
SHIFT = 8  # the Shift modifier in the DevTools protocol


def focus_walk(page, backward: bool = False) -> list[Stop]:
    """Every Tab (or Shift+Tab) stop of the page, from its start (or end) until focus
    leaves the page or comes round again. The keys go to Chromium as real key events
    through the DevTools protocol (the way Playwright sends them, in half the round trips)."""
    count = page.evaluate(FOCUS_JS, backward)
    keys = page.context.new_cdp_session(page)
    modifiers = SHIFT if backward else 0
    for _ in range(count):
        keys.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "modifiers": modifiers, **TAB})
        keys.send("Input.dispatchKeyEvent", {"type": "keyUp", "modifiers": modifiers, **TAB})
    keys.detach()
    stops: list[Stop] = []
    seen: set[str] = set()
    for state in page.evaluate("() => window.__ppMeasure()")[1:]:
        if state is None or state["key"] in seen:
            break
        seen.add(state["key"])
        stops.append(Stop(state["label"], state["problem"]))
    return stops


def focus_problems(stops: Iterable[Stop]) -> list[str]:
    return [f"{stop.label} {stop.problem}" for stop in stops if stop.problem]


# --- language of parts -----------------------------------------------------------------

NAMING_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
_SKIPPED = {"script", "style", "svg", "code", "pre"}


def english_parts(html: str, english: Iterable[str], default: str = "en") -> list[str]:
    """Text of a page in another language that is English (one of `english`: the English
    page titles, site name and interface strings this language does not share) and not
    marked `lang="<default>"`: in text, in the window's title and in accessible names
    (an attribute cannot mark a part of itself English, so there it is always wrong)."""
    soup = BeautifulSoup(html, "html.parser")
    phrases = sorted({" ".join(p.split()) for p in english if len(p.split()) >= 2 or len(p) >= 8}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(p) for p in phrases)) if phrases else None
    if pattern is None:
        return []
    found = []
    for string in soup.find_all(string=True):
        parent = string.parent
        if not isinstance(string, NavigableString) or type(string) is not NavigableString or parent is None or parent.name in _SKIPPED:
            continue
        text = " ".join(string.split())
        match = pattern.search(text)
        if match and _language(parent) != default:
            found.append(f"<{parent.name}> '{match[0]}' is English, not marked lang=\"{default}\"")
    for tag in soup.find_all(True):
        for attribute in NAMING_ATTRIBUTES:
            value = " ".join(str(tag.get(attribute, "")).split())
            match = pattern.search(value) if value else None
            if match and _language(tag) != default:
                found.append(f"<{tag.name} {attribute}> '{match[0]}' is English inside a name in another language")
    return found


def _language(tag: Tag) -> str:
    for element in [tag, *tag.parents]:
        if isinstance(element, Tag) and element.get("lang"):
            return str(element["lang"]).split("-")[0]
    return ""


# --- text spacing, target size, 400 % zoom ----------------------------------------------------

# WCAG 1.4.12's values, forced on every element.
TEXT_SPACING_CSS = (
    "* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }"
    " p, li, dd, dt, h1, h2, h3, h4, figcaption, address { margin-bottom: 2em !important; }"
)

# Visible elements holding text that their own box (overflow hidden, clip or a fixed
# height) cuts off, and whether the page scrolls sideways.
CLIPPED_JS = """() => {
  const found = [], width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1)
    found.push("the page is " + document.documentElement.scrollWidth + " px wide in " + width + " px");
  for (const e of document.querySelectorAll("body *")) {
    if (!e.checkVisibility({visibilityProperty: true}) || !e.textContent.trim()) continue;
    const s = getComputedStyle(e);
    if (s.position === "fixed" && e.closest(".md-sidebar, .md-search")) continue;
    const clips = (v) => v === "hidden" || v === "clip";
    const tall = e.scrollHeight > e.clientHeight + 2 && clips(s.overflowY);
    const wide = e.scrollWidth > e.clientWidth + 2 && clips(s.overflowX);
    if ((tall || wide) && e.clientWidth > 2) {  // not a screen-reader-only text (1 px)
      const what = e.tagName.toLowerCase() + [...e.classList].slice(0, 2).map((c) => "." + c).join("");
      found.push(what + " cuts off its text ('" + e.textContent.trim().replace(/\\s+/g, " ").slice(0, 40) + "')");
    }
  }
  return found.slice(0, 10);
}"""

# Controls smaller than 24 × 24 CSS px that are neither inline in a line of text nor
# spaced so that a 24 px circle on each does not touch another control (WCAG 2.5.8).
TARGETS_JS = """() => {
  const controls = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, label[for]")]
    .filter((e) => e.checkVisibility({visibilityProperty: true, opacityProperty: true}))
    .map((e) => [e, e.getBoundingClientRect()]).filter(([, r]) => r.width > 0 && r.height > 0);
  const inline = (e) => {
    const block = e.parentElement && e.parentElement.closest("p, li, td, dd, dt, figcaption, address, span.pp-clinic__line");
    return getComputedStyle(e).display === "inline" && block && block.textContent.trim() !== e.textContent.trim();
  };
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const found = [];
  for (const [e, r] of controls) {
    if (r.width >= 24 && r.height >= 24 || inline(e)) continue;
    const [x, y] = centre(r);
    const crowded = controls.some(([o, q]) => o !== e && !o.contains(e) && !e.contains(o)
      && Math.hypot(Math.max(q.left - x, 0, x - q.right), Math.max(q.top - y, 0, y - q.bottom)) < 12);
    if (crowded) found.push(e.tagName.toLowerCase() + "[" + (e.getAttribute("href") || e.getAttribute("aria-label") || e.textContent.trim().slice(0, 30))
      + "] is " + Math.round(r.width) + " x " + Math.round(r.height) + " px");
  }
  return found.slice(0, 10);
}"""

# The share of the window's height that elements fixed on screen (sticky header,
# suggestion bar) take, here and after scrolling down.
FIXED_SHARE_JS = """() => {
  const cover = () => {
    let rows = new Set();
    for (const e of document.querySelectorAll("body *")) {
      const p = getComputedStyle(e).position;
      if ((p === "fixed" || p === "sticky") && e.checkVisibility({visibilityProperty: true, opacityProperty: true})) {
        const r = e.getBoundingClientRect();
        if (p === "sticky" && r.top > 1) continue;  // a sticky element not stuck: scrolls with the page
        for (let y = Math.max(0, Math.floor(r.top)); y < Math.min(innerHeight, r.bottom); y++) rows.add(y);
      }
    }
    return rows.size / innerHeight;
  };
  const shares = [];
  for (const y of [0, 0.5]) { window.scrollTo(0, y * (document.documentElement.scrollHeight - innerHeight)); shares.push(cover()); }
  return Math.max(...shares);
}"""
