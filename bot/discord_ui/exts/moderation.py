"""``/kb``: moderators reload, inspect, review, teach and label the knowledge base from Discord."""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import re
from datetime import UTC, datetime
from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import DAYS_BACK
from bot.discord_ui.client import MovementBot
from bot.discord_ui.components import SafeItem
from bot.discord_ui.embeds import CONTENT_LIMIT, DESCRIPTION_LIMIT, clip, fit
from bot.discord_ui.interactions import NO_MENTIONS, bot_of, tell
from bot.discord_ui.permissions import is_moderator, role_name_warning
from bot.engine import KnowledgeError, Outcome
from bot.engine.model import LINE_CHARS
from bot.engine.normalise import comparable
from bot.engine.semantic.encoder import Encoder
from bot.moderation.labels import Label, Labeller, describe
from bot.moderation.review import (
    QuestionGroup,
    RememberingEncoder,
    ReviewError,
    Section,
    dismiss,
    entry_reports,
    meaning_encoder,
    named_question,
    review,
    settle,
)
from bot.moderation.teaching import TeachError
from bot.store import Ask

log = logging.getLogger(__name__)
DaysBack = app_commands.Range[int, DAYS_BACK.start, DAYS_BACK.stop - 1]
"""A number of days back, as the command line takes it too."""

CHOICE_LIMIT = 25
CHOICE_VALUE_LIMIT = 100
"""Discord's longest autocomplete value: a longer taught phrasing is offered by its start."""
ROWS_SHOWN = 10
"""Rows of ``/kb unanswered``, shared by the sections shown: each has two buttons (25 at most)."""
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


def _desk(interaction: discord.Interaction) -> Moderation:
    """The moderation cog, which holds the review's services, for a button on its messages."""
    return cast("Moderation", bot_of(interaction).get_cog(Moderation.__cog_name__))


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
        if not is_moderator(interaction, bot_of(interaction).settings):
            await tell(interaction, "Sorry, teaching is for moderators.")
            return
        await _desk(interaction).teach_question(interaction, f"#{self.ask_id}", self.entry_id)


class DismissRowButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mb:dismissrow:(?P<ask>[0-9]{1,20})",
):
    """The Dismiss button on a row of ``/kb unanswered``: hides the row from then on."""

    def __init__(self, ask_id: int, label: str) -> None:
        """A button dismissing the row of stored question ``ask_id``."""
        super().__init__(
            discord.ui.Button(
                label=clip(label, 80),
                style=discord.ButtonStyle.secondary,
                custom_id=f"mb:dismissrow:{ask_id}",
            )
        )
        self.ask_id = ask_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DismissRowButton:
        """Rebuild from a clicked custom id."""
        return cls(int(match["ask"]), getattr(item, "label", None) or "Dismiss")

    async def handle(self, interaction: discord.Interaction) -> None:
        """Dismiss the row, after the moderator check."""
        if not is_moderator(interaction, bot_of(interaction).settings):
            await tell(interaction, "Sorry, reviewing is for moderators.")
            return
        await _desk(interaction).dismiss_row(interaction, self.ask_id)


def row_line(number: int, group: QuestionGroup) -> str:
    """One row of ``/kb unanswered``: count, example, outcome, last seen, closest entry, id."""
    closest = f"`{group.closest_id}` ({group.closest_score})" if group.closest_id else "none"
    return (
        f"**{number}.** ×{group.count} “{clip(group.example.text, 150)}” · {group.outcome} · "
        f"last {group.last_day} · closest: {closest} · #{group.example.id}"
    )


def _distinct(asks: list[Ask], typed: str) -> list[Ask]:
    """Stored questions containing ``typed``, one per wording, newest first."""
    wanted = typed.casefold().lstrip("#")
    seen: set[str] = set()
    found = []
    for ask in asks:
        key = comparable(ask.text)
        if key not in seen and (wanted in ask.text.casefold() or wanted == str(ask.id)):
            seen.add(key)
            found.append(ask)
    return found[:CHOICE_LIMIT]


class Moderation(commands.Cog):
    """The ``/kb`` command group; every command re-checks the caller is a moderator."""

    kb = app_commands.Group(
        name="kb",
        description="Moderators: maintain the knowledge base.",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: MovementBot) -> None:
        """Keep the bot for its engine, store, teacher and reloader; label into its knowledge.

        With ``MODERATOR_ROLE_ID`` set, ``/kb`` is registered for everyone to see: Discord
        can't hide it by a role it doesn't know is the moderators', so every command checks the
        role itself (:meth:`interaction_check`) and others are told, privately, it is for
        moderators. Without it, Discord hides ``/kb`` from all but Manage Server.
        """
        self.bot = bot
        if bot.settings.moderator_role_id is not None:
            self.kb.default_permissions = None
        self.labeller = Labeller(bot.engine, bot.settings.knowledge_source())
        self._encoder: list[Encoder | None] = []
        """The sentence encoder that groups questions by meaning, once looked up."""

    @commands.Cog.listener()
    async def on_member_forgotten(self, member_id: int) -> None:
        """A member's questions were deleted: forget the vectors kept of any question.

        They are keyed by a hash of the text, so whose they were is unknown: all go, and the
        next listing encodes the questions still stored again.
        """
        for encoder in self._encoder:
            if isinstance(encoder, RememberingEncoder):
                encoder.forget()

    async def _meaning(self) -> Encoder | None:
        """The encoder grouping questions by meaning (``None`` when the semantic layer is off)."""
        if not self._encoder:
            options = self.bot.settings.semantic_options
            self._encoder.append(await asyncio.to_thread(meaning_encoder, options))
        return self._encoder[0]

    async def _question(self, picked: str) -> tuple[str, int | None]:
        """The text an option stands for, and its stored question's id when it names one.

        ``#412`` (what the autocomplete offers) is stored question 412, whatever its length;
        anything else is the text itself. Raise :class:`ReviewError` for an id not stored.
        """
        return await asyncio.to_thread(named_question, self.bot.store, picked)

    async def _settle(self, action: str, question: str, ask_id: int | None) -> str:
        """Take the row of ``ask_id`` (or worded as ``question``) off the unanswered list."""
        count = await asyncio.to_thread(
            functools.partial(
                settle,
                self.bot.store,
                action,
                days=self.bot.settings.retention_days,
                ask_id=ask_id,
                question=question,
                encoder=await self._meaning(),
            )
        )
        return f" Its row ({count} question(s)) is off `/kb unanswered`." if count else ""

    async def teach_question(
        self, interaction: discord.Interaction, picked: str, entry_id: str
    ) -> None:
        """Teach ``picked`` (a phrasing, or a stored question's ``#id``) to ``entry_id``."""
        # Teaching retrains the decision layer (about a second): answer Discord first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            question, ask_id = await self._question(picked)
            result = await asyncio.to_thread(
                self.bot.teacher.teach, question, entry_id, interaction.user.id
            )
        except (TeachError, ReviewError) as error:
            await tell(interaction, f"Not taught: {error}.")
            return
        await asyncio.to_thread(
            self.bot.store.log_teach, interaction.user.id, entry_id, result.question, "taught"
        )
        settled = await self._settle(f"taught {entry_id}", result.question, ask_id)
        await tell(interaction, f"Taught. {result.describe()}.{settled}")

    async def dismiss_row(self, interaction: discord.Interaction, ask_id: int) -> None:
        """Hide the row holding stored question ``ask_id`` from ``/kb unanswered``."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        call = functools.partial(
            dismiss,
            self.bot.store,
            ask_id,
            days=self.bot.settings.retention_days,
            encoder=await self._meaning(),
        )
        try:
            count = await asyncio.to_thread(call)
        except ReviewError as error:
            await tell(interaction, f"Not dismissed: {error}.")
            return
        await tell(interaction, f"Dismissed #{ask_id}: {count} question(s) off the list.")

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
        asks = await asyncio.to_thread(self.bot.store.unanswered, days)
        call = functools.partial(
            review,
            asks,
            self.bot.engine,
            sections=sections,
            limit=ROWS_SHOWN // len(sections),
            encoder=await self._meaning(),
        )
        found = await asyncio.to_thread(call)
        if found.is_empty():
            await tell(interaction, f"Nothing unanswered in the last {days} day(s). 🎉")
            return
        lines = []
        view = discord.ui.View(timeout=None)
        number = 0
        for section, groups in found.rows.items():
            lines.append(f"__{section.capitalize()}__" + ("" if groups else ": none"))
            for group in groups:
                number += 1
                lines.append(row_line(number, group))
                if group.closest_id:
                    label = f"Teach {number} → {group.closest_id}"
                    view.add_item(TeachRowButton(group.example.id, group.closest_id, label))
                view.add_item(DismissRowButton(group.example.id, f"Dismiss {number}"))
        embed = discord.Embed(
            title=f"Unanswered, last {days} day(s)",
            description=clip("\n".join(lines), DESCRIPTION_LIMIT),
        )
        hidden = ", ".join(f"{count} {section}" for section, count in found.hidden.items())
        also = f"Also {hidden}: show them with show: all. " if hidden else ""
        embed.set_footer(
            text=f"{also}Teach n: teach that row to its closest entry (/kb teach picks another). "
            "Dismiss n: hide the row. /kb label #id: mark a row off-topic or a red flag."
        )
        await interaction.followup.send(embed=fit(embed), view=view, ephemeral=True)

    @kb.command(name="teach", description="Teach a phrasing for an entry, answered at once.")
    @app_commands.describe(
        question="The phrasing members use (or #id of a /kb unanswered row)",
        entry="The entry it should find",
    )
    async def teach(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 2, LINE_CHARS],
        entry: app_commands.Range[str, 1, 64],
    ) -> None:
        """Validate, write ``learned.yaml`` atomically, swap, and show before/after."""
        await self.teach_question(interaction, question, entry)

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
    async def label(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 2, LINE_CHARS],
        label: str,
        tier: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        """Write the labelled example (validated, atomic), swap, and show before/after."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            text, ask_id = await self._question(question)
            call = functools.partial(self.labeller.label, text, cast("Label", label), tier)
            result = await asyncio.to_thread(call)
        except (TeachError, ReviewError) as error:
            await tell(interaction, f"Not labelled: {error}.")
            return
        words = describe(result.example)
        await asyncio.to_thread(
            self.bot.store.log_teach, interaction.user.id, words, result.example.q, "labelled"
        )
        settled = await self._settle(f"labelled {words}", result.example.q, ask_id)
        await tell(interaction, f"Labelled. {result.describe()}.{settled}")

    @kb.command(name="dismiss", description="Hide a row of /kb unanswered from now on.")
    @app_commands.describe(row="The #id of the row (offered as you type)")
    async def dismiss(
        self, interaction: discord.Interaction, row: app_commands.Range[int, 1, 2**53]
    ) -> None:
        """Mark every question of the row reviewed: it leaves the list."""
        await self.dismiss_row(interaction, row)

    @label.autocomplete("question")
    @teach.autocomplete("question")
    async def unanswered_rows(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Stored questions up for review containing what was typed, as ``#id``, newest first."""
        asks = await self._rows(interaction, current)
        return [
            app_commands.Choice(name=clip(f"#{ask.id} {ask.text}", 100), value=f"#{ask.id}")
            for ask in asks
        ]

    @dismiss.autocomplete("row")
    async def row_ids(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The same rows, by their id."""
        asks = await self._rows(interaction, current)
        return [
            app_commands.Choice(name=clip(f"#{ask.id} {ask.text}", 100), value=ask.id)
            for ask in asks
        ]

    async def _rows(self, interaction: discord.Interaction, current: str) -> list[Ask]:
        if not is_moderator(interaction, self.bot.settings):
            return []  # members' questions are health data: moderators only
        asks = await asyncio.to_thread(self.bot.store.unanswered, self.bot.settings.retention_days)
        return _distinct(asks, str(current))

    @label.autocomplete("tier")
    async def tier_ids(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The red-flag tiers whose id or title contains what was typed."""
        if not is_moderator(interaction, self.bot.settings):
            return []
        typed = current.casefold()
        return [
            app_commands.Choice(name=clip(f"{tier.title} ({tier.id})", 100), value=tier.id)
            for tier in self.bot.engine.knowledge.safety_tiers
            if typed in tier.id or typed in tier.title.casefold()
        ][:CHOICE_LIMIT]

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

    @kb.command(name="stats", description="Per entry: asks, votes and common phrasings; a chart.")
    @app_commands.describe(days="How many days back (default 30)")
    async def stats(
        self,
        interaction: discord.Interaction,
        days: DaysBack = 30,
    ) -> None:
        """Most asked entries first, with 👍/👎 counts and top phrasings, and the usage chart."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        stats = await asyncio.to_thread(self.bot.store.entry_stats, days)
        asks = await asyncio.to_thread(self.bot.store.asks_since, days)
        if not asks and not stats:
            await tell(interaction, f"No questions in the last {days} day(s) yet.")
            return
        reports = await asyncio.to_thread(entry_reports, stats, asks)
        per_day = await asyncio.to_thread(self.bot.store.questions_per_day, days)
        # matplotlib only when a chart is drawn: the bot starts without it.
        from bot.moderation.charts import usage_chart  # noqa: PLC0415

        today = datetime.now(UTC).date()
        chart = await asyncio.to_thread(usage_chart, per_day, stats, days=days, today=today)
        embed = discord.Embed(title=f"Usage, last {days} day(s)")
        for report in reports[:25]:
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
