"""Fixed wording shared by every front end, so the console and Discord say the same thing."""

from __future__ import annotations

from bot.engine import Entry, Reply
from bot.engine.model import SafetyTier
from bot.engine.reply import Part, SmallTalk

ABSTAIN = (
    "I don't know that one: the article I answer from doesn't cover it, and I'd rather say so "
    "than guess. Try `/topics` to see what I can help with, or ask a moderator."
)
NOT_COVERED = (
    "The article I answer from doesn't cover {topic}, so I won't guess. A physio or coach who "
    "can see you is the right person for that; `/topics` shows what I can help with."
)
DID_YOU_MEAN = "I'm not sure I understood. Did you mean one of these?"
SAFETY_FOOTER = "This bot's own safety guidance, not the article's · not medical advice."
RESTATED = (
    "I hear you, and I hope it's nothing. But what you told me earlier is still worth having "
    "checked before any exercise, so I'll keep to this:"
)
SMALL_TALK: dict[SmallTalk, str] = {
    "greeting": (
        "Hi! Ask me anything about outside-knee (IT band) pain, or try `/routine` for the "
        "article's three exercises."
    ),
    "thanks": "You're welcome! Ask again any time.",
    "ack": "👍 Anything else, just ask.",
    "goodbye": "Take care! I'm here whenever you have another question.",
}
FULL_EXERCISE = "Full exercise"
FULL_EXPLANATION = "Full explanation"
SHORT_LIMIT = 600
"""A short answer's length aim, title and footer included, before the buttons."""
LEAD_LIMIT = 420
"""The longest lead a short answer shows; a longer paragraph is cut at a sentence end."""
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


def full_label(entry: Entry) -> str:
    """The label of the button (or console word) that shows the whole entry."""
    return FULL_EXERCISE if entry.is_exercise else FULL_EXPLANATION


def within(text: str, limit: int) -> str:
    """``text`` cut at the last sentence end before ``limit`` characters (an ellipsis if cut)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return (cut[: end + 1] if end > 0 else cut.rstrip()) + " …"


def _lead(entry: Entry, part: Part | None, routine: tuple[Entry, ...]) -> str:
    """What a short answer about ``entry`` says first: the part that answers the question."""
    if entry.kind == "routine":
        return "\n".join(
            f"{number}. {exercise.title}: {dose_text(exercise)}"
            for number, exercise in enumerate(routine, start=1)
        )
    if part is None or part.kind == "summary":
        if entry.is_exercise:
            return "\n".join([numbered(entry.steps), f"Dose: {dose_text(entry)}"])
        return entry.summary
    if part.kind == "dose":
        return f"Dose: {part.text}"
    if part.kind == "feel":
        return f"What you should feel: {part.text}"
    if part.kind == "step":
        verdict = f"**{part.verdict}.** " if part.verdict else ""
        return f"{verdict}Step {part.index + 1} of {len(entry.steps)}: {part.text}"
    return within(part.text, LEAD_LIMIT)


def short_answer(reply: Reply) -> str:
    """The text of a short answer: each part asked about, and what the article doesn't cover.

    "should i ice it and how many sets of the leg curl?" reads "The article doesn't cover
    icing. For the prone leg curl...: Dose: ...".
    """
    answers = [reply, *reply.also]
    several = len(answers) > 1 or reply.not_covered is not None
    lines = [f"The article doesn't cover {reply.not_covered}."] if reply.not_covered else []
    for answer in answers:
        if answer.entry is None:
            continue
        lead = _lead(answer.entry, answer.part, answer.routine)
        if answer.entry.links:
            lead = "\n".join([lead, *link_lines(answer.entry)])
        lines.append(f"**{answer.entry.title}**\n{lead}" if several else lead)
    return "\n\n".join(lines)


def safety_text(tier: SafetyTier | None, restated: bool) -> str:
    """The safety reply: the tier's response (its action first), said once."""
    response = tier.response.strip() if tier else "Please get this checked before exercising."
    return f"{RESTATED}\n\n{response}" if restated else response


def dose_text(entry: Entry) -> str:
    """The dose of an exercise on one line, exactly as the knowledge base states it."""
    return entry.dose.summary() if entry.dose else ""


def link_lines(entry: Entry) -> list[str]:
    """One line per link of an entry; links nobody has filled in say whom to ask."""
    return [
        f"{link.label}: {link.url or 'not shared here yet, ask a moderator'}"
        for link in entry.links
    ]


def numbered(lines: list[str]) -> str:
    """``1. first`` / ``2. second`` ... one per line."""
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))
