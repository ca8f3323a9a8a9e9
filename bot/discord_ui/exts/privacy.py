"""``/forget-me``: a member deletes everything the bot stored about them."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import MovementBot
from bot.discord_ui.interactions import tell


class Privacy(commands.Cog):
    """Members' control over their stored questions and votes."""

    def __init__(self, bot: MovementBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @app_commands.command(
        name="forget-me", description="Delete every question and vote the bot stored from you."
    )
    async def forget_me(self, interaction: discord.Interaction) -> None:
        """Delete the caller's rows and conversations, and say how many rows went."""
        member = interaction.user.id
        removed = await asyncio.to_thread(self.bot.store.forget_member, member)
        self.bot.assistant.memory.forget_member(member)
        self.bot.dispatch("member_forgotten", member)
        await tell(interaction, f"Done: removed {removed} stored item(s) about you.")


async def setup(bot: MovementBot) -> None:
    """Load the privacy extension."""
    await bot.add_cog(Privacy(bot))
