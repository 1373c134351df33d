"""The Actors tab at archive size: the handler's time over a synthetic table of thousands of actors.

    .venv/bin/python benchmarks/bench_actors_view.py [--actors 3000] [--relations 10000] [--repeat 5]

Builds ``--actors`` made-up actors (armed groups, states, people; a third of them marked discovered)
and ``--relations`` relations between them (backed by, trained by, led by, clashed with), each the
verbatim sentence of a synthetic article that states it, then calls the UI's ``actors_view`` handler
(``assistant.app.make_handlers``) as the page does: the first view, a name filter in each script, a
type and an origin filter, a page far down, one backer. Prints the first call's time (it works out
the table and the places once per index generation) and p50/p95 of every later call, warm.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from timing import time_each

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant import Assistant  # noqa: E402
from assistant.actors import Actor, ActorType, Relation, RelationType, use_discovered  # noqa: E402
from assistant.app import make_handlers  # noqa: E402
from assistant.corpus import Article  # noqa: E402

WORDS = ["الجبل", "الساحل", "الفرات", "البادية", "الشمال", "الحق", "النصر", "الوادي", "الشهباء", "الكرامة"]
ROMAN = ["al-Jabal", "al-Sahil", "al-Furat", "al-Badiya", "al-Shamal", "al-Haqq", "al-Nasr", "al-Wadi",
         "al-Shahba", "al-Karama"]
PHRASES = {RelationType.BACKED_BY: "المدعوم من", RelationType.TRAINED_BY: "الذي دربته",
           RelationType.LED_BY: "بقيادة", RelationType.CLASHED_WITH: "اشتبك مع"}


def synthetic(actors: int, relations: int, seed: int = 0) -> tuple[list[Actor], list[Relation], dict[str, Article]]:
    """Made-up actors, and relations each citing its own sentence of a made-up article."""
    rng = random.Random(seed)
    states, people = max(1, actors // 30), max(1, actors // 7)
    groups = actors - states - people
    made = []
    for i in range(actors):
        kind, stem_ar, stem_en = ((ActorType.STATE, "دولة", "State") if i < states else
                                  (ActorType.PERSON, "القائد", "Commander") if i < states + people else
                                  (ActorType.ARMED_GROUP, "لواء", "Liwa"))
        w = i % len(WORDS)
        made.append(Actor(f"synthetic-{i}", kind, f"{stem_en} {ROMAN[w]} {i}", f"{stem_ar} {WORDS[w]} {i}",
                          discovered=i % 3 == 0))
    state_ids = [a for a in made[:states]]
    person_ids = [a for a in made[states:states + people]]
    group_ids = [a for a in made[states + people:]]
    assert groups == len(group_ids)
    found, articles = [], {}
    per_article = 5
    for start in range(0, relations, per_article):
        article_id = f"synthetic-article-{start // per_article}"
        text, rows = "", []
        for _ in range(min(per_article, relations - start)):
            kind = rng.choice(list(PHRASES))
            subject = rng.choice(group_ids)
            other = rng.choice(person_ids if kind == RelationType.LED_BY else group_ids
                               if kind == RelationType.CLASHED_WITH else state_ids)
            sentence = f"وأعلن {subject.name_ar} {PHRASES[kind]} {other.name_ar} عن تحركات جديدة."
            rows.append((subject.id, kind, other.id, len(text), len(text) + len(sentence), sentence))
            text += sentence + "\n"
        date = f"20{10 + start % 14:02d}-0{1 + start % 9}-15"
        articles[article_id] = Article(article_id, f"تقرير {article_id}", text, source="Synthetic Wire", date=date)
        found += [Relation(s, k, o, article_id, sentence, a, b, date, article_date=date)
                  for s, k, o, a, b, sentence in rows]
    for r in found:
        assert articles[r.article_id].text[r.start:r.end] == r.evidence
    return made, found, articles


class SyntheticAssistant(Assistant):
    """An Assistant whose live generation is the synthetic relations and articles (no index on disk)."""

    def __init__(self, relations: list[Relation], articles: dict[str, Article], folder: Path):
        super().__init__(index_dir=folder)
        self._synthetic = SimpleNamespace(relations=relations, articles=articles)

    @property
    def index(self):
        return self._synthetic


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=3000)
    parser.add_argument("--relations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="calls of each view, timed after one untimed")
    args = parser.parse_args(argv)

    actors, relations, articles = synthetic(args.actors, args.relations)
    use_discovered(actors)
    with tempfile.TemporaryDirectory() as folder:
        assistant = SyntheticAssistant(relations, articles, Path(folder))
        view = make_handlers(assistant).actors_view
        backer = assistant.backers()[0]
        views = {
            "first page": ("all", True, "", "any", "all", 1),
            "name filter, Arabic (normalised)": ("all", True, "الجبل 1", "any", "all", 1),
            "name filter, Latin": ("all", True, "liwa al-furat 2", "any", "all", 1),
            "armed groups, discovered only": ("all", True, "", "armed_group", "discovered", 1),
            "curated only, page 20": ("all", True, "", "any", "curated", 20),
            "one backer": (backer, True, "", "any", "all", 1),
        }
        started = time.perf_counter()
        out = view(*views["first page"])
        first_ms = 1000 * (time.perf_counter() - started)
        table = assistant.actor_table()
        print(f"{args.actors:,} actors, {len(relations):,} relations, {len(articles):,} articles; "
              f"{len(table):,} table rows, {len(assistant.backing_edges()):,} backing edges")
        print(f"first call (table and places worked out): {first_ms:.0f} ms; page HTML {len(out[1]):,} chars, "
              f"graph {len(out[0]):,} chars")
        for name, call in views.items():
            p50, p95 = time_each(lambda _, call=call: view(*call), [name] * args.repeat)
            shown = view(*call)[1]
            count = shown[shown.find("Showing"):shown.find(" actors")].replace("<b>", "").replace("</b>", "")
            print(f"{name:36} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms   {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
