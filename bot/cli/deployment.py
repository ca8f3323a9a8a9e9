"""The commands that run and look after a deployment: run, backup and health."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, AddCommand, read_settings


def _backup(args: argparse.Namespace) -> int:
    from bot.backup import BackupError, backup

    try:
        copy = backup(args.db or read_settings().database_path, args.path)
    except BackupError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    print(copy)
    return EXIT_OK


def _health(args: argparse.Namespace) -> int:
    from bot.health import STALE_SECONDS, alive_file, problem

    path = alive_file(read_settings().database_path)
    found = problem(path)
    if found:
        print(found, file=sys.stderr)
        return EXIT_INVALID
    print(f"connected: {path} touched in the last {STALE_SECONDS:g} s")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from bot.discord_ui.runner import run_bot, wait_to_be_stopped

    try:
        code = run_bot(read_settings())
    except SystemExit:  # settings that can't be read: read_settings has said which
        code = EXIT_USAGE
    if code != EXIT_OK and args.wait_when_refused:
        wait_to_be_stopped()
    return code


def add_run(add: AddCommand) -> None:
    """Register ``run``, which connects the bot to Discord."""
    run = add("run", _run, "connect to Discord (needs DISCORD_TOKEN in the environment or .env)")
    run.add_argument(
        "--wait-when-refused",
        action="store_true",
        help="when the start is refused (a rejected token, settings that can't be read), say "
        "why and wait for SIGTERM instead of exiting, so that a restart policy doesn't retry "
        "it forever (the Docker image's command)",
    )


def add_upkeep(add: AddCommand) -> None:
    """Register ``backup`` and ``health``, which look after a running deployment."""
    backup = add("backup", _backup, "copy the database safely, even while the bot runs")
    backup.add_argument("path", type=Path, help="the copy to write (replaced if it exists)")
    backup.add_argument("--db", type=Path, help="database (default: DATABASE_PATH)")
    add("health", _health, "exit 0 if the running bot is connected to Discord (for HEALTHCHECK)")
