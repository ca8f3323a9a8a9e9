"""Settings from the environment and ``.env``: documented names, clear errors, a hidden token."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from bot.config import Secret, Settings, SettingsError
from bot.env_file import read_env_file
from tests.conftest import REPO


def _settings(env_text: str, tmp_path: Path, **environ: str) -> Settings:
    env_file = tmp_path / ".env"
    env_file.write_text(env_text, encoding="utf-8")
    return Settings.from_environment(environ, env_file)


def test_env_example_documents_every_setting_and_gives_the_defaults() -> None:
    """Each setting appears in .env.example, and the example as written means the defaults."""
    documented = set(read_env_file(REPO / ".env.example"))
    assert documented == {setting.name.upper() for setting in fields(Settings)}
    assert Settings.from_environment({}, REPO / ".env.example") == Settings()


def test_values_are_read_and_typed(tmp_path: Path) -> None:
    """Numbers, flags, paths, id lists and choices come out typed."""
    settings = _settings(
        "ANSWER_BAR=70\nAUTO_RELOAD=off\nANSWER_CHANNELS=12, 34 56\n"
        "KNOWLEDGE_DIR=kb\nLOG_LEVEL=debug\nGUILD_ID=99\n",
        tmp_path,
    )
    assert settings.answer_bar == 70.0
    assert settings.auto_reload is False
    assert settings.answer_channels == frozenset({12, 34, 56})
    assert settings.knowledge_dir == Path("kb")
    assert settings.log_level == "DEBUG"
    assert settings.guild_id == 99
    assert settings.thresholds.answer == 70.0


def test_the_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    """An exported variable overrides the same name in .env, whatever its case."""
    settings = _settings(
        "PASSIVE_BAR=80\nSUGGEST_BAR=50\n", tmp_path, passive_bar="90", SUGGEST_BAR=""
    )
    assert settings.passive_bar == 90.0
    assert settings.suggest_bar == 50.0, "an empty variable does not hide the .env value"


def test_env_file_syntax(tmp_path: Path) -> None:
    """Comments, blank lines, ``export``, quotes and inline comments are read as people write them."""
    settings = _settings(
        "# a comment\n\nexport MODERATOR_ROLE='Mods # and helpers'\n"
        'DATABASE_PATH="data/x.sqlite3"\nRETENTION_DAYS=30  # a month\nnot a setting\n',
        tmp_path,
    )
    assert settings.moderator_role == "Mods # and helpers"
    assert settings.database_path == Path("data/x.sqlite3")
    assert settings.retention_days == 30


def test_empty_values_and_a_missing_file_mean_defaults(tmp_path: Path) -> None:
    """``GUILD_ID=`` and an absent .env both leave the defaults."""
    assert _settings("GUILD_ID=\nANSWER_BAR=\n", tmp_path) == Settings()
    assert Settings.from_environment({}, tmp_path / "absent.env") == Settings()


def test_every_bad_value_is_reported_at_once(tmp_path: Path) -> None:
    """Each unreadable value is named with what it should be; nothing is silently defaulted."""
    with pytest.raises(SettingsError) as caught:
        _settings(
            "ANSWER_BAR=high\nRETENTION_DAYS=0\nAUTO_RELOAD=maybe\nANSWER_CHANNELS=12,general\n"
            "LOG_LEVEL=loud\nSUGGEST_BAR=101\nPASSIVE_BAR=nan\n",
            tmp_path,
        )
    assert caught.value.problems == [
        "ANSWER_CHANNELS='12,general': must be channel ids separated by commas",
        "AUTO_RELOAD='maybe': must be true or false",
        "RETENTION_DAYS='0': must be a whole number from 1 to 3650",
        "ANSWER_BAR='high': must be a number from 0 to 100",
        "SUGGEST_BAR='101': must be a number from 0 to 100",
        "PASSIVE_BAR='nan': must be a number from 0 to 100",
        "LOG_LEVEL='loud': must be one of DEBUG, INFO, WARNING, ERROR",
    ]


def test_the_token_never_shows(tmp_path: Path) -> None:
    """The token is readable where it is needed and masked everywhere else."""
    settings = _settings("DISCORD_TOKEN=abc.def.ghi\n", tmp_path)
    assert settings.discord_token == Secret("abc.def.ghi")
    assert settings.discord_token.get_secret_value() == "abc.def.ghi"
    for shown in (repr(settings), str(settings), str(settings.discord_token), f"{settings}"):
        assert "abc.def.ghi" not in shown
    assert re.search(r"discord_token=Secret\(\)", repr(settings))
