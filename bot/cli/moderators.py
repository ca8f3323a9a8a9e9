"""The moderators' commands: unanswered, stats, teach, untaught, label, dismiss and setup.

They work on the knowledge files and the database directly, with no Discord: a running bot
with auto-reload picks the changed files up. Each is a use case of the moderators' desk
(:class:`~bot.moderation.desk.Desk`), as ``/kb`` is; here they print what it returns. Heavy
modules are imported when a command runs, so registering these commands costs every other
command nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    KNOWLEDGE_HELP,
    AddCommand,
    load_engine,
    read_settings,
)
from bot.moderation import DAYS_BACK

if TYPE_CHECKING:
    from bot.moderation.desk import Desk
    from bot.moderation.review import QuestionGroup
    from bot.store import Store

COMMAND_LINE = 0
"""The member id recorded for a change made at the command line without ``--member``."""


def _days(text: str) -> int:
    """``--days``: how many days back, a whole number in :data:`DAYS_BACK` (as ``/kb`` takes)."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days not in DAYS_BACK:
        first, last = DAYS_BACK.start, DAYS_BACK.stop - 1
        raise argparse.ArgumentTypeError(f"{days} is not between {first} and {last}")
    return days


def _store(args: argparse.Namespace, *, existing: bool) -> Store:
    """The bot's database (``--db`` or ``DATABASE_PATH``), or one clear line and exit 2.

    ``existing``: a command that only reads or reviews what members asked refuses a database
    that isn't there (a mistyped ``DATA_DIR`` must not look like "nothing unanswered").
    """
    from bot.store import Store, StoreError

    path = args.db or read_settings().database_path
    nearest = next((folder for folder in path.parents if folder.exists()), None)
    if existing and not path.exists() and nearest is not None and nearest.is_dir():
        message = f"{path}: no database there: check DATA_DIR / DATABASE_PATH or give --db"
        print(message, file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
    try:
        return Store(path)
    except StoreError as error:
        print(error, file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None


def _desk(args: argparse.Namespace, *, existing: bool = False) -> Desk:
    """The moderators' desk on the command's database and knowledge directory.

    The engine is built only when the command's use case needs it.
    """
    from bot.moderation.desk import Desk

    store = _store(args, existing=existing)
    return Desk(lambda: load_engine(args), store, read_settings(), args.knowledge)


def _settled(count: int) -> str:
    """How many stored questions a change took off the unanswered list, when any."""
    return f" ({count} stored question(s) taken off the unanswered list)" if count else ""


def _row(group: QuestionGroup) -> str:
    """One row of the unanswered list, as the shell prints it."""
    closest = f"{group.closest_id} ({group.closest_score})" if group.closest_id else "none"
    return (
        f"{group.count:>4}x  {group.example.text[:100]!r}  {group.outcome}  "
        f"last {group.last_day}  closest: {closest}  #{group.example.id}"
    )


def unanswered(args: argparse.Namespace) -> int:
    """Print the review: gaps, or with ``--all`` the not-covered and small-talk sections too."""
    from bot.moderation.review import Section

    sections = list(Section) if args.all else [Section.GAPS]
    found = _desk(args, existing=True).unanswered(args.days, sections)
    if found.is_empty():
        print(f"Nothing unanswered in the last {args.days} day(s).")
    for section, groups in found.rows.items():
        if groups:
            print(f"{section.capitalize()}, last {args.days} day(s):")
            print("\n".join(_row(group) for group in groups))
    for section, count in found.hidden.items():
        print(f"{section.capitalize()}: {count} question(s), listed with --all")
    return EXIT_OK


def stats(args: argparse.Namespace) -> int:
    """Print asks, votes and phrasings per entry; with ``--chart FILE`` write the PNG too."""
    desk = _desk(args, existing=True)
    usage = desk.usage(args.days)
    if not usage.reports:
        print(f"No answers in the last {args.days} day(s).")
    for report in usage.reports:
        row = report.stats
        print(
            f"{row.entry_id:<28} asks {row.asks:>4}  helpful {row.helpful:>3}  "
            f"not helpful {row.not_helpful:>3}"
        )
        for text, count in report.phrasings:
            print(f"    {count:>3}x {text[:90]!r}")
    if args.chart is not None:
        try:
            args.chart.write_bytes(desk.usage_chart(usage))
        except OSError as error:
            print(f"Can't write the chart to {args.chart}: {error.strerror}.", file=sys.stderr)
            return EXIT_USAGE
        print(f"wrote {args.chart}")
    return EXIT_OK


def _reported(change: Callable[[], str]) -> int:
    """Make ``change`` and print what it did; print a refusal's one line on stderr, exit 1."""
    from bot.moderation.desk import Refused

    try:
        done = change()
    except Refused as refusal:
        print(refusal, file=sys.stderr)
        return EXIT_INVALID
    print(done)
    return EXIT_OK


def teach(args: argparse.Namespace) -> int:
    """Teach a phrasing (or the stored question ``#id``) to an entry, as ``/kb teach`` does."""

    def taught() -> str:
        change = _desk(args).teach(args.question, args.entry, args.member)
        return f"Taught. {change.described}.{_settled(change.settled)}"

    return _reported(taught)


def untaught(args: argparse.Namespace) -> int:
    """Undo a taught phrasing, as ``/kb untaught`` does."""

    def removed() -> str:
        learned = _desk(args).untaught(args.question, args.member)
        return f"Removed “{learned.question}” from {learned.entry}."

    return _reported(removed)


def label(args: argparse.Namespace) -> int:
    """Label a message (or ``#id``) off-topic (``abstain``) or a red flag (``safety --tier``)."""

    def labelled() -> str:
        change = _desk(args).label(args.question, args.label, args.tier, args.member)
        return f"Labelled. {change.described}.{_settled(change.settled)}"

    return _reported(labelled)


def dismiss(args: argparse.Namespace) -> int:
    """Hide a row of the unanswered list (every question grouped with ``ASK_ID``)."""

    def dismissed() -> str:
        count = _desk(args, existing=True).dismiss(args.ask_id)
        return f"Dismissed #{args.ask_id}: {count} stored question(s) off the unanswered list."

    return _reported(dismissed)


def setup(args: argparse.Namespace) -> int:
    """Show, set or unset what /setup changes (``.env``'s values are the defaults), as /setup."""
    from bot.live_settings import LiveSettings
    from bot.moderation.setup import SettingState, set_setting, show, unset_setting

    def described(state: SettingState) -> str:
        source = state.source(
            lambda member: f"member {member}",
            lambda at: time.strftime("at %Y-%m-%d %H:%M UTC", time.gmtime(at)),
        )
        return f"{state.name}={state.value}  ({source})"

    live = LiveSettings(read_settings(), _store(args, existing=False))
    if args.action == "show":
        print("\n".join(described(state) for state in show(live, args.server)))
        return EXIT_OK
    if args.name is None or (args.action == "set" and args.value is None):
        print(f"setup {args.action}: give NAME{' VALUE' * (args.action == 'set')}", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "unset":
        return _reported(lambda: f"Reset. {described(unset_setting(live, args.name, args.server))}")
    return _reported(
        lambda: (
            "Saved. "
            + described(set_setting(live, args.name, args.value, args.member, guild_id=args.server))
        )
    )


def _storage(command: argparse.ArgumentParser, *, knowledge: bool = True) -> None:
    """``--db``, and ``--knowledge`` unless the command never reads the knowledge base."""
    command.add_argument("--db", type=Path, help="database (default: DATABASE_PATH)")
    if knowledge:
        command.add_argument("--knowledge", type=Path, help=KNOWLEDGE_HELP)
    else:
        command.set_defaults(knowledge=None)


def _member(command: argparse.ArgumentParser) -> None:
    """``--member``: who is logged as having made the change."""
    command.add_argument(
        "--member",
        type=int,
        default=COMMAND_LINE,
        help="your Discord member id, logged as who made the change (default 0)",
    )


def add_commands(add: AddCommand) -> None:
    """Register the moderators' commands with ``add(name, handler, help)``."""
    listing = add("unanswered", unanswered, "what members asked that went unanswered, grouped")
    listing.add_argument("--days", type=_days, default=7, help="1 to 365, default 7")
    listing.add_argument(
        "--all", action="store_true", help="list small talk and subjects not covered too"
    )
    _storage(listing)
    report = add("stats", stats, "per entry: asks, votes and common phrasings")
    report.add_argument("--days", type=_days, default=30, help="1 to 365, default 30")
    report.add_argument("--chart", type=Path, metavar="FILE", help="write the usage chart (PNG)")
    _storage(report)
    teach_command = add("teach", teach, "teach a phrasing to an entry (like /kb teach)")
    teach_command.add_argument("entry", help="the entry id it should find")
    teach_command.add_argument("question", help="the phrasing members use")
    untaught_command = add("untaught", untaught, "undo a taught phrasing (like /kb untaught)")
    untaught_command.add_argument("question", help="a phrasing taught earlier")
    label_command = add(
        "label", label, "label a message off-topic (abstain) or a red flag (safety --tier)"
    )
    label_command.add_argument("question", help="the member's message")
    label_command.add_argument("label", choices=["abstain", "safety"])
    label_command.add_argument("--tier", help="the red-flag tier of a safety label")
    dismiss_command = add("dismiss", dismiss, "hide a row of the unanswered list by its #id")
    dismiss_command.add_argument("ask_id", type=int, help="the #id shown on the row")
    _storage(dismiss_command, knowledge=False)
    setup_command = add("setup", setup, "show, set or unset what /setup changes")
    setup_command.add_argument("action", choices=["show", "set", "unset"])
    setup_command.add_argument("name", nargs="?", help="e.g. ANSWER_CHANNELS or passive-bar")
    setup_command.add_argument("value", nargs="?", help="as .env takes it: 123,456 or 80")
    setup_command.add_argument(
        "--server", type=int, help="one server's id (default: every server; its own /setup wins)"
    )
    _storage(setup_command, knowledge=False)
    _member(setup_command)
    for command in (teach_command, untaught_command, label_command):
        _storage(command)
        _member(command)
