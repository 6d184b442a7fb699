"""The published-URL contract: every address of the site that staff may have shared.

``published-urls.txt`` (the repository's top folder) lists every page in every language
and every section of it (``/es/trial/#trial-steps``), one per line, relative to
``site_url``. Lines are only ever added: an address that stops resolving must be
covered by a redirect (the mkdocs-redirects plugin, ``redirect_maps`` in mkdocs.yml,
written once with the English file names; ``scripts/sitekit/build/redirects.py`` gives every
language the redirect).

The same checks run on two views of the site: ``from_sources`` (the Markdown and
mkdocs.yml: instant, used by ``scripts/urls.py``) and ``from_site`` (the built HTML,
used by the tests), so the script and the tests report the same problems with the same
words.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from sitekit import model
from sitekit.gate import Gate

CONTRACT = "published-urls.txt"
UPDATE_COMMAND = "python scripts/urls.py update"
REDIRECT_SCRIPT = "assets/redirect.js"  # what keeps the #section on a redirect page (no inline script: CSP)
HEADER = f"""\
# Every public address of the site: each page in every language and each section of it.
# One per line, relative to site_url in mkdocs.yml ("/es/trial/#trial-steps" is
# <site_url>es/trial/#trial-steps). Staff send these in text messages and e-mails and
# print them as QR codes, so each one must keep working.
#
# Never delete a line. After adding a page or a section, run
#   {UPDATE_COMMAND}
# and commit this file. When a page moves, add a redirect in mkdocs.yml (plugins:
# redirects: redirect_maps:), once, with the English file names, e.g.
# `trial.md: trial-phase.md`: every language gets it. Section ids ({{#trial-steps}}) never
# change. The tests fail while an address here does not resolve, and
# `python scripts/urls.py check` says which fix each one needs.
"""


class ContractError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# --- the contract file ------------------------------------------------------------------


def contract_path(root: Path = model.REPO) -> Path:
    return root / CONTRACT


def read_contract(path: Path) -> list[str]:
    """The listed addresses, in file order; ContractError names the line of a bad one."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContractError(1, "the file is not UTF-8 text") from None
    listed: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith("/") or " " in line:
            raise ContractError(number, f"'{line}' is not an address: each line is one address starting with '/' (the site's root)")
        listed.append(line)
    return list(dict.fromkeys(listed))


def sort_key(url: str, codes: list[str]) -> tuple[int, str, int, str]:
    path, _, fragment = url.partition("#")
    first = path.strip("/").split("/", 1)[0]
    rank = codes.index(first) if first in codes[1:] else 0
    return (rank, path, 1 if fragment else 0, fragment)


def write_contract(path: Path, urls: set[str] | list[str], codes: list[str]) -> None:
    body = "\n".join(sorted(set(urls), key=lambda url: sort_key(url, codes)))
    path.write_text(f"{HEADER}{body}\n", encoding="utf-8")


# --- redirects (mkdocs.yml: plugins: - redirects: redirect_maps:) ----------------------------


redirect_maps = model.redirect_maps


def redirect_problems(maps: dict[str, str], gate: Gate) -> list[model.Problem]:
    """Entries of redirect_maps that would not give every language a working redirect."""
    catalogue = gate.catalogue
    config_file = catalogue.root / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8") if config_file.exists() else ""
    codes = [lang.code for lang in catalogue.languages]
    problems = []

    def line_of(key: str) -> int:
        match = re.search(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:", text, re.M)
        return text[: match.start()].count("\n") + 1 if match else 1

    for old, new in maps.items():
        target, _, anchor = new.partition("#")
        first = old.split("/", 1)[0]
        add = lambda message, fix, old=old: problems.append(model.Problem(config_file, line_of(old), message, fix))  # noqa: E731
        if first in codes:
            add(
                f"redirect '{old}' names a language folder",
                f"write it once with the English file names, without '{first}/' (e.g. `{old.split('/', 1)[-1]}: {new.split('/', 1)[-1]}`): every language gets the redirect",
            )
        elif not old.endswith(".md"):
            add(f"redirect '{old}' is not a page file name", "write the old page's file name, e.g. `trial.md: trial-phase.md`")
        elif old in catalogue.pages:
            add(f"redirect '{old}': the page still exists", f"remove the redirect, or move docs/*/{old} to its new name")
        elif target.split("/", 1)[0] in codes:
            add(f"redirect '{old}' points at '{new}', inside a language folder", "name the English file, without the language folder")
        elif target not in catalogue.pages:
            add(f"redirect '{old}' points at '{new}', which is not a page", f"point it at one of {', '.join(catalogue.pages)}")
        elif anchor and anchor not in gate.ids(catalogue.default.code, target):
            add(
                f"redirect '{old}' points at '{new}', a section that does not exist",
                f"use one of its ids: {', '.join(sorted(gate.ids(catalogue.default.code, target)))}",
            )
    return problems


def expand_redirects(maps: dict[str, str], catalogue: model.Catalogue) -> dict[str, str]:
    """Every language's redirect, as site addresses: {'/es/trial/': '/es/trial-phase/'}."""
    expanded = {}
    for prefix in _prefixes(catalogue).values():
        for old, new in maps.items():
            target, hash_, anchor = new.partition("#")
            expanded[prefix + model.page_url(old)] = prefix + model.page_url(target) + hash_ + anchor
    return expanded


# --- what the site holds ------------------------------------------------------------------


@dataclass
class SiteView:
    """The addresses a site answers: pages with their section ids, and redirects."""

    pages: dict[str, set[str]] = field(default_factory=dict)  # '/es/trial/' -> {'trial-phase', 'trial-steps', ...}
    redirects: dict[str, str] = field(default_factory=dict)  # '/es/trial/' -> '/es/trial-phase/' (may carry '#section')
    hashless: set[str] = field(default_factory=set)  # redirect pages that drop the visitor's #section

    def urls(self) -> set[str]:
        return set(self.pages) | {f"{page}#{id_}" for page, ids in self.pages.items() for id_ in ids}


def _prefixes(catalogue: model.Catalogue) -> dict[str, str]:
    """Each language's folder as an address: {'en': '/', 'es': '/es/', ...}."""
    return {lang.code: "/" + catalogue.language_url(lang.code) for lang in catalogue.languages}


def from_sources(gate: Gate) -> SiteView:
    """The site as the Markdown and mkdocs.yml describe it, without building it. A
    translation's section ids count only where the English page has them too: the gate
    refuses any other, so they are never recorded as published."""
    view, catalogue = SiteView(), gate.catalogue
    for code, prefix in _prefixes(catalogue).items():
        for name in catalogue.pages:
            view.pages[prefix + model.page_url(name)] = gate.published_ids(code, name)
    maps = redirect_maps(model.load_mkdocs_config(catalogue.root))
    view.redirects = {old: new for old, new in expand_redirects(maps, catalogue).items() if old not in view.pages}
    return view


def from_site(site: Path) -> SiteView:
    """The site as built: every HTML page (404 pages aside), its headings' ids, and the redirect pages."""
    from bs4 import BeautifulSoup  # only the tests read the built site: the script starts quicker without it

    view = SiteView()
    for path in sorted(site.rglob("*.html")):
        if path.name == "404.html":
            continue
        rel = path.relative_to(site).as_posix()
        url = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        refresh = soup.find("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)})
        if refresh is not None:
            target = re.sub(r"^\s*\d+\s*;\s*url\s*=\s*", "", str(refresh.get("content", "")), flags=re.I).strip("'\" ")
            view.redirects[url] = urljoin(url, target)
            if not keeps_hash(soup):
                view.hashless.add(url)
            continue
        article = soup.find("article") or soup
        view.pages[url] = {str(tag["id"]) for tag in article.find_all(["h1", "h2", "h3", "h4", "h5", "h6"], id=True)}
    return view


def keeps_hash(soup: Any) -> bool:
    """A redirect page carries the visitor's #section forward (only a script can: a meta refresh drops it)."""
    for script in soup.find_all("script"):
        if str(script.get("src", "")).endswith(REDIRECT_SCRIPT) or "location.hash" in script.get_text():
            return True
    return False


# --- the checks ---------------------------------------------------------------------------


def unlisted(listed: list[str], view: SiteView, catalogue: model.Catalogue) -> list[str]:
    """Addresses of the site missing from the list, in the list's order (language, page, section).

    Only languages offered to readers count: a language still being translated is built
    but not announced, so nobody shares its addresses yet.
    """
    codes = [lang.code for lang in catalogue.languages]
    offered = {code for code in codes if catalogue.published(code)}
    missing = [url for url in view.urls() - set(listed) if page_of(url.partition("#")[0], codes)[0] in offered]
    return sorted(missing, key=lambda url: sort_key(url, codes))


def unlisted_message(missing: list[str]) -> str:
    shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
    return f"{len(missing)} addresses of the site are not in {CONTRACT}: {shown} — run `{UPDATE_COMMAND}` and commit {CONTRACT}"


def broken(listed: list[str], view: SiteView, catalogue: model.Catalogue) -> list[str]:
    """Listed addresses that no longer lead to their page and section, grouped by the fix each needs."""
    codes = [lang.code for lang in catalogue.languages]
    gone: dict[str, list[str]] = defaultdict(list)  # old page name -> its listed addresses
    lost: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)  # (page, id) -> [(address, language)]
    other: list[str] = []
    for url in listed:
        path, _, fragment = url.partition("#")
        final, target_fragment, kept, dangling = _resolve(path, view)
        if dangling is not None:
            other.append(
                f"{url}: the redirect '{dangling}' → '{view.redirects[dangling]}' leads to no page — point it (redirect_maps in mkdocs.yml) at an existing page"
            )
            continue
        if final is None:
            gone[page_of(path, codes)[1]].append(url)
            continue
        wanted = fragment or target_fragment
        if not wanted:
            continue
        if fragment and not kept:
            other.append(f"{url}: the redirect page drops the #section — redirect pages must load {REDIRECT_SCRIPT}")
        elif wanted not in view.pages[final]:
            lang, name = page_of(final, codes)
            if lang != codes[0] and f"/{model.page_url(name)}#{wanted}" not in listed:
                other.append(
                    f"{url}: '#{wanted}' was never a section of the English page: it was recorded from a mistranslated heading id, "
                    f"which the publishing gate refuses — delete this line from {CONTRACT} (the address still opens the page)"
                )
            else:
                lost[(name, wanted)].append((url, lang))
    problems = [_gone_message(name, urls, listed, view, codes) for name, urls in gone.items()]
    for (name, id_), found in lost.items():
        files = list(
            dict.fromkeys(_source_file(catalogue, lang, name) for lang in codes if lang in {found_lang for _, found_lang in found})
        )
        problems.append(
            f"#{id_}: the section is gone from {_sample([url for url, _ in found])} — put its id back on the heading: "
            f"'## … {{#{id_}}}' in {', '.join(files)} (a published section id never changes)"
        )
    return problems + other


def _resolve(path: str, view: SiteView) -> tuple[str | None, str, bool, str | None]:
    """(page reached, the redirect's own #section, whether the visitor's #section survives, a redirect leading nowhere)."""
    fragment, kept, seen = "", True, set()
    while path not in view.pages:
        if path not in view.redirects or path in seen:
            return None, "", kept, None
        seen.add(path)
        kept = kept and path not in view.hashless
        target, _, anchor = view.redirects[path].partition("#")
        fragment = anchor or fragment
        if target not in view.pages and target not in view.redirects:
            return None, "", kept, path
        path = target
    return path, fragment, kept, None


def page_of(path: str, codes: list[str]) -> tuple[str, str]:
    """(language, page file name) of a page address: '/es/trial/' -> ('es', 'trial.md')."""
    parts = path.strip("/").split("/")
    lang = parts[0] if parts[0] in codes[1:] else codes[0]
    rest = "/".join(parts[1:] if lang != codes[0] else parts)
    return lang, f"{rest}.md" if rest else "index.md"


def _source_file(catalogue: model.Catalogue, lang: str, name: str) -> str:
    return posixpath.join("docs", catalogue.content_language(lang, name), name)


def _sample(urls: list[str]) -> str:
    return ", ".join(urls[:4]) + (f" and {len(urls) - 4} more" if len(urls) > 4 else "")


def _gone_message(name: str, urls: list[str], listed: list[str], view: SiteView, codes: list[str]) -> str:
    return (
        f"{name}: {len(urls)} published addresses no longer resolve ({_sample(urls)}) — if the page moved, add the redirect "
        f"`{name}: {_new_home(name, listed, view, codes)}` in mkdocs.yml under `plugins: - redirects: redirect_maps:` "
        "(English file names, written once: every language gets it); a published page never just disappears"
    )


def _new_home(name: str, listed: list[str], view: SiteView, codes: list[str]) -> str:
    """The page that most likely took over a gone page: a new page holding its section ids."""
    old_ids = {
        url.partition("#")[2] for url in listed if url.partition("#")[2] and page_of(url.partition("#")[0], codes) == (codes[0], name)
    }
    candidates = [
        (len(ids & old_ids), page_of(page, codes)[1])
        for page, ids in view.pages.items()
        if page not in listed and page_of(page, codes)[0] == codes[0]
    ]
    best = max(candidates, default=(0, ""))
    if best[0] or len(candidates) == 1:
        return best[1]
    return "NEW-PAGE.md"
