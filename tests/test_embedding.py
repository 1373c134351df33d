"""The int8 ONNX back-end agrees with the fp32 reference (real model, seed passages, gold questions)."""

from pathlib import Path

import numpy as np
import pytest

from assistant.chunking import chunk_article, make_splitter
from assistant.cleaning import clean_article
from assistant.corpus import read_articles
from assistant.embedding import Encoder, ModelEncoder, get_encoder
from assistant.evaluation import load_gold
from assistant.settings import load_settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def texts():
    articles = [clean_article(a) for a in read_articles([CORPUS]).articles]
    splitter = make_splitter(350, 70)
    chunks = [c for a in articles for c in chunk_article(a, splitter)]
    titles = {a.id: a.title for a in articles}
    return [c.text for c in chunks], [titles[c.article_id] for c in chunks], [q["question"] for q in
                                                                             load_gold()["questions"]]


@pytest.fixture(scope="module")
def vectors(texts):
    passages, titles, questions = texts
    out = {}
    for backend in ("torch", "onnx-int8"):
        encoder = get_encoder(load_settings(backend=backend))
        assert isinstance(encoder, Encoder)  # both back-ends implement the protocol the pipeline takes
        out[backend] = (encoder.encode_documents(passages, titles), encoder.encode_queries(questions))
    return out


def test_int8_vectors_close_to_fp32(vectors):
    (docs32, queries32), (docs8, queries8) = vectors["torch"], vectors["onnx-int8"]
    assert docs8.shape == docs32.shape and queries8.shape == queries32.shape
    assert np.allclose(np.linalg.norm(docs8, axis=1), 1, atol=1e-4)
    doc_cos, query_cos = (docs32 * docs8).sum(1), (queries32 * queries8).sum(1)
    assert doc_cos.min() > 0.98 and query_cos.min() > 0.98, (doc_cos.min(), query_cos.min())


def test_int8_ranks_the_same_best_passage(vectors):
    (docs32, queries32), (docs8, queries8) = vectors["torch"], vectors["onnx-int8"]
    same = ((queries32 @ docs32.T).argmax(1) == (queries8 @ docs8.T).argmax(1)).mean()
    assert same >= 0.9, same


def test_batching_by_length_keeps_input_order(texts):
    passages, titles, _ = texts
    encoder = get_encoder(load_settings(backend="onnx-int8"))
    order = [5, 0, 3, 1, 4, 2]
    together = encoder.encode_documents([passages[i] for i in order], [titles[i] for i in order])
    alone = np.stack([encoder.encode_documents([passages[i]], [titles[i]])[0] for i in order])
    # Activations are quantised per batch, so companions shift a vector slightly; each stays its own.
    similarity = together @ alone.T
    assert (similarity.argmax(1) == np.arange(len(order))).all()
    assert similarity.diagonal().min() > 0.98


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="onnx-int8"):
        ModelEncoder(load_settings(backend="bf17"))
