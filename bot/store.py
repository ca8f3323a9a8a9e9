"""SQLite storage: what was asked, feedback votes, the teach log and the settings set by /setup.

One connection, WAL mode and a busy timeout; every write is one transaction under a lock and
uses parameters only; a database made by an older version gains the newer tables and columns on
opening. Questions are health data: rows older than the retention period are
purged, and :meth:`Store.forget_member` removes everything about one member. Opening checks
that the file is an intact, writable database and raises :class:`StoreError` saying what to do.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.database import EVERY_SERVER, StoreError, connect, explain
from bot.engine.normalise import without_surrogates
from bot.engine.reply import Outcome

DAY = 86_400.0
MAX_STORED_TEXT = 500
_ASK_COLUMNS = "id, text, outcome, entry_id, suggested, created_at, not_covered"


FORGOTTEN = "(forgotten)"
"""What the teach log keeps of a member's words after /forget-me or retention."""


def _redact_teaches(db: sqlite3.Connection, texts: list[str]) -> None:
    """Replace the words of every logged teach or label taken from one of ``texts``."""
    if not texts:
        return
    wanted = set(texts)
    rows = db.execute("SELECT id, question FROM teach_log").fetchall()
    for row_id, question in rows:
        if " ".join(str(question).split()) in wanted:
            db.execute("UPDATE teach_log SET question = ? WHERE id = ?", (FORGOTTEN, row_id))


@dataclass(frozen=True)
class Ask:
    """One stored question and how it was answered."""

    id: int
    text: str
    outcome: str
    entry_id: str | None
    suggested: str | None
    created_at: float
    not_covered: str | None = None
    """The subject the bot said the article doesn't cover, when it said so."""
    not_helpful: bool = False
    """Whether a member voted the answer not helpful (filled in by :meth:`Store.unanswered`)."""


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


@dataclass(frozen=True)
class SetupValue:
    """A setting a moderator set with /setup (or ``setup set``), overriding ``.env``'s."""

    name: str
    """The setting's name as in ``.env``: ``ANSWER_CHANNELS``."""
    value: str
    """What was set, written as ``.env`` would hold it: ``123,456``."""
    member_id: int
    set_at: float


class Store:
    """The bot's database; safe to share between the event loop's worker threads."""

    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time) -> None:
        """Open (creating if needed) the database at ``path`` (``:memory:`` works too).

        Raises :class:`StoreError` when ``path`` is no intact, writable SQLite database.
        """
        self._clock = clock
        self._where = str(path)
        self._connection = connect(path)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write: committed whole, or (a full disk, say) a :class:`StoreError` in one line."""
        try:
            with self._lock, self._connection:
                yield self._connection
        except sqlite3.OperationalError as error:
            raise StoreError(explain(self._where, error)) from None

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
        not_covered: str | None = None,
    ) -> None:
        """Remember a question, the bot's reply message and the outcome (text capped).

        ``not_covered`` is the subject when the reply said the article doesn't cover it.
        """
        with self._transaction() as db:
            db.execute(
                "INSERT INTO asks (member_id, channel_id, message_id, text, outcome, entry_id,"
                " suggested, score, created_at, not_covered)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    not_covered,
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
        """Questions from the last ``days`` up for review, newest first.

        Those left unanswered (small talk included, as the conversation layer records it) or
        whose answer got a thumbs down, less those a moderator has already dealt with
        (:meth:`mark_reviewed`).
        """
        since = self._now() - days * DAY
        with self._lock:
            rows = self._connection.execute(
                f"SELECT {_ASK_COLUMNS}, EXISTS ("  # noqa: S608 - a constant column list
                "  SELECT 1 FROM votes v WHERE v.message_id = a.message_id AND v.helpful = 0)"
                " AS voted_down FROM asks a"
                " WHERE created_at >= ? AND reviewed IS NULL"
                " AND (outcome IN ('abstain', ?) OR voted_down)"
                " ORDER BY created_at DESC, id DESC",
                (since, Outcome.SMALL_TALK.value),
            ).fetchall()
        return [Ask(*row[:-1], not_helpful=bool(row[-1])) for row in rows]

    def mark_reviewed(self, ask_ids: list[int], action: str) -> int:
        """Record what a moderator did about these questions; they leave :meth:`unanswered`.

        Return how many were marked (those already reviewed keep their first action).
        """
        with self._transaction() as db:
            return sum(
                db.execute(
                    "UPDATE asks SET reviewed = ?, reviewed_at = ?"
                    " WHERE id = ? AND reviewed IS NULL",
                    (action, self._now(), ask_id),
                ).rowcount
                for ask_id in ask_ids
            )

    def review_of(self, ask_id: int) -> str | None:
        """What a moderator did about one question, if anything yet."""
        with self._lock:
            row = self._connection.execute(
                "SELECT reviewed FROM asks WHERE id = ?", (ask_id,)
            ).fetchone()
        return row[0] if row else None

    def ask(self, ask_id: int) -> Ask | None:
        """One stored question by its id."""
        with self._lock:
            row = self._connection.execute(
                f"SELECT {_ASK_COLUMNS} FROM asks WHERE id = ?",  # noqa: S608 - constant columns
                (ask_id,),
            ).fetchone()
        return Ask(*row) if row else None

    def asks_since(self, days: float) -> list[Ask]:
        """Every stored question from the last ``days``."""
        since = self._now() - days * DAY
        with self._lock:
            rows = self._connection.execute(
                f"SELECT {_ASK_COLUMNS} FROM asks"  # noqa: S608 - a constant column list
                " WHERE created_at >= ? ORDER BY created_at DESC",
                (since,),
            ).fetchall()
        return [Ask(*row) for row in rows]

    def questions_per_day(self, days: float) -> list[tuple[str, str, int]]:
        """(UTC date ``YYYY-MM-DD``, outcome, questions) for the last ``days``, oldest first."""
        since = self._now() - days * DAY
        with self._lock:
            rows = self._connection.execute(
                "SELECT date(created_at, 'unixepoch') AS day, outcome, COUNT(*) FROM asks"
                " WHERE created_at >= ? GROUP BY day, outcome ORDER BY day, outcome",
                (since,),
            ).fetchall()
        return [(str(day), str(outcome), int(count)) for day, outcome, count in rows]

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

    def setup_values(self, guild_id: int = EVERY_SERVER) -> list[SetupValue]:
        """The settings set with /setup in one server (``EVERY_SERVER``: for all), by name."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT name, value, member_id, set_at FROM server_settings WHERE guild_id = ?"
                " ORDER BY name",
                (guild_id,),
            ).fetchall()
        return [SetupValue(*row) for row in rows]

    def servers_setting(self, name: str) -> list[int]:
        """The servers (``EVERY_SERVER``: all) where /setup gave setting ``name`` a value."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT guild_id FROM server_settings WHERE name = ? AND value != ''"
                " ORDER BY guild_id",
                (name,),
            ).fetchall()
        return [guild_id for (guild_id,) in rows]

    def set_setup_value(
        self, name: str, value: str, member_id: int, guild_id: int = EVERY_SERVER
    ) -> None:
        """Set (or change) one setting in one server, recording who set it and when."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO server_settings (guild_id, name, value, member_id, set_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, name) DO UPDATE SET"
                " value = excluded.value, member_id = excluded.member_id,"
                " set_at = excluded.set_at",
                (guild_id, name, value, member_id, self._now()),
            )

    def unset_setup_value(self, name: str, guild_id: int = EVERY_SERVER) -> bool:
        """Forget a setting set with /setup in one server; True if one was set."""
        with self._transaction() as db:
            return (
                db.execute(
                    "DELETE FROM server_settings WHERE guild_id = ? AND name = ?", (guild_id, name)
                ).rowcount
                > 0
            )

    def forget_member(self, member_id: int) -> int:
        """Delete every question and vote of one member; return how many rows went.

        A teach or label a moderator made from one of their questions stays in the log (who,
        when, which entry) without the member's words; the database's files keep no copy.
        """
        with self._transaction() as db:
            texts = [
                " ".join(str(row[0]).split())
                for row in db.execute("SELECT text FROM asks WHERE member_id = ?", (member_id,))
            ]
            _redact_teaches(db, texts)
            asks = db.execute("DELETE FROM asks WHERE member_id = ?", (member_id,)).rowcount
            votes = db.execute("DELETE FROM votes WHERE member_id = ?", (member_id,)).rowcount
        self._checkpoint()
        return asks + votes

    def purge(self, retention_days: float) -> int:
        """Delete questions and votes older than the retention period; return the row count.

        The log's teaches and labels older than that keep who, when and which entry, not the
        words taught.
        """
        cutoff = self._now() - retention_days * DAY
        with self._transaction() as db:
            asks = db.execute("DELETE FROM asks WHERE created_at < ?", (cutoff,)).rowcount
            votes = db.execute("DELETE FROM votes WHERE created_at < ?", (cutoff,)).rowcount
            db.execute(
                "UPDATE teach_log SET question = ? WHERE created_at < ? AND question != ?",
                (FORGOTTEN, cutoff, FORGOTTEN),
            )
        self._checkpoint()
        return asks + votes

    def _checkpoint(self) -> None:
        """Copy the write-ahead log into the database and empty it: deleted words leave it."""
        with self._lock:
            self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
