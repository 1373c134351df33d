"""Actor discovery: armed groups, forces, bodies and people that no list holds.

Arabic news names an actor in a few set ways, and those are what is read here:

* a head noun followed by its name: "حركة أحرار الشام", "جيش الفتح", "الفرقة 30",
  "وحدات حماية الشعب" (an optional "ميليشيا" before it is not part of the name);
* a name in quotes after a head noun: ميليشيا «درع الساحل»;
* a title before a person: "العقيد نديم الحسن", "قائد جيش الفتح أبو عمر الحلبي";
* a kunya with its nisba: "أبو عمر الحلبي".

Clitic and spelling variants (لـ، بـ، وال، لل; with or without ال; hamza and ta marbuta
forms) fold to one key, so they are one actor. Each discovered actor has an id made from
its key, its Arabic forms with counts, its first evidence, a type, and a Latin rendering
(``transliterate``, by rule) for English display; it is marked ``discovered``.
Discovery is pure and incremental: ``discover(articles, so_far)`` returns the catalogue so
far merged with what the new articles name, and ``DiscoveredCatalogue`` reads and writes
JSON lines (an index generation's ``discovered.jsonl``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ..arabic import normalize
from ..chunking import sentence_spans
from ..corpus import Article
from .catalogue import _DISCOVERED, Catalogue, catalogue
from .folding import _fold
from .mentions import find_mentions
from .model import Actor, ActorType, Mention


def _n(words: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in words.split())


# Head nouns that begin a name, with the type of actor they name.
_HEADS = {
    **dict.fromkeys(_n("لواء حركة جبهة جيش كتائب كتيبة فرقة فيلق قوات تنظيم فصيل تجمع سرايا وحدات جماعة "
                       "ألوية"), ActorType.ARMED_GROUP),
    **dict.fromkeys(_n("حزب مجلس هيئة منظمة ائتلاف تحالف لجنة لجان شعبة نقابة قناة اتحاد"), ActorType.ORGANISATION),
}
_GENERIC_HEADS = frozenset("ال" + h for h in _HEADS)
# Heads that are also common nouns ("تنظيم" planning, "تجمع" gathering): only a definite or quoted name.
# Adjectives after a name that describe it rather than belong to it ("لواء الفجر الموالي").
_DESCRIBING = _n("الموالية الموالي المعادية المعادي الإرهابية الإرهابي المتطرفة المتطرف الشيعية الشيعي السنية السني "
                 "الأجنبية الأجنبي المحلية المحلي الرديفة المذكورة المذكور الحكومية الحكومي النظامية النظامي "
                 "الإسلامية الإسلامي")
_WEAK_HEADS = _n("تنظيم تجمع حركة")
_NO_CONSTRUCT = _n("تنظيم تجمع")  # "تنظيم بساتين الرازي": planning, not an organisation
_MILITIA = _n("ميليشيا ميليشيات مليشيا مليشيات ميلشيا ميلشيات")
# Words after a head that describe rather than name ("قوات المعارضة", "الفصائل المسلحة").
_GENERIC = _n(
    "المعارضة المعارض المسلحة المسلح الحكومية النظامية الموالية الموالي المعادية الخاصة الأمنية الأمن الاحتلال "
    "الشرطة الأخرى الاخرى المشتركة الجديدة الجديد المقاتلة الإرهابية الإرهابي المتشددة المتطرفة المتطرف "
    "الكبرى الرئيسية الثورية الثوار المتحالفة البرية الجوية الخاصه المحلية المحلي العسكرية العسكري "
    "الطوارئ الإنقاذ الوزراء الشعب الأعلى الدولي الدولية الدولة العربية العربي المدنية التابعة التابع "
    "الإسلامية الإسلامي الأجنبية الاجنبية السورية السوري الكردية الكردي الشيعية الشيعي السنية الرديفة "
    "المذكورة المذكور نفسها نفسه ذاتها ذاته كلها بعض هذه هذا تلك ذلك التي الذي الذين النظام "
    "التلفزيونية التلفزيوني الرسمية الرسمي الفضائية الإعلامية الإعلامي الطائفي الطائفية"
)
# Words that end a name: prepositions, pronouns, particles, common verbs of reporting.
_STOP = _n(
    "في من على إلى الى عن مع ضد بين عند بعد قبل منذ خلال حول نحو لدى دون غير عبر وفق حسب ضمن "
    "و أو ثم أن إن ان قد لقد كان كانت يكون تكون ليس لم لن لا ما هو هي هم هما هذه هذا تلك ذلك التي الذي الذين "
    "قال قالت أكد أكدت أعلن أعلنت أضاف أضافت يقول تقول وقال وقالت كما حيث إذ اذ بينما أيضا ايضا "
    "كل بعض عدد جميع معظم أكثر اكثر أي اي يوم اليوم أمس امس غدا بدوره بدورها بدورهم وهو وهي أحد احد "
    "بل لكن لكنه لكنها ينبغي يجب"
)
# Words that are no part of a person's name, though a title may precede them: "القائد قتل جراء القصف",
# "القيادي لقي حتفه". Prepositions of cause and place that ``_STOP`` lacks, and the verbs news tells of
# people with (past, with its feminine and plural, and present forms). A verb prefix alone says nothing:
# "يوسف", "تامر", "نبيل" are names.
_NOT_NAME_WORDS = _n(
    "جراء إثر اثر عقب بسبب نتيجة وسط أمام خلف تحت فوق قرب داخل خارج إزاء لصالح برفقة بصحبة نيابة أثناء "
    "إنه إنها انه انها بأن بان لأن لان"
)
_NAME_VERBS = ("قتل أصيب لقي توفي استشهد اعتقل اغتيل أسر خطف اختطف أعلن أكد صرح أوضح أشار نفى دعا هدد "
               "اتهم وصل زار التقى غادر عاد قاد ترأس أصبح بات ظهر شارك تمكن حاول رفض قرر أمر نجا فر هرب سقط "
               "تولى انشق انضم أفاد ذكر كشف تحدث")
_VERB_FORMS = frozenset(normalize(v + ending) for v in _NAME_VERBS.split() for ending in ("", "ت", "وا")) | _n(
    "يقتل يصاب يلقى يتوفى يعتقل يعلن يؤكد يصرح يوضح يشير ينفي يدعو يهدد يتهم يصل يزور يلتقي يغادر يعود "
    "يقود يترأس يتزعم يشارك يتمكن يحاول يرفض يقرر يأمر يتولى ينشق ينضم يفيد يذكر يكشف يتحدث")


def _not_a_name(word: str) -> bool:
    """Whether a word after a title is a verb or a function word rather than part of a person's name."""
    return word in _NOT_NAME_WORDS or word in _VERB_FORMS or (word[:1] in "وف" and word[1:] in _VERB_FORMS)


# Titles before a person's name.
_RANKS = _n("العقيد العميد اللواء المقدم الرائد النقيب الملازم الجنرال المشير المدعو القيادي "
            "الزعيم القائد الأمير")
# Role nouns that take an actor and then the person: "قائد جيش الفتح أبو عمر".
_ROLES = _n("قائد زعيم أمير رئيس مؤسس مسؤول الناطق المتحدث القيادي القائد عضو قائدا زعيما قادة الشرعي المسؤول "
            "السفير سفير الضابط ضابط مستشار المستشار")
_ROLE_LINKS = _n("في باسم لدى العسكري الميداني العام العامة الأعلى السابق الإعلامي الرسمي السياسي البارز")
# Between an actor and the person after it: "المسؤول في الائتلاف المعارض أحمد كامل".
_AFTER_ACTOR = _n("المعارض المعارضة السابق البارز")
_KUNYA = _n("أبو ابو أم")
_IN = normalize("في")
_PARTICLES = _n("عن أن إن ان")  # before a name of three words: "عن أحمد سعيد علي"
_FREE = normalize("الحر")  # "الجيش السوري الحر": an adjective that belongs to names
_OPERATIONS = (normalize("غرفة"), normalize("عمليات"))
_ORDINALS = _n("الأول الأولى الثاني الثانية الثالث الثالثة الرابع الرابعة الخامس الخامسة السادس السادسة السابع "
               "السابعة الثامن الثامنة التاسع التاسعة العاشر العاشرة")
_NAME_WORD = re.compile(r"\w+")
_BREAK = re.compile(r"[،,.:;؛!?؟()\[\]\n\-–—/]")
_OPEN_QUOTE = re.compile("[«“\"„]")
_CLOSE_QUOTE = re.compile("[»”\"‟]")
_NISBA_END = ("ي", "يه", "يين", "يون", "يه")


@dataclass(frozen=True)
class _Word:
    folded: str  # the folded word, proclitics and all
    start: int  # offsets into the text as written
    end: int
    pos: tuple[int, ...]  # offset in the text as written of each folded letter
    gap_break: bool  # punctuation or a line break before the word
    quote_open: bool  # an opening quote just before it
    quote_close: bool  # a closing quote just after it


def _words(text: str) -> list[_Word]:
    folded, positions = _fold(text)
    matches = list(_NAME_WORD.finditer(folded))
    spans = [(positions[m.start()], positions[m.end() - 1] + 1, m.group()) for m in matches]
    words = []
    for i, (start, end, word) in enumerate(spans):
        before = text[spans[i - 1][1]:start] if i else text[:start]
        after = text[end:spans[i + 1][0]] if i + 1 < len(spans) else text[end:]
        pos = tuple(positions[matches[i].start():matches[i].end()])
        words.append(_Word(word, start, end, pos, bool(_BREAK.search(before)) or not i,
                           bool(_OPEN_QUOTE.search(before)), bool(_CLOSE_QUOTE.search(after))))
    return words


_CLITICS = (*((p, True, k) for p, k in (("وال", 1), ("فال", 1), ("بال", 1), ("كال", 1), ("ولل", 1), ("لال", 1),
                                        ("لل", 0), ("ال", 0))),
            *((p, False, len(p)) for p in ("وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ل", "ك")))


@lru_cache(maxsize=1 << 16)
def _readings(word: str) -> tuple[tuple[str, bool, int], ...]:
    """Every way to read ``word`` as proclitics + a stem: (stem, whether it had the article, letters
    dropped from the front of the name as written: proclitics, but never the لل of ل + ال)."""
    out = [(word[len(p):], definite, kept) for p, definite, kept in _CLITICS
           if word.startswith(p) and len(word) - len(p) >= (2 if definite else 3)]
    return (*out, (word, False, 0))


def _strip_clitics(word: str) -> tuple[str, bool, int]:
    """The likeliest reading of ``word`` (``_readings``): the longest proclitic first."""
    return _readings(word)[0]


def _governed(word: str) -> bool:
    """A word with a preposition or conjunction on it ("لفرانس", "بسيارته", "وهو"): no part of a name."""
    return len(word) >= 5 and word[0] in "لبو" or word[:2] in ("لل", "بال", "وال")


@lru_cache(maxsize=1 << 16)
def _rank(word: str) -> bool:
    """Whether ``word`` is a title before a person ("العقيد", "للعقيد", "والعميد"); written with
    the article, since a bare "رائد" is also a first name."""
    return word in _RANKS or any(r[1] and "ال" + r[0] in _RANKS for r in _readings(word))


def _head(word: str) -> tuple[str, bool, int] | None:
    """The reading of ``word`` as a head noun ("وللواء" = و + ل + لواء), or None."""
    return next((r for r in _readings(word) if r[0] in _HEADS), None)


def _definite(word: str) -> bool:
    return word.startswith("ال") and len(word) > 3


def _nisba(word: str) -> bool:
    return _definite(word) and word.endswith(_NISBA_END) and word not in _STOP


def _name_after_head(words: list[_Word], i: int, head_definite: bool) -> int | None:
    """Index one past the last word of the name that starts at ``words[i]``, or None."""
    if i >= len(words) or words[i].gap_break:
        return None
    if words[i].quote_open:
        j = i
        while j < len(words) and j - i < 5:
            if words[j].quote_close:
                return j + 1
            j += 1
            if j < len(words) and words[j].gap_break:
                return None
        return None
    first = words[i].folded
    if first in _STOP or first in _GENERIC or first in _MILITIA or first in _GENERIC_HEADS:
        return None
    if first.isdigit():
        return i + 1
    j = i
    if head_definite:
        # "الفرقة الرابعة", "الجبهة الشامية", "الجيش الحر": an ordinal or a nisba adjective, then
        # more nisbas; any other adjective describes ("التنظيم المتشدد").
        if not (_nisba(first) or first in _ORDINALS or first == normalize("الحر")):
            return None
        while j < len(words) and j - i < 3 and _definite(words[j].folded) and not words[j].gap_break \
                and words[j].folded not in _GENERIC | _STOP and (j == i or _nisba(words[j].folded)):
            j += 1
        return j if j > i else None
    # Construct state: up to two indefinite words, then a definite one ("أحرار الشام"),
    # then nisba adjectives ("سوريا الديمقراطية").
    while j < len(words) and j - i < 2 and not _definite(words[j].folded) and not words[j].gap_break \
            and words[j].folded not in _STOP and not words[j].folded.isdigit():
        if _strip_clitics(words[j].folded)[1] or words[j].folded.startswith("و"):
            return None  # "لقوات", "وتشكيلات": a governed word or a second noun, not a name
        j += 1
    if j < len(words) and not words[j].gap_break and _definite(words[j].folded) \
            and words[j].folded not in _STOP and (j > i or words[j].folded not in _GENERIC):
        j += 1
    elif j > i and words[j - 1].quote_close:
        return j
    else:
        return None
    while j < len(words) and j - i < 5 and not words[j].gap_break \
            and (_nisba(words[j].folded) or words[j].folded == _FREE) and words[j].folded not in _DESCRIBING:
        j += 1
    return j


def _person_after(words: list[_Word], i: int, three: bool = False) -> int | None:
    """One past a person's name starting at ``words[i]`` ("نديم الحسن", "أبو عمر الحلبي"), or None;
    with ``three`` (after a role and its body), a third word when a particle or a break follows."""
    if i >= len(words) or words[i].gap_break:
        return None
    first = words[i].folded
    if _definite(first) or _strip_clitics(first)[1] or first in _STOP or _not_a_name(first) or first in _RANKS \
            or first in _ROLES \
            or first in _HEADS or first in _MILITIA or first.isdigit() or _governed(first) or words[i].quote_close:
        return None
    # Two words, or three when a particle or a break follows ("رضوان محمد شريف أن ..."), more
    # after a kunya or "عبد".
    limit = 3 if first in _KUNYA or first == normalize("عبد") else 2
    if three and limit == 2 and not any(w.gap_break for w in words[i + 1:i + 3]) \
            and (i + 3 >= len(words) or words[i + 3].gap_break or words[i + 3].folded in _STOP):
        limit = 3
    j = i + 1
    while j < len(words) and not words[j].gap_break and j - i < limit:
        w = words[j].folded
        if w in _STOP or _not_a_name(w) or w in _ROLES or w in _RANKS or w in _HEADS or w in _MILITIA or w.isdigit() \
                or _governed(w):
            break
        j += 1
        if (_definite(w) and words[j - 2].folded != normalize("عبد")) or words[j - 1].quote_close:
            break  # a family name, a nisba or a closing quote ends the name ("عبد الله" goes on)
    return j if j - i >= 2 else None


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    key: str
    type: ActorType
    # "تجمع المدارس", "حركة النزوح": a weak head and one common word; a name only if named again.
    weak: bool = False


@lru_cache(maxsize=1 << 14)
def _key(text: str) -> str:
    """The one key of every variant of a name as written without its proclitics: folded, quotes
    dropped, and the article of its first word dropped ("الفرقة 30" and "فرقة 30", "للجبهة الشامية"
    and "جبهة الشامية"); a leading "ميليشيا" is no part of it."""
    words = _fold(text)[0].split()
    if not words:
        return ""
    first = words[0]
    for article in ("لل", "ال"):
        if first.startswith(article) and len(first) - len(article) >= 2:
            first = first[len(article):]
            break
    if first in _MILITIA and len(words) > 1:
        return _key(" ".join(words[1:]))
    return " ".join([first, *words[1:]])


def _candidates(text: str, words: list[_Word]) -> list[_Found]:
    found: list[_Found] = []
    i = 0
    while i < len(words):
        word = words[i]
        bare, definite, dropped = _strip_clitics(word.folded)
        head = _head(word.folded)
        if head is None and i + 1 < len(words) and words[i + 1].folded == _OPERATIONS[1] \
                and any(r[0] == _OPERATIONS[0] for r in _readings(word.folded)):
            head = next(r for r in _readings(word.folded) if r[0] == _OPERATIONS[0])
        if head is not None:
            bare, definite, dropped = head
            # "غرفة عمليات حلب": a two-word head.
            second = i + 2 if bare == _OPERATIONS[0] and i + 1 < len(words) \
                and words[i + 1].folded == _OPERATIONS[1] else i + 1
            end = _name_after_head(words, second, definite and second == i + 1)
            weak = bare in _WEAK_HEADS and second < len(words) and not words[second].quote_open
            if end is not None and weak and bare in _NO_CONSTRUCT and not _definite(words[second].folded):
                end = None
            if end is not None:
                # "كتائب «أنصار الشام»": the quoted name is the name.
                start = words[second].pos[0] if words[second].quote_open and bare not in _MILITIA else word.pos[dropped]
                kind = ActorType.ARMED_GROUP if second > i + 1 else _HEADS.get(bare, ActorType.ARMED_GROUP)
                found.append(_Found(start, words[end - 1].end, _key(text[start:words[end - 1].end]), kind,
                                    weak and end - second == 1))
                i = end
                continue
        if any(r[0] in _MILITIA for r in _readings(word.folded)) and i + 1 < len(words) \
                and words[i + 1].quote_open:
            # ميليشيا «درع الساحل»: the quoted name.
            end = _name_after_head(words, i + 1, False)
            if end is not None:
                start = words[i + 1].pos[0]
                found.append(_Found(start, words[end - 1].end, _key(text[start:words[end - 1].end]),
                                    ActorType.ARMED_GROUP))
                i = end
                continue
        if _rank(word.folded):
            end = _person_after(words, i + 1)
            if end is not None:
                found.append(_Found(words[i + 1].start, words[end - 1].end,
                                    _key(text[words[i + 1].start:words[end - 1].end]), ActorType.PERSON))
                i = end
                continue
        if word.folded in _KUNYA and i + 2 < len(words) and not words[i + 1].gap_break \
                and not words[i + 2].gap_break and _nisba(words[i + 2].folded) \
                and not _definite(words[i + 1].folded) and words[i + 1].folded not in _STOP:
            found.append(_Found(word.start, words[i + 2].end, _key(text[word.start:words[i + 2].end]),
                                ActorType.PERSON))
            i += 3
            continue
        i += 1
    return found


def _people_before_roles(text: str, words: list[_Word]) -> list[_Found]:
    """"أحمد سعيد، الناطق باسم الجبهة": the name just before a comma and a role noun (two words,
    three after a particle: "عن أحمد سعيد علي، الناطق ...")."""
    found = []
    for i, word in enumerate(words):
        if i < 2 or not word.gap_break or "،" not in text[words[i - 1].end:word.start]:
            continue
        if word.folded not in _ROLES and _strip_clitics(word.folded)[0] not in _ROLES:
            continue
        first = i - 2
        # A third word only after a particle ("عن أحمد سعيد علي"), lest a verb join the name.
        if first >= 2 and not words[first].gap_break and words[first - 1].folded not in _STOP \
                and words[first - 2].folded in _PARTICLES:
            first -= 1
        span = words[first:i]
        if any(w.gap_break for w in span[1:]) or any(w.folded in _ROLES | _RANKS or _definite(w.folded)
                                                     for w in span[:1]):
            continue
        # "علي" written with ya is the name Ali, not the preposition على it folds like.
        if any((w.folded in _STOP and text[w.start:w.end] != "علي") or _not_a_name(w.folded) or w.folded in _HEADS
               or w.folded.isdigit() for w in span):
            continue
        found.append(_Found(span[0].start, span[-1].end, _key(text[span[0].start:span[-1].end]), ActorType.PERSON))
    return found


def _role_people(text: str, words: list[_Word], taken: list[tuple[int, int]]) -> list[_Found]:
    """"قائد ⟨actor⟩ ⟨person⟩": the person named right after a role noun and the actor it governs
    (``taken``: the spans of the actors, not people, a role can govern)."""
    ends = {end: start for start, end in taken}
    found = []
    for i, word in enumerate(words):
        if word.folded not in _ROLES and _strip_clitics(word.folded)[0] not in _ROLES and not _rank(word.folded):
            continue
        # Skip the role's links and the actor it governs, then expect a name.
        j = i + 1
        while j < len(words) and words[j].folded in _ROLE_LINKS and not words[j].gap_break:
            j += 1
        actor_end = next((e for e in sorted(ends) if ends[e] <= words[j].start < e), None) if j < len(words) else None
        if actor_end is None:
            continue
        while j < len(words) and words[j].start < actor_end:
            j += 1
        while j < len(words) and (_nisba(words[j].folded) or words[j].folded in _RANKS | _AFTER_ACTOR) \
                and not words[j].gap_break:
            j += 1
        # "رئيس الشعبة في الإدارة الذاتية رضوان ..."، "رئيس المجلس للإدارة الذاتية في مقاطعة الجزيرة
        # أكرم ...": the body the actor belongs to, and where, may follow.
        governed = next((e for e in sorted(ends) if ends[e] < words[j].end and words[j].start < e), None) \
            if j < len(words) else None
        if governed is not None and _governed(words[j].folded):
            while j < len(words) and words[j].start < governed:
                j += 1
        if j + 1 < len(words) and words[j].folded == _IN and not words[j].gap_break:
            inner = next((e for e in sorted(ends) if ends[e] <= words[j + 1].start < e), None)
            j += 1
            if inner is not None:
                while j < len(words) and words[j].start < inner:
                    j += 1
            elif j + 2 < len(words) and not any(w.gap_break for w in words[j:j + 2]):
                j += 2  # a place of two words: "في مقاطعة الجزيرة"
        end = _person_after(words, j, three=True)
        if end is not None:
            found.append(_Found(words[j].start, words[end - 1].end, _key(text[words[j].start:words[end - 1].end]),
                                ActorType.PERSON))
    return found


# Head nouns a one-word proper name follows ("حركة طالبان", "مجموعة خراسان", "جماعة بوكو حرام").
_NAMING_HEADS = _n("حركة جماعة مجموعة كتيبة لواء جبهة تنظيم فصيل ميليشيا ميليشيات")
# The heads as written with an indefinite proclitic ("وحركة", "لجماعة"): a set lookup per word.
_NAMING_FORMS = frozenset(p + h for h in _NAMING_HEADS
                          for p, definite, _ in (*_CLITICS, ("", False, 0)) if not definite)
# Indefinite words after a head that describe it ("حركة واسعة", "مجموعة كبيرة", "تنظيم جديد").
_INDEFINITE_DESCRIBING = _n("جديد كبير صغير واسع مسلح مسلحة متطرف متشدد إرهابي ارهابي محلي آخر اخر أخرى اخرى "
                            "عسكري سري كبرى واحد واحدة ثالث ثان ثاني أول اول مشترك مشتركة منفصل مقاوم معارض موال")


def _one_word_names(words: list[_Word], text: str) -> list[_Found]:
    """"حركة طالبان"، "مجموعة خراسان": a naming head and one indefinite word that is no adjective. Weak
    (a name only when the article names it twice), since a head is also followed by common nouns."""
    found = []
    for i in range(len(words) - 1):
        if words[i].folded not in _NAMING_FORMS:
            continue
        head = next((r for r in _readings(words[i].folded) if r[0] in _NAMING_HEADS and not r[1]), None)
        name = words[i + 1]
        if head is None or name.gap_break or name.quote_open or _definite(name.folded) or name.folded.isdigit():
            continue
        w = name.folded
        if w in _STOP | _GENERIC | _INDEFINITE_DESCRIBING | _MILITIA or w in _HEADS or _governed(w) \
                or w.endswith(("ه", "ي")) or len(w) < 3 or _strip_clitics(w)[2]:
            continue
        following = words[i + 2] if i + 2 < len(words) else None
        # The name must end there: a break, a particle, an adjective or a new item ("وتنظيم") after it;
        # otherwise it goes on ("حركة نداء تونس") and is the construct reading's, or none.
        if following is not None and not following.gap_break and following.folded not in _STOP \
                and not _nisba(following.folded) and not following.folded.startswith("و"):
            continue
        start = words[i].pos[head[2]]
        found.append(_Found(start, name.end, _key(text[start:name.end]), ActorType.ARMED_GROUP, weak=True))
    return found


# A state's forces: a force noun with a nationality adjective ("قوات الأمن التركية", "القوات المسلحة
# المصرية", "الجيش الأردني"), which the news names as one force.
_FORCE_HEADS = _n("قوات القوات الجيش الشرطة")
_FORCE_STEMS = _n("قوات جيش شرطة")
_FORCE_KINDS = _n("الأمن الأمنية المسلحة الخاصة البرية الجوية البحرية")
# Adjectives that end like a nationality but describe ("القوات الدولية", "الشرطة الدينية", "قوات الطوارئ").
_NOT_NATIONAL = (_GENERIC - _n("السورية السوري الكردية الكردي")) | _n("الطوارئ المدنية الدينية الشرعية الشعبية "
                                                                       "النظامية الحكومية الاتحادية")


def _national_forces(text: str, words: list[_Word]) -> list[_Found]:
    """"قوات الأمن التركية"، "القوات المسلحة المصرية"، "الجيش اللبناني": a force of the state the
    nationality names."""
    found = []
    for i in range(len(words) - 1):
        if not any(stem in words[i].folded for stem in _FORCE_STEMS):
            continue  # most words: a substring test before the readings
        reading = next((r for r in _readings(words[i].folded)
                        if r[0] in _FORCE_HEADS or ("ال" + r[0]) in _FORCE_HEADS), None)
        if reading is None:
            continue
        j = i + 1
        if j < len(words) and words[j].folded in _FORCE_KINDS and not words[j].gap_break:
            j += 1
        if j >= len(words) or words[j].gap_break or not _nisba(words[j].folded) \
                or words[j].folded in _NOT_NATIONAL or words[j].folded in _FORCE_KINDS:
            continue
        start = words[i].pos[reading[2]]
        found.append(_Found(start, words[j].end, _key(text[start:words[j].end]), ActorType.FORCE))
    return found


_LATIN = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh",
    "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "'", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a",
    "و": "w", "ي": "y", "ى": "a", "ء": "'", "ئ": "'", "ؤ": "'",
}


def transliterate(name: str) -> str:
    """A Latin rendering of an Arabic name by rule, letter by letter ("جيش الفتح" -> "Jysh al-Ftha"):
    long vowels written, short ones (unwritten in Arabic) left out; never an English word."""
    out = []
    for word in normalize(name).split():
        word = word.replace("ه", "ة") if word.endswith("ه") else word
        prefix = ""
        if word.startswith("ال") and len(word) > 2:
            prefix, word = "al-", word[2:]
        latin = []
        for k, ch in enumerate(word):
            if ch == "و" and 0 < k:
                latin.append("u" if k + 1 < len(word) else "w")
            elif ch == "ي" and 0 < k:
                latin.append("i" if k + 1 < len(word) else "y")
            else:
                latin.append(_LATIN.get(ch, ch))
        rendered = "".join(latin)
        ain = len(rendered) - len(rendered.lstrip("'"))  # "'Askria": the letter after an ain is the capital
        out.append(prefix + rendered[:ain + 1].upper() + rendered[ain + 1:])
    text = " ".join(out)
    return text[:1].upper() + text[1:]


def actor_id(key: str) -> str:
    """The id of the discovered actor with this key: readable and stable (a slug plus a hash)."""
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(key).lower()).strip("-") or "actor"
    return f"{slug}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"


@lru_cache(maxsize=64)
def named_in(text: str, cat: Catalogue) -> tuple[tuple[Mention, ...], tuple[Mention, ...], dict[str, Actor]]:
    """The catalogue's mentions of ``text``, its discovered mentions and the discovered actors by id.

    Cached for the last texts seen, since ingestion both discovers actors and extracts relations
    from each new article. Treat the result as read-only.
    """
    listed = find_mentions(text, cat=cat)
    found, actors = discovered_mentions(text, listed, cat)
    return tuple(listed), tuple(found), actors


def discovered_mentions(text: str, listed: list[Mention], cat: Catalogue | None = None,
                        ) -> tuple[list[Mention], dict[str, Actor]]:
    """The actors of ``text`` that ``listed`` (the catalogue's mentions) does not cover, as mentions
    with discovered ids, and those actors by id (their forms as this text writes them).

    A discovered name that is a catalogue name (after folding) is the catalogue's actor.
    Every other occurrence of a discovered name in the text is a mention too.
    """
    cat = cat or catalogue()
    used = bytearray(len(text))
    for m in listed:
        # A place inside a name ("غرفة عمليات حلب") gives way to the name.
        if cat.get(m.actor_id).type != ActorType.PLACE:
            used[m.start:m.end] = b"\x01" * (m.end - m.start)
    listed_keys = _listed_keys(cat)
    words = _words(text)
    # A state's force first: "الجيش البيروفي" is a force, not the armed group its head noun would make it.
    found = _national_forces(text, words) + _candidates(text, words) + _people_before_roles(text, words) \
        + _one_word_names(words, text)
    governed = [(m.start, m.end) for m in listed if cat.get(m.actor_id).type != ActorType.PERSON]
    found += _role_people(text, words, governed + [(f.start, f.end) for f in found if f.type != ActorType.PERSON])
    by_key: dict[str, _Found] = {}
    spans: list[_Found] = []
    places = _place_keys(cat)
    keys = [f.key for f in found]
    found = [f for f in found if not f.weak or keys.count(f.key) > 1]
    for f in sorted(found, key=lambda f: f.start):
        if not f.key or any(used[f.start:f.end]) or f.key in listed_keys:
            continue
        if f.type != ActorType.PERSON and " ".join(f.key.split()[1:]) in places:
            continue  # "جبهة الزبداني": a front named by its place, not a group
        by_key.setdefault(f.key, f)
        spans.append(f)
        used[f.start:f.end] = b"\x01" * (f.end - f.start)
    # Later bare uses of a discovered name ("نديم الحسن" after "العقيد نديم الحسن"), and the
    # names the user gave discovered actors.
    folded, positions = _fold(text)
    ids = {key: actor_id(key) for key in by_key}
    kinds = {key: f.type for key, f in by_key.items()}
    for ident, aliases in cat.discovered_aliases.items():
        for alias in aliases:
            key = _key(alias)
            if key and key not in ids:
                ids[key] = ident
                # The type the index knows for it; an organisation until it is seen.
                kinds[key] = ActorType(_DISCOVERED[ident].type) if ident in _DISCOVERED else ActorType.ORGANISATION
    for key in ids:
        for m in re.finditer(rf"(?<!\w)(?:[وف]?[بلك]?)({re.escape(key)})(?!\w)", folded):
            start, end = positions[m.start(1)], positions[m.end(1) - 1] + 1
            if not any(used[start:end]):
                spans.append(_Found(start, end, key, kinds[key]))
                used[start:end] = b"\x01" * (end - start)
    mentions, actors = [], {}
    for f in sorted(spans, key=lambda f: f.start):
        ident = cat.resolve(ids.get(f.key) or actor_id(f.key))
        mentions.append(Mention(ident, f.start, f.end, text[f.start:f.end]))
        if ident not in actors and ident not in cat.by_id:  # merged into a catalogue actor: that one
            actors[ident] = _make_actor(ident, f.key, f.type, text[f.start:f.end])
    return mentions, actors


def _make_actor(ident: str, key: str, kind: ActorType, written: str, forms: tuple[str, ...] = ()) -> Actor:
    return Actor(ident, kind, transliterate(key), written, aliases_ar=forms, discovered=True)


@lru_cache(maxsize=8)
def _listed_keys(cat: Catalogue) -> frozenset[str]:
    """The keys of every catalogue name: a discovered name with one of them is the catalogue's."""
    return frozenset(_key(form) for actor in cat.actors for form in actor.forms)


@lru_cache(maxsize=8)
def _place_keys(cat: Catalogue) -> frozenset[str]:
    return frozenset(_key(form) for actor in cat.actors if actor.type == ActorType.PLACE for form in actor.forms)


@dataclass
class DiscoveredActor:
    """A discovered actor: every Arabic form seen with its count, and where it was first seen."""

    id: str
    key: str
    type: str
    name_en: str
    forms: dict[str, int] = field(default_factory=dict)
    article_id: str = ""
    start: int = 0
    end: int = 0
    sentence: str = ""  # the first sentence naming it (``article.text[sentence_start:...]``)
    sentence_start: int = 0
    # What each article contributed to ``forms`` (article id -> form -> count), so that an article
    # discovered again (re-ingested, replaced) replaces its counts instead of adding to them.
    by_article: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """How many times the articles name it."""
        return sum(self.forms.values())

    @property
    def name_ar(self) -> str:
        """Its most frequent form."""
        return max(self.forms, key=lambda f: (self.forms[f], -len(f))) if self.forms else self.key

    def actor(self) -> Actor:
        """The catalogue entry (``discovered=True``)."""
        return _make_actor(self.id, self.key, ActorType(self.type), self.name_ar,
                           tuple(f for f in self.forms if f != self.name_ar))

    def to_dict(self) -> dict:
        return dict(vars(self))


@dataclass
class DiscoveredCatalogue:
    """Every discovered actor so far, by id."""

    actors: dict[str, DiscoveredActor] = field(default_factory=dict)

    def by_frequency(self) -> list[DiscoveredActor]:
        """Most named first."""
        return sorted(self.actors.values(), key=lambda a: (-a.count, a.id))

    def to_jsonl(self) -> str:
        return "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in self.by_frequency())

    @classmethod
    def from_jsonl(cls, text: str) -> DiscoveredCatalogue:
        """Read what ``to_jsonl`` wrote; ``ValueError`` on a malformed line."""
        actors = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                actor = DiscoveredActor(**json.loads(line))
                ActorType(actor.type)
            except (TypeError, ValueError) as error:
                raise ValueError(f"discovered actors, line {number}: {error}") from error
            actors[actor.id] = actor
        return cls(actors)


def _copy(actor: DiscoveredActor) -> DiscoveredActor:
    return DiscoveredActor(**{**actor.to_dict(), "forms": dict(actor.forms),
                              "by_article": {a: dict(c) for a, c in actor.by_article.items()}})


class _Writable:
    """The catalogue being made from one ``so_far`` that is not changed: an actor is copied the first time it
    is written to (copying them all on every call would cost the whole catalogue per article)."""

    def __init__(self, so_far: DiscoveredCatalogue | None):
        self.shared = so_far.actors if so_far else {}
        self.result = DiscoveredCatalogue(dict(self.shared))

    def get(self, ident: str) -> DiscoveredActor | None:
        entry = self.result.actors.get(ident)
        if entry is not None and entry is self.shared.get(ident):
            entry = self.result.actors[ident] = _copy(entry)
        return entry

    def uncount(self, article_id: str) -> None:
        """Take back what ``article_id`` contributed: its forms' counts, actors only it named, and the example of
        an actor first seen there (the article discovered anew gives it again, if it still names it)."""
        for ident in [i for i, a in self.result.actors.items() if article_id in a.by_article]:
            entry = self.get(ident)
            for form, count in entry.by_article.pop(article_id).items():
                left = entry.forms.get(form, 0) - count
                if left > 0:
                    entry.forms[form] = left
                else:
                    entry.forms.pop(form, None)
            if not entry.forms:
                del self.result.actors[ident]
            elif entry.article_id == article_id:
                entry.article_id, entry.start, entry.end, entry.sentence, entry.sentence_start = "", 0, 0, "", 0


def discover(articles: Iterable[Article], so_far: DiscoveredCatalogue | None = None,
             cat: Catalogue | None = None) -> DiscoveredCatalogue:
    """The discovered catalogue ``so_far`` (not changed) merged with what ``articles`` name.

    Pure and incremental: discovering A then B equals discovering A and B at once, and an article
    discovered again (re-ingested with other content) counts once, as it reads now.
    """
    cat = cat or catalogue()
    writable = _Writable(so_far)
    result = writable.result
    for article in articles:
        writable.uncount(article.id)
        _, mentions, found = named_in(article.text, cat)
        sentences = None
        for m in mentions:
            entry = writable.get(m.actor_id)
            if entry is None and m.actor_id not in found:
                continue  # merged into a catalogue actor by the user
            if entry is None or not entry.article_id:
                sentences = sentences or sentence_spans(article.text)
                s, e = next(((s, e) for s, e in sentences if s <= m.start < e), (m.start, m.end))
                if entry is None:
                    key = _key(m.text)
                    entry = result.actors[m.actor_id] = DiscoveredActor(
                        m.actor_id, key, str(found[m.actor_id].type), transliterate(key))
                entry.article_id, entry.start, entry.end = article.id, m.start, m.end
                entry.sentence, entry.sentence_start = article.text[s:e], s
            entry.forms[m.text] = entry.forms.get(m.text, 0) + 1
            counts = entry.by_article.setdefault(article.id, {})
            counts[m.text] = counts.get(m.text, 0) + 1
    return result
