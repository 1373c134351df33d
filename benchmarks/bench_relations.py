"""Relations and actors measured on real news: ``relations-dev`` (30 annotated SaudiNewsNet articles).

    python benchmarks/bench_relations.py [--shared ../shared] [--part dev|held|both] [--predictions FILE]
                                         [--misses] [--throughput N]

Scores the extractor as the set's reference scorer (``score.py``) does: same type and direction,
overlapping evidence, subject and object equal to a listed spelling of the gold actor after its
light normalisation (its own ``variants`` function, imported from the set). Prints precision and
recall per relation type and overall, and the share of the annotated actors found (catalogue or
discovered) with their annotated spellings, for the first 20 articles (development) and the last
10 (held back) separately, plus the gap. ``--misses`` lists the development part's misses and
false positives (never the held-back part's). ``--throughput N`` times discovery + extraction
alone (no embedding) on N SaudiNewsNet articles.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.actors import (  # noqa: E402
    DiscoveredCatalogue,
    actor_by_id,
    article_mentions,
    catalogue,
    discover,
    extract_relations,
)
from assistant.corpus import Article  # noqa: E402

DEV_ARTICLES = 20
CHECKED = Path(__file__).resolve().parent / "discovered_checked.json"


def _reference_scorer(data: Path):
    spec = importlib.util.spec_from_file_location("relations_dev_score", data / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def predictions(articles: list[dict]) -> list[dict]:
    """The extractor's relations over the raw article texts, as the scorer reads them."""
    out = []
    cat = catalogue()
    for a in articles:
        article = Article(id=a["id"], title=a.get("title") or "", text=a["text"])
        for r in extract_relations(article, cat):
            out.append({"article": a["id"], "subject": r.subject_text or _name(r.subject_id),
                        "relation": str(r.relation), "object": r.object_text or _name(r.object_id),
                        "evidence": r.evidence, "start": r.start, "rule": r.rule})
    return out


def _name(actor_id: str) -> str:
    try:
        return actor_by_id(actor_id).name_ar
    except KeyError:
        return actor_id


def score(preds: list[dict], gold: list[dict], actors: dict[str, dict], variants) -> dict:
    """Precision/recall overall and per type, matched as ``score.py`` matches (its primary score)."""
    accepted = {name: set().union(*(variants(s) for s in a["spellings_ar"])) for name, a in actors.items()}
    by_article = collections.defaultdict(list)
    for g in gold:
        by_article[g["article"]].append(g)
    matched: set[str] = set()
    per_type = collections.defaultdict(lambda: [0, 0, 0, 0])  # correct, predicted, found, gold
    for g in gold:
        per_type[g["relation"]][3] += 1
    hits = []
    for p in preds:
        per_type[p["relation"]][1] += 1
        span = (p["start"], p["start"] + len(p["evidence"]))
        hit = [g["id"] for g in by_article[p["article"]]
               if g["relation"] == p["relation"] and span[0] < g["start"] + len(g["evidence"]) and g["start"] < span[1]
               and variants(p["subject"]) & accepted[g["subject_canonical"]]
               and variants(p["object"]) & accepted[g["object_canonical"]]]
        matched.update(hit)
        hits.append(bool(hit))
        if hit:
            per_type[p["relation"]][0] += 1
    for g in gold:
        if g["id"] in matched:
            per_type[g["relation"]][2] += 1
    correct = sum(hits)
    return {"precision": correct / len(preds) if preds else 0.0, "recall": len(matched) / len(gold) if gold else 0.0,
            "predicted": len(preds), "correct": correct, "gold": len(gold), "found": len(matched),
            "per_type": {k: v for k, v in sorted(per_type.items())}, "hits": hits, "matched": matched}


def actors_found(articles: list[dict], gold: list[dict], actors: dict[str, dict], variants) -> dict:
    """Of the annotated actors of these articles, those some mention (catalogue or discovered) names
    with one of their annotated spellings; and the discovered actors these articles name."""
    wanted = {g[k] for g in gold for k in ("subject_canonical", "object_canonical")}
    seen: set[str] = set()
    discovered: collections.Counter = collections.Counter()
    cat = catalogue()
    for a in articles:
        mentions, found = article_mentions(Article(id=a["id"], title="", text=a["text"]), cat)
        for m in mentions:
            seen |= variants(m.text)
            if m.actor_id in found:
                discovered[found[m.actor_id].name_ar] += 1
    hit = sorted(name for name in wanted
                 if any(variants(s) & seen for s in actors[name]["spellings_ar"]))
    return {"annotated": len(wanted), "found": len(hit), "share": len(hit) / len(wanted) if wanted else 0.0,
            "missing": sorted(wanted - set(hit)), "discovered": discovered}


def discovered_verdicts(path: Path) -> dict[str, bool]:
    """The hand-checked discovered names (``benchmarks/discovered_checked.json``): name -> is an actor."""
    rows = json.loads(path.read_text(encoding="utf-8"))["names"]
    return {row["name"]: row["actor"] for row in rows}


def _print_part(label: str, result: dict, found: dict) -> None:
    print(f"{label}: precision {result['precision']:.3f} ({result['correct']}/{result['predicted']})  "
          f"recall {result['recall']:.3f} ({result['found']}/{result['gold']})")
    for kind, (tp_p, n_p, tp_g, n_g) in result["per_type"].items():
        p = f"{tp_p / n_p:.3f} ({tp_p}/{n_p})" if n_p else "  -  "
        r = f"{tp_g / n_g:.3f} ({tp_g}/{n_g})" if n_g else "  -  "
        print(f"  {kind:16s} P {p:18s} R {r}")
    print(f"  actors found: {found['found']}/{found['annotated']} ({found['share']:.3f}) of the annotated actors; "
          f"{len(found['discovered'])} discovered names")
    verdicts = discovered_verdicts(CHECKED)
    names = set(found["discovered"])
    judged = names & set(verdicts)
    wrong = sum(not verdicts[n] for n in judged)
    if judged:
        print(f"  discovered names not actors (hand-checked list): {wrong}/{len(judged)} ({wrong / len(judged):.3f})"
              + (f"; {len(names - judged)} not in the list" if names - judged else ""))


def throughput(shared: Path, n: int) -> float:
    """Articles per second for discovery + extraction (no embedding) on ``n`` SaudiNewsNet articles."""
    from assistant.evaluation import read_saudinewsnet

    articles = []
    for record in read_saudinewsnet(shared / "data" / "saudinewsnet"):
        text = str(record.get("content") or "").strip()
        if text:
            articles.append(Article(id=f"snn-{len(articles)}", title="", text=text))
        if len(articles) >= n:
            break
    cat = catalogue()
    started, cpu = time.perf_counter(), time.process_time()
    so_far = DiscoveredCatalogue()
    for article in articles:
        so_far = discover([article], so_far, cat)
        extract_relations(article, cat)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # CPU time too: on a shared machine the wall clock also counts other processes' turns.
    print(f"throughput: {len(articles)} articles in {elapsed:.1f} s = {len(articles) / elapsed:.1f} articles/s "
          f"({cpu:.1f} CPU s = {len(articles) / cpu:.1f} articles per CPU second; discovery + extraction, "
          f"no embedding); {len(so_far.actors)} discovered actors")
    return len(articles) / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--part", choices=("dev", "held", "both"), default="dev")
    parser.add_argument("--predictions", type=Path, help="also write the predictions here (score.py's input)")
    parser.add_argument("--misses", action="store_true", help="list the development part's misses")
    parser.add_argument("--discovered", action="store_true", help="list the development part's discovered names")
    parser.add_argument("--throughput", type=int, metavar="N", default=0)
    args = parser.parse_args(argv)
    data = args.shared / "data" / "relations-dev"
    if not (data / "articles.jsonl").is_file():
        print(f"error: no relations-dev set under {data}", file=sys.stderr)
        return 2
    variants = _reference_scorer(data).variants
    articles = _jsonl(data / "articles.jsonl")
    gold = _jsonl(data / "relations.jsonl")
    actors = {a["name_ar"]: a for a in _jsonl(data / "actors.jsonl")}
    parts = {"dev": articles[:DEV_ARTICLES], "held": articles[DEV_ARTICLES:]}
    chosen = ["dev", "held"] if args.part == "both" else [args.part]
    results = {}
    all_preds = []
    for part in chosen:
        ids = {a["id"] for a in parts[part]}
        part_gold = [g for g in gold if g["article"] in ids]
        preds = predictions(parts[part])
        all_preds += preds
        result = score(preds, part_gold, actors, variants)
        found = actors_found(parts[part], part_gold, actors, variants)
        results[part] = result
        _print_part({"dev": "development (first 20)", "held": "held back (last 10)"}[part], result, found)
        if part == "dev" and args.discovered:
            for name, count in found["discovered"].most_common():
                print(f"    discovered {count:3d}  {name}")
        if part == "dev" and args.misses:
            print("  actors missing:", "، ".join(found["missing"]))
            for p, hit in zip(preds, result["hits"], strict=True):
                if not hit:
                    print(f"  FP {p['article']} {p['subject']} {p['relation']} {p['object']} [{p['rule']}]")
            for g in part_gold:
                if g["id"] not in result["matched"]:
                    print(f"  FN {g['id']} {g['subject']} {g['relation']} {g['object']}")
    if len(results) == 2:
        print(f"gap (dev - held): precision {results['dev']['precision'] - results['held']['precision']:+.3f}  "
              f"recall {results['dev']['recall'] - results['held']['recall']:+.3f}")
    if args.predictions:
        args.predictions.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in all_preds),
                                    encoding="utf-8")
    if args.throughput:
        throughput(args.shared, args.throughput)
    return 0


if __name__ == "__main__":
    sys.exit(main())
