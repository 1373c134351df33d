"""Mine how Arabic news states relations: the word patterns that connect two actor mentions.

    python benchmarks/mine_relation_patterns.py [--shared ../shared] [--limit N] [--top K] [--uncovered]
                                                [--sample N --seed S]

Reads every Syria-related SaudiNewsNet article (Syria, Syrian, or ISIS, al-Nusra, Hezbollah, Assad
named), except the 30 relations-dev articles and every item that shares its first 200 characters or
a paragraph with one of them (wire copies), finds the
actor mentions (catalogue and discovered) of each sentence, and counts, for every two mentions
next to each other, the words between them and the two words before the first, after light
stemming (proclitics و/ف/ب/ل/ك and the article dropped; a sentence's names become their types).
``--uncovered`` counts only the pairs no rule relates, the patterns still to read. Prints counts of
stemmed frames.

``--sample N`` instead prints N extracted relations drawn at random from these articles (article
id, rule, triple, evidence) to the terminal for hand-checking precision; the verdicts are kept, without
text, in ``benchmarks/relations_checked.json``.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.actors import article_mentions, catalogue, extract_relations  # noqa: E402
from assistant.actors.rules import _template  # noqa: E402
from assistant.chunking import sentence_spans  # noqa: E402
from assistant.corpus import Article  # noqa: E402
from assistant.evaluation import read_saudinewsnet  # noqa: E402

_SLOT = re.compile("⟦(\\d+)⟧")
# Syria-related: Syria or Syrian named, or one of the armed actors the war's news names most.
_SYRIA_RELATED = re.compile("سوري|داعش|النصرة|حزب الله|الأسد")
_PARAGRAPH = 80  # a shared paragraph at least this long marks a copy of a relations-dev article


def fresh_articles(shared: Path) -> list[Article]:
    """Syria-related SaudiNewsNet articles, none of them a relations-dev article or a copy of one."""
    dev = [json.loads(line) for line in (shared / "data" / "relations-dev" / "articles.jsonl")
           .read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = {a["id"] for a in dev}
    heads = {a["text"].strip()[:200] for a in dev}
    paragraphs = {p.strip() for a in dev for p in a["text"].split("\n") if len(p.strip()) >= _PARAGRAPH}
    out = []
    for n, record in enumerate(read_saudinewsnet(shared / "data" / "saudinewsnet")):
        text = str(record.get("content") or "")
        if f"snn-{n}" in ids or not _SYRIA_RELATED.search(text) or text.strip()[:200] in heads \
                or any(p.strip() in paragraphs for p in text.split("\n") if len(p.strip()) >= _PARAGRAPH):
            continue
        out.append(Article(id=f"snn-{n}", title=str(record.get("title") or ""), text=text,
                           date=str(record.get("date_extracted") or "")[:10]))
    return out


def _stem(word: str) -> str:
    """A lemma-ish form: conjunction, preposition and article dropped ("وبالدعم" -> "دعم")."""
    for prefix in ("وال", "فال", "بال", "كال", "لل", "ال"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix):]
    if word[:1] in "وف" and len(word) > 4:
        word = word[1:]
    if word[:1] in "بلك" and len(word) > 4:
        word = word[1:]
    return word


def _kind(actor) -> str:
    return "C" if actor.collective else {"armed_group": "G", "force": "F", "state": "S", "person": "P",
                                         "organisation": "O"}.get(str(actor.type), "X")


@dataclass(frozen=True)
class Pair:
    """Two mentions next to each other in a sentence, as stemmed words and actor kinds."""

    before: tuple[str, ...]  # the two words before the first ("@" for another name)
    first: str  # its kind: G armed group, F force, S state, P person, O organisation, C collective
    between: tuple[str, ...]
    second: str
    related: bool  # some rule relates the two in this sentence
    article: str = ""  # where: the article and the sentence's offset, to read an example
    start: int = 0

    def key(self, context: bool) -> str:
        return ((" ".join(self.before) + " ") if context else "") + \
            f"[{self.first}] {' '.join(self.between)} [{self.second}]"


def mine(articles: list[Article], max_gap: int = 6) -> list[Pair]:
    """Every two adjacent mentions of a sentence at most ``max_gap`` words apart."""
    cat = catalogue()
    pairs: list[Pair] = []
    for article in articles:
        mentions, discovered = article_mentions(article, cat)
        related_pairs = collections.defaultdict(set)
        for r in extract_relations(article, cat):
            related_pairs[r.start].add(frozenset((r.subject_id, r.object_id)))

        def lookup(ident: str, discovered=discovered):
            return discovered.get(ident) or cat.get(ident)

        for start, end in sentence_spans(article.text):
            inside = [m for m in mentions if start <= m.start and m.end <= end]
            if len(inside) < 2:
                continue
            s = _template(article, start, end, inside, [], lookup)
            slots = list(_SLOT.finditer(s.template))
            pairs_here = set().union(*(p for k, p in related_pairs.items() if start <= k < end)) \
                if related_pairs else set()
            for left, right in zip(slots, slots[1:], strict=False):
                a, b = inside[int(left.group(1))], inside[int(right.group(1))]
                if a.actor_id == b.actor_id:
                    continue
                gap = s.template[left.end():right.start()].split()
                if len(gap) > max_gap or any(c in "".join(gap) for c in ".؟?!"):
                    continue
                related = frozenset((cat.resolve(a.actor_id), cat.resolve(b.actor_id))) in pairs_here
                before = [_stem(w) for w in s.template[:left.start()].split()[-2:]]
                pairs.append(Pair(tuple("@" if _SLOT.search(w) else w for w in before), _kind(lookup(a.actor_id)),
                                  tuple(_stem(w) for w in gap), _kind(lookup(b.actor_id)), related,
                                  article.id, start))
    return pairs


def sample(articles: list[Article], n: int, seed: int) -> tuple[list[dict], int]:
    """``n`` extracted relations drawn at random (fixed seed) from ``articles``, and how many there were."""
    cat = catalogue()
    found = [(a.id, r) for a in articles for r in extract_relations(a, cat)]
    rng = random.Random(seed)
    return [{"article": aid, "rule": r.rule, "subject": r.subject_text or r.subject_id, "relation": str(r.relation),
             "object": r.object_text or r.object_id, "start": r.start, "evidence": r.evidence}
            for aid, r in rng.sample(found, min(n, len(found)))], len(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--limit", type=int, default=0, help="only the first N fresh articles")
    parser.add_argument("--top", type=int, default=200)
    parser.add_argument("--uncovered", action="store_true", help="only pairs no rule relates")
    parser.add_argument("--context", action="store_true", help="key on the two words before the pair too")
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    articles = fresh_articles(args.shared)
    if args.limit:
        articles = articles[:args.limit]
    print(f"{len(articles)} fresh Syria-related articles", file=sys.stderr)
    if args.sample:
        rows, total = sample(articles, args.sample, args.seed)
        print(f"{total} relations extracted; sample of {len(rows)} (seed {args.seed})", file=sys.stderr)
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    pairs = mine(articles)
    counts = collections.Counter(p.key(args.context) for p in pairs if not (args.uncovered and p.related))
    related = collections.Counter(p.key(args.context) for p in pairs if p.related)
    print(f"{len(pairs)} adjacent pairs, {sum(p.related for p in pairs)} related by a rule", file=sys.stderr)
    for key, count in counts.most_common(args.top):
        print(f"{count:6d} {related[key]:5d}  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
