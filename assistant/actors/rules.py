"""The relation rules: the ONE place a new rule goes.

A rule reads a sentence as a template, in which every actor mention is a slot ``⟦i⟧`` in
the folded sentence, so a pattern reads "⟦0⟧ المدعوم من ⟦1⟧" whatever the names' spellings.
Each rule yields ``_Found`` records (subject, relation, object, the template span that
states it); ``extraction`` turns them into ``Relation``s with verbatim evidence. Rules are
written from how Arabic news states a relation (verb and participle forms, active and
passive, apposition, lists), never from one article's sentence.

To add a rule: write a function ``_rule_x(s: _Sentence) -> Iterator[_Found]`` with a
docstring giving an invented example, and add it to ``RULES``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from ..arabic import normalize
from ..corpus import Article
from .folding import _fold
from .mentions import _MILITIA
from .model import Actor, Mention
from .model import RelationType as R

_CLAUSE_SEP = "،؛;"
_STATE_BODY = re.compile(normalize(
    "(?:[وفبل]?(?:ال|ل)?)(?:مجلس (?:النواب|الشورى|الشيوخ|الوزراء|الأمة|الشعب|محافظة|المحافظة)|برلمان|البرلمان|"
    "الكونغرس|الكونجرس|وزارة|الوزارة|حكومة|الحكومة)"))


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of a sentence, split at Arabic commas and semicolons."""
    spans = []
    begin = start
    for index in range(start, end):
        if text[index] in _CLAUSE_SEP:
            spans.append((begin, index))
            begin = index + 1
    spans.append((begin, end))
    return spans


# Inside a rule, every mention of a sentence becomes ⟦i⟧ in the folded sentence, so
# patterns read "⟦0⟧ المدعوم من ⟦1⟧" whatever the names' spellings.
_SLOT = "⟦(\\d+)⟧"


@dataclass
class _Sentence:
    article: Article
    start: int
    end: int
    mentions: list[Mention]
    template: str
    positions: list[int]  # template index -> index in article.text
    previous_groups: list[Mention]  # armed groups named earlier in the article
    lookup: Callable[[str], Actor]  # actor id -> actor, curated, user or discovered

    def actor(self, slot: int | str) -> Actor:
        return self.lookup(self.mentions[int(slot)].actor_id)

    def type(self, slot: int | str) -> str:
        """The actor's type; "collective" for a description of many groups ("المعارضة"), which
        a list may name but which is no side of a relation."""
        actor = self.actor(slot)
        if actor.collective:
            return "collective"
        # A state's own bodies (a parliament, a council of ministers): their posts are the state's.
        if actor.type == "organisation" and _STATE_BODY.match(normalize(self.mentions[int(slot)].text)):
            return "state"
        return actor.type

    def slot_at(self, slot: int) -> int:
        """Template index of mention ``slot``."""
        return self.template.index(f"⟦{slot}⟧")

    def pos(self, index: int) -> int:
        """Index in article.text of template index ``index`` (clamped)."""
        if not self.positions:
            return self.start
        return self.positions[min(max(index, 0), len(self.positions) - 1)]

    def slots_in(self, begin: int, end: int) -> list[tuple[int, int]]:
        """(slot, template index) of every mention between template indexes begin..end."""
        return [(int(m.group(1)), m.start()) for m in re.finditer(_SLOT, self.template) if begin <= m.start() < end]

    def clause_bounds(self, index: int) -> tuple[int, int]:
        """Template indexes of the clause around ``index``."""
        left = max(self.template.rfind(sep, 0, index) for sep in _CLAUSE_SEP)
        rights = [self.template.find(sep, index) for sep in _CLAUSE_SEP]
        rights = [r for r in rights if r >= 0]
        return left + 1, (min(rights) if rights else len(self.template))


def _template(article: Article, start: int, end: int, mentions: list[Mention],
              previous_groups: list[Mention], lookup: Callable[[str], Actor]) -> _Sentence:
    # The sentence's part of the article's folded text (folded once, cached).
    whole, at = _fold(article.text)
    low, high = bisect.bisect_left(at, start), bisect.bisect_left(at, end)
    folded, positions = whole[low:high].lstrip(" "), at[low:high]
    positions = positions[len(positions) - len(folded):]
    out: list[str] = []
    out_positions: list[int] = []
    index = 0
    for slot, mention in enumerate(mentions):
        while index < len(folded) and positions[index] < mention.start:
            out.append(folded[index])
            out_positions.append(positions[index])
            index += 1
        marker = f"⟦{slot}⟧"
        out.append(marker)
        out_positions.extend([mention.start] * (len(marker) - 1) + [mention.end - 1])
        while index < len(folded) and positions[index] < mention.end:
            index += 1
    while index < len(folded):
        out.append(folded[index])
        out_positions.append(positions[index])
        index += 1
    return _Sentence(article, start, end, mentions, "".join(out), out_positions, previous_groups, lookup)


def _ar(pattern: str) -> str:
    """A rule pattern with its Arabic words normalised and ``@X`` turned into a slot group."""
    pattern = re.sub("[\u0600-\u06ff]+", lambda m: normalize(m.group()), pattern)
    pattern = re.sub(r"@([A-Z]\w*)", lambda m: f"⟦(?P<{m.group(1)}>\\d+)⟧", pattern)
    return pattern.replace("@*", "⟦\\d+⟧").replace("MIL", _MILITIA)


@cache
def _rx(pattern: str) -> re.Pattern:
    """``_ar(pattern)`` compiled once: the rules run on every sentence of every article."""
    return re.compile(_ar(pattern))


def _verb(*stems: str, objects: bool = False) -> str:
    """A verb's family of forms, for rule patterns: past and present, singular, feminine and plural
    ("درب": درب، دربت، دربوا، يدرب، تدرب، يدربون); with ``objects``, only its forms with an object
    pronoun (دربه، دربتها، يدربهم), whose object is then the name the relative clause is about."""
    stems_rx = "|".join(normalize(stem) for stem in stems)
    obj = "(?:ه|ها|هم|هما)" if objects else ""
    return rf"(?:[يت](?:{stems_rx})(?:ون|ان|وا)?{obj}|(?:{stems_rx})(?:ت|وا|تا)?{obj})"


# --------------------------------------------------------------------------- relations

_GROUPS = frozenset({"armed_group", "force"})
_ACTORS = frozenset({"armed_group", "force", "state", "company", "organisation"})
_PEOPLE_AND_BODIES = _ACTORS | {"person"}
# A nationality adjective standing for its state ("كان دعمه إيراني"، "دعم عسكري إيراني").
_NISBA = {
    normalize(k): v
    for k, v in {
        "إيراني": "iran", "الإيراني": "iran", "إيرانية": "iran", "الإيرانية": "iran",
        "روسي": "russia", "الروسي": "russia", "روسية": "russia", "الروسية": "russia",
        "تركي": "turkey", "التركي": "turkey", "تركية": "turkey", "التركية": "turkey",
        "أمريكي": "usa", "أميركي": "usa", "الأمريكي": "usa", "الأميركي": "usa",
        "أمريكية": "usa", "أميركية": "usa", "الأمريكية": "usa", "الأميركية": "usa",
    }.items()
}
# Words that can stand between the items of a list of names ("عناصر من مرتزقة X، ولواء Y").
_LIST_NOUN = _ar("(?:عناصر|مرتزقة|MIL|تشكيلات|قوات|مجموعات|مقاتلي|لواء|حركة)")
_ADJ = r"(?:\s+ال\w+(?:ي|يه|يين|يون))?"  # one nisba adjective after a name ("الفلسطيني")
_RANK = _ar("(?:العقيد|العميد|اللواء|المقدم|الرائد|النقيب|الشيخ|الحاج|المهندس|الدكتور|الفلسطيني|السوري|العراقي)")
# The future tense of a verb that states a relation, or that a fight takes place: "ستدعم"، "سيشهد".
_FUTURE = (r"[وف]?س[تين](?:ستخدم|قدم|دعم|شن|قاتل|حارب|هاجم|واجه|قصف|ستهدف|مول|سلح|درب|نضم|تحالف|شهد|طلق|بدا|شارك|"
           r"نفذ|ضرب|وسع|دخل|ساعد|ساند)\w*")
# A relation is only reported, never denied or feared: "نفت طهران تقديم أي دعم"، "تحسباً
# لحدوث أي اقتتال". Checked on the words just before a relation's first anchor.
_NEGATED = _rx(
    r"(?<!\w)(?:لا|لم|لن|ليس|ليست|غير|نفي|نفت|ينفي|تنفي|نافيا|عدم|بدون|تحسبا|تحسب|لحدوث|احتمال|" + _FUTURE + "|"
    r"خشية|منع|لمنع|تجنب|لتجنب|اي|سوف|نيه|نيتها|نيته|نيتهما|تعتزم|يعتزم|تنوي|ينوي|امكانيه|ربما|يحتمل|"
    # "بدلا من مهاجمة X" (instead of), "على فرضية تمويل X"، "في حال دعم X" (a hypothesis)
    r"بدلا|عوضا|بدل|فرضيه|افتراض|اذا|لو|حال|و?تعهدت|و?تعهد|و?يتعهد|و?تتعهد|و?وعدت|و?وعد)"
    r"\s+(?:\S+\s+){0,2}\S{0,3}$"
)
_GIVING_UP = _rx(r"(?<!\w)(?:ل|لل)?(?:ال)?(?:تخلي|تتخلي|يتخلي|ناي|توقف|تتوقف|يتوقف|كف|ابتعاد|تراجع)"
                 r"\s+(?:\S+\s+)?عن(?!\w)")
# Inside a statement: a negation or an intention makes it no statement of fact.
_NOT_STATED = _rx(r"(?<!\w)و?(?:لم|لن|ليس|ليست|سوف|بدلا|عوضا|نيتهما|نيتها|نيته|تعتزم|يعتزم|تنوي|ينوي|وشيكه|وشيك|"
                  r"ستبدا|سيبدا|"
                  r"ترفض|يرفض|رفضت|رفض|تعهد|تعهدت|يتعهد|تتعهد|وعد|وعدت|تحذير|تحذيرا|حذر|حذرت|يحذر|تحذر|"
                  r"(?:تهدد|يهدد|هددت|هدد|تلوح|يلوح)\s+ب\w+|"
                  # resolve, a purpose and the future tense of an acting verb: "عازمون على مهاجمة X"، "ستدعم X"
                  r"عازم|عازمه|عازمين|عازمون|يعتزمون|(?:بهدف|لغرض|بغيه)\s+(?:قتال|محاربه|مواجهه|مهاجمه|ضرب)|"
                  + _FUTURE + r")(?!\w)")


@dataclass(frozen=True)
class _Found:
    subject: int | str  # a slot, or an actor id for subjects outside the sentence's slots
    relation: R
    object: int | str
    anchors: tuple[int, int]  # template span [begin, end) the evidence must cover
    qualifier: str = ""
    rule: str = ""


def _list_after(s: _Sentence, index: int) -> list[tuple[int, int]]:
    """The names listed from template index ``index``: "⟦1⟧ و⟦2⟧، و⟦3⟧"; (slot, end index)."""
    items = []
    lead = _ar("(?:(?:{noun}|من)\\s+){{0,3}}").format(noun=_LIST_NOUN)
    first = re.compile(rf"\s*{lead}{_SLOT}")
    # Items after the first need "و" or "،": two names side by side are not a list.
    more = re.compile(rf"\s*(?:،\s*و?|و)\s*(?:{_LIST_NOUN}\s+)?{_SLOT}")
    match = first.match(s.template, index)
    while match:
        slot = next(g for g in match.groups() if g is not None)
        items.append((int(slot), match.end()))
        match = more.match(s.template, match.end())
    return items


def _rule_backed_adjacent(s: _Sentence) -> Iterator[_Found]:
    """"X المدعوم روسياً"، "X المدعومة من إيران وروسيا"، "X مدعومةً بميليشيا Y"، "X الموالية لروسيا"."""
    pattern = _rx(
        rf"@A{_ADJ}\s*\)?\s*،?\s*(?P<verb>(?:ال)?(?:مدعوم|مدعومه|مدعوما|مدعومين|مدعومون|مدعمه|مدعما|مدعم)|الموالي|المواليه|الموالين)"
        r"\s+(?=⟦|من\s|ب|ل)"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) not in _PEOPLE_AND_BODIES - {"state"}:
            continue
        loyal = normalize("الموالي") in m["verb"]
        start = m.end()
        # "مدعومة بضربات جوية للتحالف"، "المدعوم بغطاء ناري من X": the backing named, then its giver.
        lead = _rx(r"(?:ب(?:ضربات|غارات|غطاء|قصف|اسناد|اسلحه|سلاح|مقاتلين|خبراء)(?:\s+[^\s⟦،.]+)?\s+(?:من\s+|ل\s*)|"
                   r"من\s+(?:قبل\s+)?|ب\s*|ل\s*)").match(s.template, start)
        items = _list_after(s, lead.end() if lead else start)
        if not loyal:
            # "مدعومة بقوات X و«Y» وعناصر من Z ومقاتلين من ... من طرف": every actor up to the
            # end of the side or of the clause, none named as another's attribute.
            stop = _SIDE_MARK.search(s.template, start)
            end_at = min(stop.start() if stop else len(s.template), s.clause_bounds(start)[1])
            more = []
            last = lead.end() if lead else start
            for slot, at in s.slots_in(start, end_at):
                gap = s.template[last:at]
                # Each backer is joined by "و" ("وعناصر من X"), the first one may follow a few
                # unnamed ones ("بمسلحين موالين لها وعناصر X"); a name after anything else ends it.
                joined = not gap.strip() or re.match(r"\s*(?:،\s*)?و", gap) \
                    or (not more and re.search(r"(?<!\S)و\S*\s*$", gap))
                if not joined:
                    break
                if not _OWNER_OF.search(s.template, start, at):
                    more.append((slot, at + len(f"⟦{slot}⟧")))
                last = at + len(f"⟦{slot}⟧")
            if len(more) > len(items) and len(s.template[start:end_at].split()) <= 30:
                items = more
        for slot, end in items:
            if s.type(slot) in _ACTORS:
                # "الموالية لـ": loyal to, an affiliation; "المدعومة من": backing.
                yield _Found(int(m["A"]), R.AFFILIATED_WITH if loyal else R.BACKED_BY, slot, (m.start(), end),
                             "loyal to" if loyal else "", "backed-adjacent")


def _rule_represented_by(s: _Sentence) -> Iterator[_Found]:
    """"القوات الروسية متمثلة بلواء القدس وتشكيلات الفيلق الخامس": proxies of a state."""
    pattern = _rx(r"@S\s+(?:ال)?متمثل(?:ه|ين)?\s+(?=ب)")
    for m in pattern.finditer(s.template):
        if s.type(m["S"]) != "state":
            continue
        for slot, end in _list_after(s, m.end() + 1):
            if s.type(slot) in _GROUPS:
                yield _Found(slot, R.BACKED_BY, int(m["S"]), (m.start(), end), "represents its forces",
                             "represented-by")


def _rule_fights_through(s: _Sentence) -> Iterator[_Found]:
    """"فأمريكا تُحارب عبر ميليشيات سوريا الديمقراطية": a state fighting through a proxy."""
    pattern = _rx(r"@S\s+[تي](?:حارب|قاتل)\s+(?:عبر|من خلال|بواسطه)\s+@A")
    for m in pattern.finditer(s.template):
        if s.type(m["S"]) == "state" and s.type(m["A"]) in _GROUPS:
            yield _Found(int(m["A"]), R.BACKED_BY, int(m["S"]), (m.start(), m.end()), "fights through it (proxy)",
                         "fights-through")


def _rule_support_was(s: _Sentence) -> Iterator[_Found]:
    """"X كان دعمه إيراني سابقاً": backing in the past, by a nationality adjective."""
    pattern = _rx(rf"@A{_ADJ}\s+كان\s+(?:دعمه|دعمها|تمويله|تمويلها)\s+(?P<nisba>\w+)(?P<when>\s+سابقا)?")
    for m in pattern.finditer(s.template):
        state = _NISBA.get(m["nisba"])
        if state and s.type(m["A"]) in _GROUPS:
            yield _Found(int(m["A"]), R.BACKED_BY, state, (m.start(), m.end()), "earlier", "support-was")


def _rule_support_for(s: _Sentence) -> Iterator[_Found]:
    """"دعمٍ عسكري إيراني لروسيا": support by a nationality adjective for a named actor."""
    pattern = _rx(r"(?<!\w)دعم\s+(?:عسكري\s+|مالي\s+|لوجستي\s+)?(?P<nisba>\w+)\s+ل\s*@B")
    for m in pattern.finditer(s.template):
        state = _NISBA.get(m["nisba"])
        if state and s.type(m["B"]) in _ACTORS and s.actor(m["B"]).id != state:
            yield _Found(int(m["B"]), R.BACKED_BY, state, (m.start(), m.end()), "reported support",
                         "support-for")


def _resolve_this_militia(s: _Sentence) -> Mention | None:
    """"هذه الميليشيا" (this militia): the armed group named last before the sentence."""
    return s.previous_groups[-1] if s.previous_groups else None


def _rule_support_and_training(s: _Sentence) -> Iterator[_Found]:
    """"غاية روسيا من دعم وتدريب هذه الميليشيا": backing and training by a state."""
    pattern = _rx(
        r"@S\s+من\s+(?P<what>دعم\s+وتدريب|دعم|تدريب)\s+(?:MIL\s+)?(?:@A|(?P<this>هذه\s+(?:ال)?MIL))"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["S"]) not in _ACTORS:
            continue
        if m["A"] is not None:
            if s.type(m["A"]) not in _GROUPS:
                continue
            subject: int | str = int(m["A"])
            qualifier = ""
        else:
            antecedent = _resolve_this_militia(s)
            if antecedent is None:
                continue
            subject = antecedent.actor_id
            qualifier = "named in the article as هذه الميليشيا (this militia)"
        relations = []
        if normalize("دعم") in m["what"]:
            relations.append(R.BACKED_BY)
        if normalize("تدريب") in m["what"]:
            relations.append(R.TRAINED_BY)
        for relation in relations:
            yield _Found(subject, relation, int(m["S"]), (m.start(), m.end()), qualifier, "support-and-training")


_TRAIN = _rx(r"(?<!\w)(?:[بل]تدريب|بهدف تدريب|لغرض تدريب)(?!\w)")
_ITS_OWN = _rx(r"\s*(?:بعض\s+)?(?:ال)?(?:مجموعات|عناصر|مقاتلي)\s+(?:ال)?تابعه\s+(?:له|لها)(?!\w)")


def _rule_training(s: _Sentence) -> Iterator[_Found]:
    """"قامت شركة فيغا بتدريب ..."، "سعت القوات الروسية لتدريب ميليشيا لواء القدس"."""
    for m in _TRAIN.finditer(s.template):
        begin, _ = s.clause_bounds(m.start())
        trainers = [(slot, at) for slot, at in s.slots_in(begin, m.start()) if s.type(slot) in _ACTORS]
        if not trainers and begin > 0:
            # "... أنشأت ميليشيات إيران معسكراً، وذلك بهدف تدريب ...": the trainer is in the
            # clause just before, when the training clause has none of its own.
            previous_begin, _ = s.clause_bounds(begin - 2)
            trainers = [(slot, at) for slot, at in s.slots_in(previous_begin, begin)
                        if s.type(slot) in {"state", "force", "company"}]
        if not trainers:
            continue
        trainer, trainer_at = trainers[-1]
        trainees = [(slot, end) for slot, end in _list_after(s, m.end()) if s.type(slot) in _GROUPS]
        for slot, end in trainees:
            if s.mentions[slot].actor_id != s.mentions[trainer].actor_id:
                yield _Found(slot, R.TRAINED_BY, trainer, (trainer_at, end), "", "training")
        own = _ITS_OWN.match(s.template, m.end())
        groups = [(slot, at) for slot, at in s.slots_in(0, trainer_at) if s.type(slot) in _GROUPS]
        if not trainees and own and groups:
            # "بتدريب بعض المجموعات التابعة له": "له" is the group the sentence is about.
            yield _Found(groups[0][0], R.TRAINED_BY, trainer, (groups[0][1], own.end()), "some of its groups",
                         "training")


def _rule_affiliated(s: _Sentence) -> Iterator[_Found]:
    """"كتيبة النسور التابعة لجيش الفتح" (a unit: part of it); "قناة الفجر التابعة لحزب النهضة",
    "لواء القدس التابع لـ الجبهة الشعبية" (a body or a group of a party: affiliated with it); "X يتبع لـ Y";
    "X المنضوي في Y", "X المنضم إلى Y" (part of it)."""
    pattern = _rx(rf"@A{_ADJ}\s*،?\s*(?P<was>(?:التي|الذي)\s+(?:كانت|كان)\s+)?"
                  rf"(?P<how>(?:ال)?(?:تابع|تابعه|يتبع|تتبع)\s+ل|(?:ال)?(?:منضوي|منضويه|منضم|منضمه)"
                  rf"\s+(?:تحت\s+(?:لواء\s+|راية\s+)?|في\s+|الي\s+|ضمن\s+|ل))\s*@B")
    for m in pattern.finditer(s.template):
        a, b = s.type(m["A"]), s.type(m["B"])
        if a not in _GROUPS | {"organisation"} or b not in _ACTORS:
            continue
        unit = a in _GROUPS and b in _GROUPS or normalize("منضم") in m["how"] or normalize("منضوي") in m["how"]
        yield _Found(int(m["A"]), R.PART_OF if unit else R.AFFILIATED_WITH, int(m["B"]), (m.start(), m.end()),
                     "earlier" if m["was"] else "", "affiliated")


# Pledging allegiance: "أعلنت جماعة X الولاء لـ Y"، "بايعت X تنظيم Y"، "X التي بايعت Y".
_PLEDGE = _rx(rf"@A{_ADJ}\s*،?\s*(?:(?:التي|الذي|الذين)\s+)?(?:[^\s⟦،.]+\s+){{0,2}}?"
             rf"(?:{_verb('اعلن')}\s+(?:عن\s+)?(?:ال)?(?:ولاء|ولاءها|ولاءه|بيعه|بيعتها|بيعته|مبايعه|مبايعتها|مبايعته)"
             rf"\s+ل\s*|{_verb('بايع')}\s+)@B")
_PLEDGE_VSO = _rx(rf"(?<!\w)[وف]?{_verb('اعلن')}\s+@A{_ADJ}\s+(?:[^\s⟦،.]+\s+)?(?:عن\s+)?"
                 r"(?:ال)?(?:ولاء|ولاءها|ولاءه|بيعه|بيعتها|بيعته|مبايعه|مبايعتها|مبايعته)\s+ل\s*@B")


def _rule_loyal(s: _Sentence) -> Iterator[_Found]:
    """"سرايا الفجر الموالية للحكومة"، "كتيبة الحق المبايعة لتنظيم داعش"، "المرتبطة بالقاعدة"،
    "المقرب من حزب الله"، "المتهم بولائه لجبهة الشام": loyal to, aligned with, close to."""
    pattern = _rx(rf"@A{_ADJ}\s*،?\s*(?:(?:بقي|ظل|بات|كان|كانت)\s+)?(?:ال)?(?:مبايع|مبايعه|مرتبط|مرتبطه|مقرب|مقربه|"
                  r"متهم\s+بولائه|متهمه\s+بولائها|مواليا|مواليه|موالين)\s+(?:ل|ب|من)\s*@B")
    for m in (*_PLEDGE.finditer(s.template), *_PLEDGE_VSO.finditer(s.template)):
        if s.type(m["A"]) in _PEOPLE_AND_BODIES - {"state"} and s.type(m["B"]) in _ACTORS - {"state"} \
                and s.mentions[int(m["A"])].actor_id != s.mentions[int(m["B"])].actor_id:
            yield _Found(int(m["A"]), R.AFFILIATED_WITH, int(m["B"]), (m.start(), m.end()), "pledged allegiance",
                         "pledged")
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) in _PEOPLE_AND_BODIES and s.type(m["B"]) in _PEOPLE_AND_BODIES:
            yield _Found(int(m["A"]), R.AFFILIATED_WITH, int(m["B"]), (m.start(), m.end()), "", "loyal")


def _rule_fights_alongside(s: _Sentence) -> Iterator[_Found]:
    """"ويشارك لواء القدس ... إلى جانب الجيش السوري في المعارك": a declared ally."""
    pattern = _rx(
        r"(?<!\w)و?(?:يشارك|تشارك|يقاتل|تقاتل)\s+@A(?P<rest>[^،.]{0,60}?)\s*،?\s*الي (?:جانب|جوار)\s+@B"
    )
    own_attribute = _rx(rf"(?:ال)?تابع\w*\s+ل\s*{_SLOT}")
    for m in pattern.finditer(s.template):
        # Only the name's own attributes ("التابع لـ ⟦1⟧") may stand between: no third group.
        if re.search(_SLOT, own_attribute.sub("", m["rest"] or "")):
            continue
        if s.type(m["A"]) in _GROUPS and s.type(m["B"]) in _GROUPS:
            yield _Found(int(m["A"]), R.AFFILIATED_WITH, int(m["B"]), (m.start(), m.end()), "fights alongside",
                         "fights-alongside")


def _rule_fighting_beside(s: _Sentence) -> Iterator[_Found]:
    """"يقاتل إلى جانب الجيش عناصر من حزب النور"، "مقاتلو حزب النور الذين يقاتلون إلى جانب الجيش":
    the side fought beside is backed by the one fighting (as the guidelines read "يقاتل إلى جانب")."""
    verb = r"(?:يقاتل|تقاتل|يقاتلون|قاتل|قاتلت|قاتلوا)\s+(?:الي\s+(?:جانب|جوار)|بجانب|بجوار)\s+"
    vso = _rx(rf"(?<!\w)و?{verb}@B{_ADJ}\s+(?:[^\s⟦،.]+\s+){{0,3}}?(?:من\s+)?" + _SIDE + "@A")
    svo = _rx(rf"@A{_ADJ}\s*،?\s*(?:(?:الذي|التي|الذين)\s+)?{verb}" + _SIDE + "@B")
    for pattern in (vso, svo):
        for m in pattern.finditer(s.template):
            a, b = int(m["A"]), int(m["B"])
            if pattern is vso and s.type(a) == "state":
                continue  # "يقاتل إلى جانب X ... من سوريا": a state after "من" is where they came from
            if _fighters(s, [(a, 0)]) and _fighters(s, [(b, 0)]) and s.mentions[a].actor_id != s.mentions[b].actor_id:
                yield _Found(b, R.BACKED_BY, a, (m.start(), m.end()), "fights beside it", "fighting-beside")


def _rule_defection(s: _Sentence) -> Iterator[_Found]:
    """"مجموعة كبيرة من ميليشيا لواء القدس ... انشقت وانضمت إلى الحرس الثوري"."""
    pattern = _rx(
        r"(?<!\w)و?انشق(?:ت|وا)?\s+(?:@S\s+)?(?:عن\s+@F\s+)?و?انضم(?:ت|وا)?\s+(?:الي|ل)\s*@B"
    )
    part = _rx(r"(?<!\w)(?P<which>مجموعه\s+كبيره|مجموعه|عدد|قسم|جزء|عناصر)\s+من\s+(?:MIL\s+)?@A")
    # Without "a group of X", the one who defected is the name right before the verb.
    adjacent = _rx(rf"@A{_ADJ}\s*،?\s*(?:قد\s+)?$")
    for m in pattern.finditer(s.template):
        if s.type(m["B"]) not in _ACTORS:
            continue
        # "a group of X" counts in the verb's clause or the one before ("مجموعة من X، انشقت").
        begin, _ = s.clause_bounds(m.start())
        if begin > 1:
            begin, _ = s.clause_bounds(begin - 2)
        parts = [p for p in part.finditer(s.template, begin, m.start()) if s.type(p["A"]) in _GROUPS]
        before = adjacent.search(s.template, 0, m.start())
        if m["S"] is not None and s.type(m["S"]) in _GROUPS | {"person"}:
            # Verb first: "انشق الفيلق الخامس وانضم إلى ...".
            subject, anchor, qualifier = int(m["S"]), m.start(), ""
        elif parts:
            p = parts[-1]
            which = p["which"]
            qualifier = "a large group of it" if normalize("كبيرة") in which else f"part of it ({which})"
            subject, anchor = int(p["A"]), p.start()
        elif before and s.type(before["A"]) in _GROUPS | {"person"}:
            # "انشق عن X": X is what was left, never the one who left.
            subject, anchor, qualifier = int(before["A"]), before.start(), ""
        else:
            continue
        if m["F"] is not None and s.mentions[int(m["F"])].actor_id == s.mentions[subject].actor_id:
            continue
        if s.mentions[subject].actor_id != s.mentions[int(m["B"])].actor_id:
            yield _Found(subject, R.DEFECTED_TO, int(m["B"]), (anchor, m.end()), qualifier, "defection")


def _rule_clash(s: _Sentence) -> Iterator[_Found]:
    """"اشتباك مسلح بين مجموعة تابعة لـ X مع مجموعة تابعة لـ Y"."""
    side = _ar(r"(?:(?:مجموعه|مجموعات|عناصر|مقاتلين)\s+(?:ال)?(?:تابعه|من)\s+(?:ل\s*)?)?(?:MIL\s+)?")
    pattern = _rx(
        rf"(?<!\w)(?:اشتباك|اشتباكات|اقتتال|مواجهات|معارك)(?:\s+(?:مسلح|مسلحه|عنيف|عنيفه|عنيفه))?\s+بين\s+"
        rf"(?P<side_a>{side})@A\s+(?:مع|و)\s*(?P<side_b>{side})@B(?!{_ADJ}\s*من\s+(?:جهه|طرف))"
    )
    for m in pattern.finditer(s.template):
        # "بين A وB وC من جهة، وD من جهة أخرى", "بين A وB وC": sides of several names are the markers'
        # and the lists' to pair (``_rule_clash_between``), not the first two names'.
        if _SIDE_MARK.search(s.template, m.end(), s.clause_bounds(m.end())[1]) \
                or re.match(rf"{_ADJ}\s*(?:،\s*)?و\s*(?:{_SIDE}){_SLOT}", s.template[m.end():]):
            continue
        if s.type(m["A"]) in _ACTORS and s.type(m["B"]) in _ACTORS:
            qualifier = "groups affiliated with each" if m["side_a"].strip() or m["side_b"].strip() else ""
            yield _Found(int(m["A"]), R.CLASHED_WITH, int(m["B"]), (m.start(), m.end()), qualifier, "clash")


# Words that stand before a name on one side of a fight: "مواقع داعش"، "عناصر من حزب الله".
_SIDE = _ar(
    "(?:و?(?:مواقع|مراكز|مقرات|مقر|تجمعات|اهداف|معاقل|نقاط|تحصينات|صفوف|عناصر|عنصرا|مقاتلي|مقاتلو|مقاتلين|مسلحي|"
    "متشددي|متمردي|جهاديي|ناشطي|مخيمات|معسكرات|قواعد|تمركزات|مقار|مقرا|موقعا|مركزا|هدفا|اهدافا|حاجزا|"
    "قوات|تشكيلات|كتائب|فصائل|وحدات|طائرات|طيران|مقاتلات|قيادات|قاده|دوريات|حواجز|قافله|رتل|ارتال|اليات|"
    "الطيران|المواقع|المقرات|المراكز|عناصر|العناصر|العسكريه|الجوي|الحربي|ثكنات|من|ل|\\()\\s*){0,3}"
)
# "مناطق الخاضعة لسيطرة X": the place belongs to X, the target.
_HELD_BY = _ar(r"(?:[^\\s⟦،.]+\\s+){0,6}?(?:(?:ال)?(?:خاضع|خاضعه|واقع|واقعه)\\s+(?:تحت\\s+)?ل?سيطره\\s+"
               r"|(?:ال)?(?:تابع|تابعه)\\s+ل\\s*)")
_OTHER_SIDE = _rx(r"\s*(?:من\s+(?:جهه|طرف|ناحيه)(?:\s+اخري|\s+اخر|\s+ثانيه)?)")


def _side_list(s: _Sentence, index: int) -> list[tuple[int, int]]:
    """The names listed from ``index`` on one side of a fight: "قوات النظام وحزب الله ومقاتلين من ..."."""
    items = []
    first = re.compile(rf"\s*(?:{_SIDE}){_SLOT}")
    more = re.compile(rf"\s*(?:{_ADJ}\s*)?(?:،\s*و?|و)\s*(?:{_SIDE}){_SLOT}")
    match = first.match(s.template, index)
    while match:
        items.append((int(match.group(1)), match.end()))
        match = more.match(s.template, match.end())
    return items


# "في سوريا"، "في كل من سوريا والعراق": a state named as the place, also as a later item of the list.
_PLACE_BEFORE = _rx(r"(?<!\w)(?:في|الي|داخل|خارج|شمال|جنوب|شرق|غرب|انحاء|اخبار)\s*(?:كل\s+من\s*)?"
                    r"(?:⟦\d+⟧\s*(?:،\s*)?و\s*)*$")


_BASE_SENSE = _rx(r"\s+(?:الجويه|العسكريه|البحريه|الامريكيه|الاميركيه|التركيه|الروسيه|الجويتين)(?!\w)")
_OPENED = _rx(r"(?<!\w)(?:فتح|استخدام|اغلاق)\s+$")
_ORDER_SENSE = _rx(r"\s+(?:العام|العالمي|الدولي|الداخلي|الاساسي|الغذايي|الانتخابي|الجديد)(?!\w)")


def _fighters(s: _Sentence, slots: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The slots that can be a side of a fight: actors, but not a state named as the place
    ("في سوريا")."""
    out = []
    for slot, end in slots:
        kind = s.type(slot)
        if kind not in _PEOPLE_AND_BODIES:
            continue
        if kind == "state" and _PLACE_BEFORE.search(s.template, 0, s.slot_at(slot)):
            continue
        after = s.slot_at(slot) + len(f"⟦{slot}⟧")
        written = normalize(s.mentions[slot].text)
        if _ORDER_SENSE.match(s.template, after) and written.endswith("النظام"):
            continue  # "النظام العام": public order, not the regime
        if written.endswith("القاعده") and (_BASE_SENSE.match(s.template, after)
                                            or _OPENED.search(s.template, 0, s.slot_at(slot))):
            continue  # "القاعدة الجوية"، "فتح القاعدة": an air base, not al-Qaeda
        out.append((slot, end))
    return out


# Before a name, words that make it an attribute or a helper of another, never the one acting:
# "التابع لـ X"، "بغطاء من X"، "بالتعاون مع X".
_NOT_AGENT = _rx(r"(?<!\w)(?:(?:ال)?(?:تابع\w*|موالي\w*|مدعوم\w*|مدعم\w*|من|مع|عن|علي|ضد|ذراع|فرع)\s+(?:[^\s⟦]+\s+)?"
                 # "دور تركيا داخل الناتو في محاربة X": the body one acts within is no agent
                 r"|(?:داخل|ضمن)\s+"
                 r"|(?:ابرزها|اهمها|بينها|منها|تضم|يضم|مؤلف|المؤلف|مكون|المكون)\s+(?:من\s+)?"
                 # the agent of a relative clause ("حركة حزم التي تدعمها X"), not of the main one
                 r"|(?:التي|الذي|الذين)\s+[^\s⟦]+\s+)$")
_UNITS_OF = _rx(r"(?<!\w)(?:تشكيلات|عناصر|مجموعات|مجموعه|فصائل|كتائب|وحدات|مقاتلون|مقاتلين|مسلحون|مسلحين)\s+"
                r"(?:ال)?(?:تابعه|تابعين|تابعون)\s+ل\s*$")
_TEMPORAL = _rx(r"(?<!\w)(?:خلال|بعد|عقب|اثر|اثناء|اثناء)\s+(?:\S+\s+)?$")
# A later item of a list ("X وY"): the list's head, not the item, is what acts.
_LIST_ITEM = re.compile(rf"{_SLOT}{_ADJ}\s*(?:،\s*)?و\s*$")
# Words for fighters that are no actor: between them and the noun, the name before is not the side.
_UNNAMED_FIGHTERS = _rx(r"(?<!\w)(?:ال)?(?:ثوار|مقاتل|مقاتلين|مسلحين|مسلحون|فصائل|كتائب|معارضه|تشكيلات)(?!\w)")


def _subject_before(s: _Sentence, index: int, words: int = 8, strict: bool = True) -> tuple[int, int] | None:
    """The actor acting at template ``index``: the nearest fighter named before it, at most ``words``
    words away, that is not an attribute or helper of another name and is not governed by a
    preposition ("لجيش", "بحزب"). Unnamed fighters ("الفصائل") between stop the search (``strict``)
    or, otherwise, only in the last few words."""
    text = s.article.text
    for slot, at in reversed(_fighters(s, [(slot, at) for slot, at in s.slots_in(0, index)])):
        between = s.template[at:index]
        near = between if strict else " ".join(between.split()[-4:])
        if len(between.split()) > words or _UNNAMED_FIGHTERS.search(near):
            return None
        # "أعلنت تشكيلات تابعة لـ X استهداف Y": unnamed units of X act for it, so X is the agent.
        if _UNITS_OF.search(s.template, 0, at):
            return slot, at
        if _NOT_AGENT.search(s.template, 0, at) or _LIST_ITEM.search(s.template, 0, at):
            continue
        if _TARGET_OF_VERB.search(s.template, 0, at):
            continue  # "تستهدف X كما تستهدف Y": X is a target, not the one acting
        start = s.mentions[slot].start
        if start and text[start - 1] in "لب" and (start < 2 or text[start - 2] in " \nو«“\"(") \
                or text.startswith("ل", start) and start and text[start - 1] == "ل":
            continue
        return slot, at
    return None


_SIDE_MARK = _rx(r"(?<!\w)من\s+(?:جهه|طرف|ناحيه)(?P<other>\s+(?:اخري|اخر|ثانيه|ثان))?(?!\w)")


def _sides_by_markers(s: _Sentence, index: int) -> tuple[list, list] | None:
    """The two sides of "بين ... من جهة، و... من جهة أخرى" (or طرف): every actor named in each
    part, but not one named as another's attribute ("التابع لـ X")."""
    first = _SIDE_MARK.search(s.template, index)
    if not first or first["other"]:
        return None
    second = _SIDE_MARK.search(s.template, first.end())
    end = second.start() if second and second["other"] else s.clause_bounds(first.end() + 2)[1]
    if len(s.template[index:first.start()].split()) > 40:
        return None

    def actors(begin: int, stop: int) -> list[tuple[int, int]]:
        return [(slot, at + len(f"⟦{slot}⟧")) for slot, at in _fighters(s, s.slots_in(begin, stop))
                if not _OWNER_OF.search(s.template, begin, at)]

    side_a, side_b = actors(index, first.start()), actors(first.end(), end)
    return (side_a, side_b) if side_a and side_b else None


_OWNER_OF = _rx(r"(?:تابع\w*|موالي\w*|منضوي\w*)\s+(?:ل|في)\s*$")


_JOINT = _rx(r"(?<!\w)(?:ال)?(?:مشترك|مشتركه|المشترك|المشتركه|جنبا)(?!\w)")
_BORDER = _rx(r"(?<!\w)(?:ال)?(?:حدود|حدودي|حدوديه|فاصل|فاصله|مشترك|مشتركه)\s+بين\s*$")


def _rule_clash_between(s: _Sentence) -> Iterator[_Found]:
    """"اشتباكات عنيفة بين قوات الأمن وجماعة الفرقان"، "معارك بين A وB من جهة وC من جهة أخرى"،
    "التوتر بين A و B"، "صراع A مع B": every pair across the two sides (mutual)."""
    pattern = _rx(
        r"(?<!\w)(?:ال)?(?:اشتباك|اشتباكات|اقتتال|مواجهات|مواجهه|معارك|معركه|قتال|تصعيد|حرب|حربا|مناوشات|خط\s+(?:ال)?مواجهه|"
        r"تبادل\s+(?:ال)?(?:قصف|نار|اطلاق\s+النار))"
        r"(?:\s+[^\s⟦،.]+){0,6}?\s+(?P<how>بين|ل|مع)\s*"
    )
    for m in pattern.finditer(s.template):
        if m["how"] == normalize("مع"):
            # "خاضها الفيلق مع قوات النظام": the one fighting is named before the noun; after
            # "خلال/بعد/عقب" the noun closes a clause about it, so it may stand further back.
            temporal = _TEMPORAL.search(s.template, 0, m.start())
            before = _subject_before(s, m.start(), 22 if temporal else 6, strict=not temporal)
            side_b = _fighters(s, _side_list(s, m.end()))
            # "القتال المشترك مع X": fighting together with X, no clash; a person is no side of a war.
            if _JOINT.search(s.template, m.start(), m.end()) or (before and s.type(before[0]) == "person"):
                continue
            if before and side_b:
                a = before[0]
                for b, end in side_b:
                    if s.mentions[a].actor_id != s.mentions[b].actor_id:
                        yield _Found(a, R.CLASHED_WITH, b, (s.slot_at(a), end), "", "clash-with")
            continue
        if m["how"] != normalize("بين"):
            continue
        if _BORDER.search(s.template, 0, m.end()):
            continue  # "منطقة تل أبيض الحدودية بين سوريا وتركيا": the states are the border's sides
        segments = _sides_by_markers(s, m.end())
        if segments is None and _SIDE_MARK.search(s.template, m.end(), s.clause_bounds(m.end())[1]):
            continue  # "بين A وB من جهة، والفصائل من جهة أخرى": A and B are one side, the other unnamed
        if segments:
            side_a, side_b = segments
            for a, _ in side_a:
                for b, end in side_b:
                    if s.mentions[a].actor_id != s.mentions[b].actor_id:
                        yield _Found(a, R.CLASHED_WITH, b, (m.start(), end), "", "clash-between")
            continue
        side_a = _side_list(s, m.end())
        if not side_a:
            continue
        at = side_a[-1][1]
        marker = _OTHER_SIDE.match(s.template, at)
        if marker:
            # "... من جهة، وبين فصائل معارضة بينها X وY": a few words may stand before the names.
            among = _rx(r"\s*،?\s*و?\s*(?:بين\s+)?(?:[^\s⟦،.]+\s+){0,3}?(?:بينها|منها|ابرزها|اهمها)\s*")
            plain = _rx(r"\s*،?\s*و?\s*(?:بين\s+)?")
            rest = among.match(s.template, marker.end()) or plain.match(s.template, marker.end())
            side_b = _side_list(s, rest.end())
        elif len(side_a) >= 2 and not _rx(r"\s+(?:مع|ضد)\s*").match(s.template, at):
            side_a, side_b = side_a[:1], side_a[1:]  # "بين X وY وZ": X against the others
        else:
            with_ = _rx(r"\s+(?:مع|ضد)\s*").match(s.template, at)
            side_b = _side_list(s, with_.end()) if with_ else []
        side_a, side_b = _fighters(s, side_a), _fighters(s, side_b)
        end = side_b[-1][1] if side_b else at
        for a, _ in side_a:
            for b, _ in side_b:
                if s.mentions[a].actor_id != s.mentions[b].actor_id:
                    yield _Found(a, R.CLASHED_WITH, b, (m.start(), end), "", "clash-between")
    paired = _rx(r"(?<!\w)(?:ال)?(?:صراع|اشتباك|اشتباكات|معارك|مواجهات|قتال|اقتتال)(?:\s+[^\s⟦،.]+){0,3}?\s+@A"
                 r"\s+(?:مع|ضد)\s+" + _SIDE + "@B")
    for m in paired.finditer(s.template):
        if s.type(m["A"]) in _PEOPLE_AND_BODIES and s.type(m["B"]) in _PEOPLE_AND_BODIES:
            yield _Found(int(m["A"]), R.CLASHED_WITH, int(m["B"]), (m.start(), m.end()), "", "clash-between")


# An attack stated with a verb: the attacker is its subject, the target follows it.
_ATTACK_VERB = _ar(
    "(?:هاجم|هاجمت|هاجموا|يهاجم|تهاجم|انتزع|انتزعت|قصف|قصفت|قصفوا|يقصف|تقصف|استهدف|استهدفت|استهدفوا|يستهدف|تستهدف|"
    "اغار|اغارت|خطف|خطفت|خطفوا|اختطف|اختطفت|حاصر|حاصرت|يحاصر|تحاصر|قاتل|قاتلت|يقاتل|تقاتل|حارب|حاربت|يحارب|تحارب|"
    "اشتبك|اشتبكت|اشتبكوا|يشتبك|تشتبك|هزم|هزمت|طرد|طردت|اسر|اسرت|قتل|قتلت|اغتال|اغتالت|كمن|كمنت|"
    "تصدي|تصدت|يتصدي|تتصدي|فجر|فجرت|فجروا|دمر|دمرت|اسقط|اسقطت|شن|شنت|يشن|تشن|شنوا|نفذ|نفذت|ينفذ|تنفذ|"
    "ضرب|ضربت|يضرب|تضرب|واصل|واصلت|صد|صدت|اقتحم|اقتحمت|يقتحم|تقتحم|استعاد|استعادت)"
)
# After "شنّ"، "نفّذ"، "واصل": the attack they carry out, then its target.
_ATTACK_NOUN = _ar(
    "(?:هجوم|هجوما|هجمات|هجمه|غاره|غارات|ضربه|ضربات|قصف|قصفا|حمله|عمليه|عمليات|كمين|كمينا|اعتداء|اعتداءات|"
    "غاراته|هجماته|هجومه|ضرباته|حملتها|حملته|غاراتها|هجماتها|ضرباتها)"
)
# Before the subject right after a verb: "قصفت طائرات X", never "قصفت مواقع X" (that is the target).
_AGENT_SIDE = _ar(r"(?:(?:عناصر|مقاتلو|مقاتلي|مسلحو|متشددو|متمردو|جنود|طائرات|طيران|الطيران|مقاتلات|تشكيلات|وحدات)"
                  r"\s+){0,2}")
_TARGET_OF_VERB = _rx(rf"(?<!\w)[وف]?(?:{_ATTACK_VERB})\s+(?:ال)?"
                      r"(?:مواقع|مراكز|مقرات|تجمعات|اهداف|معاقل|نقاط|ثكنات|حواجز)\s+(?:ل\s*)?$")
_LIGHT_VERB = _rx(r"[وف]?(?:شن|شنت|يشن|تشن|شنوا|نفذ|نفذت|ينفذ|تنفذ|واصل|واصلت)")
_ATTRIBUTE = _rx(r"(?:تابع|مدعوم|موالي|مدعم)\w*")
_TO_TARGET = _ar(r"(?:\s+[^\s⟦،.]+){0,5}?\s+(?:علي|ضد|علي\s+مواقع|ل)\s*")


_THAT = _rx(r"(?<!\w)(?:ان|بان|لان)(?!\w)")
_OBJECT_FOLLOWS = _rx(r"(?<!\w)(?:الذي|التي|الذين|من|عن|علي|الي|بعد|قبل|اجل)\s+$")
_GLOSS = re.compile(r"\s*\([^()]*\)")


def _rule_attack(s: _Sentence) -> Iterator[_Found]:
    """"قصفت قوات الأمن مواقع جماعة الفرقان"، "جماعة الفرقان تهاجم حواجز الجيش"، "شنّ الطيران الروسي
    غارات على مواقع حركة الفجر"، "اشتبكت قوات الأمن مع عناصر من الجماعة"، "خطف تنظيم النصر عناصر من
    فرقة الشمال"، "تصدّت وحدات الجيش لهجوم شنته الجماعة": the subject attacked the object."""
    verb = _rx(rf"(?<!\w)[وف]?(?:{_ATTACK_VERB})(?!\w)")
    for m in verb.finditer(s.template):
        begin, clause_end = s.clause_bounds(m.start())
        # "طردت منها X مقاتلي Y": a preposition with a pronoun may stand before the subject.
        after = _rx(r"\s*(?:،\s*)?(?:(?:منها|منه|فيها|فيه|عليها|عليه)\s+)?").match(s.template, m.end()).end()
        subject = None
        vso = re.compile(rf"(?:{_AGENT_SIDE}){_SLOT}").match(s.template, after)
        at = m.end()
        # "الذي يحارب X": the relative's antecedent acts, X is its object; "من قتل X"، "عن استهداف X":
        # after a preposition the form is a verbal noun, X its object.
        if vso and _OBJECT_FOLLOWS.search(s.template, 0, m.start()):
            vso = None
        if vso and s.type(vso.group(1)) in _PEOPLE_AND_BODIES:
            subject, at = int(vso.group(1)), vso.end()
            # Skip the subject's own attributes: "قوات الأمن التابعة لوزارة الداخلية".
            attr = _rx(rf"(?:{_ADJ})*(?:\s*[،(]?\s*(?:(?:ال)?(?:تابع\w*|مدعوم\w*|موالي\w*)\s+(?:من\s+|ل\s*|ب\s*)?|"
                       rf"(?:ذراع|فرع|جناح)\s+){_SLOT}(?:[^)⟦]*\))?)?")
            at = attr.match(s.template, at).end()
            gloss = _GLOSS.match(s.template, at)  # "عناصر X (أكراد سوريا) مقاتلي Y": X's own gloss
            at = gloss.end() if gloss else at
        elif _rx(r"(?<!\w)(?:ال)?(?:حمله|حملات|عمليه|عمليات|موجه|جوله|جولات|التي|الذي|الذين)\s+$").search(
                s.template, 0, m.start()):
            # "حملة قصف لـ X": the campaign's verbal noun; "المنظمات التي تقاتل X": the relative's
            # antecedent acts (``_rule_fights_relative``), not a name further back.
            continue
        elif not _UNNAMED_FIGHTERS.match(s.template, after):
            # SVO: the name right before the verb ("الجماعة تهاجم"), a few words away, in the verb's
            # clause unless only its attribute stands between ("لواء X التابع لـ Y، قصف").
            before = _subject_before(s, m.start(), 6)
            # "قال X إن الهجوم استهدف Y": X speaks, the clause after "أن" has its own subject.
            if before and (before[1] >= begin or _ATTRIBUTE.search(s.template, before[1], begin)) \
                    and not _THAT.search(s.template, before[1], m.start()):
                subject = before[0]
        if subject is None:
            continue
        rest = s.template[at:clause_end]
        if m.group().lstrip("وف").startswith(normalize("انتزع")) and re.match(r"\s*من\s", s.template[m.end():]):
            continue  # "انتزعت من X تنازلًا": obtained from it, no attack
        light = _LIGHT_VERB.fullmatch(m.group())
        if light and (not re.match(rf"\s*(?:[^\s⟦]+\s+)?(?:ال)?{_ATTACK_NOUN}", rest) or _NOT_FIGHTING.match(
                rest, re.match(rf"\s*(?:[^\s⟦]+\s+)?(?:ال)?{_ATTACK_NOUN}", rest).end())):
            continue  # "نفّذ حملة اعتقالات": a light verb needs an attack after it
        if _rx(r"\s*(?:عبر|من\s+خلال|بواسطه|الي\s+(?:جانب|جوار)|بجانب|بجوار)(?!\w)").match(rest):
            continue  # fighting through or beside the next name: no clash with it
        target = re.compile(rf"(?:{_ATTACK_NOUN})?{_TO_TARGET.lstrip()}|\s*(?:مع|ل)\s*|\s*")
        lead = target.match(rest)
        found = _side_list(s, at + (lead.end() if lead else 0))
        held = re.compile(rf"\s*{_HELD_BY}{_SLOT}").match(rest)
        if held and not found and not _LIGHT_VERB.fullmatch(m.group()):
            found = [(int(held.group(1)), at + held.end())]
        if not found:
            # "قصفت قوات الأمن بالمدفعية مواقع الجماعة": a few words, then the target.
            near = re.compile(rf"(?:\s+[^\s⟦،.]+){{1,8}}?\s+(?:علي\s+|ضد\s+|ل\s*)?(?:{_SIDE}){_SLOT}").match(rest)
            if near and re.search(r"(?<!\w)مع\s*$", rest[:near.start(1) - 1] if near.start(1) else ""):
                near = None  # "... للحدود مع تركيا": a neighbour, not the target
            found = [(int(near.group(1)), at + near.end())] if near else []
            if found:
                found += _side_list(s, found[0][1])[1:]
        for slot, end in _fighters(s, found):
            if s.mentions[slot].actor_id != s.mentions[subject].actor_id:
                yield _Found(subject, R.CLASHED_WITH, slot, (m.start(), end), "", "attack")


_FIGHT_NOUN = _ar(
    "(?:هجوم|هجوما|هجمات|هجمه|غاره|غارات|ضربه|ضربات|حمله|عمليات|كمين|الحصار|حصار|المعارك|معارك|الحرب|حرب|"
    "المواجهات|مواجهه|مواجهات|استهداف|مهاجمه|محاربه|قتال|ضرب|غاراته|هجماته|هجومه|ضرباته|حملتها|حملته|غاراتها|"
    "هجماتها|ضرباتها|القتال|الهجوم|الغارات|الضربات|اشتباك|اشتباكات|الاشتباكات|معركه|المعركه|اسقاط)"
)


_AIRCRAFT = _rx(r"(?:طائرات|طايرات|طيران|مقاتلات|مروحيات|الطيران|المقاتلات)\s+")
_NOT_FIGHTING = _rx(r"\s*(?:\S+\s+)?(?:ال)?(?:اعلامي|اعلاميه|سياسي|سياسيه|اقتصادي|اقتصاديه|دبلوماسي|دبلوماسيه|"
                    # "هجوم مستوحى من X": an attack in X's manner, not X's
                    r"مستوحي|مستوحاه|مشابه|مماثل|"
                    r"كلامي|كلاميه|اعلاميا|اقتصاديا|اعتقال|اعتقالات|مداهمه|مداهمات|تجنيد|تفتيش|دهم)(?!\w)")
_BACKED_ATTRIBUTE = _rx(r"(?:مدعوم|موالي|مدعم)\w*")
_PERMITS = _rx(r"(?<!\w)(?:ال)?(?:سماح|سمحت|سمح|يسمح|تسمح|اذن|اذنت|وافقت|وافق|تخول|خولت)(?!\w)")
_TARGETING = frozenset(normalize(w) for w in "استهداف مهاجمة محاربة قتال ضرب حصار الحصار القتال".split())


def _rule_fight_noun(s: _Sentence) -> Iterator[_Found]:
    """"وشنّت حركة الفجر هجومًا واسعًا على مواقع جماعة النور"، "نفّذ التحالف ضربات جوية في
    العراق ضد جماعة النور"، "والفرقة مشغولة بمحاربة جماعة النور"، "دخول تركيا الحرب على
    الجماعة"، "في مواجهة جماعة النور": the actor named before the attack noun fights the
    target named after it (with على/ضد, or right after the noun)."""
    pattern = _rx(
        rf"(?<!\w)(?:ب|ل|و|في\s+)?(?:ال)?(?P<noun>{_FIGHT_NOUN})(?P<mid>(?:\s+(?:في\s+@*|[^\s⟦،.]+)){{0,5}}?)"
        rf"\s*(?P<how>علي|ضد|ل|(?=⟦)|(?={_SIDE.replace('{0,3}', '{1,3}')}⟦))\s*"
    )
    for m in pattern.finditer(s.template):
        direct = s.template.startswith("⟦", m.end()) or s.template.startswith("(⟦", m.end())
        owned = m["how"] == normalize("ل") and _rx(r"(?:ال)?تابع\w*$").search(m["mid"].strip())
        if m["how"] in ("", normalize("ل")) and direct and not owned \
                and (m["mid"].strip() or m["noun"] not in _TARGETING):
            # Without على/ضد the name right after the noun is its target only for a verbal noun
            # whose object it is ("استهداف X"); "هجمات X", "عمليات X" are X's own: then a target
            # held by another ("استهداف طائرات X مناطق خاضعة لسيطرة Y") is X's.
            agent = re.compile(_SLOT).match(s.template, m.end() + (1 if s.template[m.end()] == "(" else 0))
            held = re.compile(rf"\s*{_HELD_BY}{_SLOT}").search(s.template, m.end(), s.clause_bounds(m.end())[1])
            if agent and held and m["noun"] in _TARGETING and _fighters(s, [(int(agent.group(1)), 0)]) \
                    and _fighters(s, [(int(held.group(1)), 0)]) \
                    and s.mentions[int(agent.group(1))].actor_id != s.mentions[int(held.group(1))].actor_id:
                yield _Found(int(agent.group(1)), R.CLASHED_WITH, int(held.group(1)), (m.start(), held.end()), "",
                             "fight-noun")
            continue
        if _NOT_FIGHTING.search(m["mid"]) or _NOT_FIGHTING.match(s.template, m.end("noun")):
            continue
        if s.template[m.start():m.start("noun")].strip() == normalize("ل"):
            continue  # "دعا الجماعة لقتال X": a purpose, not a fight that took place
        if _BACKED_ATTRIBUTE.search(m["mid"]):
            continue  # "بضرب أهداف X المدعومين من Y": Y is X's backer, not the target (but "طائرة تابعة لـ Y" is Y's)
        # "الغارات الجوية التركية على X": the nationality names the one attacking.
        nisba = next((_NISBA[w] for w in m["mid"].split() if w in _NISBA), None)
        found = (nisba, m.start()) if nisba else _subject_before(s, m.start(), 10)
        # A person is no side of a war or a campaign ("اتهم X باستغلال الحرب ضد Y"), only of a killing.
        if found is None or (not nisba and s.type(found[0]) == "person"):
            continue
        subject, at = found
        if _PERMITS.search(s.template, at, m.start()):
            continue  # "وافقت X على السماح للطائرات الأمريكية بشن ضربات": X allows, another strikes
        targets = _fighters(s, _side_list(s, m.end()))
        if m["how"] in ("", normalize("ل")) and targets and _rx(r"\s*ل").match(s.template, targets[0][1]):
            continue  # "استهداف X للمدنيين": X is the one targeting
        if m["how"] == "" and _AIRCRAFT.match(s.template, m.end()):
            # "استهداف طائرات X مناطق خاضعة لسيطرة Y": X's aircraft are the ones targeting.
            held = re.compile(rf"\s*{_HELD_BY}{_SLOT}").search(s.template, m.end(), s.clause_bounds(m.end())[1])
            agent = re.compile(rf"{_AIRCRAFT.pattern}{_SLOT}").match(s.template, m.end())
            if held and agent and _fighters(s, [(int(held.group(1)), 0)]) \
                    and s.mentions[int(agent.group(1))].actor_id != s.mentions[int(held.group(1))].actor_id:
                yield _Found(int(agent.group(1)), R.CLASHED_WITH, int(held.group(1)), (m.start(), held.end()), "",
                             "fight-noun")
            continue
        if not targets:
            # "إسقاط طائرة تابعة لقوات النظام"، "استهداف مناطق خاضعة لسيطرة الجماعة".
            held = re.compile(rf"\s*{_HELD_BY}{_SLOT}").match(s.template, m.end("noun"))
            targets = _fighters(s, [(int(held.group(1)), held.end())]) if held else []
        for slot, end in targets:
            if (s.mentions[subject].actor_id if isinstance(subject, int) else subject) != s.mentions[slot].actor_id:
                yield _Found(subject, R.CLASHED_WITH, slot, (at, end), "", "fight-noun")


def _rule_carried_out_by(s: _Sentence) -> Iterator[_Found]:
    """"قُتل عناصر من حركة النور في غارة نفذها الطيران الروسي"، "بالغارات التي شنتها مقاتلات تركية":
    the one who carried out the attack fights the side named just before it."""
    pattern = _rx(rf"(?<!\w)(?:ب|ل|و|في\s+)?(?:ال)?(?:{_FIGHT_NOUN})(?:\s+[^\s⟦،.]+){{0,2}}?\s+(?:(?:التي|الذي)\s+)?"
                  r"(?:[يت]?نفذ\w*|[يت]?شن\w*)\s+(?:[^\s⟦،.]+\s+){0,2}?@X")
    for m in pattern.finditer(s.template):
        if not _fighters(s, [(int(m["X"]), 0)]):
            continue
        victims = [(slot, at) for slot, at in _fighters(s, s.slots_in(0, m.start()))
                   if len(s.template[at:m.start()].split()) <= 10]
        if victims and s.mentions[victims[-1][0]].actor_id != s.mentions[int(m["X"])].actor_id:
            yield _Found(int(m["X"]), R.CLASHED_WITH, victims[-1][0], (victims[-1][1], m.end()), "", "carried-out-by")


def _rule_between_them(s: _Sentence) -> Iterator[_Found]:
    """"لهجمات من قبل X وY ... حيث تدور اشتباكات بينهم وبين مقاتلي Z"، "بعد اشتباكات دارت بينها وبين Z":
    the side named by the pronoun is the list of actors just before."""
    pattern = _rx(r"(?<!\w)(?:ال)?(?:اشتباكات|اشتباك|معارك|مواجهات|قتال|اقتتال)(?:\s+[^\s⟦،.]+){0,2}?\s+"
                  r"بين(?:هم|ها|هما|ه)\s+وبين\s+")
    for m in pattern.finditer(s.template):
        side_b = _fighters(s, _side_list(s, m.end()))
        near = [(slot, at) for slot, at in _fighters(s, s.slots_in(0, m.start()))
                if len(s.template[at:m.start()].split()) <= 14]
        first = near[-1] if near else None
        if not side_b or first is None:
            continue
        side_a = [first]
        # Walk back through the list the pronoun stands for: "X وY وZ".
        while True:
            prev = [(slot, at) for slot, at in s.slots_in(0, side_a[0][1])]
            if not prev:
                break
            slot, at = prev[-1]
            gap = s.template[at + len(f"⟦{slot}⟧"):side_a[0][1]]
            if not re.fullmatch(rf"{_ADJ}\s*(?:،\s*)?و\s*(?:{_SIDE})", gap) or not _fighters(s, [(slot, at)]):
                break
            side_a.insert(0, (slot, at))
        for a, _ in side_a:
            for b, end in side_b:
                if s.mentions[a].actor_id != s.mentions[b].actor_id:
                    yield _Found(a, R.CLASHED_WITH, b, (side_a[0][1], end), "", "between-them")


def _rule_attack_noun(s: _Sentence) -> Iterator[_Found]:
    """"هجوم لجماعة الفرقان على حواجز الجيش"، "غارات الطيران الروسي على مواقع حركة الفجر"،
    "حملة التحالف ضد تنظيم النصر"، "الحرب على حركة الفجر" its wager named first."""
    pattern = _rx(rf"(?<!\w)(?:ب|ل|و)?(?:ال)?(?:{_ATTACK_NOUN}|الحرب|حرب|هجوم\w*)\s+(?:\S+\s+){{0,2}}?"
                  r"(?:ل\s*|من\s+قبل\s+)?@A"
                  rf"(?P<mid>(?:\s+[^\s⟦،.]+){{0,6}}?)\s+(?:علي|ضد)\s+" + _SIDE + "@B")
    for m in pattern.finditer(s.template):
        if _fighters(s, [(int(m["A"]), 0)]) and s.type(m["B"]) in _PEOPLE_AND_BODIES:
            for slot, end in _fighters(s, _side_list(s, s.slot_at(int(m["B"])))):
                yield _Found(int(m["A"]), R.CLASHED_WITH, slot, (m.start(), end), "", "attack-noun")


# A verbal noun of attacking, after "قام بـ" ("قامت X بقصف Y") or as the object of a light verb.
_ATTACKING = _ar("(?:قصف|استهداف|مهاجمه|ضرب|اقتحام|محاصره|حصار|طرد|اغتيال|خطف|اختطاف)")


_DID = _rx(rf"(?<!\w)[وفب]?(?:ال)?(?:قام|قامت|قاموا|يقوم|تقوم|قيام)\s+"
          rf"(?:{_AGENT_SIDE}|(?:عناصر|مجموعه|مسلحين|مقاتلين)\s+(?:ال)?(?:تابعه|تابعين|من)\s+(?:ل\s*)?)@X{_ADJ}\s+"
          r"(?:[^\s⟦،.]+\s+){0,2}?"
          rf"(?:(?:ب{_ATTACKING})\s+|ب(?:شن|تنفيذ)\s+(?:ال)?{_ATTACK_NOUN}(?:\s+[^\s⟦،.]+){{0,2}}?\s+(?:علي|ضد)\s+)"
          + _SIDE + rf"(?:{_RANK}\s+)*@Y")
_LIGHT_AGAINST = _rx(rf"(?<!\w){_LIGHT_VERB.pattern}\s+(?:{_AGENT_SIDE})@X{_ADJ}\s+(?:ضد|علي)\s+" + _SIDE
            + rf"@Y{_ADJ}\s+(?:[^\s⟦،.]+\s+){{0,2}}?(?:ال)?{_ATTACK_NOUN}(?!\w)")
_ATTACK_BY = _rx(rf"(?<!\w)(?:ال)?(?:{_ATTACK_NOUN})(?:\s+(?:ال)?[^\s⟦،.]+){{0,2}}?\s+(?:التي|الذي)\s+"
               rf"(?:{_verb('شن', 'نفذ', 'اتخذ', objects=True)})\s+(?:[^\s⟦،.]+\s+)?(?:{_AGENT_SIDE})@X{_ADJ}"
               r"\s+(?:ضد|علي)\s+" + _SIDE + "@Y")


def _rule_carried_out_against(s: _Sentence) -> Iterator[_Found]:
    """"قامت قوات الأمن بقصف مواقع الجماعة"، "قام الطيران بشن غارات على الجماعة"، "نفّذ التحالف ضد
    الجماعة ضربات جوية"، "العمليات التي شنّتها قوات الأمن ضد الجماعة": the one carrying out the attack
    fights its target."""
    needs = ((_DID, ("قام", "قيام", "يقوم", "تقوم")), (_LIGHT_AGAINST, ("ضد", "علي")), (_ATTACK_BY, ("التي", "الذي")))
    for m, x, y in _between_fighters(s, needs, "X", "Y"):
        for slot, end in _fighters(s, _side_list(s, s.slot_at(y))):
            if s.mentions[slot].actor_id != s.mentions[x].actor_id:
                yield _Found(x, R.CLASHED_WITH, slot, (m.start(), max(end, m.end())), "", "carried-out-against")


def _between_fighters(s: _Sentence, needs: tuple[tuple[re.Pattern, tuple[str, ...]], ...], first: str,
                      second: str) -> Iterator[tuple[re.Match, int, int]]:
    """Each match of a pattern in ``needs`` whose two groups ``first`` and ``second`` are different actors that
    can fight (``_fighters``): the match and the two slots. Each pattern needs one of its words, which most
    sentences lack: a cheap test first (the rules run on every sentence)."""
    for pattern, words in needs:
        if not any(w in s.template for w in words):
            continue
        for m in pattern.finditer(s.template):
            x, y = int(m[first]), int(m[second])
            if _fighters(s, [(x, 0)]) and _fighters(s, [(y, 0)]) and s.mentions[x].actor_id != s.mentions[y].actor_id:
                yield m, x, y


def _heads(s: _Sentence, m: re.Match) -> bool:
    """Whether the person a title names is a name: "قادة داعش ارتكبوا" (plural leaders, then a verb
    discovery took for a name) and "زعيم الحزب ورجل الأعمال X" (a new item) name nobody."""
    return m["title"] != normalize("قاده") and _a_name(s, int(m["P"]))


_PLACE_NOUN = _rx(r"[وبل]?(?:ريف|مدينه|محافظه|منطقه|بلده|قريه|حي|مساء|صباح|يوم|ليل|ليله|فجر|ظهر)(?!\w)")


def _a_name(s: _Sentence, slot: int) -> bool:
    """Whether a person's mention reads as a name: discovery may take "ورجل الأعمال" (a new item),
    "لقوى الثورة" (the body's name going on), "بريف دمشق" (a place) or "مساء الأربعاء" (a time) for one."""
    if not s.actor(slot).discovered:
        return True
    written = normalize(s.mentions[slot].text)
    return not written.startswith(("و", "ل")) and not _PLACE_NOUN.match(written)


def _rule_commander(s: _Sentence) -> Iterator[_Found]:
    """"قائد ميليشيا الباقر (خالد الحسن العلوش)"، "رئيس فرع المخابرات الجوية في حلب العقيد (علي ديوب حسن)"."""
    pattern = _rx(
        # Not a deputy ("نائب رئيس"): only the head leads.
        rf"(?<!\w)(?<!نايب )[وفل]?(?:ال)?"
        rf"(?P<title>قائد|زعيم|امير|امين عام|الامين العام|رئيس فرع|رئيس|مؤسس|احد قاده|(?:من\s+)?(?:ابرز\s+)?قاده)"
        rf"(?:\s+(?:العسكري|الميداني|العام))?(?:\s+(?:في|ل))?\s*(?:MIL\s+|كتائب\s+)?@A{_ADJ}"
        rf"(?:\s*(?:ال)?(?:تابع|تابعه)\s+ل\s*@*|\s+ل@*)?(?:\s+في\s+(?:@*|[^\s⟦،.]+(?:\s+[^\s⟦،.]+)?))?\s*،?\s*"
        rf"(?:\(\s*)?(?:{_RANK}\s+)*\(?\s*@P"
    )
    for m in pattern.finditer(s.template):
        # A state's head is a post of a state official, not a group's leader.
        if s.type(m["P"]) == "person" and s.type(m["A"]) in _ACTORS - {"state"} and _heads(s, m):
            title = m["title"]
            qualifier = ""
            if normalize("فرع") in title:
                qualifier = "head of a branch"
            elif normalize("مؤسس") in title:
                qualifier = "founder"
            yield _Found(int(m["A"]), R.LED_BY, int(m["P"]), (m.start(), m.end()), qualifier, "commander")
    reverse = _rx(r"@P\s*،?\s*(?:ال)?(?:قائد|زعيم|امير|احد\s+قاده)\s+(?:(?:ال)?(?:عسكري|ميداني)\s+)?(?:في\s+|ل\s*)?"
                  r"(?:MIL\s+)?@A")
    for m in reverse.finditer(s.template):
        if s.type(m["P"]) == "person" and s.type(m["A"]) in _ACTORS and _a_name(s, int(m["P"])):
            yield _Found(int(m["A"]), R.LED_BY, int(m["P"]), (m.start(), m.end()), "", "commander")


def _rule_led_by(s: _Sentence) -> Iterator[_Found]:
    """"X بقيادة Y"; "X تشكلت منتصف عام 2013 بقيادة المهندس محمد سعيد" (its founder)."""
    pattern = _rx(
        rf"@A{_ADJ}\s+(?:(?P<formed>تشكلت|تشكل|تاسست|تاسس|انشئت|انشئ)\s+[^⟦،.]{{0,40}}?\s*)?"
        rf"(?:بقياده|بزعامه|بامره|برئاسه)\s+(?:{_RANK}\s+|ال\w+\s+){{0,3}}@P"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) in _GROUPS and s.type(m["P"]) in {"person", "armed_group", "force"}:
            qualifier = "founder (led it at its formation)" if m["formed"] else ""
            yield _Found(int(m["A"]), R.LED_BY, int(m["P"]), (m.start(), m.end()), qualifier, "led-by")


def _first_state_before(s: _Sentence, index: int) -> int | None:
    """The subject of an implicit verb ("التي شكّلتها"): the first state of the clause or,
    failing that, of the nearest earlier clause that names one (Arabic puts the subject
    right after the verb, so the first state of a clause is its likeliest subject)."""
    begin, _ = s.clause_bounds(index)
    end = index
    while True:
        states = [slot for slot, _ in s.slots_in(begin, end) if s.type(slot) == "state"]
        if states:
            return states[0]
        if begin <= 0:
            return None
        end = begin - 1
        begin, _ = s.clause_bounds(max(end - 1, 0))


def _collective_agent(s: _Sentence, begin: int, end: int) -> tuple[int | str, str] | None:
    """Who did something in template[begin:end]: a named actor, else "الميليشيات الإيرانية"."""
    slots = [slot for slot, _ in s.slots_in(begin, end) if s.type(slot) in {"state", "force"}]
    if slots:
        return slots[-1], ""
    found = None
    for m in re.finditer(_ar(r"MIL\s+(?P<nisba>ال\w+)"), s.template[begin:end]):
        if m["nisba"] in _NISBA:
            found = (_NISBA[m["nisba"]], f"through its militias ({m.group()})")
    return found


def _rule_formed(s: _Sentence) -> Iterator[_Found]:
    """Who formed a group: "الفيلق الخامس الذي شكلته روسيا ضمن جيش النظام" and kin."""
    explicit = _rx(
        r"@A\s+(?:الذي|التي|الذين)\s+(?:شكلته|شكلتها|شكله|شكلها|شكلوه|اسسته|اسسه|انشاته|انشاه)\s+@B"
        r"(?:\s+ضمن\s+@C)?"
    )
    for m in explicit.finditer(s.template):
        if s.type(m["A"]) in _GROUPS and s.type(m["B"]) in _ACTORS:
            yield _Found(int(m["A"]), R.FORMED_BY, int(m["B"]), (m.start(), m.end("B") + 1), "", "formed")
            if m["C"] is not None and s.type(m["C"]) in _GROUPS:
                yield _Found(int(m["A"]), R.PART_OF, int(m["C"]), (m.start(), m.end()), "within it", "formed")
    passive = _rx(r"@A\s+(?:ال)?(?:مشكل|مشكله|المشكله)\s+من\s+قبل\s+@B")
    for m in passive.finditer(s.template):
        if s.type(m["A"]) in _GROUPS and s.type(m["B"]) in _ACTORS:
            yield _Found(int(m["A"]), R.FORMED_BY, int(m["B"]), (m.start(), m.end()), "", "formed")
    # "عبر الفيالق التي شكّلتها وأهمها الفيلق الخامس": the agent is the verb's implicit subject.
    implicit = _rx(r"(?:التي|الذي)\s+(?:شكلتها|شكلته|شكلها|شكله)\s+و?(?:اهمها|ابرزها|منها)\s+@A")
    for m in implicit.finditer(s.template):
        agent = _first_state_before(s, m.start())
        if agent is not None and s.type(m["A"]) in _GROUPS:
            anchor = next(at for slot, at in s.slots_in(0, m.start()) if slot == agent)
            yield _Found(int(m["A"]), R.FORMED_BY, agent, (anchor, m.end()), "", "formed-implicit")
    # "إضافة لميليشيات أخرى مشكلة من قبل روسيا في حلب من بينها الدفاع الوطني": the named
    # ones are formed by Russia; the groups listed just before are "other" such militias.
    others = _rx(r"MIL\s+اخري\s+(?:مشكله|شكلتها|شكلها|مدعومه)\s+من\s+(?:قبل\s+)?@S(?:\s+في\s+@*)?")
    for m in others.finditer(s.template):
        if s.type(m["S"]) not in _ACTORS:
            continue
        among = _rx(r"\s+(?:من بينها|منها|ومنها)").match(s.template, m.end())
        if among:
            for slot, end in _list_after(s, among.end()):
                if s.type(slot) in _GROUPS:
                    yield _Found(slot, R.FORMED_BY, int(m["S"]), (m.start(), end), "", "formed-others")
        begin, _ = s.clause_bounds(m.start())
        for slot, at in s.slots_in(begin, m.start()):
            if s.type(slot) in _GROUPS:
                yield _Found(slot, R.BACKED_BY, int(m["S"]), (at, m.end()),
                             'listed before "other militias formed by" it', "formed-others")


def _rule_new_formation(s: _Sentence) -> Iterator[_Found]:
    """"أطلقت على التشكيل الجديد اسم فجر الإسلام ويضم عناصر من ...، وقد منح الحرس الثوري فيها ..."."""
    pattern = _rx(
        r"(?<!\w)(?:اطلقت|اطلق|اطلقوا)\s+علي\s+(?:التشكيل|الميليشيا|الفصيل|التنظيم)\s+الجديد(?:ه)?\s+(?:اسم\s+)?@A"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) not in _GROUPS:
            continue
        begin, _ = s.clause_bounds(m.start())
        agent = _collective_agent(s, begin, m.start())
        if agent is not None:
            yield _Found(int(m["A"]), R.FORMED_BY, agent[0], (begin, m.end()), agent[1], "new-formation")
        grant = _rx(r"(?<!\w)(?:و?قد\s+)?منح(?:ت)?\s+@G\s+فيها").search(s.template, m.end())
        if grant and s.type(grant["G"]) in {"state", "force"}:
            yield _Found(int(m["A"]), R.BACKED_BY, int(grant["G"]), (m.start(), grant.end()),
                         "assigns its leadership", "new-formation")


def _rule_members(s: _Sentence) -> Iterator[_Found]:
    """"فجر الإسلام ويضمُّ عناصرَ من مرتزقة حركة النجباء، ولواء فاطميون، وحزب الله"; "غرفة عمليات
    الشمال التي تضم فصائل أبرزها X وY"; "جيش النصر -المؤلف من فصائل أهمها X وY-"; "المكوّن من X وY"."""
    pattern = _rx(r"@A(?:\s+ال\w+)?\s*[-–(]?\s*(?:(?:الذي|التي)\s+)?و?(?:يضم|تضم|يتالف|تتالف|يتكون|تتكون|"
                  r"(?:ال)?(?:مؤلف|مؤلفه|مكون|مكونه))\s+(?:من\s+)?"
                  r"(?:(?:[^\s⟦،.]+\s+){0,4}?(?:ابرزها|اهمها|بينها|منها|ابرزهم|اهمهم)\s+)?(?=\S)")
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) not in _GROUPS:
            continue
        for slot, end in _list_after(s, m.end()) or _side_list(s, m.end()):
            if s.type(slot) in _GROUPS and s.mentions[slot].actor_id != s.mentions[int(m["A"])].actor_id:
                yield _Found(slot, R.PART_OF, int(m["A"]), (m.start(), end), "elements of it", "members")


def _rule_spokesman(s: _Sentence) -> Iterator[_Found]:
    """"أبو حمزة القرشي الناطق باسم داعش"."""
    pattern = _rx(r"@P\s*،?\s*(?:ال)?(?:ناطق|متحدث)(?:\s+الرسمي)?\s+(?:باسم|عن)\s+@A")
    for m in pattern.finditer(s.template):
        if s.type(m["P"]) == "person" and s.type(m["A"]) in _ACTORS:
            yield _Found(int(m["P"]), R.AFFILIATED_WITH, int(m["A"]), (m.start(), m.end()), "spokesman", "spokesman")


def _rule_ties(s: _Sentence) -> Iterator[_Found]:
    """"محمد سعيد، والذي كان له علاقاته القوية مع المخابرات الجوية"."""
    pattern = _rx(
        r"@P\s*،?\s*و?(?:الذي|التي)\s+(?:كان|كانت)\s+(?:له|لها)\s+(?:علاقات|علاقاته|علاقاتها|علاقه)"
        r"(?:\s+(?P<how>ال\w+))?\s+(?:مع|ب)\s*@B"
    )
    for m in pattern.finditer(s.template):
        if s.type(m["P"]) in _PEOPLE_AND_BODIES and s.type(m["B"]) in _ACTORS:
            qualifier = "strong relations" if m["how"] == normalize("القوية") else "relations"
            yield _Found(int(m["P"]), R.AFFILIATED_WITH, int(m["B"]), (m.start(), m.end()), qualifier, "ties")


def _rule_taken_over(s: _Sentence) -> Iterator[_Found]:
    """"استولت روسيا على ميليشيا لواء القدس": a state taking a group over as its own tool."""
    pattern = _rx(r"(?<!\w)(?:استولت|استولي|سيطرت)\s+@S\s+علي\s+(?:MIL\s+)?@A")
    for m in pattern.finditer(s.template):
        if s.type(m["S"]) == "state" and s.type(m["A"]) == "armed_group":
            yield _Found(int(m["A"]), R.BACKED_BY, int(m["S"]), (m.start(), m.end()), "taken over by it",
                         "taken-over")


# A name that starts with a unit noun: "الفرقة الرابعة"، "لواء الحرس"، "الكتيبة 20".
_UNIT_NAME = _rx(r"[وبل]?(?:ال)?(?:فرقه|فوج|لواء|كتيبه|سريه)(?!\w)")


def _rule_unit_of(s: _Sentence) -> Iterator[_Found]:
    """"جبهة الشام ذراع تنظيم القاعدة"، "X، الجناح العسكري لحزب Y"، "وحدات النساء التابعة لها" (the
    group named just before), "الهيئة العامة للمجلس الوطني" (a body of a body): part of it."""
    arm = _rx(rf"@A{_ADJ}\s*[،(]?\s*(?:و?(?:هو|هي)\s+)?"
              r"(?:ال)?(?:ذراع|فرع|جناح|الذراع\s+العسكري|الجناح\s+العسكري|الذراع\s+العسكريه)"
              r"(?:\s+ال\w+(?:ي|يه))?\s+(?:ل\s*)?@B")
    for m in arm.finditer(s.template):
        if s.type(m["A"]) in _GROUPS | {"organisation"} and s.type(m["B"]) in _ACTORS:
            yield _Found(int(m["A"]), R.PART_OF, int(m["B"]), (m.start(), m.end()), "", "unit-of")
    its = _rx(rf"@A{_ADJ}\s*،?\s*(?:ال)?(?:تابع|تابعه|منضويه|منضوي)\s+(?:له|لها|اليها|اليه|فيها|فيه)(?!\w)")
    for m in its.finditer(s.template):
        if s.type(m["A"]) not in _GROUPS | {"organisation"}:
            continue
        owners = [slot for slot, _ in s.slots_in(0, m.start())
                  if s.type(slot) in _GROUPS | {"organisation"}
                  and s.mentions[slot].actor_id != s.mentions[int(m["A"])].actor_id]
        if owners:
            yield _Found(int(m["A"]), R.PART_OF, owners[-1], (s.slot_at(owners[-1]), m.end()), "", "unit-of")
    branch = _rx(r"@A\s*\(\s*@B\s+في\s+")
    for m in branch.finditer(s.template):
        # "جبهة الشام (تنظيم القاعدة في بلاد الشام)": the other's branch in a region.
        if s.type(m["A"]) in _GROUPS and s.type(m["B"]) in _GROUPS:
            yield _Found(int(m["A"]), R.PART_OF, int(m["B"]), (m.start(), m.end()), "", "unit-of")
    inside = _rx(rf"@A{_ADJ}\s+في\s+@B")
    for m in inside.finditer(s.template):
        if _UNIT_NAME.match(normalize(s.mentions[int(m["A"])].text)) and s.type(m["A"]) in _GROUPS \
                and s.type(m["B"]) in _GROUPS and s.mentions[int(m["A"])].actor_id != s.mentions[int(m["B"])].actor_id:
            yield _Found(int(m["A"]), R.PART_OF, int(m["B"]), (m.start(), m.end()), "", "unit-of")
            continue
        # "شعبة التجنيد في الإدارة الذاتية": a body within a body.
        if s.type(m["A"]) == "organisation" and s.type(m["B"]) == "organisation" and s.actor(m["A"]).discovered:
            yield _Found(int(m["A"]), R.PART_OF, int(m["B"]), (m.start(), m.end()), "", "body-of")
    body = _rx(r"@A\s+ل?@B")
    text = s.article.text
    for m in body.finditer(s.template):
        b = s.mentions[int(m["B"])]
        governed = b.start and text[b.start - 1] in "لـ" or normalize(b.text).startswith("لل")
        if governed and s.type(m["A"]) == "organisation" and s.type(m["B"]) in {"organisation", "armed_group"}:
            yield _Found(int(m["A"]), R.PART_OF, int(m["B"]), (m.start(), m.end()), "", "body-of")


def _rule_backing_phrase(s: _Sentence) -> Iterator[_Found]:
    """"سيطرت الجماعة على البلدة بدعم من الطيران الروسي"، "بغطاء جوي من التحالف"، "بمساندة من
    حزب الله": the group acting in the clause is backed by the one named."""
    # "بدعم من X" is X's backing; "بدعم X" may be the backing of X ("قامت بدعم X"): only with من.
    pattern = _rx(r"(?<!\w)و?(?:(?:بدعم|بمساند\w*|باسناد)(?:\s+(?:جوي|مدفعي|ناري|عسكري))?\s+من\s+|"
                  r"(?:بغطاء|بتغطيه)(?:\s+(?:جوي|مدفعي|ناري|عسكري))?\s+(?:من\s+)?)"
                  r"(?:(?:[^\s⟦،.]+\s+){0,4}?(?:التي|الذي)\s+(?:ينفذها|تنفذها|يشنها|تشنها|نفذها|شنها)\s+)?"
                  + _SIDE + "@B")
    for m in pattern.finditer(s.template):
        if s.type(m["B"]) not in _ACTORS:
            continue
        groups = [(slot, at) for slot, at in s.slots_in(0, m.start()) if s.type(slot) in _GROUPS
                  and not _NOT_AGENT.search(s.template, 0, at)
                  and s.mentions[slot].actor_id != s.mentions[int(m["B"])].actor_id]
        if groups and len(s.template[groups[-1][1]:m.start()].split()) <= 25:
            slot, at = groups[-1]
            for b, end in _fighters(s, _side_list(s, s.slot_at(int(m["B"])))):
                yield _Found(slot, R.BACKED_BY, b, (at, end), "", "backing-phrase")


def _rule_backs(s: _Sentence) -> Iterator[_Found]:
    """"إيران تدعم الجماعة"، "دعمت روسيا الحركة"، "دعم إيران لحزب النور"، "الميليشيات الداعمة لحركة
    النور"، "سلّحت الولايات المتحدة الفصيل": the object is backed by the subject."""
    verbs = "(?:تدعم|يدعم|دعمت|دعم|تساند|يساند|ساندت|ساند|تسلح|يسلح|سلحت|تمول|يمول|مولت)"
    svo = _rx(rf"@B\s+(?:[^\s⟦،.]+\s+){{0,2}}?{verbs}\s+" + _SIDE + "@A")
    vso = _rx(rf"(?<!\w)و?{verbs}\s+@B\s+" + _SIDE + "@A")
    noun = _rx(r"(?<!\w)(?:ب|ل|و)?(?:ال)?(?:دعم|مسانده|تسليح|تمويل)\s+@B\s+ل\s*@A")
    # "إيران لم تتخلّ عن دعم حركة النور"، "تريد موسكو التخلص من مساندتها للحركة": the backer is
    # the actor acting before the noun, the backed one follows it.
    owned = _rx(r"(?<!\w)(?:ب|ل|و|عن\s+)?(?:ال)?(?:دعم|مسانده|مساندت|تسليح|تمويل)(?:ها|ه|هم)?"
                r"(?:\s+(?:ال)?(?:جوي|عسكري|مالي|لوجستي|مباشر))?\s+(?:(?:الي|ل)\s*)?@A(?!\s*ل)")
    for m in owned.finditer(s.template):
        backer = _subject_before(s, m.start(), 14)
        # A backer named this far back is a state or a force ("موسكو تريد ... مساندتها لـ X").
        if backer and s.type(m["A"]) in _PEOPLE_AND_BODIES and s.type(backer[0]) in {"state", "force"} \
                and s.mentions[int(m["A"])].actor_id != s.mentions[backer[0]].actor_id:
            yield _Found(int(m["A"]), R.BACKED_BY, backer[0], (backer[1], m.end()), "", "backs")
    participle = _rx(rf"@B{_ADJ}\s*،?\s*(?:و?(?:هي|هو)\s+)?(?:(?:من|احد|احدي)\s+)?(?:(?:ال)?(?:ابرز|اكبر|اهم|اشد)\s+)?"
                     r"(?:ال)?(?:داعم|داعمه|داعمين|داعمي)(?:\s+(?:ال)?(?:رئيسي|رئيسيين|رئيسيه|اساسي|اساسيين|اكبر|اول))?"
                     r"\s+ل\s*@A")
    relative = _rx(rf"@B{_ADJ}\s*،?\s*(?:التي|الذي)\s+(?:كانت\s+|كان\s+)?{verbs}\s+" + _SIDE + "@A")
    for pattern in (svo, vso, noun, participle, relative):
        for m in pattern.finditer(s.template):
            if s.type(m["B"]) in _ACTORS and s.type(m["A"]) in _PEOPLE_AND_BODIES - {"state"} \
                    and s.mentions[int(m["A"])].actor_id != s.mentions[int(m["B"])].actor_id:
                yield _Found(int(m["A"]), R.BACKED_BY, int(m["B"]), (m.start(), m.end()), "", "backs")


# Roles in a body: "الناطق باسم X"، "القيادي في X"، "عضو X"، "العقيد في X".
_ROLE = _ar(r"(?:(?:ال)?(?:ناطق|متحدث|شرعي|قيادي|مسؤول|عضو|سفير|مستشار|ضابط|عقيد|عميد|مقدم|رائد|نقيب|عنصر))"
            r"(?:\s+(?:الاعلامي|العسكري|الرسمي|السياسي|السابق|البارز))?")


def _rule_role_in(s: _Sentence) -> Iterator[_Found]:
    """"القيادي في جبهة النور أحمد سعيد"، "أحمد سعيد، المسؤول الإعلامي في حركة النور"، "العقيد في
    القوات الخاصة سامي علي"، "سامي علي الضابط في القوى الجوية": the person is affiliated with the body."""
    before = _rx(rf"(?<!\w)[وفل]?{_ROLE}\s+(?:باسم|في|عن|لدي|ل)?\s*@A{_ADJ}(?:\s+(?:ال)?معارض\w*)?"
                 # "عضو الهيئة السياسية للائتلاف X": the role is in the first body, of the second
                 rf"(?:\s*ل\s*@*{_ADJ}(?:\s+(?:ال)?معارض\w*)?)?\s*،?\s*@P")
    # Not when a person follows: "قريب الرئيس X العقيد في Y سامي": the role is the next one's.
    after = _rx(rf"@P\s*،?\s*{_ROLE}\s+(?:باسم|في|عن|لدي|ل)?\s*@A(?!{_ADJ}\s*،?\s*{_SLOT})")
    for pattern in (before, after):
        for m in pattern.finditer(s.template):
            if s.type(m["P"]) == "person" and s.type(m["A"]) in _ACTORS - {"state"} and _a_name(s, int(m["P"])):
                yield _Found(int(m["P"]), R.AFFILIATED_WITH, int(m["A"]), (m.start(), m.end()), "", "role-in")


def _rule_among_them(s: _Sentence) -> Iterator[_Found]:
    """"قتل عناصر من حركة النور بينهم القيادي أحمد سعيد"، "أسر مقاتلين من الجبهة، منهم الضابط سامي
    علي": the person named among the group's members holds a role in it."""
    pattern = _rx(rf"@A{_ADJ}\s*،?\s*و?(?:بينهم|منهم|بينهما|ومنهم|من\s+بينهم)\s+(?:{_ROLE}\s+)(?:{_RANK}\s+)*@P")
    for m in pattern.finditer(s.template):
        if s.type(m["P"]) == "person" and s.type(m["A"]) in _ACTORS - {"state"} and _a_name(s, int(m["P"])):
            yield _Found(int(m["P"]), R.AFFILIATED_WITH, int(m["A"]), (m.start(), m.end()), "", "among-them")


def _rule_founded(s: _Sentence) -> Iterator[_Found]:
    """"أعلن حزب النور تأسيس مجلس الشمال"، "شكّلت الحركة لجنة التحقيق"، "تشكيل الائتلاف لهيئة
    الأركان": the body set up is formed by the one who set it up."""
    verb = _rx(r"(?<!\w)و?(?:اسس|اسست|شكل|شكلت|انشا|انشات|اعلن|اعلنت)\s+@X(?:\s*[^\s.]+){0,9}?\s+"
               r"(?:عن\s+)?(?:تاسيس|تشكيل|انشاء|اقامه)\s+@Y")
    direct = _rx(r"(?<!\w)و?(?:اسس|اسست|شكل|شكلت|انشا|انشات)\s+@X\s+@Y")
    noun = _rx(r"(?<!\w)(?:ب|ل|و)?(?:ال)?(?:تاسيس|تشكيل|انشاء|اقامه|تكوين)\s+@X\s+ل\s*@Y")
    agent = _rx(r"@X\s+(?:[^\s⟦،.]+\s+){0,3}?(?:في|ب|من)\s*(?:تاسيس|تشكيل|انشاء|تكوين)\s+(?:MIL\s+|لواء\s+)?@Y")
    for pattern in (verb, direct, noun, agent):
        for m in pattern.finditer(s.template):
            if s.type(m["X"]) in _ACTORS | {"person"} and s.type(m["Y"]) in _GROUPS | {"organisation"} \
                    and s.mentions[int(m["X"])].actor_id != s.mentions[int(m["Y"])].actor_id:
                yield _Found(int(m["Y"]), R.FORMED_BY, int(m["X"]), (m.start(), m.end()), "", "founded")


def _rule_besieged_by(s: _Sentence) -> Iterator[_Found]:
    """"بات التنظيم محاصرًا من قوات الأمن"، "تعرّضت مواقع الحركة لهجمات من قبل الجماعة": the one
    named after "من (قبل)" attacks the one the clause is about."""
    pattern = _rx(r"(?<!\w)(?:محاصر\w*|مستهدف\w*|(?:يتعرض|تتعرض|تعرض|تعرضت)\s+ل\w+)(?:\s+[^\s⟦،.]+){0,4}?\s+"
                  r"من\s+(?:قبل\s+)?" + _SIDE + "@X")
    for m in pattern.finditer(s.template):
        relative = _rx(r"(?:و?(?:التي|الذي|الذين)\s+)$").search(s.template, 0, m.start())
        if relative:
            # "... X التي تتعرض لهجمات من قبل Y": the relative pronoun's antecedent, right before it.
            just = re.search(rf"{_SLOT}{_ADJ}\s*،?\s*$", s.template[:relative.start()])
            victim = (int(just.group(1)), just.start()) if just else None
            victim = victim if victim and _fighters(s, [victim]) else None
        else:
            victim = _subject_before(s, m.start(), 14)
            others = [(slot, at) for slot, at in _fighters(s, s.slots_in(0, m.start()))
                      if s.mentions[slot].actor_id != s.mentions[int(m["X"])].actor_id]
            if victim is None and len(others) == 1:
                victim = others[0]  # the one actor the sentence is about, named further back
        if victim is None or not _fighters(s, [(int(m["X"]), 0)]):
            continue
        for x, end in _fighters(s, _side_list(s, s.slot_at(int(m["X"])))):
            if s.mentions[x].actor_id != s.mentions[victim[0]].actor_id:
                yield _Found(x, R.CLASHED_WITH, victim[0], (victim[1], end), "", "besieged-by")


_LEADS_PROGRAMME = _verb("قاد", "قود", "دار", "دير", "رعا", "اطلق", objects=True)  # تقوده، يديره، ترعاه


def _rule_trained_passive(s: _Sentence) -> Iterator[_Found]:
    """"مقاتلو الفرقة المدرَّبون من قبل الولايات المتحدة"، "الفصيل الذي درّبته تركيا"، "تدرّب عناصر
    الفرقة على أيدي خبراء روس": trained by."""
    participle = _rx(rf"@A{_ADJ}\s*،?\s*(?:ال)?(?:مدرب|مدربه|مدربين|مدربون)\s+(?:من\s+(?:قبل\s+)?|علي\s+(?:ايدي|يد)\s+)"
                     + _SIDE + "@B")
    relative = _rx(rf"@A{_ADJ}\s*،?\s*(?:الذي|التي|الذين)\s+(?:(?:كان|كانت)\s+)?{_verb('درب', objects=True)}\s+"
                   + _SIDE + "@B")
    hands = _rx(r"@A\s+(?:[^\s⟦،.]+\s+){0,2}?(?:تدرب|تدربوا|تدربت|تلقوا\s+تدريبات?|تلقي\s+تدريبا)\s+"
                r"(?:[^\s⟦،.]+\s+){0,3}?(?:علي\s+(?:ايدي|يد)|من\s+قبل|لدي|"
                # "تلقوا تدريبات ضمن برنامج تقوده X": the one leading the training programme
                rf"(?:ضمن|في\s+اطار|عبر)\s+(?:ال)?برنامج\s+(?:\S+\s+)?{_LEADS_PROGRAMME})\s+"
                + _SIDE + "@B")
    # "الولايات المتحدة التي دربت قوات الفرقة": the trainer named first, the relative clause acting.
    trainer_first = _rx(r"@B\s*،?\s*(?:التي|الذي)\s+(?:دربت|درب|تدرب|يدرب|كانت\s+دربت)\s+" + _SIDE + "@A")
    for pattern in (participle, relative, hands, trainer_first):
        for m in pattern.finditer(s.template):
            if s.type(m["A"]) in _GROUPS | {"person"} and s.type(m["B"]) in _ACTORS \
                    and s.mentions[int(m["A"])].actor_id != s.mentions[int(m["B"])].actor_id:
                yield _Found(int(m["A"]), R.TRAINED_BY, int(m["B"]), (m.start(), m.end()), "", "trained-passive")


def _rule_led_relative(s: _Sentence) -> Iterator[_Found]:
    """"جبهة الشمال التي يقودها أحمد سعيد"، "الفصيل الذي يتزعمه أبو خالد": led by."""
    pattern = _rx(rf"@A{_ADJ}\s*،?\s*(?:الذي|التي)\s+(?:يقودها|يقوده|تقوده|تقودها|يتزعمها|يتزعمه|يتراسها|يتراسه|يراسها|"
                  rf"يراسه)\s+(?:{_RANK}\s+)*@P")
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) in _ACTORS - {"state"} and s.type(m["P"]) in _PEOPLE_AND_BODIES \
                and s.mentions[int(m["A"])].actor_id != s.mentions[int(m["P"])].actor_id:
            yield _Found(int(m["A"]), R.LED_BY, int(m["P"]), (m.start(), m.end()), "", "led-relative")


def _rule_ally(s: _Sentence) -> Iterator[_Found]:
    """"حزب النور، حليف حركة الفجر"، "الجماعة الحليفة لإيران": allied with (mutual)."""
    pattern = _rx(rf"@A{_ADJ}\s*،?\s*(?:(?:كان|كانت|كانوا|يعد|تعد|يعتبر|تعتبر|بات|باتت)\s+)?(?:(?:من|احد|احدي)\s+)?"
                  r"(?:(?:ال)?(?:اشد|ابرز|اقرب|اهم|اكبر)\s+)?(?:ال)?(?:حليف|حليفه|حلفاء|حليفا)"
                  r"(?:\s+(?:مهم|مهما|استراتيجي|استراتيجيا|رئيسي|رئيسيا|وثيق|وثيقا))?\s+(?:ل\s*)?@B")
    # "يعاني حليف إيران بشار الأسد": the ally named after whose ally he is.
    named_after = _rx(r"(?<!\w)و?(?:ال)?(?:حليف|حليفه)\s+@B\s*،?\s*@A")
    for m in (*pattern.finditer(s.template), *named_after.finditer(s.template)):
        if s.type(m["A"]) in _PEOPLE_AND_BODIES and s.type(m["B"]) in _PEOPLE_AND_BODIES \
                and s.mentions[int(m["A"])].actor_id != s.mentions[int(m["B"])].actor_id:
            yield _Found(int(m["A"]), R.AFFILIATED_WITH, int(m["B"]), (m.start(), m.end()), "ally", "ally")


def _rule_killed_by(s: _Sentence) -> Iterator[_Found]:
    """"مقتل ثلاثة عناصر من حركة الفجر بنيران قوات الأمن"، "قُتل قيادي في الجماعة بغارة للطيران
    الروسي"، "سقط قتلى في صفوف الجماعة على أيدي الحركة": the one firing fights the one hit."""
    pattern = _rx(r"(?<!\w)[وب]?(?:مقتل|قتل|سقوط|سقط|اصابه|اصيب|جرح|اسر|خطف|اختطاف|اعتقال)(?:\s+[^\s⟦،.]+){0,4}?\s+"
                  r"(?:من|في\s+صفوف|في)\s+" + _SIDE
                  + r"@V(?:\s+[^\s⟦،.]+){0,6}?\s+(?:بنيران|برصاص|بقصف|بغاره|بغارات|بقذيفه|بقذايف|علي\s+(?:يد|ايدي)|"
                  r"في\s+(?:غاره|غارات|هجوم|كمين|قصف)(?:\s+[^\s⟦،.]+){0,2}?\s+(?:ل|شنه|شنها|نفذه|نفذها))\s*"
                  + _SIDE + "@X")
    for m in pattern.finditer(s.template):
        if _fighters(s, [(int(m["V"]), 0)]) and _fighters(s, [(int(m["X"]), 0)]) \
                and s.mentions[int(m["V"])].actor_id != s.mentions[int(m["X"])].actor_id:
            yield _Found(int(m["X"]), R.CLASHED_WITH, int(m["V"]), (m.start(), m.end()), "", "killed-by")


def _rule_one_of(s: _Sentence) -> Iterator[_Found]:
    """"لواء النصر، أحد فصائل جيش الشمال"، "وهي إحدى أبرز فصائل الجبهة": part of it."""
    pattern = _rx(rf"@A{_ADJ}\s*،?\s*(?:و?(?:هو|هي)\s+)?(?:احد|احدي|ابرز|اكبر|كبري|اهم)\s+(?:ابرز\s+|اكبر\s+|اهم\s+)?"
                  r"(?:فصائل|مكونات|الويه|كتائب|تشكيلات|اجنحه|فروع|الفصائل\s+المنضويه\s+في)\s+@B")
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) in _GROUPS | {"organisation"} and s.type(m["B"]) in _GROUPS | {"organisation"} \
                and s.mentions[int(m["A"])].actor_id != s.mentions[int(m["B"])].actor_id:
            yield _Found(int(m["A"]), R.PART_OF, int(m["B"]), (m.start(), m.end()), "", "one-of")


def _rule_receives_backing(s: _Sentence) -> Iterator[_Found]:
    """"حركة الفجر التي تحظى بدعم تركيا"، "تتلقى الجماعة تمويلًا من إيران": backed by."""
    pattern = _rx(rf"@A{_ADJ}\s*،?\s*(?:(?:التي|الذي)\s+)?(?:تحظي|يحظي|حظيت|تتلقي|يتلقي|تلقت|تلقي)\s+"
                  r"(?:ب)?(?:دعم|دعما|تاييد|تاييدا|تمويلا|تمويل|مساعدات|اسلحه|سلاحا)(?:\s+[^\s⟦،.]+){0,2}?\s+(?:من\s+(?:قبل\s+)?)?@B")
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) in _PEOPLE_AND_BODIES - {"state"} and s.type(m["B"]) in _ACTORS \
                and s.mentions[int(m["A"])].actor_id != s.mentions[int(m["B"])].actor_id:
            yield _Found(int(m["A"]), R.BACKED_BY, int(m["B"]), (m.start(), m.end()), "", "receives-backing")


def _rule_counted_with(s: _Sentence) -> Iterator[_Found]:
    """"كتيبة الحق المحسوبة على جبهة النور": counted with it, an affiliation."""
    pattern = _rx(rf"@A{_ADJ}\s*،?\s*(?:ال)?(?:محسوب|محسوبه|محسوبين)\s+علي\s+@B")
    for m in pattern.finditer(s.template):
        if s.type(m["A"]) in _PEOPLE_AND_BODIES and s.type(m["B"]) in _PEOPLE_AND_BODIES \
                and s.mentions[int(m["A"])].actor_id != s.mentions[int(m["B"])].actor_id:
            yield _Found(int(m["A"]), R.AFFILIATED_WITH, int(m["B"]), (m.start(), m.end()), "", "counted-with")


def _rule_leads(s: _Sentence) -> Iterator[_Found]:
    """"سامي علي، الذي يقود جبهة النور"، "يتزعم أبو خالد الحركة منذ 2014": led by."""
    relative = _rx(r"@P\s*،?\s*(?:الذي|والذي)\s+(?:يقود|قاد|يتزعم|تزعم|يتراس|تراس|يراس|اسس)\s+@A")
    verb = _rx(r"(?<!\w)و?(?:يقود|يتزعم|يتراس|يراس)\s+@P\s+@A")
    for pattern in (relative, verb):
        for m in pattern.finditer(s.template):
            if s.type(m["P"]) == "person" and s.type(m["A"]) in _ACTORS - {"state"}:
                yield _Found(int(m["A"]), R.LED_BY, int(m["P"]), (m.start(), m.end()), "", "leads")


def _rule_its_leader(s: _Sentence) -> Iterator[_Found]:
    """"قادة في حركة النور، أبرزهم زعيمها سامي علي"، "الإطاحة بزعيمه أبو خالد": the body named
    last before the possessive title is led by the person after it."""
    pattern = _rx(rf"(?<!\w)[وبل]?(?:زعيمه|زعيمها|قائده|قائدها|اميره|اميرها|مؤسسه|مؤسسها)\s*،?\s*"
                  rf"(?:[^\s⟦،.]+\s+){{0,5}}?(?:المعروف\s+باسم\s+|الملقب\s+ب\s*)?(?:{_RANK}\s+)*@P")
    for m in pattern.finditer(s.template):
        if s.type(m["P"]) != "person":
            continue
        bodies = [(slot, at) for slot, at in s.slots_in(0, m.start()) if s.type(slot) in _ACTORS - {"state"}]
        if bodies and len(s.template[bodies[-1][1]:m.start()].split()) <= 4:
            slot, at = bodies[-1]
            yield _Found(slot, R.LED_BY, int(m["P"]), (at, m.end()), "", "its-leader")


def _rule_fights_relative(s: _Sentence) -> Iterator[_Found]:
    """"الجيش الحر، الذي يقاتل قوات النظام"، "حركة النور التي تحاصر مواقع جماعة الفجر": the one the
    relative clause is about fights the one it names."""
    pattern = _rx(r"@A" + _ADJ + r"\s*،?\s*و?(?:الذي|التي|الذين)\s+(?:كان\s+|كانت\s+)?"
                  r"(?:يقاتل|تقاتل|يقاتلون|قاتل|قاتلت|يحارب|تحارب|يحاربون|حارب|حاربت|يهاجم|تهاجم|هاجم|هاجمت|"
                  r"يستهدف|تستهدف|استهدف|استهدفت|يحاصر|تحاصر|حاصر|حاصرت|يقصف|تقصف|قصف|قصفت)\s+" + _SIDE + "@B")
    for m in pattern.finditer(s.template):
        a, b = int(m["A"]), int(m["B"])
        if _LEADER_OF.search(s.template, 0, m.start()):
            continue  # "التحالف بقيادة X الذي يحارب Y": the relative is about the one X leads
        if _fighters(s, [(a, 0)]) and _fighters(s, [(b, 0)]) and s.mentions[a].actor_id != s.mentions[b].actor_id:
            yield _Found(a, R.CLASHED_WITH, b, (m.start(), m.end()), "", "fights-relative")


_CAMPAIGN = _rx(r"@A" + _ADJ + r"\s*،?\s*و?(?:الذي|التي|الذين)\s+(?:كان\s+|كانت\s+)?"
               + rf"(?:{_verb('بدا', 'شن', 'اطلق', 'خاض', 'خوض', 'واصل')})\s+(?:[^\s⟦،.]+\s+){{0,4}}?"
               + r"(?:ضد|علي|مع)\s+" + _SIDE + "@B")
_TOOK = rf"(?:{_verb('سيطر')}|{_verb('استولي')}|{_verb('استعاد')})"
_POSITIONS = (r"\s*،?\s*(?:[^\s⟦،.]+\s*،?\s*){0,2}?علي\s+(?:[^\s⟦،.]+\s+){0,6}?(?:ال)?(?:نقاط|نقطه|مواقع|موقع|"
             r"مقرات|مقر|حواجز|حاجز|الخط\s+الدفاعي|خطوط|معاقل|مناطق|قري|بلدات)(?:\s+[^\s⟦،.]+){0,3}?\s+"
             r"(?:ل|التابعه\s+ل|الخاضعه\s+لسيطره|كانت\s+بيد)\s*" + _SIDE + "@B")
_TAKEN = _rx(r"@A" + _ADJ + r"(?:\s*[-–(][^-–()]{0,80}[-–)])?\s*،?\s*(?:[^\s⟦،.]+\s+){0,2}?" + _TOOK + _POSITIONS)
_TAKEN_VSO = _rx(r"(?<!\w)[وف]?" + _TOOK + r"\s+@A" + _ADJ + _POSITIONS)


def _rule_campaign(s: _Sentence) -> Iterator[_Found]:
    """"التحالف، الذي بدأ حملته الجوية ضد الجماعة"، "جيش الشمال التي تخوض معارك مع الجماعة"، "سيطرت
    الحركة على مواقع متقدمة لقوات الأمن": a campaign the actor began or wages, or positions of
    the other side it took."""
    needs = ((_CAMPAIGN, ("التي", "الذي")), (_TAKEN, ("سيطر", "استولي", "استعاد")),
             (_TAKEN_VSO, ("سيطر", "استولي", "استعاد")))
    for m, a, b in _between_fighters(s, needs, "A", "B"):
        if not (_LEADER_OF.search(s.template, 0, m.start()) or _NOT_AGENT.search(s.template, 0, m.start())):
            yield _Found(a, R.CLASHED_WITH, b, (m.start(), m.end()), "", "campaign")


_LEADER_OF = _rx(r"(?<!\w)(?:بقياده|بزعامه|برئاسه)\s*$")


_DEFECTED = _rx(r"(?<!\w)[وف]?(?:انشق|انشقت|انشقوا|ينشق|تنشق)(?!\w)")


def _rule_joined(s: _Sentence) -> Iterator[_Found]:
    """"انضمام تركيا إلى التحالف الدولي"، "انضمت حركة النور إلى جيش الشمال"، "أعلنت الكتيبة انضمامها
    إلى الجبهة": a group or a state that joins a body becomes part of it (a person joining is no unit)."""
    verb = _rx(rf"(?<!\w)[وبل]?(?:ال)?(?:انضمام|انضمت|انضم|انضموا)\s+@X{_ADJ}\s*(?:الي|ل|في)\s*(?:صفوف\s+)?@Y")
    own = _rx(rf"@X{_ADJ}\s+(?:[^\s⟦،.]+\s+){{0,3}}?(?:انضمامها|انضمامه|انضمت|انضم)\s*(?:الي|ل|في)\s*(?:صفوف\s+)?@Y")
    for pattern in (verb, own):
        for m in pattern.finditer(s.template):
            x, y = int(m["X"]), int(m["Y"])
            if _DEFECTED.search(s.template, 0, m.start()):
                continue  # "انشق عن X وانضم إلى Y": a defection (its own rule)
            if s.type(x) in _GROUPS | {"state", "organisation"} and s.type(y) in _GROUPS | {"organisation"} \
                    and s.mentions[x].actor_id != s.mentions[y].actor_id:
                yield _Found(x, R.PART_OF, y, (m.start(), m.end()), "", "joined")


def _rule_taken_from(s: _Sentence) -> Iterator[_Found]:
    """"انتزعت حركة النور السيطرة على البلدة من يد جماعة الفجر"، "استعاد الجيش المدينة من قبضة
    التنظيم": the one taking a place fights the one it was taken from."""
    pattern = _rx(r"(?<!\w)[وف]?(?:انتزع|انتزعت|سيطر|سيطرت|استعاد|استعادت|استولي|استولت|طرد|طردت)\s+@X" + _ADJ
                  + r"\s+(?:ال)?(?:السيطره\s+)?(?:علي\s+)?(?:[^،.⟦]|⟦\d+⟧){0,80}?\s+من\s+"
                  r"(?:يد|ايدي|قبضه|سيطره)?\s*" + _SIDE + "@Y")
    for m in pattern.finditer(s.template):
        x, y = int(m["X"]), int(m["Y"])
        if _fighters(s, [(x, 0)]) and _fighters(s, [(y, 0)]) and s.mentions[x].actor_id != s.mentions[y].actor_id:
            yield _Found(x, R.CLASHED_WITH, y, (m.start(), m.end()), "", "taken-from")


RULES = (
    _rule_backed_adjacent,
    _rule_represented_by,
    _rule_fights_through,
    _rule_support_was,
    _rule_support_for,
    _rule_support_and_training,
    _rule_training,
    _rule_affiliated,
    _rule_loyal,
    _rule_fights_alongside,
    _rule_fighting_beside,
    _rule_defection,
    _rule_clash,
    _rule_clash_between,
    _rule_attack,
    _rule_attack_noun,
    _rule_carried_out_against,
    _rule_fight_noun,
    _rule_carried_out_by,
    _rule_between_them,
    _rule_commander,
    _rule_led_by,
    _rule_formed,
    _rule_new_formation,
    _rule_members,
    _rule_unit_of,
    _rule_backing_phrase,
    _rule_backs,
    _rule_role_in,
    _rule_among_them,
    _rule_founded,
    _rule_besieged_by,
    _rule_trained_passive,
    _rule_led_relative,
    _rule_ally,
    _rule_killed_by,
    _rule_one_of,
    _rule_receives_backing,
    _rule_counted_with,
    _rule_leads,
    _rule_spokesman,
    _rule_ties,
    _rule_taken_over,
    _rule_its_leader,
    _rule_fights_relative,
    _rule_campaign,
    _rule_joined,
    _rule_taken_from,
)

