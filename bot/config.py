"""Settings: one typed object from the environment and ``.env`` (documented in .env.example)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.engine import Thresholds

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


class Settings(BaseSettings):
    """Everything the bot can be told; every field but the token has a default."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", env_ignore_empty=True, extra="ignore"
    )

    discord_token: SecretStr | None = None
    guild_id: int | None = None
    answer_channels: Annotated[frozenset[int], NoDecode] = frozenset()
    moderator_role: str = "Moderator"
    log_channel_id: int | None = None

    knowledge_dir: Path = Path("knowledge")
    database_path: Path = Path("data/bot.sqlite3")
    auto_reload: bool = True
    retention_days: int = Field(default=90, ge=1, le=3650)

    answer_bar: float = Field(default=Thresholds.answer, ge=0, le=100)
    suggest_bar: float = Field(default=Thresholds.suggest, ge=0, le=100)
    passive_bar: float = Field(default=Thresholds.passive, ge=0, le=100)
    cooldown_seconds: float = Field(default=10.0, ge=0)
    repeat_window_seconds: float = Field(default=600.0, ge=0)

    sharded: bool = False
    shard_count: int | None = Field(default=None, ge=1)
    discord_api_base: str = DISCORD_API_BASE
    discord_gateway_url: str = DISCORD_GATEWAY_URL
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("answer_channels", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(",", " ").split())
        return value

    @property
    def thresholds(self) -> Thresholds:
        """The engine's confidence bars."""
        return Thresholds(
            answer=self.answer_bar, suggest=self.suggest_bar, passive=self.passive_bar
        )
