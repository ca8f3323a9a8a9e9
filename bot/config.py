"""Settings: one typed object from the environment and ``.env`` (documented in .env.example).

A pydantic-settings model: each field's type, bounds and parser say what it accepts. An
environment variable wins over the same name in ``.env``; an empty value means "use the
default". Every value that can't be read is reported at once, by name, with what it should
be, in a :class:`SettingsError`.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, NoReturn, get_args

from annotated_types import Ge, Le
from pydantic import (
    AfterValidator,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.engine import SemanticOptions, Thresholds
from bot.engine.loader import LABELS_FILE, LEARNED_FILE, KnowledgeSource
from bot.env_file import EnvFileError, check_env_file
from bot.setting_values import (
    Flag,
    Ids,
    Number,
    Snowflake,
    Whole,
    choice,
    domains,
    heartbeat,
    lowered,
    read_with,
    sha256_hex,
    url,
)

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The package's parent (the checkout, holding pyproject.toml): relative paths start here."""
ENV_FILE = PROJECT_ROOT / ".env"
DATABASE_FILE = "bot.sqlite3"
IN_DATA_DIR = {
    "database_path": DATABASE_FILE,
    "cache_dir": "cache",
    "learned_path": LEARNED_FILE,
    "labels_path": LABELS_FILE,
}
"""What the bot writes, by setting, and its file's name in ``DATA_DIR`` when left unset."""
BAR_ORDER = (
    ("SUGGEST_BAR", "at most", "ANSWER_BAR", ", or 'did you mean' takes answers' place"),
    ("PASSIVE_BAR", "at least", "ANSWER_BAR", ": un-addressed messages need the stricter bar"),
    ("SCREEN_BAR", "at most", "RED_FLAG_BAR", ", or nothing is ever screened"),
)
"""The order the bars must keep, so that no band between two of them closes, and why."""


class SettingsError(ValueError):
    """Some settings could not be read; ``problems`` says which and why."""

    def __init__(self, problems: list[str]) -> None:
        """Keep the problems and list them in the message."""
        self.problems = problems
        super().__init__("\n".join(problems))


class Secret(SecretStr):
    """The token: masked like any ``SecretStr``, never pickled, and aware of where it was read.

    A pickle would carry the value in the clear, so it is refused. Copies are the same
    object, so they stay masked too.
    """

    def __init__(self, value: str, origin: str = "the settings") -> None:
        """Hold ``value``; ``origin`` says where it was read, for messages about it."""
        super().__init__(value)
        self.origin = origin

    def __format__(self, spec: str) -> str:
        """The mask, formatted."""
        return format(str(self), spec)

    def __deepcopy__(self, memo: dict[int, object] | None = None) -> Secret:
        """Itself (for a shallow copy too): the value is never held twice."""
        return self

    __copy__ = __deepcopy__

    def __reduce__(self) -> NoReturn:
        """Refused: a pickle would carry the value in the clear."""
        raise TypeError("a Secret can't be pickled")


ProjectPath = Annotated[Path, AfterValidator(lambda path: PROJECT_ROOT / path)]


def _holds_int(annotation: object) -> bool:
    """Whether ``annotation`` is ``int``, or a union or ``Annotated`` holding it."""
    return annotation is int or any(_holds_int(arg) for arg in get_args(annotation))


def _expected(error: ErrorDetails) -> str:
    """What the value should have been: the parser's words, or a number's type and bounds."""
    field = Settings.model_fields[str(error["loc"][0])]
    low = next((bound.ge for bound in field.metadata if isinstance(bound, Ge)), None)
    if error["type"] == "setting" or low is None:
        return error["msg"]
    high = next((bound.le for bound in field.metadata if isinstance(bound, Le)), None)
    what = "a whole number" if _holds_int(field.annotation) else "a number"
    span = f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more"
    return f"must be {what} {span}"


def _not_a_setting(name: str, env_file: Path | None) -> str:
    """A name in the ``.env`` file that is no setting (a typo would be silently ignored)."""
    known = [setting.upper() for setting in Settings.model_fields]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    hint = f"; did you mean {close[0]}?" if close else " (see .env.example)"
    return f"{name} in {env_file}: not a setting{hint}"


def _problems(error: ValidationError, env_file: Path | None = None) -> list[str]:
    """Each problem in ``error`` said by setting name, with what it should be."""
    problems = []
    for each in error.errors():
        if not each["loc"]:  # the settings as a whole: the bars' order, folders
            problems += each["ctx"]["error"].problems
            continue
        name = str(each["loc"][0]).upper()
        if each["type"] == "extra_forbidden":
            problems.append(_not_a_setting(name, env_file))
        else:
            problems.append(f"{name}={each['input']!r}: {_expected(each)}")
    return problems


class Settings(BaseSettings):
    """Everything the bot can be told; every field but the token has a default.

    ``Settings(...)`` holds what it is given; :meth:`from_environment` reads the environment
    and ``.env``. Paths never start at the working directory, so any directory can start the
    bot: ``KNOWLEDGE_DIR`` and ``DATA_DIR`` start at :data:`PROJECT_ROOT`; the database,
    cache and taught phrasings start at ``DATA_DIR`` when it is set (and default to files in
    it), else at the project root, as before there was a data directory.
    """

    model_config = SettingsConfigDict(
        frozen=True,
        env_file_encoding="utf-8-sig",  # an editor's byte-order mark is not part of line 1
        env_ignore_empty=True,
        enable_decoding=False,  # lists are written "1, 2", not as JSON
    )

    discord_token: Secret | None = None
    guild_id: Snowflake | None = None
    answer_channels: Ids = frozenset()
    forum_channels: Ids = frozenset()
    moderator_role_id: Snowflake | None = None
    moderator_role: str = "Moderator"
    helper_role_id: Snowflake | None = None
    log_channel_id: Snowflake | None = None
    link_domains: Annotated[frozenset[str], read_with(domains)] = frozenset()

    knowledge_dir: ProjectPath = Path("knowledge")
    data_dir: ProjectPath | None = None
    cache_dir: Path | None = None
    database_path: Path = None  # never None once validated: the default file
    learned_path: Path | None = None
    labels_path: Path | None = None
    auto_reload: Flag = True
    retention_days: Whole = Field(90, ge=1, le=3650)

    answer_bar: Number = Field(Thresholds.answer, ge=0, le=100)
    suggest_bar: Number = Field(Thresholds.suggest, ge=0, le=100)
    passive_bar: Number = Field(Thresholds.passive, ge=0, le=100)
    red_flag_bar: Number = Field(Thresholds.red_flag, ge=0, le=100)
    screen_bar: Number = Field(Thresholds.screen, ge=0, le=100)
    doubt_bar: Number = Field(Thresholds.doubt, ge=0, le=100)
    burst_answers: Whole = Field(3, ge=1, le=100)
    burst_seconds: Number = Field(30.0, ge=0)
    follow_up_minutes: Number = Field(5.0, ge=0, le=1440)
    safety_hold_hours: Number = Field(24.0, ge=0, le=720)
    repeat_window_seconds: Number = Field(600.0, ge=0)

    semantic: Flag = True
    encoder_model: Path | None = None
    encoder_tokenizer: Path | None = None
    encoder_sha256: Annotated[str, read_with(sha256_hex)] | None = None
    encoder_pooling: Annotated[str, read_with(lowered(choice("MEAN", "CLS")))] = "mean"
    encoder_threads: Whole = Field(0, ge=0, le=64)

    sharded: Flag = False
    shard_count: Whole | None = Field(None, ge=1)
    discord_api_base: Annotated[str, read_with(url("http", "https"))] = DISCORD_API_BASE
    discord_gateway_url: Annotated[str, read_with(url("ws", "wss"))] = DISCORD_GATEWAY_URL
    log_level: Annotated[str, read_with(choice("DEBUG", "INFO", "WARNING", "ERROR"))] = "INFO"
    heartbeat_seconds: Annotated[Number, AfterValidator(heartbeat)] = Field(3600.0, ge=0)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """What is given, then ``.env`` (:meth:`from_environment` gives the environment's)."""
        return init_settings, dotenv_settings

    @field_validator(*IN_DATA_DIR, mode="before")
    @classmethod
    def _in_data_dir(cls, path: str | Path | None, info: ValidationInfo) -> Path | None:
        """Relative to ``DATA_DIR`` when it is set, else to the project; unset: ``DATA_DIR``'s."""
        data = info.data.get("data_dir")
        if path is not None:
            return (data or PROJECT_ROOT) / path
        if data is not None:
            return data / IN_DATA_DIR[str(info.field_name)]
        return PROJECT_ROOT / "data" / DATABASE_FILE if info.field_name == "database_path" else None

    @model_validator(mode="after")
    def _bands_open_folders_real(self) -> Settings:
        """Refuse bars in an order that would close a band, and folders that are files."""
        problems = self._bar_problems() + self._folder_problems()
        if problems:
            raise SettingsError(problems)
        return self

    def _folder_problems(self) -> list[str]:
        folders = {"CACHE_DIR": self.cache_dir, "DATA_DIR": self.data_dir}
        return [
            f"{name}={str(path)!r}: is a file, not a folder"
            for name, path in folders.items()
            if path is not None and path.exists() and not path.is_dir()
        ]

    def _bar_problems(self) -> list[str]:
        problems = []
        for bar, relation, other, why in BAR_ORDER:
            value, bound = getattr(self, bar.lower()), getattr(self, other.lower())
            if value > bound if relation == "at most" else value < bound:
                problems.append(f"{bar}={value:g}: must be {relation} {other} ({bound:g}){why}")
        return problems

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = ENV_FILE
    ) -> Settings:
        """Settings from ``environ`` (default: this process's), then ``env_file``, then defaults.

        Names are upper case (``ANSWER_BAR`` sets ``answer_bar``). Raises
        :class:`SettingsError` listing every value that can't be read, and an unreadable
        ``env_file`` (the environment's values are still checked).
        """
        problems, readable = [], env_file
        try:
            if env_file is not None:
                check_env_file(env_file)
        except EnvFileError as error:
            problems, readable = [str(error)], None
        environ = os.environ if environ is None else environ
        given: dict[str, Any] = {
            name.lower(): value.strip()
            for name, value in environ.items()
            if name.lower() in cls.model_fields and value.strip()
        }
        try:
            settings = cls(_env_file=readable, **given)
        except ValidationError as error:
            raise SettingsError(problems + _problems(error, env_file)) from None
        if problems:
            raise SettingsError(problems)
        if settings.discord_token is None:
            return settings
        origin = "the environment" if "discord_token" in given else f"the .env file {env_file}"
        token = Secret(settings.discord_token.get_secret_value(), origin)
        return settings.model_copy(update={"discord_token": token})

    def updated(self, values: Mapping[str, str]) -> Settings:
        """These settings with ``values`` (by ``.env`` name) read as ``.env``'s would be.

        Raises :class:`SettingsError` for a value that can't be read or one that closes a
        band of the bars, said as :meth:`from_environment` says it.
        """
        changed = {name.lower(): raw.strip() for name, raw in values.items()}
        try:
            return self.model_validate({**dict(self), **changed})
        except ValidationError as error:
            raise SettingsError(_problems(error)) from None

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
