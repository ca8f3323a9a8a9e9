"""Fixed wording shared by every front end, so the console and Discord say the same thing."""

from __future__ import annotations

from bot.engine import Entry

ABSTAIN = (
    "I don't know that one: the article I answer from doesn't cover it, and I'd rather say so "
    "than guess. Try `/topics` to see what I can help with, or ask a moderator."
)
NOT_COVERED = (
    "The article I answer from doesn't cover {topic}, so I won't guess. A physio or coach who "
    "can see you is the right person for that; `/topics` shows what I can help with."
)
DID_YOU_MEAN = "I'm not sure I understood. Did you mean one of these?"
SAFETY_FOOTER = "I can't give exercise advice for this. Please get it checked first."
SCREEN_TITLE = "Before I suggest any exercises"
SCREEN_QUESTION = "Does any of these apply to you?"
SCREEN_YES = "Yes, one of these"
SCREEN_NO = "No, none of these"
PRIVACY = (
    "Privacy: I keep questions I couldn't answer and feedback votes for up to the retention "
    "period so moderators can improve me; `/forget-me` deletes yours."
)
HOW_TO_ASK = (
    "Mention me with a question, DM me, or use `/ask`. `/routine` walks you through the three "
    "exercises, `/exercise` shows one in full, `/topics` lists everything I know."
)
WHAT_I_DO = (
    "I answer questions about outside-knee (IT band) pain from the blog's article: why it "
    "happens, why stretching and foam rolling the IT band don't fix it, and the three "
    "exercises that address the root cause."
)


def abstain_text(not_covered: str | None) -> str:
    """The "I don't know" wording, naming the subject when the article doesn't cover it."""
    return NOT_COVERED.format(topic=not_covered) if not_covered else ABSTAIN


def dose_text(entry: Entry) -> str:
    """The dose of an exercise on one line, exactly as the knowledge base states it."""
    if entry.dose is None:
        return ""
    dose = entry.dose
    parts = [
        f"{label}: {value}"
        for label, value in (
            ("Sets", dose.sets),
            ("Reps", dose.reps),
            ("Duration", dose.duration),
            ("Tempo", dose.tempo),
        )
        if value
    ]
    if dose.note:
        parts.append(dose.note)
    return " · ".join(parts)


def link_lines(entry: Entry) -> list[str]:
    """One line per link of an entry; links nobody has filled in say whom to ask."""
    return [
        f"{link.label}: {link.url or 'not shared here yet, ask a moderator'}"
        for link in entry.links
    ]


def numbered(lines: list[str]) -> str:
    """``1. first`` / ``2. second`` ... one per line."""
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))
