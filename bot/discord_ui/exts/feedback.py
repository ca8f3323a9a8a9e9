"""Members' say on an answer: a vote on whether it helped, or its removal."""

from __future__ import annotations

import asyncio

import discord

from bot.discord_ui.client import MovementBot
from bot.discord_ui.interactions import bot_of, tell
from bot.discord_ui.permissions import is_moderator
from bot.discord_ui.persistent import ENTRY_ID, FLAG, MEMBER_ID, SHORT_ID, Persistent

NOT_YOURS = "Only the member who asked, or a moderator, can remove this answer."
NOT_YOUR_VOTE = "Only the member this answer was for can vote on it."


def _vote_button(helpful: bool) -> discord.ui.Button[discord.ui.View]:
    """The "Helpful" (``helpful``) or "Not helpful" button, as drawn."""
    return discord.ui.Button(
        label="Helpful" if helpful else "Not helpful",
        emoji="👍" if helpful else "👎",
        style=discord.ButtonStyle.secondary,
    )


class VoteButton(Persistent, custom_id="mb:vote:{helpful}:{entry}", helpful=FLAG, entry=ENTRY_ID):
    """The Helpful / Not helpful buttons under an answer; one vote per member, changeable."""

    @classmethod
    def voting(cls, helpful: bool, entry_id: str) -> VoteButton:
        """The "Helpful" (``helpful``) or "Not helpful" button for ``entry_id``."""
        return cls.made(_vote_button(helpful), helpful=int(helpful), entry=entry_id)

    async def handle(self, interaction: discord.Interaction) -> None:
        """Record or change the member's vote on this answer."""
        helpful, store = self.fields["helpful"] == "1", bot_of(interaction).store
        message_id = interaction.message.id if interaction.message else 0
        changed = await asyncio.to_thread(
            store.record_vote, message_id, interaction.user.id, self.fields["entry"], helpful
        )
        ups, downs = await asyncio.to_thread(store.votes_for, message_id)
        verdict = "helpful" if helpful else "not helpful"
        note = f"Changed your vote to {verdict}." if changed else f"Thanks, noted as {verdict}."
        note += f" Votes on this answer: 👍 {ups} · 👎 {downs}."
        if not helpful:
            note += " A moderator will look at how to answer this better."
        await tell(interaction, note)


# A 64-character entry id leaves room for any snowflake (20 digits) in the 100 characters.
class AskersVoteButton(
    VoteButton,
    custom_id="mb:vote:{helpful}:{entry}:{asker}",
    helpful=FLAG,
    entry=ENTRY_ID,
    asker=SHORT_ID,
):
    """The votes under an answer a moderator or helper had the bot give: the member's only.

    Whoever asked for the answer chose it; whether it helped is for the member to say.
    """

    @classmethod
    def voting_for(cls, helpful: bool, entry_id: str, asker_id: int) -> AskersVoteButton:
        """The "Helpful" (``helpful``) or "Not helpful" button only ``asker_id`` may click."""
        button = _vote_button(helpful)
        return cls.made(button, helpful=int(helpful), entry=entry_id, asker=asker_id)

    async def handle(self, interaction: discord.Interaction) -> None:
        """Record the member's vote; refuse anyone else's privately."""
        if interaction.user.id != int(self.fields["asker"]):
            await tell(interaction, NOT_YOUR_VOTE)
            return
        await super().handle(interaction)


class DeleteButton(Persistent, custom_id="mb:del:{asker}", asker=MEMBER_ID):
    """Removes the bot's answer; only the asker or a moderator may."""

    @classmethod
    def for_asker(cls, asker_id: int) -> DeleteButton:
        """A delete button that only ``asker_id`` (or a moderator) may use."""
        button = discord.ui.Button(label="Delete", emoji="🗑️", style=discord.ButtonStyle.danger)
        return cls.made(button, asker=asker_id)

    async def handle(self, interaction: discord.Interaction) -> None:
        """Delete the message, or refuse politely."""
        asker = interaction.user.id == int(self.fields["asker"])
        if not asker and not is_moderator(
            interaction, bot_of(interaction).settings_in(interaction.guild)
        ):
            await tell(interaction, NOT_YOURS)
            return
        await interaction.response.defer()
        await interaction.delete_original_response()


async def setup(bot: MovementBot) -> None:
    """Register the votes and Delete, so they work on every answer, even after a restart."""
    bot.add_dynamic_items(VoteButton, AskersVoteButton, DeleteButton)
