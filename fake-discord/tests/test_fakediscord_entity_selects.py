"""The fake's channel and role selects: picks arrive resolved, as Discord sends them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
import pytest_asyncio
from discord.ext import commands
from fakediscord import Channel, FakeDiscord, Guild, InvalidInvocation, Member, run_client


class PlaceView(discord.ui.View):
    """A text-channel select and a role select, each saying what it received."""

    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.select(
        cls=discord.ui.ChannelSelect,
        custom_id="place:channel",
        channel_types=[discord.ChannelType.text],
        max_values=2,
    )
    async def channel(
        self, interaction: discord.Interaction, select: discord.ui.ChannelSelect
    ) -> None:
        said = ",".join(f"{type(item).__name__}:{item.name}" for item in select.values)
        await interaction.response.edit_message(content=said, view=self)

    @discord.ui.select(cls=discord.ui.RoleSelect, custom_id="place:role")
    async def role(self, interaction: discord.Interaction, select: discord.ui.RoleSelect) -> None:
        said = ",".join(f"{type(item).__name__}:{item.name}" for item in select.values)
        await interaction.response.edit_message(content=said, view=self)


def make_bot() -> commands.Bot:
    bot = commands.Bot(
        command_prefix="?", intents=discord.Intents.default(), guild_ready_timeout=0.1
    )

    @bot.tree.command(description="Pick a place")
    async def place(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pick", view=PlaceView(), ephemeral=True)

    async def setup_hook() -> None:
        await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


@pytest_asyncio.fixture
async def server() -> AsyncIterator[tuple[Guild, Channel, Channel, Member]]:
    async with FakeDiscord(token="test-token") as fake:
        guild = fake.add_guild("Movement Club")
        help_ch = guild.add_text_channel("help")
        forum = guild.add_forum_channel("knee-questions")
        alice = guild.add_member("alice")
        guild.add_role("Helpers")
        async with run_client(make_bot(), fake):
            yield guild, help_ch, forum, alice


@pytest.mark.asyncio
async def test_channel_and_role_picks_arrive_resolved(
    server: tuple[Guild, Channel, Channel, Member],
) -> None:
    guild, help_ch, _, alice = server
    offered = await alice.slash("place", channel=help_ch)
    picked = await alice.select(offered.message, [str(help_ch.id)], custom_id="place:channel")
    assert picked.content == "AppCommandChannel:help"
    [helpers] = [role for role in guild.record.roles.values() if role.name == "Helpers"]
    picked = await alice.select(offered.message, [str(helpers.id)], custom_id="place:role")
    assert picked.content == "Role:Helpers"


@pytest.mark.asyncio
async def test_a_pick_the_discord_client_would_not_offer_is_refused(
    server: tuple[Guild, Channel, Channel, Member],
) -> None:
    _, help_ch, forum, alice = server
    offered = await alice.slash("place", channel=help_ch)
    with pytest.raises(InvalidInvocation, match="only accepts channel types"):
        await alice.select(offered.message, [str(forum.id)], custom_id="place:channel")
    with pytest.raises(InvalidInvocation, match="is no role of the server"):
        await alice.select(offered.message, [str(help_ch.id)], custom_id="place:role")
    with pytest.raises(InvalidInvocation, match=r"takes 1\.\.2 values"):
        await alice.select(offered.message, [str(help_ch.id)] * 3, custom_id="place:channel")
