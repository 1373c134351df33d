"""Fit the answerability models (``assistant.answerability``); write assistant/data/answerability*.json.

    .venv/bin/python benchmarks/fit_answerability.py [--shared ../shared] [--out artifacts/eval] [--check]

Examples, each labelled by whether the first citation of the answer (``Assistant.evidence``, as ``ask`` would
cite it) comes from the question's paragraph and holds its answer:

- answerable: ARCD's training questions, XQuAD's questions in English and Arabic, the seed gold set's questions
  and dialogue turns (answered from relations are left out: no model decides those);
- unanswerable: the same questions asked with their article taken away (searched as if it were not indexed,
  ``Assistant.search``'s ``exclude``: the same rankings less its passages, BM25's corpus statistics aside), and
  the gold set's out-of-corpus questions. An XQuAD or ARCD article is a document of several paragraphs; all are
  taken away. A gold question's article is the seed article it names.

Two logistic regressions are fitted: whether the corpus holds the answer (every example; it decides) and, among
the answerable examples, whether the first citation holds it (with the first, the confidence). The refusal point
of each language is the highest that refuses at most ``MAX_FALSE_REFUSALS`` of that language's fitted answerable
examples (``Settings.answer_threshold_en`` / ``_ar``: set them to what is printed).

XQuAD is a report benchmark: its articles are split in two by title, and only the first half is fitted. The
report half says how the models and the refusal points do on articles never fitted: false refusals and
abstention precision and recall per language, and the calibration (in bins of confidence, the share of first
citations that hold the answer). The seed gold set's figures (fitted) follow: false refusals, and abstention on
its out-of-corpus questions. The indexes are cached under ``--out``/indexes/ (``assistant eval``'s).
``--check`` prints the report and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from train_sentence_scorer import load_arcd  # noqa: E402

from assistant.answerability import (  # noqa: E402
    CITED_PATH,
    FEATURES,
    MODEL_PATH,
    Answerability,
    Logistic,
    features,
)
from assistant.api import Assistant  # noqa: E402
from assistant.corpus import read_articles  # noqa: E402
from assistant.embedding import get_encoder  # noqa: E402
from assistant.evaluation import (  # noqa: E402
    SHARED_DIR,
    QueryVectorCache,
    _ids,
    _share,
    cached_index_dir,
    documents_by_title,
    ensure_index,
    holds_answer,
    load_gold,
    load_xquad,
    xquad_report_half,
)
from assistant.settings import load_settings  # noqa: E402

# The share of refused answerable questions each refusal point is held under on the fitted examples (the
# target, on the report half, is 0.02).
MAX_FALSE_REFUSALS = 0.015


@dataclass(frozen=True)
class Example:
    """One question asked of one index: its features (None: nothing to cite) and whether the first citation
    holds the answer."""

    source: str  # "arcd", "xquad-fit", "xquad-report", "gold"
    language: str
    answerable: bool  # its article was indexed
    values: tuple[float, ...] | None
    right: bool
    out_of_corpus: bool = False  # a gold question no seed article answers


def _example(assistant: Assistant, source: str, question: str, expected: set[str], answer: list[str],
             removed: set[str], history: list[dict] | None = None, out_of_corpus: bool = False) -> Example | None:
    """The example of ``question`` asked with the ``removed`` articles' hits dropped; None when the relations
    answer it. It is answerable when nothing was removed and it is not ``out_of_corpus``."""
    answerable = not removed and not out_of_corpus
    query, intent = assistant.understand(question, history)
    if intent is not None and intent.relations:
        return None
    _, hits = assistant.search(question, history, exclude=frozenset(removed))
    articles = assistant.index.articles
    evidence = assistant.evidence(query, intent, hits, articles)
    if evidence is None:
        return Example(source, query.language, answerable, None, False, out_of_corpus)
    values = features(evidence, articles)
    article_id, start, end, _ = evidence.first
    right = answerable and article_id in expected and holds_answer(articles[article_id].text[start:end], answer)
    return Example(source, query.language, answerable, tuple(values[name] for name in FEATURES), right,
                   out_of_corpus)


def _both(assistant, source, question, expected, answer, removed, history=None) -> list[Example]:
    """The question asked with its article indexed, and with it taken away."""
    found = [_example(assistant, source, question, expected, answer, set(), history),
             _example(assistant, source, question, expected, answer, removed, history)]
    return [e for e in found if e is not None]


def _assistant(articles, kind: str, out: Path, settings, encoder) -> Assistant:
    settings = settings.with_(index_dir=cached_index_dir(out, kind, len(articles), settings))
    ensure_index(settings.index_dir, articles, settings)
    return Assistant(index_dir=settings.index_dir, settings=settings, encoder=encoder)


def arcd_examples(shared: Path, out: Path, settings, queries: QueryVectorCache) -> list[Example]:
    articles, questions = load_arcd(shared / "data" / "arcd" / "arcd-train.json")
    arcd = _assistant(articles, "arcd", out, settings, queries)
    documents = documents_by_title(articles)
    title = {a.id: a.title for a in articles}
    queries.prime([arcd.check_question(q["question"]) for q in questions])
    examples = []
    for q in questions:
        examples += _both(arcd, "arcd", q["question"], {q["article_id"]}, [q["answer"]],
                          documents[title[q["article_id"]]])
    return examples


def xquad_examples(shared: Path, out: Path, settings, queries: QueryVectorCache) -> list[Example]:
    articles, questions = load_xquad(shared / "data" / "xquad")
    xquad = _assistant(articles, "xquad", out, settings, queries)
    documents = documents_by_title(articles)
    title = {a.id: a.title for a in articles}
    report = xquad_report_half(articles)
    queries.prime([xquad.check_question(text) for q in questions for text in (q.en, q.ar)])
    examples = []
    for q in questions:
        source = "xquad-report" if q.article_id in report else "xquad-fit"
        for text in (q.en, q.ar):
            examples += _both(xquad, source, text, {q.article_id}, [q.answer_ar], documents[title[q.article_id]])
    return examples


def gold_examples(shared: Path, out: Path, settings, queries: QueryVectorCache) -> list[Example]:
    gold = load_gold()
    seeds = _assistant(read_articles([settings.corpus_dir]).articles, "seed", out, settings, queries)
    examples = []
    for item in gold["questions"]:
        examples += _both(seeds, "gold", item["question"], _ids(item["article_id"]), item["answer"],
                          _ids(item["article_id"]))
    for item in gold["out_of_corpus"]:
        found = _example(seeds, "gold", item["question"], set(), [], set(), out_of_corpus=True)
        examples += [found] if found else []
    for dialogue in gold["dialogues"]:
        history: list[dict] = []
        for turn in dialogue["turns"]:
            examples += _both(seeds, "gold", turn["question"], _ids(turn["article_id"]), turn["answer"],
                              _ids(turn["article_id"]), history)
            answer = seeds.ask(turn["question"], history)
            history = history + [{"role": "user", "content": turn["question"]},
                                 {"role": "assistant", "content": answer.text}]
    return examples


SOURCES = {"arcd": arcd_examples, "xquad": xquad_examples, "gold": gold_examples}


def collect(shared: Path, out: Path) -> list[Example]:
    """Every example (see the module's docstring), each source's kept under ``out`` once collected: delete
    ``answerability-*.json`` there after changing the features or the answer stage."""
    settings = load_settings()
    queries = QueryVectorCache(get_encoder(settings))
    examples: list[Example] = []
    for name, make in SOURCES.items():
        cache = out / f"answerability-{name}.json"
        if cache.is_file():
            examples += [Example(**{**e, "values": tuple(e["values"]) if e["values"] else None})
                         for e in json.loads(cache.read_text("utf-8"))]
            continue
        found = make(shared, out, settings, queries)
        cache.write_text(json.dumps([e.__dict__ for e in found]), "utf-8")
        examples += found
    return examples


def _logistic(rows: list[Example], labels: list[bool]) -> Logistic:
    """Logistic regression of ``labels`` on the features of ``rows``, lightly regularised."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=10000).fit(np.array([e.values for e in rows]), np.array(labels))
    return Logistic({name: round(float(w), 4) for name, w in zip(FEATURES, model.coef_[0])},
                    round(float(model.intercept_[0]), 4))


def fit(examples: list[Example]) -> Answerability:
    """Whether the corpus answers, over every example with something to cite; whether the first citation holds
    the answer, over the answerable ones."""
    rows = [e for e in examples if e.values is not None]
    answerable = [e for e in rows if e.answerable]
    return Answerability(_logistic(rows, [e.answerable for e in rows]),
                         _logistic(answerable, [e.right for e in answerable]))


def judged(model: Answerability, examples: list[Example]) -> tuple[np.ndarray, np.ndarray]:
    """Each example's probability that the corpus answers and its confidence (0 with nothing to cite)."""
    found = [model.judge(dict(zip(FEATURES, e.values))) if e.values is not None else None for e in examples]
    return (np.array([j.answerable if j else 0.0 for j in found]),
            np.array([j.confidence if j else 0.0 for j in found]))


def refusals(model: Answerability, examples: list[Example], points: dict[str, float]) -> dict:
    """False refusals (answerable questions refused) and abstention precision and recall at the refusal
    ``points`` (by language)."""
    refused = judged(model, examples)[0] < np.array([points[e.language] for e in examples])
    answerable = np.array([e.answerable for e in examples], dtype=bool)
    return {"answerable": int(answerable.sum()), "unanswerable": int((~answerable).sum()),
            "false_refusals": _share(refused[answerable]), "abstention_recall": _share(refused[~answerable]),
            "abstention_precision": _share(~answerable[refused])}


def calibration(model: Answerability, examples: list[Example], edges=(0, .1, .2, .3, .4, .5, .6, .7, .8, .9, 1.01)
                ) -> list[tuple[str, int, float, float]]:
    """(bin, answers in it, their mean confidence, share whose first citation holds the answer)."""
    p = judged(model, examples)[1]
    right = np.array([e.right for e in examples])
    bins = []
    for low, high in zip(edges, edges[1:]):
        inside = (p >= low) & (p < high)
        if inside.any():
            bins.append((f"{low:.1f}-{min(high, 1):.1f}", int(inside.sum()), round(float(p[inside].mean()), 3),
                         round(float(right[inside].mean()), 3)))
    return bins


def pick_points(model: Answerability, examples: list[Example]) -> dict[str, float]:
    """Per language, the highest refusal point (in steps of 0.005) that refuses at most ``MAX_FALSE_REFUSALS`` of
    that language's answerable examples."""
    points = {}
    for language in ("en", "ar"):
        part = [e for e in examples if e.language == language]
        best = 0.0
        for point in np.arange(0.005, 1.0, 0.005):
            if refusals(model, part, {language: float(point)})["false_refusals"] > MAX_FALSE_REFUSALS:
                break
            best = round(float(point), 3)
        points[language] = best
    return points


def _write(path: Path, model: Logistic, what: str, fitted: list[Example]) -> None:
    path.write_text(json.dumps({"weights": model.weights, "bias": model.bias, "predicts": what,
                                "trained_on": f"ARCD train, XQuAD's first half of articles by title, the seed gold "
                                              f"set: {len(fitted)} examples",
                                "script": "benchmarks/fit_answerability.py"}, indent=1) + "\n", "utf-8")
    print(f"wrote {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED_DIR)
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "eval")
    parser.add_argument("--check", action="store_true", help="report only; write nothing")
    args = parser.parse_args()

    examples = collect(args.shared, args.out)
    fitted = [e for e in examples if e.source != "xquad-report"]
    report = [e for e in examples if e.source == "xquad-report"]
    model = fit(fitted)
    points = pick_points(model, fitted)
    print(f"{len(fitted)} examples fitted ({sum(e.answerable for e in fitted)} answerable, "
          f"{sum(e.right for e in fitted)} right first citations)")
    print(f"answerable: weights {model.answerable.weights}, bias {model.answerable.bias}")
    print(f"cited: weights {model.cited.weights}, bias {model.cited.bias}")
    print(f"refusal points {points} (at most {MAX_FALSE_REFUSALS:.1%} of each language's fitted answerable refused)")
    for name, part in [("fitted", fitted), ("XQuAD report half", report)]:
        for language in ("en", "ar"):
            print(f"{name} {language}: {refusals(model, [e for e in part if e.language == language], points)}")
    gold = [e for e in fitted if e.source == "gold"]
    print(f"seed gold set (fitted): false refusals {refusals(model, [e for e in gold if e.answerable], points)}, "
          f"out of corpus, the model deciding (the relations answer the others) "
          f"{refusals(model, [e for e in gold if e.out_of_corpus], points)}")
    print("calibration on the XQuAD report half (confidence bin: answers, mean confidence, share whose first "
          "citation holds the answer):")
    for row in calibration(model, report):
        print(f"  {row[0]}: {row[1]} answers, {row[2]:.3f}, {row[3]:.3f}")
    if args.check:
        return 0
    _write(MODEL_PATH, model.answerable, "the corpus holds the answer", fitted)
    _write(CITED_PATH, model.cited, "the first citation holds the answer, where the corpus holds it", fitted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
