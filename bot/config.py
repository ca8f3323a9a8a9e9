"""Settings: one typed object from the environment and ``.env`` (documented in .env.example).

Read with the standard library only, so the command line starts fast. An environment
variable wins over the same name in ``.env``; an empty value means "use the default". Every
value that can't be read is reported at once, by name, in a :class:`SettingsError`.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NoReturn

from bot.engine import SemanticOptions, Thresholds
from bot.engine.loader import LABELS_FILE, LEARNED_FILE, KnowledgeSource
from bot.env_file import EnvFileError, read_env_file

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The package's parent (the checkout, holding pyproject.toml): relative paths start here."""
ENV_FILE = PROJECT_ROOT / ".env"
DATABASE_FILE = "bot.sqlite3"
DAYS_BACK = range(1, 366)
"""How many days back moderators' reviews may look (`/kb unanswered`, `stats`): up to a year."""
CACHE_FOLDER = "cache"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
SNOWFLAKE_MAX = 2**64 - 1  # Discord ids are unsigned 64-bit numbers
MASK = "**********"

Parse = Callable[[str], Any]


class SettingsError(Exception):
    """Some settings could not be read; ``problems`` says which and why."""

    def __init__(self, problems: list[str]) -> None:
        """Keep the problems and list them in the message."""
        self.problems = problems
        super().__init__("\n".join(problems))


class Secret:
    """A value that never appears in ``repr``, ``str``, a format, a pickle or a log line.

    Not a dataclass on purpose: ``dataclasses.asdict`` would turn one into a plain dict
    holding the value. Copies are the same object, so they stay masked too.
    """

    __slots__ = ("_value", "origin")
    origin: str

    def __init__(self, value: str, origin: str = "the settings") -> None:
        """Hold ``value``; ``origin`` says where it was read, for messages about it."""
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "origin", origin)

    def get_secret_value(self) -> str:
        """The value itself, for the one place that needs it."""
        return self._value

    def __repr__(self) -> str:
        """Masked."""
        return "Secret()"

    def __str__(self) -> str:
        """Masked."""
        return MASK

    def __format__(self, spec: str) -> str:
        """The mask, formatted."""
        return format(MASK, spec)

    def __eq__(self, other: object) -> bool:
        """Equal to a Secret holding the same value."""
        if not isinstance(other, Secret):
            return NotImplemented
        return self._value == other._value

    def __hash__(self) -> int:
        """Hashable, like the frozen settings that hold it."""
        return hash((Secret, self._value))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        """Immutable."""
        raise AttributeError("a Secret can't be changed")

    def __copy__(self) -> Secret:
        """Itself: it is immutable."""
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Secret:
        """Itself: it is immutable."""
        return self

    def __reduce__(self) -> NoReturn:
        """Refused: a pickle would carry the value in the clear."""
        raise TypeError("a Secret can't be pickled")


def _bounded(convert: Callable[[str], float], what: str, low: float, high: float | None) -> Parse:
    span = f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more"

    def parse(raw: str) -> float:
        try:
            value = convert(raw)
        except ValueError:
            raise ValueError(f"must be {what} {span}") from None
        # NaN is out of range too; infinity (``inf``, ``1e400``) is no usable setting.
        if not (math.isfinite(value) and low <= value and (high is None or value <= high)):
            raise ValueError(f"must be {what} {span}")
        return value

    return parse


def _digits(raw: str) -> int:
    # int() alone also takes "٣٣", "1_000" and "+1"; a setting is plain 0-9.
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(raw)
    return int(raw)


def _decimal(raw: str) -> float:
    # float() alone also takes "٧٠" and "1_0".
    if not raw.isascii():
        raise ValueError(raw)
    return float(raw)


def _whole(low: int, high: int | None = None) -> Parse:
    return _bounded(_digits, "a whole number", low, high)


def _number(low: float, high: float | None = None) -> Parse:
    return _bounded(_decimal, "a number", low, high)


def _off_or_at_least(low: float) -> Parse:
    """A number of seconds: 0 (off), or at least ``low``."""

    def parse(raw: str) -> float:
        value = _number(0)(raw)
        if 0 < value < low:
            raise ValueError(f"must be 0 (off) or at least {low:g}")
        return value

    return parse


def _url(schemes: tuple[str, ...]) -> Parse:
    """An absolute URL with one of ``schemes`` and a host."""

    def parse(raw: str) -> str:
        parts = urllib.parse.urlsplit(raw)
        if parts.scheme not in schemes or not parts.netloc:
            allowed = " or ".join(f"{scheme}://" for scheme in schemes)
            raise ValueError(f"must be a URL starting with {allowed} and a host")
        return raw

    return parse


def _snowflake(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError("must be a Discord id (digits 0-9)")
    # The length check first: int() refuses strings of thousands of digits with its own error.
    if len(raw) > len(str(SNOWFLAKE_MAX)) or not 1 <= int(raw) <= SNOWFLAKE_MAX:
        raise ValueError(f"{raw} is not a Discord id (those run from 1 to {SNOWFLAKE_MAX})")
    return int(raw)


def _flag(raw: str) -> bool:
    word = raw.casefold()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    raise ValueError("must be true or false")


def _ids(raw: str) -> frozenset[int]:
    parts = raw.replace(",", " ").split()
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValueError("must be channel ids separated by commas")
    return frozenset(_snowflake(part) for part in parts)


_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _domains(raw: str) -> frozenset[str]:
    parts = [part.casefold() for part in raw.replace(",", " ").split()]
    if not all(_HOSTNAME.match(part) for part in parts):
        raise ValueError("must be site names separated by commas, like example.com")
    return frozenset(parts)


def _choice(*options: str) -> Parse:
    def parse(raw: str) -> str:
        if raw.upper() not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return raw.upper()

    return parse


def _sha256(raw: str) -> str:
    if len(raw) != 64 or not all(char in "0123456789abcdefABCDEF" for char in raw):
        raise ValueError("must be 64 hexadecimal digits (a sha256)")
    return raw.casefold()


def _pooling(raw: str) -> str:
    return _choice("MEAN", "CLS")(raw).lower()


def _read_as(parse: Parse) -> dict[str, Parse]:
    return {"parse": parse}


def _unknown_names(given: Mapping[str, str], env_file: Path | None) -> list[str]:
    """Names in the ``.env`` file that are no setting (a typo would be silently ignored).

    Only the file is checked: the environment holds every other program's variables too.
    """
    known = [setting.name.upper() for setting in fields(Settings)]
    problems = []
    for name in given:
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
        hint = f"; did you mean {close[0]}?" if close else " (see .env.example)"
        problems.append(f"{name} in {env_file}: not a setting{hint}")
    return problems


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the bot can be told; every field but the token has a default."""

    discord_token: Secret | None = field(default=None, metadata=_read_as(Secret))
    guild_id: int | None = field(default=None, metadata=_read_as(_snowflake))
    answer_channels: frozenset[int] = field(default=frozenset(), metadata=_read_as(_ids))
    forum_channels: frozenset[int] = field(default=frozenset(), metadata=_read_as(_ids))
    moderator_role_id: int | None = field(default=None, metadata=_read_as(_snowflake))
    moderator_role: str = field(default="Moderator", metadata=_read_as(str))
    helper_role_id: int | None = field(default=None, metadata=_read_as(_snowflake))
    log_channel_id: int | None = field(default=None, metadata=_read_as(_snowflake))
    link_domains: frozenset[str] = field(default=frozenset(), metadata=_read_as(_domains))

    knowledge_dir: Path = field(default=Path("knowledge"), metadata=_read_as(Path))
    data_dir: Path | None = field(default=None, metadata=_read_as(Path))
    cache_dir: Path | None = field(default=None, metadata=_read_as(Path))
    # None here means "the default file": DATA_DIR's, else data/ in the project; never None
    # once constructed (see __post_init__).
    database_path: Path = field(default=None, metadata=_read_as(Path))
    learned_path: Path | None = field(default=None, metadata=_read_as(Path))
    labels_path: Path | None = field(default=None, metadata=_read_as(Path))
    auto_reload: bool = field(default=True, metadata=_read_as(_flag))
    retention_days: int = field(default=90, metadata=_read_as(_whole(1, 3650)))

    answer_bar: float = field(default=Thresholds.answer, metadata=_read_as(_number(0, 100)))
    suggest_bar: float = field(default=Thresholds.suggest, metadata=_read_as(_number(0, 100)))
    passive_bar: float = field(default=Thresholds.passive, metadata=_read_as(_number(0, 100)))
    red_flag_bar: float = field(default=Thresholds.red_flag, metadata=_read_as(_number(0, 100)))
    screen_bar: float = field(default=Thresholds.screen, metadata=_read_as(_number(0, 100)))
    doubt_bar: float = field(default=Thresholds.doubt, metadata=_read_as(_number(0, 100)))
    burst_answers: int = field(default=3, metadata=_read_as(_whole(1, 100)))
    burst_seconds: float = field(default=30.0, metadata=_read_as(_number(0)))
    follow_up_minutes: float = field(default=5.0, metadata=_read_as(_number(0, 1440)))
    safety_hold_hours: float = field(default=24.0, metadata=_read_as(_number(0, 720)))
    repeat_window_seconds: float = field(default=600.0, metadata=_read_as(_number(0)))

    semantic: bool = field(default=True, metadata=_read_as(_flag))
    encoder_model: Path | None = field(default=None, metadata=_read_as(Path))
    encoder_tokenizer: Path | None = field(default=None, metadata=_read_as(Path))
    encoder_sha256: str | None = field(default=None, metadata=_read_as(_sha256))
    encoder_pooling: str = field(default="mean", metadata=_read_as(_pooling))
    encoder_threads: int = field(default=0, metadata=_read_as(_whole(0, 64)))

    sharded: bool = field(default=False, metadata=_read_as(_flag))
    shard_count: int | None = field(default=None, metadata=_read_as(_whole(1)))
    discord_api_base: str = field(
        default=DISCORD_API_BASE, metadata=_read_as(_url(("http", "https")))
    )
    discord_gateway_url: str = field(
        default=DISCORD_GATEWAY_URL, metadata=_read_as(_url(("ws", "wss")))
    )
    log_level: str = field(
        default="INFO", metadata=_read_as(_choice("DEBUG", "INFO", "WARNING", "ERROR"))
    )
    heartbeat_seconds: float = field(default=3600.0, metadata=_read_as(_off_or_at_least(10)))

    def __post_init__(self) -> None:
        """Resolve paths: never from the working directory, so any directory can start the bot.

        ``KNOWLEDGE_DIR`` and ``DATA_DIR`` start at :data:`PROJECT_ROOT`; the database, cache
        and taught phrasings start at ``DATA_DIR`` when it is set (and default to files in
        it), else at the project root, as before there was a data directory.
        """
        data = PROJECT_ROOT / self.data_dir if self.data_dir is not None else None
        base = data or PROJECT_ROOT

        def under_base(path: Path | None, default: Path | None) -> Path | None:
            return base / path if path is not None else default

        resolved = {
            "knowledge_dir": PROJECT_ROOT / self.knowledge_dir,
            "data_dir": data,
            "database_path": under_base(
                self.database_path, data / DATABASE_FILE if data else base / "data" / DATABASE_FILE
            ),
            "cache_dir": under_base(self.cache_dir, data / CACHE_FOLDER if data else None),
            "learned_path": under_base(self.learned_path, data / LEARNED_FILE if data else None),
            "labels_path": under_base(self.labels_path, data / LABELS_FILE if data else None),
        }
        for name, value in resolved.items():
            object.__setattr__(self, name, value)

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = ENV_FILE
    ) -> Settings:
        """Settings from ``environ`` (default: this process's), then ``env_file``, then defaults.

        Names are upper case (``ANSWER_BAR`` sets ``answer_bar``). Raises
        :class:`SettingsError` listing every value that can't be read, and an unreadable
        ``env_file`` (the environment's values are still checked).
        """
        problems = []
        try:
            given = read_env_file(env_file) if env_file else {}
        except EnvFileError as error:
            problems.append(str(error))
            given = {}
        problems += _unknown_names(given, env_file)
        environ = os.environ if environ is None else environ
        exported = {name.upper(): value for name, value in environ.items() if value.strip()}
        given.update(exported)
        values: dict[str, Any] = {}
        for setting in fields(cls):
            name = setting.name.upper()
            raw = given.get(name, "").strip()
            if not raw:
                continue
            parse = setting.metadata["parse"]
            if parse is Secret:
                origin = "the environment" if name in exported else f"the .env file {env_file}"
                values[setting.name] = Secret(raw, origin)
                continue
            try:
                values[setting.name] = parse(raw)
            except ValueError as error:
                problems.append(f"{name}={raw!r}: {error}")
        settings = cls(**values) if not problems else None
        problems += settings.bar_problems() + settings.path_problems() if settings else []
        if problems or settings is None:
            raise SettingsError(problems)
        return settings

    def path_problems(self) -> list[str]:
        """Folders given as something that isn't a folder, each said like a bad value."""
        folders = {"CACHE_DIR": self.cache_dir, "DATA_DIR": self.data_dir}
        return [
            f"{name}={str(path)!r}: is a file, not a folder"
            for name, path in folders.items()
            if path is not None and path.exists() and not path.is_dir()
        ]

    def bar_problems(self) -> list[str]:
        """Bars in an order that would silently close a band, each said like a bad value."""
        rules = [
            (
                self.suggest_bar <= self.answer_bar,
                f"SUGGEST_BAR={self.suggest_bar:g}: must be at most ANSWER_BAR "
                f"({self.answer_bar:g}), or 'did you mean' takes answers' place",
            ),
            (
                self.passive_bar >= self.answer_bar,
                f"PASSIVE_BAR={self.passive_bar:g}: must be at least ANSWER_BAR "
                f"({self.answer_bar:g}): un-addressed messages need the stricter bar",
            ),
            (
                self.screen_bar <= self.red_flag_bar,
                f"SCREEN_BAR={self.screen_bar:g}: must be at most RED_FLAG_BAR "
                f"({self.red_flag_bar:g}), or nothing is ever screened",
            ),
        ]
        return [problem for holds, problem in rules if not holds]

    @property
    def thresholds(self) -> Thresholds:
        """The engine's confidence bars."""
        return Thresholds(
            answer=self.answer_bar,
            suggest=self.suggest_bar,
            passive=self.passive_bar,
            red_flag=self.red_flag_bar,
            screen=self.screen_bar,
            doubt=self.doubt_bar,
        )

    def knowledge_source(self, directory: Path | None = None) -> KnowledgeSource:
        """``directory`` (default: ``KNOWLEDGE_DIR``) with this deployment's moderators' files."""
        return KnowledgeSource(directory or self.knowledge_dir, self.learned_path, self.labels_path)

    @property
    def semantic_options(self) -> SemanticOptions:
        """Which sentence encoder to load, and where its embeddings are kept."""
        return SemanticOptions(
            enabled=self.semantic,
            model=self.encoder_model,
            tokenizer=self.encoder_tokenizer,
            model_sha256=self.encoder_sha256,
            pooling="cls" if self.encoder_pooling == "cls" else "mean",
            threads=self.encoder_threads,
            cache_dir=self.cache_dir,
        )
