"""Settings from the environment and ``.env``: documented names, clear errors, a hidden token."""

from __future__ import annotations

import copy
import os
import pickle
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from dotenv import dotenv_values

from bot.config import Secret, Settings, SettingsError
from bot.engine.loader import KnowledgeSource
from bot.live_settings import LiveSettings
from bot.store import Store
from tests.conftest import REPO


def _settings(env_text: str, tmp_path: Path, **environ: str) -> Settings:
    env_file = tmp_path / ".env"
    env_file.write_text(env_text, encoding="utf-8")
    return Settings.from_environment(environ, env_file)


def test_env_example_documents_every_setting_and_gives_the_defaults() -> None:
    """Each setting appears in .env.example, and the example as written means the defaults."""
    documented = set(dotenv_values(REPO / ".env.example"))
    assert documented == {name.upper() for name in Settings.model_fields}
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
    assert settings.knowledge_dir == REPO / "kb"
    assert settings.log_level == "DEBUG"
    assert settings.guild_id == 99
    assert settings.thresholds.answer == 70.0


def test_the_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    """An exported variable overrides the same name in .env, whatever its case."""
    settings = _settings(
        "PASSIVE_BAR=80\nSUGGEST_BAR=30\n", tmp_path, passive_bar="90", SUGGEST_BAR=""
    )
    assert settings.passive_bar == 90.0
    assert settings.suggest_bar == 30.0, "an empty variable does not hide the .env value"


def test_env_file_syntax(tmp_path: Path) -> None:
    """Comments, blank lines, ``export``, quotes and inline comments are read as people write them."""
    settings = _settings(
        "# a comment\n\nexport MODERATOR_ROLE='Mods # and helpers'\n"
        'DATABASE_PATH="data/x.sqlite3"\nRETENTION_DAYS=30  # a month\n',
        tmp_path,
    )
    assert settings.moderator_role == "Mods # and helpers"
    assert settings.database_path == REPO / "data/x.sqlite3"
    assert settings.retention_days == 30


def test_a_misspelt_setting_is_refused_with_a_did_you_mean(tmp_path: Path) -> None:
    """``ANSWER_CHANNEL=`` would be silently ignored: it is named, with the setting it means."""
    with pytest.raises(
        SettingsError, match=r"ANSWER_CHANNEL in .*: not a setting; did you mean ANSWER_CHANNELS"
    ):
        _settings("ANSWER_CHANNEL=123\n", tmp_path)


def test_a_line_that_is_not_a_setting_is_refused_with_its_line(tmp_path: Path) -> None:
    """A malformed line would lose what it meant to set: file, line and the line itself."""
    with pytest.raises(SettingsError, match=r"\.env:2: not a NAME=value line: 'ANSWER_BAR 50'"):
        _settings("GUILD_ID=99\nANSWER_BAR 50\n", tmp_path)


def test_a_byte_order_mark_does_not_cost_the_first_line(tmp_path: Path) -> None:
    """Editors that save UTF-8 with a BOM: the first setting is read like the others."""
    env_file = tmp_path / ".env"
    env_file.write_bytes(b"\xef\xbb\xbfANSWER_BAR=70\nGUILD_ID=99\n")
    settings = Settings.from_environment({}, env_file)
    assert (settings.answer_bar, settings.guild_id) == (70.0, 99)


def test_a_cache_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    """The embedding cache can't live in a file: said at start, not ignored."""
    (tmp_path / "cache").write_text("not a folder")
    with pytest.raises(SettingsError, match=r"CACHE_DIR=.*: is a file, not a folder"):
        _settings(f"CACHE_DIR={tmp_path / 'cache'}\n", tmp_path)


def test_a_heartbeat_of_microseconds_is_refused(tmp_path: Path) -> None:
    """``HEARTBEAT_SECONDS=0.000001`` would write tens of thousands of lines a second."""
    with pytest.raises(SettingsError, match="HEARTBEAT_SECONDS"):
        _settings("HEARTBEAT_SECONDS=0.000001\n", tmp_path)


def test_the_intent_error_names_the_setting_that_needs_it(tmp_path: Path) -> None:
    """With only FORUM_CHANNELS set, the refused intent is blamed on FORUM_CHANNELS."""
    from bot.discord_ui.runner import intent_needed

    settings = _settings("FORUM_CHANNELS=123\n", tmp_path)
    text = intent_needed(LiveSettings(settings, Store(tmp_path / "bot.sqlite3")))
    assert text.startswith("FORUM_CHANNELS needs the Message Content intent")
    assert "ANSWER_CHANNELS" not in text


def test_the_intent_error_names_the_servers_where_setup_set_channels(tmp_path: Path) -> None:
    """Help channels set with /setup in one server only: named, with the way to empty them."""
    from bot.discord_ui.runner import intent_needed

    store = Store(tmp_path / "bot.sqlite3")
    store.set_setup_value("ANSWER_CHANNELS", "123", member_id=7, guild_id=42)
    text = intent_needed(LiveSettings(_settings("", tmp_path), store))
    assert text.startswith("ANSWER_CHANNELS needs the Message Content intent")
    assert "ANSWER_CHANNELS is set with /setup in server 42" in text
    assert "python -m bot setup unset ANSWER_CHANNELS --server 42" in text
    assert "FORUM_CHANNELS" not in text


def test_an_api_base_that_is_not_a_url_is_one_line(tmp_path: Path) -> None:
    """``DISCORD_API_BASE=notaurl`` is refused by name, not 45 lines of traceback later."""
    with pytest.raises(SettingsError) as caught:
        _settings("DISCORD_API_BASE=notaurl\nDISCORD_GATEWAY_URL=nope\n", tmp_path)
    assert caught.value.problems == [
        "DISCORD_API_BASE='notaurl': must be a URL starting with http:// or https:// and a host",
        "DISCORD_GATEWAY_URL='nope': must be a URL starting with ws:// or wss:// and a host",
    ]


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
    assert re.search(r"discord_token=Secret\('\*+'\)", repr(settings))


@contextmanager
def _no_hang(seconds: int = 5) -> Iterator[None]:
    """Fail the test with TimeoutError instead of hanging (a read from a FIFO with no writer)."""

    def give_up(signum: int, frame: object) -> None:
        raise TimeoutError(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _bad_utf8(env_file: Path) -> None:
    env_file.write_bytes(b"GUILD_ID=1\nLOG_LEVEL=INFO\nMODERATOR_ROLE=Mod\xe9rateur\n")


def _nul(env_file: Path) -> None:
    env_file.write_bytes(b"GUILD_ID=1\nMODERATOR_ROLE=Mod\x00\n")


def _too_big(env_file: Path) -> None:
    env_file.write_bytes(b"# padding\n" * 200_000)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (_bad_utf8, "not valid UTF-8 text (line 3)"),
        (_nul, "contains a NUL byte (line 2)"),
        (Path.mkdir, "not a regular file"),
        (os.mkfifo, "not a regular file"),
        (_too_big, "larger than 1,048,576 bytes, not a settings file"),
    ],
    ids=["invalid-utf8", "nul-byte", "directory", "fifo", "too-big"],
)
def test_an_unreadable_env_file_is_one_named_problem_beside_the_others(
    tmp_path: Path, make: Callable[[Path], object], problem: str
) -> None:
    """A .env that is no UTF-8 text file is named in one line, with the environment's problems."""
    env_file = tmp_path / ".env"
    make(env_file)
    with _no_hang(), pytest.raises(SettingsError) as caught:
        Settings.from_environment({"ANSWER_BAR": "high"}, env_file)
    assert caught.value.problems == [
        f"{env_file}: {problem}",
        "ANSWER_BAR='high': must be a number from 0 to 100",
    ]


@pytest.mark.parametrize("raw", ["inf", "-inf", "nan", "1e400", "Infinity"])
def test_non_finite_numbers_are_refused(tmp_path: Path, raw: str) -> None:
    """An infinite or NaN burst window is a reading error, not a limit that never ends."""
    with pytest.raises(SettingsError) as caught:
        _settings(f"BURST_SECONDS={raw}\n", tmp_path)
    assert caught.value.problems == [f"BURST_SECONDS={raw!r}: must be a number 0 or more"]


def test_ids_and_numbers_are_ascii_digits_only(tmp_path: Path) -> None:
    """Other scripts' digits, superscripts and underscores are refused, all reported by name."""
    with pytest.raises(SettingsError) as caught:
        _settings(
            "GUILD_ID=٣٣\nANSWER_CHANNELS=1,²\nLOG_CHANNEL_ID=+5\nRETENTION_DAYS=٣٠\n"
            "ANSWER_BAR=٧٠\nSHARD_COUNT=1_0\n",
            tmp_path,
        )
    assert caught.value.problems == [
        "GUILD_ID='٣٣': must be a Discord id (digits 0-9)",
        "ANSWER_CHANNELS='1,²': must be channel ids separated by commas",
        "LOG_CHANNEL_ID='+5': must be a Discord id (digits 0-9)",
        "RETENTION_DAYS='٣٠': must be a whole number from 1 to 3650",
        "ANSWER_BAR='٧٠': must be a number from 0 to 100",
        "SHARD_COUNT='1_0': must be a whole number 1 or more",
    ]


def test_ids_must_be_in_discords_range(tmp_path: Path) -> None:
    """Ids run from 1 to 2**64-1; a 30-digit number or 0 is said not to be a Discord id."""
    top = str(2**64 - 1)
    assert _settings(f"GUILD_ID={top}\n", tmp_path).guild_id == 2**64 - 1
    with pytest.raises(SettingsError) as caught:
        _settings(f"GUILD_ID={'9' * 30}\nANSWER_CHANNELS=5,{2**64}\nLOG_CHANNEL_ID=0\n", tmp_path)
    assert caught.value.problems == [
        f"GUILD_ID='{'9' * 30}': {'9' * 30} is not a Discord id (those run from 1 to {top})",
        f"ANSWER_CHANNELS='5,{2**64}': {2**64} is not a Discord id (those run from 1 to {top})",
        f"LOG_CHANNEL_ID='0': 0 is not a Discord id (those run from 1 to {top})",
    ]


def test_the_token_survives_no_copy_pickle_format_or_dump(tmp_path: Path) -> None:
    """Copies stay masked, pickling is refused, and a dump or a format spec shows no token."""
    settings = _settings("DISCORD_TOKEN=abc.def.ghi\n", tmp_path)
    token = settings.discord_token
    for copied in (copy.copy(token), copy.deepcopy(token), copy.deepcopy(settings).discord_token):
        assert copied == token
        assert "abc.def.ghi" not in repr(copied) + str(copied)
    assert "abc.def.ghi" not in repr(settings.model_dump()) + settings.model_dump_json()
    assert "abc.def.ghi" not in str(settings) + f"{token:>40}" + f"{token!s}"
    with pytest.raises(TypeError):
        pickle.dumps(token)
    with pytest.raises(TypeError):
        pickle.dumps(settings)


def test_encoder_settings_reach_the_semantic_options(tmp_path: Path) -> None:
    """Another local model, its tokenizer, sha256, pooling and threads, from the environment."""
    sha = "ab" * 32
    settings = _settings(
        f"ENCODER_MODEL=/models/bge.onnx\nENCODER_TOKENIZER=/models/tokenizer.json\n"
        f"ENCODER_SHA256={sha.upper()}\nENCODER_POOLING=CLS\nENCODER_THREADS=1\nSEMANTIC=off\n",
        tmp_path,
    )
    options = settings.semantic_options
    assert (options.model, options.tokenizer) == (
        Path("/models/bge.onnx"),
        Path("/models/tokenizer.json"),
    )
    assert (options.model_sha256, options.pooling, options.threads) == (sha, "cls", 1)
    assert options.enabled is False
    with pytest.raises(SettingsError) as caught:
        _settings("ENCODER_SHA256=abc\nENCODER_POOLING=max\n", tmp_path)
    assert caught.value.problems == [
        "ENCODER_SHA256='abc': must be 64 hexadecimal digits (a sha256)",
        "ENCODER_POOLING='max': must be one of MEAN, CLS",
    ]


def test_bars_that_would_close_a_band_are_refused(tmp_path: Path) -> None:
    """Each bar is readable alone, but their order must leave every band open."""
    with pytest.raises(SettingsError) as caught:
        _settings("ANSWER_BAR=50\nSUGGEST_BAR=60\nPASSIVE_BAR=30\nSCREEN_BAR=95\n", tmp_path)
    assert caught.value.problems == [
        "SUGGEST_BAR=60: must be at most ANSWER_BAR (50), or 'did you mean' takes answers' place",
        "PASSIVE_BAR=30: must be at least ANSWER_BAR (50): un-addressed messages need the "
        "stricter bar",
        "SCREEN_BAR=95: must be at most RED_FLAG_BAR (90), or nothing is ever screened",
    ]


def test_settings_made_in_code_are_checked_too() -> None:
    """Bars that would close a band are refused however the settings are made, not only read."""
    with pytest.raises(ValueError, match=r"SUGGEST_BAR=60: must be at most ANSWER_BAR \(50\)"):
        Settings(answer_bar=50, suggest_bar=60)


def test_relative_paths_start_at_the_project_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started from anywhere, the defaults name the checkout's knowledge/ and data/ folders."""
    monkeypatch.chdir(tmp_path)
    settings = _settings("KNOWLEDGE_DIR=knowledge\n", tmp_path)
    assert settings.knowledge_dir == REPO / "knowledge"
    assert settings.database_path == REPO / "data" / "bot.sqlite3"
    assert (settings.data_dir, settings.cache_dir, settings.learned_path) == (None, None, None)
    assert settings.knowledge_source().learned_file == REPO / "knowledge" / "learned.yaml"


def test_the_data_dir_holds_the_database_cache_and_taught_phrasings(tmp_path: Path) -> None:
    """With DATA_DIR set, what the bot writes defaults into it, and relative paths start there."""
    data = tmp_path / "volume"
    settings = _settings(f"DATA_DIR={data}\n", tmp_path)
    assert settings.database_path == data / "bot.sqlite3"
    assert settings.cache_dir == data / "cache"
    assert settings.semantic_options.cache_dir == data / "cache"
    assert settings.knowledge_source() == KnowledgeSource(
        REPO / "knowledge", data / "learned.yaml", data / "moderators.yaml"
    )
    moved = _settings(
        f"DATA_DIR={data}\nDATABASE_PATH=db/asks.sqlite3\nLEARNED_PATH=taught.yaml\n", tmp_path
    )
    assert moved.database_path == data / "db" / "asks.sqlite3"
    assert moved.learned_path == data / "taught.yaml"
    assert _settings("DATA_DIR=state\n", tmp_path).data_dir == REPO / "state"


def test_the_token_remembers_where_it_was_read(tmp_path: Path) -> None:
    """A token from the environment says so; one from the file names the file."""
    from_file = _settings("DISCORD_TOKEN=abc.def.ghi\n", tmp_path).discord_token
    assert from_file is not None
    assert from_file.origin == f"the .env file {tmp_path / '.env'}"
    exported = _settings("DISCORD_TOKEN=abc\n", tmp_path, DISCORD_TOKEN="xyz").discord_token
    assert exported is not None
    assert (exported.get_secret_value(), exported.origin) == ("xyz", "the environment")


def test_the_heartbeat_interval_is_a_setting(tmp_path: Path) -> None:
    """HEARTBEAT_SECONDS defaults to an hour; 0 turns it off; negative is refused."""
    assert Settings().heartbeat_seconds == 3600
    assert _settings("HEARTBEAT_SECONDS=0\n", tmp_path).heartbeat_seconds == 0
    with pytest.raises(SettingsError) as caught:
        _settings("HEARTBEAT_SECONDS=-1\n", tmp_path)
    assert caught.value.problems == ["HEARTBEAT_SECONDS='-1': must be a number 0 or more"]


def test_the_helper_role_is_an_id_and_optional(tmp_path: Path) -> None:
    """HELPER_ROLE_ID is read as a Discord id, refused otherwise, and unset by default."""
    assert _settings("HELPER_ROLE_ID=42\n", tmp_path).helper_role_id == 42
    assert _settings("", tmp_path).helper_role_id is None
    with pytest.raises(SettingsError) as caught:
        _settings("HELPER_ROLE_ID=Helpers\n", tmp_path)
    assert caught.value.problems == ["HELPER_ROLE_ID='Helpers': must be a Discord id (digits 0-9)"]


def test_link_domains_are_site_names_and_anything_else_is_refused(tmp_path: Path) -> None:
    """LINK_DOMAINS: the sites moderators' entries may link to; a URL or a word is refused."""
    settings = _settings("LINK_DOMAINS=Example.com, blog.example.org\n", tmp_path)
    assert settings.link_domains == frozenset({"example.com", "blog.example.org"})
    with pytest.raises(SettingsError, match=re.escape("LINK_DOMAINS='https://example.com'")):
        _settings("LINK_DOMAINS=https://example.com\n", tmp_path)
