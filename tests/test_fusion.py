"""Rank fusion (``retrieval.fuse``, ``keyword_weight``) and the search modes, without a model."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.retrieval import Query, Ranking, SearchMode, fuse, keyword_weight

K = 60


def test_one_ranking_scores_each_row_by_its_rank():
    assert fuse([Ranking([7, 3, 9])], K) == [(7, 1 / 60), (3, 1 / 61), (9, 1 / 62)]


def test_a_row_two_rankings_agree_on_beats_a_row_only_one_puts_first():
    fused = fuse([Ranking([1, 2]), Ranking([2, 3])], K)
    assert [row for row, _ in fused] == [2, 1, 3]
    assert dict(fused)[2] == pytest.approx(1 / 61 + 1 / 60)


def test_weights_scale_a_rankings_vote():
    half = dict(fuse([Ranking([1]), Ranking([2], weight=0.5)], K))
    assert half == {1: pytest.approx(1 / 60), 2: pytest.approx(0.5 / 60)}
    # a keyword ranking that outweighs dense search when trusted, and loses to it when not
    dense, keyword = Ranking([1, 2, 3]), [3, 2, 1]
    assert fuse([dense, Ranking(keyword, 1.0), Ranking([3])], K)[0][0] == 3
    assert fuse([dense, Ranking(keyword, 0.1), Ranking([1])], K)[0][0] == 1


def test_equal_scores_keep_the_order_rows_were_first_met():
    assert [row for row, _ in fuse([Ranking([5]), Ranking([4]), Ranking([6])], K)] == [5, 4, 6]


def test_no_rankings_or_empty_ones_fuse_to_nothing():
    assert fuse([], K) == [] and fuse([Ranking([]), Ranking([], 0.3)], K) == []


def test_k_must_be_positive():
    with pytest.raises(ValueError, match="rrf_k"):
        fuse([Ranking([1])], 0)


def test_keyword_vote_is_its_coverage_in_hybrid_search_and_whole_alone():
    assert keyword_weight(SearchMode.HYBRID, 0.25) == 0.25
    assert keyword_weight(SearchMode.HYBRID, 0.0) == 0.0
    assert keyword_weight(SearchMode.BM25, 0.25) == 1.0
    with pytest.raises(ValueError, match="between 0 and 1"):
        keyword_weight(SearchMode.HYBRID, 1.5)


def test_search_modes_accept_their_old_names_and_refuse_others():
    assert SearchMode("hybrid") is SearchMode.HYBRID and SearchMode("bm25") is SearchMode.BM25
    assert SearchMode.DENSE == "dense" and f"{SearchMode.DENSE}" == "dense"
    with pytest.raises(ValueError, match="unknown search mode 'sparse' \\(use one of hybrid, dense, bm25\\)"):
        SearchMode("sparse")


def test_ask_refuses_an_unknown_mode(fake_assistant: Assistant):
    with pytest.raises(ValueError, match="unknown search mode"):
        fake_assistant.ask("من يقود لواء القدس؟", mode="sparse")


def test_each_mode_fuses_its_own_rankings(fake_assistant: Assistant):
    retriever = fake_assistant.retriever
    query = Query("كم عدد مقاتلي لواء القدس؟", "كم عدد مقاتلي لواء القدس؟", "ar")
    vector = fake_assistant.encoder.encode_queries([query.text])[0]
    k = fake_assistant.settings.candidates
    keyword, coverage = retriever.keyword(query, k)
    assert keyword and coverage == 1.0  # every word of the question is in the seed articles
    bm25 = retriever.search(query, vector, mode="bm25")
    assert [h.chunk for h in bm25] == [retriever.index.chunks[row] for row, _ in keyword][:len(bm25)]
    assert all(h.keyword > 0 for h in bm25)
    dense = retriever.search(query, vector, mode=SearchMode.DENSE)
    expected = fuse([Ranking([r for r, _ in retriever.dense(vector, k)]),
                     Ranking([r for r, _ in retriever.dense_sentences(vector, k)])], fake_assistant.settings.rrf_k)
    assert [h.chunk for h in dense] == [retriever.index.chunks[row] for row, _ in expected][:len(dense)]
    assert all(h.keyword == 0 for h in dense)


def test_an_english_question_bm25_does_not_recognise_is_ranked_by_dense_search_alone(fake_assistant: Assistant):
    retriever = fake_assistant.retriever
    query = Query("How many fighters?", "How many fighters?", "en")
    vector = fake_assistant.encoder.encode_queries([query.text])[0]
    assert retriever.keyword(query, 30) == ([], 0.0)
    hybrid = retriever.search(query, vector, mode="hybrid")
    dense = retriever.search(query, vector, mode="dense")
    assert [h.chunk.id for h in hybrid] == [h.chunk.id for h in dense]
