"""Folding: the matching form of a text, with a map back to the text as written."""

from __future__ import annotations

import re
from functools import lru_cache

from ..arabic import _SPLIT_IN_WORD, normalize

# Quotes are dropped from the matching form so that a name quoted in the middle
# ("ميليشيا “لواء القدس”", "لـ “الحرس الثوري” الإيراني") matches like an unquoted one.
_QUOTES = frozenset("\"'“”„‟«»‹›‘’‚`´")
_LATIN = re.compile("[A-Za-z]")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return normalize(ch)


def _fold(text: str) -> tuple[str, list[int]]:
    """``normalize(text)`` with quotes dropped and spaces collapsed, plus a map back.

    ``positions[i]`` is the index in ``text`` of the character that produced the i-th
    folded character, so a match in the folded form maps to a verbatim span.
    Characters are normalised one at a time, which equals ``normalize`` on whole strings
    for everything but words split with ``ـ.ـ``: their dots are dropped here first.
    """
    dropped = set()
    for match in _SPLIT_IN_WORD.finditer(text):
        dropped.update(range(match.start(), match.end()))
    out: list[str] = []
    positions: list[int] = []
    for index, ch in enumerate(text):
        if index in dropped or ch in _QUOTES:
            continue
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                positions.append(index)
            continue
        for folded in _fold_char(ch):
            if folded in _QUOTES:
                continue
            if folded.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
                    positions.append(index)
                continue
            out.append(folded)
            positions.append(index)
    return "".join(out), positions


def _alias_key(form: str) -> str:
    """The matching key of a name: its folded form (Latin also loses hyphens/apostrophes)."""
    folded = _fold(form)[0].strip()
    if _LATIN.search(form) and not re.search("[\u0621-\u064a]", form):
        folded = re.sub(r"[\s\-\u2010-\u2013'’ʼ‘`]+", "", folded)
    return folded

