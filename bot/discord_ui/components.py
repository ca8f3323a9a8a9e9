"""Buttons and menus under the bot's messages.

They are ``DynamicItem``s: everything a click needs is in its ``custom_id``, so they keep
working after a restart. Every callback runs inside :class:`SafeItem`, which turns an unexpected
error into a logged error and a short ephemeral apology.
"""

from __future__ import annotations

import asyncio
import functools
import re
from typing import Any

import discord
from discord.utils import MISSING

from bot.conversation.memory import Place
from bot.conversation.wording import FULL_EXPLANATION, SCREEN_NO, SCREEN_YES, full_label
from bot.discord_ui.embeds import (
    answer_embed,
    asked_question,
    clip,
    entry_embed,
    guide_embed,
    reply_embed,
)
from bot.discord_ui.interactions import NO_MENTIONS, apologise, bot_of, tell
from bot.discord_ui.permissions import is_moderator
from bot.engine import Entry, KnowledgeBase, Outcome, Reply, Topic

BUTTON_LABEL_LIMIT = 80
SELECT_OPTION_LIMIT = 25
NOT_YOURS = "Only the member who asked, or a moderator, can remove this answer."
NOT_YOUR_SCREEN = (
    "Only the member who asked can answer this: it's about their knee. "
    "Mention me or use `/ask` to get your own answer."
)
GONE = "That topic no longer exists; try `/topics`."
QUESTION_GONE = "I can't read the question on this message any more; please ask it again."
FINISHED = (
    "That's the whole routine: all three exercises, in order. Move slowly and stop if "
    "anything hurts in a way that worries you; `/help` says when to get checked."
)


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
        embed = reply_embed(reply, question)
    bot.assistant.shown(where, reply.entry.title if reply.entry else question, reply)
    return bot.linked(embed)


class SafeItem:
    """Mixin: run ``handle`` and turn any exception into a logged apology."""

    async def callback(self, interaction: discord.Interaction) -> None:
        """Dispatch the click to ``handle``, guarding against errors."""
        try:
            await self.handle(interaction)
        except Exception as error:
            await apologise(interaction, error)

    async def handle(self, interaction: discord.Interaction) -> None:
        """What the click does."""
        raise NotImplementedError


class VoteButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mb:vote:(?P<helpful>[01]):(?P<entry>[a-z0-9-]{1,64})",
):
    """The Helpful / Not helpful buttons under an answer; one vote per member, changeable."""

    def __init__(self, helpful: bool, entry_id: str) -> None:
        """A vote button for ``entry_id``."""
        super().__init__(
            discord.ui.Button(
                label="Helpful" if helpful else "Not helpful",
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"mb:vote:{int(helpful)}:{entry_id}",
            )
        )
        self.helpful = helpful
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> VoteButton:
        """Rebuild from a clicked custom id."""
        return cls(match["helpful"] == "1", match["entry"])

    async def handle(self, interaction: discord.Interaction) -> None:
        """Record or change the member's vote on this answer."""
        store = bot_of(interaction).store
        message_id = interaction.message.id if interaction.message else 0
        changed = await asyncio.to_thread(
            store.record_vote, message_id, interaction.user.id, self.entry_id, self.helpful
        )
        helpful, unhelpful = await asyncio.to_thread(store.votes_for, message_id)
        verdict = "helpful" if self.helpful else "not helpful"
        note = f"Changed your vote to {verdict}." if changed else f"Thanks, noted as {verdict}."
        note += f" Votes on this answer: 👍 {helpful} · 👎 {unhelpful}."
        if not self.helpful:
            note += " A moderator will look at how to answer this better."
        await tell(interaction, note)


class DeleteButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mb:del:(?P<asker>[0-9]{1,25})",
):
    """Removes the bot's answer; only the asker or a moderator may."""

    def __init__(self, asker_id: int) -> None:
        """A delete button that only ``asker_id`` (or a moderator) may use."""
        super().__init__(
            discord.ui.Button(
                label="Delete",
                emoji="🗑️",
                style=discord.ButtonStyle.danger,
                custom_id=f"mb:del:{asker_id}",
            )
        )
        self.asker_id = asker_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DeleteButton:
        """Rebuild from a clicked custom id."""
        return cls(int(match["asker"]))

    async def handle(self, interaction: discord.Interaction) -> None:
        """Delete the message, or refuse politely."""
        allowed = interaction.user.id == self.asker_id or is_moderator(
            interaction, bot_of(interaction).settings
        )
        if not allowed:
            await tell(interaction, NOT_YOURS)
            return
        await interaction.response.defer()
        await interaction.delete_original_response()


class PickButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mb:pick:(?P<entry>[a-z0-9-]{1,64}):(?P<asker>[0-9]{1,25})",
):
    """A "did you mean" choice: answers with the chosen entry."""

    def __init__(self, entry_id: str, title: str, asker_id: int) -> None:
        """A choice of ``entry_id`` offered to ``asker_id``."""
        super().__init__(
            discord.ui.Button(
                label=clip(title, BUTTON_LABEL_LIMIT),
                style=discord.ButtonStyle.primary,
                custom_id=f"mb:pick:{entry_id}:{asker_id}",
            )
        )
        self.entry_id = entry_id
        self.asker_id = asker_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PickButton:
        """Rebuild from a clicked custom id."""
        label = getattr(item, "label", None) or match["entry"]
        return cls(match["entry"], label, int(match["asker"]))

    async def handle(self, interaction: discord.Interaction) -> None:
        """The asker's message turns into the answer; anyone else gets it privately."""
        reply = bot_of(interaction).assistant.entry(self.entry_id, place_of(interaction))
        if reply is None:
            await tell(interaction, GONE)
            return
        view = answer_view(reply, interaction.user.id)
        if interaction.user.id == self.asker_id:
            await interaction.response.edit_message(
                embed=picked_embed(interaction, reply), view=view
            )
        else:
            await interaction.response.send_message(
                embed=picked_embed(interaction, reply),
                view=view,
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )


class FullButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mb:full:(?P<entry>[a-z0-9-]{1,64})",
):
    """The "Full exercise" / "Full explanation" button: the whole entry, privately."""

    def __init__(self, entry_id: str, label: str) -> None:
        """A button that shows all of ``entry_id``."""
        super().__init__(
            discord.ui.Button(
                label=clip(label, BUTTON_LABEL_LIMIT),
                emoji="📖",
                style=discord.ButtonStyle.primary,
                custom_id=f"mb:full:{entry_id}",
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FullButton:
        """Rebuild from a clicked custom id."""
        return cls(match["entry"], getattr(item, "label", None) or FULL_EXPLANATION)

    async def handle(self, interaction: discord.Interaction) -> None:
        """Send the whole entry to the clicker only; the short answer stays as it was."""
        reply = bot_of(interaction).assistant.entry(self.entry_id, place_of(interaction))
        if reply is None:
            await tell(interaction, GONE)
            return
        await interaction.response.send_message(
            embed=picked_embed(interaction, reply, full=True),
            view=answer_view(reply, interaction.user.id)
            if reply.outcome is Outcome.SCREEN
            else MISSING,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


class RelatedSelect(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"mb:related:(?P<entry>[a-z0-9-]{1,64})",
):
    """The topics related to an answer; picking one shows its short answer privately."""

    def __init__(self, entry_id: str, related: tuple[Topic, ...] = ()) -> None:
        """A menu of the topics related to ``entry_id``."""
        options = [
            discord.SelectOption(label=clip(topic.title, 100), value=topic.id)
            for topic in related[:SELECT_OPTION_LIMIT]
        ] or [discord.SelectOption(label="Related topics", value="none")]
        super().__init__(
            discord.ui.Select(
                placeholder="Related topics", options=options, custom_id=f"mb:related:{entry_id}"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RelatedSelect:
        """Rebuild with the live knowledge base's related topics."""
        reply = bot_of(interaction).engine.reply_for(match["entry"])
        return cls(match["entry"], reply.related if reply else ())

    async def handle(self, interaction: discord.Interaction) -> None:
        """Show the chosen topic's short answer to the clicker, with its own buttons."""
        values = (interaction.data or {}).get("values", [])
        assistant = bot_of(interaction).assistant
        reply = assistant.entry(values[0], place_of(interaction)) if values else None
        if reply is None:
            await tell(interaction, GONE)
            return
        await interaction.response.send_message(
            embed=picked_embed(interaction, reply),
            view=answer_view(reply, interaction.user.id),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


class GuideButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mb:guide:(?P<step>start|done|[0-9]{1,2})",
):
    """The guided routine: Start, then Back / Next through the exercises, then Finish."""

    def __init__(self, step: str, label: str, *, disabled: bool = False) -> None:
        """A button that goes to ``step`` (``start``, an index, or ``done``)."""
        style = (
            discord.ButtonStyle.success
            if step in ("start", "done")
            else discord.ButtonStyle.secondary
        )
        super().__init__(
            discord.ui.Button(
                label=label, style=style, disabled=disabled, custom_id=f"mb:guide:{step}"
            )
        )
        self.step = step

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> GuideButton:
        """Rebuild from a clicked custom id."""
        return cls(match["step"], getattr(item, "label", None) or "")

    async def handle(self, interaction: discord.Interaction) -> None:
        """Open the guide privately, move within it, or finish it; a red flag stops it."""
        bot = bot_of(interaction)
        caution = bot.assistant.caution(place_of(interaction))
        if caution is not None and self.step != "done":
            await interaction.response.send_message(
                embed=picked_embed(interaction, caution),
                view=answer_view(caution, interaction.user.id),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        exercises = bot.engine.knowledge.exercises()
        if self.step == "done":
            finished = discord.Embed(title="Routine complete ✅", description=FINISHED)
            await interaction.response.edit_message(embed=finished, view=None)
            return
        if not exercises:
            await tell(interaction, "No exercises are defined right now.")
            return
        if self.step == "start":
            embed, view = guide_page(exercises, 0)
            await interaction.response.send_message(
                embed=embed, view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        index = min(int(self.step), len(exercises) - 1)
        embed, view = guide_page(exercises, index)
        await interaction.response.edit_message(embed=embed, view=view)


class TopicSelect(SafeItem, discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"mb:topics"):
    """A menu of everything the bot knows; picking one shows it."""

    def __init__(self, knowledge: KnowledgeBase | None = None) -> None:
        """A menu over the entries of ``knowledge`` (options are rebuilt on each use)."""
        entries = list(knowledge.entries.values())[:SELECT_OPTION_LIMIT] if knowledge else []
        options = [
            discord.SelectOption(
                label=clip(entry.title, 100), value=entry.id, description=clip(entry.summary, 100)
            )
            for entry in entries
        ] or [discord.SelectOption(label="Topics", value="none")]
        super().__init__(
            discord.ui.Select(placeholder="Pick a topic", options=options, custom_id="mb:topics")
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> TopicSelect:
        """Rebuild with the live knowledge base."""
        return cls(bot_of(interaction).engine.knowledge)

    async def handle(self, interaction: discord.Interaction) -> None:
        """Show the chosen entry, keeping the menu for further browsing."""
        values = (interaction.data or {}).get("values", [])
        bot = bot_of(interaction)
        reply = bot.assistant.entry(values[0], place_of(interaction)) if values else None
        if reply is None:
            await tell(interaction, GONE)
            return
        view = topics_view(bot.engine.knowledge)
        if reply.outcome is Outcome.ANSWER and reply.entry is not None:
            view.add_item(FullButton(reply.entry.id, full_label(reply.entry)))
        await interaction.response.edit_message(embed=picked_embed(interaction, reply), view=view)


# Custom ids hold 100 characters: a 64-character tier id leaves room for any snowflake (20 digits).
class ScreenButton(
    SafeItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mb:screen:(?P<applies>[01]):(?P<tier>[a-z0-9-]{1,64}):(?P<asker>[0-9]{1,20})",
):
    """An answer to the screening question: a warning sign applies, or none does.

    Only the asker may answer. "Yes" turns the message into the tier's safety reply; "No"
    answers the question quoted in the message as if no warning sign applied.
    """

    def __init__(self, applies: bool, tier_id: str, asker_id: int) -> None:
        """The "Yes" (``applies``) or "No" button of ``asker_id``'s screen for ``tier_id``."""
        super().__init__(
            discord.ui.Button(
                label=SCREEN_YES if applies else SCREEN_NO,
                style=discord.ButtonStyle.primary if applies else discord.ButtonStyle.secondary,
                custom_id=f"mb:screen:{int(applies)}:{tier_id}:{asker_id}",
            )
        )
        self.applies = applies
        self.tier_id = tier_id
        self.asker_id = asker_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ScreenButton:
        """Rebuild from a clicked custom id."""
        return cls(match["applies"] == "1", match["tier"], int(match["asker"]))

    async def handle(self, interaction: discord.Interaction) -> None:
        """Replace the screen with the safety reply or the answer; refuse anyone else."""
        if interaction.user.id != self.asker_id:
            await tell(interaction, NOT_YOUR_SCREEN)
            return
        bot = bot_of(interaction)
        question = _screened_question(interaction)
        if question is None and not self.applies:
            await tell(interaction, QUESTION_GONE)
            return
        answer = functools.partial(
            bot.assistant.answer_screen,
            question or "",
            self.applies,
            bot.engine.knowledge.tier(self.tier_id),
            place_of(interaction),
        )
        reply = await bot.off_loop(answer, interaction.user.id)
        where = place_of(interaction)
        message_id = interaction.message.id if interaction.message else None
        bot.assistant.shown(where, question or "", reply, message_id)
        embed = bot.linked(reply_embed(reply, question or ""))
        await interaction.response.edit_message(embed=embed, view=answer_view(reply, self.asker_id))


def _screened_question(interaction: discord.Interaction) -> str | None:
    message = interaction.message
    return asked_question(message.embeds[0]) if message and message.embeds else None


DYNAMIC_ITEMS = (
    VoteButton,
    DeleteButton,
    PickButton,
    FullButton,
    RelatedSelect,
    GuideButton,
    TopicSelect,
    ScreenButton,
)


def place_of(interaction: discord.Interaction) -> Place:
    """The conversation a click belongs to: the clicker, where they clicked."""
    return Place(interaction.user.id, interaction.channel_id or 0)


def answer_view(reply: Reply, asker_id: int) -> discord.ui.View:
    """Buttons under a reply: whole entry, votes, Delete, related topics; or choices; or Yes/No.

    An answer gets "Full exercise" / "Full explanation", the votes, Delete and a menu of related
    topics; "did you mean" gets its choices; a screen gets Yes / No.
    """
    view = discord.ui.View(timeout=None)
    entry = reply.entry
    if reply.outcome is Outcome.ANSWER and entry is not None:
        if entry.kind != "routine":
            view.add_item(FullButton(entry.id, full_label(entry)))
        view.add_item(VoteButton(True, entry.id))
        view.add_item(VoteButton(False, entry.id))
    elif reply.outcome is Outcome.SCREEN and reply.tier_id:
        view.add_item(ScreenButton(True, reply.tier_id, asker_id))
        view.add_item(ScreenButton(False, reply.tier_id, asker_id))
    elif reply.outcome is Outcome.ABSTAIN:
        for topic in reply.suggestions:
            view.add_item(PickButton(topic.id, topic.title, asker_id))
    view.add_item(DeleteButton(asker_id))
    if reply.outcome is Outcome.ANSWER and entry is not None and reply.related:
        view.add_item(RelatedSelect(entry.id, reply.related))
    return view


def routine_view() -> discord.ui.View:
    """The "Start guided mode" button under the routine overview."""
    view = discord.ui.View(timeout=None)
    view.add_item(GuideButton("start", "Start guided mode"))
    return view


def guide_page(exercises: list[Entry], index: int) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and Back / Next (or Finish) buttons for one exercise of the guide."""
    view = discord.ui.View(timeout=None)
    view.add_item(GuideButton(str(max(index - 1, 0)), "Back", disabled=index == 0))
    if index + 1 < len(exercises):
        view.add_item(GuideButton(str(index + 1), "Next"))
    else:
        view.add_item(GuideButton("done", "Finish"))
    return guide_embed(exercises[index], index + 1, len(exercises)), view


def topics_view(knowledge: KnowledgeBase) -> discord.ui.View:
    """The topic menu."""
    view = discord.ui.View(timeout=None)
    view.add_item(TopicSelect(knowledge))
    return view
