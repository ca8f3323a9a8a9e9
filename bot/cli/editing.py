"""The moderators' editing commands: edit, add, history, revert and export an entry.

The same use cases as ``/kb edit``, ``/kb add``, ``/kb history`` and ``/kb revert``
(:class:`~bot.moderation.editing.Editor`), for those who prefer files: ``edit ENTRY`` prints
the entry's editable fields as YAML with the version they are, ``edit ENTRY --from FILE`` saves
them back (refused if someone saved the entry meanwhile), and ``export`` writes the standing
changes into the knowledge directory, for review in a pull request.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    KNOWLEDGE_HELP,
    AddCommand,
    load_engine,
    read_settings,
)

if TYPE_CHECKING:
    from bot.moderation.editing import Editor

COMMAND_LINE = "0"
"""Who is logged as having made a change at the command line without ``--member``."""


def _editor(args: argparse.Namespace) -> Editor:
    from bot.moderation.editing import Editor

    settings = read_settings()
    source = settings.knowledge_source(args.knowledge)
    return Editor(load_engine(args), source, settings.link_domains)


def _refused(error: Exception) -> int:
    print(f"Not saved: {error}", file=sys.stderr)
    return EXIT_INVALID


def edit(args: argparse.Namespace) -> int:
    """Print an entry's editable fields, or save them from ``--from FILE``."""
    from bot.moderation.editing import EDITABLE_FIELDS
    from bot.moderation.teaching import TeachError

    editor = _editor(args)
    try:
        entry = editor.entry(args.entry)
        if args.source is None:
            fields = {name: _plain(getattr(entry, name)) for name in EDITABLE_FIELDS}
            shown = {"version": editor.version(args.entry), **fields}
            print(yaml.safe_dump(shown, sort_keys=False, allow_unicode=True, width=100), end="")
            return EXIT_OK
        wanted = _read_fields(args.source)
        based_on = _version(wanted.pop("version", None), args.source)
        change = editor.edit(args.entry, wanted, args.member, based_on=based_on)
    except (TeachError, ValueError) as error:
        return _refused(error)
    print(f"Saved {args.entry} as version {change.version}; members get it now.")
    print(change.diff())
    return EXIT_OK


def _plain(value: object) -> object:
    """A field as YAML writes it: a dose as its parts that are set."""
    if is_dataclass(value) and not isinstance(value, type):
        return {name: part for name, part in asdict(value).items() if part is not None}
    return value


def _version(value: object, path: Path) -> int:
    """The version a file of fields was printed at: edits are refused if it isn't current."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ValueError(
            f"{path} needs its `version:` line as `edit ENTRY` printed it (a whole number)"
        )
    return int(value)


def _read_fields(path: Path) -> dict[str, object]:
    """The fields a moderator wrote in ``path``: a YAML mapping, as ``edit ENTRY`` prints."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ValueError(f"can't read {path}: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} should hold the entry's fields, as `edit ENTRY` prints them")
    return {str(key): value for key, value in data.items()}


def add(args: argparse.Namespace) -> int:
    """Add an entry of the moderators' own, with 3 to 5 example questions."""
    from bot.moderation.teaching import TeachError

    try:
        change = _editor(args).add(args.entry, args.title, args.answer, args.question, args.member)
    except TeachError as error:
        return _refused(error)
    print(f"Added {change.entry_id}; members asking it get it now.")
    return EXIT_OK


def history(args: argparse.Namespace) -> int:
    """List an entry's versions: who changed it, when, and how."""
    from bot.moderation.teaching import TeachError

    try:
        revisions = _editor(args).history(args.entry)
    except TeachError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    print("v0  as the reviewed files say")
    for version, revision in enumerate(revisions, start=1):
        print(f"v{version}  {revision.at}  by {revision.by}  {revision.action}")
    return EXIT_OK


def revert(args: argparse.Namespace) -> int:
    """Put an entry back as a version left it (0: as the reviewed files say)."""
    from bot.moderation.teaching import TeachError

    try:
        change = _editor(args).revert(args.entry, args.to, args.member, based_on=args.seen)
    except TeachError as error:
        return _refused(error)
    print(f"{args.entry} is back to version {args.to} (saved as version {change.version}).")
    print(change.diff())
    return EXIT_OK


def export(args: argparse.Namespace) -> int:
    """Write the standing changes into the knowledge directory, for a pull request."""
    from bot.moderation.exporting import ExportError, export_revisions

    settings = read_settings()
    try:
        written = export_revisions(load_engine(args), settings.knowledge_source(args.knowledge))
    except ExportError as error:
        print(f"Not exported: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"wrote {path}")
    if not written:
        print("No moderators' changes to export.")
    return EXIT_OK


def add_commands(add_command: AddCommand) -> None:
    """Register the editing commands with ``add_command(name, handler, help)``."""
    editing = add_command("edit", edit, "print an entry's fields, or save them with --from FILE")
    editing.add_argument("entry", help="the entry id")
    editing.add_argument(
        "--from", dest="source", type=Path, metavar="FILE", help="save the fields in FILE"
    )
    adding = add_command("add", add, "add an entry of the moderators' own (like /kb add)")
    adding.add_argument("entry", help="a new id, kebab-case: coaching, server-rules")
    adding.add_argument("--title", required=True)
    adding.add_argument("--answer", required=True, help="what members asking it get")
    adding.add_argument(
        "--question", action="append", required=True, help="an example question (3 to 5)"
    )
    listing = add_command("history", history, "an entry's versions: who, when, what")
    listing.add_argument("entry", help="the entry id")
    undoing = add_command("revert", revert, "put an entry back as a version left it")
    undoing.add_argument("entry", help="the entry id")
    undoing.add_argument("--to", type=int, required=True, help="the version (0: the files')")
    undoing.add_argument(
        "--seen",
        type=int,
        help="the latest version you saw in history: refused if someone saved since",
    )
    exporting = add_command("export", export, "write moderators' changes into knowledge/")
    for command in (editing, adding, listing, undoing, exporting):
        command.add_argument("--knowledge", type=Path, help=KNOWLEDGE_HELP)
    for command in (editing, adding, undoing):
        command.add_argument(
            "--member", default=COMMAND_LINE, help="your Discord member id, logged as who"
        )
