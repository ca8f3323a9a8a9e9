"""``/kb``: moderators reload, inspect, review, teach and label the knowledge base from Discord."""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import UTC, datetime
from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import MovementBot
from bot.discord_ui.embeds import CONTENT_LIMIT, clip, fit
from bot.discord_ui.interactions import NO_MENTIONS, tell
from bot.discord_ui.kb_choices import (
    entry_ids,
    row_ids,
    taught_phrasing,
    taught_questions,
    tier_ids,
    unanswered_rows,
)
from bot.discord_ui.kb_editing import EntryEditing, with_entry_editing
from bot.discord_ui.kb_rows import (
    ROWS_SHOWN,
    DismissRowButton,
    TeachRowButton,
    act,
    dismiss_row,
    settled,
    teach_question,
    unanswered_reply,
)
from bot.discord_ui.permissions import is_moderator, role_name_warning
from bot.engine import KnowledgeError, Outcome
from bot.engine.model import LINE_CHARS
from bot.moderation import DAYS_BACK
from bot.moderation.labels import Label
from bot.moderation.review import Section

log = logging.getLogger(__name__)
DaysBack = app_commands.Range[int, DAYS_BACK.start, DAYS_BACK.stop - 1]
"""A number of days back, as the command line takes it too."""

ERRORS_INLINE = 15
RECENT_TEACHES = 5
CHART_FILE = "usage.png"
SHOWN = {
    "gaps": "gaps to fill (default)",
    Section.NOT_COVERED.value: "subjects not covered",
    Section.SMALL_TALK.value: "small talk",
    "all": "all of them",
}


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def error_report(error: KnowledgeError) -> tuple[str, discord.File | None]:
    """The errors as a message (first few inline) plus the full list as a file when long."""
    lines = [str(issue) for issue in error.issues]
    shown = "\n".join(lines[:ERRORS_INLINE])
    text = f"Reload failed; the live knowledge base is unchanged. {len(lines)} problem(s):\n```\n"
    text = clip(text + shown, CONTENT_LIMIT - 60) + "\n```"
    if len(lines) <= ERRORS_INLINE and len(text) < CONTENT_LIMIT - 60:
        return text, None
    data = io.BytesIO("\n".join(lines).encode("utf-8"))
    return text + "\nFull list attached.", discord.File(data, filename="knowledge-errors.txt")


class Moderation(EntryEditing, commands.Cog):
    """The ``/kb`` command group; every command re-checks the caller is a moderator.

    Changing entries' wording (``/kb edit``, ``add``, ``history``, ``revert``) is a part of it:
    :class:`~bot.discord_ui.kb_editing.EntryEditing`.
    """

    kb = with_entry_editing(
        app_commands.Group(
            name="kb",
            description="Moderators: maintain the knowledge base.",
            default_permissions=discord.Permissions(manage_guild=True),
            guild_only=True,
        )
    )

    def __init__(self, bot: MovementBot) -> None:
        """Keep the bot for its engine, store, reloader and moderators' desk.

        With ``MODERATOR_ROLE_ID`` set, ``/kb`` is registered for everyone to see: Discord
        can't hide it by a role it doesn't know is the moderators', so every command checks the
        role itself (:meth:`interaction_check`) and others are told, privately, it is for
        moderators. Without it, Discord hides ``/kb`` from all but Manage Server.
        """
        self.bot = bot
        if bot.live.set_anywhere("MODERATOR_ROLE_ID"):
            self.kb.default_permissions = None

    @commands.Cog.listener()
    async def on_member_forgotten(self, member_id: int) -> None:
        """A member's questions were deleted: forget the vectors kept of any question."""
        self.bot.desk.forget_vectors()

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """Warn, whenever a server becomes available, if moderators are chosen by role name."""
        warning = role_name_warning(guild, self.bot.settings_in(guild))
        if warning:
            log.warning("%s", warning)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Run-time check: server admins can override who sees the commands."""
        return is_moderator(interaction, self.bot.settings_in(interaction.guild))

    @kb.command(name="reload", description="Re-read the knowledge files; swaps only if valid.")
    async def reload(self, interaction: discord.Interaction) -> None:
        """Validate and swap, or list the errors and keep the live knowledge base."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            knowledge = await self.bot.reloader.reload()
        except KnowledgeError as error:
            text, attachment = error_report(error)
            files = [attachment] if attachment else []
            await interaction.followup.send(
                text, files=files, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.followup.send(
            f"Reloaded: {len(knowledge.entries)} entries, {knowledge.question_count()} "
            f"questions from {len(knowledge.files)} files.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @kb.command(name="status", description="What is loaded, from where, and how it has been doing.")
    async def status(self, interaction: discord.Interaction) -> None:
        """Counts, load time and files, last reload error, outcomes since start."""
        knowledge = self.bot.engine.knowledge
        counts = await asyncio.to_thread(self.bot.store.outcome_counts, self.bot.started_at)
        embed = discord.Embed(title="Knowledge base status")
        embed.add_field(
            name="Loaded",
            value=f"{len(knowledge.entries)} entries, {knowledge.question_count()} questions, "
            f"{len(knowledge.safety_tiers)} red-flag tiers\n"
            f"at {discord.utils.format_dt(knowledge.loaded_at)} from "
            + ", ".join(f"`{name}`" for name in knowledge.files),
        )
        embed.add_field(name="Understanding", value=self.bot.engine.semantic_status, inline=False)
        error = self.bot.reloader.last_error
        embed.add_field(
            name="Last reload error",
            value=clip(str(error), 1000) if error else "none",
        )
        teaches = await asyncio.to_thread(self.bot.store.teach_log, RECENT_TEACHES)
        embed.add_field(
            name="Recent teaches",
            value="\n".join(
                f"{record.action} “{clip(record.question, 60)}” → `{record.entry_id}` "
                f"by <@{record.member_id}> {discord.utils.format_dt(_utc(record.created_at), 'R')}"
                for record in teaches
            )
            or "none",
        )
        embed.add_field(
            name="Since start",
            value=", ".join(
                f"{outcome.value.replace('_', ' ')}: {counts.get(outcome.value, 0)}"
                for outcome in Outcome
            ),
        )
        await interaction.response.send_message(embed=fit(embed), ephemeral=True)

    @kb.command(name="unanswered", description="What members asked that I couldn't answer well.")
    @app_commands.describe(
        days="How many days back (default 7)",
        show="Which questions: gaps to fill (default), subjects not covered, small talk, or all",
    )
    @app_commands.choices(
        show=[app_commands.Choice(name=name, value=value) for value, name in SHOWN.items()]
    )
    async def unanswered(
        self,
        interaction: discord.Interaction,
        days: DaysBack = 7,
        show: str = Section.GAPS.value,
    ) -> None:
        """Similar questions grouped, most frequent first, by section, with buttons per row."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        sections = list(Section) if show == "all" else [Section(show)]
        limit = ROWS_SHOWN // len(sections)
        found = await asyncio.to_thread(self.bot.desk.unanswered, days, sections, limit)
        if found.is_empty():
            await tell(interaction, f"Nothing unanswered in the last {days} day(s). 🎉")
            return
        embed, view = unanswered_reply(found, days)
        await interaction.followup.send(embed=embed, view=view, ephemeral=True)

    @kb.command(name="teach", description="Teach a phrasing for an entry, answered at once.")
    @app_commands.describe(
        question="The phrasing members use (or #id of a /kb unanswered row)",
        entry="The entry it should find",
    )
    @app_commands.autocomplete(question=unanswered_rows, entry=entry_ids)
    async def teach(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 2, LINE_CHARS],
        entry: app_commands.Range[str, 1, 64],
    ) -> None:
        """Validate, write ``learned.yaml`` atomically, swap, and show before/after."""
        await teach_question(interaction, question, entry)

    @kb.command(name="label", description="Mark a message off-topic / not covered, or a red flag.")
    @app_commands.describe(
        question="A /kb unanswered row (#id, offered as you type) or a member's message",
        label="abstain: off-topic or not covered; safety: a red flag (give its tier)",
        tier="The red-flag tier, for a safety label",
    )
    @app_commands.choices(
        label=[
            app_commands.Choice(name="abstain: off-topic / not covered", value="abstain"),
            app_commands.Choice(name="safety: a red flag (with its tier)", value="safety"),
        ]
    )
    @app_commands.autocomplete(question=unanswered_rows, tier=tier_ids)
    async def label(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 2, LINE_CHARS],
        label: str,
        tier: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        """Write the labelled example (validated, atomic), swap, and show before/after."""
        desk, member = self.bot.desk, interaction.user.id

        def labelled() -> str:
            change = desk.label(question, cast("Label", label), tier, member)
            return f"Labelled. {change.described}.{settled(change.settled)}"

        await act(interaction, labelled)

    @kb.command(name="dismiss", description="Hide a row of /kb unanswered from now on.")
    @app_commands.describe(row="The #id of the row (offered as you type)")
    @app_commands.autocomplete(row=row_ids)
    async def dismiss(
        self, interaction: discord.Interaction, row: app_commands.Range[int, 1, 2**53]
    ) -> None:
        """Mark every question of the row reviewed: it leaves the list."""
        await dismiss_row(interaction, row)

    @kb.command(name="untaught", description="Undo a taught phrasing.")
    @app_commands.describe(question="A phrasing taught earlier")
    @app_commands.autocomplete(question=taught_questions)
    async def untaught(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 1, LINE_CHARS]
    ) -> None:
        """Remove the phrasing from ``learned.yaml`` (validated, atomic) and log it."""
        desk, member = self.bot.desk, interaction.user.id

        def removed() -> str:
            learned = desk.untaught(taught_phrasing(desk.engine.knowledge, question), member)
            return f"Removed “{learned.question}” from `{learned.entry}`."

        await act(interaction, removed)

    @kb.command(name="stats", description="Per entry: asks, votes and common phrasings; a chart.")
    @app_commands.describe(days="How many days back (default 30)")
    async def stats(
        self,
        interaction: discord.Interaction,
        days: DaysBack = 30,
    ) -> None:
        """Most asked entries first, with 👍/👎 counts and top phrasings, and the usage chart."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        usage = await asyncio.to_thread(self.bot.desk.usage, days)
        if usage.is_empty():
            await tell(interaction, f"No questions in the last {days} day(s) yet.")
            return
        chart = await asyncio.to_thread(self.bot.desk.usage_chart, usage)
        embed = discord.Embed(title=f"Usage, last {days} day(s)")
        for report in usage.reports[:25]:
            phrasings = "\n".join(
                f"“{clip(text, 80)}” ×{count}" for text, count in report.phrasings
            )
            row = report.stats
            name = f"{row.entry_id}: {row.asks} asks · 👍 {row.helpful} · 👎 {row.not_helpful}"
            embed.add_field(name=name, value=phrasings or "-")
        embed.set_image(url=f"attachment://{CHART_FILE}")
        await interaction.followup.send(
            embed=fit(embed),
            file=discord.File(io.BytesIO(chart), filename=CHART_FILE),
            ephemeral=True,
        )


async def setup(bot: MovementBot) -> None:
    """Load the moderation extension."""
    bot.add_dynamic_items(TeachRowButton, DismissRowButton)
    await bot.add_cog(Moderation(bot))
