"""What every command of the command line shares: exit codes, the settings, the engine.

Heavy modules are imported when a command runs, so registering a command costs the others
nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.engine import Engine

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
KNOWLEDGE_HELP = "knowledge directory (default: KNOWLEDGE_DIR or knowledge/)"
Handler = Callable[[argparse.Namespace], int]
"""A command: its parsed arguments in, its exit code out."""
AddCommand = Callable[[str, Handler, str], argparse.ArgumentParser]
"""Registers a command: ``add(name, handler, help)`` returns its parser, for its arguments."""


def read_settings() -> Settings:
    """The settings from the environment and ``.env``, or every problem named and exit 2."""
    from bot.config import Settings, SettingsError

    try:
        return Settings.from_environment()
    except SettingsError as error:
        print("Some settings (environment or .env) can't be read:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None


def knowledge_dir(args: argparse.Namespace) -> Path:
    """The knowledge directory: ``--knowledge``, or the settings'."""
    return Path(args.knowledge or read_settings().knowledge_dir)


def load_engine(args: argparse.Namespace, directory: Path | None = None, name: str = "") -> Engine:
    """The engine for ``directory`` (default :func:`knowledge_dir`), or its problems and exit 1.

    ``name`` says which knowledge base it is in the error (default: ``in DIRECTORY``).
    """
    from bot.encoding_progress import encoding_progress
    from bot.engine import KnowledgeError
    from bot.startup import build_engine

    settings = read_settings()
    directory = directory or knowledge_dir(args)
    progress = encoding_progress(say=say)
    try:
        return build_engine(settings, directory, progress=progress)
    except KnowledgeError as error:
        print(f"The knowledge base {name or f'in {directory}'} is not valid:", file=sys.stderr)
        for issue in error.issues:
            print(f"  {issue}", file=sys.stderr)
        raise SystemExit(EXIT_INVALID) from None


def say(line: str) -> None:
    """A line for whoever runs the command, on stderr: stdout is the command's output."""
    print(line, file=sys.stderr, flush=True)
