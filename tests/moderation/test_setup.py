"""The /setup use cases, shared by Discord and the shell: checks, sources and the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.config import Settings
from bot.live_settings import LiveSettings
from bot.moderation.desk import Refused
from bot.moderation.setup import ServerPlaces, SettingState, set_setting, show, unset_setting
from bot.store import Store

HELP, GENERAL, FORUM, ROLE, GUILD, OTHER_GUILD = 11, 12, 13, 14, 99, 98
SERVER = ServerPlaces(
    text_channels=frozenset({HELP, GENERAL}),
    forums=frozenset({FORUM}),
    roles=frozenset({ROLE}),
)


@pytest.fixture
def live(tmp_path: Path) -> LiveSettings:
    defaults = Settings(answer_channels=frozenset({HELP}), database_path=tmp_path / "bot.sqlite3")
    return LiveSettings(defaults, Store(defaults.database_path, clock=lambda: 1_700_000_000.0))


def test_a_value_set_is_in_force_at_once_and_shown_with_who_and_when(live: LiveSettings) -> None:
    state = set_setting(
        live, "answer-channels", f"{GENERAL}, {HELP}", member_id=42, guild_id=GUILD, server=SERVER
    )
    assert live.current(GUILD).answer_channels == frozenset({HELP, GENERAL})
    assert (state.value, state.set_by, state.set_at) == (f"{HELP},{GENERAL}", 42, 1_700_000_000.0)
    sources = {state.name: (state.value, state.set_by) for state in show(live, GUILD)}
    assert sources["PASSIVE_BAR"] == ("75", None)
    assert sources["ANSWER_CHANNELS"] == (f"{HELP},{GENERAL}", 42)
    unset_setting(live, "ANSWER_CHANNELS", GUILD)
    assert live.current(GUILD).answer_channels == frozenset({HELP})


def test_a_value_set_in_one_server_applies_there_only(live: LiveSettings) -> None:
    """Another server keeps .env's value; the shell's, for every server, yields to a server's."""
    set_setting(live, "PASSIVE_BAR", "90", member_id=42, guild_id=GUILD, server=SERVER)
    assert live.current(GUILD).passive_bar == 90
    assert live.current(OTHER_GUILD).passive_bar == live.current().passive_bar == 75
    set_setting(live, "PASSIVE_BAR", "80", member_id=0)  # at the shell: every server
    assert (live.current(GUILD).passive_bar, live.current(OTHER_GUILD).passive_bar) == (90, 80)
    [other] = [state for state in show(live, OTHER_GUILD) if state.name == "PASSIVE_BAR"]
    assert other.source(str, str).startswith("set for every server by 0")
    with pytest.raises(Refused, match="PASSIVE_BAR was not set with /setup in this server"):
        unset_setting(live, "PASSIVE_BAR", OTHER_GUILD)
    unset_setting(live, "PASSIVE_BAR", GUILD)
    assert live.current(GUILD).passive_bar == 80


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("FORUM_CHANNELS", str(HELP), f"FORUM_CHANNELS: {HELP} is not a forum channel"),
        ("ANSWER_CHANNELS", f"{HELP},{FORUM}", f"{FORUM} is not a text channel of this server"),
        ("MODERATOR_ROLE_ID", str(HELP), f"MODERATOR_ROLE_ID: {HELP} is not a role"),
        ("LOG_CHANNEL_ID", "abc", "LOG_CHANNEL_ID='abc': must be a Discord id"),
        ("PASSIVE_BAR", "101", "PASSIVE_BAR='101': must be a number from 0 to 100"),
        ("PASSIVE_BAR", "30", "PASSIVE_BAR=30: must be at least ANSWER_BAR (40)"),
        ("PASIVE_BAR", "80", "not a setting /setup can change; did you mean PASSIVE_BAR?"),
        ("ANSWER_BAR", "80", "ANSWER_BAR is not a setting /setup can change (one of"),
    ],
)
def test_a_bad_value_is_refused_in_one_line_and_changes_nothing(
    live: LiveSettings, name: str, value: str, problem: str
) -> None:
    with pytest.raises(Refused, match=r"^Not changed: ") as refusal:
        set_setting(live, name, value, member_id=42, guild_id=GUILD, server=SERVER)
    assert problem in str(refusal.value)
    assert live.store.setup_values() == live.store.setup_values(GUILD) == []
    assert live.current(GUILD) == live.defaults


def test_unsetting_what_was_never_set_is_refused(live: LiveSettings) -> None:
    with pytest.raises(Refused, match="PASSIVE_BAR was not set with /setup"):
        unset_setting(live, "passive_bar")


def test_a_server_can_t_reset_the_value_for_every_server_and_is_told_where_it_is_unset(
    live: LiveSettings,
) -> None:
    """What was kept for every server (at the shell, or from before) stays; the refusal says so."""
    set_setting(live, "PASSIVE_BAR", "80", member_id=0)
    with pytest.raises(Refused) as refusal:
        unset_setting(live, "PASSIVE_BAR", GUILD)
    assert str(refusal.value) == (
        "Not changed: PASSIVE_BAR was not set with /setup in this server; its value is set for"
        " every server, and unset at the shell: python -m bot setup unset PASSIVE_BAR"
    )
    assert live.current(OTHER_GUILD).passive_bar == 80
    with pytest.raises(Refused, match=r"^Not changed: LOG_CHANNEL_ID was not set .* server$"):
        unset_setting(live, "LOG_CHANNEL_ID", GUILD)


def test_a_stored_value_that_no_longer_fits_is_passed_over_not_fatal(tmp_path: Path) -> None:
    """ANSWER_BAR raised in .env above a stored PASSIVE_BAR: .env's passive bar applies."""
    store = Store(tmp_path / "bot.sqlite3")
    store.set_setup_value("PASSIVE_BAR", "60", member_id=42)
    live = LiveSettings(Settings(answer_bar=70, database_path=store_path(tmp_path)), store)
    assert live.current().passive_bar == 75
    [passive] = [state for state in show(live) if state.name == "PASSIVE_BAR"]
    assert passive.set_by is None
    assert passive.ignored is not None
    assert "must be at least ANSWER_BAR (70)" in passive.ignored


def test_a_server_s_own_value_is_shown_in_force_over_one_for_every_server_passed_over(
    tmp_path: Path,
) -> None:
    """The value for every server no longer fits; the server's own does and is shown as such."""
    in_force, passive = shown_passive_bar(tmp_path, every="60", own="90")
    assert in_force == 90
    assert (passive.value, passive.set_by, passive.ignored) == ("90", 42, None)
    assert passive.source(str, str) == "set by 42 " + str(passive.set_at)


def test_the_value_for_every_server_is_shown_in_force_when_the_server_s_own_is_passed_over(
    tmp_path: Path,
) -> None:
    """The server's own value no longer fits: the shell's for every server applies, not .env's."""
    in_force, passive = shown_passive_bar(tmp_path, every="80", own="60")
    assert in_force == 80
    assert (passive.value, passive.set_by) == ("80", 0)
    source = passive.source(str, str)
    assert source.startswith("set for every server by 0 ")
    assert "PASSIVE_BAR=60: must be at least ANSWER_BAR (70)" in source


def test_a_database_from_before_setup_gains_its_table(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    Store(path).close()
    with sqlite3.connect(path) as old:
        old.execute("DROP TABLE server_settings")
    store = Store(path)
    store.set_setup_value("PASSIVE_BAR", "80", member_id=1)
    assert [value.value for value in store.setup_values()] == ["80"]


def test_what_setup_kept_before_it_was_per_server_applies_in_every_server(tmp_path: Path) -> None:
    """The old one-server table is moved once into the per-server one, for every server."""
    path = store_path(tmp_path)
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE setup_values (name TEXT PRIMARY KEY, value TEXT NOT NULL,"
            " member_id INTEGER NOT NULL, set_at REAL NOT NULL)"
        )
        old.execute("INSERT INTO setup_values VALUES ('PASSIVE_BAR', '85', 42, 1.0)")
    live = LiveSettings(Settings(database_path=path), Store(path))
    assert live.current(GUILD).passive_bar == live.current(OTHER_GUILD).passive_bar == 85
    with sqlite3.connect(path) as reopened:
        tables = {row[0] for row in reopened.execute("SELECT name FROM sqlite_master")}
    assert "setup_values" not in tables


def store_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


def shown_passive_bar(tmp_path: Path, *, every: str, own: str) -> tuple[float, SettingState]:
    """The passive bar in force in GUILD, and as /setup show lists it, with ANSWER_BAR=70.

    ``every`` is set for every server, ``own`` for GUILD.
    """
    store = Store(store_path(tmp_path))
    store.set_setup_value("PASSIVE_BAR", every, member_id=0)
    store.set_setup_value("PASSIVE_BAR", own, member_id=42, guild_id=GUILD)
    live = LiveSettings(Settings(answer_bar=70, database_path=store_path(tmp_path)), store)
    [passive] = [state for state in show(live, GUILD) if state.name == "PASSIVE_BAR"]
    return live.current(GUILD).passive_bar, passive
