"""End-to-end fixtures: the real bot, started by ``create_bot``, against the loopback fake."""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import discord
import pytest
from fakediscord import Channel, DiscordErrorGuard, FakeDiscord, Guild, Member, run_client

from bot.config import Secret, Settings
from bot.discord_ui.client import create_bot
from bot.engine import Engine
from tests.conftest import KNOWLEDGE


@dataclass
class World:
    """A running fake Discord with a server, members, and the bot logged in."""

    fake: FakeDiscord
    guild: Guild
    help: Channel
    general: Channel
    forum: Channel
    alice: Member
    bob: Member
    mod: Member
    bot: discord.Client
    settings: Settings
    guard: DiscordErrorGuard
    helper: Member
    """A member with the helper role (``HELPER_ROLE_ID``), not a moderator."""


def make_settings(
    tmp_path: Path, fake: FakeDiscord, guild: Guild, help_channel: Channel, **overrides: object
) -> Settings:
    """Settings pointing the bot at the fake, with its own knowledge copy and database."""
    knowledge = tmp_path / "knowledge"
    if not knowledge.exists():
        shutil.copytree(KNOWLEDGE, knowledge)
    values: dict[str, object] = {
        "discord_token": Secret(fake.token),
        "guild_id": guild.id,
        "answer_channels": frozenset({help_channel.id}),
        "knowledge_dir": knowledge,
        "database_path": tmp_path / "bot.sqlite3",
        "cache_dir": Path(os.environ["CACHE_DIR"]),
        "encoder_threads": int(os.environ["ENCODER_THREADS"]),
        "discord_api_base": fake.api_base,
        "discord_gateway_url": fake.gateway_url,
        "burst_seconds": 0,
        "auto_reload": False,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def bot_settings() -> dict[str, object]:
    """Per-test overrides of the bot's settings (a test may replace this fixture)."""
    return {}


@pytest.fixture
async def world(
    tmp_path: Path, bot_settings: dict[str, object], engine: Engine
) -> AsyncIterator[World]:
    """Start the fake, populate a server, run the bot; fail on any discord.py error log."""
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Movement Club")
        help_channel = guild.add_text_channel("help")
        general = guild.add_text_channel("general")
        forum = guild.add_forum_channel("knee-questions")
        moderators = guild.add_role("Moderator")
        alice = guild.add_member("alice")
        bob = guild.add_member("bob")
        mod = guild.add_member("mod", roles=[moderators])
        helpers = guild.add_role("Helpers")
        helper = guild.add_member("helper", roles=[helpers])
        overrides = {
            "forum_channels": frozenset({forum.id}),
            "helper_role_id": helpers.id,
            **bot_settings,
        }
        settings = make_settings(tmp_path, fake, guild, help_channel, **overrides)
        # Training takes seconds, so each bot gets a shallow copy of the session's engine: a
        # test that reloads or teaches swaps in new knowledge on its copy only.
        bot = create_bot(settings, copy.copy(engine), guild_ready_timeout=0.1)
        guard = DiscordErrorGuard(loggers=("discord", "bot"))
        async with guard, run_client(bot, fake):
            yield World(
                fake,
                guild,
                help_channel,
                general,
                forum,
                alice,
                bob,
                mod,
                bot,
                settings,
                guard,
                helper,
            )
