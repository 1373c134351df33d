"""Distributed ingestion: two local Ray workers build the index the single process builds."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from assistant import Assistant
from assistant.cli import main
from assistant.distributed import DistributedUnavailableError, RayEncoder
from assistant.embedding import length_batches
from assistant.settings import Settings
from assistant.storage import load_index

from conftest import CORPUS

# Three short seed articles: 73 passages and sentences, so two staging parts (64 + 9).
ARTICLES = [CORPUS / f"{name}.md" for name in
            ("001_bdb9af9ed111424f", "002_d6c53499e3c39e1e", "004_2048e3c122fab859")]


def test_batches_are_longest_first_and_cover_every_text_once():
    texts = ["aa", "a", "aaaa", "aaa", "", "aaa"]
    assert length_batches(texts, 4) == [[2, 3, 5, 0], [1, 4]]  # ties keep their input order
    assert length_batches(texts, 16) == [[2, 3, 5, 0, 1, 4]]
    assert length_batches([], 16) == []


def test_missing_ray_names_the_install_command(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    with pytest.raises(DistributedUnavailableError, match=r"pip install -e '\.\[distributed\]'"):
        RayEncoder(Settings(), workers=2)
    assert main(["ingest", str(ARTICLES[0]), "--index", str(tmp_path / "index"), "--ray-workers", "2"]) == 2
    assert "pip install -e '.[distributed]'" in capsys.readouterr().err


@pytest.mark.model
def test_harness_builds_embed_on_ray_workers_when_settings_ask(monkeypatch, tmp_path):
    from assistant.corpus import read_articles
    from assistant.evaluation import ensure_index

    monkeypatch.setitem(sys.modules, "ray", None)  # Ray unreachable: a build that asks for it says so
    articles = read_articles(ARTICLES[:1]).articles
    with pytest.raises(DistributedUnavailableError):
        ensure_index(tmp_path / "ray", articles, Settings(ray_workers=2))
    assert ensure_index(tmp_path / "local", articles, Settings(ray_workers=0))["units_embedded"] > 0


def _vectors(index) -> np.ndarray:
    return index.vectors.reconstruct_n(0, index.vectors.ntotal)


def _sentence_vectors(index) -> np.ndarray:
    return index.sentence_vectors.reconstruct_n(0, index.sentence_vectors.ntotal)


@pytest.mark.model
def test_ray_with_two_workers_builds_the_single_process_index(tmp_path):
    ray = pytest.importorskip("ray", reason="the 'distributed' extra is not installed: pip install -e '.[distributed]'")
    # On the default int8 back-end, whose vectors depend on the texts batched together: the
    # workers must be handed the single process's batches for this to hold within 1e-5.
    assert not ray.is_initialized()

    started = time.perf_counter()
    report = Assistant(index_dir=tmp_path / "single").ingest(ARTICLES, ray_workers=0)
    single_s = time.perf_counter() - started
    assert len(report.added) == 3 and not report.problems

    started = time.perf_counter()
    assert main(["ingest", *map(str, ARTICLES), "--index", str(tmp_path / "ray"), "--ray-workers", "2"]) == 0
    ray_s = time.perf_counter() - started
    assert not ray.is_initialized()  # the local Ray it started is shut down
    single, distributed = load_index(tmp_path / "single"), load_index(tmp_path / "ray")
    gap = max(np.abs(_vectors(distributed) - _vectors(single)).max(),
              np.abs(_sentence_vectors(distributed) - _sentence_vectors(single)).max())
    print(f"\nbuild of {len(ARTICLES)} articles: single process {single_s:.1f} s, Ray with 2 workers {ray_s:.1f} s; "
          f"largest vector difference {gap:.1e}")
    assert [c.id for c in distributed.chunks] == [c.id for c in single.chunks]
    assert [s.id for s in distributed.sentences] == [s.id for s in single.sentences]
    assert len(single.chunks) + len(single.sentences) > 64  # more than one staging part was embedded
    np.testing.assert_allclose(_vectors(distributed), _vectors(single), rtol=0, atol=1e-5)
    np.testing.assert_allclose(_sentence_vectors(distributed), _sentence_vectors(single), rtol=0, atol=1e-5)
    # Same files, and every file but the two holding float vectors byte for byte the same.
    single_files, ray_files = single.manifest["files"], distributed.manifest["files"]
    assert ray_files.keys() == single_files.keys()
    assert {name for name in single_files
            if ray_files[name]["sha256"] != single_files[name]["sha256"]} <= {"vectors.faiss", "sentences.faiss"}
    for key in ("model", "weights_sha256", "dimension", "backend", "corpus_fingerprint", "chunks", "sentences"):
        assert distributed.manifest[key] == single.manifest[key]
    assert not (tmp_path / "ray" / ".staging").exists()
