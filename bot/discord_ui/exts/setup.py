"""``/setup``: members with Manage Server choose where the bot answers, who moderates, and more.

Channels and the role are picked with Discord's channel and role selects, in a private
message; the passive bar is typed. Every change applies at once and is kept in the database
(:mod:`bot.moderation.setup` holds the use cases, shared with ``python -m bot setup``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import MovementBot
from bot.discord_ui.interactions import NO_MENTIONS, tell
from bot.live_settings import SETTABLE
from bot.moderation.desk import Refused
from bot.moderation.setup import (
    ServerPlaces,
    SettingState,
    set_setting,
    show,
    unset_setting,
)

MANAGE_SERVER_ONLY = "Sorry, /setup is for members with Manage Server."
PICK_WITHIN = 300.0
"""Seconds a select stays usable after ``/setup`` sent it."""
TEXT_KINDS = [discord.ChannelType.text, discord.ChannelType.news]
NEEDS_RESTART = {
    "MODERATOR_ROLE_ID": "Who sees /kb in the command list changes at the next restart.",
}
NO_CONTENT_INTENT = (
    "The bot reads un-addressed messages only with the Message Content intent, asked for at "
    "start when channels are set: restart it once (the intent enabled in the developer portal)."
)


def _shown(name: str, value: str) -> str:
    """A setting's value as a moderator reads it: channels and roles as mentions."""
    if not value:
        return "(none)"
    if name == "PASSIVE_BAR":
        return value
    mention = "<@&{}>" if name == "MODERATOR_ROLE_ID" else "<#{}>"
    return ", ".join(mention.format(part) for part in value.split(","))


def line(state: SettingState) -> str:
    """One setting, its value and its source, on one line."""
    source = state.source(_member, lambda at: f"<t:{int(at)}:f>")
    return f"**{state.name}**: {_shown(state.name, state.value)}, {source}"


def _member(member_id: int) -> str:
    return f"<@{member_id}>" if member_id else "the command line"


def places_of(guild: discord.Guild) -> ServerPlaces:
    """The text channels, forums and roles of ``guild`` (not @everyone: every member has it)."""
    return ServerPlaces(
        text_channels=frozenset(channel.id for channel in guild.text_channels),
        forums=frozenset(channel.id for channel in guild.forums),
        roles=frozenset(role.id for role in guild.roles if not role.is_default()),
    )


class SettingSelect(discord.ui.View):
    """A private message's select choosing one setting's channels or role."""

    def __init__(
        self, cog: Setup, name: str, select: discord.ui.ChannelSelect | discord.ui.RoleSelect
    ) -> None:
        """Set ``name`` to what is picked in ``select``."""
        super().__init__(timeout=PICK_WITHIN)
        self.cog = cog
        self.name = name
        select.callback = self.picked  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)

    async def picked(self, interaction: discord.Interaction) -> None:
        """Save the pick and say what is now in force (or why nothing changed)."""
        value = ",".join(str(item.id) for item in self.select.values)
        said = await self.cog.change(interaction, self.name, value)
        await interaction.response.edit_message(content=said, view=self)


Picker = Callable[[], "discord.ui.ChannelSelect | discord.ui.RoleSelect"]


def _channels(kinds: list[discord.ChannelType], most: int, placeholder: str) -> Picker:
    return lambda: discord.ui.ChannelSelect(
        channel_types=kinds,
        min_values=0 if most > 1 else 1,
        max_values=most,
        placeholder=placeholder,
    )


PICKERS: dict[str, Picker] = {
    "ANSWER_CHANNELS": _channels(TEXT_KINDS, 25, "Help channels (none: only when asked)"),
    "FORUM_CHANNELS": _channels([discord.ChannelType.forum], 25, "Forum channels"),
    "LOG_CHANNEL_ID": _channels(TEXT_KINDS, 1, "Log channel"),
    "MODERATOR_ROLE_ID": lambda: discord.ui.RoleSelect(placeholder="Moderator role"),
}


class Setup(commands.Cog):
    """The ``/setup`` command group; every command checks the caller has Manage Server."""

    group = app_commands.Group(
        name="setup",
        description="Manage Server: where the bot answers, who moderates, where it logs.",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: MovementBot) -> None:
        """Keep the bot for its live settings."""
        self.bot = bot

    @staticmethod
    async def refused(interaction: discord.Interaction) -> bool:
        """Tell a member without Manage Server, privately, that /setup is not theirs."""
        if interaction.guild is not None and interaction.permissions.manage_guild:
            return False
        await tell(interaction, MANAGE_SERVER_ONLY)
        return True

    async def change(self, interaction: discord.Interaction, name: str, value: str) -> str:
        """Set ``name`` to ``value`` for this server: what is now in force, or the refusal."""
        if interaction.guild is None or not interaction.permissions.manage_guild:
            return MANAGE_SERVER_ONLY
        guild = interaction.guild
        places = places_of(guild)
        member = interaction.user.id
        try:
            state = await asyncio.to_thread(
                lambda: set_setting(
                    self.bot.live, name, value, member, guild_id=guild.id, server=places
                )
            )
        except Refused as refusal:
            return str(refusal)
        notes = [NEEDS_RESTART.get(name, "")]
        if name in ("ANSWER_CHANNELS", "FORUM_CHANNELS") and state.value:
            notes.append("" if self.bot.intents.message_content else NO_CONTENT_INTENT)
        return " ".join(["Saved.", line(state), *filter(None, notes)])

    async def _offer(self, interaction: discord.Interaction, name: str) -> None:
        """Send the select choosing ``name``, privately, with the value now in force."""
        if await self.refused(interaction):
            return
        assert interaction.guild is not None  # refused() checked it
        states = show(self.bot.live, interaction.guild.id)
        [state] = [state for state in states if state.name == name]
        view = SettingSelect(self, name, PICKERS[name]())
        await interaction.response.send_message(
            f"Now: {line(state)}\nPick the new value below.",
            view=view,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @group.command(name="show", description="Each setting, its value and where it came from.")
    async def show_settings(self, interaction: discord.Interaction) -> None:
        """List what /setup can change, with the value in force and its source."""
        if await self.refused(interaction):
            return
        assert interaction.guild is not None  # refused() checked it
        states = await asyncio.to_thread(show, self.bot.live, interaction.guild.id)
        await tell(interaction, "\n".join(line(state) for state in states))

    @group.command(name="channels", description="The help channels the bot answers in unasked.")
    async def channels(self, interaction: discord.Interaction) -> None:
        """Pick the answer channels."""
        await self._offer(interaction, "ANSWER_CHANNELS")

    @group.command(name="forums", description="The forum channels whose new posts it answers.")
    async def forums(self, interaction: discord.Interaction) -> None:
        """Pick the forum channels."""
        await self._offer(interaction, "FORUM_CHANNELS")

    @group.command(name="moderator-role", description="The role whose members moderate.")
    async def moderator_role(self, interaction: discord.Interaction) -> None:
        """Pick the moderator role."""
        await self._offer(interaction, "MODERATOR_ROLE_ID")

    @group.command(name="log-channel", description="Where failed automatic reloads are posted.")
    async def log_channel(self, interaction: discord.Interaction) -> None:
        """Pick the log channel."""
        await self._offer(interaction, "LOG_CHANNEL_ID")

    @group.command(name="passive-bar", description="How sure the bot must be to answer unasked.")
    @app_commands.describe(value="0 to 100, at least the answer bar")
    async def passive_bar(
        self, interaction: discord.Interaction, value: app_commands.Range[float, 0, 100]
    ) -> None:
        """Set the passive bar."""
        if await self.refused(interaction):
            return
        await tell(interaction, await self.change(interaction, "PASSIVE_BAR", f"{value:g}"))

    @group.command(name="reset", description="Go back to the .env value of a setting.")
    @app_commands.choices(setting=[app_commands.Choice(name=name, value=name) for name in SETTABLE])
    async def reset(self, interaction: discord.Interaction, setting: str) -> None:
        """Forget what /setup set for ``setting``; ``.env``'s value applies again."""
        if await self.refused(interaction):
            return
        try:
            assert interaction.guild is not None  # refused() checked it
            state = await asyncio.to_thread(
                unset_setting, self.bot.live, setting, interaction.guild.id
            )
        except Refused as refusal:
            await tell(interaction, str(refusal))
            return
        await tell(interaction, f"Reset. {line(state)}")


async def setup(bot: MovementBot) -> None:
    """Load the /setup extension."""
    await bot.add_cog(Setup(bot))
