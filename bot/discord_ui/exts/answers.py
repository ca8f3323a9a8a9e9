"""Answers: mentions, DMs, passive answers in help channels, and ``/ask``."""

from __future__ import annotations

import asyncio
import functools

import discord
from discord import app_commands
from discord.ext import commands

from bot.conversation.assistant import cautious
from bot.discord_ui.answering import MessageAnswering, forum_post
from bot.discord_ui.client import MovementBot
from bot.discord_ui.interactions import NO_MENTIONS, place_of, tell
from bot.discord_ui.reply_view import (
    FullButton,
    PickButton,
    RelatedSelect,
    ScreenButton,
    answer_view,
)
from bot.engine import Outcome

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
        self.answering = MessageAnswering(bot)

    def _addressed(self, message: discord.Message) -> bool:
        me = self.bot.user
        return message.guild is None or (me is not None and me.id in message.raw_mentions)

    def _passive_channel(self, message: discord.Message) -> bool:
        """A help channel, or a thread in a help or forum channel (a post's follow-ups)."""
        if message.guild is None:
            return False
        settings = self.bot.settings_in(message.guild)
        channel = message.channel
        if isinstance(channel, discord.Thread):
            return channel.parent_id in {*settings.answer_channels, *settings.forum_channels}
        return channel.id in settings.answer_channels

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer mentions and DMs; in help channels and forum posts, confident questions."""
        if message.author.bot or message.webhook_id is not None:
            return
        addressed = self._addressed(message)
        opens_post = forum_post(message, self.bot.settings_in(message.guild).forum_channels)
        if not addressed and not opens_post and not self._passive_channel(message):
            return
        reply = await self.answering.answer(message, addressed=addressed)
        if reply is None and addressed:  # an addressed message is only ever held back
            await message.add_reaction(LIMITED_EMOJI)

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
                embed=self.answering.embed(reply, question),
                view=answer_view(reply, asker),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
                wait=True,
            )
            message_id: int | None = sent.id
        else:
            response = await interaction.response.send_message(
                embed=self.answering.embed(reply, question),
                view=answer_view(reply, asker),
                ephemeral=reply.outcome is not Outcome.ANSWER,
                allowed_mentions=NO_MENTIONS,
            )
            message_id = getattr(response.resource, "id", None)
        self.bot.assistant.shown(where, question, reply, message_id)
        await self.answering.record(asker, interaction.channel_id, message_id, question, reply)


async def setup(bot: MovementBot) -> None:
    """Load the answers extension, and the buttons under replies that answer with another."""
    bot.add_dynamic_items(PickButton, FullButton, RelatedSelect, ScreenButton)
    await bot.add_cog(Answers(bot))
