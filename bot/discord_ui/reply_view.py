"""What goes under a reply on Discord: its buttons, and what the answering ones do.

An answer gets "Full exercise" / "Full explanation", the votes, Delete and a menu of related
topics; "did you mean" gets its choices; a screening question gets Yes / No. A click on a
choice, the whole entry, a related topic or Yes / No answers with another reply, drawn here
too; the votes and Delete are the feedback extension's.
"""

from __future__ import annotations

import functools
from typing import assert_never

import discord
from discord.utils import MISSING

from bot.conversation.wording import SCREEN_NO, SCREEN_YES, full_label
from bot.discord_ui.embeds import answer_embed, asked_question, clip, entry_embed, reply_embed
from bot.discord_ui.exts.feedback import AskersVoteButton, DeleteButton, VoteButton
from bot.discord_ui.interactions import NO_MENTIONS, bot_of, place_of, tell
from bot.discord_ui.persistent import (
    BUTTON_LABEL_LIMIT,
    ENTRY_ID,
    FLAG,
    MEMBER_ID,
    SELECT_OPTION_LIMIT,
    SHORT_ID,
    Persistent,
)
from bot.engine import Entry, Outcome, Reply, Topic

NOT_YOUR_SCREEN = (
    "Only the member who asked can answer this: it's about their knee. "
    "Mention me or use `/ask` to get your own answer."
)
GONE = "That topic no longer exists; try `/topics`."
QUESTION_GONE = "I can't read the question on this message any more; please ask it again."


def picked_embed(
    interaction: discord.Interaction, reply: Reply, *, full: bool = False
) -> discord.Embed:
    """The embed for a reply to a click or a command; the conversation learns it was shown.

    An answer is short, or whole with ``full``; a safety reply or screening question that a
    standing red flag put in its place is shown as such.
    """
    bot = bot_of(interaction)
    where = place_of(interaction)
    question = bot.assistant.screened_question(where)
    if reply.outcome is Outcome.ANSWER:
        embed = entry_embed(reply) if full else answer_embed(reply)
    else:
        embed = reply_embed(reply, question, bot.engine.knowledge)
    bot.assistant.shown(where, reply.entry.title if reply.entry else question, reply)
    return bot.linked(embed)


async def entry_reply(interaction: discord.Interaction, entry_id: str | None) -> Reply | None:
    """The reply showing ``entry_id`` to the clicker; ``None`` once they are told it's gone."""
    assistant = bot_of(interaction).assistant
    reply = assistant.entry(entry_id, place_of(interaction)) if entry_id else None
    if reply is None:
        await tell(interaction, GONE)
    return reply


async def answer_privately(interaction: discord.Interaction, reply: Reply) -> None:
    """Show ``reply`` to the clicker only, with its own buttons."""
    await interaction.response.send_message(
        embed=picked_embed(interaction, reply),
        view=answer_view(reply, interaction.user.id),
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )


def chosen(interaction: discord.Interaction) -> str | None:
    """The option a member picked in a menu."""
    values = (interaction.data or {}).get("values", [])
    return values[0] if values else None


class PickButton(Persistent, custom_id="mb:pick:{entry}:{asker}", entry=ENTRY_ID, asker=MEMBER_ID):
    """A "did you mean" choice: answers with the chosen entry."""

    @classmethod
    def offering(cls, topic: Topic, asker_id: int) -> PickButton:
        """The choice of ``topic`` offered to ``asker_id``."""
        label = clip(topic.title, BUTTON_LABEL_LIMIT)
        button = discord.ui.Button(label=label, style=discord.ButtonStyle.primary)
        return cls.made(button, entry=topic.id, asker=asker_id)

    async def handle(self, interaction: discord.Interaction) -> None:
        """The asker's message turns into the answer; anyone else gets it privately."""
        reply = await entry_reply(interaction, self.fields["entry"])
        if reply is None:
            return
        if interaction.user.id != int(self.fields["asker"]):
            await answer_privately(interaction, reply)
            return
        await interaction.response.edit_message(
            embed=picked_embed(interaction, reply), view=answer_view(reply, interaction.user.id)
        )


class FullButton(Persistent, custom_id="mb:full:{entry}", entry=ENTRY_ID):
    """The "Full exercise" / "Full explanation" button: the whole entry, privately."""

    @classmethod
    def showing(cls, entry: Entry) -> FullButton:
        """The button that shows all of ``entry``."""
        label = clip(full_label(entry), BUTTON_LABEL_LIMIT)
        button = discord.ui.Button(label=label, emoji="📖", style=discord.ButtonStyle.primary)
        return cls.made(button, entry=entry.id)

    async def handle(self, interaction: discord.Interaction) -> None:
        """Send the whole entry to the clicker only; the short answer stays as it was."""
        reply = await entry_reply(interaction, self.fields["entry"])
        if reply is None:
            return
        screen = reply.outcome is Outcome.SCREEN
        await interaction.response.send_message(
            embed=picked_embed(interaction, reply, full=True),
            view=answer_view(reply, interaction.user.id) if screen else MISSING,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


class RelatedSelect(Persistent, custom_id="mb:related:{entry}", entry=ENTRY_ID):
    """The topics related to an answer; picking one shows its short answer privately."""

    @classmethod
    def listing(cls, entry_id: str, related: tuple[Topic, ...]) -> RelatedSelect:
        """A menu of ``related``, the topics related to ``entry_id``."""
        options = [
            discord.SelectOption(label=clip(topic.title, 100), value=topic.id)
            for topic in related[:SELECT_OPTION_LIMIT]
        ]
        menu = discord.ui.Select(placeholder="Related topics", options=options)
        return cls.made(menu, entry=entry_id)

    async def handle(self, interaction: discord.Interaction) -> None:
        """Show the chosen topic's short answer to the clicker, with its own buttons."""
        reply = await entry_reply(interaction, chosen(interaction))
        if reply is not None:
            await answer_privately(interaction, reply)


# Custom ids hold 100 characters: a 64-character tier id leaves room for any snowflake (20 digits).
class ScreenButton(
    Persistent,
    custom_id="mb:screen:{applies}:{tier}:{asker}",
    applies=FLAG,
    tier=ENTRY_ID,
    asker=SHORT_ID,
):
    """An answer to the screening question: a warning sign applies, or none does.

    Only the asker may answer. "Yes" turns the message into the tier's safety reply; "No"
    answers the question quoted in the message as if no warning sign applied.
    """

    @classmethod
    def answering(cls, applies: bool, tier_id: str, asker_id: int) -> ScreenButton:
        """The "Yes" (``applies``) or "No" button of ``asker_id``'s screen for ``tier_id``."""
        button = discord.ui.Button(
            label=SCREEN_YES if applies else SCREEN_NO,
            style=discord.ButtonStyle.primary if applies else discord.ButtonStyle.secondary,
        )
        return cls.made(button, applies=int(applies), tier=tier_id, asker=asker_id)

    async def handle(self, interaction: discord.Interaction) -> None:
        """Replace the screen with the safety reply or the answer; refuse anyone else."""
        asker, applies = int(self.fields["asker"]), self.fields["applies"] == "1"
        if interaction.user.id != asker:
            await tell(interaction, NOT_YOUR_SCREEN)
            return
        bot = bot_of(interaction)
        question = _screened_question(interaction)
        if question is None and not applies:
            await tell(interaction, QUESTION_GONE)
            return
        where = place_of(interaction)
        tier = bot.engine.knowledge.tier(self.fields["tier"])
        answer = functools.partial(
            bot.assistant.answer_screen, question or "", applies, tier, where
        )
        reply = await bot.off_loop(answer, interaction.user.id)
        message_id = interaction.message.id if interaction.message else None
        bot.assistant.shown(where, question or "", reply, message_id)
        embed = bot.linked(reply_embed(reply, question or "", bot.engine.knowledge))
        await interaction.response.edit_message(embed=embed, view=answer_view(reply, asker))


def _screened_question(interaction: discord.Interaction) -> str | None:
    message = interaction.message
    return asked_question(message.embeds[0]) if message and message.embeds else None


def answer_view(reply: Reply, asker_id: int, *, requested: bool = False) -> discord.ui.View:
    """Buttons under a reply: whole entry, votes, Delete, related topics; or choices; or Yes/No.

    An answer gets "Full exercise" / "Full explanation", the votes, Delete and a menu of related
    topics; "did you mean" gets its choices; a screen gets Yes / No. The votes on an answer
    someone else ``requested`` for the asker are the asker's only.
    """
    view = discord.ui.View(timeout=None)
    for item in _items(reply, asker_id, requested):
        view.add_item(item)
    return view


def _votes(entry_id: str, asker_id: int, requested: bool) -> list[Persistent]:
    """Helpful / Not helpful: anyone's, or the asker's alone on an answer ``requested`` for them."""
    if requested:
        return [AskersVoteButton.voting_for(vote, entry_id, asker_id) for vote in (True, False)]
    return [VoteButton.voting(vote, entry_id) for vote in (True, False)]


def _items(reply: Reply, asker_id: int, requested: bool) -> list[Persistent]:
    """The buttons and menus under ``reply``, in order."""
    delete = DeleteButton.for_asker(asker_id)
    entry = reply.entry
    match reply.outcome:
        case Outcome.ANSWER if entry is not None:
            full = [] if entry.kind == "routine" else [FullButton.showing(entry)]
            votes = _votes(entry.id, asker_id, requested)
            related = [RelatedSelect.listing(entry.id, reply.related)] if reply.related else []
            return [*full, *votes, delete, *related]
        case Outcome.SCREEN if reply.tier_id:
            yes = ScreenButton.answering(True, reply.tier_id, asker_id)
            no = ScreenButton.answering(False, reply.tier_id, asker_id)
            return [yes, no, delete]
        case Outcome.ABSTAIN:
            return [*(PickButton.offering(topic, asker_id) for topic in reply.suggestions), delete]
        case Outcome.ANSWER | Outcome.SCREEN | Outcome.SAFETY | Outcome.SMALL_TALK:
            return [delete]
        case _ as unreachable:
            assert_never(unreachable)
