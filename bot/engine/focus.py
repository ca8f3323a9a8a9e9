"""Which part of an entry answers what was asked: the dose, one step, the feel, a paragraph.

A short answer leads with that part ("how many sets?" gets the dose, "should I lock my knee
out at the top?" gets the step that says not to, with a plain "No"), and the whole entry is a
click away. The choice is read from the question's own words (dose and feel questions) and
otherwise from how close in meaning (or, without an encoder, in topic words) each step or
paragraph is to the question; when none stands out, the entry's summary answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.engine.model import Entry
from bot.engine.reply import Part

_DOSE = re.compile(
    r"\b(?:sets?|reps?|repetitions?|how (?:many|long|much|often|slow|fast)|seconds|secs?|"
    r"minutes?|mins?|tempo|dose|dosage|times a (?:day|week)|duration|frequency|just the once|"
    r"once or twice|round again)\b"
)
_FEEL = re.compile(
    r"\b(?:feel|feeling|felt|burn|burning|sore(?! (?:one|leg|side))|soreness|"
    r"(?:is )?(?:this|that|it) (?:is )?normal)\b"
)
"""What the member should feel: not "the sore one" (which leg), but "shin also, this normal?"."""
_PURPOSE = re.compile(
    r"\b(?:why|purpose|what(?:'?s| is) the point|what (?:is|does) (?:it|this|that) (?:for|do)|"
    r"what (?:it|this|that) does|(?:supposed|meant) to (?:fix|help|achieve|drive|change)|"
    r"good for what)\b"
)
_HOW_TO = re.compile(
    r"\bhow (?:do|should|can|would) (?:i|you|we) (?:do|perform|start)\b|\bhow to\b|"
    r"\b(?:form|steps|technique|instructions|walk me through)\b"
)
"""A question about the whole exercise ("how do I do the curtsy squat?"): all its steps."""
_INSTEAD = re.compile(r"\b(?:instead|rather|alternatives?|what (?:else|works|helps))\b")
_SAYS_WHAT_HELPS = re.compile(
    r"\bwhat (?:does|do|will|actually) (?:fix|help|work)|\binstead\b|\brecommend"
)
"""A paragraph that says what to do instead: "What does fix them, per the article, is..."."""
_YES_NO = re.compile(r"^(?:\S+ ){0,2}(?:should|shall|do|does|can|could|must|is it ok|is it fine)\b")
_NEGATION = re.compile(r"\b(?:without|don'?t|do not|never|avoid|not)\b(?P<what>[^,.;]*)")
SEMANTIC_BAR = 0.35
"""A step or paragraph leads only when its closeness to the question is this high..."""
SEMANTIC_LEAD = 0.02
"""...and this far ahead of the next one. Closeness is the cosine similarity of the two
embeddings plus ``WORD_WEIGHT`` for each topic word they share."""
WORD_WEIGHT = 0.05
LEXICAL_SHARE = 0.5
"""Without an encoder, a step or paragraph leads when it holds this share of the question's
topic words (and at least two), more than any other."""


@dataclass(frozen=True)
class Candidates:
    """The parts of one entry that can lead an answer, and their embeddings (if any)."""

    parts: tuple[Part, ...]
    vectors: np.ndarray | None = None


def paragraphs(body: str) -> list[str]:
    """An entry body's paragraphs, in order."""
    return [part.strip() for part in body.split("\n\n") if part.strip()]


def candidate_parts(entry: Entry) -> tuple[Part, ...]:
    """The steps of an exercise or the paragraphs of any other entry."""
    if entry.is_exercise:
        return tuple(Part("step", text, index) for index, text in enumerate(entry.steps))
    if entry.kind == "routine":
        return ()
    return tuple(
        Part("paragraph", text, index) for index, text in enumerate(paragraphs(entry.body))
    )


def _chosen_by_intent(entry: Entry, cleaned: str) -> Part | None:
    """The dose, the feel or the purpose when the question asks for exactly that.

    An exercise asked what to feel gets the feel part even when the article doesn't say
    (its text is then empty), so the answer can say so instead of repeating the steps.
    """
    if entry.kind == "routine":
        return Part("routine", entry.summary)
    if entry.dose is not None and _DOSE.search(cleaned):
        return Part("dose", entry.dose.summary())
    if entry.is_exercise and _FEEL.search(cleaned):
        return Part("feel", entry.feel or "")  # empty: asked, and the article doesn't say
    if entry.purpose and _PURPOSE.search(cleaned):
        return Part("purpose", entry.purpose.strip())
    if entry.is_exercise and _HOW_TO.search(cleaned):
        return Part("summary", entry.summary)
    return None


def _by_meaning(vectors: np.ndarray, vector: np.ndarray, shared: list[int]) -> int | None:
    similarity = vectors @ vector + WORD_WEIGHT * np.array(shared)
    order = np.argsort(-similarity, kind="stable")
    best = float(similarity[order[0]])
    runner_up = float(similarity[order[1]]) if len(order) > 1 else -1.0
    return int(order[0]) if best >= SEMANTIC_BAR and best - runner_up >= SEMANTIC_LEAD else None


def _by_words(shares: list[int], asked: int) -> int | None:
    best = max(shares)
    if best < 2 or best / max(asked, 1) < LEXICAL_SHARE or shares.count(best) > 1:
        return None
    return shares.index(best)


def _what_helps(parts: Sequence[Part]) -> int | None:
    """The paragraph that says what to do instead, when exactly one does."""
    found = [part.index for part in parts if _SAYS_WHAT_HELPS.search(part.text.casefold())]
    return found[0] if len(found) == 1 else None


def verdict(cleaned: str, step: str, content: Callable[[str], set[str]]) -> str | None:
    """The verdict "No" when a yes/no question asks about doing what ``step`` says not to do."""
    if not _YES_NO.match(cleaned) or _NEGATION.search(cleaned):
        return None
    negated = _NEGATION.search(step.casefold())
    if negated is None:
        return None
    return "No" if content(negated["what"]) & content(cleaned) else None


def focus(
    entry: Entry,
    cleaned: str,
    candidates: Candidates,
    content: Callable[[str], set[str]],
    vector: np.ndarray | None = None,
) -> Part:
    """The part of ``entry`` that answers the cleaned question; its summary when none does.

    ``content`` gives a text's topic words; ``vector`` is the question's embedding, used when
    the candidates have embeddings too.
    """
    chosen = _chosen_by_intent(entry, cleaned)
    if chosen is not None:
        return chosen
    parts = candidates.parts
    if not parts:
        return Part("summary", entry.summary)
    asked = content(cleaned)
    shared = [len(asked & content(part.text)) for part in parts]
    if parts[0].kind == "paragraph" and _INSTEAD.search(cleaned):
        index = _what_helps(parts)
    elif vector is not None and candidates.vectors is not None:
        index = _by_meaning(candidates.vectors, vector, shared)
    else:
        index = _by_words(shared, len(asked))
    if index is None:
        return Part("summary", entry.summary)
    part = parts[index]
    if part.kind != "step":
        return part
    return Part(part.kind, part.text, part.index, verdict(cleaned, part.text, content))
