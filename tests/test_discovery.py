"""Actor discovery, the relation rule families, the user's catalogue and the relations benchmark.

Fast: no model. Every sentence here is invented, in the style of Arabic wire copy, with
made-up group and person names, so that the rules are tested on phrasing, not on a list.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from assistant.actors import (
    CatalogueError,
    DiscoveredCatalogue,
    RelationType,
    actor_by_id,
    add_alias,
    article_mentions,
    catalogue,
    discover,
    extract_relations,
    merge,
    transliterate,
)
from assistant.chunking import sentence_spans
from assistant.cli import main as cli
from assistant.corpus import Article

REPO = Path(__file__).resolve().parent.parent
RELATIONS_DEV = REPO.parent / "shared" / "data" / "relations-dev"


def _discovered(text: str) -> dict[str, tuple[str, set[str]]]:
    """Discovered actors of ``text``: id -> (type, the forms as written)."""
    mentions, actors = article_mentions(Article("t", "t", text))
    out: dict[str, tuple[str, set[str]]] = {}
    for m in mentions:
        if m.actor_id in actors and not m.refers_to:
            out.setdefault(m.actor_id, (str(actors[m.actor_id].type), set()))[1].add(m.text)
    return out


def _relations(text: str) -> set[tuple[str, str, str]]:
    """(subject as written, relation, object as written) of every relation in ``text``."""
    return {(r.subject_text, str(r.relation), r.object_text) for r in extract_relations(Article("t", "t", text))}


# ----------------------------------------------------------------------------- discovery


def test_head_nouns_name_groups():
    found = _discovered(
        "وأعلنت حركة أنصار الوادي سيطرتها على التلة، فيما قصف جيش الشمال الحر مواقع لواء درع البادية.\n"
        "وقال بيان لجبهة نور الحق إن الفرقة 17 انسحبت.\n"
    )
    names = {form for _, forms in found.values() for form in forms}
    assert {"حركة أنصار الوادي", "لواء درع البادية", "جبهة نور الحق", "الفرقة 17"} <= names
    assert all(kind == "armed_group" for kind, _ in found.values())


def test_clitic_and_spelling_variants_are_one_actor():
    found = _discovered(
        "وأعلنت جبهة نور الحق السيطرة على القرية. وقال قائد في لجبهة نور الحق إن الهجوم بدأ. "
        "وتقدمت وجبهة نور الحق نحو التلال. وقالت مصادر إن جبهه نور الحق انسحبت.\n"
    )
    assert len(found) == 1
    (kind, forms), = found.values()
    assert forms == {"جبهة نور الحق", "جبهه نور الحق"}  # the proclitics stay outside the name


def test_with_and_without_the_article_is_one_actor():
    found = _discovered("وقصفت الفرقة 17 المدينة. وقالت مصادر إن فرقة 17 تراجعت.\n")
    assert len(found) == 1


def test_titles_before_people():
    found = _discovered(
        "وقال العقيد سامر الخطيب إن قواته تقدمت. وأكد العميد نزار عبود أن الهجوم فشل.\n"
        "وقال قائد لواء درع البادية أبو خالد الحمصي إن المعركة مستمرة.\n"
    )
    people = {form for kind, forms in found.values() if kind == "person" for form in forms}
    assert {"سامر الخطيب", "نزار عبود", "أبو خالد الحمصي"} <= people


def test_names_in_quotes():
    found = _discovered("وأعلنت ميليشيا «درع الساحل» مقتل عنصرين. وهاجمت كتائب “سيوف الحق” حاجزا.\n")
    names = {form for _, forms in found.values() for form in forms}
    assert {"درع الساحل", "سيوف الحق"} <= names


def test_one_word_names_after_a_head_when_named_twice():
    found = _discovered("وقالت حركة طيبان إن مقاتليها تقدموا. وأكدت حركة طيبان ذلك. وشنت مجموعة سرحان هجوما.\n")
    names = {form for _, forms in found.values() for form in forms}
    assert "حركة طيبان" in names
    assert "مجموعة سرحان" not in names  # named once: a head may be followed by a common noun
    assert not _discovered("وقالت مجموعة كبيرة من السكان إن مجموعة كبيرة غادرت.\n")


def test_a_force_with_a_nationality_is_a_states_force():
    found = _discovered("واشتبكت قوات الأمن البوليفية مع مسلحين، وقال الجيش البيروفي إن الشرطة الدينية انسحبت.\n")
    forces = {form for kind, forms in found.values() if kind == "force" for form in forms}
    assert forces == {"قوات الأمن البوليفية", "الجيش البيروفي"}


def test_descriptions_are_not_actors():
    found = _discovered(
        "وقالت قوات المعارضة إن الفصائل المسلحة تقدمت، ورحبت حركة النزوح بالقرار.\n"
        "وقال إن حرية حركة التنظيم المتشدد تراجعت، وإن القوات الحكومية انسحبت من تجمع المدارس.\n"
    )
    assert found == {}


def test_transliteration_is_by_rule():
    assert transliterate("جيش الفتح") == "Jish al-Fth"
    assert transliterate("حركة أنصار الوادي").startswith("Hrka")
    assert transliterate("أبو خالد") == transliterate("ابو خالد")


def test_discover_is_incremental_and_round_trips():
    first = Article("a", "a", "وأعلنت حركة أنصار الوادي سيطرتها على التلة.\n")
    second = Article("b", "b", "وقالت حركة أنصار الوادي ولواء درع البادية إن الهجوم بدأ.\n")
    at_once = discover([first, second])
    step = discover([second], discover([first]))
    assert at_once.to_jsonl() == step.to_jsonl()
    again = DiscoveredCatalogue.from_jsonl(at_once.to_jsonl())
    assert again.to_jsonl() == at_once.to_jsonl()
    top = at_once.by_frequency()[0]
    assert top.count == 2 and top.article_id == "a" and top.name_ar == "حركة أنصار الوادي"
    assert first.text[top.start:top.end] == "حركة أنصار الوادي"
    assert top.actor().discovered and top.actor().name_en == transliterate("حركة أنصار الوادي")
    with pytest.raises(ValueError, match="line 1"):
        DiscoveredCatalogue.from_jsonl('{"id": "x"}\n')


def test_an_article_discovered_again_counts_once():
    first = Article("a", "a", "وأعلنت حركة أنصار الوادي سيطرتها على التلة، وقالت حركة أنصار الوادي إنها تتقدم.\n")
    other = Article("b", "b", "وقالت حركة أنصار الوادي ولواء درع البادية إن الهجوم بدأ.\n")
    def view(found: DiscoveredCatalogue) -> dict:
        return {a.id: (a.forms, a.by_article, a.article_id, a.start, a.sentence) for a in found.actors.values()}

    once = discover([first, other])
    assert view(discover([first], once)) == view(once)  # the same article again
    # Replaced with other content: its old counts go, its new ones come; the example moves to it.
    replaced = Article("a", "a", "وانسحبت كتائب سيف الساحل من القرية، وقال بيان إن حركة أنصار الوادي تقدمت.\n")
    before = view(once)
    after = discover([replaced], once)
    assert view(once) == before  # what it was given is not changed
    counts = {a.name_ar: a.count for a in after.actors.values()}
    assert counts["حركة أنصار الوادي"] == 2 and counts["لواء درع البادية"] == 1 and counts["كتائب سيف الساحل"] == 1
    valley = next(a for a in after.actors.values() if a.name_ar == "حركة أنصار الوادي")
    assert valley.article_id == "a" and replaced.text[valley.start:valley.end] == "حركة أنصار الوادي"
    # An actor only the replaced article named is gone with it.
    assert "كتائب سيف الساحل" not in {a.name_ar for a in discover([first], after).actors.values()}


def test_a_title_before_a_verb_or_a_preposition_names_no_one():
    found = _discovered(
        "وأفادت المصادر بأن القائد قتل جراء القصف على البلدة، وأن القيادي لقي حتفه إثر انفجار عبوة.\n"
        "وذكرت أن الزعيم توفي متأثرا بجراحه، وأن العقيد أصيب بجروح.\n"
        "وقال العميد يوسف تامر إن القوات تقدمت، وأكد القيادي نبيل سعدو أن الهجوم فشل.\n"
    )
    people = {form for kind, forms in found.values() if kind == "person" for form in forms}
    assert people == {"يوسف تامر", "نبيل سعدو"}  # names that begin like verbs are still names


# ----------------------------------------------------------------------------- rule families


CLASHED, BACKED, PART, AFFILIATED, LED = (str(RelationType.CLASHED_WITH), str(RelationType.BACKED_BY),
                                          str(RelationType.PART_OF), str(RelationType.AFFILIATED_WITH),
                                          str(RelationType.LED_BY))


def test_clashes_between_two_sides_multiply_out():
    found = _relations("واندلعت اشتباكات عنيفة بين قوات النظام وحزب الله من جهة وجبهة نور الحق "
                       "ولواء درع البادية من جهة أخرى في ريف حمص.\n")
    sides = ("قوات النظام", "حزب الله"), ("جبهة نور الحق", "لواء درع البادية")
    assert found == {(a, CLASHED, b) for a in sides[0] for b in sides[1]}


def test_attack_verbs_active_both_orders():
    assert _relations("وقصفت قوات النظام مواقع جبهة نور الحق في ريف إدلب.\n") == {
        ("قوات النظام", CLASHED, "جبهة نور الحق")}
    assert _relations("وقال ناشطون إن لواء درع البادية هاجم حواجز قوات النظام.\n") == {
        ("لواء درع البادية", CLASHED, "قوات النظام")}
    assert _relations("وخطفت جبهة نور الحق أمس ثلاثة عناصر على الأقل من الفرقة 17.\n") == {
        ("جبهة نور الحق", CLASHED, "الفرقة 17")}


def test_attack_nouns_and_attacks_carried_out_by():
    assert _relations("وشنت جبهة نور الحق هجوما واسعا على مواقع قوات النظام.\n") == {
        ("جبهة نور الحق", CLASHED, "قوات النظام")}
    assert _relations("وقتل عنصران من حزب الله في غارة نفذها الطيران الحربي الإسرائيلي.\n") == {
        ("الطيران الحربي الإسرائيلي", CLASHED, "حزب الله")}


def test_no_clash_when_hypothetical_negated_or_not_military():
    assert _relations("ودعا الشيخ جبهة نور الحق لقتال داعش.\n") == set()
    assert _relations("وشنت جبهة نور الحق حملة إعلامية ضد تركيا.\n") == set()
    assert _relations("وقال إن أولوية تركيا لم تكن قتال جبهة نور الحق.\n") == set()
    assert _relations("وأعلنت تركيا نيتها طرد جبهة نور الحق من المنطقة.\n") == set()
    # Not giving up support is support.
    assert ("جبهة نور الحق", BACKED, "إيران") in _relations(
        "وأكد أن إيران لم تبد أي نية للتخلي عن دعم جبهة نور الحق.\n")


def test_backed_by_participle_list_and_phrase():
    assert _relations("وتقدمت قوات النظام مدعومة بحزب الله ولواء درع البادية نحو البلدة.\n") >= {
        ("قوات النظام", BACKED, "حزب الله"), ("قوات النظام", BACKED, "لواء درع البادية")}
    assert ("جبهة نور الحق", BACKED, "التحالف الدولي") in _relations(
        "وسيطرت جبهة نور الحق على القرية بغطاء جوي من التحالف الدولي.\n")
    assert ("جبهة نور الحق", BACKED, "تركيا") in _relations("وتدعم تركيا جبهة نور الحق منذ سنوات.\n")


def test_part_of_composed_of_arm_of_and_unit_of_it():
    assert _relations("وجيش الشمال الحر -المؤلف من فصائل أبرزها جبهة نور الحق ولواء درع البادية- تقدم.\n") >= {
        ("جبهة نور الحق", PART, "جيش الشمال الحر"), ("لواء درع البادية", PART, "جيش الشمال الحر")}
    assert ("جبهة نور الحق", PART, "تنظيم القاعدة") in _relations("وقالت جبهة نور الحق ذراع تنظيم القاعدة إن ...\n")
    assert ("لواء درع البادية", PART, "جبهة نور الحق") in _relations(
        "وانتقد التقرير جبهة نور الحق، ولواء درع البادية التابع لها، لتجنيد الأطفال.\n")


def test_affiliation_loyalty_and_roles():
    assert ("لواء درع البادية", AFFILIATED, "للنظام") in _relations(
        "وقتل عنصران من لواء درع البادية الموالي للنظام.\n")
    assert ("سامر الخطيب", AFFILIATED, "جبهة نور الحق") in _relations(
        "وقال سامر الخطيب، الناطق باسم جبهة نور الحق، إن المعركة مستمرة.\n")


def test_led_by_titles_and_apposition():
    assert ("جبهة نور الحق", LED, "أبو خالد الحمصي") in _relations(
        "وقال أمير جبهة نور الحق في القلمون، أبو خالد الحمصي، إن الهجوم بدأ.\n")
    assert ("الفرقة 17", LED, "نزار عبود") in _relations("وقال قائد الفرقة 17 العميد نزار عبود إن قواته تقدمت.\n")


def test_trained_led_and_allied_in_relative_and_passive_forms():
    TRAINED = str(RelationType.TRAINED_BY)
    assert ("الفرقة 17", TRAINED, "الولايات المتحدة") in _relations(
        "وانسحب مقاتلو الفرقة 17 المدربون من قبل الولايات المتحدة من القرية.\n")
    assert ("جبهة نور الحق", TRAINED, "تركيا") in _relations("وقاتلت جبهة نور الحق التي دربتها تركيا في الشمال.\n")
    assert ("جبهة نور الحق", LED, "سامر الخطيب") in _relations(
        "وتقدمت جبهة نور الحق التي يقودها العقيد سامر الخطيب نحو المدينة.\n")
    assert ("جبهة نور الحق", AFFILIATED, "حزب الله") in _relations("وقالت جبهة نور الحق، حليفة حزب الله، إن ...\n")


def test_killed_by_one_of_and_led_by_phrases():
    assert ("قوات النظام", CLASHED, "جبهة نور الحق") in _relations(
        "وأفاد ناشطون بمقتل ثلاثة عناصر من جبهة نور الحق بنيران قوات النظام في ريف حماة.\n")
    assert ("لواء درع البادية", PART, "جيش الشمال الحر") in _relations(
        "وقال لواء درع البادية، أحد فصائل جيش الشمال الحر، إن الهجوم صُد.\n")
    assert ("لواء درع البادية", LED, "سامر الخطيب") in _relations(
        "وتقدم لواء درع البادية بقيادة العقيد سامر الخطيب نحو التلة.\n")


def test_backing_received_counted_with_leads_and_exchanged_fire():
    assert ("جبهة نور الحق", BACKED, "تركيا") in _relations("وتقدمت جبهة نور الحق التي تحظى بدعم تركيا.\n")
    assert ("لواء درع البادية", AFFILIATED, "جبهة نور الحق") in _relations(
        "وقال لواء درع البادية المحسوب على جبهة نور الحق إن ...\n")
    assert ("جبهة نور الحق", LED, "سامر الخطيب") in _relations(
        "وقال العقيد سامر الخطيب، الذي يقود جبهة نور الحق، إن ...\n")
    assert ("قوات النظام", CLASHED, "جبهة نور الحق") in _relations(
        "وتواصل تبادل القصف بين قوات النظام وجبهة نور الحق في الريف الشمالي.\n")


def test_a_reference_stands_for_the_actor_named_before():
    found = _relations("وأعلن تنظيم داعش مسؤوليته. وقالت المصادر إن قوات النظام قصفت مواقع التنظيم في البادية.\n")
    assert found == {("قوات النظام", CLASHED, "تنظيم داعش")}


def test_evidence_is_verbatim_and_sentences_are_chunkings():
    text = "وقصفت قوات النظام مواقع جبهة نور الحق. واندلعت اشتباكات بين حزب الله وجبهة نور الحق.\n"
    article = Article("t", "t", text)
    spans = sentence_spans(text)
    for r in extract_relations(article):
        assert text[r.start:r.end] == r.evidence
        assert any(s <= r.start and r.end <= e for s, e in spans)  # inside one of chunking's sentences


# ----------------------------------------------------------------------------- the user's catalogue


@pytest.fixture
def user_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "my-actors.json"
    monkeypatch.setenv("ASSISTANT_USER_ACTORS", str(path))
    return path


def test_user_file_adds_actors_aliases_and_merges(user_file):
    user_file.write_text(json.dumps({
        "actors": [{"id": "nur-al-haqq", "type": "armed_group", "name_en": "Nur al-Haqq Front",
                    "name_ar": "جبهة نور الحق", "aliases_ar": ["نور الحق"]}],
        "aliases": {"hezbollah": ["الحزب اللبناني المسلح"]},
        "merges": {"fsa": "sna"},
    }, ensure_ascii=False), encoding="utf-8")
    cat = catalogue()
    assert cat.get("nur-al-haqq").name_en == "Nur al-Haqq Front"
    assert "الحزب اللبناني المسلح" in cat.get("hezbollah").aliases_ar
    assert cat.resolve("fsa") == "sna" and actor_by_id("fsa").id == "sna"
    found = _relations("وهاجم الحزب اللبناني المسلح مواقع نور الحق. وقصف الجيش الحر مواقع داعش.\n")
    assert ("الحزب اللبناني المسلح", CLASHED, "نور الحق") in found
    relations = extract_relations(Article("t", "t", "وقصف الجيش الحر مواقع داعش.\n"))
    assert [(r.subject_id, r.object_id) for r in relations] == [("sna", "isis")]


def test_user_file_errors_are_clear(user_file):
    user_file.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogueError, match="cannot read"):
        catalogue()
    user_file.write_text(json.dumps({"actors": [{"id": "russia", "type": "state", "name_en": "x",
                                                 "name_ar": "س"}]}), encoding="utf-8")
    with pytest.raises(CatalogueError, match="already in the catalogue"):
        catalogue()


def test_alias_and_merge_commands(user_file, capsys):
    assert cli(["actors", "alias", "hezbollah", "حزب المقاومة اللبناني"]) == 0
    assert "حزب المقاومة اللبناني" in catalogue().get("hezbollah").aliases_ar
    assert cli(["actors", "merge", "fsa", "sna"]) == 0
    assert json.loads(user_file.read_text(encoding="utf-8"))["merges"] == {"fsa": "sna"}
    said = capsys.readouterr().out
    assert "'حزب المقاومة اللبناني' is now a name of hezbollah" in said and "fsa is merged into sna" in said
    assert cli(["actors", "merge", "fsa"]) == 2
    assert "usage: assistant actors merge MERGED_ID KEPT_ID" in capsys.readouterr().err
    assert cli(["actors", "merge", "fsa", "sna"]) == 2  # already one actor
    assert cli(["actors", "alias", "no-such-actor", "اسم"]) == 2
    assert cli(["actors", "alias", "hezbollah", "داعش"]) == 2  # names another actor
    assert "error:" in capsys.readouterr().err
    with pytest.raises(CatalogueError):
        add_alias("hezbollah", "  ")
    with pytest.raises(CatalogueError):
        merge("hezbollah", "no-such-actor")


def test_index_keeps_discovered_actors_and_follows_merges(fake_assistant, user_file, capsys):
    from assistant.storage import load_index

    index = fake_assistant.index
    assert (index.path / "discovered.jsonl").is_file()
    assert index.discovered.actors, "the seed articles name actors no list holds"
    top = index.discovered.by_frequency()[0]
    assert actor_by_id(top.id).discovered
    assert index.articles[top.article_id].text[top.start:top.end] in top.forms
    assert cli(["actors", "--discovered", "--index", str(fake_assistant.index_dir), "--limit", "3"]) == 0
    assert top.id in capsys.readouterr().out
    # A merge in the user's file applies to stored relations when the index loads: no re-embedding.
    subject = index.relations[0].subject_id
    kept = "sna" if subject != "sna" else "fsa"
    merge(subject, kept)
    reloaded = load_index(fake_assistant.index_dir, verify=False)
    assert subject not in {r.subject_id for r in reloaded.relations}
    assert kept in {r.subject_id for r in reloaded.relations}


def test_replacing_an_article_replaces_its_discovered_counts(fake_assistant):
    fake_assistant.add_articles([Article("x-1", "t", "وأعلنت حركة أنصار الوادي سيطرتها على التلة، "
                                                    "وقالت حركة أنصار الوادي إنها تتقدم.\n")])
    fake_assistant.add_articles([Article("x-1", "t", "وقالت حركة أنصار الوادي إن الهجوم بدأ.\n")], replace=True)
    found = [a for a in fake_assistant.index.discovered.actors.values() if a.name_ar == "حركة أنصار الوادي"]
    assert [a.count for a in found] == [1]


# ----------------------------------------------------------------------------- the benchmark


@pytest.mark.skipif(not (RELATIONS_DEV / "articles.jsonl").is_file(), reason="relations-dev is not in ../shared")
def test_relations_benchmark_on_the_development_part():
    sys.path.insert(0, str(REPO / "benchmarks"))
    import bench_relations as bench

    variants = bench._reference_scorer(RELATIONS_DEV).variants
    articles = bench._jsonl(RELATIONS_DEV / "articles.jsonl")[:bench.DEV_ARTICLES]
    ids = {a["id"] for a in articles}
    gold = [g for g in bench._jsonl(RELATIONS_DEV / "relations.jsonl") if g["article"] in ids]
    actors = {a["name_ar"]: a for a in bench._jsonl(RELATIONS_DEV / "actors.jsonl")}
    result = bench.score(bench.predictions(articles), gold, actors, variants)
    found = bench.actors_found(articles, gold, actors, variants)
    # What the extractor reached on the development part, less a small margin.
    assert result["precision"] >= 0.95
    assert result["recall"] >= 0.68
    assert found["share"] >= 0.88
    checked = bench.discovered_verdicts(REPO / "benchmarks" / "discovered_checked.json")
    listed = set(found["discovered"])
    assert listed <= set(checked), f"unchecked discovered names: {sorted(listed - set(checked))}"
    assert sum(not checked[name] for name in listed) <= 0.10 * len(listed)
