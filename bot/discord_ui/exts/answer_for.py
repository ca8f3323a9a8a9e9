"""The message command "Answer with the bot": have the bot answer another member's message.

Right-click a message -> Apps -> "Answer with the bot". The bot answers it as if its author
had mentioned the bot, on the same path (:class:`~bot.discord_ui.answering.MessageAnswering`):
the member's conversation and safety hold, their burst limit, safety first. A message the bot
has answered already (or is answering for another helper) is not answered twice. The reply goes
under the member's message, in its thread if it is in one, and its buttons are the member's.
Whoever asked is told privately what was done, or why not.
"""

from __future__ import annotations

from typing import assert_never

import discord
from discord import app_commands
from discord.ext import commands

from bot.conversation.message_shape import is_yes_or_no
from bot.discord_ui.answering import MessageAnswering
from bot.discord_ui.client import MovementBot
from bot.discord_ui.interactions import NO_MENTIONS, tell
from bot.discord_ui.permissions import may_answer_for_others
from bot.engine import Outcome, Reply

COMMAND_NAME = "Answer with the bot"
NOT_FOR_YOU = "Only moderators and helpers can have the bot answer a message."
MY_OWN = "That's my own message: I answer members' messages."
A_BOTS = "That message is a bot's: I answer members' messages."
EMPTY = "There's nothing to answer in that message: it has no words."
YES_OR_NO = (
    "That message is a yes or a no: only the member answers a screening question, with its "
    "buttons or in their own words."
)
ALREADY = "I've answered that message already: {link}"
IN_HAND = "I'm answering that message already."
HELD_BACK = "Not answered: {member} has just had several answers. Try again in {seconds:.0f} s."
TOLD_SAFETY = "Answered with the safety advice: the message reads as a red flag, so no exercise."
TOLD_SCREEN = (
    "Answered with the screening question: it may be a red flag, and only the member can answer it."
)
ANSWERED = "Answered."


def what_was_done(reply: Reply) -> str:
    """What the moderator or helper is told of the bot's ``reply``: a red flag is said as such."""
    match reply.outcome:
        case Outcome.SAFETY:
            return TOLD_SAFETY
        case Outcome.SCREEN:
            return TOLD_SCREEN
        case Outcome.ANSWER | Outcome.ABSTAIN | Outcome.SMALL_TALK:
            return ANSWERED
        case _ as unreachable:
            assert_never(unreachable)


class AnswerFor(commands.Cog):
    """The "Answer with the bot" message command, for moderators and helpers."""

    def __init__(self, bot: MovementBot) -> None:
        """Answer on ``bot``'s path; shown to all only when roles Discord can't see decide.

        Discord hides a command by permission only: with a moderator or helper role set by
        id, the command is offered to everyone and checked when run; otherwise it is offered
        to members with Manage Server, as ``/kb`` is.
        """
        self.bot = bot
        self.answering = MessageAnswering(bot)
        self._in_hand: set[int] = set()
        self.menu = app_commands.ContextMenu(
            name=COMMAND_NAME,
            callback=self.answer_for,
            allowed_contexts=app_commands.AppCommandContext(guild=True),
        )
        if not bot.live.set_anywhere("MODERATOR_ROLE_ID") and bot.settings.helper_role_id is None:
            self.menu.default_permissions = discord.Permissions(manage_guild=True)

    async def cog_load(self) -> None:
        """Add the message command to the bot's commands."""
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Take the message command away with the extension."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def answer_for(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Answer ``message`` for its author; tell whoever asked, privately, how it went."""
        refusal = self._refusal(interaction, message)
        if refusal is not None:
            await tell(interaction, refusal)
            return
        self._in_hand.add(message.id)  # two helpers at once: the second is told, not answered
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            reply = await self.answering.answer(message, addressed=True, requested=True)
        finally:
            self._in_hand.discard(message.id)
        await interaction.followup.send(
            self._told(reply, message.author), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    def _refusal(self, interaction: discord.Interaction, message: discord.Message) -> str | None:
        """Why the bot won't answer ``message`` for this member, if it won't."""
        if not may_answer_for_others(interaction, self.bot.settings_in(interaction.guild)):
            return NOT_FOR_YOU
        me = self.bot.user
        if me is not None and message.author.id == me.id:
            return MY_OWN
        if message.author.bot or message.webhook_id is not None:
            return A_BOTS
        link = self.bot.recent_replies.link(message.id)
        if link is not None:
            return ALREADY.format(link=link)
        if message.id in self._in_hand:
            return IN_HAND
        question = self.answering.question_of(message)
        if not question:
            return EMPTY
        if is_yes_or_no(question):
            return YES_OR_NO
        return None

    def _told(self, reply: Reply | None, member: discord.abc.User) -> str:
        """What the moderator or helper is told once the bot answered, or held back."""
        if reply is None:
            seconds = max(self.bot.member_limit.remaining(member.id), 1)
            return HELD_BACK.format(member=member.mention, seconds=seconds)
        return what_was_done(reply)


async def setup(bot: MovementBot) -> None:
    """Load the "Answer with the bot" message command."""
    await bot.add_cog(AnswerFor(bot))
