"""SQLite storage: asks, votes, the teach log, forgetting a member and the retention purge."""

from __future__ import annotations

import os
import random
import re
import sqlite3
import stat
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation.wording import PRIVACY
from bot.store import DAY, Store, StoreError
from tests.conftest import record_ask


class Clock:
    """A settable clock."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Store:
    opened = Store(tmp_path / "data" / "bot.sqlite3", clock=clock)
    yield opened
    opened.close()


def test_database_uses_wal(store: Store, tmp_path: Path) -> None:
    """The journal mode is WAL, so readers don't block the bot."""
    assert (tmp_path / "data" / "bot.sqlite3").exists()
    assert store._connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """Create files under ``mask`` (the process's umask) for the duration."""
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


UMASKS = [0o022, 0o277]
"""The usual umask (files world-readable), and one that takes the owner's write away."""


def mode(path: Path) -> int:
    """``path``'s permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", UMASKS, ids=oct)
def test_the_database_and_its_wal_files_are_for_the_bot_alone(tmp_path: Path, mask: int) -> None:
    """Questions are health data: the database, -wal and -shm are mode 0600 whatever the umask."""
    with umask(mask):
        store = Store(tmp_path / "bot.sqlite3")
        try:
            record_ask(store, 1, "my knee hurts when I run")
            files = [tmp_path / f"bot.sqlite3{suffix}" for suffix in ("", "-wal", "-shm")]
            assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
        finally:
            store.close()


def test_vote_is_one_per_member_and_changeable(store: Store) -> None:
    """A second vote by the same member replaces the first."""
    assert store.record_vote(77, member_id=1, entry_id="it-band", helpful=True) is False
    assert store.votes_for(77) == (1, 0)
    assert store.record_vote(77, member_id=1, entry_id="it-band", helpful=False) is True
    assert store.votes_for(77) == (0, 1)
    store.record_vote(77, member_id=2, entry_id="it-band", helpful=True)
    assert store.votes_for(77) == (1, 1)


def test_unanswered_includes_abstains_and_thumbs_down(store: Store) -> None:
    """Abstains and answers voted not helpful are both up for review."""
    record_ask(store, 1, "do i ice it")
    record_ask(store, 1, "what is the itb", outcome="answer", message=900, entry="it-band")
    record_ask(store, 1, "how do i curl", outcome="answer", message=901, entry="leg-curl")
    store.record_vote(900, member_id=2, entry_id="it-band", helpful=False)
    store.record_vote(901, member_id=2, entry_id="leg-curl", helpful=True)
    assert sorted(a.text for a in store.unanswered(7)) == ["do i ice it", "what is the itb"]


def test_unanswered_tells_small_talk_not_covered_and_thumbs_down_apart(store: Store) -> None:
    """Small talk is up for review too; the subject not covered and a thumbs down are kept."""
    store.record_ask(
        member_id=1,
        channel_id=5,
        message_id=None,
        text="should i ice it",
        outcome="abstain",
        entry_id=None,
        suggested=[],
        score=0,
        not_covered="icing",
    )
    record_ask(store, 2, "thank you!", outcome="small_talk")
    record_ask(store, 3, "what is the itb", outcome="answer", message=900, entry="it-band")
    store.record_vote(900, member_id=4, entry_id="it-band", helpful=False)
    rows = {
        ask.text: (ask.outcome, ask.not_covered, ask.not_helpful) for ask in store.unanswered(7)
    }
    assert rows == {
        "should i ice it": ("abstain", "icing", False),
        "thank you!": ("small_talk", None, False),
        "what is the itb": ("answer", None, True),
    }


def test_reviewed_questions_leave_the_unanswered_list(store: Store) -> None:
    """Marked reviewed, a question is no longer listed; its first action is kept."""
    record_ask(store, 1, "is there a role for runners")
    record_ask(store, 2, "best pizza")
    first, second = sorted(ask.id for ask in store.unanswered(7))
    assert store.mark_reviewed([first], "dismissed") == 1
    assert [ask.id for ask in store.unanswered(7)] == [second]
    assert store.mark_reviewed([first, second], "labelled abstain") == 1
    assert store.unanswered(7) == []
    assert (store.review_of(first), store.review_of(second)) == ("dismissed", "labelled abstain")


def test_questions_per_day_are_counted_by_utc_date_and_outcome(store: Store, clock: Clock) -> None:
    """Each day's questions by outcome, oldest day first; days outside the period are left out."""
    clock.now = 1_700_000_000.0  # 2023-11-14 22:13 UTC
    record_ask(store, 1, "a", outcome="answer", entry="it-band")
    record_ask(store, 1, "b")
    record_ask(store, 1, "c", outcome="answer", entry="it-band")
    clock.now += 2 * 3600  # past midnight: 2023-11-15
    record_ask(store, 1, "d", outcome="small_talk")
    assert store.questions_per_day(1) == [
        ("2023-11-14", "abstain", 1),
        ("2023-11-14", "answer", 2),
        ("2023-11-15", "small_talk", 1),
    ]
    clock.now += 2 * DAY
    assert store.questions_per_day(1) == []


OLD_SCHEMA = """
CREATE TABLE asks (
    id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL, channel_id INTEGER, message_id INTEGER,
    text TEXT NOT NULL, outcome TEXT NOT NULL, entry_id TEXT, suggested TEXT,
    score INTEGER NOT NULL, created_at REAL NOT NULL
);
INSERT INTO asks (member_id, text, outcome, score, created_at)
VALUES (1, 'do i ice it', 'abstain', 0, 999999.0);
"""


def test_a_database_of_the_old_schema_gains_the_new_columns(tmp_path: Path, clock: Clock) -> None:
    """Opening a database made before the not-covered subject existed adds it; rows stay."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(OLD_SCHEMA)
    old.close()
    store = Store(path, clock=clock)
    [kept] = store.unanswered(7)
    assert (kept.text, kept.not_covered) == ("do i ice it", None)
    store.record_ask(
        member_id=2,
        channel_id=None,
        message_id=None,
        text="can i use heat",
        outcome="abstain",
        entry_id=None,
        suggested=[],
        score=0,
        not_covered="heat",
    )
    assert store.mark_reviewed([kept.id], "dismissed") == 1
    assert [(a.text, a.not_covered) for a in store.unanswered(7)] == [("can i use heat", "heat")]
    store.close()
    reopened = Store(path, clock=clock)
    columns = [row[1] for row in reopened._connection.execute("PRAGMA table_info(asks)")]
    assert columns[-3:] == ["not_covered", "reviewed", "reviewed_at"]
    reopened.close()


def test_forget_member_removes_only_their_rows(store: Store) -> None:
    """A member's asks and votes go; everyone else's stay."""
    record_ask(store, 1, "mine")
    record_ask(store, 2, "theirs")
    store.record_vote(5, member_id=1, entry_id="x", helpful=True)
    store.record_vote(5, member_id=2, entry_id="x", helpful=True)
    assert store.forget_member(1) == 2
    assert [a.text for a in store.asks_since(7)] == ["theirs"]
    assert store.votes_for(5) == (1, 0)


PRIVATE = "took a knock on my knee at work, my partner doesn't know, still sore"


def _database_bytes(directory: Path) -> bytes:
    """Every file of the database (the file, its write-ahead log and shared memory)."""
    return b"".join(path.read_bytes() for path in sorted(directory.glob("bot.sqlite3*")))


def test_forgetting_a_member_leaves_their_words_in_no_database_file(
    store: Store, tmp_path: Path
) -> None:
    """Checked byte by byte: the database, its -wal and -shm hold none of the deleted text."""
    for number in range(40):
        record_ask(store, 1, f"{PRIVATE} #{number}")
    record_ask(store, 2, "someone else's question")
    assert PRIVATE.encode() in _database_bytes(tmp_path / "data")
    store.forget_member(1)
    assert PRIVATE.encode() not in _database_bytes(tmp_path / "data")
    assert b"someone else's question" in _database_bytes(tmp_path / "data")


def test_forgetting_a_member_removes_their_words_from_the_teach_log(store: Store) -> None:
    """What a moderator taught from their question stays logged, without their words."""
    record_ask(store, 1, PRIVATE)
    store.log_teach(99, "prone-leg-curl", PRIVATE, "taught")
    store.log_teach(99, "it-band", "what is the it band", "taught")
    store.forget_member(1)
    logged = {record.entry_id: record.question for record in store.teach_log()}
    assert logged == {"prone-leg-curl": "(forgotten)", "it-band": "what is the it band"}


def test_retention_clears_old_words_from_the_teach_log(store: Store, clock: Clock) -> None:
    """Past the retention period, a teach keeps who, when and which entry, not the words."""
    store.log_teach(99, "prone-leg-curl", PRIVATE, "taught")
    clock.now += 100 * DAY
    store.log_teach(99, "it-band", "what is the it band", "taught")
    store.purge(retention_days=90)
    logged = {record.entry_id: record.question for record in store.teach_log()}
    assert logged == {"prone-leg-curl": "(forgotten)", "it-band": "what is the it band"}


def test_the_help_privacy_line_says_what_is_really_stored(store: Store) -> None:
    """/help must not say "questions I couldn't answer": answered ones are kept too."""
    record_ask(store, 1, "what is the it band", outcome="answer", entry="it-band")
    assert [ask.text for ask in store.asks_since(1)] == ["what is the it band"]
    assert "every question" in PRIVACY
    assert "member id" in PRIVACY
    assert "/forget-me" in PRIVACY


def test_retention_purge_drops_old_rows(store: Store, clock: Clock) -> None:
    """Rows older than the retention period are deleted; newer ones stay."""
    record_ask(store, 1, "old")
    clock.now += 100 * DAY
    record_ask(store, 1, "new")
    assert store.purge(retention_days=90) == 1
    assert [a.text for a in store.asks_since(1000)] == ["new"]


def test_stored_text_is_capped(store: Store) -> None:
    """A 20,000-character question is stored truncated."""
    record_ask(store, 1, "x" * 20_000)
    assert len(store.asks_since(1)[0].text) == 500


def test_entry_stats_count_answers_and_votes(store: Store) -> None:
    """Stats per entry add up asks and votes."""
    record_ask(store, 1, "a", outcome="answer", message=1, entry="it-band")
    record_ask(store, 2, "b", outcome="answer", message=2, entry="it-band")
    store.record_vote(1, member_id=3, entry_id="it-band", helpful=True)
    store.record_vote(2, member_id=3, entry_id="it-band", helpful=False)
    [row] = store.entry_stats(7)
    assert (row.entry_id, row.asks, row.helpful, row.not_helpful) == ("it-band", 2, 1, 1)


def test_teach_log_records_who_what_when(store: Store, clock: Clock) -> None:
    """Every teach and undo is logged."""
    store.log_teach(9, "it-band", "is the itb a muscle", "taught")
    store.log_teach(9, "it-band", "is the itb a muscle", "untaught")
    assert [(r.member_id, r.action, r.created_at) for r in store.teach_log()] == [
        (9, "untaught", clock.now),
        (9, "taught", clock.now),
    ]


def _real_database(path: Path) -> Path:
    """A database the bot wrote, with a few hundred rows spread over many pages."""
    store = Store(path)
    for member in range(300):
        record_ask(store, member, f"question {member} " + "x" * 400)
    store.close()
    return path


def _make_read_only(path: Path) -> None:
    """Make ``path`` unwritable, even for root, who ignores permission bits."""
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
    elif subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode:
        pytest.skip("can't make a file read-only for root here (chattr +i refused)")


def undo_read_only(folder: Path) -> None:
    """Make everything in ``folder`` removable again: pytest can't delete immutable files."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-R", "-i", str(folder)], capture_output=True, check=False)


def _directory(tmp_path: Path) -> Path:
    (tmp_path / "bot.sqlite3").mkdir()
    return tmp_path / "bot.sqlite3"


def _random_bytes(tmp_path: Path) -> Path:
    (tmp_path / "bot.sqlite3").write_bytes(random.Random(7).randbytes(16_384))
    return tmp_path / "bot.sqlite3"


def _under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "somefile").write_text("not a folder\n")
    return tmp_path / "somefile" / "bot.sqlite3"


def _dev_null(tmp_path: Path) -> Path:
    return Path(os.devnull)


def _flipped_bytes(tmp_path: Path) -> Path:
    path = _real_database(tmp_path / "bot.sqlite3")
    data = bytearray(path.read_bytes())
    page = 4096
    middle = len(data) // 2 // page * page
    assert middle >= 4 * page, "the damage should be in the middle pages, not the header"
    data[middle : middle + 2 * page] = bytes(
        byte ^ 0xFF for byte in data[middle : middle + 2 * page]
    )
    path.write_bytes(data)
    return path


def _read_only_file(tmp_path: Path) -> Path:
    path = _real_database(tmp_path / "bot.sqlite3")
    _make_read_only(path)
    return path


def _read_only_folder(tmp_path: Path) -> Path:
    path = _real_database(tmp_path / "data" / "bot.sqlite3")
    _make_read_only(path.parent)
    return path


# Each broken DATABASE_PATH, and what the one-line error must say about it.
BAD_DATABASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "directory": (_directory, "is not a regular file"),
    "random-bytes": (_random_bytes, "is not a SQLite database (or is damaged): move it aside"),
    "under-a-file": (_under_a_file, "a file is in the way"),
    "dev-null": (_dev_null, "is not a regular file"),
    "flipped-bytes": (_flipped_bytes, "is not a SQLite database (or is damaged): move it aside"),
    "read-only-file": (_read_only_file, "can't be written"),
    "read-only-folder": (_read_only_folder, "can't be written"),
}


@pytest.fixture(params=list(BAD_DATABASES))
def bad_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A broken database path and the phrase its error must contain."""
    make, phrase = BAD_DATABASES[request.param]
    yield make(tmp_path), phrase
    undo_read_only(tmp_path)


def test_a_broken_database_is_one_clear_store_error(bad_database: tuple[Path, str]) -> None:
    """Opening refuses a folder, a device, junk, damage or read-only with what to do, one line."""
    path, phrase = bad_database
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert phrase in message
    assert "\n" not in message


def test_the_bot_checks_its_database_before_connecting(bad_database: tuple[Path, str]) -> None:
    """``run`` opens the database through the same check, before logging in to Discord."""
    from bot.discord_ui.runner import check_database

    path, phrase = bad_database
    with pytest.raises(StoreError, match=re.escape(phrase)):
        check_database(Settings(database_path=path))


def test_a_good_database_opens_again_with_its_rows(tmp_path: Path) -> None:
    """The start-up check passes a database the bot wrote, and keeps what is in it."""
    store = Store(_real_database(tmp_path / "bot.sqlite3"))
    assert len(store.asks_since(1)) == 300
    store.close()


def test_text_with_a_lone_surrogate_is_stored_with_a_replacement(store: Store) -> None:
    """A question or taught phrase with a lone surrogate is stored, the surrogate as U+FFFD."""
    record_ask(store, 1, "knee \ud800 pain")
    store.log_teach(9, "it-band", "itb \udfff hurts", "taught")
    assert [a.text for a in store.asks_since(1)] == ["knee \ufffd pain"]
    assert [r.question for r in store.teach_log()] == ["itb \ufffd hurts"]


def test_a_full_disk_is_one_line_naming_the_database(store: Store) -> None:
    """SQLite's "database or disk is full" becomes one line saying what to do."""
    pages = store._connection.execute("PRAGMA page_count").fetchone()[0]
    store._connection.execute(f"PRAGMA max_page_count={pages + 1}")
    long_text = "x" * 5000

    def fill() -> None:
        for number in range(50):
            store.log_teach(1, "it-band", f"{long_text} {number}", "taught")

    with pytest.raises(StoreError, match=r"bot\.sqlite3 can't be written: the disk holding"):
        fill()
