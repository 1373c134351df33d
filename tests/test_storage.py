"""The index on disk and the one ingestion path, on the fake encoder (tests/conftest.py): segments added
without rewriting what is there, settings and identity refusals, a live index under ingestion, the
writers' lock, and every way the files (CURRENT included) can be damaged."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import bm25s
import faiss
import numpy as np
import pytest

from assistant import Assistant, IndexBusyError, IndexCorruptError, IndexMismatchError
from assistant.arabic import tokenize
from assistant.chunking import chunk_article, make_splitter, sentence_units
from assistant.cleaning import clean_article
from assistant.cli import main
from assistant.corpus import Article, read_articles
from assistant.ingestion import ingest
from assistant.keywords import KeywordIndex, TermCounts
from assistant.retrieval import Retriever
from assistant.settings import load_settings
from assistant.storage import DELTA_FILES, DISCOVERED, current_generation, load_index, read_manifest, verify_index

from conftest import CORPUS, REPO, FakeEncoder

GROUPS = {"blue": ("النمر الأزرق", "سامي الأحمد"), "red": ("الصقر الأحمر", "رامي الخطيب"),
          "green": ("الذئب الأخضر", "كريم النجار"), "black": ("الفهد الأسود", "ماهر العلي")}


def _article(name: str, leader: str | None = None) -> Article:
    group, default = GROUPS[name]
    return Article(id=name, title=f"لواء {group}",
                   text=f"شكلت تركيا لواء {group} في عام 2030 بقيادة القائد {leader or default}، "
                        f"ويضم نحو 300 مقاتل في ريف حلب الشمالي.")


def _write(folder: Path, article: Article) -> Path:
    path = folder / f"{article.id}.md"
    path.write_text(f"---\ntitle: {article.title}\nsource: اختبار\n---\n{article.text}", "utf-8")
    return path


def _found(assistant: Assistant, name: str, leader: str | None = None):
    """The passage ranked first when searching with the text of article ``name``: by the fake encoder's
    vectors and by BM25 both, it is that article's, wherever it is indexed."""
    question = _article(name, leader).text
    dense, keyword = (assistant.search(question, mode=mode)[1][0].chunk for mode in ("dense", "bm25"))
    assert dense == keyword, (dense, keyword)
    return dense


class BlockingEncoder(FakeEncoder):
    """Embeds passages only once ``release`` is set (questions embed at once)."""

    def __init__(self):
        super().__init__()
        self.embedding = threading.Event()
        self.release = threading.Event()

    def encode_documents(self, texts, titles=None):
        self.embedding.set()
        assert self.release.wait(30), "the test never released the encoder"
        return super().encode_documents(texts, titles)


# ---------------------------------------------------------------- keyword scoring


def test_segmented_bm25_scores_as_bm25s_scores_the_whole_corpus(fake_index):
    chunks = [c.text for c in load_index(fake_index).chunks]
    reference = bm25s.BM25()
    reference.index([tokenize(t) or ["\0"] for t in chunks], show_progress=False)
    whole = KeywordIndex([TermCounts.of(chunks)])
    thirds = KeywordIndex([TermCounts.of(chunks[:20]), TermCounts.of(chunks[20:45]), TermCounts.of(chunks[45:])])
    for query in ("لواء القدس", "من يقود ميليشيا الباقر", "شركة روسية وكلمة-لا-توجد"):
        known = [t for t in tokenize(query) if t in reference.vocab_dict]
        assert known
        expected = reference.get_scores(known)
        np.testing.assert_allclose(whole.get_scores(known), expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(thirds.get_scores(known), expected, rtol=1e-5, atol=1e-6)
    # bm25s keeps an empty string of its own in its vocabulary
    assert set(whole.vocab_dict) == set(thirds.vocab_dict) == set(reference.vocab_dict) - {""}


def test_a_rarer_term_weighs_more_and_one_no_passage_holds_weighs_most():
    index = KeywordIndex([TermCounts.of(["فصيل مسلح في حلب", "فصيل مسلح في إدلب", "فصيل في درعا"])])
    common, rarer, rare = (index.idf(t) for t in tokenize("فصيل مسلح حلب"))
    assert common < rarer < rare < index.idf("كلمةلاتوجد")


# ---------------------------------------------------------------- incremental ingestion


def test_an_added_article_is_a_new_segment_and_nothing_else_is_rewritten(fake_assistant, tmp_path):
    before = current_generation(fake_assistant.index_dir)
    old_files = {name: (before / name).stat().st_ino for name in read_manifest(fake_assistant.index_dir)["files"]}
    report = fake_assistant.ingest([_write(tmp_path, _article("blue"))])
    assert report.added == ["blue"] and not report.compacted and report.chunks_total == 65
    after = current_generation(fake_assistant.index_dir)
    manifest = read_manifest(fake_assistant.index_dir)
    # every earlier file is the same inode (a hard link), the new segment holds the new vectors; only the
    # generation's catalogue of discovered actors, which the new article adds to, is written again
    assert all((after / name).stat().st_ino == inode for name, inode in old_files.items() if name != DISCOVERED)
    new_segment = manifest["segments"][-1]
    assert new_segment["delta"] and new_segment["articles"] == 1
    assert {f"{new_segment['name']}/{name}" for name in DELTA_FILES.values()} <= set(manifest["files"])
    assert before.is_dir()  # the generation before the live one is kept for readers still loading it
    assert _found(fake_assistant, "blue").article_id == "blue"
    assert len(fake_assistant.articles()) == 6


def test_unchanged_reingest_writes_nothing(fake_assistant):
    current = (fake_assistant.index_dir / "CURRENT").read_text()
    embedded = fake_assistant.encoder.documents
    report = fake_assistant.ingest([CORPUS])
    assert len(report.unchanged) == 5 and not report.added and not report.generation
    assert fake_assistant.encoder.documents == embedded
    assert (fake_assistant.index_dir / "CURRENT").read_text() == current


def test_vectors_waiting_beside_the_stores_are_compacted_in(tmp_path):
    settings = load_settings(compact_units=10, hnsw_threshold=10**6)
    index_dir = tmp_path / "index"
    encoder = FakeEncoder()
    assert ingest(index_dir, [_article("blue")], lambda: encoder, settings).compacted  # a first build
    assert not ingest(index_dir, [_article("red")], lambda: encoder, settings).compacted  # 2 units wait
    report = ingest(index_dir, read_articles([CORPUS]).articles, lambda: encoder, settings)
    assert report.compacted  # 2 waiting + the seeds' units > 10: the stores are rewritten
    manifest = read_manifest(index_dir)
    assert not any(s["delta"] for s in manifest["segments"]) and manifest["base"]["chunks"] == manifest["chunks"]
    assert [s["articles"] for s in manifest["segments"]] == [1, 6]  # "red" joined with the seeds
    assert not any(name.endswith(tuple(DELTA_FILES.values())) for name in manifest["files"])
    assistant = Assistant(index_dir=index_dir, settings=settings, encoder=encoder)
    for name in ("blue", "red"):
        assert _found(assistant, name).article_id == name
    index = assistant.index
    for row in (0, len(index.chunks) - 1):  # rows and vectors still line up after compaction
        expected = encoder.encode_documents([index.chunks[row].text])[0]
        assert float(index.vectors.reconstruct(row) @ expected) > 0.999


def test_articles_added_to_an_hnsw_index_grow_its_graphs(tmp_path):
    settings = load_settings(hnsw_threshold=50)
    assistant = Assistant(index_dir=tmp_path / "index", settings=settings, encoder=FakeEncoder())
    assistant.ingest([CORPUS])  # over 50 passages and sentences: HNSW from the start
    for name in ("blue", "red"):
        assert assistant.ingest([_write(tmp_path, _article(name))]).added == [name]
        index = assistant.index
        assert isinstance(index.vectors, faiss.IndexHNSW) and isinstance(index.sentence_vectors, faiss.IndexHNSW)
        assert (index.vectors.ntotal, index.sentence_vectors.ntotal) == (len(index.chunks), len(index.sentences))
    for name, (_, leader) in GROUPS.items():
        if name in ("blue", "red"):
            found = _found(assistant, name)
            assert found.article_id == name and leader in found.text


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("setting, value", [("chunk_size", 200), ("chunk_overlap", 30), ("hnsw_m", 16)])
def test_a_changed_shaping_setting_is_refused_with_the_rebuild_command(fake_assistant, tmp_path, setting, value):
    changed = load_settings(**{setting: value})
    other = Assistant(index_dir=fake_assistant.index_dir, settings=changed, encoder=FakeEncoder())
    pattern = rf"{setting} \d+ \(now {value}.*assistant ingest corpus/ --index .* --rebuild"
    with pytest.raises(IndexMismatchError, match=pattern):
        other.ingest([_write(tmp_path, _article("blue"))])
    with pytest.raises(IndexMismatchError, match=pattern):
        other.ask("من يقود لواء القدس؟")
    assert other.ingest([CORPUS], rebuild=True).added  # what the message says to do works
    assert other.index.manifest["settings"][setting] == value


def test_an_index_of_another_model_is_refused_before_anything_is_embedded(fake_assistant, tmp_path):
    other = FakeEncoder()
    other.info = type(other.info)(model="other", weights_sha256="other-weights", dimension=64, backend="fake")
    with pytest.raises(IndexMismatchError, match="model fake.*now other.*Rebuild it with"):
        Assistant(index_dir=fake_assistant.index_dir, encoder=other).ingest([_write(tmp_path, _article("blue"))])
    assert other.documents == 0


def test_an_id_given_again_with_other_text_is_refused_unless_replace(fake_assistant, tmp_path):
    fake_assistant.ingest([_write(tmp_path, _article("blue"))])
    changed = _write(tmp_path, _article("blue", leader="فادي سليمان"))
    report = fake_assistant.ingest([changed])
    assert not report.replaced and not report.generation
    assert any("blue" in p and "--replace" in p for p in report.problems)
    assert "سامي الأحمد" in fake_assistant.index.articles["blue"].text  # the indexed article is kept
    report = fake_assistant.ingest([changed], replace=True)
    assert report.replaced == ["blue"] and report.compacted and "1 replaced (blue)" in report.summary()
    index = fake_assistant.index
    assert "فادي سليمان" in index.articles["blue"].text
    assert [c.text for c in index.chunks if c.article_id == "blue"] == [index.articles["blue"].text]
    assert len(index.chunks) == index.vectors.ntotal == 65  # the old passage's row and vector are gone
    assert "فادي سليمان" in _found(fake_assistant, "blue", leader="فادي سليمان").text


def test_an_id_given_twice_in_one_ingestion_is_reported(tmp_path):
    report = ingest(tmp_path / "index", [_article("blue"), _article("blue", leader="فادي سليمان")], FakeEncoder,
                    load_settings())
    assert report.added == ["blue"] and any("blue is given twice" in p for p in report.problems)


# ---------------------------------------------------------------- a live index


def test_questions_are_answered_while_an_ingestion_embeds(fake_assistant, tmp_path):
    blocking = BlockingEncoder()
    fake_assistant._encoder = blocking
    path = _write(tmp_path, _article("blue"))
    worker = threading.Thread(target=fake_assistant.ingest, args=([path],))
    worker.start()
    try:
        assert blocking.embedding.wait(10)
        started = time.perf_counter()
        answer = fake_assistant.ask("كم عدد مقاتلي لواء القدس؟")  # the ingestion is holding its encoder
        assert answer.answered and time.perf_counter() - started < 5
        assert "blue" not in fake_assistant.index.articles
    finally:
        blocking.release.set()
        worker.join(30)
    assert _found(fake_assistant, "blue").article_id == "blue"


def test_a_second_ingestion_waits_for_the_first_and_says_so(fake_assistant):
    blocking = BlockingEncoder()
    index_dir = fake_assistant.index_dir
    first = threading.Thread(target=ingest, args=(index_dir, [_article("blue")], lambda: blocking,
                                                  fake_assistant.settings))
    first.start()
    try:
        assert blocking.embedding.wait(10)
        with pytest.raises(IndexBusyError, match="another ingestion.*ASSISTANT_INGEST_LOCK_TIMEOUT"):
            ingest(index_dir, [_article("red")], FakeEncoder, fake_assistant.settings.with_(ingest_lock_timeout=0.3))
        notices: list[str] = []
        second = threading.Thread(target=ingest, args=(index_dir, [_article("red")], FakeEncoder,
                                                       fake_assistant.settings), kwargs={"notice": notices.append})
        second.start()
        time.sleep(0.5)
        assert second.is_alive() and notices and "another ingestion is writing" in notices[0]
    finally:
        blocking.release.set()
        first.join(30)
    second.join(30)
    assert {"blue", "red"} <= set(fake_assistant.index.articles)


def test_an_ingestion_in_another_process_holds_the_lock_against_this_one(fake_assistant):
    script = textwrap.dedent(f"""
        import sys, time
        from assistant.storage import IndexLock
        with IndexLock({str(fake_assistant.index_dir)!r}, timeout=0):
            print("locked", flush=True)
            time.sleep(30)
    """)
    holder = subprocess.Popen([sys.executable, "-c", script], env=dict(os.environ, PYTHONPATH=str(REPO)),
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexBusyError, match="another ingestion"):
            ingest(fake_assistant.index_dir, [_article("blue")], FakeEncoder,
                   fake_assistant.settings.with_(ingest_lock_timeout=0.2))
    finally:
        holder.kill()
        holder.wait()
    assert ingest(fake_assistant.index_dir, [_article("blue")], FakeEncoder, fake_assistant.settings).added == ["blue"]


def test_a_second_assistant_sees_what_the_first_ingested_without_a_restart(fake_assistant, tmp_path):
    reader = Assistant(index_dir=fake_assistant.index_dir, encoder=FakeEncoder())
    assert "blue" not in reader.index.articles
    fake_assistant.ingest([_write(tmp_path, _article("blue"))])
    assert _found(reader, "blue").article_id == "blue"


def test_a_serving_process_answers_from_a_generation_another_process_wrote(fake_assistant, tmp_path):
    asked = fake_assistant.ask("كم عدد مقاتلي لواء القدس؟")
    assert asked.answered
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO / "tests")!r})
        from conftest import FakeEncoder
        from assistant import Assistant
        assistant = Assistant(index_dir={str(fake_assistant.index_dir)!r}, encoder=FakeEncoder())
        assistant.ingest([{str(_write(tmp_path, _article("red")))!r}])
    """)
    subprocess.run([sys.executable, "-c", script], check=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert _found(fake_assistant, "red").article_id == "red"


def test_an_answer_weighs_terms_by_the_generation_it_searched(fake_assistant, tmp_path, monkeypatch):
    # An ingestion makes a new generation live while the question is being embedded, after ``ask`` took its
    # generation: the term rarities must come from that generation's retriever, not the new one.
    searched, weighed = [], []
    search, rarity = Retriever.search, Retriever.rarity
    monkeypatch.setattr(Retriever, "search", lambda self, *a, **k: searched.append(self) or search(self, *a, **k))
    monkeypatch.setattr(Retriever, "rarity", lambda self, query: weighed.append(self) or rarity(self, query))
    encode = fake_assistant.encoder.encode_queries

    def ingest_then_encode(texts):
        monkeypatch.setattr(fake_assistant.encoder, "encode_queries", encode)
        fake_assistant.ingest([_write(tmp_path, _article("blue"))])
        return encode(texts)

    monkeypatch.setattr(fake_assistant.encoder, "encode_queries", ingest_then_encode)
    assert fake_assistant.ask("كم عدد مقاتلي لواء القدس؟").answered
    assert "blue" in fake_assistant.index.articles  # the new generation went live during the answer
    assert len(set(searched)) == 1 and set(weighed) == set(searched)


# ---------------------------------------------------------------- damage


def _flip(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if at is None else at] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage, message", [
    (lambda current: _flip(current, 2), "CURRENT is damaged"),
    (lambda current: current.write_text(""), "CURRENT is empty"),
    (lambda current: current.unlink(), "CURRENT is missing but generations are present"),
    (lambda current: current.write_text("gen-nowhere\n"), "CURRENT names a missing folder gen-nowhere"),
])
def test_a_damaged_current_is_a_corrupt_index_with_the_rebuild_command(fake_assistant, damage, message):
    damage(fake_assistant.index_dir / "CURRENT")
    assistant = Assistant(index_dir=fake_assistant.index_dir, encoder=FakeEncoder())
    with pytest.raises(IndexCorruptError, match=f"{message}.*assistant ingest corpus/ --index .* --rebuild"):
        assistant.index  # noqa: B018


def test_a_serving_assistant_reports_current_damaged_under_it(fake_assistant):
    assert fake_assistant.ask("كم عدد مقاتلي لواء القدس؟").answered
    (fake_assistant.index_dir / "CURRENT").write_text("")
    with pytest.raises(IndexCorruptError, match="CURRENT is empty"):
        fake_assistant.index  # noqa: B018


def test_a_rewritten_file_is_found_on_load_and_bit_rot_by_verify(fake_assistant, capsys):
    generation = current_generation(fake_assistant.index_dir)
    manifest = read_manifest(fake_assistant.index_dir)
    segment = manifest["segments"][0]["name"]
    assert verify_index(fake_assistant.index_dir) == []
    assert main(["verify", "--index", str(fake_assistant.index_dir)]) == 0
    chunks = generation / segment / "chunks.jsonl"
    stat = chunks.stat()
    _flip(chunks)
    with pytest.raises(IndexCorruptError, match=f"{segment}/chunks.jsonl is damaged \\(hash mismatch\\).*--rebuild"):
        Assistant(index_dir=fake_assistant.index_dir, encoder=FakeEncoder()).index  # noqa: B018
    # damage that keeps the file's time (bit rot) passes the cheap check on load; `assistant verify` hashes all
    os.utime(chunks, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert any("chunks.jsonl is damaged" in p for p in verify_index(fake_assistant.index_dir))
    assert main(["verify", "--index", str(fake_assistant.index_dir)]) == 2
    assert "chunks.jsonl is damaged" in capsys.readouterr().err


def test_a_truncated_vector_store_is_found_by_its_size(fake_assistant):
    store = current_generation(fake_assistant.index_dir) / "vectors.faiss"
    store.write_bytes(store.read_bytes()[:-8])
    with pytest.raises(IndexCorruptError, match="vectors.faiss is damaged \\(size"):
        Assistant(index_dir=fake_assistant.index_dir, encoder=FakeEncoder()).index  # noqa: B018


# ---------------------------------------------------------------- killed ingestions

def extra_articles() -> list[Article]:
    """Six articles of 40 sentences each: several staging parts to embed."""
    return [Article(f"extra-{n}", f"مقال {n}", " ".join(f"جملة رقم {n} عن اللواء {i}." for i in range(40)))
            for n in range(6)]


_KILLED = """
import sys, time
sys.path.insert(0, {tests!r})
from conftest import FakeEncoder
from assistant import storage
from assistant.ingestion import ingest
from assistant.settings import load_settings

class Slow(FakeEncoder):  # slowed only for a kill that has to land between two staging parts
    def encode_documents(self, texts, titles=None):
        time.sleep({embed_pause})
        return super().encode_documents(texts, titles)

fsync = storage._fsync
def slow_fsync(path):  # a write phase long enough to be killed in
    time.sleep(0.05)
    fsync(path)
storage._fsync = slow_fsync
from test_storage import extra_articles
ingest({index!r}, extra_articles(), Slow, load_settings())
"""


@pytest.mark.parametrize("moment", ["embedding", "writing"])
def test_an_ingestion_killed_while_adding_leaves_the_index_loadable_and_a_rerun_completes(fake_assistant, moment):
    index_dir = fake_assistant.index_dir
    live = current_generation(index_dir)
    script = _KILLED.format(tests=str(REPO / "tests"), index=str(index_dir),
                            embed_pause=0.3 if moment == "embedding" else 0)
    process = subprocess.Popen([sys.executable, "-c", script], env=dict(os.environ, PYTHONPATH=str(REPO)),
                               stderr=subprocess.PIPE)
    # finished parts only: a part being written is "part-N.tmp.npy" until it is renamed
    ready = ((lambda: len(list((index_dir / ".staging").glob("*/part-[0-9][0-9][0-9][0-9][0-9].npy"))) >= 2)
             if moment == "embedding"
             else (lambda: any(index_dir.glob(".tmp-gen-*/seg-*/*"))))
    deadline = time.time() + 60
    while not ready() and time.time() < deadline and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert ready(), f"the ingestion never got to {moment}: {process.stderr.read().decode()[-2000:]}"
    survivor = Assistant(index_dir=index_dir, encoder=FakeEncoder())
    assert current_generation(index_dir) == live and len(survivor.articles()) == 5
    assert survivor.ask("كم عدد مقاتلي لواء القدس؟").answered
    articles = extra_articles()
    splitter = make_splitter(fake_assistant.settings.chunk_size, fake_assistant.settings.chunk_overlap)
    units = sum(len(chunk_article(a, splitter)) + len(sentence_units(a, splitter))
                for a in map(clean_article, articles))
    encoder = FakeEncoder()
    report = ingest(index_dir, articles, lambda: encoder, load_settings())
    assert len(report.added) == 6 and len(survivor.articles()) == 11
    # the parts saved before the kill are not embedded again
    assert encoder.documents <= units - (128 if moment == "embedding" else units)
    assert not (index_dir / ".staging").exists() and not list(index_dir.glob(".tmp-gen-*"))
    assert verify_index(index_dir) == []
    assert json.loads((current_generation(index_dir) / "manifest.json").read_text())["articles"] == 11
