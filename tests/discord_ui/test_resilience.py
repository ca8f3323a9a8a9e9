"""The bot under real-world trouble: dropped gateways, rate limits, 5xx, shards, a real process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakediscord import DiscordErrorGuard, FakeDiscord, run_client

from bot.discord_ui.client import create_bot
from tests.conftest import REPO, cache_copy
from tests.discord_ui.conftest import World, make_settings

MESSAGES = r"/channels/\d+/messages"


def mention(world: World, text: str) -> str:
    return f"<@{world.fake.bot_user.id}> {text}"


async def answers_once(world: World, text: str) -> None:
    """Ask in #general and check exactly one answer arrives."""
    before = len(world.general.bot_messages)
    await world.alice.says(world.general, mention(world, text))
    await world.general.next_bot_message()
    await world.general.assert_no_bot_message(within=0.3)
    assert len(world.general.bot_messages) == before + 1


async def test_resumes_after_the_gateway_drops(world: World) -> None:
    """Connection closed mid-conversation: the bot resumes and answers the next messages once."""
    await answers_once(world, "what is the IT band?")
    await world.fake.drop_connection(code=4000)
    await world.fake.wait_until_connected()
    await answers_once(world, "what is the VL?")
    await answers_once(world, "should I foam roll my IT band?")
    assert world.fake.received_ops(6), "expected a RESUME"


async def test_reidentifies_after_an_invalid_session(world: World) -> None:
    """An invalidated session makes the bot identify again and carry on."""
    await world.fake.invalidate_session()
    await world.fake.wait_until_connected()
    await answers_once(world, "what is the IT band?")
    assert len(world.fake.received_ops(2)) >= 2, "expected a second IDENTIFY"


@pytest.mark.parametrize("status", [429, 502])
async def test_message_create_is_retried_and_delivered_once(world: World, status: int) -> None:
    """A 429 with Retry-After, or a 502, on sending: retried, delivered exactly once."""
    world.fake.fail_next("POST", MESSAGES, status=status, retry_after=0.05)
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    reply = await world.general.next_bot_message(timeout=10)
    assert "IT band" in reply.text
    await world.general.assert_no_bot_message(within=0.5)
    attempts = world.fake.requests_to("POST", MESSAGES)
    assert [request.status for request in attempts] == [status, 200]


@pytest.mark.parametrize("compress", [True, False], ids=["zlib-stream", "plain-text"])
async def test_both_gateway_encodings(tmp_path: Path, compress: bool) -> None:
    """The bot works with zlib-stream binary frames and with plain JSON text frames."""
    async with FakeDiscord(compress=compress) as fake:
        guild = fake.add_guild("Club")
        channel = guild.add_text_channel("general")
        member = guild.add_member("alice")
        bot = create_bot(make_settings(tmp_path, fake, guild, channel), guild_ready_timeout=0.1)
        async with DiscordErrorGuard(loggers=("discord", "bot")), run_client(bot, fake):
            await member.says(channel, f"<@{fake.bot_user.id}> what is the IT band?")
            reply = await channel.next_bot_message()
            assert "IT band" in reply.text


async def test_sharded_bot_answers_in_every_shard(tmp_path: Path) -> None:
    """With SHARDED=true the bot runs as an AutoShardedBot and answers guilds on both shards."""
    async with FakeDiscord(shards=2) as fake:
        guilds = [fake.add_guild(f"Club {n}", shard=n) for n in range(2)]
        channels = [guild.add_text_channel("general") for guild in guilds]
        members = [guild.add_member("alice") for guild in guilds]
        settings = make_settings(
            tmp_path, fake, guilds[0], channels[0], sharded=True, guild_id=None
        )
        bot = create_bot(settings, guild_ready_timeout=0.1)
        assert bot.shard_count is None
        async with DiscordErrorGuard(loggers=("discord", "bot")), run_client(bot, fake):
            assert bot.shard_count == 2
            for member, channel in zip(members, channels, strict=True):
                await member.says(channel, f"<@{fake.bot_user.id}> what is the IT band?")
                assert "IT band" in (await channel.next_bot_message()).text


async def test_python_m_bot_run_answers_over_the_fake(tmp_path: Path) -> None:
    """The real entry point, as a subprocess configured only by environment, answers a mention."""
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Club")
        channel = guild.add_text_channel("general")
        member = guild.add_member("alice")
        settings = make_settings(tmp_path, fake, guild, channel)
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "DISCORD_TOKEN": fake.token,
            "GUILD_ID": str(guild.id),
            "KNOWLEDGE_DIR": str(settings.knowledge_dir),
            "DATABASE_PATH": str(settings.database_path),
            "CACHE_DIR": str(cache_copy(tmp_path / "cache")),
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "AUTO_RELOAD": "false",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            await fake.wait_for_request("PUT", r"/applications/\d+/guilds/\d+/commands", timeout=30)
            await fake.sync_with_bot()
            await member.says(channel, f"<@{fake.bot_user.id}> should I foam roll my IT band?")
            reply = await channel.next_bot_message(timeout=15)
            assert "foam" in reply.text.casefold()
        finally:
            process.terminate()
            output, _ = await asyncio.wait_for(process.communicate(), timeout=15)
        log = output.decode()
        assert fake.token not in log
        assert "Traceback" not in log


async def test_forget_me_on_a_full_disk_says_so_and_still_forgets_the_conversation(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not "something went wrong": what happened, and the memory is cleared all the same."""
    from bot.discord_ui.exts.privacy import FORGET_FAILED
    from bot.store import StoreError

    def full(member: int) -> int:
        raise StoreError("bot.sqlite3 can't be written: the disk holding it is full")

    monkeypatch.setattr(world.bot.store, "forget_member", full)
    result = await world.alice.slash("forget-me", channel=world.general)
    assert result.ephemeral
    assert result.content == FORGET_FAILED
