"""The rows of ``/kb unanswered`` and what moderators do with them from Discord.

Each row has a Teach button (to its closest entry) and a Dismiss button; ``/kb teach`` and
``/kb dismiss`` do the same by name. Every change is a use case of the bot's moderators' desk
(:class:`~bot.moderation.desk.Desk`), made off the event loop by :func:`act`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import discord

from bot.discord_ui.embeds import DESCRIPTION_LIMIT, clip, fit
from bot.discord_ui.interactions import bot_of, tell
from bot.discord_ui.permissions import is_moderator
from bot.discord_ui.persistent import BUTTON_LABEL_LIMIT, ENTRY_ID, SHORT_ID, Persistent
from bot.moderation.desk import Refused
from bot.moderation.review import QuestionGroup, Review

ROWS_SHOWN = 10
"""Rows of ``/kb unanswered``, shared by the sections shown: each has two buttons (25 at most)."""


async def act(interaction: discord.Interaction, change: Callable[[], str]) -> None:
    """Make ``change`` off the event loop and tell what it did, or why it was refused.

    Discord is answered first: a teach or a label retrains the decision layer (about a second).
    """
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        done = await asyncio.to_thread(change)
    except Refused as refusal:
        done = str(refusal)
    await tell(interaction, done)


def settled(count: int) -> str:
    """How many questions a change took off ``/kb unanswered``, when any."""
    return f" Its row ({count} question(s)) is off `/kb unanswered`." if count else ""


async def teach_question(interaction: discord.Interaction, picked: str, entry_id: str) -> None:
    """Teach ``picked`` (a phrasing, or a stored question's ``#id``) to ``entry_id``."""
    desk, member = bot_of(interaction).desk, interaction.user.id

    def taught() -> str:
        change = desk.teach(picked, entry_id, member)
        return f"Taught. {change.described}.{settled(change.settled)}"

    await act(interaction, taught)


async def dismiss_row(interaction: discord.Interaction, ask_id: int) -> None:
    """Hide the row holding stored question ``ask_id`` from ``/kb unanswered``."""
    desk = bot_of(interaction).desk

    def dismissed() -> str:
        return f"Dismissed #{ask_id}: {desk.dismiss(ask_id)} question(s) off the list."

    await act(interaction, dismissed)


class TeachRowButton(
    Persistent, custom_id="mb:teachrow:{ask}:{entry}", ask=SHORT_ID, entry=ENTRY_ID
):
    """The Teach button on a row of ``/kb unanswered``: teaches it to its closest entry."""

    @classmethod
    def teaching(cls, ask_id: int, entry_id: str, label: str) -> TeachRowButton:
        """A button teaching stored question ``ask_id`` to ``entry_id``."""
        button = discord.ui.Button(
            label=clip(label, BUTTON_LABEL_LIMIT), style=discord.ButtonStyle.primary
        )
        return cls.made(button, ask=ask_id, entry=entry_id)

    async def handle(self, interaction: discord.Interaction) -> None:
        """Teach the stored question, after the moderator check."""
        if not is_moderator(interaction, bot_of(interaction).settings_in(interaction.guild)):
            await tell(interaction, "Sorry, teaching is for moderators.")
            return
        await teach_question(interaction, f"#{self.fields['ask']}", self.fields["entry"])


class DismissRowButton(Persistent, custom_id="mb:dismissrow:{ask}", ask=SHORT_ID):
    """The Dismiss button on a row of ``/kb unanswered``: hides the row from then on."""

    @classmethod
    def dismissing(cls, ask_id: int, label: str) -> DismissRowButton:
        """A button dismissing the row of stored question ``ask_id``."""
        button = discord.ui.Button(
            label=clip(label, BUTTON_LABEL_LIMIT), style=discord.ButtonStyle.secondary
        )
        return cls.made(button, ask=ask_id)

    async def handle(self, interaction: discord.Interaction) -> None:
        """Dismiss the row, after the moderator check."""
        if not is_moderator(interaction, bot_of(interaction).settings_in(interaction.guild)):
            await tell(interaction, "Sorry, reviewing is for moderators.")
            return
        await dismiss_row(interaction, int(self.fields["ask"]))


def row_line(number: int, group: QuestionGroup) -> str:
    """One row of ``/kb unanswered``: count, example, outcome, last seen, closest entry, id."""
    closest = f"`{group.closest_id}` ({group.closest_score})" if group.closest_id else "none"
    return (
        f"**{number}.** ×{group.count} “{clip(group.example.text, 150)}” · {group.outcome} · "
        f"last {group.last_day} · closest: {closest} · #{group.example.id}"
    )


def unanswered_reply(found: Review, days: int) -> tuple[discord.Embed, discord.ui.View]:
    """The rows of ``found`` numbered by section, and their buttons."""
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
                view.add_item(TeachRowButton.teaching(group.example.id, group.closest_id, label))
            view.add_item(DismissRowButton.dismissing(group.example.id, f"Dismiss {number}"))
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
    return fit(embed), view
