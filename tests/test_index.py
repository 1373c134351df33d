"""The vector index chosen by size: exact search below the threshold, HNSW with float16 vectors above."""

from pathlib import Path

import faiss
import numpy as np

from assistant.chunking import Chunk
from assistant.ingestion import merge_store
from assistant.retrieval import Retriever
from assistant.settings import load_settings
from assistant.storage import Index, build_faiss


def _clustered(n: int, seed: int = 0) -> np.ndarray:
    """Unit vectors in tight clusters, as embeddings of related passages are (random ones have no neighbours)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n // 20, 64)).astype(np.float32)
    vectors = np.repeat(centres, 20, axis=0) + 0.3 * rng.normal(size=(n, 64)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _near(vectors: np.ndarray) -> np.ndarray:
    """One unit query close to each cluster's first vector."""
    noisy = vectors[::20] + 0.1 * np.random.default_rng(1).normal(size=(len(vectors) // 20, vectors.shape[1]))
    return (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)


def test_exact_search_below_the_threshold_and_float16_hnsw_above():
    vectors = _clustered(2000)
    settings = load_settings(hnsw_threshold=1000)
    assert isinstance(build_faiss(vectors[:500], settings), faiss.IndexFlatIP)
    hnsw = build_faiss(vectors, settings)
    assert isinstance(hnsw, faiss.IndexHNSWSQ) and hnsw.ntotal == len(vectors)
    # float16 keeps every vector within rounding of what was added
    assert np.abs(hnsw.reconstruct_n(0, hnsw.ntotal) - vectors).max() < 1e-3


def test_hnsw_finds_what_exact_search_finds():
    vectors = _clustered(2000)
    queries = _near(vectors)
    exact = build_faiss(vectors, load_settings())
    hnsw = build_faiss(vectors, load_settings(hnsw_threshold=0))
    _, truth = exact.search(queries, 10)
    _, found = hnsw.search(queries, 10)
    recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found)])
    assert recall >= 0.98, recall


def test_search_width_comes_from_the_settings_not_from_the_index_file():
    vectors = _clustered(2000)
    queries = _near(vectors)
    # built narrow: the file would search 10 wide
    hnsw = build_faiss(vectors, load_settings(hnsw_threshold=0, hnsw_ef_construction=16, hnsw_ef_search=10))
    chunks = [Chunk(id=f"a{i // 20}#{i}", article_id=f"a{i // 20}", start=0, end=1, text="x") for i in range(2000)]
    index = Index(Path("."), {}, {}, chunks, hnsw, None, [], faiss.IndexFlatIP(64), [])
    _, truth = build_faiss(vectors, load_settings()).search(queries, 10)

    def recall(ef_search: int) -> float:
        retriever = Retriever(index, load_settings(hnsw_ef_search=ef_search))
        return np.mean([len(set(t) & {row for row, _ in retriever.dense(q, 10)}) / 10 for t, q in zip(truth, queries)])

    assert recall(512) >= 0.98 > recall(10)


def _units(article: str, n: int) -> list[Chunk]:
    return [Chunk(id=f"{article}#{i}", article_id=article, start=i, end=i + 1, text="x") for i in range(n)]


def test_added_articles_grow_the_hnsw_graph_and_a_replaced_one_rebuilds_it():
    vectors = _clustered(2000)
    settings = load_settings(hnsw_threshold=1000)
    graph = build_faiss(vectors[:1500], settings)
    units = _units("a", 1000) + _units("b", 500)
    grown = merge_store(graph, units, set(), vectors[1500:], settings)
    assert grown is graph and graph.ntotal == 2000
    grown_units = units + _units("c", 500)
    queries = _near(vectors)
    _, truth = build_faiss(vectors, load_settings()).search(queries, 10)
    _, found = grown.search(queries, 10)
    assert np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found)]) >= 0.98

    # "b" replaced: HNSW cannot drop its vectors, so the store is built afresh without them
    rebuilt = merge_store(grown, grown_units, {"b"}, vectors[:10], settings)
    assert rebuilt is not grown and rebuilt.ntotal == 1510
    np.testing.assert_allclose(rebuilt.reconstruct(1000), vectors[1500], atol=1e-3)  # "c" follows "a"
    # a graph built by other settings is rebuilt by the current ones, not grown
    other = merge_store(grown, grown_units, set(), vectors[:10], settings.with_(hnsw_m=16))
    assert other is not grown and other.ntotal == 2010 and other.hnsw.nb_neighbors(1) == 16


def test_an_exact_index_grows_in_place_until_the_threshold_then_becomes_hnsw():
    vectors = _clustered(200)
    settings = load_settings(hnsw_threshold=150)
    flat = build_faiss(vectors[:100], settings)
    assert merge_store(flat, _units("a", 100), set(), vectors[100:140], settings) is flat
    hnsw = merge_store(flat, _units("a", 140), set(), vectors[140:], settings)
    assert isinstance(hnsw, faiss.IndexHNSW) and hnsw.ntotal == 200
