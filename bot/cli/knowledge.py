"""The commands on the knowledge base: chat, ask, check, eval and schema.

``ask``, ``check`` and ``eval`` never import discord, so they start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bot.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    KNOWLEDGE_HELP,
    AddCommand,
    knowledge_dir,
    load_engine,
    read_settings,
)

LAST_COMMIT = "HEAD"
"""What ``eval --diff`` compares with when no baseline file is given."""


def _ask(args: argparse.Namespace) -> int:
    """Answer through the use-case layer, each question on its own (no conversation)."""
    from bot.console.text import render
    from bot.conversation.assistant import Assistant
    from bot.conversation.memory import Memory

    assistant = Assistant(load_engine(args), Memory(0.0))
    knowledge = assistant.engine.knowledge
    if args.question == "-":
        for line in sys.stdin:
            reply = assistant.ask(line.rstrip("\n"))
            text = json.dumps(reply.summary()) if args.json else render(reply, knowledge) + "\n"
            print(text, flush=True)
        return EXIT_OK
    reply = assistant.ask(args.question)
    print(json.dumps(reply.summary()) if args.json else render(reply, knowledge))
    return EXIT_OK


def _chat(args: argparse.Namespace) -> int:
    from bot.console.chat import run_chat

    run_chat(load_engine(args), input, sys.stdout, read_settings().follow_up_minutes)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from bot.engine import KnowledgeError, load_knowledge, open_embeddings
    from bot.engine.semantic.setup import semantic_status

    settings = read_settings()
    directory = args.directory or settings.knowledge_dir
    try:
        knowledge = load_knowledge(settings.knowledge_source(directory))
    except KnowledgeError as error:
        for issue in error.issues:
            print(issue)
        print(f"{len(error.issues)} problem(s) found.", file=sys.stderr)
        return EXIT_INVALID
    print(
        f"{directory}: OK: {len(knowledge.entries)} entries, "
        f"{knowledge.question_count()} questions, {len(knowledge.safety_tiers)} red-flag tiers, "
        f"{len(knowledge.files)} files, {len(knowledge.examples)} labelled examples, "
        f"{sum(map(len, knowledge.context_sets.values()))} context examples."
    )
    print(semantic_status(*open_embeddings(settings.semantic_options)))
    return EXIT_OK


def _eval(args: argparse.Namespace) -> int:
    from bot.evaluation import EvalFileError, cross_validate, evaluate, pooled, read_examples

    modes = (args.file, args.cv or None, args.diff, args.save_baseline)
    if sum(mode is not None for mode in modes) != 1:
        print(
            "error: give one of FILE, --cv, --diff [BASELINE] or --save-baseline FILE",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.save_baseline is not None:
        return _eval_save_baseline(args)
    if args.diff is not None:
        return _eval_diff(args)
    if args.cv:
        engine = load_engine(args)
        reports = cross_validate(engine)
        context = engine.knowledge.context_sets
        totals = {
            "pooled": pooled({n: r for n, r in reports.items() if n not in context}),
            "context sets, pooled": pooled({n: r for n, r in reports.items() if n in context}),
        }
        if args.json:
            data = {
                "sets": {name: report.as_dict() for name, report in reports.items()},
                "pooled": totals["pooled"].as_dict(),
                "context_pooled": totals["context sets, pooled"].as_dict(),
            }
            print(json.dumps(data, indent=2))
            return EXIT_OK
        print(f"leave-one-set-out, {engine.semantic_status}")
        for name, report in [*reports.items(), *totals.items()]:
            print(f"\n{name}")
            print("\n".join(f"  {line}" for line in report.headline()))
        return EXIT_OK
    try:
        examples = read_examples(Path(args.file))
    except EvalFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    report = evaluate(load_engine(args), examples)
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.as_text())
    return EXIT_OK


def _eval_save_baseline(args: argparse.Namespace) -> int:
    from bot.eval_diff import labelled_sets, score

    path: Path = args.save_baseline
    if not path.parent.is_dir():
        print(f"error: {path}: its folder doesn't exist", file=sys.stderr)
        return EXIT_USAGE
    directory = knowledge_dir(args)
    engine = load_engine(args, directory)
    saved = score(engine, labelled_sets(engine.knowledge, directory))
    try:
        saved.save(path)
    except OSError as error:
        print(f"error: {path}: can't be written ({error})", file=sys.stderr)
        return EXIT_USAGE
    print(f"saved {len(saved.results)} held-out results to {path}")
    return EXIT_OK


def _eval_diff(args: argparse.Namespace) -> int:
    from bot.eval_diff import (
        BaselineError,
        Scores,
        check_scoring,
        compare,
        labelled_sets,
        last_commit,
        score,
    )

    directory = knowledge_dir(args)
    with tempfile.TemporaryDirectory() as scratch:
        committed = Path(scratch) / "knowledge"
        try:
            if args.diff == LAST_COMMIT:
                described, saved = last_commit(directory, committed), None
            else:
                described, saved = f"the baseline {args.diff}", Scores.load(Path(args.diff))
            engine = load_engine(args, directory)
            if saved is not None:
                check_scoring(saved, engine, described)
        except BaselineError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_USAGE
        sets = labelled_sets(engine.knowledge, directory)
        if saved is None:
            saved = score(load_engine(args, committed, f"of {described}"), sets)
        diff = compare(saved, score(engine, sets), sets, described)
    print(json.dumps(diff.as_dict(), indent=2) if args.json else diff.as_text())
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from bot.schema import write_schema

    print(f"wrote {write_schema(args.directory or read_settings().knowledge_dir)}")
    return EXIT_OK


def add_commands(add: AddCommand) -> None:
    """Register ``chat``, ``ask``, ``check`` and ``eval``."""
    chat = add("chat", _chat, "chat with the bot in this terminal, no Discord needed")
    chat.add_argument("--knowledge", type=Path, help=KNOWLEDGE_HELP)
    ask = add("ask", _ask, "answer one question (or one per line from stdin with '-')")
    ask.add_argument("question", help="the question, or - to read one per line from stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument("--knowledge", type=Path, help=KNOWLEDGE_HELP)
    check = add("check", _check, "validate a knowledge directory; exit 1 if it has problems")
    check.add_argument("directory", nargs="?", type=Path, help="default: KNOWLEDGE_DIR")
    evaluate = add("eval", _eval, "score a labelled question file")
    evaluate.add_argument(
        "file", nargs="?", help="a knowledge file of examples: {q, expect, tier, kind}"
    )
    evaluate.add_argument(
        "--cv", action="store_true", help="leave one example set of knowledge/examples/ out"
    )
    evaluate.add_argument(
        "--diff",
        nargs="?",
        const=LAST_COMMIT,
        metavar="BASELINE",
        help="list the labelled messages a knowledge-base change moved, against the last "
        "commit's knowledge base or a file saved with --save-baseline (scored as --cv)",
    )
    evaluate.add_argument(
        "--save-baseline",
        type=Path,
        metavar="FILE",
        help="save every labelled message's held-out result as JSON, for --diff FILE",
    )
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument("--knowledge", type=Path, help=KNOWLEDGE_HELP)


def add_schema(add: AddCommand) -> None:
    """Register ``schema``, which regenerates the knowledge files' JSON Schema."""
    schema = add("schema", _schema, "regenerate the knowledge files' JSON Schema")
    schema.add_argument("directory", nargs="?", type=Path, help="default: KNOWLEDGE_DIR")
