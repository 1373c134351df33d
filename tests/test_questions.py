"""Questions naming discovered actors: by their Arabic forms, and in English by Latin names no list holds.

Fast: no model. The unit tests use invented names; the development-set test reads relations-dev from
../shared at test time and takes its actors and questions from what the index discovered.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.actors import Actor, LatinNames, actor_by_id, question_mentions, transliterate, use_discovered
from assistant.actors.discovery import _key, actor_id
from assistant.actors.questions import HEADS_EN, arabic_name_part
from assistant.arabic import normalize
from assistant.corpus import Article
from assistant.facts import parse_intent

REPO = Path(__file__).resolve().parent.parent
RELATIONS_DEV = REPO.parent / "shared" / "data" / "relations-dev"
DEV_ARTICLES = 20  # the development part; the last 10 are held back and never read here
# The module, not the function of the same name that the package exports.
catalogue_module = importlib.import_module("assistant.actors.catalogue")


def _discovered(name: str, kind: str = "armed_group") -> Actor:
    """An actor as discovery makes it from ``name``: id and Latin rendering from its key."""
    key = _key(name)
    return Actor(actor_id(key), kind, transliterate(key), name, discovered=True)


INVENTED = [_discovered(n) for n in ("الفرقة 47", "لواء صقور الوادي", "جيش النصر المبين", "حركة فجر الجبل",
                                     "الفرقة الخامسة والعشرون", "كتائب درع الساحل")]
INVENTED += [_discovered("رامي حداد", "person"), _discovered("قوات التعبئة"), _discovered("الفرقة 11")]
BY_NAME = {a.name_ar: a.id for a in INVENTED}


@pytest.fixture
def restore_discovered():
    """The discovered actors known before the test, known again after it (an index loaded in it registers its own)."""
    saved = dict(catalogue_module._DISCOVERED)
    yield
    catalogue_module._DISCOVERED.clear()
    catalogue_module._DISCOVERED.update(saved)
    catalogue_module._DISCOVERED_VERSION[0] += 1  # a new version: nothing cached meanwhile is reused


@pytest.fixture
def known(restore_discovered):
    """The invented actors made known as an index makes its discovered actors known."""
    use_discovered(INVENTED)


def _named(question: str, names: LatinNames) -> list[tuple[str, str]]:
    return [(m.text, m.actor_id) for m in names.mentions(question)]


@pytest.mark.parametrize("question, name, arabic", [
    ("Who attacked Division 47?", "Division 47", "الفرقة 47"),
    ("Who attacked the 47th Division?", "47th Division", "الفرقة 47"),
    ("who attacked division forty-seven?", "division forty-seven", "الفرقة 47"),
    ("Who shelled the 25th Division?", "25th Division", "الفرقة الخامسة والعشرون"),
    ("Who fought the Twenty-Fifth Division?", "Twenty-Fifth Division", "الفرقة الخامسة والعشرون"),
    ("Who leads the Suqour al-Wadi Brigade?", "Suqour al-Wadi Brigade", "لواء صقور الوادي"),
    ("Who leads Liwa Suqur al-Wadi?", "Liwa Suqur al-Wadi", "لواء صقور الوادي"),
    ("Who leads Liwa Saqr al-Wadi?", "Liwa Saqr al-Wadi", "لواء صقور الوادي"),
    ("Who leads Liwa Suqur al Wadi?", "Liwa Suqur al Wadi", "لواء صقور الوادي"),
    ("Who backs Jaish al-Nasr al-Mubin?", "Jaish al-Nasr al-Mubin", "جيش النصر المبين"),
    ("Who backs Jaysh an-Nasr al-Mubeen?", "Jaysh an-Nasr al-Mubeen", "جيش النصر المبين"),
    ("Who leads the Fajr al-Jabal Movement?", "Fajr al-Jabal Movement", "حركة فجر الجبل"),
    ("Who leads Harakat Fajr al-Jabal?", "Harakat Fajr al-Jabal", "حركة فجر الجبل"),
    ("Who attacked the Battalions of Dir' al-Sahil?", "Battalions of Dir' al-Sahil", "كتائب درع الساحل"),
    ("Who is Rami Haddad?", "Rami Haddad", "رامي حداد"),
])
def test_latin_names_meet_discovered_actors(question, name, arabic):
    assert _named(question, LatinNames(INVENTED)) == [(name, BY_NAME[arabic])]


@pytest.mark.parametrize("question", [
    "Who attacked Division 48?",  # another number
    "Who attacked the 47th Brigade?",  # another head noun
    "Who backs the Army of Victory?",  # a translation, not a rendering
    "Who attacked the Rijal al-Karama movement?",
    "Who attacked the Wadi Brigade?",  # part of a name is not the name
    "Who leads the Suqour al-Wadi al-Akhdar Brigade?",  # nor is a longer one
    "Who leads the suqour al-wadi brigade?",  # names are capitalised
    "Who attacked the army in the valley?",
    "Who leads Kataib al-Farouq?",  # three consonants ("KTB", "FRK") are too few, and a key has no number
    "Who leads Harakat Fajr al-Jabal al-Gharbi?",  # a name is the whole run of its words
    "Who is Rami Haddad Khalil?",
])
def test_other_names_meet_no_actor(question):
    assert _named(question, LatinNames(INVENTED)) == []


def test_a_name_two_actors_could_bear_names_neither():
    twins = [_discovered("لواء صقور الوادي"), _discovered("كتيبة صقور الوادي")]
    assert _named("Who leads Suqour al-Wadi?", LatinNames(twins)) == []
    assert _named("Who leads the Suqour al-Wadi Brigade?", LatinNames(twins)) == [
        ("Suqour al-Wadi Brigade", twins[0].id)]


def test_questions_name_discovered_actors_in_either_script(known):
    for question in ("من هاجم الفرقة 47؟", "من هاجم فرقة 47؟", "Who attacked the 47th Division?"):
        assert [m.actor_id for m in question_mentions(question)] == [BY_NAME["الفرقة 47"]]
    # A listed actor keeps its own names; the discovered one is found beside it.
    found = question_mentions("Who backs Hezbollah and the Suqour al-Wadi Brigade?")
    assert [m.actor_id for m in found] == ["hezbollah", BY_NAME["لواء صقور الوادي"]]
    for language, question in (("en", "Who attacked Jaish al-Nasr al-Mubin?"), ("ar", "من هاجم جيش النصر المبين؟"),
                               ("en", "Who leads Liwa Suqur al-Wadi?"), ("ar", "من يقود لواء صقور الوادي؟")):
        intent = parse_intent(question, language)
        assert intent is not None and intent.actor_id in BY_NAME.values()
        assert intent.relations in (("clashed-with",), ("led-by",))


def test_questions_about_unknown_groups_stay_unanswered(fake_assistant, known):
    for question in ("Who attacked the Rijal al-Karama movement?", "Who leads the Wadi al-Nar Brigade?",
                     "Who attacked Division 93?", "من هاجم حركة رجال الكرامة؟", "من يقود لواء وادي النار؟"):
        assert not fake_assistant.ask(question).answered, question
    # A discovered actor the relations say nothing of is looked for in the passages that name it: here none do.
    assert fake_assistant.ask("Who attacked the 47th Division?").text == "The indexed articles do not name Frqa 47."
    assert fake_assistant.ask("من هاجم الفرقة 47؟").text == "لا تذكر المقالات المفهرسة الفرقة 47."


# ----------------------------------------------------------------------------- on the development articles

# Questions per relation, English and Arabic; {x} is the actor's name.
_TEMPLATES = {
    "clashed-with": ("Who attacked {x}?", "من هاجم {x}؟"),
    "led-by": ("Who leads {x}?", "من يقود {x}؟"),
    "backed-by": ("Who backs {x}?", "من يدعم {x}؟"),
}
_GROUPS = ("armed_group", "force", "organisation")


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _english_names(actor: Actor) -> list[str]:
    """The actor's Latin rendering, and, when its name has a head noun, the head in English after the rest of
    the name, numbers as ordinals ("the 1st Army", "the al-Yrmuk Brigade", "the Ansar al-Shri'a Operations Room")."""
    names = [actor.name_en]
    words, latin = _key(actor.name_ar).split(), actor.name_en.split()
    for arabic, english in HEADS_EN.items():
        size = len(arabic.split())
        if normalize(arabic) == " ".join(words[:size]) and len(latin) == len(words) > size:
            numbers = [arabic_name_part([w]).numbers for w in words[size:]]
            rest = [_ordinal(n[0]) if n else word for n, word in zip(numbers, latin[size:], strict=True)]
            names.append(f"the {' '.join(rest)} {english[0].title()}")
    return names


def _cited(answer) -> list[tuple[str, int, int, str]]:
    return [(c.article_id, c.start, c.end, c.text) for c in answer.citations]


@pytest.mark.skipif(not (RELATIONS_DEV / "articles.jsonl").is_file(), reason="relations-dev is not in ../shared")
def test_english_and_arabic_questions_about_discovered_actors_agree(tmp_path, fake_encoder, restore_discovered):
    lines = (RELATIONS_DEV / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()][:DEV_ARTICLES]
    assistant = Assistant(index_dir=tmp_path / "dev", encoder=fake_encoder)
    report = assistant.add_articles([Article(id=r["id"], title=r.get("title") or "", text=r["text"]) for r in records])
    assert len(report.added) == DEV_ARTICLES
    articles = assistant.index.articles
    asked = set()
    for row in assistant.actor_table():
        actor = actor_by_id(row.actor_id)
        if not actor.discovered or actor.type not in _GROUPS:
            continue
        for relation, (english, arabic) in _TEMPLATES.items():
            if not row.of(relation):
                continue
            expected = {e for fact in row.of(relation) for e in fact.evidence}
            in_arabic = assistant.ask(arabic.format(x=actor.name_ar))
            assert in_arabic.answered, actor.name_ar
            assert {(f["article_id"], f["start"], f["end"]) for f in in_arabic.facts} == {
                (r.article_id, r.start, r.end) for r in expected}
            for citation in in_arabic.citations:
                assert articles[citation.article_id].text[citation.start:citation.end] == citation.text
            for name in _english_names(actor):
                in_english = assistant.ask(english.format(x=name))
                assert in_english.answered, name
                assert in_english.facts == in_arabic.facts, name
                assert _cited(in_english) == _cited(in_arabic), name
            asked.add((actor.id, relation))
    assert len(asked) >= 3, "the development articles relate discovered groups"
    # Names the articles do not hold meet none of their discovered actors.
    for question in ("Who attacked the Rijal al-Karama movement?", "Who leads the Wadi al-Nar Brigade?",
                     "Who attacked Division 93?", "من هاجم حركة رجال الكرامة؟"):
        assert not assistant.ask(question).answered, question
