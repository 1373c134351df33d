"""``answer.compose`` on hand-made hits: when it abstains, how many it cites, and that passages reaching the same
sentence are cited once. (The wording of answers is not tested here.)"""

from __future__ import annotations

import pytest

from assistant.answer import compose
from assistant.chunking import Chunk, sentence_spans
from assistant.corpus import Article
from assistant.retrieval import Hit, Query

# Sentences long enough to be cited alone (a short one is cited with the next).
SENTENCES = [f"الجملة رقم {n} في هذا المقال تتحدث عن فصيل مسلح في ريف حلب الشمالي وعن قادته وداعميه." for n in range(6)]
ARTICLE = Article(id="a1", title="عنوان", text=" ".join(SENTENCES), source="مصدر", date="2024")
OTHER = Article(id="a2", title="آخر", text=" ".join(reversed(SENTENCES)), source="مصدر آخر")
ARTICLES = {a.id: a for a in (ARTICLE, OTHER)}
QUERY = Query("سؤال", "سؤال", "ar")
MIN = 0.4


def unit(article: Article, number: int) -> Chunk:
    start, end = sentence_spans(article.text)[number]
    return Chunk(f"{article.id}:s{number}", article.id, start, end, article.text[start:end])


def passage(article: Article, first: int, last: int) -> Chunk:
    spans = sentence_spans(article.text)
    start, end = spans[first][0], spans[last][1]
    return Chunk(f"{article.id}:{first}-{last}", article.id, start, end, article.text[start:end])


def hit(article: Article, sentence: int, dense: float, score: float = 0.03, span: tuple[int, int] | None = None) -> Hit:
    first, last = span or (sentence, sentence)
    best = unit(article, sentence)
    # the passage's sentences as retrieval gives them: each with its cosine, the hit's best one at ``dense``
    others = tuple((unit(article, n), dense - 0.3) for n in range(first, last + 1) if n != sentence)
    sentences = tuple(sorted(((best, dense),) + others, key=lambda item: item[0].start))
    return Hit(passage(article, first, last), score, dense, 0.0, best, dense, sentences)


def verbatim(citations) -> bool:
    return all(ARTICLES[c.article_id].text[c.start:c.end] == c.text for c in citations)


@pytest.mark.parametrize("best, answered", [(MIN - 1e-6, False), (MIN, True), (MIN + 1e-6, True)])
def test_it_abstains_just_below_min_score_and_answers_at_and_above_it(best, answered):
    hits = [hit(ARTICLE, 0, best - 0.1), hit(ARTICLE, 1, best), hit(ARTICLE, 2, best - 0.2)]
    answer = compose(QUERY, hits, ARTICLES, min_score=MIN, max_citations=3)
    assert answer.answered is answered
    if answered:
        assert answer.citations and not answer.related and verbatim(answer.citations)
    else:  # nothing cited; the closest passages shown as related, whole and verbatim
        assert answer.citations == [] and len(answer.related) == 3 and verbatim(answer.related)
        assert [(c.start, c.end) for c in answer.related] == [(h.chunk.start, h.chunk.end) for h in hits]


def test_an_abstention_shows_at_most_three_related_passages():
    hits = [hit(ARTICLE, n, 0.1) for n in range(6)]
    answer = compose(QUERY, hits, ARTICLES, min_score=MIN, max_citations=3)
    assert not answer.answered and len(answer.related) == 3


def test_no_hits_is_an_abstention_with_nothing_related():
    answer = compose(QUERY, [], ARTICLES, min_score=MIN, max_citations=3)
    assert not answer.answered and answer.citations == [] and answer.related == []


@pytest.mark.parametrize("most", [1, 2, 3, 5])
def test_it_cites_at_most_max_citations_in_rank_order(most):
    hits = [hit(ARTICLE, n, 0.9 - n / 100) for n in range(6)]
    answer = compose(QUERY, hits, ARTICLES, min_score=MIN, max_citations=most)
    assert [c.text for c in answer.citations] == SENTENCES[:most]
    assert verbatim(answer.citations)


def test_overlapping_passages_reaching_the_same_sentence_are_cited_once():
    # three passages of one article hold sentence 2; a fourth hit is another sentence
    hits = [hit(ARTICLE, 2, 0.9, span=(1, 2)), hit(ARTICLE, 2, 0.88, span=(2, 3)), hit(ARTICLE, 2, 0.87, span=(0, 2)),
            hit(ARTICLE, 4, 0.8)]
    answer = compose(QUERY, hits, ARTICLES, min_score=MIN, max_citations=3)
    texts = [c.text for c in answer.citations]
    assert texts[0] == SENTENCES[2] and texts.count(SENTENCES[2]) == 1
    assert not any(a.start < b.end and b.start < a.end for i, a in enumerate(answer.citations)
                   for b in answer.citations[i + 1:])


def test_the_same_sentence_in_two_articles_is_cited_from_each():
    same = SENTENCES[3]
    hits = [hit(ARTICLE, 3, 0.9), hit(OTHER, 2, 0.85)]
    assert OTHER.text[hits[1].sentence.start:hits[1].sentence.end] == same
    answer = compose(QUERY, hits, ARTICLES, min_score=MIN, max_citations=3)
    assert [(c.article_id, c.text) for c in answer.citations] == [("a1", same), ("a2", same)]
    assert verbatim(answer.citations)


def test_a_citation_keeps_the_articles_metadata():
    answer = compose(QUERY, [hit(ARTICLE, 0, 0.9, score=0.0312345)], ARTICLES, min_score=MIN, max_citations=3)
    (citation,) = answer.citations
    assert (citation.title, citation.source, citation.date) == ("عنوان", "مصدر", "2024")
    assert isinstance(citation.score, float)  # the answer stage's weight for the sentence
