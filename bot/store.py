"""SQLite storage: what was asked, feedback votes and the teach log.

One connection, WAL mode and a busy timeout; every write is one transaction under a lock and
uses parameters only. Questions are health data: rows older than the retention period are
purged, and :meth:`Store.forget_member` removes everything about one member. Opening checks
that the file is an intact, writable database and raises :class:`StoreError` saying what to do.
"""

from __future__ import annotations

import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.engine.normalise import without_surrogates

DAY = 86_400.0
MAX_STORED_TEXT = 500
MEMORY = ":memory:"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS asks (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL,
    channel_id INTEGER,
    message_id INTEGER,
    text TEXT NOT NULL,
    outcome TEXT NOT NULL,
    entry_id TEXT,
    suggested TEXT,
    score INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS asks_created ON asks (created_at);
CREATE INDEX IF NOT EXISTS asks_member ON asks (member_id);
CREATE INDEX IF NOT EXISTS asks_message ON asks (message_id);
CREATE TABLE IF NOT EXISTS votes (
    message_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    entry_id TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (message_id, member_id)
);
CREATE TABLE IF NOT EXISTS teach_log (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL,
    entry_id TEXT NOT NULL,
    question TEXT NOT NULL,
    action TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""


class StoreError(Exception):
    """The database can't be used; the message says what is wrong and what to do, on one line."""


def _damaged(where: str) -> str:
    return (
        f"{where} is not a SQLite database (or is damaged): move it aside and restart to "
        "create a new one"
    )


def _explain(where: str, error: sqlite3.Error) -> str:
    """What an SQLite error on opening means for whoever runs the bot."""
    # The primary code of an extended one; errors raised by the sqlite3 module itself have none.
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return _damaged(where)
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return (
            f"{where} can't be written ({error}): the bot needs to write the file and create "
            "files beside it; fix the permissions or set DATABASE_PATH elsewhere"
        )
    return f"{where} can't be used as the database ({error}): check DATABASE_PATH"


def _check_location(path: Path) -> None:
    """Make the folder; refuse a path that is there but no regular file (a folder, a device)."""
    advice = "set DATABASE_PATH to a file in a folder the bot can write"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        in_the_way = isinstance(error, FileExistsError | NotADirectoryError)
        reason = "a file is in the way" if in_the_way else error.strerror
        raise StoreError(
            f"{path}: can't create the folder {path.parent} ({reason}): {advice}"
        ) from error
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return  # a new database, created on connecting
    except OSError as error:
        raise StoreError(f"{path} can't be read ({error.strerror}): {advice}") from error
    if not stat.S_ISREG(mode):
        raise StoreError(
            f"{path} is not a regular file (a folder or a device?): "
            "set DATABASE_PATH to a database file"
        )


def _check_writable(connection: sqlite3.Connection) -> None:
    # A read-only file opens and reads fine; only a write shows it, so try one that changes nothing.
    with connection:
        connection.execute("DELETE FROM asks WHERE 0")


def _prepare(connection: sqlite3.Connection, where: str) -> None:
    """Check the database is intact and writable, then make sure the tables are there."""
    try:
        connection.execute("PRAGMA busy_timeout=5000")
        # Before any write: a damaged file is reported, not written to.
        if connection.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise StoreError(_damaged(where))
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(_SCHEMA)
        _check_writable(connection)
    except sqlite3.Error as error:
        raise StoreError(_explain(where, error)) from error


def _connect(path: Path | str) -> sqlite3.Connection:
    """A connection to an intact, writable database at ``path``; raises :class:`StoreError`."""
    where = str(path)
    if where != MEMORY:
        _check_location(Path(path))
    try:
        connection = sqlite3.connect(where, timeout=5.0, check_same_thread=False)
    except sqlite3.Error as error:
        raise StoreError(_explain(where, error)) from error
    try:
        _prepare(connection, where)
    except StoreError:
        connection.close()
        raise
    return connection


@dataclass(frozen=True)
class Ask:
    """One stored question and how it was answered."""

    id: int
    text: str
    outcome: str
    entry_id: str | None
    suggested: str | None
    created_at: float


@dataclass(frozen=True)
class EntryStats:
    """Usage of one entry over a period."""

    entry_id: str
    asks: int
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class TeachRecord:
    """One teach (or undo) in the log."""

    id: int
    member_id: int
    entry_id: str
    question: str
    action: str
    created_at: float


class Store:
    """The bot's database; safe to share between the event loop's worker threads."""

    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time) -> None:
        """Open (creating if needed) the database at ``path`` (``:memory:`` works too).

        Raises :class:`StoreError` when ``path`` is no intact, writable SQLite database.
        """
        self._clock = clock
        self._connection = _connect(path)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._connection:
            yield self._connection

    def _now(self) -> float:
        return self._clock()

    def record_ask(
        self,
        *,
        member_id: int,
        channel_id: int | None,
        message_id: int | None,
        text: str,
        outcome: str,
        entry_id: str | None,
        suggested: list[str],
        score: int,
    ) -> None:
        """Remember a question, the bot's reply message and the outcome (text capped)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO asks (member_id, channel_id, message_id, text, outcome, entry_id,"
                " suggested, score, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    member_id,
                    channel_id,
                    message_id,
                    without_surrogates(text[:MAX_STORED_TEXT]),
                    outcome,
                    entry_id,
                    ",".join(suggested) or None,
                    score,
                    self._now(),
                ),
            )

    def record_vote(self, message_id: int, member_id: int, entry_id: str, helpful: bool) -> bool:
        """Store or change a member's vote on an answer; True when it changed a previous one."""
        with self._transaction() as db:
            previous = db.execute(
                "SELECT helpful FROM votes WHERE message_id = ? AND member_id = ?",
                (message_id, member_id),
            ).fetchone()
            db.execute(
                "INSERT INTO votes (message_id, member_id, entry_id, helpful, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id, member_id) DO UPDATE SET"
                " helpful = excluded.helpful, created_at = excluded.created_at",
                (message_id, member_id, entry_id, int(helpful), self._now()),
            )
        return previous is not None and bool(previous[0]) != helpful

    def votes_for(self, message_id: int) -> tuple[int, int]:
        """(helpful, not helpful) counts for one answer message."""
        with self._lock:
            row = self._connection.execute(
                "SELECT COALESCE(SUM(helpful), 0), COALESCE(SUM(1 - helpful), 0)"
                " FROM votes WHERE message_id = ?",
                (message_id,),
            ).fetchone()
        return int(row[0]), int(row[1])

    def unanswered(self, days: float) -> list[Ask]:
        """Questions from the last ``days`` left unanswered or whose answer got a thumbs down."""
        since = self._now() - days * DAY
        with self._lock:
            rows = self._connection.execute(
                "SELECT id, text, outcome, entry_id, suggested, created_at FROM asks a"
                " WHERE created_at >= ? AND (outcome = 'abstain' OR EXISTS ("
                "  SELECT 1 FROM votes v WHERE v.message_id = a.message_id AND v.helpful = 0))"
                " ORDER BY created_at DESC",
                (since,),
            ).fetchall()
        return [Ask(*row) for row in rows]

    def ask(self, ask_id: int) -> Ask | None:
        """One stored question by its id."""
        with self._lock:
            row = self._connection.execute(
                "SELECT id, text, outcome, entry_id, suggested, created_at FROM asks WHERE id = ?",
                (ask_id,),
            ).fetchone()
        return Ask(*row) if row else None

    def asks_since(self, days: float) -> list[Ask]:
        """Every stored question from the last ``days``."""
        since = self._now() - days * DAY
        with self._lock:
            rows = self._connection.execute(
                "SELECT id, text, outcome, entry_id, suggested, created_at FROM asks"
                " WHERE created_at >= ? ORDER BY created_at DESC",
                (since,),
            ).fetchall()
        return [Ask(*row) for row in rows]

    def entry_stats(self, days: float) -> list[EntryStats]:
        """Per entry: answers given and votes, most asked first."""
        since = self._now() - days * DAY
        with self._lock:
            rows = self._connection.execute(
                "SELECT entry_id, SUM(asks), SUM(helpful), SUM(unhelpful) FROM ("
                " SELECT entry_id, 1 AS asks, 0 AS helpful, 0 AS unhelpful FROM asks"
                "  WHERE created_at >= ? AND outcome = 'answer'"
                " UNION ALL SELECT entry_id, 0, helpful, 1 - helpful FROM votes"
                "  WHERE created_at >= ?)"
                " GROUP BY entry_id ORDER BY 2 DESC, 1",
                (since, since),
            ).fetchall()
        return [EntryStats(str(row[0]), int(row[1]), int(row[2]), int(row[3])) for row in rows]

    def outcome_counts(self, since: float) -> dict[str, int]:
        """How many questions ended in each outcome since a Unix time."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT outcome, COUNT(*) FROM asks WHERE created_at >= ? GROUP BY outcome",
                (since,),
            ).fetchall()
        return {str(outcome): int(count) for outcome, count in rows}

    def log_teach(self, member_id: int, entry_id: str, question: str, action: str) -> int:
        """Record a teach or an undo; return the log row id."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO teach_log (member_id, entry_id, question, action, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (member_id, entry_id, without_surrogates(question), action, self._now()),
            )
        return int(cursor.lastrowid or 0)

    def teach_log(self, limit: int = 25) -> list[TeachRecord]:
        """The most recent teaches and undos."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT id, member_id, entry_id, question, action, created_at FROM teach_log"
                " ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [TeachRecord(*row) for row in rows]

    def forget_member(self, member_id: int) -> int:
        """Delete every question and vote of one member; return how many rows went."""
        with self._transaction() as db:
            asks = db.execute("DELETE FROM asks WHERE member_id = ?", (member_id,)).rowcount
            votes = db.execute("DELETE FROM votes WHERE member_id = ?", (member_id,)).rowcount
        return asks + votes

    def purge(self, retention_days: float) -> int:
        """Delete questions and votes older than the retention period; return the row count."""
        cutoff = self._now() - retention_days * DAY
        with self._transaction() as db:
            asks = db.execute("DELETE FROM asks WHERE created_at < ?", (cutoff,)).rowcount
            votes = db.execute("DELETE FROM votes WHERE created_at < ?", (cutoff,)).rowcount
        return asks + votes
