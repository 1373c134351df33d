"""Cleaning: the text that citations point into.

Drops the repeated title line and site boilerplate, repairs words split with ``ـ.ـ``
and turns hashtags into words. Everything else of the display text is kept as written.
"""

from __future__ import annotations

import dataclasses
import re

from .arabic import normalize, repair_split_words
from .corpus import Article

# Lines that are site furniture, not article text (matched on the normalised line).
_BOILERPLATE = [
    normalize(p)
    for p in (
        "التعليقات",
        "الأكثر قراءة",
        "أهم المواضيع",
        "أهم التصنيفات",
        "مقالات ذات صلة",
        "اترك تعليقاً",
        "اترك تعليقا",
        "اترك رداً",
        "زر الذهاب إلى الأعلى",
        "لن يتم نشر عنوان بريدك الإلكتروني",
        "هل أعجبك المحتوى",
        "انضم إلى قائمة من يقدّرون",
        "اشترك في النشرة",
        "اشترك بنشرتنا",
        "شارك هذا المقال",
        "أضف تعليق",
    )
]
# A line with no letters at all (a "0" counter, an emoji, a bullet) left by a widget.
_NO_LETTERS = re.compile(r"^[\W\d_]*$")
_HASHTAG = re.compile(r"#(\w+)")
_STRAY_UNDERSCORE = re.compile(r"(?<=\s)_(?=\w)")


def _is_boilerplate(line: str) -> bool:
    norm = normalize(line).strip(" \t:.-–—•*✨💡")
    if not norm:
        return False
    return any(norm.startswith(marker) for marker in _BOILERPLATE) and len(norm) < 160


def _drop_title_lines(lines: list[str], title: str) -> list[str]:
    target = normalize(title).strip()
    start = 0
    while start < len(lines) and (not lines[start].strip() or normalize(lines[start]).strip() == target):
        start += 1
    return lines[start:]


def _drop_boilerplate(lines: list[str]) -> list[str]:
    kept = [line for line in lines if not _is_boilerplate(line)]
    # Widget debris (counters, icons) trails the boilerplate at the end of a page.
    while kept and _NO_LETTERS.match(kept[-1]):
        kept.pop()
    return kept


def clean_text(text: str, title: str = "") -> str:
    """Clean an article body (see module docstring)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if title:
        lines = _drop_title_lines(lines, title)
    lines = _drop_boilerplate(lines)
    body = "\n".join(lines).strip()
    body = repair_split_words(body)
    body = _HASHTAG.sub(lambda m: m.group(1).replace("_", " "), body)
    return _STRAY_UNDERSCORE.sub("", body)


def clean_article(article: Article) -> Article:
    """The article with its text cleaned and its title repaired the same way."""
    title = repair_split_words(article.title.strip())
    return dataclasses.replace(article, title=title, text=clean_text(article.text, article.title))
