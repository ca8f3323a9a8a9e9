"""``/forget-me``: a member deletes everything the bot stored about them."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import MovementBot
from bot.discord_ui.interactions import tell
from bot.store import StoreError

log = logging.getLogger(__name__)

FORGET_FAILED = (
    "I couldn't delete your stored questions just now: the bot's storage can't be written "
    "(its operators have the reason in the log). Your conversations here are forgotten; "
    "please try /forget-me again later."
)


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
        self.bot.assistant.memory.forget_member(member)
        self.bot.held_back.forget_member(member)
        try:
            removed = await asyncio.to_thread(self.bot.store.forget_member, member)
        except StoreError as error:
            log.warning("/forget-me failed: %s", error)
            await tell(interaction, FORGET_FAILED)
            return
        self.bot.dispatch("member_forgotten", member)
        await tell(interaction, f"Done: removed {removed} stored item(s) about you.")


async def setup(bot: MovementBot) -> None:
    """Load the privacy extension."""
    await bot.add_cog(Privacy(bot))
