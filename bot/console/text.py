"""Plain-text rendering of replies, for the command line and the console chat."""

from __future__ import annotations

from typing import assert_never

from bot.conversation.wording import (
    DID_YOU_MEAN,
    SAFETY_FOOTER,
    SCREEN_TITLE,
    abstain_text,
    dose_text,
    exercises_named,
    full_label,
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
from bot.engine import Entry, KnowledgeBase, Outcome, Reply

CONSOLE_HOW_TO = (
    "Type a question, or /ask QUESTION. /routine shows the {exercises}, /exercise NAME "
    "one in full, /topics everything I know; `more` shows the whole of the last answer. The "
    "console stores nothing: the conversation lives only as long as this session."
)
MORE = "more"
"""What a console user types to read the whole entry of the last answer."""


def render(reply: Reply, knowledge: KnowledgeBase, *, offer_more: bool = False) -> str:
    """A reply as readable text: a short answer (saying how to read the whole entry)."""
    match reply.outcome:
        case Outcome.SAFETY:
            title = reply.tier.title if reply.tier else "Please get this checked"
            return "\n".join([f"⚠ {title}", safety_text(reply.tier, reply.restated), SAFETY_FOOTER])
        case Outcome.SCREEN:
            signs = [f"  - {sign}" for sign in reply.signs]
            return "\n".join([SCREEN_TITLE, screen_question(reply), *signs, "Answer y or n."])
        case Outcome.SMALL_TALK:
            return small_talk_text(reply.small_talk or "ack", knowledge)
        case Outcome.ANSWER if reply.entry is not None:
            return _answer(reply, reply.entry, offer_more)
        case Outcome.ANSWER | Outcome.ABSTAIN:
            return _abstain(reply)
        case _ as unreachable:
            assert_never(unreachable)


def _abstain(reply: Reply) -> str:
    """The "did you mean" list of suggestions, or "I don't know that one"."""
    if reply.suggestions:
        options = [f"  - {topic.title} ({topic.id})" for topic in reply.suggestions]
        return "\n".join([DID_YOU_MEAN, *options])
    return abstain_text(reply)


def _answer(reply: Reply, entry: Entry, offer_more: bool) -> str:
    """A short answer about ``entry``, with ``more`` offered when ``offer_more``."""
    heading = [] if reply.also or reply.not_covered else [entry.title, ""]
    more = [f"Type `{MORE}` for the {full_label(entry).lower()}."] if offer_more else []
    return "\n".join(
        [
            *heading,
            short_answer(reply).replace("**", ""),
            "",
            *more,
            source_line(reply.source, reply.disclaimer),
        ]
    )


def render_full(reply: Reply, knowledge: KnowledgeBase) -> str:
    """A whole entry: why, how, dose and feel of an exercise; the routine; a topic's body."""
    entry = reply.entry
    if entry is None:
        return render(reply, knowledge)
    lines = [entry.title, ""]
    if entry.is_exercise:
        lines += [(entry.purpose or "").strip(), "", "How to do it:", numbered(entry.steps)]
        lines.append(f"Dose: {dose_text(entry)}")
        if entry.feel:
            lines.append(f"What you should feel: {entry.feel}")
    elif reply.routine:
        lines.append(entry.summary)
        lines += routine_lines(reply.routine)
    else:
        lines.append(entry.body.strip())
    if entry.links:
        lines += ["", *link_lines(entry)]
    if reply.related:
        lines += ["", "Related: " + ", ".join(topic.title for topic in reply.related)]
    lines += ["", source_line(reply.source, reply.disclaimer)]
    return "\n".join(lines).replace("**", "")  # the bold marks are Discord's, not plain text


def render_topics(knowledge: KnowledgeBase) -> str:
    """Everything the bot knows, one short line per entry."""
    return "\n".join(f"- {entry.title} ({entry.id})" for entry in knowledge.entries.values())


def render_console_help(knowledge: KnowledgeBase) -> str:
    """What the bot does and how to use it here, in the console."""
    how_to = CONSOLE_HOW_TO.format(exercises=exercises_named(knowledge))
    return "\n\n".join([what_i_do(knowledge), how_to])
