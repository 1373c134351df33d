"""Fit the answer stage's sentence scorer on ARCD's training questions; write assistant/data/sentence_scorer.json.

    .venv/bin/python benchmarks/train_sentence_scorer.py [--arcd ../shared/data/arcd/arcd-train.json] [--check]

ARCD's paragraphs become a corpus of their own, indexed as ``Assistant.ingest`` indexes (cached under
artifacts/eval/indexes/). Each question is searched through ``Assistant.search``; every candidate span of
the answer stage (``sentences.candidate_features``) is an example, labelled by whether it comes from the
question's paragraph and holds its answer. The weights maximise the likelihood of the right candidates
under a softmax over each question's candidates (listwise: only their order matters), lightly regularised.
Two-fold cross-validation by paragraph says how often the best-scored candidate holds the answer,
against cosine similarity alone. ``--check`` prints that and writes nothing. XQuAD is never read here:
it is the report benchmark.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.api import Assistant  # noqa: E402
from assistant.arabic import tokenize  # noqa: E402
from assistant.corpus import Article  # noqa: E402
from assistant.embedding import get_encoder  # noqa: E402
from assistant.evaluation import (  # noqa: E402
    SHARED_DIR,
    QueryVectorCache,
    cached_index_dir,
    ensure_index,
    holds_answer,
)
from assistant.sentences import COSINE_ONLY, FEATURES, SCORER_PATH, SentenceScorer, candidate_features  # noqa: E402
from assistant.settings import load_settings  # noqa: E402


def load_arcd(path: Path) -> tuple[list[Article], list[dict]]:
    """ARCD's paragraphs as Articles (``arcd-000`` ...) and its questions with their paragraph and answer."""
    articles, questions = [], []
    for document in json.loads(path.read_text("utf-8"))["data"]:
        for paragraph in document["paragraphs"]:
            article = Article(id=f"arcd-{len(articles):03d}", title=str(document.get("title", "")),
                              text=paragraph["context"].strip(), source="ARCD")
            articles.append(article)
            for qa in paragraph["qas"]:
                question = qa["question"].strip(" -\u200f\u200e\t\n")
                if question and qa.get("answers"):
                    questions.append({"article_id": article.id, "question": question,
                                      "answer": qa["answers"][0]["text"].strip()})
    return articles, questions


def examples(assistant, questions: list[dict]) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Per question: its paragraph id, the candidates' feature rows and their labels."""
    rows = []
    articles = assistant.index.articles
    for item in questions:
        query, hits = assistant.search(item["question"])
        found = candidate_features(query, hits, articles)
        if not found:
            continue
        x = np.array([[f[name] for name in FEATURES] for _, _, _, f in found])
        # ARCD repeats some paragraphs, a little edited, under other titles: a span whose words are nearly all
        # in the question's paragraph is from a copy of it, and as right
        paragraph = set(tokenize(articles[item["article_id"]].text))
        y = np.array([holds_answer(articles[a].text[s:e], [item["answer"]])
                      and (a == item["article_id"] or _inside(tokenize(articles[a].text[s:e]), paragraph))
                      for a, s, e, _ in found])
        rows.append((item["article_id"], x, y))
    return rows


def _inside(words: list[str], paragraph: set[str]) -> bool:
    return bool(words) and sum(w in paragraph for w in words) >= 0.9 * len(words)


def fit(rows, l2: float = 0.001) -> SentenceScorer:
    """Listwise softmax regression over the questions that have a right candidate."""
    from scipy.optimize import minimize

    rows = [r for r in rows if r[2].any()]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for _, x, y in rows:
            s = x @ w
            log_z = s.max() + np.log(np.exp(s - s.max()).sum())
            target = y / y.sum()
            total -= float(target @ (s - log_z))
            grad += x.T @ (np.exp(s - log_z) - target)
        return total / len(rows) + l2 * float(w @ w), grad / len(rows) + 2 * l2 * w

    weights = minimize(loss, np.zeros(len(FEATURES)), jac=True, method="L-BFGS-B").x
    return SentenceScorer(dict(zip(FEATURES, (round(float(w), 4) for w in weights))))


def top1(scorer: SentenceScorer, rows) -> float:
    """Share of questions whose best-scored candidate holds the answer."""
    right = 0
    for _, x, y in rows:
        scores = [scorer.score(dict(zip(FEATURES, row))) for row in x]
        right += bool(y[int(np.argmax(scores))])
    return right / len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arcd", type=Path, default=SHARED_DIR / "data" / "arcd" / "arcd-train.json")
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "eval")
    parser.add_argument("--check", action="store_true", help="cross-validate only; write nothing")
    args = parser.parse_args()

    settings = load_settings()
    articles, questions = load_arcd(args.arcd)
    settings = settings.with_(index_dir=cached_index_dir(args.out, "arcd", len(articles), settings))
    ensure_index(settings.index_dir, articles, settings)
    queries = QueryVectorCache(get_encoder(settings))
    assistant = Assistant(index_dir=settings.index_dir, settings=settings, encoder=queries)
    queries.prime([assistant.check_question(q["question"]) for q in questions])
    rows = examples(assistant, questions)

    paragraphs = sorted({r[0] for r in rows})
    folds = [set(paragraphs[0::2]), set(paragraphs[1::2])]
    fitted, cosine = [], []
    for held in folds:
        train = [r for r in rows if r[0] not in held]
        test = [r for r in rows if r[0] in held]
        fitted.append(top1(fit(train), test))
        cosine.append(top1(COSINE_ONLY, test))
    print(f"{len(rows)} ARCD questions, 2-fold by paragraph: best candidate holds the answer "
          f"{np.mean(fitted):.3f} fitted, {np.mean(cosine):.3f} cosine only")
    if args.check:
        return 0
    scorer = fit(rows)
    SCORER_PATH.write_text(json.dumps({"weights": scorer.weights,
                                       "trained_on": f"ARCD train, {len(rows)} questions",
                                       "script": "benchmarks/train_sentence_scorer.py"}, indent=1) + "\n", "utf-8")
    print(f"wrote {SCORER_PATH}: {scorer}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
