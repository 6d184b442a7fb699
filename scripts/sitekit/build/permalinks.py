"""Section links: the ¶ link the toc extension puts inside every heading becomes a link
icon beside it, named in the language of the page's text ("Link to this section: Steps
of the trial procedure") instead of toc's one English `permalink_title`. Beside, not
inside: a screen reader names the heading by its own words only, not "Steps of the trial
procedure Link to this section: …". docs/assets/site.css draws the icon (a chain link,
not a pilcrow that reads as a typo) and keeps it visible: phones have no hover."""

from __future__ import annotations

import html
import re

from sitekit import model
from sitekit.build.state import Build, page_name

PERMALINK = re.compile(
    r'(?P<open><h(?P<level>[1-6]) id="(?P<id>[^"]+)"[^>]*>)(?P<text>.*?)'
    r'<a class="headerlink" href="#(?P=id)" title="[^"]*">(?P<mark>[^<]*)</a>(?P<close></h(?P=level)>)',
    re.S,
)
TAG = re.compile(r"<[^>]+>")


def on_page_content(build: Build, content, page, config, files):
    catalogue: model.Catalogue = build.catalogue
    name = page_name(page.file)
    language = catalogue.content_language(config.theme["language"], name)
    template = catalogue.strings(language)["section_link"]

    def labelled(match: re.Match) -> str:
        heading = " ".join(html.unescape(TAG.sub("", match["text"])).split())
        label = html.escape(template.format(section=heading), quote=True)
        return (
            f'<div class="pp-heading">{match["open"]}{match["text"]}{match["close"]}'
            f'<a class="headerlink" href="#{match["id"]}" title="{label}" aria-label="{label}"></a></div>'
        )

    return PERMALINK.sub(labelled, content)
