"""Readability figures for translators (shown by `docs.py status`, never a failure)."""

from __future__ import annotations

import re

import textstat

# language -> (formula shown to translators, textstat function name). Arabic's OSMAN is
# left out: textstat counts syllables with pyphen, which has no Arabic dictionary.
FORMULAS = {
    "en": ("Flesch-Kincaid grade", "flesch_kincaid_grade"),
    "es": ("Fernández-Huerta", "fernandez_huerta"),
}


def formula(lang: str) -> str | None:
    return FORMULAS[lang][0] if lang in FORMULAS else None


def plain_text(body: str) -> str:
    text = re.sub(r"\{#[^}]*\}|\{\{[^}]*\}\}|^\*\[.*$", " ", body, flags=re.M)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*(?:#+|[-*+]|\d+\.)\s*", "", text, flags=re.M)
    text = re.sub(r"[*_`]", "", text)
    # A list item or heading without a full stop is still a sentence of its own.
    return "\n".join(line if re.search(r"[.!?。！？:]\s*$", line) or not line.strip() else line + "." for line in text.split("\n"))


def score(lang: str, body: str) -> float | None:
    if lang not in FORMULAS:
        return None
    textstat.set_lang(lang)
    return float(getattr(textstat, FORMULAS[lang][1])(plain_text(body)))
