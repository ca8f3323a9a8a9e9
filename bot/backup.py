"""``python -m bot backup PATH``: a consistent copy of the database, safe while the bot runs.

SQLite's online backup API copies the pages under one read transaction, so what the bot writes
meanwhile (in WAL mode) is wholly in the copy or not at all. The copy is made beside its target
and renamed over it only once it has passed ``PRAGMA quick_check``: an interrupted backup never
leaves half a file where a good copy was.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bot.private_files import create_private

LIVE_SUFFIXES = ("", "-wal", "-shm", "-journal")
"""The database file and the files SQLite keeps beside it: a copy must never replace one."""
BUSY_TIMEOUT_MS = 5000


class BackupError(Exception):
    """The backup was refused or failed; the message says why, on one line."""


@dataclass(frozen=True)
class Backup:
    """A finished copy: where from, where to, and how many rows each table holds."""

    source: Path
    target: Path
    rows: dict[str, int]

    def __str__(self) -> str:
        """``Backed up a to b: asks 12, teach_log 1, votes 3 (quick_check ok)``."""
        counts = ", ".join(f"{table} {count}" for table, count in sorted(self.rows.items()))
        return f"Backed up {self.source} to {self.target}: {counts} (quick_check ok)"


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file (through a link, say); absent ones compare by path."""
    if first.exists() and second.exists():
        return first.samefile(second)
    return first.resolve() == second.resolve()


SQLITE_HEADER = b"SQLite format 3\x00"
"""The first bytes of every SQLite database file."""


def _is_database(path: Path) -> bool:
    """Whether ``path`` holds an SQLite database (an earlier backup may be replaced)."""
    try:
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _check_paths(database: Path, target: Path) -> None:
    if not database.is_file():
        raise BackupError(f"{database}: no database there: check DATABASE_PATH or give --db")
    live = [database.with_name(database.name + suffix) for suffix in LIVE_SUFFIXES]
    if any(_same_file(target, path) for path in live):
        raise BackupError(
            f"{target} is the live database {database} (or one of its files): "
            "write the copy somewhere else"
        )
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give the copy a file name")
    if target.exists() and not _is_database(target):
        raise BackupError(
            f"{target} exists and is not a database backup: give the copy a new file name"
        )
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such folder for the copy")


def _row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = [
        str(name)
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    # Table names come from the copy's own schema; quoted as identifiers all the same.
    return {
        table: connection.execute(
            f'SELECT COUNT(*) FROM "{table.replace(chr(34), chr(34) * 2)}"'  # noqa: S608
        ).fetchone()[0]
        for table in tables
    }


def _copy(database: Path, partial: Path) -> dict[str, int]:
    """Copy ``database`` into ``partial`` as one self-contained file; its row counts.

    ``partial`` is created private (mode 0600): the copy holds the same health data.
    """
    create_private(partial)
    source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    with closing(source), closing(sqlite3.connect(partial)) as copy:
        source.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        source.backup(copy)
        # The copy would otherwise be in WAL mode too, and need files beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        if copy.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise BackupError(f"the copy of {database} failed PRAGMA quick_check: nothing written")
        return _row_counts(copy)


def backup(database: Path, target: Path) -> Backup:
    """Copy ``database`` to ``target`` (replacing an older copy there); raise :class:`BackupError`.

    Works while the bot has the database open. Refuses to write over the live database.
    """
    database, target = Path(database), Path(target)
    _check_paths(database, target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        rows = _copy(database, partial)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"{database} could not be copied to {target}: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return Backup(database, target, rows)
