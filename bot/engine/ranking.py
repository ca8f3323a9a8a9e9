"""Ranking entries for a message and deciding on them: answer, "did you mean", or abstain.

The lexical matcher ranks the whole message and its question sentences (:func:`rank`); the
decision layer's confidences, or the lexical scores alone, are then decided on against the
bars (:func:`decide`), an answer leading with the part of the entry that answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from bot.engine.context import DISMISSED, Clause
from bot.engine.focus import Candidates, focus
from bot.engine.knowledge import KnowledgeBase
from bot.engine.matcher import Candidate
from bot.engine.model import NotCovered
from bot.engine.normalise import is_question, question_sentences
from bot.engine.reading import Reading
from bot.engine.reply import Outcome, Part, Reply, Topic
from bot.engine.thresholds import Thresholds

if TYPE_CHECKING:
    from bot.engine.state import State

MAX_MATCH_CHARS = 300
"""Matching reads at most this much of a (question) sentence."""


CONTEXT_CHARS = 200
"""When a message has question sentences, the whole of it is context, read this far: the
questions themselves are matched in full."""


MAX_SEGMENTS = 4
"""A message is matched as a whole and by its first question sentences, this many in all."""


MIN_SENTENCE_TERMS = 2
"""A question sentence counts on its own only with this many topic words: in "how does that
help the knee?" the one word "knee" says nothing about which part of a longer message is meant."""


def rank(state: State, cleaned: str) -> tuple[list[Candidate], NotCovered | None]:
    """Candidates over the whole message and its question sentences.

    A segment that asks about something the article doesn't cover yields no candidates,
    so "should I ice my IT band?" is not answered with the IT band entry, and when every
    question asked is such a one, neither is the rest of the message. The first subject not
    covered that a question asks about is returned too: an abstaining reply with nothing to
    suggest names it.
    """
    questions = question_sentences(cleaned)[: MAX_SEGMENTS - 1]
    context = cleaned[: CONTEXT_CHARS if questions else MAX_MATCH_CHARS]
    # Each segment is matched on its text, and checked for subjects not covered on what it
    # asks: "my chiropractor says my pelvis is rotated. could that be why..." asks about the
    # pelvis, not about chiropractors.
    texts = [question.text[:MAX_MATCH_CHARS] for question in questions]
    asks = {context: context} | {
        text: question.asked for text, question in zip(texts, questions, strict=True)
    }
    segments = list(asks)
    asked = texts or [context]
    outside: dict[str, NotCovered] = {}
    # A phrase in a part of the message is in the whole of it: most messages are checked once.
    if state.scope.find(cleaned) is not None:
        found = {segment: state.scope.find(asks[segment]) for segment in segments}
        outside = {segment: item.payload for segment, item in found.items() if item}
    not_covered = next((outside[segment] for segment in asked if segment in outside), None)
    if all(segment in outside for segment in asked):
        return [], not_covered  # the context alone must not answer a question the article skips
    best: dict[str, Candidate] = {}
    for position, segment in enumerate(segments):
        if segment in outside:
            continue
        analysis = state.analyser.analyse(segment)
        if position and len(set(analysis.content)) < MIN_SENTENCE_TERMS:
            continue
        for candidate in state.matcher.rank(analysis):
            known = best.get(candidate.entry.id)
            if known is None or candidate.score > known.score:
                best[candidate.entry.id] = candidate
    ranked = sorted(best.values(), key=lambda candidate: -candidate.score)
    return ranked, not_covered


def entry_reply(knowledge: KnowledgeBase, entry_id: str, score: int) -> Reply:
    """The answer with an entry, its related entries and its routine's exercises."""
    entry = knowledge.entries[entry_id]
    related = tuple(
        Topic(other.id, other.title)
        for other in (knowledge.get(related_id) for related_id in entry.related)
        if other is not None
    )
    routine = tuple(
        exercise
        for exercise in (knowledge.get(exercise_id) for exercise_id in entry.routine)
        if exercise is not None
    )
    return Reply(outcome=Outcome.ANSWER, score=score, entry=entry, related=related, routine=routine)


def decide(
    state: State,
    bars: Thresholds,
    ranked: list[tuple[str, float]],
    not_covered: NotCovered | None,
    *,
    passive: bool,
    question: tuple[str, np.ndarray | None],
) -> Reply:
    """Answer, "did you mean", or "I don't know", from entries ranked by confidence.

    ``question`` is the cleaned text matched and its embedding: an answer leads with the
    part of the entry that answers it.
    """
    bar = bars.passive if passive else bars.answer
    ranking = rounded_ranking(ranked)
    if ranked and ranked[0][1] >= bar and _clear_winner(bars, ranked):
        entry_id, score = ranking[0]
        reply = entry_reply(state.knowledge, entry_id, score)
        return replace(reply, part=_focus(state, entry_id, *question), ranking=ranking)
    suggestions = tuple(
        Topic(entry_id, state.knowledge.entries[entry_id].title)
        for entry_id, score in ranked[:3]
        if score >= bars.suggest
    )
    return Reply(
        outcome=Outcome.ABSTAIN,
        score=ranking[0][1] if ranking else 0,
        suggestions=suggestions,
        not_covered=not_covered.topic if not_covered else None,
        ask_instead=not_covered.ask_instead if not_covered else None,
        ranking=ranking,
    )


def _focus(state: State, entry_id: str, cleaned: str, vector: np.ndarray | None) -> Part:
    entry = state.knowledge.entries[entry_id]
    candidates = (state.parts or {}).get(entry_id, Candidates(()))
    return focus(entry, cleaned, candidates, state.content, vector)


def _clear_winner(bars: Thresholds, ranked: list[tuple[str, float]]) -> bool:
    """Whether the best entry leads the runner-up by the margin."""
    return len(ranked) < 2 or ranked[0][1] - ranked[1][1] >= bars.margin


def asked_vector(
    reading: Reading, clauses: Sequence[Clause], parts: np.ndarray
) -> np.ndarray | None:
    """What a message asks: its questions, without its story or the symptoms it sets aside.

    "No fall, no swelling, what's the routine?" is about the routine, and so is "I've lifted
    for six years and coach juniors. Which exercise first?": clauses that are dismissed
    (negated, past, someone else's, figurative) are set aside, then, where some of the rest
    ask, those that don't. The kept clauses' vectors, pooled from the message's one forward
    pass, are averaged by length. None when nothing is set aside, or everything is.
    """
    kept = [
        index for index, clause in enumerate(clauses) if reading.context_of(clause) not in DISMISSED
    ]
    kept = [index for index in kept if is_question(clauses[index].text)] or kept
    if not clauses or len(kept) in (0, len(clauses)):
        return None
    weights = np.array([len(clauses[index].text) for index in kept], dtype=np.float32)
    mean = weights @ parts[kept]
    return (mean / np.linalg.norm(mean)).astype(np.float32)


def rounded_ranking(ranked: Sequence[tuple[str, float]]) -> tuple[tuple[str, int], ...]:
    """Entries ranked for a message, best first, with their scores as replies give them."""
    return tuple((entry_id, round(score)) for entry_id, score in ranked)


def lexical_scores(candidates: list[Candidate]) -> dict[str, float]:
    """Entry id -> lexical score, best first."""
    return {candidate.entry.id: candidate.score for candidate in candidates}
