"""``python -m bot backup``: a checked copy of the live database, never over the live one."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from bot.backup import BackupError, backup
from bot.store import Store
from tests.cli.test_commands import run
from tests.conftest import record_ask
from tests.storage.test_store import UMASKS, mode, umask


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT member_id, text, outcome FROM asks ORDER BY id"
        ).fetchall()


@pytest.fixture
def live(tmp_path: Path) -> Store:
    """A database the bot has open (WAL), with questions not yet checkpointed into the file."""
    store = Store(tmp_path / "bot.sqlite3")
    record_ask(store, 1, "what is the it band", outcome="answer", entry="it-band")
    record_ask(store, 2, "best pizza in town?")
    store.log_teach(3, "it-band", "the thigh strap", "teach")
    yield store
    store.close()


def test_the_copy_of_an_open_database_passes_quick_check_with_the_same_rows(
    live: Store, tmp_path: Path
) -> None:
    """While the bot holds the database open in WAL mode, the copy is whole and self-contained."""
    database = tmp_path / "bot.sqlite3"
    assert Path(f"{database}-wal").stat().st_size > 0, "the rows should still be in the WAL"
    copy = backup(database, tmp_path / "copy.sqlite3")
    assert copy.rows == {"asks": 2, "votes": 0, "teach_log": 1, "server_settings": 0}
    assert str(copy) == (
        f"Backed up {database} to {tmp_path / 'copy.sqlite3'}: "
        "asks 2, server_settings 0, teach_log 1, votes 0 (quick_check ok)"
    )
    assert not Path(f"{tmp_path / 'copy.sqlite3'}-wal").exists()
    with sqlite3.connect(tmp_path / "copy.sqlite3") as connection:
        assert connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert _rows(tmp_path / "copy.sqlite3") == [
        (1, "what is the it band", "answer"),
        (2, "best pizza in town?", "abstain"),
    ]


def test_writes_after_the_backup_are_not_in_it_and_the_bot_keeps_writing(
    live: Store, tmp_path: Path
) -> None:
    """The copy is a snapshot: the live store goes on working, and a new backup replaces it."""
    target = tmp_path / "copy.sqlite3"
    backup(tmp_path / "bot.sqlite3", target)
    record_ask(live, 4, "how many reps for the leg curl", outcome="answer")
    assert len(_rows(target)) == 2
    assert backup(tmp_path / "bot.sqlite3", target).rows["asks"] == 3
    assert [name for name in os.listdir(tmp_path) if name.endswith(".partial")] == []


@pytest.mark.parametrize("name", ["bot.sqlite3", "bot.sqlite3-wal", "bot.sqlite3-shm"])
def test_the_live_database_is_never_overwritten(live: Store, tmp_path: Path, name: str) -> None:
    """The database itself, its WAL and shared memory, or a link to it, are refused."""
    before = _rows(tmp_path / "bot.sqlite3")
    with pytest.raises(BackupError) as caught:
        backup(tmp_path / "bot.sqlite3", tmp_path / name)
    assert str(caught.value) == (
        f"{tmp_path / name} is the live database {tmp_path / 'bot.sqlite3'} "
        "(or one of its files): write the copy somewhere else"
    )
    (tmp_path / "link.sqlite3").symlink_to(tmp_path / "bot.sqlite3")
    with pytest.raises(BackupError):
        backup(tmp_path / "bot.sqlite3", tmp_path / "link.sqlite3")
    assert _rows(tmp_path / "bot.sqlite3") == before


def test_a_missing_database_or_folder_is_one_line(tmp_path: Path) -> None:
    """No database to copy, or nowhere to put the copy: said, nothing created."""
    with pytest.raises(BackupError) as caught:
        backup(tmp_path / "absent.sqlite3", tmp_path / "copy.sqlite3")
    assert str(caught.value) == (
        f"{tmp_path / 'absent.sqlite3'}: no database there: check DATABASE_PATH or give --db"
    )
    assert not (tmp_path / "absent.sqlite3").exists()
    Store(tmp_path / "bot.sqlite3").close()
    with pytest.raises(BackupError) as caught:
        backup(tmp_path / "bot.sqlite3", tmp_path / "nowhere" / "copy.sqlite3")
    assert str(caught.value) == f"{tmp_path / 'nowhere'}: no such folder for the copy"


def test_python_m_bot_backup_copies_the_configured_database(live: Store, tmp_path: Path) -> None:
    """The command reads DATABASE_PATH, prints what it copied, and exits 2 when refused."""
    database = str(tmp_path / "bot.sqlite3")
    done = run("backup", str(tmp_path / "copy.sqlite3"), cwd=tmp_path, DATABASE_PATH=database)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Backed up {database} to ")
    assert len(_rows(tmp_path / "copy.sqlite3")) == 2
    refused = run("backup", database, cwd=tmp_path, DATABASE_PATH=database)
    assert refused.returncode == 2
    assert "is the live database" in refused.stderr


def test_a_file_that_is_not_a_database_is_never_overwritten(live: Store, tmp_path: Path) -> None:
    """Naming the moderators' labels (or any non-database file) as the copy is refused."""
    labels = tmp_path / "moderators.yaml"
    labels.write_text("examples: []\n")
    with pytest.raises(BackupError) as caught:
        backup(tmp_path / "bot.sqlite3", labels)
    assert str(caught.value) == (
        f"{labels} exists and is not a database backup: give the copy a new file name"
    )
    assert labels.read_text() == "examples: []\n"


@pytest.mark.parametrize("mask", UMASKS, ids=oct)
def test_the_copy_is_for_its_owner_alone(live: Store, tmp_path: Path, mask: int) -> None:
    """A backup holds the same health data as the database: mode 0600 whatever the umask."""
    with umask(mask):
        copy = backup(tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3")
    assert mode(copy.target) == 0o600
