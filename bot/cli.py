"""The command line: ``python -m bot run|chat|ask|check|eval|schema|backup|health``.

``ask``, ``check`` and ``eval`` never import discord, so they start fast. The moderators'
commands (``unanswered``, ``stats``, ``teach``, ``untaught``, ``label``, ``dismiss``) are in
:mod:`bot.moderator_cli`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
LAST_COMMIT = "HEAD"
"""What ``eval --diff`` compares with when no baseline file is given."""


def _settings():  # noqa: ANN202 - imported lazily to keep `check` light
    from bot.config import Settings, SettingsError

    try:
        return Settings.from_environment()
    except SettingsError as error:
        print("Some settings (environment or .env) can't be read:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None


def _knowledge_dir(args: argparse.Namespace) -> Path:
    return Path(args.knowledge or _settings().knowledge_dir)


def _engine(args: argparse.Namespace, directory: Path | None = None, name: str = ""):  # noqa: ANN202
    from bot.encoding_progress import encoding_progress
    from bot.engine import KnowledgeError
    from bot.startup import build_engine

    settings = _settings()
    directory = directory or _knowledge_dir(args)
    progress = encoding_progress(say=_say)
    try:
        return build_engine(settings, directory, progress=progress)
    except KnowledgeError as error:
        print(f"The knowledge base {name or f'in {directory}'} is not valid:", file=sys.stderr)
        for issue in error.issues:
            print(f"  {issue}", file=sys.stderr)
        raise SystemExit(EXIT_INVALID) from None


def _say(line: str) -> None:
    """A line for whoever runs the command, on stderr: stdout is the command's output."""
    print(line, file=sys.stderr, flush=True)


def _ask(args: argparse.Namespace) -> int:
    """Answer through the use-case layer, each question on its own (no conversation)."""
    from bot.console.text import render
    from bot.conversation.assistant import Assistant
    from bot.conversation.memory import Memory

    assistant = Assistant(_engine(args), Memory(0.0))
    if args.question == "-":
        for line in sys.stdin:
            reply = assistant.ask(line.rstrip("\n"))
            print(json.dumps(reply.summary()) if args.json else render(reply) + "\n", flush=True)
        return EXIT_OK
    reply = assistant.ask(args.question)
    print(json.dumps(reply.summary()) if args.json else render(reply))
    return EXIT_OK


def _chat(args: argparse.Namespace) -> int:
    from bot.console.chat import run_chat

    run_chat(_engine(args), input, sys.stdout, _settings().follow_up_minutes)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from bot.engine import KnowledgeError, load_knowledge, open_embeddings
    from bot.engine.semantic.setup import semantic_status

    settings = _settings()
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
        f"{len(knowledge.files)} files, {len(knowledge.examples)} labelled examples."
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
        engine = _engine(args)
        reports = cross_validate(engine)
        total = pooled(reports)
        if args.json:
            data = {
                "sets": {name: report.as_dict() for name, report in reports.items()},
                "pooled": total.as_dict(),
            }
            print(json.dumps(data, indent=2))
            return EXIT_OK
        print(f"leave-one-set-out, {engine.semantic_status}")
        for name, report in reports.items():
            print(f"\n{name}")
            print("\n".join(f"  {line}" for line in report.headline()))
        print("\npooled")
        print("\n".join(f"  {line}" for line in total.headline()))
        return EXIT_OK
    try:
        examples = read_examples(Path(args.file))
    except EvalFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    report = evaluate(_engine(args), examples)
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.as_text())
    return EXIT_OK


def _eval_save_baseline(args: argparse.Namespace) -> int:
    from bot.eval_diff import labelled_sets, score

    path: Path = args.save_baseline
    if not path.parent.is_dir():
        print(f"error: {path}: its folder doesn't exist", file=sys.stderr)
        return EXIT_USAGE
    directory = _knowledge_dir(args)
    engine = _engine(args, directory)
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

    directory = _knowledge_dir(args)
    with tempfile.TemporaryDirectory() as scratch:
        committed = Path(scratch) / "knowledge"
        try:
            if args.diff == LAST_COMMIT:
                described, saved = last_commit(directory, committed), None
            else:
                described, saved = f"the baseline {args.diff}", Scores.load(Path(args.diff))
            engine = _engine(args, directory)
            if saved is not None:
                check_scoring(saved, engine, described)
        except BaselineError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_USAGE
        sets = labelled_sets(engine.knowledge, directory)
        if saved is None:
            saved = score(_engine(args, committed, f"of {described}"), sets)
        diff = compare(saved, score(engine, sets), sets, described)
    print(json.dumps(diff.as_dict(), indent=2) if args.json else diff.as_text())
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from bot.schema import write_schema

    print(f"wrote {write_schema(args.directory or _settings().knowledge_dir)}")
    return EXIT_OK


def _backup(args: argparse.Namespace) -> int:
    from bot.backup import BackupError, backup

    try:
        copy = backup(args.db or _settings().database_path, args.path)
    except BackupError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    print(copy)
    return EXIT_OK


def _health(args: argparse.Namespace) -> int:
    from bot.health import STALE_SECONDS, alive_file, problem

    path = alive_file(_settings().database_path)
    found = problem(path)
    if found:
        print(found, file=sys.stderr)
        return EXIT_INVALID
    print(f"connected: {path} touched in the last {STALE_SECONDS:g} s")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from bot.discord_ui.runner import run_bot, wait_to_be_stopped

    try:
        code = run_bot(_settings())
    except SystemExit:  # settings that can't be read: _settings has said which
        code = EXIT_USAGE
    if code != EXIT_OK and args.wait_when_refused:
        wait_to_be_stopped()
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Movement-questions bot for Discord."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    knowledge_help = "knowledge directory (default: KNOWLEDGE_DIR or knowledge/)"

    def add(name: str, handler: Callable[[argparse.Namespace], int], text: str):  # noqa: ANN202
        command = commands.add_parser(name, help=text, description=text)
        command.set_defaults(handler=handler)
        return command

    run = add("run", _run, "connect to Discord (needs DISCORD_TOKEN in the environment or .env)")
    run.add_argument(
        "--wait-when-refused",
        action="store_true",
        help="when the start is refused (a rejected token, settings that can't be read), say "
        "why and wait for SIGTERM instead of exiting, so that a restart policy doesn't retry "
        "it forever (the Docker image's command)",
    )
    chat = add("chat", _chat, "chat with the bot in this terminal, no Discord needed")
    chat.add_argument("--knowledge", type=Path, help=knowledge_help)
    ask = add("ask", _ask, "answer one question (or one per line from stdin with '-')")
    ask.add_argument("question", help="the question, or - to read one per line from stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument("--knowledge", type=Path, help=knowledge_help)
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
    evaluate.add_argument("--knowledge", type=Path, help=knowledge_help)
    from bot import moderator_cli

    moderator_cli.add_commands(add, knowledge_help)
    schema = add("schema", _schema, "regenerate the knowledge files' JSON Schema")
    schema.add_argument("directory", nargs="?", type=Path, help="default: KNOWLEDGE_DIR")
    backup = add("backup", _backup, "copy the database safely, even while the bot runs")
    backup.add_argument("path", type=Path, help="the copy to write (replaced if it exists)")
    backup.add_argument("--db", type=Path, help="database (default: DATABASE_PATH)")
    add("health", _health, "exit 0 if the running bot is connected to Discord (for HEALTHCHECK)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run one command; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
