"""How often an English name meets a discovered actor it does not name: Latin-name matching at archive size.

    python benchmarks/bench_latin_names.py [--shared ../shared] [--articles N]

Discovers the actors of the first N SaudiNewsNet articles (as ingestion would), then asks "Who leads X?"
for every English name of the curated catalogue, matched against the discovered actors alone
(``actors.LatinNames``, the catalogue left out, so that every match is a discovered actor the English name
met). A curated name is a real English name of some group, state or person; a discovered actor it meets is
either that same actor found again under another spelling, or a collision. Prints each match with the
discovered actor's Arabic name (for a person to judge which it is), the count, and the time the first
question took (the matching tables are built then, once per set of discovered actors) and the others.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.actors import LatinNames, catalogue, discover, load_actors  # noqa: E402
from assistant.corpus import Article  # noqa: E402
from assistant.evaluation import read_saudinewsnet  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--articles", type=int, default=1500, help="how many SaudiNewsNet articles to discover from")
    args = parser.parse_args(argv)
    articles = []
    for record in read_saudinewsnet(args.shared / "data" / "saudinewsnet"):
        text = str(record.get("content") or "").strip()
        if text:
            articles.append(Article(id=f"snn-{len(articles)}", title="", text=text))
        if len(articles) >= args.articles:
            break
    found = discover(articles, None, catalogue())
    discovered = {a.id: a.actor() for a in found.actors.values()}
    started = time.process_time()
    names = LatinNames(discovered.values())
    built = time.process_time() - started
    asked = met = 0
    started = time.process_time()
    for actor in load_actors():
        for form in dict.fromkeys((actor.name_en, *actor.aliases_en)):
            asked += 1
            matches = names.mentions(f"Who leads {form}?")
            met += bool(matches)
            for m in matches:
                print(f"  {actor.id}: {m.text!r} met {m.actor_id} ({discovered[m.actor_id].name_ar})")
    per_question = (time.process_time() - started) / max(asked, 1)
    print(f"{met} of {asked} curated English names met a discovered actor ({len(discovered)} discovered in "
          f"{len(articles)} articles); tables built in {built:.2f} CPU s, then {per_question * 1000:.2f} CPU ms a "
          "question")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
