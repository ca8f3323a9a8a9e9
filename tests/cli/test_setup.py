"""``python -m bot setup``: the shell twin of /setup, on the same database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.live_settings import LiveSettings
from bot.store import Store


def run(capsys: pytest.CaptureFixture[str], database: Path, *args: str) -> tuple[int, str, str]:
    code = main(["setup", *args, "--db", str(database)])
    out, err = capsys.readouterr()
    return code, out, err


def test_set_show_and_unset_at_the_shell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value set at the shell is what a bot on the same database reads next."""
    database = tmp_path / "bot.sqlite3"
    code, out, _ = run(capsys, database, "set", "passive-bar", "88", "--member", "42")
    assert code == 0
    assert out.startswith("Saved. PASSIVE_BAR=88  (set by member 42 at ")
    store = Store(database)
    running = LiveSettings(Settings(database_path=database), store)
    assert running.current().passive_bar == 88
    code, out, _ = run(capsys, database, "show")
    assert "ANSWER_CHANNELS=" in out
    assert "PASSIVE_BAR=88  (set by member 42 at " in out
    code, out, _ = run(capsys, database, "unset", "PASSIVE_BAR")
    assert (code, out) == (0, "Reset. PASSIVE_BAR=75  (.env default)\n")
    assert running.current().passive_bar == 75


def test_a_bad_value_at_the_shell_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "bot.sqlite3"
    code, out, err = run(capsys, database, "set", "PASSIVE_BAR", "20")
    assert (code, out) == (1, "")
    assert err.startswith("Not changed: PASSIVE_BAR=20: must be at least ANSWER_BAR")
    code, _, err = run(capsys, database, "set", "LOG_CHANNEL_ID")
    assert (code, err) == (2, "setup set: give NAME VALUE\n")
    assert Store(database).setup_values() == []


def test_one_servers_value_at_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--server`` sets, shows and unsets one server's value; the others keep theirs."""
    database = tmp_path / "bot.sqlite3"
    code, out, _ = run(capsys, database, "set", "passive-bar", "90", "--server", "7")
    assert (code, out.startswith("Saved. PASSIVE_BAR=90  (set by member 0 at ")) == (0, True)
    running = LiveSettings(Settings(database_path=database), Store(database))
    assert (running.current(7).passive_bar, running.current(8).passive_bar) == (90, 75)
    _, every, _ = run(capsys, database, "show")
    assert "PASSIVE_BAR=75  (.env default)" in every
    _, out, _ = run(capsys, database, "unset", "PASSIVE_BAR")
    assert out == ""
    code, out, _ = run(capsys, database, "unset", "PASSIVE_BAR", "--server", "7")
    assert (code, out) == (0, "Reset. PASSIVE_BAR=75  (.env default)\n")
    assert running.current(7).passive_bar == 75
