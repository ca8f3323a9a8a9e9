"""Discord rendering: Replies as embeds, always inside Discord's size limits.

Limits are enforced in one place, :func:`fit`, whatever the knowledge base holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import assert_never

import discord

from bot.conversation.wording import (
    DID_YOU_MEAN,
    PRIVACY,
    SAFETY_FOOTER,
    SCREEN_TITLE,
    abstain_text,
    dose_text,
    exercises_named,
    how_to_ask,
    link_lines,
    numbered,
    routine_lines,
    safety_text,
    screen_question,
    short_answer,
    small_talk_text,
    source_line,
    what_i_do,
)
from bot.engine import DISCLAIMER, Entry, KnowledgeBase, Outcome, Reply

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000

ANSWER_COLOUR = discord.Colour.teal()
SAFETY_COLOUR = discord.Colour.red()
ABSTAIN_COLOUR = discord.Colour.light_grey()
SCREEN_COLOUR = discord.Colour.orange()

ASKED_FIELD = "You asked"
"""The screening question's field holding the member's question, read back on "No"."""
CODE_FENCE = "```"
BROKEN_FENCE = "``\u200b`"
"""A fence inside the question, broken by a zero-width space so the code block holds."""
ASKED_LIMIT = FIELD_VALUE_LIMIT - len(f"{CODE_FENCE}\n\n{CODE_FENCE}")


_COMMAND = re.compile(r"`/([a-z][a-z-]{0,31})`")


def link_commands(embed: discord.Embed, mentions: Mapping[str, str]) -> discord.Embed:
    """``embed`` with each `` `/name` `` it names turned into a clickable command mention.

    ``mentions`` maps command names to Discord's ``</name:id>``; a name it lacks stays as
    written (before the commands are synced, or for one this bot doesn't have). A member's
    quoted question is left exactly as they wrote it.
    """

    def mention(found: re.Match[str]) -> str:
        return mentions.get(found[1], found[0])

    embed.description = _COMMAND.sub(mention, embed.description) if embed.description else None
    fields = [
        (
            field.name,
            field.value if field.name == ASKED_FIELD else _COMMAND.sub(mention, field.value or ""),
        )
        for field in embed.fields
    ]
    embed.clear_fields()
    for name, value in fields:
        embed.add_field(name=name, value=value, inline=False)
    return fit(embed)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _size(embed: discord.Embed) -> int:
    return len(embed)


def fit(embed: discord.Embed) -> discord.Embed:
    """Clip every part of ``embed`` to Discord's limits, dropping fields past the total."""
    embed.title = clip(embed.title or "", TITLE_LIMIT) or None
    embed.description = clip(embed.description or "", DESCRIPTION_LIMIT) or None
    fields = [
        (clip(field.name or "-", FIELD_NAME_LIMIT), clip(field.value or "-", FIELD_VALUE_LIMIT))
        for field in embed.fields[:FIELD_COUNT_LIMIT]
    ]
    embed.clear_fields()
    for name, value in fields:
        embed.add_field(name=name, value=value, inline=False)
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, FOOTER_LIMIT))
    while _size(embed) > TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if _size(embed) > TOTAL_LIMIT and embed.description:
        excess = _size(embed) - TOTAL_LIMIT
        embed.description = clip(embed.description, max(len(embed.description) - excess, 1))
    return embed


def _footer(reply: Reply) -> str:
    """Where a reply comes from: the article's section, or the bot's own safety guidance."""
    match reply.outcome:
        case Outcome.SAFETY | Outcome.SCREEN:
            return SAFETY_FOOTER
        case Outcome.ANSWER | Outcome.ABSTAIN | Outcome.SMALL_TALK:
            return source_line(reply.source, reply.disclaimer)
        case _ as unreachable:
            assert_never(unreachable)


def add_exercise_fields(embed: discord.Embed, entry: Entry) -> None:
    """Numbered steps, dose and feel of an exercise, one field each (each said once)."""
    embed.add_field(name="How to do it", value=numbered(entry.steps))
    embed.add_field(name="Dose", value=dose_text(entry))
    if entry.feel:
        embed.add_field(name="What you should feel", value=entry.feel)


def answer_embed(reply: Reply) -> discord.Embed:
    """A short answer: the part that answers what was asked, the rest a click away."""
    entry = reply.entry
    if entry is None:
        return abstain_embed(reply)
    several = bool(reply.also) or reply.not_covered is not None
    embed = discord.Embed(
        title=None if several else entry.title,
        description=short_answer(reply),
        colour=ANSWER_COLOUR,
    )
    embed.set_footer(text=_footer(reply))
    return fit(embed)


def entry_embed(reply: Reply) -> discord.Embed:
    """A whole entry: why, how, dose and feel of an exercise; the routine; a topic's body."""
    entry = reply.entry
    if entry is None:
        return abstain_embed(reply)
    description = entry.purpose or entry.body if entry.is_exercise else entry.body
    if entry.kind == "routine":
        description = entry.summary
    embed = discord.Embed(title=entry.title, description=description, colour=ANSWER_COLOUR)
    if entry.is_exercise:
        add_exercise_fields(embed, entry)
    if reply.routine:
        embed.description = "\n".join([entry.summary, "", *routine_lines(reply.routine)])
    if entry.links:
        embed.add_field(name="Links", value="\n".join(link_lines(entry)))
    embed.set_footer(text=_footer(reply))
    return fit(embed)


def safety_embed(reply: Reply) -> discord.Embed:
    """The red-flag response for the reply's tier, its action first: no exercise content."""
    tier = reply.tier
    title = tier.title if tier else "Please get this checked"
    embed = discord.Embed(
        title=f"⚠️ {title}",
        description=safety_text(tier, reply.restated),
        colour=SAFETY_COLOUR,
    )
    embed.set_footer(text=_footer(reply))
    return fit(embed)


def small_talk_embed(reply: Reply, knowledge: KnowledgeBase) -> discord.Embed:
    """A short friendly reply to a greeting, thanks, an acknowledgement or a goodbye."""
    text = small_talk_text(reply.small_talk or "ack", knowledge)
    return fit(discord.Embed(description=text, colour=ANSWER_COLOUR))


def quote_question(question: str) -> str:
    """``question`` as a code block: no markdown, links or mentions render from it.

    Clipped before fencing, so :func:`fit` never cuts the closing fence.
    """
    body = clip(question.replace(CODE_FENCE, BROKEN_FENCE), ASKED_LIMIT)
    return f"{CODE_FENCE}\n{body}\n{CODE_FENCE}"


def asked_question(embed: discord.Embed) -> str | None:
    """The question a screening embed quotes (as :func:`quote_question` wrote it), if any."""
    value = next((field.value for field in embed.fields if field.name == ASKED_FIELD), None)
    if value is None:
        return None
    body = value.removeprefix(f"{CODE_FENCE}\n").removesuffix(f"\n{CODE_FENCE}")
    return body.replace(BROKEN_FENCE, CODE_FENCE)


def screen_embed(reply: Reply, question: str) -> discord.Embed:
    """The screening question: the warning signs that fit, and the question to answer after.

    The question travels in the message itself, so the "No" button can answer it after a
    restart with nothing stored; it disappears once the member has answered.
    """
    signs = "\n".join(f"• {sign}" for sign in reply.signs)
    embed = discord.Embed(
        title=SCREEN_TITLE,
        description=f"{screen_question(reply)}\n{signs}",
        colour=SCREEN_COLOUR,
    )
    embed.add_field(name=ASKED_FIELD, value=quote_question(question))
    embed.set_footer(text=_footer(reply))
    return fit(embed)


def abstain_embed(reply: Reply) -> discord.Embed:
    """The "I don't know that one" embed, or "did you mean" when there are suggestions."""
    if reply.suggestions:
        lines = "\n".join(f"• {topic.title}" for topic in reply.suggestions)
        embed = discord.Embed(description=f"{DID_YOU_MEAN}\n{lines}", colour=ABSTAIN_COLOUR)
    else:
        embed = discord.Embed(description=abstain_text(reply), colour=ABSTAIN_COLOUR)
    return fit(embed)


def reply_embed(reply: Reply, question: str, knowledge: KnowledgeBase) -> discord.Embed:
    """The embed for any reply to ``question``, from the knowledge base it was answered from."""
    match reply.outcome:
        case Outcome.SAFETY:
            return safety_embed(reply)
        case Outcome.SCREEN:
            return screen_embed(reply, question)
        case Outcome.ANSWER:
            return answer_embed(reply)
        case Outcome.SMALL_TALK:
            return small_talk_embed(reply, knowledge)
        case Outcome.ABSTAIN:
            return abstain_embed(reply)
        case _ as unreachable:
            assert_never(unreachable)


def guide_embed(exercise: Entry, position: int, total: int) -> discord.Embed:
    """One step of the guided routine: an exercise in full."""
    embed = discord.Embed(
        title=f"{position}/{total} · {exercise.title}",
        description=exercise.summary,
        colour=ANSWER_COLOUR,
    )
    add_exercise_fields(embed, exercise)
    embed.set_footer(text=source_line(exercise.source, DISCLAIMER))
    return fit(embed)


def topics_embed(knowledge: KnowledgeBase) -> discord.Embed:
    """A short menu: how many topics there are, and the menu below to open one."""
    count, exercises = len(knowledge.entries), exercises_named(knowledge)
    embed = discord.Embed(
        title="What I can help with",
        description=f"{count} topics from the article, the {exercises} among them. "
        "Pick one below, or just ask me in your own words.",
        colour=ANSWER_COLOUR,
    )
    return fit(embed)


def help_embed(knowledge: KnowledgeBase) -> discord.Embed:
    """What the bot does, how to ask, the disclaimer and privacy."""
    embed = discord.Embed(
        title="About this bot", description=what_i_do(knowledge), colour=ANSWER_COLOUR
    )
    embed.add_field(name="How to ask", value=how_to_ask(knowledge))
    embed.add_field(name="Not medical advice", value=DISCLAIMER)
    embed.add_field(name="Privacy", value=PRIVACY)
    return fit(embed)
