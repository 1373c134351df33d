"""The whole pipeline with the real EmbeddingGemma model on the five seed articles.

The questions come from the gold set (assistant/data/gold.json). Four per article and
language are asserted here; the evaluation harness (tests/test_evaluation.py) measures
the whole set against thresholds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import faiss
import pytest

from assistant import Assistant, IndexCorruptError, IndexMismatchError, QuestionError
from assistant.evaluation import holds_answer, load_gold
from assistant.settings import load_settings

from conftest import CORPUS, REPO

pytestmark = pytest.mark.model

GOLD = load_gold()
BY_ID = {q["id"]: q for q in GOLD["questions"]}
CITED = [
    "en-000-01", "en-000-02", "en-000-03", "en-000-04", "ar-000-02", "ar-000-03", "ar-000-04", "ar-000-05",
    "en-001-01", "en-001-03", "en-001-04", "en-001-05", "ar-001-01", "ar-001-02", "ar-001-03", "ar-001-04",
    "en-002-02", "en-002-03", "en-002-05", "en-002-06", "ar-002-02", "ar-002-03", "ar-002-04", "ar-002-05",
    "en-003-01", "en-003-02", "en-003-03", "en-003-04", "ar-003-01", "ar-003-02", "ar-003-03", "ar-003-04",
    "en-004-01", "en-004-03", "en-004-07", "en-004-11", "ar-004-01", "ar-004-02", "ar-004-03", "ar-004-04",
]
OUT_OF_CORPUS = ["ooc-en-01", "ooc-en-02", "ooc-en-03", "ooc-en-04", "ooc-en-05", "ooc-en-07",
                 "ooc-ar-01", "ooc-ar-02", "ooc-ar-03", "ooc-ar-04", "ooc-ar-05", "ooc-ar-06"]
FOLLOW_UPS = ["dlg-01", "dlg-02", "dlg-05", "dlg-09", "dlg-14"]


def assert_verbatim(assistant: Assistant, answer) -> None:
    for citation in answer.citations + answer.related:
        article = assistant.index.articles[citation.article_id]
        assert article.text[citation.start:citation.end] == citation.text


@pytest.mark.parametrize("qid", CITED)
def test_first_citation_answers_and_every_citation_is_verbatim(seed_assistant, qid):
    item = BY_ID[qid]
    answer = seed_assistant.ask(item["question"])
    assert answer.answered, qid
    assert answer.language == item["language"]
    first = answer.citations[0]
    assert first.article_id == item["article_id"]
    assert holds_answer(first.text, item["answer"]), (item["answer"], first.text)
    assert len(first.text) < 700  # the answering sentence(s), not a whole article
    assert_verbatim(seed_assistant, answer)
    assert f"[{len(answer.citations)}]" in answer.text


def test_selection_covers_every_article_in_both_languages():
    pairs = {(BY_ID[q]["article_id"], BY_ID[q]["language"]) for q in CITED}
    articles = {p.stem for p in CORPUS.glob("*.md")}
    for article in articles:
        for language in ("en", "ar"):
            assert sum(1 for q in CITED if (BY_ID[q]["article_id"], BY_ID[q]["language"]) == (article, language)) >= 4
    assert len(pairs) == 10


@pytest.mark.parametrize("qid", OUT_OF_CORPUS)
def test_out_of_corpus_questions_are_not_answered(seed_assistant, qid):
    item = next(q for q in GOLD["out_of_corpus"] if q["id"] == qid)
    answer = seed_assistant.ask(item["question"])
    assert not answer.answered
    assert answer.citations == []
    # Either the general message or, for a listed actor, what the articles do not say; in the
    # question's language.
    if item["language"] == "ar":
        assert answer.text == "لا تجيب المقالات المفهرسة عن هذا السؤال." or "لكنها لا تذكر" in answer.text
    else:
        assert (answer.text == "The indexed articles do not answer this question."
                or "but do not say" in answer.text)
    assert_verbatim(seed_assistant, answer)  # "related" passages are verbatim too


@pytest.mark.parametrize("did", FOLLOW_UPS)
def test_follow_up_uses_the_history(seed_assistant, did):
    dialogue = next(d for d in GOLD["dialogues"] if d["id"] == did)
    first, second = dialogue["turns"][:2]
    answer = seed_assistant.ask(first["question"])
    history = [{"role": "user", "content": first["question"]}, {"role": "assistant", "content": answer.text}]
    expected = {second["article_id"]} if isinstance(second["article_id"], str) else set(second["article_id"])
    _, hits = seed_assistant.search(second["question"], history)
    assert any(h.chunk.article_id in expected and holds_answer(h.chunk.text, second["answer"]) for h in hits[:3])
    # Without the history the same words do not find it: the history is what did.
    _, alone = seed_assistant.search(second["question"], None)
    alone_rank = next((i for i, h in enumerate(alone) if h.chunk.article_id in expected
                       and holds_answer(h.chunk.text, second["answer"])), 99)
    with_rank = next(i for i, h in enumerate(hits) if h.chunk.article_id in expected
                     and holds_answer(h.chunk.text, second["answer"]))
    assert with_rank <= alone_rank


# Written from the seed articles for issue 16: follow-ups with "it", "that militia", attached pronouns; and two
# older ones, "its fighters" (searched with the group's Arabic name, grounded in it) and an elided subject.
RESOLVED_DIALOGUES = ["dlg-03", "dlg-08"] + [f"dlg-{n}" for n in range(15, 27)]


@pytest.mark.parametrize("did", RESOLVED_DIALOGUES)
def test_every_turn_of_a_dialogue_about_one_group_is_answered(seed_assistant, did):
    dialogue = next(d for d in GOLD["dialogues"] if d["id"] == did)
    history: list[dict] = []
    for turn in dialogue["turns"]:
        answer = seed_assistant.ask(turn["question"], history)
        expected = {turn["article_id"]} if isinstance(turn["article_id"], str) else set(turn["article_id"])
        assert answer.answered and answer.citations, turn["question"]
        assert answer.citations[0].article_id in expected, turn["question"]
        assert holds_answer(answer.citations[0].text, turn["answer"]), (turn["question"], answer.citations[0].text)
        assert_verbatim(seed_assistant, answer)
        history += [{"role": "user", "content": turn["question"]}, {"role": "assistant", "content": answer.text}]


@pytest.mark.parametrize("question", ["How many fighters does Hezbollah have?", "كم عدد مقاتلي حزب الله؟",
                                      "How many fighters does the Rijal al-Karama movement have?",
                                      "كم عدد مقاتلي لواء الإمام الحسين؟", "ما عدد عناصر حزب الله؟"])
def test_a_group_is_not_answered_with_another_groups_figure(seed_assistant, question):
    answer = seed_assistant.ask(question)
    assert all("7 آلاف" not in c.text for c in answer.citations)
    if not answer.answered:
        assert "do not" in answer.text or "لا تذكر" in answer.text


def test_grounding_is_what_keeps_liwa_al_quds_figure_out(seed_assistant):
    ungrounded = Assistant(index_dir=seed_assistant.index_dir,
                           settings=seed_assistant.settings.with_(grounding=False), encoder=seed_assistant.encoder)
    question = "How many fighters does the Rijal al-Karama movement have?"
    assert any("7 آلاف" in c.text for c in ungrounded.ask(question).citations)
    assert seed_assistant.ask(question).text == "The indexed articles do not name Rijal al-Karama movement."


@pytest.mark.parametrize("question", ["How many fighters does Liwa al-Quds have?", "كم عدد مقاتلي لواء القدس؟"])
def test_a_group_the_articles_describe_is_still_answered(seed_assistant, question):
    answer = seed_assistant.ask(question)
    assert answer.answered and "7 آلاف" in answer.citations[0].text


def test_answer_serialises_to_json(seed_assistant):
    answer = seed_assistant.ask("Who trained Liwa al-Quds?")
    data = json.loads(answer.to_json())
    assert data["answered"] and data["citations"][0]["text"] == answer.citations[0].text
    assert data["question"] == "Who trained Liwa al-Quds?"
    assert set(data["citations"][0]) >= {"article_id", "title", "source", "text", "start", "end", "score"}


def test_empty_and_huge_questions_give_clear_errors(seed_assistant):
    with pytest.raises(QuestionError, match="empty"):
        seed_assistant.ask("   ")
    with pytest.raises(QuestionError, match="102,400 characters; the limit is 2,000"):
        seed_assistant.ask("ل" * 102_400)


def test_reingesting_unchanged_articles_embeds_nothing_and_new_ones_only_themselves(index_copy, tmp_path):
    assistant = Assistant(index_dir=index_copy)
    report = assistant.ingest([CORPUS])
    assert report.chunks_embedded == 0 and len(report.unchanged) == 5
    new = tmp_path / "new.md"
    new.write_text("---\ntitle: لواء النمر الأزرق\nsource: اختبار\n---\nشكلت تركيا لواء النمر الأزرق في عام 2030 "
                   "بقيادة القائد سامي الأحمد، ويضم نحو 300 مقاتل في ريف حلب الشمالي.", "utf-8")
    report = assistant.ingest([new])
    assert report.added == ["new"] and report.chunks_embedded == 1 and report.chunks_total == 65
    answer = assistant.ask("من يقود لواء النمر الأزرق؟")
    assert answer.answered and answer.citations[0].article_id == "new"
    assert len(assistant.articles()) == 6


def test_articles_added_to_an_hnsw_index_are_found(index_copy, tmp_path):
    assistant = Assistant(index_dir=index_copy, settings=load_settings(hnsw_threshold=50))
    leaders = {"one": ("النمر الأزرق", "سامي الأحمد"), "two": ("الصقر الأحمر", "رامي الخطيب")}
    for name, (group, leader) in leaders.items():
        (tmp_path / f"{name}.md").write_text(
            f"---\ntitle: لواء {group}\nsource: اختبار\n---\nشكلت تركيا لواء {group} في عام 2030 بقيادة القائد "
            f"{leader}، ويضم نحو 300 مقاتل في ريف حلب الشمالي.", "utf-8")
    # the HNSW threshold shapes the index: the seed index is refused until rebuilt under the new one
    with pytest.raises(IndexMismatchError, match="hnsw_threshold 50000 \\(now 50"):
        assistant.ingest([tmp_path / "one.md"])
    assert assistant.ingest([CORPUS, tmp_path / "one.md"], rebuild=True).added[-1] == "one"
    # the rebuild indexes the passages and sentences (over 50 each) as HNSW; the next ingest adds its
    # vectors beside them, inserted into those graphs as the index loads
    assert assistant.ingest([tmp_path / "two.md"]).added == ["two"]
    index = assistant.index
    assert isinstance(index.vectors, faiss.IndexHNSW) and isinstance(index.sentence_vectors, faiss.IndexHNSW)
    for name, (group, leader) in leaders.items():
        answer = assistant.ask(f"من يقود لواء {group}؟")
        assert answer.answered and answer.citations[0].article_id == name and leader in answer.citations[0].text
    assert (index.vectors.ntotal, index.sentence_vectors.ntotal) == (len(index.chunks), len(index.sentences))


def test_non_utf8_file_is_reported_and_the_rest_ingested(index_copy, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "bad.txt").write_bytes("عنوان".encode("cp1256"))
    (folder / "good.txt").write_text("مقال جيد\n\nنص مقال جيد عن لواء وهمي.", "utf-8")
    report = Assistant(index_dir=index_copy).ingest([folder])
    assert report.added == ["good"]
    assert any("bad.txt" in p and "not UTF-8" in p for p in report.problems)


def test_damaged_index_file_is_detected_with_the_rebuild_command(index_copy):
    generation = next(index_copy.glob("gen-*"))
    target = generation / "vectors.faiss"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match="damaged.*assistant ingest corpus/ --index .* --rebuild"):
        Assistant(index_dir=index_copy).ask("Who trained Liwa al-Quds?")


def test_index_of_another_model_is_refused(index_copy):
    manifest_path = next(index_copy.glob("gen-*")) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"], manifest["weights_sha256"] = "some/other-model", "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="some/other-model.*Rebuild it with"):
        Assistant(index_dir=index_copy).ask("Who trained Liwa al-Quds?")


def test_index_of_another_backend_is_refused(index_copy):
    manifest_path = next(index_copy.glob("gen-*")) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    other = "torch" if manifest["backend"] != "torch" else "onnx-int8"
    manifest["backend"] = other
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match=f"the {other} back-end.*Rebuild it with"):
        Assistant(index_dir=index_copy).ask("Who trained Liwa al-Quds?")


def test_build_killed_half_way_loses_nothing_and_resumes(tmp_path):
    index = tmp_path / "index"
    first = Assistant(index_dir=index).ingest([CORPUS / "002_d6c53499e3c39e1e.md"])
    assert first.added == ["002_d6c53499e3c39e1e"]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", str(CORPUS), "--index", str(index)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not list((index / ".staging").glob("*/part-*.npy")) and time.time() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert list((index / ".staging").glob("*/part-*.npy")), "the build never got half-way"
    survivor = Assistant(index_dir=index)
    assert [a.id for a in survivor.articles()] == ["002_d6c53499e3c39e1e"]
    assert survivor.ask("ما اسم التشكيل الجديد الذي أطلقته الميليشيات الإيرانية؟").answered
    resumed = Assistant(index_dir=index).ingest([CORPUS])
    assert len(resumed.added) == 4 and resumed.unchanged == ["002_d6c53499e3c39e1e"]
    assert len(Assistant(index_dir=index).articles()) == 5
    assert not (index / ".staging").exists()
