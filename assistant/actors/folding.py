"""Folding: the matching form of a text, with a map back to the text as written."""

from __future__ import annotations

import re
from functools import lru_cache

from ..arabic import _SPLIT_IN_WORD, normalize

# Quotes are dropped from the matching form so that a name quoted in the middle
# ("ميليشيا “لواء القدس”", "لـ “الحرس الثوري” الإيراني") matches like an unquoted one.
_QUOTES = frozenset("\"'“”„‟«»‹›‘’‚`´")
_LATIN = re.compile("[A-Za-z]")


_FOLDED: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    """What ``ch`` folds to: its ``normalize`` form without quotes, any white space as one " "."""
    folded = _FOLDED.get(ch)
    if folded is None:
        if ch.isspace():
            folded = " "
        elif ch in _QUOTES:
            folded = ""
        else:
            folded = "".join(" " if c.isspace() else c for c in normalize(ch) if c not in _QUOTES)
        _FOLDED[ch] = folded
    return folded


@lru_cache(maxsize=256)
def _fold(text: str) -> tuple[str, list[int]]:
    """``normalize(text)`` with quotes dropped and spaces collapsed, plus a map back.

    ``positions[i]`` is the index in ``text`` of the character that produced the i-th
    folded character, so a match in the folded form maps to a verbatim span. Cached: an
    article is folded by mention finding, discovery and the rules; the result is read-only.
    Characters are normalised one at a time, which equals ``normalize`` on whole strings
    for everything but words split with ``ـ.ـ``: their dots are dropped here first.
    """
    dropped = set()
    for match in _SPLIT_IN_WORD.finditer(text):
        dropped.update(range(match.start(), match.end()))
    out: list[str] = []
    positions: list[int] = []
    space = True  # no space at the start, none twice
    for index, ch in enumerate(text):
        folded = _FOLDED.get(ch) or _fold_char(ch)
        if not folded or (dropped and index in dropped):
            continue
        if len(folded) == 1:
            if folded == " ":
                if space:
                    continue
                space = True
            else:
                space = False
            out.append(folded)
            positions.append(index)
            continue
        for c in folded:
            if c == " ":
                if space:
                    continue
                space = True
            else:
                space = False
            out.append(c)
            positions.append(index)
    return "".join(out), positions


def _alias_key(form: str) -> str:
    """The matching key of a name: its folded form (Latin also loses hyphens/apostrophes)."""
    folded = _fold(form)[0].strip()
    if _LATIN.search(form) and not re.search("[\u0621-\u064a]", form):
        folded = re.sub(r"[\s\-\u2010-\u2013'’ʼ‘`]+", "", folded)
    return folded

