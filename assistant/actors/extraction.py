"""Extraction: the relations an article states, each with verbatim evidence.

Per sentence (``chunking.sentence_spans``, the splitter chunking and answers use too), the
catalogue's mentions and the discovered actors' mentions become slots of a template, and
every rule of ``rules.RULES`` reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..chunking import sentence_spans
from ..corpus import Article
from .catalogue import Catalogue, catalogue
from .discovery import named_in
from .mentions import references, widen
from .model import Actor, ActorType, Mention, Relation
from .rules import _GIVING_UP, _NEGATED, _NOT_STATED, RULES, _clauses, _Sentence, _template

_MONTH = (
    "كانون الثاني|كانون الأول|كانون الاول|شباط|[أاإآ]ذار|نيسان|[أا]يار|حزيران|تموز|آب|[أا]يلول|"
    "تشرين الأول|تشرين الاول|تشرين الثاني|يناير|فبراير|مارس|[أاإ]بريل|مايو|يونيو|يونيه|يوليو|يوليه|"
    "[أا]غسطس|سبتمبر|[أا]كتوبر|نوفمبر|ديسمبر"
)
_WHEN = "منتصف|مطلع|أواخر|اواخر|أوائل|اوائل|بداية|نهاية|أول|اول|آخر|اخر"
_RELATIVE = "الفائت|الماضي|الحالي|المقبل|القادم|المنصرم"
_DATE = re.compile(
    rf"(?<!\w)(?:(?:{_WHEN})\s+(?:شهر\s+)?)?(?:(?P<day>\d{{1,2}})\s+(?:من\s+)?)?(?:شهر\s+)?"
    rf"(?P<month>{_MONTH})(?P<pair>\s*/\s*(?:{_MONTH}))?"
    rf"(?P<tail>\s+(?:\d{{4}}|{_RELATIVE}))?(?!\w)"
    rf"|(?<!\w)(?:(?:{_WHEN})\s+)?(?:عام|العام|سنة)\s+\d{{4}}"
    rf"|(?<!\d)(?:19|20)\d{{2}}(?!\d)"
)


def _date_phrase(text: str) -> str:
    """The first date phrase in ``text`` ("فبراير/شباط الفائت", "منتصف عام 2013", "2021").

    A bare month name needs a day, a year, a second spelling or a relative word beside it,
    because "مارس" is also a verb.
    """
    for match in _DATE.finditer(text):
        if match.group("month") and not (match.group("day") or match.group("pair") or match.group("tail")):
            if not match.group().startswith((*_WHEN.split("|"), "شهر")):
                continue
        return match.group().strip()
    return ""


def _evidence(s: _Sentence, anchors: Iterable[int]) -> tuple[int, int]:
    """The clauses of the sentence that cover every anchor, as a span of article.text."""
    text = s.article.text
    anchors = tuple(anchors)
    low, high = s.pos(min(anchors)), s.pos(max(anchors) - 1)
    clauses = _clauses(text, s.start, s.end)
    start = next(b for b, e in clauses if low < e or (b, e) == clauses[-1])
    end = next(e for b, e in clauses if high < e or (b, e) == clauses[-1])
    start = max(start, s.start)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _negated(s: _Sentence, anchors: tuple[int, int]) -> bool:
    """True when the clause words right before the statement deny, fear or only intend it, or a
    negation or an intention stands inside it ("أولوية X لم تكن قتال Y"، "نيتهما طرد Y")."""
    begin, _ = s.clause_bounds(anchors[0])
    if _NEGATED.search(s.template[begin:anchors[0]]):
        return True
    inside = _NOT_STATED.search(s.template, *anchors)
    # "لم تتخلَّ عن دعم X"، "لم تبدِ نيةً للنأي بنفسها عن دعم X": not giving it up, so it holds.
    return bool(inside) and not _GIVING_UP.search(s.template, inside.end(), anchors[1])


def _resolve(s: _Sentence, who: int | str, cat: Catalogue) -> str:
    return cat.resolve(s.mentions[who].actor_id if isinstance(who, int) else who)


def _name(s: _Sentence, who: int | str) -> str:
    """The name as the evidence writes it, quotes dropped; "" for a side outside the sentence.

    A name after ل + ال is written from the لل ("للجيش الحر"), as the annotation guidelines
    write a proclitic that cannot be split off."""
    if not isinstance(who, int):
        return ""
    m = s.mentions[who]
    if m.refers_to:
        return _QUOTED.sub("", m.refers_to).strip()
    text = s.article.text
    start = m.start - 1 if m.start and text[m.start - 1] == "ل" and text.startswith("ل", m.start) \
        and not text.startswith("لل", m.start) else m.start
    # A leading "ميليشيا" is no part of the name ("ميليشيات حزب الله" names حزب الله).
    return _MILITIA_WORD.sub("", _QUOTED.sub("", text[start:m.end]).strip(), count=1).strip()


_MILITIA_WORD = re.compile(r"^(?:[وف]?[بلك]?ال)?مي?لي?شي?ات?\s+(?=\S)|^(?:[وف]?[بلك]?ال)?مي?لي?شي?ا\s+(?=\S)")
_QUOTED = re.compile("[\"'“”„‟«»‹›‘’‚`´]")


def article_mentions(article: Article, cat: Catalogue | None = None) -> tuple[list[Mention], dict[str, Actor]]:
    """Every actor named in ``article``: the catalogue's, then discovered ones where no
    catalogue name covers the text; and the discovered actors by id."""
    cat = cat or catalogue()
    listed, found, actors = named_in(article.text, cat)
    mentions = list(listed)
    covered = bytearray(len(article.text))
    for m in found:
        covered[m.start:m.end] = b"\x01" * (m.end - m.start)
    mentions = [m for m in mentions if not any(covered[m.start:m.end])]
    named = widen(article.text, mentions + list(found))
    return sorted(named + references(article.text, named), key=lambda m: m.start), actors


def extract_relations(article: Article, cat: Catalogue | None = None) -> list[Relation]:
    """Relations stated in a cleaned article, each with its verbatim evidence.

    ``article`` must be cleaned (``cleaning.clean_article``): offsets point into its
    ``text``. Every relation satisfies ``article.text[r.start:r.end] == r.evidence``.
    A relation stated twice in one sentence is returned once; stated in two sentences,
    twice (each sentence is evidence).
    """
    text = article.text
    cat = cat or catalogue()
    mentions, discovered = article_mentions(article, cat)

    def lookup(actor_id: str) -> Actor:
        return discovered.get(actor_id) or cat.get(actor_id)

    relations: list[Relation] = []
    seen: set[tuple] = set()
    for start, end in sentence_spans(text):
        inside = [m for m in mentions if start <= m.start and m.end <= end]
        before = [m for m in mentions if m.end <= start and lookup(m.actor_id).type == ActorType.ARMED_GROUP]
        sentence = _template(article, start, end, inside, before, lookup)
        date = _date_phrase(text[start:end]) or article.date
        for rule in RULES:
            for found in rule(sentence):
                if _negated(sentence, found.anchors):
                    continue
                subject, obj = _resolve(sentence, found.subject, cat), _resolve(sentence, found.object, cat)
                if subject == obj:
                    continue
                key = (subject, found.relation, obj, start)
                if key in seen:
                    continue
                seen.add(key)
                ev_start, ev_end = _evidence(sentence, found.anchors)
                relations.append(
                    Relation(
                        subject_id=subject,
                        relation=found.relation,
                        object_id=obj,
                        article_id=article.id,
                        evidence=text[ev_start:ev_end],
                        start=ev_start,
                        end=ev_end,
                        date=date,
                        qualifier=found.qualifier,
                        article_date=article.date,
                        rule=found.rule,
                        subject_text=_name(sentence, found.subject),
                        object_text=_name(sentence, found.object),
                    )
                )
    relations.sort(key=lambda r: (r.start, r.relation, r.subject_id, r.object_id))
    return relations


def relations_for(articles: Iterable[Article]) -> list[Relation]:
    """``extract_relations`` over many cleaned articles, in the order given."""
    cat = catalogue()
    found: list[Relation] = []
    for article in articles:
        found.extend(extract_relations(article, cat))
    return found
