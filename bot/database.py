"""Opening the bot's SQLite database: its schema, and what is wrong with a file that can't serve.

A database made by an older version gains the newer tables and columns on opening; a file
that isn't an intact, writable database raises :class:`StoreError` saying, on one line, what
is wrong and what to do. New files are created readable by their owner only.
"""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from bot.private_files import create_private

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
    created_at REAL NOT NULL,
    not_covered TEXT,
    reviewed TEXT,
    reviewed_at REAL
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
CREATE TABLE IF NOT EXISTS server_settings (
    guild_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    member_id INTEGER NOT NULL,
    set_at REAL NOT NULL,
    PRIMARY KEY (guild_id, name)
);
"""

EVERY_SERVER = 0
"""The ``guild_id`` of a setting set for every server: at the shell, or before /setup was per
server."""


ADDED_COLUMNS = {"not_covered": "TEXT", "reviewed": "TEXT", "reviewed_at": "REAL"}
"""Columns of ``asks`` newer than the first schema: added to an older database on opening."""


class StoreError(Exception):
    """The database can't be used; the message says what is wrong and what to do, on one line."""


def _damaged(where: str) -> str:
    return (
        f"{where} is not a SQLite database (or is damaged): move it aside and restart to "
        "create a new one"
    )


def explain(where: str, error: sqlite3.Error) -> str:
    """What an SQLite error on opening means for whoever runs the bot."""
    # The primary code of an extended one; errors raised by the sqlite3 module itself have none.
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return _damaged(where)
    if code == sqlite3.SQLITE_FULL:
        return f"{where} can't be written: the disk holding it is full. Free some space"
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return _unwritable(where, str(error))
    return f"{where} can't be used as the database ({error}): check DATABASE_PATH"


def _unwritable(where: str, reason: str) -> str:
    return (
        f"{where} can't be written ({reason}): the bot needs to write the file and create "
        "files beside it; fix the permissions or set DATABASE_PATH elsewhere"
    )


def _check_location(path: Path) -> None:
    """Make the folder; refuse a path that is there but no regular file (a folder, a device).

    A new database file is created here, private to the bot's user (questions are health data).
    """
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
        try:
            create_private(path)
        except OSError as error:
            raise StoreError(_unwritable(str(path), error.strerror or str(error))) from error
        return
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


def _missing_columns(connection: sqlite3.Connection) -> list[str]:
    present = {row[1] for row in connection.execute("PRAGMA table_info(asks)")}
    return [name for name in ADDED_COLUMNS if name not in present]


def _add_new_columns(connection: sqlite3.Connection) -> None:
    """Give an ``asks`` table made by an older version the columns it lacks.

    Checked again under a write lock, so two processes opening the same old database add
    each column once.
    """
    if not _missing_columns(connection):
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        for name in _missing_columns(connection):
            connection.execute(f"ALTER TABLE asks ADD COLUMN {name} {ADDED_COLUMNS[name]}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _move_old_setup_values(connection: sqlite3.Connection) -> None:
    """Keep what /setup set before it was per server as set for every server.

    The old one-server table is read once, under a write lock, into ``server_settings``.
    """

    def old_table() -> bool:
        return (
            connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'setup_values'"
            ).fetchone()
            is not None
        )

    if not old_table():
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        if old_table():
            connection.execute(
                "INSERT OR IGNORE INTO server_settings (guild_id, name, value, member_id, set_at)"
                " SELECT ?, name, value, member_id, set_at FROM setup_values",
                (EVERY_SERVER,),
            )
            connection.execute("DROP TABLE setup_values")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _prepare(connection: sqlite3.Connection, where: str) -> None:
    """Check the database is intact and writable, then make sure the tables are there."""
    try:
        connection.execute("PRAGMA busy_timeout=5000")
        # Before any write: a damaged file is reported, not written to.
        if connection.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise StoreError(_damaged(where))
        connection.execute("PRAGMA journal_mode=WAL")
        # Deleted rows are overwritten with zeros, not left in free pages: health data gone
        # from the database is gone from its files.
        connection.execute("PRAGMA secure_delete=ON")
        connection.executescript(_SCHEMA)
        _add_new_columns(connection)
        _move_old_setup_values(connection)
        _check_writable(connection)
    except sqlite3.Error as error:
        raise StoreError(explain(where, error)) from error


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection to an intact, writable database at ``path``; raises :class:`StoreError`."""
    where = str(path)
    if where != MEMORY:
        _check_location(Path(path))
    try:
        connection = sqlite3.connect(where, timeout=5.0, check_same_thread=False)
    except sqlite3.Error as error:
        raise StoreError(explain(where, error)) from error
    try:
        _prepare(connection, where)
    except StoreError:
        connection.close()
        raise
    return connection
