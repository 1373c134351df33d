"""Structured facts: allegiance questions answered from the relations extracted at ingestion.

"Who backs Liwa al-Quds?", "Who leads al-Baqir?", "Which militias does Russia back?",
"من يدعم لواء القدس؟" are answered by a short statement built from the relations
(``actors.extract_relations``), in the question's language, every part cited by the
verbatim evidence span that states it. A question about a known actor for which the
articles state no such relation is not answered: the articles name the actor but do
not say, and saying so beats quoting the nearest passage.

``parse_intent`` also reads where a group operates and how many fighters it has, which
only the passages answer. A recognised question that asks nothing else is searched as
one canonical query for its intent (``Intent.search_text``), so "Who backs Quds
Brigade?" and "من يدعم ميليشيا القدس؟" retrieve the same passages in the same order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .actors import SYMMETRIC_RELATIONS, Mention, Relation, actor_by_id, question_mentions
from .answer import Answer, Citation, cite
from .arabic import normalize
from .corpus import Article
from .dates import display
from .timeline import Stretch, TimelinePoint, point_of, timeline

# The actor types a "who leads/backs X" question can be about (X), and those that back.
_SUBJECT_TYPES = frozenset({"armed_group", "force", "organisation", "company"})
_BACKER_TYPES = frozenset({"state", "force", "organisation", "armed_group"})


@dataclass(frozen=True)
class Intent:
    """What a question asks about one listed actor, whatever its language or spelling.

    ``kind`` is a key of ``_KINDS``. ``only`` is True when the question asks nothing else
    (no place, time or second actor beside the kind and the actor), so that the kind's
    canonical query can be searched in its stead.
    """

    kind: str
    actor_id: str
    only: bool

    @property
    def relations(self) -> tuple[str, ...]:
        """The relations that answer it; empty when only the passages can."""
        return _KINDS[self.kind].relations

    @property
    def inverse(self) -> bool:
        """Whether it asks which actors stand in ``relations`` to the actor."""
        return _KINDS[self.kind].inverse

    @property
    def search_text(self) -> str:
        """The one query for this intent: every spelling of the actor in either language
        is searched alike. It is Arabic, the articles' language, so BM25 takes part."""
        return _KINDS[self.kind].search.format(x=actor_by_id(self.actor_id).name_ar)


@dataclass(frozen=True)
class _Kind:
    """One kind of question about an actor, and how it is searched."""

    relations: tuple[str, ...]
    inverse: bool
    search: str  # the canonical query; {x} is the actor's Arabic name
    about: frozenset[str] = _SUBJECT_TYPES  # the types of actor it asks about (the backers', when inverse)


_KINDS = {
    "backers": _Kind(("backed-by", "defected-to"), False, "من يدعم {x}؟"),
    # The articles write "تدريب", which BM25 matches; it never meets the verb "درّب", and
    # the name alone then ranks first the passage that repeats it most.
    "trainers": _Kind(("trained-by",), False, "من يتولى تدريب {x}؟"),
    "leaders": _Kind(("led-by",), False, "من يقود {x}؟"),
    "founders": _Kind(("led-by",), False, "من أسس {x}؟"),
    "formers": _Kind(("formed-by",), False, "من شكّل {x}؟"),
    "affiliation": _Kind(("affiliated-with",), False, "لمن يتبع {x}؟"),
    "defection": _Kind(("defected-to",), False, "إلى أي جهة انشق {x}؟"),
    # "Who attacked X?": either side of a clash; states are attacked too.
    "clashes": _Kind(("clashed-with",), False, "من هاجم {x}؟", _SUBJECT_TYPES | {"state"}),
    # "When did X switch from Iran to Russia?": its backing on a time axis (``timeline``).
    "timeline": _Kind(("backed-by", "trained-by", "formed-by", "defected-to"), False, "متى انتقل دعم {x}؟"),
    "backed-groups": _Kind(("backed-by",), True, "ما الميليشيات المدعومة من {x}؟", _BACKER_TYPES),
    "formed-groups": _Kind(("formed-by",), True, "ما الميليشيات التي شكلتها {x}؟", _BACKER_TYPES),
    # Answered from passages. "Where are X's groups deployed": the plainer "أين ينتشر X"
    # too ranks first the passage that repeats the name most.
    "deployment": _Kind((), False, "أين تنتشر مجموعات {x}؟"),
    "strength": _Kind((), False, "كم عدد مقاتلي {x}؟"),
}

# (pattern on the normalised question, kind). First match wins.
_EN = [
    (r"\bwhen (did|was|were|has|have)\b.*\b(switch|switched|defect|defected|move|moved|turn|turned|start|started|"
     r"begin|began|become|change|changed|shift|shifted|join|joined|backed|supported|trained)\b|\btimeline\b",
     "timeline"),
    (r"\bwhich (militias|groups|forces|factions|formations)\b.*\b(back|backs|backed|support|supports|supported|"
     r"sponsor|sponsors|sponsored)\b", "backed-groups"),
    (r"\bwhich (militias|groups|forces|factions|formations)\b.*\b(formed|created|established|form|create)\b",
     "formed-groups"),
    (r"\bwho founded\b|\bfounders? of\b", "founders"),
    (r"\bwho (leads|led|commands|commanded|heads|headed|runs|ran)\b|\b(leader|commander|head|chief)s? of\b",
     "leaders"),
    (r"\bwho (backs|backed|supports|supported|funds|funded|sponsors|sponsored|is behind|stands behind)\b|"
     r"\bbacked by whom\b|\bbackers?\b|\b(aligned|allied) (with|to)\b", "backers"),
    (r"\bwho (trained|trains)\b|\btrained by whom\b", "trainers"),
    (r"\bwho (formed|created|established|set up)\b", "formers"),
    (r"\baffiliated\b|\bloyal to\b", "affiliation"),
    (r"\bdefect", "defection"),
    (r"\bwho (?:(?:has|have|had) |(?:is|are|was|were|has been|have been) (?=\w+ing\b))?(attack|attacked|attacks|"
     r"attacking|fight|fought|fights|fighting|battled|battles|clashed with|clashes with|shelled|shells|targeted|"
     r"targets|besieged|besieges|ambushed|ambushes|bombed|bombs|raided|raids)\b(?! alongside)"
     r"|\b(enemies|adversaries) of\b", "clashes"),
    (r"\bwhere (does|do|is|are)\b.*\b(operate|operating|deployed|based|active|stationed|present|positioned|"
     r"fight|fighting)\b|\b(areas?|regions?) of (operation|deployment|presence)\b", "deployment"),
    (r"\bhow many (fighters|members|men|troops|militiamen)\b|\bhow (big|large) is\b|\b(size|strength) of\b",
     "strength"),
]
_AR = [
    (r"\bمتى\b.*\b(انتقل|انتقلت|تحول|تحولت|انشق|انشقت|بدا|بدات|صار|اصبح|بات|غير|دعم|دعمت|تدعم|يدعم)|"
     r"\b(الخط|التسلسل) الزمني\b", "timeline"),
    (r"(الميليشيات|الفصايل|المجموعات|التشكيلات|القوات)\s+(المدعومه|التي تدعمها|التي يدعمها|التي دعمتها|الموالي)",
     "backed-groups"),
    (r"(الميليشيات|الفصايل|المجموعات|التشكيلات)\s+التي\s+(شكلتها|شكلها|انشاتها|اسستها)", "formed-groups"),
    (r"\b[وف]?من\s+اسس\b", "founders"),
    (r"\b[وف]?من\s+(يقود|قاد|يتزعم|تزعم|يراس|قايد|زعيم)\b|\bقايد\s", "leaders"),
    (r"\b[وف]?من\s+(يدعم|دعم|يمول|مول|يساند|يقف وراء)\b|\bالجهه الداعمه\b", "backers"),
    (r"\b[وف]?من\s+(درب|يدرب)\b", "trainers"),
    (r"\b[وف]?من\s+(شكل|انشا)\b", "formers"),
    (r"\b(يتبع|تتبع|التابع|الموالي)\b", "affiliation"),
    (r"\bانشق", "defection"),
    # Verbs only: "من قصف" is also "from shelling".
    (r"\b[وف]?من\s+(هاجم|يهاجم|هاجمت|تهاجم|قاتل|يقاتل|قاتلت|تقاتل|حارب|يحارب|حاربت|تحارب|اشتبك مع|يشتبك مع|"
     r"اشتبكت مع|تشتبك مع|استهدف|يستهدف|استهدفت|تستهدف|يقصف|قصفت|تقصف|حاصر|يحاصر|حاصرت|تحاصر)\b"
     r"(?!\s+(الى|إلى) جانب)|\b(اعداء|أعداء|خصوم)\b", "clashes"),
    (r"\bاين\s+(ينتشر|تنتشر|يتمركز|تتمركز|ينشط|تنشط|يتواجد|تتواجد|يقاتل|تقاتل)\b|"
     r"\b(مناطق|اماكن)\s+(انتشار|تمركز|تواجد|نشاط)\b", "deployment"),
    (r"\bعدد\s+(مقاتلي|عناصر|افراد|مسلحي)\b", "strength"),
]
_PATTERNS = {"en": [(re.compile(p), kind) for p, kind in _EN],
             "ar": [(re.compile(normalize(p)), kind) for p, kind in _AR]}

# Words that leave a question about its intent alone ("Who is the leader of X?", "ما عدد
# مقاتلي ميليشيا X؟"); any other word left over narrows it ("in Aleppo", "before 2020").
_FILLER = {
    "en": frozenset("who whom what which where is are was were does do did has have had the a an of by s it its "
                    "they them their militia militias group groups brigade".split()),
    "ar": frozenset(normalize(w) for w in "ما ماذا من هو هي هم هل كم التي الذي ميليشيا ميليشيات مليشيا "
                    "ميلشيا الميليشيا مجموعه مجموعات عناصر قوات".split()),
}


def _asks_only(question: str, mention: Mention | None, pattern: re.Pattern, language: str) -> bool:
    """Whether ``question`` asks nothing beyond what ``pattern`` and the actor ``mention``
    (None when the actor comes from an earlier turn) say."""
    rest = question if mention is None else f"{question[:mention.start]} {question[mention.end:]}"
    norm = normalize(rest)
    match = pattern.search(norm)
    if match is None:
        return False
    filler = _FILLER[language]
    # An Arabic conjunction is a prefix ("وكم عدد", "فمن"), not a word of its own.
    return all(word in filler or (language == "ar" and word[:1] in "وف" and word[1:] in filler)
               for word in re.findall(r"\w+", f"{norm[:match.start()]} {norm[match.end():]}"))


def parse_intent(question: str, language: str, context: str = "") -> Intent | None:
    """What ``question`` asks about an actor in the list, if it is such a question.

    The kind of question is read from ``question`` alone; the actor from ``question``, or,
    for a follow-up ("Who leads it?"), from ``context`` (the earlier turn).
    """
    found = _kind(question, language)
    if found is not None:
        pattern, kind = found
        allowed = _KINDS[kind].about
        for named, text in ((True, question), (False, context)):
            for mention in question_mentions(text):
                if actor_by_id(mention.actor_id).type in allowed:
                    only = _asks_only(question, mention if named else None, pattern, language)
                    return Intent(kind, mention.actor_id, only)
    return None


def _kind(question: str, language: str) -> tuple[re.Pattern, str] | None:
    norm = normalize(question)
    return next(((pattern, kind) for pattern, kind in _PATTERNS[language] if pattern.search(norm)), None)


def question_kind(question: str, language: str) -> str | None:
    """What ``question`` asks about an actor (a key of ``_KINDS``: "leaders", "strength" ...), whether or not
    the actor is listed; None when it asks none of these."""
    found = _kind(question, language)
    return found[1] if found else None


# A group named by its head noun, listed or not: "حركة رجال الكرامة", "لواء الإمام الحسين", "the Rijal
# al-Karama movement". The name runs to the question's end or its next function word.
_AR_GROUP = re.compile(r"(?:^|\s)[وبل]?((?:ال)?(?:حركة|حركه|لواء|ميليشيا|مليشيا|ميلشيا|جيش|كتائب|سرايا|فيلق|فرقة|فرقه|"
                       r"جبهة|جبهه|كتيبة|كتيبه))"
                       r"((?:\s+(?!(?:في|من|على|الى|إلى|عن|مع|منذ|قبل|بعد|و?هل|التي|الذي)\s)[\u0621-\u064a\u0640\d]+){1,4})")
# A name's word: capitalised (after its article), or a number ("30", "30th").
_EN_WORD = (r"(?:(?!(?:Who|Whom|Whose|What|Which|Where|When|How)\b)(?:(?:al|el|ad|ar|as|an|ash)-)?[A-Z][\w'-]*"
            r"|\d+(?:st|nd|rd|th)?)")
_EN_HEAD = (r"(?i:movement|brigade|brigades|militia|army|front|battalion|battalions|corps|division|legion|regiment|"
            r"council|branch|committee)")
# The head after the name ("the Rijal al-Karama movement", "the 93rd Division") or before it ("Division 93").
_EN_GROUP = re.compile(rf"\b(?:the\s+)?((?:{_EN_WORD}\s+){{0,3}}{_EN_WORD})\s+({_EN_HEAD})\b"
                       rf"|\b({_EN_HEAD})\s+((?:of\s+(?:the\s+)?)?{_EN_WORD}(?:\s+{_EN_WORD}){{0,3}})")


def named_group(question: str, language: str) -> str | None:
    """The name of a group ``question`` names by its head noun ("لواء الإمام الحسين", "Rijal al-Karama
    movement", "Division 93"), as written; None when it names none that way."""
    if language == "ar":
        match = _AR_GROUP.search(question.rstrip("؟?!. "))
        return f"{match.group(1)}{match.group(2)}".strip() if match else None
    match = _EN_GROUP.search(question)
    if match is None:
        return None
    return f"{match.group(1)} {match.group(2)}" if match.group(1) else f"{match.group(3)} {match.group(4)}"


_LABELS = {
    "en": {"backed-by": "backed by", "trained-by": "trained by", "affiliated-with": "affiliated with",
           "led-by": "led by", "formed-by": "formed by", "clashed-with": "clashed with",
           "defected-to": "defected to", "part-of": "part of"},
    "ar": {"backed-by": "مدعوم من", "trained-by": "درّبه", "affiliated-with": "يتبع", "led-by": "بقيادة",
           "formed-by": "شكّله", "clashed-with": "اشتبك مع", "defected-to": "انشق قسم منه إلى",
           "part-of": "جزء من"},
}
_INVERSE_LABELS = {
    "en": {"backed-by": "Backed by {x}", "formed-by": "Formed by {x}"},
    "ar": {"backed-by": "الميليشيات المدعومة من {x}", "formed-by": "الميليشيات التي شكّلتها {x}"},
}
_QUALIFIERS_AR = {"earlier": "سابقاً"}
_NO_FACT = {
    "en": "The indexed articles name {x} but do not say {what}.",
    "ar": "تذكر المقالات المفهرسة {x} لكنها لا تذكر {what}.",
}
_WHAT = {
    "en": {"led-by": "who leads it", "backed-by": "who backs it", "trained-by": "who trained it",
           "formed-by": "who formed it", "affiliated-with": "what it is affiliated with",
           "defected-to": "that it defected", "clashed-with": "who fought it"},
    "ar": {"led-by": "من يقوده", "backed-by": "من يدعمه", "trained-by": "من درّبه", "formed-by": "من شكّله",
           "affiliated-with": "لمن يتبع", "defected-to": "أنه انشق", "clashed-with": "من قاتله"},
}


def _name(actor_id: str, language: str) -> str:
    actor = actor_by_id(actor_id)
    return actor.name_ar if language == "ar" else actor.name_en


def _when(point: TimelinePoint, language: str) -> str:
    """The resolved date of a relation, with the article's own phrase when it was relative;
    "" when undated (a relative phrase in an undated article is no date)."""
    value = display(point.date, language)
    if value and point.date.relative:
        value = f"{value}{'،' if language == 'ar' else ','} «{point.date.phrase}»"
    if value and point.before:
        value = f"{'قبل' if language == 'ar' else 'before'} {value}"
    return value


_TIMELINE = {
    "en": {"earlier": "earlier, undated", "then": "; then ", "undated": " Undated: ",
           "note": " The dates are those the articles give for each statement; none dates a change itself."},
    "ar": {"earlier": "سابقاً، بلا تاريخ", "then": "؛ ثم ", "undated": " بلا تاريخ: ",
           "note": " التواريخ هي ما تذكره المقالات لكل معلومة؛ ولا تؤرّخ أيٌّ منها التحول نفسه."},
}


def _timeline_answer(intent: Intent, relations: list[Relation], articles: dict[str, Article],
                     language: str) -> Answer:
    """"When did X switch from Iran to Russia?": X's backing, in time order (``timeline``), one
    part per (relation, other actor), each dated by its earliest point and cited."""
    points = [p for p in timeline(intent.actor_id, relations, articles)
              if p.outgoing and p.relation.relation in intent.relations]
    subject = _name(intent.actor_id, language)
    if not points:
        text = _NO_FACT[language].format(x=subject, what=_WHAT[language]["backed-by"])
        return Answer(False, text, [], language)
    words = _TIMELINE[language]
    citations = _Citations(articles)
    groups: dict[tuple[str, str, bool], list[TimelinePoint]] = {}  # in the timeline's order
    for point in points:
        earlier = point.stretch is Stretch.EARLIER
        groups.setdefault((point.relation.relation, point.other_id, earlier), []).append(point)
    placed, undated = [], []
    for (kind, other, earlier), items in groups.items():
        markers = "".join(citations.marker(p.relation) for p in items)
        first = words["earlier"] if earlier else next((w for p in items if (w := _when(p, language))), "")
        fact = f"{_LABELS[language][kind]} {_name(other, language)}"
        (placed if first else undated).append(f"{fact} ({first}) {markers}" if first else f"{fact} {markers}")
    separator = "؛ " if language == "ar" else "; "
    text = (f"{subject}: {words['then'].join(placed)}." if placed else f"{subject}:")
    if undated:
        text += f"{words['undated']}{separator.join(undated)}."
    text += words["note"]
    return Answer(True, text, citations.items, language, facts=[p.to_dict() for p in points])


class _Citations:
    """Numbers evidence spans as they are first cited; one span, one number."""

    def __init__(self, articles: dict[str, Article]):
        self.articles = articles
        self.items: list[Citation] = []
        self._numbers: dict[tuple[str, int, int], int] = {}

    def marker(self, relation: Relation) -> str:
        key = (relation.article_id, relation.start, relation.end)
        if key not in self._numbers:
            self.items.append(cite(self.articles[relation.article_id], relation.start, relation.end, 1.0))
            self._numbers[key] = len(self.items)
        return f"[{self._numbers[key]}]"


def answer_from_relations(intent: Intent, relations: list[Relation], articles: dict[str, Article],
                          language: str) -> Answer:
    """The structured, cited answer to ``intent`` (one with ``relations``); ``answered`` is
    False when no relation says."""
    if intent.kind == "timeline":
        return _timeline_answer(intent, relations, articles, language)
    key = "object_id" if intent.inverse else "subject_id"

    def about(r: Relation) -> bool:  # a relation that holds both ways is about either side
        return getattr(r, key) == intent.actor_id or (r.relation in SYMMETRIC_RELATIONS and intent.actor_id in (
            r.subject_id, r.object_id))

    found = [r for r in relations if r.relation in intent.relations and about(r) and r.article_id in articles]
    subject = _name(intent.actor_id, language)
    if not found:
        what = _WHAT[language].get(intent.relations[0], "")
        text = _NO_FACT[language].format(x=subject, what=what)
        return Answer(False, text, [], language)
    citations = _Citations(articles)
    # Plain claims first, then qualified ones ("earlier"), so the current state leads.
    found.sort(key=lambda r: (intent.relations.index(r.relation), r.qualifier == "earlier", bool(r.qualifier)))
    parts: list[str] = []
    groups: dict[tuple[str, str, str], list[Relation]] = {}
    for relation in found:
        other = relation.subject_id if intent.inverse or relation.object_id == intent.actor_id else relation.object_id
        qualifier = relation.qualifier if relation.qualifier in ("earlier", "a large group of it") else ""
        groups.setdefault((relation.relation, other, qualifier), []).append(relation)
    for (kind, other, qualifier), items in groups.items():
        markers = "".join(citations.marker(r) for r in items)
        name = _name(other, language)
        dates = sorted({d for r in items if (d := _when(point_of(r, intent.actor_id, articles[r.article_id]),
                                                          language))})
        when = f" ({', '.join(dates)})" if dates else ""
        if intent.inverse:
            parts.append(f"{name}{when} {markers}")
            continue
        if language == "ar":
            if qualifier == "a large group of it":
                label = "انشقت مجموعة كبيرة منه إلى" if kind == "defected-to" else _LABELS["ar"][kind]
                parts.append(f"{label} {name}{when} {markers}")
                continue
            lead = f"{_QUALIFIERS_AR[qualifier]} " if qualifier else ""
            parts.append(f"{lead}{_LABELS['ar'][kind]} {name}{when} {markers}")
        else:
            lead = f"{qualifier}: " if qualifier == "a large group of it" else (f"{qualifier} " if qualifier else "")
            parts.append(f"{lead}{_LABELS['en'][kind]} {name}{when} {markers}")
    if intent.inverse:
        head = _INVERSE_LABELS[language][intent.relations[0]].format(x=subject)
        text = f"{head}: " + ("، ".join(parts) if language == "ar" else ", ".join(parts)) + "."
    else:
        text = f"{subject}: " + ("؛ ".join(parts) if language == "ar" else "; ".join(parts)) + "."
    facts = [r.to_dict() for r in found]
    return Answer(True, text, citations.items, language, facts=facts)
