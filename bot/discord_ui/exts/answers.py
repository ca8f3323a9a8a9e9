"""Answers: mentions, DMs, passive answers in help channels, and ``/ask``."""

from __future__ import annotations

import asyncio
import functools
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.conversation.assistant import cautious, stays_silent
from bot.conversation.memory import Place
from bot.discord_ui.client import MovementBot
from bot.discord_ui.embeds import reply_embed
from bot.discord_ui.interactions import NO_MENTIONS, place_of, tell
from bot.discord_ui.reply_view import (
    FullButton,
    PickButton,
    RelatedSelect,
    ScreenButton,
    answer_view,
)
from bot.engine import Outcome, Reply
from bot.store import StoreError

log = logging.getLogger(__name__)

MAX_QUESTION_LENGTH = 500
SLOW_DOWN = "You're asking quickly: give me {seconds:.0f} s and ask again."
LIMITED_EMOJI = "⏳"
ANSWER_WITHIN = 2.0
"""Seconds ``/ask`` waits for its answer before acknowledging Discord (which allows 3)."""


class Answers(commands.Cog):
    """Turns members' messages and ``/ask`` into engine replies."""

    def __init__(self, bot: MovementBot) -> None:
        """Keep the bot for its engine, store and settings."""
        self.bot = bot

    def _addressed(self, message: discord.Message) -> bool:
        me = self.bot.user
        return message.guild is None or (me is not None and me.id in message.raw_mentions)

    def _without_my_mention(self, content: str) -> str:
        me = self.bot.user
        if me is None:
            return content
        for token in (f"<@{me.id}>", f"<@!{me.id}>"):
            content = content.replace(token, " ")
        return " ".join(content.split())

    def _passive_channel(self, message: discord.Message) -> bool:
        """A help channel, or a thread in a help or forum channel (a post's follow-ups)."""
        if message.guild is None:
            return False
        settings = self.bot.settings
        channel = message.channel
        if isinstance(channel, discord.Thread):
            return channel.parent_id in {*settings.answer_channels, *settings.forum_channels}
        return channel.id in settings.answer_channels

    @staticmethod
    def _with_own_earlier(message: discord.Message, question: str) -> str:
        """The question, after the member's own message it replies to, if it replies to one.

        "it's worse now" replying to "my knee swelled up after the fall" is read as both.
        """
        reference = message.reference
        earlier = reference.resolved if reference is not None else None
        if isinstance(earlier, discord.Message) and earlier.author.id == message.author.id:
            return f"{question}\n{earlier.content}".strip()  # the new words first, read whole
        return question

    async def _record(
        self,
        member_id: int,
        channel_id: int | None,
        message_id: int | None,
        text: str,
        reply: Reply,
    ) -> None:
        """Store the question for the moderators' review; a failed write is one log line.

        The member already has their answer: a full disk must not turn it into an error.
        """
        suggested = [topic.id for topic in reply.suggestions]
        record = functools.partial(
            self.bot.store.record_ask,
            member_id=member_id,
            channel_id=channel_id,
            message_id=message_id,
            text=text,
            outcome=reply.outcome.value,
            entry_id=reply.entry_id,
            suggested=suggested,
            score=reply.score,
            not_covered=reply.not_covered,
        )
        try:
            await asyncio.to_thread(record)
        except StoreError as error:
            log.warning("A question was answered but not stored: %s", error)

    def _forum_post(self, message: discord.Message) -> bool:
        """Whether ``message`` opens a post in one of the forum channels the bot reads."""
        channel = message.channel
        return (
            isinstance(channel, discord.Thread)
            and channel.parent_id in self.bot.settings.forum_channels
            and message.id == channel.id  # a forum post's first message has the thread's id
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer mentions and DMs; in help channels and forum posts, confident questions."""
        if message.author.bot or message.webhook_id is not None:
            return
        addressed = self._addressed(message)
        forum_post = self._forum_post(message)
        if not addressed and not forum_post and not self._passive_channel(message):
            return
        question = self._without_my_mention(message.content)
        if forum_post and isinstance(message.channel, discord.Thread):
            question = f"{message.channel.name}\n{question}".strip()
        question = self._with_own_earlier(message, question)
        author = message.author.id
        where = Place(author, message.channel.id)
        replying_to = message.reference.message_id if message.reference else None
        # The engine applies its own passive bar; one set lower with /setup is applied below.
        bar = self.bot.settings.passive_bar
        ask = functools.partial(
            self.bot.assistant.ask,
            question,
            where,
            passive=not addressed and bar >= self.bot.engine.thresholds.passive,
            replying_to=replying_to,
        )
        held_back = self.bot.held_back
        state = self.bot.assistant.reading_state(where, replying_to)
        limited = self.bot.member_limit.remaining(author) > 0
        if limited and held_back.repeats(where, question, state):
            await self._hold_back(message, addressed)  # read once already: no red flag
            return
        reply = await self.bot.off_loop(ask, author)
        if not addressed and not self._worth_answering_passively(message, question, reply, bar):
            return
        # Checked and counted at once, on the loop: a flood can't slip past it. A safety reply
        # or a screen is never held back, whatever the limit.
        if not self.bot.member_limit.try_use(author) and not cautious(reply):
            if self.bot.assistant.reading_state(where, replying_to) == state:
                held_back.remember(where, question, state)  # read in the state it's kept with
            await self._hold_back(message, addressed)
            return
        held_back.forget(where)
        sent = await message.reply(
            embed=self._embed(reply, question),
            view=answer_view(reply, author),
            mention_author=False,
            allowed_mentions=NO_MENTIONS,
        )
        self.bot.assistant.shown(where, question, reply, sent.id)
        if question:  # a bare mention is greeted, and not kept as a question
            await self._record(author, message.channel.id, sent.id, question, reply)

    def _embed(self, reply: Reply, question: str) -> discord.Embed:
        """The embed for ``reply`` to ``question``, with the commands it names linked."""
        return self.bot.linked(reply_embed(reply, question, self.bot.engine.knowledge))

    @staticmethod
    async def _hold_back(message: discord.Message, addressed: bool) -> None:
        """Tell a member over the burst limit, if they addressed the bot, with a reaction."""
        if addressed:
            await message.add_reaction(LIMITED_EMOJI)

    def _worth_answering_passively(
        self, message: discord.Message, question: str, reply: Reply, bar: float
    ) -> bool:
        """Whether to say what the use-case layer would say to an unaddressed message.

        An answer at or above the passive ``bar``, once per channel in the window; a safety
        reply or a screen always.
        """
        if stays_silent(question, reply) or (reply.outcome is Outcome.ANSWER and reply.score < bar):
            return False
        if cautious(reply):
            return True  # every member's red flag is answered, however recent another's
        return self.bot.repeat_guard.try_use((message.channel.id, reply.entry_id))

    @app_commands.command(
        name="ask", description="Ask a question about outside-knee (IT band) pain."
    )
    @app_commands.describe(question="Your question, in your own words")
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION_LENGTH],
    ) -> None:
        """The same answer a mention gets; refusals and safety notes only to the asker."""
        asker = interaction.user.id
        allowed = self.bot.member_limit.try_use(asker)  # counted on arrival
        where = place_of(interaction)
        ask = functools.partial(self.bot.assistant.ask, question, where)
        answering = asyncio.ensure_future(self.bot.off_loop(ask, asker))
        try:
            reply = await asyncio.wait_for(asyncio.shield(answering), ANSWER_WITHIN)
            if not allowed and not cautious(reply):
                remaining = self.bot.member_limit.remaining(asker)
                await tell(interaction, SLOW_DOWN.format(seconds=max(remaining, 1)))
                return
        except TimeoutError:
            # Discord drops an interaction not answered within 3 s: when answering queues
            # behind a flood, acknowledge first and send the reply privately once it's ready.
            await interaction.response.defer(ephemeral=True, thinking=True)
            reply = await answering
            if not allowed and not cautious(reply):
                remaining = self.bot.member_limit.remaining(asker)
                await interaction.followup.send(
                    SLOW_DOWN.format(seconds=max(remaining, 1)), ephemeral=True
                )
                return
            sent = await interaction.followup.send(
                embed=self._embed(reply, question),
                view=answer_view(reply, asker),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
                wait=True,
            )
            message_id: int | None = sent.id
        else:
            response = await interaction.response.send_message(
                embed=self._embed(reply, question),
                view=answer_view(reply, asker),
                ephemeral=reply.outcome is not Outcome.ANSWER,
                allowed_mentions=NO_MENTIONS,
            )
            message_id = getattr(response.resource, "id", None)
        self.bot.assistant.shown(where, question, reply, message_id)
        await self._record(asker, interaction.channel_id, message_id, question, reply)


async def setup(bot: MovementBot) -> None:
    """Load the answers extension, and the buttons under replies that answer with another."""
    bot.add_dynamic_items(PickButton, FullButton, RelatedSelect, ScreenButton)
    await bot.add_cog(Answers(bot))
