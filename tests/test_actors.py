"""Actor list, mention finding, query expansion and relation extraction over the seed articles.

Fast: no model, only the five cleaned articles under ``corpus/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.actors import (
    _QUOTES,
    ACTOR_TYPES,
    RELATION_TYPES,
    Mention,
    Relation,
    _fold,
    actor_by_id,
    extract_relations,
    find_mentions,
    load_actors,
    relations_for,
)
from assistant.arabic import normalize
from assistant.cleaning import clean_article
from assistant.corpus import Article, read_articles

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    """Cleaned seed articles by their three-digit prefix ("000" ... "004")."""
    result = read_articles([REPO / "corpus"])
    return {a.id[:3]: clean_article(a) for a in result.articles}


@pytest.fixture(scope="module")
def relations(articles) -> list[Relation]:
    return relations_for(articles[key] for key in sorted(articles))


@pytest.fixture(scope="module")
def article_mentions(articles) -> dict[str, list[Mention]]:
    """``find_mentions`` of each cleaned seed article, searched once for the names checked in it."""
    return {key: find_mentions(article.text) for key, article in articles.items()}


# ----------------------------------------------------------------------------- the list


def test_actor_list_is_well_formed():
    actors = load_actors()
    assert len({a.id for a in actors}) == len(actors)
    for actor in actors:
        assert actor.type in ACTOR_TYPES
        assert actor.name_en.strip() and actor.name_ar.strip(), actor.id
    assert load_actors() == actors  # cached, same content


# Every armed group, backer, force and leader named in the seed articles, as the article
# writes it, with the actor it must resolve to.
NAMED_IN_SEED_ARTICLES = [
    ("000", "قوات الاحتلال الروسية", "russia"),
    ("000", "ميليشيا \"لواء القدس\"", "liwa-al-quds"),
    ("000", "فيغا", "vega"),
    ("000", "فيغاسي", "vega"),
    ("000", "الفيلق الخامس", "fifth-corps"),
    ("000", "والسادس", "sixth-corps"),
    ("000", "ميليشيا أسد", "syrian-arab-army"),
    ("000", "ميليشيات أسد", "syrian-arab-army"),
    ("000", "القوات النظامية", "syrian-arab-army"),
    ("000", "روسيا", "russia"),
    ("000", "ايران", "iran"),
    ("000", "فأمريكا", "usa"),
    ("000", "ميليشيات سوريا الديمقراطية", "sdf"),
    ("000", "المخابرات الجوية", "air-force-intelligence"),
    ("000", "القيادة الروسية", "russia"),
    ("000", "أحمد رحال", "ahmed-rahhal"),
    ("000", "أحمد العطار", "ahmed-al-attar"),
    ("000", "محمد سعيد", "muhammad-said"),
    ("001", "لواء القدس", "liwa-al-quds"),
    ("001", "ميلشيا “القدس”", "liwa-al-quds"),
    ("001", "روسياً", "russia"),
    ("001", "القوات العسكرية الروسية", "russia"),
    ("001", "قوات حفظ النظام", "law-enforcement-forces"),
    ("001", "الجبهة الشعبية لتحرير فلسطين", "pflp"),
    ("001", "الجيش السوري", "syrian-arab-army"),
    ("001", "أسود الشرقية", "asood-al-sharqiya"),
    ("001", "“الحرس الثوري” الإيراني", "irgc"),
    ("001", "إيران", "iran"),
    ("001", "داعش", "isis"),
    ("001", "كالقوات السورية النظامية", "syrian-arab-army"),
    ("001", "الفيلق الخامس", "fifth-corps"),
    ("001", "قوات سوريا الديمقراطية", "sdf"),
    ("001", "قوات الحكومة السوريّة", "syrian-arab-army"),
    ("002", "القوات الروسية", "russia"),
    ("002", "ومرتزقة فاغنر", "wagner"),
    ("002", "ميليشيا الحرس الثوري", "irgc"),
    ("002", "ميليشيات حزب الله", "hezbollah"),
    ("002", "وفاطميون", "fatemiyoun"),
    ("002", "وحركة النجباء", "nujaba"),
    ("002", "ميليشيا الحشدِ الشعبي", "pmf"),
    ("002", "فجر الإسلام", "fajr-al-islam"),
    ("002", "ولواء فاطميون", "fatemiyoun"),
    ("002", "وميليشيا عصائب أهل الحق", "asaib-ahl-al-haq"),
    ("002", "الحرسُ الثوري", "irgc"),
    ("002", "حزب الله اللبناني", "hezbollah"),
    ("002", "الروس", "russia"),
    ("002", "إيران", "iran"),
    ("002", "ألماز أنتاي", "almaz-antey"),
    ("002", "أيمن عبد النور", "ayman-abdel-nour"),
    ("003", "الجيش الروسي", "russia"),
    ("003", "قاعدة “حميميم”", "hmeimim"),
    ("003", "الفيلق الخامس", "fifth-corps"),
    ("003", "جيش النظام", "syrian-arab-army"),
    ("003", "ميليشيا لواء القدس الفلسطيني", "liwa-al-quds"),
    ("003", "تنظيم “داعش”", "isis"),
    ("003", "قوات النظام", "syrian-arab-army"),
    ("003", "لميليشيا القاطرجي", "katerji-militia"),
    ("003", "لشركة “القاطرجي”", "katerji-group"),
    ("003", "قسد", "sdf"),
    ("003", "وميليشيا الدفاع الوطني", "ndf"),
    ("003", "حاتم الراوي", "hatem-al-rawi"),
    ("003", "أبو حمزة القرشي", "abu-hamza-al-qurashi"),
    ("003", "النظام السوري", "syria"),
    ("003", "الحرس الثوري الإيراني", "irgc"),
    ("003", "الجيش التركي", "turkey"),
    ("003", "تركيا", "turkey"),
    ("003", "أمريكا", "usa"),
    ("003", "المعارضة", "syrian-opposition"),
    ("004", "ميليشيات أسد", "syrian-arab-army"),
    ("004", "ميليشيات آل بري", "aal-berri"),
    ("004", "والباقر", "al-baqir"),
    ("004", "الجانب الروسي", "russia"),
    ("004", "شرطة الاحتلال الروسي", "russia"),
    ("004", "عبد الملك بري", "abdul-malik-berri"),
    ("004", "ميليشيا الباقر", "al-baqir"),
    ("004", "خالد الحسن العلوش", "khalid-al-alloush"),
    ("004", "خالد أبو حسين", "khalid-al-alloush"),
    ("004", "الدفاع الوطني", "ndf"),
    ("004", "الإيرانيين", "iran"),
    ("004", "نظام أسد", "syria"),
    ("004", "المخابرات الجوية", "air-force-intelligence"),
    ("004", "علي ديوب حسن", "ali-dayoub-hassan"),
    ("004", "ميليشيا النجباء", "nujaba"),
    ("004", "أكرم الكعبي", "akram-al-kaabi"),
    ("004", "ميليشيا آل بري", "aal-berri"),
]


@pytest.mark.parametrize(("article", "form", "actor_id"), NAMED_IN_SEED_ARTICLES)
def test_every_named_actor_is_found(articles, article_mentions, article, form, actor_id):
    text = articles[article].text
    # The form as a whole word ("إيران", not the "إيران" inside "الإيرانية").
    match = re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text)
    assert match, f"{form!r} is not in article {article}"
    at = match.start()
    mentions = article_mentions[article]
    covering = [m for m in mentions if m.start < at + len(form) and m.end > at]
    assert [m.actor_id for m in covering] == [actor_id], covering
    actor = actor_by_id(actor_id)
    assert actor.name_en and actor.name_ar


def test_mention_offsets_are_verbatim(articles, article_mentions):
    for key, article in articles.items():
        for mention in article_mentions[key]:
            assert article.text[mention.start:mention.end] == mention.text


# ----------------------------------------------------------------------------- matching


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.actor_id) for m in find_mentions(text)]


def test_arabic_proclitics_and_quotes():
    text = "ولواء القدس، وبلواء القدس، لـ “لواء القدس”، ميليشيا “لواء القدس”، للحرس الثوري، كـ\"الفيلق الخامس\""
    assert _found(text) == [
        ("لواء القدس", "liwa-al-quds"),
        ("لواء القدس", "liwa-al-quds"),
        ("لواء القدس", "liwa-al-quds"),
        ("ميليشيا “لواء القدس", "liwa-al-quds"),
        ("لحرس الثوري", "irgc"),
        ("الفيلق الخامس", "fifth-corps"),
    ]


def test_split_words_hamza_and_alef_variants():
    assert _found("قاتل لواء القـ.ـدس إلى جانب ميليشـ.ـيا فجر الاسلام") == [
        ("لواء القـ.ـدس", "liwa-al-quds"),
        ("ميليشـ.ـيا فجر الاسلام", "fajr-al-islam"),
    ]
    assert _found("ايران وإيران") == [("ايران", "iran"), ("إيران", "iran")]
    assert _found("مِيليشيا الحَرَس الثَّوري") == [("مِيليشيا الحَرَس الثَّوري", "irgc")]


def test_longest_match_wins():
    assert _found("قوات سوريا الديمقراطية") == [("قوات سوريا الديمقراطية", "sdf")]
    assert _found("الجيش السوري الحر") == [("الجيش السوري الحر", "fsa")]
    assert _found("حركة حزب الله النجباء") == [("حركة حزب الله النجباء", "nujaba")]
    assert _found("قناة روسيا اليوم") == [("قناة روسيا اليوم", "rt")]


def test_a_regime_is_the_state_its_adjective_names():
    # The bare word stands for Syria's regime; with another country's adjective it is that country's.
    assert _found("وهدد النظام الإيراني بالرد، فيما قال النظام إن قواته تقدمت") == [
        ("النظام الإيراني", "iran"), ("النظام", "syria")]
    assert _found("قوات النظام التركي وللنظام الروسي والنظام الأمريكي") == [
        ("قوات النظام التركي", "turkey"), ("لنظام الروسي", "russia"), ("النظام الأمريكي", "usa")]
    assert _found("النظام السوري وقوات النظام") == [("النظام السوري", "syria"), ("قوات النظام", "syrian-arab-army")]
    # An adjective that is no country's ("الرياضي", though "الرياض" names Riyadh) leaves it alone.
    assert _found("النظام الرياضي") == [("النظام", "syria")]


def test_english_spellings():
    assert _found("Liwa al Quds, liwa alquds, the Al-Quds Brigade; al-Quds Brigades") == [
        ("Liwa al Quds", "liwa-al-quds"),
        ("liwa alquds", "liwa-al-quds"),
        ("Al-Quds Brigade", "liwa-al-quds"),
        ("al-Quds Brigades", "saraya-al-quds"),
    ]
    assert _found("Asaib Ahl al-Haq and Asa'ib Ahl al Haq") == [
        ("Asaib Ahl al-Haq", "asaib-ahl-al-haq"),
        ("Asa'ib Ahl al Haq", "asaib-ahl-al-haq"),
    ]
    # Acronyms are case-sensitive: "us" is a pronoun.
    assert _found("tell us about US support") == [("US", "usa")]


def test_elliptical_coordination():
    assert _found("الفيلق الخامس والسادس") == [("الفيلق الخامس", "fifth-corps"), ("السادس", "sixth-corps")]


# ----------------------------------------------------------------------------- relations


def _find(relations, article, subject, relation, obj, **fields) -> list[Relation]:
    hits = [
        r for r in relations
        if r.article_id.startswith(article) and (r.subject_id, r.relation, r.object_id) == (subject, relation, obj)
        and all(getattr(r, k) == v for k, v in fields.items())
    ]
    assert hits, f"missing {article}: {subject} {relation} {obj} {fields}"
    return hits


def test_every_relation_quotes_its_evidence(articles, relations):
    assert relations
    for r in relations:
        assert r.relation in RELATION_TYPES
        assert articles[r.article_id[:3]].text[r.start:r.end] == r.evidence
        actor_by_id(r.subject_id)
        actor_by_id(r.object_id)
        assert r.to_dict()["evidence"] == r.evidence


REQUIRED = [
    ("000", "liwa-al-quds", "backed-by", "russia", {}),
    ("001", "liwa-al-quds", "backed-by", "russia", {}),
    ("000", "liwa-al-quds", "backed-by", "iran", {"qualifier": "earlier"}),
    ("000", "liwa-al-quds", "trained-by", "vega", {}),
    ("000", "liwa-al-quds", "trained-by", "russia", {}),
    ("001", "liwa-al-quds", "affiliated-with", "pflp", {}),
    ("001", "liwa-al-quds", "defected-to", "irgc",
     {"date": "فبراير/شباط الفائت", "article_date": "2021", "qualifier": "a large group of it"}),
    ("001", "liwa-al-quds", "clashed-with", "asood-al-sharqiya", {}),
    ("000", "liwa-al-quds", "led-by", "muhammad-said", {"date": "منتصف عام 2013"}),
    ("000", "fifth-corps", "formed-by", "russia", {}),
    ("003", "fifth-corps", "formed-by", "russia", {}),
    ("002", "fajr-al-islam", "formed-by", "iran", {}),
    ("002", "fajr-al-islam", "backed-by", "irgc", {}),
    ("002", "nujaba", "part-of", "fajr-al-islam", {}),
    ("002", "fatemiyoun", "part-of", "fajr-al-islam", {}),
    ("002", "hezbollah", "part-of", "fajr-al-islam", {}),
    ("002", "asaib-ahl-al-haq", "part-of", "fajr-al-islam", {}),
    ("004", "al-baqir", "led-by", "khalid-al-alloush", {}),
    ("004", "al-baqir", "backed-by", "russia", {}),
    ("004", "aal-berri", "led-by", "abdul-malik-berri", {}),
    ("004", "nujaba", "led-by", "akram-al-kaabi", {}),
]


@pytest.mark.parametrize(("article", "subject", "relation", "obj", "fields"), REQUIRED)
def test_required_relations(articles, relations, article, subject, relation, obj, fields):
    for hit in _find(relations, article, subject, relation, obj, **fields):
        assert articles[article].text[hit.start:hit.end] == hit.evidence


def test_liwa_al_quds_backed_by_russia_in_several_sentences(relations):
    hits = _find(relations, "001", "liwa-al-quds", "backed-by", "russia")
    assert len({h.start for h in hits}) >= 3


def test_the_evidence_says_it(relations):
    backed = _find(relations, "001", "liwa-al-quds", "backed-by", "russia")
    assert any("المدعوم روسياً" in h.evidence for h in backed)
    earlier = _find(relations, "000", "liwa-al-quds", "backed-by", "iran")
    assert "كان دعمه إيراني سابقاً" in earlier[0].evidence
    formed = _find(relations, "003", "fifth-corps", "formed-by", "russia")
    assert "الفيلق الخامس الذي شكلته روسيا" in formed[0].evidence
    founder = _find(relations, "000", "liwa-al-quds", "led-by", "muhammad-said")
    assert "بقيادة المهندس الفلسطيني محمد سعيد" in founder[0].evidence


def test_no_relation_from_feared_or_generic_phrasing():
    text = (
        "استقدمت قوات حفظ النظام تعزيزات تحسباً لحدوث أي اقتتالٍ بين ميلشيا “القدس” والقوات الروسية.\n"
        "وصراعات متكررة بين الميلشيات المدعومة من إيران والمدعومة من روسيا.\n"
        "وكالقوات السورية النظامية والمليشيات الإيرانية بقيادة “الحرس الثوري”.\n"
    )
    assert extract_relations(Article(id="t", title="t", text=text)) == []


def test_no_relation_when_denied_or_misread():
    text = (
        "ونفت طهران تقديم أي دعم عسكري إيراني لروسيا.\n"
        "وقالت المصادر إن العقيد انشق عن جيش النظام وانضم إلى الجيش الحر.\n"
    )
    assert extract_relations(Article(id="t", title="t", text=text)) == []


def test_general_phrasings():
    text = (
        "وهاجمت ميليشيا فاطميون المدعومة من الحرس الثوري مواقع داعش.\n"
        "واندلعت اشتباكات بين قوات النظام و“قسد” في ريف دير الزور.\n"
        "وقال قاسم سليماني، قائد فيلق القدس، إن ...\n"
        "وانشق الفيلق الخامس وانضم إلى الفرقة الرابعة.\n"
    )
    found = {(r.subject_id, r.relation, r.object_id) for r in extract_relations(Article(id="t", title="t", text=text))}
    assert found == {
        ("fatemiyoun", "backed-by", "irgc"),
        ("fatemiyoun", "clashed-with", "isis"),  # "هاجمت ... مواقع داعش": the attack rule
        ("syrian-arab-army", "clashed-with", "sdf"),
        ("quds-force", "led-by", "qasem-soleimani"),
        ("fifth-corps", "defected-to", "fourth-division"),
    }


def test_folding_is_normalize(articles):
    """Mention matching runs on ``normalize`` forms (quotes dropped, spaces collapsed)."""
    for article in articles.values():
        folded, positions = _fold(article.text)
        expected = " ".join("".join(c for c in normalize(article.text) if c not in _QUOTES).split())
        assert folded.strip() == expected
        assert len(positions) == len(folded)


def test_relations_checked_file_is_complete(relations):
    """The hand-checked list covers exactly what the extractor returns, at precision >= 0.9."""
    path = REPO / "assistant" / "data" / "relations_checked.json"
    checked = json.loads(path.read_text(encoding="utf-8"))
    rows = checked["relations"]
    listed = sorted((r["article_id"], r["subject"], r["relation"], r["object"], r["evidence"]) for r in rows)
    extracted = sorted((r.article_id, r.subject_id, r.relation, r.object_id, r.evidence) for r in relations)
    assert listed == extracted
    precision = sum(r["correct"] for r in rows) / len(rows)
    assert precision >= 0.9
