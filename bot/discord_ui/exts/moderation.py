"""``/kb``: moderators reload, inspect, review and teach the knowledge base from Discord."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import MovementBot
from bot.discord_ui.components import SafeItem
from bot.discord_ui.embeds import CONTENT_LIMIT, DESCRIPTION_LIMIT, clip, fit
from bot.discord_ui.interactions import NO_MENTIONS, bot_of, tell
from bot.discord_ui.permissions import is_moderator, role_name_warning
from bot.engine import KnowledgeError, Reply
from bot.engine.model import LINE_CHARS
from bot.review import entry_reports, group_questions
from bot.teaching import TeachError, TeachResult

log = logging.getLogger(__name__)

CHOICE_LIMIT = 25
CHOICE_VALUE_LIMIT = 100
"""Discord's longest autocomplete value: a longer taught phrasing is offered by its start."""
ROWS_SHOWN = 10
ERRORS_INLINE = 15
RECENT_TEACHES = 5


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def outcome_line(result: TeachResult) -> str:
    """What a taught question matched before and after, in words."""

    def describe(reply: Reply) -> str:
        return f"{reply.entry_id or reply.outcome.value} ({reply.score})"

    return (
        f"Taught. “{result.question}” → `{result.entry_id}`: "
        f"before {describe(result.before)}, now {describe(result.after)}."
    )


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


class TeachRowButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mb:teachrow:(?P<ask>[0-9]{1,20}):(?P<entry>[a-z0-9-]{1,64})",
):
    """The Teach button on a row of ``/kb unanswered``: teaches it to its closest entry."""

    def __init__(self, ask_id: int, entry_id: str, label: str) -> None:
        """A button teaching stored question ``ask_id`` to ``entry_id``."""
        super().__init__(
            discord.ui.Button(
                label=clip(label, 80),
                style=discord.ButtonStyle.primary,
                custom_id=f"mb:teachrow:{ask_id}:{entry_id}",
            )
        )
        self.ask_id = ask_id
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> TeachRowButton:
        """Rebuild from a clicked custom id."""
        return cls(int(match["ask"]), match["entry"], getattr(item, "label", None) or "Teach")

    async def handle(self, interaction: discord.Interaction) -> None:
        """Teach the stored question, after the moderator check."""
        bot = bot_of(interaction)
        if not is_moderator(interaction, bot.settings):
            await tell(interaction, "Sorry, teaching is for moderators.")
            return
        ask = await asyncio.to_thread(bot.store.ask, self.ask_id)
        if ask is None:
            await tell(interaction, "That question is no longer stored.")
            return
        await _teach(interaction, bot, ask.text, self.entry_id)


async def _teach(
    interaction: discord.Interaction, bot: MovementBot, question: str, entry_id: str
) -> None:
    # Teaching retrains the decision layer (about a second): answer Discord first.
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        result = await asyncio.to_thread(bot.teacher.teach, question, entry_id, interaction.user.id)
    except TeachError as error:
        await tell(interaction, f"Not taught: {error}.")
        return
    await asyncio.to_thread(
        bot.store.log_teach, interaction.user.id, entry_id, result.question, "taught"
    )
    await tell(interaction, outcome_line(result))


class Moderation(commands.Cog):
    """The ``/kb`` command group; every command re-checks the caller is a moderator."""

    kb = app_commands.Group(
        name="kb",
        description="Moderators: maintain the knowledge base.",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: MovementBot) -> None:
        """Keep the bot for its engine, store, teacher and reloader."""
        self.bot = bot

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """Warn, whenever a server becomes available, if moderators are chosen by role name."""
        warning = role_name_warning(guild, self.bot.settings)
        if warning:
            log.warning("%s", warning)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Run-time check: server admins can override who sees the commands."""
        return is_moderator(interaction, self.bot.settings)

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
                f"{name}: {counts.get(name, 0)}"
                for name in ("answer", "abstain", "safety", "screen")
            ),
        )
        await interaction.response.send_message(embed=fit(embed), ephemeral=True)

    @kb.command(name="unanswered", description="What members asked that I couldn't answer well.")
    @app_commands.describe(days="How many days back (default 7)")
    async def unanswered(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 7
    ) -> None:
        """Grouped near-duplicates, most frequent first, with teach buttons."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        asks = await asyncio.to_thread(self.bot.store.unanswered, days)
        groups = await asyncio.to_thread(group_questions, asks, self.bot.engine, ROWS_SHOWN)
        if not groups:
            await tell(interaction, f"Nothing unanswered in the last {days} day(s). 🎉")
            return
        lines = []
        view = discord.ui.View(timeout=None)
        for number, group in enumerate(groups, start=1):
            closest = (
                f"`{group.closest_id}` ({group.closest_score})" if group.closest_id else "none"
            )
            example = clip(group.example.text, 150)
            lines.append(f"**{number}.** ×{group.count} “{example}” · closest: {closest}")
            if group.closest_id:
                view.add_item(
                    TeachRowButton(
                        group.example.id, group.closest_id, f"Teach {number} → {group.closest_id}"
                    )
                )
        embed = discord.Embed(
            title=f"Unanswered, last {days} day(s)",
            description=clip("\n".join(lines), DESCRIPTION_LIMIT),
        )
        embed.set_footer(
            text="A button teaches that question to its closest entry; /kb teach picks another."
        )
        await interaction.followup.send(embed=fit(embed), view=view, ephemeral=True)

    @kb.command(name="teach", description="Teach a phrasing for an entry, answered at once.")
    @app_commands.describe(question="The phrasing members use", entry="The entry it should find")
    async def teach(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 3, LINE_CHARS],
        entry: app_commands.Range[str, 1, 64],
    ) -> None:
        """Validate, write ``learned.yaml`` atomically, swap, and show before/after."""
        await _teach(interaction, self.bot, question, entry)

    @teach.autocomplete("entry")
    async def entry_ids(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Entries ranked by the matcher for what was typed (all entries when empty)."""
        if not is_moderator(interaction, self.bot.settings):
            return []  # autocomplete skips interaction_check: the knowledge base is theirs
        knowledge = self.bot.engine.knowledge
        typed = current.strip().lower()
        ids = list(knowledge.entries)
        if typed:
            ranked = [candidate.entry.id for candidate in self.bot.engine.search(current, limit=10)]
            prefix = [entry_id for entry_id in ids if entry_id.startswith(typed)]
            ids = list(dict.fromkeys([*prefix, *ranked]))
        return [
            app_commands.Choice(name=clip(f"{knowledge.entries[i].title} ({i})", 100), value=i)
            for i in ids[:CHOICE_LIMIT]
        ]

    @kb.command(name="untaught", description="Undo a taught phrasing.")
    @app_commands.describe(question="A phrasing taught earlier")
    async def untaught(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 1, LINE_CHARS]
    ) -> None:
        """Remove the phrasing from ``learned.yaml`` (validated, atomic) and log it."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        question = self._taught_phrasing(question)
        try:
            removed = await asyncio.to_thread(self.bot.teacher.untaught, question)
        except TeachError as error:
            await tell(interaction, f"Not changed: {error}.")
            return
        await asyncio.to_thread(
            self.bot.store.log_teach,
            interaction.user.id,
            removed.entry,
            removed.question,
            "untaught",
        )
        await tell(interaction, f"Removed “{removed.question}” from `{removed.entry}`.")

    def _taught_phrasing(self, picked: str) -> str:
        """The whole taught phrasing an autocomplete choice (cut to Discord's limit) stands for."""
        if len(picked) < CHOICE_VALUE_LIMIT:
            return picked
        starting = [
            i.question for i in self.bot.engine.knowledge.learned if i.question.startswith(picked)
        ]
        return starting[0] if len(starting) == 1 else picked

    @untaught.autocomplete("question")
    async def taught_questions(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Taught phrasings containing what was typed, newest first."""
        if not is_moderator(interaction, self.bot.settings):
            return []  # members' questions are health data: moderators only
        wanted = current.casefold()
        learned = [
            item
            for item in reversed(self.bot.engine.knowledge.learned)
            if wanted in item.question.casefold()
        ]
        return [
            app_commands.Choice(
                name=clip(f"{item.question} → {item.entry}", 100),
                value=item.question[:CHOICE_VALUE_LIMIT],
            )
            for item in learned[:CHOICE_LIMIT]
        ]

    @kb.command(name="stats", description="Per entry: asks, votes and common phrasings.")
    @app_commands.describe(days="How many days back (default 30)")
    async def stats(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 30
    ) -> None:
        """Most asked entries first, with 👍/👎 counts and top phrasings."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        stats = await asyncio.to_thread(self.bot.store.entry_stats, days)
        asks = await asyncio.to_thread(self.bot.store.asks_since, days)
        reports = await asyncio.to_thread(entry_reports, stats, asks)
        if not reports:
            await tell(interaction, f"No answers in the last {days} day(s) yet.")
            return
        embed = discord.Embed(title=f"Usage, last {days} day(s)")
        for report in reports[:25]:
            phrasings = "\n".join(
                f"“{clip(text, 80)}” ×{count}" for text, count in report.phrasings
            )
            row = report.stats
            name = f"{row.entry_id}: {row.asks} asks · 👍 {row.helpful} · 👎 {row.not_helpful}"
            embed.add_field(name=name, value=phrasings or "-")
        await interaction.followup.send(embed=fit(embed), ephemeral=True)


async def setup(bot: MovementBot) -> None:
    """Load the moderation extension."""
    bot.add_dynamic_items(TeachRowButton)
    await bot.add_cog(Moderation(bot))
