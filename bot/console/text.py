"""Plain-text rendering of replies, for the command line and the console chat."""

from __future__ import annotations

from bot.conversation.wording import (
    DID_YOU_MEAN,
    HOW_TO_ASK,
    PRIVACY,
    SAFETY_FOOTER,
    SCREEN_QUESTION,
    SCREEN_TITLE,
    WHAT_I_DO,
    abstain_text,
    dose_text,
    link_lines,
    numbered,
)
from bot.engine import Entry, KnowledgeBase, Outcome, Reply


def _exercise_lines(entry: Entry) -> list[str]:
    lines = [f"Why: {entry.purpose}", "How to do it:", numbered(entry.steps)]
    lines.append(f"Dose: {dose_text(entry)}")
    if entry.cues:
        lines.append("Cues: " + "; ".join(entry.cues))
    if entry.feel:
        lines.append(f"What you should feel: {entry.feel}")
    return lines


def _routine_lines(reply: Reply) -> list[str]:
    lines = []
    for number, exercise in enumerate(reply.routine, start=1):
        lines.append(f"{number}. {exercise.title}: {dose_text(exercise)}")
        lines += [f"   - {cue}" for cue in exercise.cues[:3]]
    return lines


def render(reply: Reply) -> str:
    """A reply as readable text."""
    if reply.outcome is Outcome.SAFETY and reply.tier is not None:
        return "\n".join([f"⚠ {reply.tier.title}", reply.tier.response, SAFETY_FOOTER])
    if reply.outcome is Outcome.SCREEN:
        signs = [f"  - {sign}" for sign in reply.signs]
        return "\n".join([SCREEN_TITLE, SCREEN_QUESTION, *signs, "Answer y or n."])
    if reply.outcome is Outcome.ABSTAIN or reply.entry is None:
        if reply.suggestions:
            options = [f"  - {topic.title} ({topic.id})" for topic in reply.suggestions]
            return "\n".join([DID_YOU_MEAN, *options])
        return abstain_text(reply.not_covered)
    entry = reply.entry
    lines = [entry.title, "", entry.body]
    if entry.is_exercise:
        lines += ["", *_exercise_lines(entry)]
    if reply.routine:
        lines += ["", *_routine_lines(reply)]
    if entry.links:
        lines += ["", *link_lines(entry)]
    if reply.related:
        lines += ["", "Related: " + ", ".join(topic.title for topic in reply.related)]
    lines += ["", f"Source: the article, “{reply.source}”. {reply.disclaimer}"]
    return "\n".join(lines)


def render_topics(knowledge: KnowledgeBase) -> str:
    """Everything the bot knows, one line per entry."""
    return "\n".join(
        f"- {entry.title} ({entry.id}): {entry.summary}" for entry in knowledge.entries.values()
    )


def render_help() -> str:
    """What the bot does and how to use it."""
    return "\n\n".join([WHAT_I_DO, HOW_TO_ASK, PRIVACY])
