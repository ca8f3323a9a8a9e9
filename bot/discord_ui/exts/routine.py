"""``/routine`` (overview plus a guided walk-through) and ``/exercise`` with autocomplete."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.conversation.wording import exercises_named
from bot.discord_ui.client import MovementBot
from bot.discord_ui.embeds import clip, guide_embed
from bot.discord_ui.interactions import NO_MENTIONS, bot_of, place_of, tell
from bot.discord_ui.persistent import Persistent
from bot.discord_ui.reply_view import answer_privately, answer_view, picked_embed
from bot.engine import Entry, KnowledgeBase, Outcome

CHOICE_LIMIT = 25
NO_ROUTINE = "No routine is defined in the knowledge base right now."
NO_EXERCISES = "No exercises are defined right now."
ROUTINE_DESCRIPTION = "The {exercises} in order, with doses."
FINISHED = (
    "That's the whole routine: all {exercises}, in order. Move slowly and stop if "
    "anything hurts in a way that worries you; `/help` says when to get checked."
)


class GuideButton(Persistent, custom_id="mb:guide:{step}", step=r"start|done|[0-9]{1,2}"):
    """The guided routine: Start, then Back / Next through the exercises, then Finish."""

    @classmethod
    def to(cls, step: str, label: str, *, disabled: bool = False) -> GuideButton:
        """A button that goes to ``step`` (``start``, an index, or ``done``)."""
        ends = step in ("start", "done")
        style = discord.ButtonStyle.success if ends else discord.ButtonStyle.secondary
        button = discord.ui.Button(label=label, style=style, disabled=disabled)
        return cls.made(button, step=step)

    async def handle(self, interaction: discord.Interaction) -> None:
        """Open the guide privately, move within it, or finish it; a red flag stops it."""
        bot, step = bot_of(interaction), self.fields["step"]
        caution = bot.assistant.caution(place_of(interaction))
        if caution is not None and step != "done":
            await answer_privately(interaction, caution)
            return
        knowledge = bot.engine.knowledge
        if step == "done":
            finished = FINISHED.format(exercises=exercises_named(knowledge))
            embed = discord.Embed(title="Routine complete ✅", description=finished)
            await interaction.response.edit_message(embed=embed, view=None)
            return
        exercises = knowledge.exercises()
        if not exercises:
            await tell(interaction, NO_EXERCISES)
            return
        index = 0 if step == "start" else min(int(step), len(exercises) - 1)
        embed, view = guide_page(exercises, index)
        if step == "start":
            await interaction.response.send_message(
                embed=embed, view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
        else:
            await interaction.response.edit_message(embed=embed, view=view)


def routine_view() -> discord.ui.View:
    """The "Start guided mode" button under the routine overview."""
    view = discord.ui.View(timeout=None)
    view.add_item(GuideButton.to("start", "Start guided mode"))
    return view


def guide_page(exercises: list[Entry], index: int) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and Back / Next (or Finish) buttons for one exercise of the guide."""
    view = discord.ui.View(timeout=None)
    view.add_item(GuideButton.to(str(max(index - 1, 0)), "Back", disabled=index == 0))
    if index + 1 < len(exercises):
        view.add_item(GuideButton.to(str(index + 1), "Next"))
    else:
        view.add_item(GuideButton.to("done", "Finish"))
    return guide_embed(exercises[index], index + 1, len(exercises)), view


def routine_description(knowledge: KnowledgeBase) -> str:
    """What ``/routine`` says it shows: as many exercises as the routine has."""
    return ROUTINE_DESCRIPTION.format(exercises=exercises_named(knowledge))


class Routine(commands.Cog):
    """The article's exercises, as a routine and one by one."""

    def __init__(self, bot: MovementBot) -> None:
        """Keep the bot for its engine; ``/routine`` counts the knowledge base's exercises."""
        self.bot = bot
        self.routine.description = routine_description(bot.engine.knowledge)

    @app_commands.command(
        name="routine", description=ROUTINE_DESCRIPTION.format(exercises="exercises")
    )
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
    """Load the routine extension, and the guide's buttons (so they work after a restart)."""
    bot.add_dynamic_items(GuideButton)
    await bot.add_cog(Routine(bot))
