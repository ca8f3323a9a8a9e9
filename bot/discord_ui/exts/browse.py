"""``/topics`` (a browsable menu of everything the bot knows) and ``/help``."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import MovementBot
from bot.discord_ui.embeds import clip, help_embed, topics_embed
from bot.discord_ui.interactions import bot_of
from bot.discord_ui.persistent import SELECT_OPTION_LIMIT, Persistent
from bot.discord_ui.reply_view import FullButton, chosen, entry_reply, picked_embed
from bot.engine import KnowledgeBase, Outcome


class TopicSelect(Persistent, custom_id="mb:topics"):
    """A menu of everything the bot knows; picking one shows it."""

    @classmethod
    def listing(cls, knowledge: KnowledgeBase) -> TopicSelect:
        """A menu over the entries of ``knowledge``."""
        entries = list(knowledge.entries.values())[:SELECT_OPTION_LIMIT]
        options = [
            discord.SelectOption(
                label=clip(entry.title, 100), value=entry.id, description=clip(entry.summary, 100)
            )
            for entry in entries
        ] or [discord.SelectOption(label="Topics", value="none")]
        return cls.made(discord.ui.Select(placeholder="Pick a topic", options=options))

    async def handle(self, interaction: discord.Interaction) -> None:
        """Show the chosen entry, keeping the menu for further browsing."""
        reply = await entry_reply(interaction, chosen(interaction))
        if reply is None:
            return
        view = topics_view(bot_of(interaction).engine.knowledge)
        if reply.outcome is Outcome.ANSWER and reply.entry is not None:
            view.add_item(FullButton.showing(reply.entry))
        await interaction.response.edit_message(embed=picked_embed(interaction, reply), view=view)


def topics_view(knowledge: KnowledgeBase) -> discord.ui.View:
    """The topic menu."""
    view = discord.ui.View(timeout=None)
    view.add_item(TopicSelect.listing(knowledge))
    return view


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
        embed = help_embed(self.bot.engine.knowledge)
        await interaction.response.send_message(embed=self.bot.linked(embed), ephemeral=True)


async def setup(bot: MovementBot) -> None:
    """Load the browse extension, and the topic menu (so it works after a restart)."""
    bot.add_dynamic_items(TopicSelect)
    await bot.add_cog(Browse(bot))
