"""``/routine`` (overview plus a guided walk-through) and ``/exercise`` with autocomplete."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import MovementBot
from bot.discord_ui.components import answer_view, picked_embed, place_of, routine_view
from bot.discord_ui.embeds import clip
from bot.discord_ui.interactions import NO_MENTIONS, tell
from bot.engine import Outcome

CHOICE_LIMIT = 25
NO_ROUTINE = "No routine is defined in the knowledge base right now."


class Routine(commands.Cog):
    """The article's three exercises, as a routine and one by one."""

    def __init__(self, bot: MovementBot) -> None:
        """Keep the bot for its engine."""
        self.bot = bot

    @app_commands.command(name="routine", description="The three exercises in order, with doses.")
    async def routine(self, interaction: discord.Interaction) -> None:
        """Post the routine overview with a button to start the guided mode."""
        reply = self.bot.assistant.routine(place_of(interaction))
        if reply is None:
            await tell(interaction, NO_ROUTINE)
            return
        answered = reply.outcome is Outcome.ANSWER  # not held back by a standing red flag
        await interaction.response.send_message(
            embed=picked_embed(interaction, reply),
            view=routine_view() if answered else answer_view(reply, interaction.user.id),
            ephemeral=not answered,  # a red flag, or what the member asked, is nobody else's
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="exercise", description="One exercise in full: steps, dose, cues.")
    @app_commands.describe(name="Start typing an exercise name")
    async def exercise(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]
    ) -> None:
        """Show the exercise picked (or the closest match to what was typed) in full."""
        reply = self.bot.assistant.exercise(name, place_of(interaction))
        if reply is None:
            names = ", ".join(entry.title for entry in self.bot.engine.knowledge.exercises())
            await tell(interaction, f"I don't know an exercise called that. Try one of: {names}.")
            return
        await interaction.response.send_message(
            embed=picked_embed(interaction, reply, full=True),
            view=answer_view(reply, interaction.user.id),
            ephemeral=reply.outcome is not Outcome.ANSWER,
            allowed_mentions=NO_MENTIONS,
        )

    @exercise.autocomplete("name")
    async def exercise_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Exercises ranked by the same matcher that answers questions."""
        exercises = self.bot.engine.knowledge.exercises()
        if current.strip():
            ids = {entry.id for entry in exercises}
            ranked = [c.entry for c in self.bot.engine.search(current) if c.entry.id in ids]
            exercises = ranked + [entry for entry in exercises if entry not in ranked]
        return [
            app_commands.Choice(name=clip(entry.title, 100), value=entry.id)
            for entry in exercises[:CHOICE_LIMIT]
        ]


async def setup(bot: MovementBot) -> None:
    """Load the routine extension."""
    await bot.add_cog(Routine(bot))
