"""SQLite storage: asks, votes, the teach log, forgetting a member and the retention purge."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import DAY, Store
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


def test_forget_member_removes_only_their_rows(store: Store) -> None:
    """A member's asks and votes go; everyone else's stay."""
    record_ask(store, 1, "mine")
    record_ask(store, 2, "theirs")
    store.record_vote(5, member_id=1, entry_id="x", helpful=True)
    store.record_vote(5, member_id=2, entry_id="x", helpful=True)
    assert store.forget_member(1) == 2
    assert [a.text for a in store.asks_since(7)] == ["theirs"]
    assert store.votes_for(5) == (1, 0)


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
