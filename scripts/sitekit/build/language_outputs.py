"""Files each language gets of its own, written once mkdocs-static-i18n has built every
language: a 404 page in the language's folder (the root one stays in the default
language), a search index with that language's pages only (and its synonyms,
l10n/<lang>/synonyms.yml), and sitemaps (the site's and
one per language folder) that list each page with its real translations."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitekit import jinja_cache, model, project, search
from sitekit.build import logger
from sitekit.build.state import Build, page_name
from sitekit.site_files import SiteFiles

log = logger(__name__)


def on_config(build: Build, config):
    """Material's search splits Chinese into words with jieba, which keeps its dictionary's
    cache (loaded with `marshal`) in the shared temporary folder, where anyone on the machine
    could plant one: the build keeps it in the project's own cache folder. The words it finds
    are kept there too (ChineseWords): a build whose Chinese text has not changed does not
    load the dictionary."""
    import jieba  # Material's search imports it for Chinese too

    jieba.dt.tmp_dir = str(project.cache_dir("jieba"))
    if build.nested(config):
        return config  # one set of words for every language's build
    search = config.plugins.get("material/search")
    dictionaries = [getattr(search, "config", {}).get(key) for key in ("jieba_dict", "jieba_dict_user")] if search else []
    build.chinese_words = ChineseWords.for_jieba(jieba, [Path(path) for path in dictionaries if path])
    return config


class ChineseWords:
    """jieba's words for each run of Chinese text that Material's search index splits (it
    calls `jieba.cut`), kept in the project's cache folder from one build to the next, in a
    file named by what decides the words (jieba's version and dictionaries). Loading jieba's
    dictionary costs about 0.7 s of CPU, a quarter of a build. Each entry carries the day it
    was last used; entries unused for KEEP_DAYS are dropped (the file is shared by every
    project on the machine: the tests build many)."""

    KEEP_DAYS = 30

    def __init__(self, path: Path, cut: Callable[..., Iterator[str]]) -> None:
        self.path, self._cut = path, cut
        try:
            known = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        self.known: dict[str, list[Any]] = known if isinstance(known, dict) else {}  # text: [day last used, words]
        self.today = dt.date.today().toordinal()
        self.changed = False

    @classmethod
    def for_jieba(cls, jieba: Any, dictionaries: list[Path]) -> ChineseWords:
        """Made `jieba.cut` (jieba's own tokenizer underneath, however often a process builds)."""
        key = hashlib.sha256(str(jieba.__version__).encode())
        for path in dictionaries:
            key.update(path.read_bytes() if path.is_file() else str(path).encode())
        words = cls(project.cache_dir("jieba") / f"words-{key.hexdigest()[:16]}.json", jieba.dt.cut)
        jieba.cut = words.cut
        return words

    def cut(self, sentence: str | bytes, cut_all: bool = False, HMM: bool = True, use_paddle: bool = False) -> Iterator[str]:
        if cut_all or not HMM or use_paddle:
            return self._cut(sentence, cut_all, HMM, use_paddle)
        text = sentence.decode("utf-8") if isinstance(sentence, bytes) else sentence
        entry = self.known.get(text)
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list)):
            entry = self.known[text] = [self.today, list(self._cut(text))]
            self.changed = True
        elif entry[0] != self.today:
            entry[0], self.changed = self.today, True
        return iter(entry[1])

    def save(self) -> None:
        """Write the entries back when this build added one or used one first today."""
        if not self.changed:
            return
        kept = {text: entry for text, entry in self.known.items() if isinstance(entry, list) and entry[0] >= self.today - self.KEEP_DAYS}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
        temporary.replace(self.path)


def on_template_context(build: Build, context, template_name, config):
    catalogue: model.Catalogue = build.catalogue
    if template_name == "404.html":
        # Served at any address, so every link is from the site's root: home, and the
        # language menu's entries (each offered language's home page).
        root_path = urlsplit(config.site_url or "/").path
        language = config.theme["language"]
        context["pp_language_root"] = root_path + catalogue.language_url(language)
        homes = [
            {"code": lang.code, "name": lang.name, "url": root_path + catalogue.language_url(lang.code), "current": lang.code == language}
            for lang in catalogue.languages
            if catalogue.published(lang.code) or lang.code == language
        ]
        context["pp_switcher"] = homes
        context["pp_english_links"] = [
            posixpath.join(context.get("base_url") or "/", page.url)
            for page in (context["nav"].pages if context.get("nav") else [])
            if catalogue.state(language, page_name(page.file)) in model.SHOWN_IN_ENGLISH
        ]
        config.extra.alternate = [{"name": home["name"], "lang": home["code"], "link": home["url"]} for home in homes]
    if template_name == "sitemap.xml":
        # This language's pages only: on_post_build writes every sitemap once all are built.
        context["pp_sitemap"] = _sitemap_entries(catalogue, config.site_url or "/", config.theme["language"])
    return context


def on_post_template(build: Build, output, template_name, config):
    """Write a non-default language's 404 page into its folder, not over the root one."""
    catalogue: model.Catalogue = build.catalogue
    language = config.theme["language"]
    if template_name != "404.html":
        return output
    output = model.with_direction(output, catalogue.language(language))
    if language == catalogue.default.code:
        return output
    target = Path(config.site_dir) / language / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    return ""  # MkDocs skips writing an empty template: the root 404.html stays English


def on_post_build(build: Build, config):
    if build.nested(config):
        return  # wait for the last language's build
    catalogue: model.Catalogue = build.catalogue
    _write_search_indexes(build.site, catalogue, config)
    _write_sitemaps(build.site, catalogue, config)
    if build.chinese_words is not None:
        build.chinese_words.save()


def _write_search_indexes(site: SiteFiles, catalogue: model.Catalogue, config) -> None:
    combined = json.loads(site.read_text("search/search_index.json"))
    others = tuple(catalogue.language_url(lang.code) for lang in catalogue.languages[1:])
    translate = _translator(config)
    for lang in catalogue.languages:
        prefix = catalogue.language_url(lang.code)
        shown = {model.page_url(name) for name in catalogue.pages if catalogue.state(lang.code, name) not in model.SHOWN_IN_ENGLISH}
        docs = []
        for doc in combined["docs"]:
            location = doc["location"]
            if (prefix and not location.startswith(prefix)) or (not prefix and location.startswith(others)):
                continue
            local = location[len(prefix) :]
            if local.split("#", 1)[0] in shown:
                docs.append({**doc, "location": local})
        text = " ".join(f"{doc.get('title', '')} {doc.get('text', '')}" for doc in docs).replace("\u200b", "")
        extra, problems = search.index_config(lang.code, catalogue.root, text, search.guide_order(config["nav"], catalogue.pages))
        for problem in problems:  # a malformed entry fails the strict build, a synonym no page uses is reported
            (log.warning if problem.severity == "error" else log.info)(problem.format(catalogue.root))
        index = {
            "config": {**combined["config"], **_search_config(translate, lang.code), **extra, "pp_lang": lang.code},
            "docs": docs,
        }
        site.write_text(f"{prefix}search/search_index.json", json.dumps(index, ensure_ascii=False, separators=(",", ":")))


def _translator(config):
    """Material's `t(key)` for a language: its partials/language.html, compiled once."""
    template = jinja_cache.theme_env(config).get_template("partials/language.html")

    def translate(language: str):
        saved = config.theme["language"]
        config.theme["language"] = language
        try:
            return vars(template.make_module({"config": config}))["t"]  # the macro the module exports
        finally:
            config.theme["language"] = saved

    return translate


def _search_config(translate, language: str) -> dict:
    """Material's own search settings for the language (lunr language, separator, pipeline)."""
    t = translate(language)
    pipeline = [step for step in t("search.config.pipeline").replace(" ", "").split(",") if step]
    return {"lang": [t("search.config.lang")], "separator": t("search.config.separator"), "pipeline": pipeline}


def _sitemap_entries(catalogue: model.Catalogue, site_url: str, language: str | None = None) -> list[dict]:
    """One entry per readable page and language (or only `language`), each listing the page's real translations."""
    entries: list[dict] = []
    for name in catalogue.pages:
        readable = catalogue.readable(name)
        if language is not None and language not in {lang.code for lang in readable}:
            continue
        alternates = [(lang.code, site_url + catalogue.url(lang.code, name)) for lang in readable]
        x_default = site_url + model.page_url(name)
        entries.extend(
            {"lang": code, "loc": loc, "alternates": alternates, "x_default": x_default}
            for code, loc in alternates
            if language in (None, code)
        )
    return entries


def _write_sitemaps(site: SiteFiles, catalogue: model.Catalogue, config) -> None:
    """The site's sitemap (every page in every language, named by robots.txt) and one per
    language folder (its pages). None beside each page: the theme's language switcher would
    fetch one there, but assets/site.js follows the switcher's links itself and
    assets/search-on-demand.js stops those fetches (at 30 languages × 50 pages they made
    4.8 MB)."""
    template = jinja_cache.theme_env(config).get_template("sitemap.xml")
    entries = _sitemap_entries(catalogue, config.site_url or "/")
    for lang in catalogue.languages[1:]:
        mine = [entry for entry in entries if entry["lang"] == lang.code]
        site.write_text(f"{lang.code}/sitemap.xml", template.render(pp_sitemap=mine))
    full = template.render(pp_sitemap=entries)
    site.write_text("sitemap.xml", full)
    site.write_bytes("sitemap.xml.gz", gzip.compress(full.encode("utf-8"), mtime=0))
