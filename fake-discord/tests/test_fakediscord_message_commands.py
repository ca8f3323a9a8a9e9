"""The fake's message context-menu commands: the target arrives resolved, as Discord sends it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands
from fakediscord import (
    Channel,
    CommandNotVisible,
    FakeDiscord,
    InvalidInvocation,
    Member,
    UnknownCommand,
    run_client,
)

Server = tuple[Channel, Member, Member]


def make_bot() -> commands.Bot:
    """A bot with one message command, "Quote", that says whose message it got and its words."""
    bot = commands.Bot(
        command_prefix="?", intents=discord.Intents.default(), guild_ready_timeout=0.1
    )

    @bot.tree.context_menu(name="Quote")
    @app_commands.default_permissions(manage_messages=True)
    async def quote(interaction: discord.Interaction, message: discord.Message) -> None:
        said = f"{message.author.name} in {message.channel.id} #{message.id}: {message.content}"
        await interaction.response.send_message(said, ephemeral=True)

    async def setup_hook() -> None:
        await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


@pytest_asyncio.fixture
async def server() -> AsyncIterator[Server]:
    async with FakeDiscord(token="test-token") as fake:
        guild = fake.add_guild("Movement Club")
        help_ch = guild.add_text_channel("help")
        alice = guild.add_member("alice")
        helpers = guild.add_role(
            "Helpers", permissions=discord.Permissions(manage_messages=True).value
        )
        helper = guild.add_member("helper", roles=[helpers])
        async with run_client(make_bot(), fake):
            yield help_ch, alice, helper


@pytest.mark.asyncio
async def test_the_target_message_arrives_resolved(server: Server) -> None:
    help_ch, alice, helper = server
    asked = await alice.says(help_ch, "does foam rolling help?")
    result = await helper.message_command("Quote", asked)
    assert result.ephemeral
    assert result.content == f"alice in {help_ch.id} #{asked.id}: does foam rolling help?"


@pytest.mark.asyncio
async def test_what_the_discord_client_would_not_offer_is_refused(server: Server) -> None:
    help_ch, alice, helper = server
    asked = await alice.says(help_ch, "hello")
    with pytest.raises(UnknownCommand, match="no message command 'Cite'"):
        await helper.message_command("Cite", asked)
    with pytest.raises(CommandNotVisible, match="default_member_permissions"):
        await alice.message_command("Quote", asked)
    asked.deleted = True  # as Discord marks a deleted message
    with pytest.raises(InvalidInvocation, match="can't be right-clicked"):
        await helper.message_command("Quote", asked)
