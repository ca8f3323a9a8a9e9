"""The command line: ``python -m bot COMMAND``.

The commands on the knowledge base (``chat``, ``ask``, ``check``, ``eval``, ``schema``) are in
:mod:`bot.cli.knowledge`, the moderators' (``unanswered``, ``stats``, ``teach``, ``untaught``,
``label``, ``dismiss``) in :mod:`bot.cli.moderators`, their editing ones (``edit``, ``add``,
``history``, ``revert``, ``export``) in :mod:`bot.cli.editing`, and those running a deployment
(``run``, ``backup``, ``health``) in :mod:`bot.cli.deployment`; what they share is in
:mod:`bot.cli.common`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot.cli import deployment, editing, knowledge, moderators
from bot.cli.common import EXIT_OK, Handler


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Movement-questions bot for Discord."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Handler, text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=text, description=text)
        command.set_defaults(handler=handler)
        return command

    # In the order ``--help`` lists them.
    deployment.add_run(add)
    knowledge.add_commands(add)
    moderators.add_commands(add)
    editing.add_commands(add)
    knowledge.add_schema(add)
    deployment.add_upkeep(add)
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
