"""Fit the answerability model (``assistant.answerability``); write assistant/data/answerability.json.

    .venv/bin/python benchmarks/fit_answerability.py [--shared ../shared] [--out artifacts/eval] [--check]

Examples, each labelled by whether the first citation of the answer (``Assistant.evidence``, as ``ask`` would
cite it) comes from the question's paragraph and holds its answer:

- answerable: ARCD's training questions, XQuAD's questions in English and Arabic, the seed gold set's questions
  and dialogue turns (answered from relations are left out: no model decides those);
- unanswerable: the same questions asked with their article taken away (searched as if it were not indexed,
  ``Assistant.search``'s ``exclude``: the same rankings less its passages, BM25's corpus statistics aside), and
  the gold set's out-of-corpus questions. An XQuAD or ARCD article is a document of several paragraphs; all are
  taken away. A gold question's article is the seed article it names.

XQuAD is a report benchmark: its articles are split in two by title, and only the first half is fitted. The
report half says how the model and ``Settings.answer_threshold`` do on articles never fitted: the threshold's
false refusals and abstention precision and recall, and the calibration (in bins of confidence, the share of
first citations that hold the answer). The indexes are cached under ``--out``/indexes/ (``assistant eval``'s).
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

from assistant.answerability import FEATURES, MODEL_PATH, Answerability, features  # noqa: E402
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

# The report half's share of refused answerable questions the threshold is held under (on the fitted half).
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


def _example(assistant: Assistant, source: str, question: str, expected: set[str], answer: list[str],
             removed: set[str], history: list[dict] | None = None, answerable: bool | None = None) -> Example | None:
    """The example of ``question`` asked with the ``removed`` articles' hits dropped; None when the relations
    answer it. ``answerable`` defaults to whether nothing was removed."""
    answerable = not removed if answerable is None else answerable
    query, intent = assistant.understand(question, history)
    if intent is not None and intent.relations:
        return None
    _, hits = assistant.search(question, history, exclude=frozenset(removed))
    articles = assistant.index.articles
    evidence = assistant.evidence(query, intent, hits, articles)
    if evidence is None:
        return Example(source, query.language, answerable, None, False)
    values = features(evidence, articles)
    article_id, start, end, _ = evidence.first
    right = answerable and article_id in expected and holds_answer(articles[article_id].text[start:end], answer)
    return Example(source, query.language, answerable, tuple(values[name] for name in FEATURES), right)


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
        found = _example(seeds, "gold", item["question"], set(), [], set(), answerable=False)
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


def fit(examples: list[Example]) -> Answerability:
    """Logistic regression of ``right`` on the features, lightly regularised."""
    from sklearn.linear_model import LogisticRegression

    rows = [e for e in examples if e.values is not None]
    x = np.array([e.values for e in rows])
    y = np.array([e.right for e in rows])
    model = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
    return Answerability({name: round(float(w), 4) for name, w in zip(FEATURES, model.coef_[0])},
                         round(float(model.intercept_[0]), 4))


def confidences(model: Answerability, examples: list[Example]) -> np.ndarray:
    return np.array([model.probability(dict(zip(FEATURES, e.values))) if e.values is not None else 0.0
                     for e in examples])


def refusals(model: Answerability, examples: list[Example], threshold: float) -> dict:
    """False refusals (answerable questions refused) and abstention precision and recall at ``threshold``."""
    p = confidences(model, examples)
    refused = p < threshold
    answerable = np.array([e.answerable for e in examples])
    return {"answerable": int(answerable.sum()), "unanswerable": int((~answerable).sum()),
            "false_refusals": _share(refused[answerable]), "abstention_recall": _share(refused[~answerable]),
            "abstention_precision": _share(~answerable[refused])}


def calibration(model: Answerability, examples: list[Example], edges=(0, .1, .2, .3, .4, .5, .6, .7, .8, .9, 1.01)
                ) -> list[tuple[str, int, float]]:
    """(bin, answers in it, share whose first citation holds the answer)."""
    p = confidences(model, examples)
    right = np.array([e.right for e in examples])
    bins = []
    for low, high in zip(edges, edges[1:]):
        inside = (p >= low) & (p < high)
        if inside.any():
            bins.append((f"{low:.1f}-{min(high, 1):.1f}", int(inside.sum()), round(float(right[inside].mean()), 3)))
    return bins


def pick_threshold(model: Answerability, examples: list[Example]) -> float:
    """The highest threshold (in steps of 0.005) that refuses at most ``MAX_FALSE_REFUSALS`` of the answerable."""
    best = 0.0
    for threshold in np.arange(0.005, 1.0, 0.005):
        if refusals(model, examples, float(threshold))["false_refusals"] > MAX_FALSE_REFUSALS:
            break
        best = round(float(threshold), 3)
    return best


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
    threshold = pick_threshold(model, fitted)
    print(f"{len(fitted)} examples fitted ({sum(e.right for e in fitted)} right first citations); weights "
          f"{model.weights}, bias {model.bias}")
    print(f"threshold {threshold} (at most {MAX_FALSE_REFUSALS:.1%} of the fitted answerable refused)")
    for name, part in [("fitted", fitted), ("XQuAD report half", report)]:
        for language in ("en", "ar"):
            print(f"{name} {language}: {refusals(model, [e for e in part if e.language == language], threshold)}")
    print("calibration on the XQuAD report half (confidence bin, answers, share whose first citation holds "
          "the answer):")
    for row in calibration(model, report):
        print(f"  {row[0]}: {row[1]} answers, {row[2]:.3f}")
    if args.check:
        return 0
    MODEL_PATH.write_text(json.dumps({"weights": model.weights, "bias": model.bias,
                                      "trained_on": f"ARCD train, XQuAD's first half of articles by title, the "
                                                    f"seed gold set: {len(fitted)} examples",
                                      "script": "benchmarks/fit_answerability.py"}, indent=1) + "\n", "utf-8")
    print(f"wrote {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
