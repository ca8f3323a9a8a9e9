"""Answering a member's message on Discord: read it, ask the conversation layer, reply.

One path for every way a message gets answered: a mention, a DM, a help channel, a forum post,
or a moderator or helper asking the bot to answer it. The member's own limits apply (the burst
limit, the held-back repeats, the passive bar and the repeat guard for unaddressed messages),
and the safety hold is the conversation layer's: a red flag is never held back.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from bot.conversation.assistant import cautious, stays_silent
from bot.conversation.memory import Place
from bot.discord_ui.embeds import reply_embed
from bot.discord_ui.interactions import NO_MENTIONS
from bot.discord_ui.reply_view import answer_view
from bot.engine import Outcome, Reply
from bot.store import StoreError

if TYPE_CHECKING:
    from bot.discord_ui.client import MovementBot

log = logging.getLogger(__name__)


def forum_post(message: discord.Message, forum_channels: frozenset[int]) -> bool:
    """Whether ``message`` opens a post in one of ``forum_channels``."""
    channel = message.channel
    return (
        isinstance(channel, discord.Thread)
        and channel.parent_id in forum_channels
        and message.id == channel.id  # a forum post's first message has the thread's id
    )


def _with_own_earlier(message: discord.Message, question: str) -> str:
    """The question, after the member's own message it replies to, if it replies to one.

    "it's worse now" replying to "my knee swelled up after the fall" is read as both.
    """
    reference = message.reference
    earlier = reference.resolved if reference is not None else None
    if isinstance(earlier, discord.Message) and earlier.author.id == message.author.id:
        return f"{question}\n{earlier.content}".strip()  # the new words first, read whole
    return question


class MessageAnswering:
    """Answers members' messages with the bot's engine, conversations and limits."""

    def __init__(self, bot: MovementBot) -> None:
        """Answer with ``bot``'s conversation layer, store, settings and limits."""
        self.bot = bot
        self._in_flight: dict[tuple[Place, str, object], asyncio.Future[Reply]] = {}

    def question_of(self, message: discord.Message) -> str:
        """What ``message`` asks, as the engine reads it.

        Its words without the bot's mention, after a forum post's title, before the member's
        own earlier message it replies to.
        """
        question = self._without_my_mention(message.content)
        channel = message.channel
        if forum_post(message, self.bot.settings_in(message.guild).forum_channels) and isinstance(
            channel, discord.Thread
        ):
            question = f"{channel.name}\n{question}".strip()
        return _with_own_earlier(message, question)

    def _without_my_mention(self, content: str) -> str:
        me = self.bot.user
        if me is None:
            return content
        for token in (f"<@{me.id}>", f"<@!{me.id}>"):
            content = content.replace(token, " ")
        return " ".join(content.split())

    async def answer(
        self, message: discord.Message, *, addressed: bool, requested: bool = False
    ) -> Reply | None:
        """Reply to ``message`` as its author asked it; the reply sent, or ``None`` if none was.

        None: held back over the member's burst limit, or (not ``addressed``) not worth
        answering passively. A safety reply or a screen is never held back. An answer
        ``requested`` by a moderator or helper gets votes only its author may cast.
        """
        question = self.question_of(message)
        author = message.author.id
        where = Place(author, message.channel.id)
        replying_to = message.reference.message_id if message.reference else None
        # The engine applies its own passive bar; one set lower with /setup is applied below.
        bar = self.bot.settings_in(message.guild).passive_bar
        ask = functools.partial(
            self.bot.assistant.ask,
            question,
            where,
            passive=not addressed and bar >= self.bot.engine.thresholds.passive,
            replying_to=replying_to,
        )
        held_back, limit = self.bot.held_back, self.bot.member_limit
        state = self.bot.assistant.reading_state(where, replying_to)
        if limit.remaining(author) > 0 and held_back.repeats(where, question, state):
            return None  # read once already: no red flag
        # An addressed message is counted on arrival, so a flood arriving faster than it is
        # read can't slip past the limit; one over it is still read (a red flag is never held
        # back), once for all its copies in flight.
        allowed = addressed and limit.try_use(author)
        if addressed and not allowed:
            reply = await self._read_once((where, question, state), ask, author)
        else:
            reply = await self.bot.off_loop(ask, author)
        if not addressed and not self._worth_answering_passively(message, question, reply, bar):
            return None
        # An unaddressed answer is checked and counted once read, on the loop. A safety reply
        # or a screen is never held back, whatever the limit.
        if not (allowed or (not addressed and limit.try_use(author))) and not cautious(reply):
            if self.bot.assistant.reading_state(where, replying_to) == state:
                held_back.remember(where, question, state)  # read in the state it's kept with
            return None
        held_back.forget(where)
        await self._send(message, question, reply, requested)
        return reply

    async def _read_once(
        self, key: tuple[Place, str, object], ask: Callable[[], Reply], author: int
    ) -> Reply:
        """``ask()``'s reply, read once for every copy of one message in flight at a time."""
        reading = self._in_flight.get(key)
        if reading is None:
            reading = asyncio.ensure_future(self.bot.off_loop(ask, author, background=True))
            self._in_flight[key] = reading
            reading.add_done_callback(lambda _: self._in_flight.pop(key, None))
        return await asyncio.shield(reading)

    async def _send(
        self, message: discord.Message, question: str, reply: Reply, requested: bool
    ) -> None:
        """Post ``reply`` as a reply to ``message``, with its author's buttons; keep it."""
        author = message.author.id
        sent = await message.reply(
            embed=self.embed(reply, question),
            view=answer_view(reply, author, requested=requested),
            mention_author=False,
            allowed_mentions=NO_MENTIONS,
        )
        self.bot.recent_replies.add(message.id, sent.jump_url)
        self.bot.assistant.shown(Place(author, message.channel.id), question, reply, sent.id)
        if question:  # a bare mention is greeted, and not kept as a question
            await self.record(author, message.channel.id, sent.id, question, reply)

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

    def embed(self, reply: Reply, question: str) -> discord.Embed:
        """The embed for ``reply`` to ``question``, with the commands it names linked."""
        return self.bot.linked(reply_embed(reply, question, self.bot.engine.knowledge))

    async def record(
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
