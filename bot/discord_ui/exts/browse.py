"""``/topics`` (a browsable menu of everything the bot knows) and ``/help``."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import MovementBot
from bot.discord_ui.components import topics_view
from bot.discord_ui.embeds import help_embed, topics_embed


class Browse(commands.Cog):
    """Finding your way around the bot."""

    def __init__(self, bot: MovementBot) -> None:
        """Keep the bot for its knowledge base."""
        self.bot = bot

    @app_commands.command(name="topics", description="Browse everything the bot can explain.")
    async def topics(self, interaction: discord.Interaction) -> None:
        """A list of topics with a menu that opens one."""
        knowledge = self.bot.engine.knowledge
        await interaction.response.send_message(
            embed=self.bot.linked(topics_embed(knowledge)),
            view=topics_view(knowledge),
            ephemeral=True,
        )

    @app_commands.command(name="help", description="What this bot does and how to ask it.")
    async def help(self, interaction: discord.Interaction) -> None:
        """How to use the bot, the disclaimer and the privacy note."""
        await interaction.response.send_message(embed=self.bot.linked(help_embed()), ephemeral=True)


async def setup(bot: MovementBot) -> None:
    """Load the browse extension."""
    await bot.add_cog(Browse(bot))
