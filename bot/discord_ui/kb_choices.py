"""What ``/kb`` offers as you type: rows up for review, red-flag tiers, entries, taught phrasings.

Discord runs an autocomplete without the cog's interaction check, so each of these offers
nothing to anyone but moderators: members' questions are health data and the knowledge base is
the moderators'.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.discord_ui.embeds import clip
from bot.discord_ui.interactions import bot_of
from bot.discord_ui.permissions import is_moderator
from bot.engine import KnowledgeBase
from bot.engine.normalise import comparable
from bot.store import Ask

CHOICE_LIMIT = 25
CHOICE_NAME_LIMIT = 100
CHOICE_VALUE_LIMIT = 100
"""Discord's longest autocomplete value: a longer taught phrasing is offered by its start."""
C = TypeVar("C")
Choices = Callable[[discord.Interaction, str], Awaitable[list[C]]]


def _for_moderators(choices: Choices[C]) -> Choices[C]:
    """``choices``, offered to moderators only: anyone else is offered nothing."""

    @functools.wraps(choices)
    async def offered(interaction: discord.Interaction, current: str) -> list[C]:
        if not is_moderator(interaction, bot_of(interaction).settings_in(interaction.guild)):
            return []
        return await choices(interaction, current)

    return offered


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


async def _rows(interaction: discord.Interaction, current: str) -> list[Ask]:
    """The stored questions up for review that match what was typed."""
    bot = bot_of(interaction)
    asks = await asyncio.to_thread(bot.store.unanswered, bot.settings.retention_days)
    return _distinct(asks, str(current))


def _row_name(ask: Ask) -> str:
    return clip(f"#{ask.id} {ask.text}", CHOICE_NAME_LIMIT)


@_for_moderators
async def unanswered_rows(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Stored questions up for review containing what was typed, as ``#id``, newest first."""
    asks = await _rows(interaction, current)
    return [app_commands.Choice(name=_row_name(ask), value=f"#{ask.id}") for ask in asks]


@_for_moderators
async def row_ids(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
    """The same rows, by their id."""
    asks = await _rows(interaction, current)
    return [app_commands.Choice(name=_row_name(ask), value=ask.id) for ask in asks]


@_for_moderators
async def tier_ids(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The red-flag tiers whose id or title contains what was typed."""
    typed = current.casefold()
    return [
        app_commands.Choice(
            name=clip(f"{tier.title} ({tier.id})", CHOICE_NAME_LIMIT), value=tier.id
        )
        for tier in bot_of(interaction).engine.knowledge.safety_tiers
        if typed in tier.id or typed in tier.title.casefold()
    ][:CHOICE_LIMIT]


@_for_moderators
async def entry_ids(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Entries ranked by the matcher for what was typed (all entries when empty)."""
    bot = bot_of(interaction)
    knowledge = bot.engine.knowledge
    typed = current.strip().lower()
    ids = list(knowledge.entries)
    if typed:
        ranked = [candidate.entry.id for candidate in bot.engine.search(current, limit=10)]
        prefix = [entry_id for entry_id in ids if entry_id.startswith(typed)]
        ids = list(dict.fromkeys([*prefix, *ranked]))
    return [
        app_commands.Choice(
            name=clip(f"{knowledge.entries[i].title} ({i})", CHOICE_NAME_LIMIT), value=i
        )
        for i in ids[:CHOICE_LIMIT]
    ]


@_for_moderators
async def taught_questions(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Taught phrasings containing what was typed, newest first."""
    wanted = current.casefold()
    learned = [
        item
        for item in reversed(bot_of(interaction).engine.knowledge.learned)
        if wanted in item.question.casefold()
    ]
    return [
        app_commands.Choice(
            name=clip(f"{item.question} → {item.entry}", CHOICE_NAME_LIMIT),
            value=item.question[:CHOICE_VALUE_LIMIT],
        )
        for item in learned[:CHOICE_LIMIT]
    ]


def taught_phrasing(knowledge: KnowledgeBase, picked: str) -> str:
    """The whole taught phrasing a choice of :func:`taught_questions` (cut short) stands for."""
    if len(picked) < CHOICE_VALUE_LIMIT:
        return picked
    starting = [item.question for item in knowledge.learned if item.question.startswith(picked)]
    return starting[0] if len(starting) == 1 else picked
