"""The clinic's details (`extra.clinic` in mkdocs.yml), as readers of each language get them.

Some details are the same in every language: the clinic's name, phone numbers, postal
address and logo. Others are words a reader reads (`WORDS`: the opening hours and the
clinic's own text on urgent help): each takes one value per language,

    hours:
      en: "Monday to Friday, 8 am to 5 pm"
      es: "De lunes a viernes, de 8:00 a 17:00"

and a language without its own value gets the English one, marked as English (`lang`).
A single value (`hours: "…"`) is the English one. The build's step (scripts/sitekit/build/clinic.py)
refuses a malformed entry, and a production build any value still holding a placeholder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sitekit import model

WORDS = ("hours", "urgent")  # read as words: one value per language
# Shown as they are in every language; written left to right whatever the page's direction
# (an Arabic page would otherwise show "+1 (555) 010-0123" as "0123-010 (555) 1+").
LEFT_TO_RIGHT = ("phone", "urgent_phone")
FIELDS = ("name", "phone", "address", *WORDS, "urgent_phone", "logo")


@dataclass(frozen=True)
class Value:
    """One detail as a reader of `reader` gets it: its text and the language it is in."""

    text: str
    lang: str
    reader: str

    @property
    def placeholder(self) -> bool:
        return model.is_placeholder(self.text)

    @property
    def foreign(self) -> bool:
        """Written in another language than the reader's (an English fallback)."""
        return self.lang != self.reader


def for_reader(clinic: dict[str, Any], reader: str, default: str) -> dict[str, Value]:
    """Every detail the clinic filled in, for a reader of language `reader`: the details
    that are words in the reader's language, or else in the default language (English)."""
    values = {}
    for key, raw in clinic.items():
        if raw in (None, "", {}):
            continue
        if key in WORDS:
            own = raw if isinstance(raw, dict) else {default: raw}
            lang = reader if own.get(reader) not in (None, "") else default
            if own.get(lang) in (None, ""):
                continue
            values[key] = Value(str(own[lang]), lang, reader)
        else:
            values[key] = Value(str(raw), reader, reader)  # a name, a number, an address: not translated
    return values


def problems(clinic: Any, languages: list[str]) -> list[str]:
    """What is malformed in `extra.clinic`: `path: problem — fix`, one line each."""
    if not isinstance(clinic, dict):
        return ["extra.clinic: is not a list of details — write 'name:', 'phone:', … under 'clinic:' (see the comments in mkdocs.yml)"]
    found = []
    for key, raw in clinic.items():
        where = f"extra.clinic.{key}"
        if key not in FIELDS:
            found.append(f"{where}: is not a clinic detail the site shows — use one of {', '.join(FIELDS)}")
        elif isinstance(raw, dict):
            if key not in WORDS:
                found.append(f"{where}: has one value per language, but it is the same in every language — write one value")
                continue
            for lang, value in raw.items():
                if lang not in languages:
                    found.append(f"{where}.{lang}: '{lang}' is not a language of the site — use one of {', '.join(languages)}")
                elif not isinstance(value, str):
                    found.append(f"{where}.{lang}: is not text — write the {key} as one line of text")
            if languages and languages[0] not in raw:
                found.append(
                    f"{where}: has no English value ({languages[0]}) — add '{languages[0]}: …', the text other languages fall back to"
                )
        elif raw is not None and not isinstance(raw, str):
            found.append(f"{where}: is not text — write it as one line of text, in quotes")
    return found


# Words a published language must have in its own language before a production build
# publishes it: a patient must never get the clinic's urgent-help instructions in English.
OWN_LANGUAGE_REQUIRED = ("urgent",)


def english_only(clinic: dict[str, Any], published: dict[str, str], default: str) -> list[str]:
    """For each published language (code -> name) whose urgent-help text exists only in English:
    `path: problem — fix`. Languages not yet published keep the English fallback."""
    found = []
    for key in OWN_LANGUAGE_REQUIRED:
        raw = clinic.get(key)
        if raw in (None, "", {}):
            continue
        own = raw if isinstance(raw, dict) else {default: raw}
        for code, name in published.items():
            if code != default and own.get(code) in (None, ""):
                found.append(
                    f"extra.clinic.{key}.{code}: {name} ({code}) is published, but the clinic's urgent-help text "
                    f"(extra.clinic.{key}) exists only in English — add '{code}: \"…\"' under '{key}:' in mkdocs.yml "
                    "(the clinic's own words, translated and checked by a qualified medical translator; see TRANSLATING.md)"
                )
    return found


def placeholders(clinic: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, value) of every value still holding a placeholder, nested ones included."""
    found = []
    for key, raw in clinic.items():
        for lang, value in raw.items() if isinstance(raw, dict) else [("", raw)]:
            if model.PLACEHOLDER_PREFIX in str(value):
                found.append((f"extra.clinic.{key}" + (f".{lang}" if lang else ""), str(value)))
    return found


# Real-looking details for reviewers' screenshots and the browser tests (never published:
# 555-01xx numbers are reserved for fiction). Opening hours in English and Spanish only, so
# the other languages show the English fallback; the urgent-help text is a stand-in, not advice.
EXAMPLE: dict[str, Any] = {
    "name": "Springfield Pain Clinic",
    "phone": "+1 (555) 010-0123",
    "address": "12 Main St., Springfield, IL 62701",
    "hours": {"en": "Monday to Friday, 8:00 to 17:00", "es": "De lunes a viernes, de 8:00 a 17:00"},
    "urgent": {"en": "EXAMPLE: the clinic's own words on when to call, out of hours and in an emergency."},
    "urgent_phone": "+1 (555) 010-0199",
    "logo": "assets/favicon.svg",
}
_CLINIC_BLOCK = re.compile(r"^  clinic:\n(?:(?:    .*|\s*#.*)?\n)*", re.M)


def with_example(mkdocs_yml: str, clinic: dict[str, Any] | None = None) -> str:
    """mkdocs.yml's text with `extra.clinic` replaced by `clinic` (default: EXAMPLE); the
    rest of the file, its tags and comments, kept as they are."""
    values = clinic or EXAMPLE
    lines = ["  clinic:"]
    for key, value in values.items():
        if isinstance(value, dict):
            lines.append(f"    {key}:")
            lines.extend(f"      {lang}: {json.dumps(text, ensure_ascii=False)}" for lang, text in value.items())
        else:
            lines.append(f"    {key}: {json.dumps(value, ensure_ascii=False)}")
    replaced, count = _CLINIC_BLOCK.subn("\n".join(lines) + "\n", mkdocs_yml, count=1)
    if count != 1:
        raise ValueError("mkdocs.yml has no 'clinic:' block under 'extra:'")
    return replaced
