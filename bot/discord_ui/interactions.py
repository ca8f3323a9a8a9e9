"""Small helpers shared by every interaction handler: the bot's services and safe replies."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

import discord

from bot.conversation.memory import Place
from bot.discord_ui.embeds import CONTENT_LIMIT, clip

if TYPE_CHECKING:
    from bot.discord_ui.client import MovementBot

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. It has been logged; please try again."
NO_MENTIONS = discord.AllowedMentions.none()


def bot_of(interaction: discord.Interaction) -> MovementBot:
    """The bot handling this interaction, with its engine, store and settings."""
    return cast("MovementBot", interaction.client)


def place_of(interaction: discord.Interaction) -> Place:
    """The conversation an interaction belongs to: the member, where they clicked or typed."""
    return Place(interaction.user.id, interaction.channel_id or 0)


async def tell(interaction: discord.Interaction, text: str) -> None:
    """A short ephemeral message to whoever triggered the interaction, clipped to fit Discord."""
    text = clip(text, CONTENT_LIMIT)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def apologise(interaction: discord.Interaction, error: BaseException) -> None:
    """Log an unexpected error and tell the member briefly; never raises."""
    log.error("Interaction failed", exc_info=error)
    try:
        await tell(interaction, SORRY)
    except discord.HTTPException:
        log.warning("Could not tell the member about the failure")
