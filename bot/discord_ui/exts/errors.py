"""Errors in slash commands: log them and give the member a short private message."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.discord_ui.client import MovementBot
from bot.discord_ui.interactions import apologise, tell

log = logging.getLogger(__name__)

NOT_ALLOWED = "Sorry, that command is for moderators."


async def on_app_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    """Expected refusals become a polite message; anything else is logged as an error."""
    if isinstance(error, app_commands.CheckFailure):
        await tell(interaction, NOT_ALLOWED)
        return
    await apologise(interaction, getattr(error, "original", error))


async def setup(bot: MovementBot) -> None:
    """Install the command-tree error handler."""
    bot.tree.on_error = on_app_command_error
