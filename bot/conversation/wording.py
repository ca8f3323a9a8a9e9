"""Fixed wording shared by every front end, so the console and Discord say the same thing."""

from __future__ import annotations

from bot.engine import Entry, KnowledgeBase, Reply
from bot.engine.model import MODERATORS_SOURCE, SafetyTier
from bot.engine.reply import Part, SmallTalk

ABSTAIN = (
    "I don't know that one: the article I answer from doesn't cover it, and I'd rather say so "
    "than guess. Try `/topics` to see what I can help with, or ask a moderator."
)
NOT_COVERED = (
    "The article I answer from doesn't cover {topic}, so I won't guess. {ask_instead}; "
    "`/topics` shows what I can help with."
)
ASK_INSTEAD = "A physio or coach who can see you is the right person for that"
"""Who can answer a subject the article doesn't cover, unless its ``ask_instead`` says."""
ENGLISH_BEST = (
    "I read English best, and I couldn't read this well enough to answer it. Could you ask in "
    "English? `/topics` shows what I can help with."
)
SCREEN_ENGLISH_BEST = "I read English best, so to be safe I'm asking first."
CORRECTED = "Sorry, I misread you there. Here's the answer:"
FEEL_UNSAID = "The article doesn't say what you should feel in this one."
"""The lead when a member asks what an exercise should feel like and the article is silent."""
DID_YOU_MEAN = "I'm not sure I understood. Did you mean one of these?"
SAFETY_FOOTER = "This bot's own safety guidance, not the article's · not medical advice."
RESTATED = (
    "I hear you, and I hope it's nothing. But what you told me earlier is still worth having "
    "checked before any exercise, so I'll keep to this:"
)
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
"""Numbers said in words; from 10 on, in digits."""
_SMALL_TALK: dict[SmallTalk, str] = {
    "greeting": (
        "Hi! Ask me anything about outside-knee (IT band) pain, or try `/routine` for the "
        "article's {exercises}."
    ),
    "thanks": "You're welcome! Ask again any time.",
    "ack": "👍 Anything else, just ask.",
    "goodbye": "Take care! I'm here whenever you have another question.",
    "about": (
        "I'm this server's movement bot. I answer questions about outside-knee (IT band) pain "
        "from the blog's article: what the IT band is, foam rolling and stretching, why the knee "
        "hurts, and the article's {exercises} (`/routine`, `/exercise`). Ask in your own "
        "words, see `/topics` for what I cover, or `/help` for everything I can do. I'm a bot, "
        "not a clinician: for a new injury or worrying signs, see a professional."
    ),
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
    "Privacy: I keep every question you ask me (its first 500 characters, with your member id) "
    "and your feedback votes for up to the retention period, so moderators can see what I "
    "couldn't answer and which answers need work; `/forget-me` deletes yours at once. "
    "Conversations and safety holds live in memory only."
)
_HOW_TO_ASK = (
    "Mention me with a question, DM me, or use `/ask`. `/routine` walks you through the "
    "{exercises}, `/exercise` shows one in full, `/topics` lists everything I know."
)
_WHAT_I_DO = (
    "I answer questions about outside-knee (IT band) pain from the blog's article: why it "
    "happens, why stretching and foam rolling the IT band don't fix it, and the {exercises} "
    "that address the root cause."
)


def exercises_named(knowledge: KnowledgeBase) -> str:
    """How many exercises the routine has, as "three exercises" (in words up to nine).

    A knowledge base without a routine counts all its exercises.
    """
    routine = knowledge.routine()
    count = len(routine.routine) if routine else len(knowledge.exercises())
    number = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    return f"{number} exercise" if count == 1 else f"{number} exercises"


def small_talk_text(kind: SmallTalk, knowledge: KnowledgeBase) -> str:
    """The reply to small talk of ``kind``, naming what ``knowledge`` holds."""
    return _SMALL_TALK[kind].format(exercises=exercises_named(knowledge))


def how_to_ask(knowledge: KnowledgeBase) -> str:
    """How to ask the bot on Discord, and its commands."""
    return _HOW_TO_ASK.format(exercises=exercises_named(knowledge))


def what_i_do(knowledge: KnowledgeBase) -> str:
    """What the bot answers questions about, from ``knowledge``."""
    return _WHAT_I_DO.format(exercises=exercises_named(knowledge))


def abstain_text(reply: Reply) -> str:
    """The "I don't know" wording.

    It names the subject when the article doesn't cover it, or says the bot reads English
    best when the message was in another language.
    """
    if reply.not_covered:
        return NOT_COVERED.format(
            topic=reply.not_covered, ask_instead=reply.ask_instead or ASK_INSTEAD
        )
    return ENGLISH_BEST if reply.language else ABSTAIN


def screen_question(reply: Reply) -> str:
    """The screening question's opening line (saying why, for a message in another language)."""
    return f"{SCREEN_ENGLISH_BEST} {SCREEN_QUESTION}" if reply.language else SCREEN_QUESTION


def full_label(entry: Entry) -> str:
    """The label of the button (or console word) that shows the whole entry."""
    return FULL_EXERCISE if entry.is_exercise else FULL_EXPLANATION


def within(text: str, limit: int) -> str:
    """``text`` cut at the last sentence end before ``limit`` characters (an ellipsis if cut).

    With no sentence end in reach, at the last word end: never in the middle of a word.
    """
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 2, 1)]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if end > 0:
        return cut[: end + 1] + " …"
    whole_words = cut.endswith(" ") or text[len(cut)] == " "
    space = len(cut) if whole_words else cut.rfind(" ")
    return (cut[:space] if space > 0 else cut).rstrip() + " …"


def routine_lines(routine: tuple[Entry, ...]) -> list[str]:
    """The routine's exercises, one numbered line each with its dose."""
    return [
        f"{number}. {exercise.title}: {dose_text(exercise)}"
        for number, exercise in enumerate(routine, start=1)
    ]


def _lead(
    entry: Entry, part: Part | None, routine: tuple[Entry, ...], limit: int, compact: bool
) -> str:
    """What a short answer about ``entry`` says first: the part that answers the question.

    Within ``limit`` characters; ``compact`` (several parts share a reply) gives an exercise
    asked about as a whole its summary rather than every step.
    """
    if entry.kind == "routine":
        return "\n".join(routine_lines(routine))
    if part is None or part.kind == "summary":
        if entry.is_exercise and not compact:
            return "\n".join([numbered(entry.steps), f"Dose: {dose_text(entry)}"])
        return within(entry.summary, limit)
    if part.kind == "dose":
        return f"Dose: {part.text}"
    if part.kind == "feel" and not part.text and compact:
        return FEEL_UNSAID
    if part.kind == "feel" and not part.text:
        how = f"{FEEL_UNSAID} Here's how to do it:"
        return "\n".join([how, numbered(entry.steps), f"Dose: {dose_text(entry)}"])
    if part.kind == "feel":
        return f"What you should feel: {part.text}"
    if part.kind == "step":
        verdict = f"**{part.verdict}.** " if part.verdict else ""
        return f"{verdict}Step {part.index + 1} of {len(entry.steps)}: {part.text}"
    return within(part.text, limit)


def short_answer(reply: Reply) -> str:
    """The text of a short answer: each part asked about, and what the article doesn't cover.

    "should i ice it and how many sets of the leg curl?" reads "The article doesn't cover
    icing or heat." then the leg curl's dose. One part gets up to :data:`LEAD_LIMIT`
    characters; several share them, each in a compact lead.
    """
    answers = [(answer, answer.entry) for answer in (reply, *reply.also) if answer.entry]
    several = len(answers) > 1 or reply.not_covered is not None
    lines = [CORRECTED] if reply.corrected else []
    lines += [f"The article doesn't cover {reply.not_covered}."] if reply.not_covered else []
    title = "" if several or not answers else answers[0][1].title
    room = SHORT_LIMIT - len(title) - len(source_line(reply.source, reply.disclaimer))
    room -= sum(len(line) + 2 for line in lines)
    share = min(LEAD_LIMIT, room) // max(len(answers), 1)
    for answer, entry in answers:
        links = link_lines(entry)
        limit = share - sum(len(line) + 1 for line in links) - (len(entry.title) + 6) * several
        lead = "\n".join([_lead(entry, answer.part, answer.routine, limit - 1, several), *links])
        lines.append(f"**{entry.title}**\n{lead}" if several else lead)
    return "\n\n".join(lines)


def source_line(source: str | None, disclaimer: str) -> str:
    """Where an answer comes from: the article's section, and that it's not medical advice.

    An entry a moderator added says so instead: it is not the article's, nor health advice.
    """
    if source == MODERATORS_SOURCE:
        return f"{MODERATORS_SOURCE}."
    return f"Source: the article, “{source}” · {disclaimer}" if source else disclaimer


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
