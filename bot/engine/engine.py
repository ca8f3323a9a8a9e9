"""The one way through: message -> clean -> red-flag triage -> match -> Reply.

The CLI, the console chat, ``eval`` and every Discord feature call :meth:`Engine.answer` (or
:meth:`Engine.reply_for` when the member already chose an entry), so they all agree.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

from bot.engine.analysis import Analyser
from bot.engine.knowledge import KnowledgeBase
from bot.engine.loader import load_knowledge
from bot.engine.matcher import Candidate, Matcher, entry_texts, reference_texts
from bot.engine.model import NotCovered
from bot.engine.normalise import MAX_RAW_CHARS, clean, is_question, question_sentences
from bot.engine.phrases import PhraseIndex
from bot.engine.reply import Outcome, Reply, Topic
from bot.engine.triage import RedFlag, Triage

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


@dataclass(frozen=True)
class Thresholds:
    """Confidence bars (0-100): answer above ``answer``, suggest above ``suggest``.

    ``passive`` is the stricter bar for messages nobody addressed to the bot. When the runner-up
    is within ``margin`` of the best entry, the message is ambiguous: "did you mean" instead.
    """

    answer: float = 58.0
    suggest: float = 55.0
    passive: float = 75.0
    margin: float = 1.0


@dataclass(frozen=True)
class _State:
    knowledge: KnowledgeBase
    analyser: Analyser
    triage: Triage
    scope: PhraseIndex[NotCovered]
    matcher: Matcher


def _build_state(knowledge: KnowledgeBase) -> _State:
    vocabulary: list[str] = []
    for entry in knowledge.entries.values():
        vocabulary += entry_texts(entry, knowledge.taught(entry.id))
        vocabulary += reference_texts(entry)
    vocabulary += [phrase for tier in knowledge.tiers for phrase in tier.phrases]
    vocabulary += [phrase for item in knowledge.not_covered for phrase in item.phrases]
    vocabulary += list(knowledge.exercise_cues)
    vocabulary += [word for words in knowledge.word_groups.values() for word in words]
    analyser = Analyser(vocabulary, knowledge.synonyms)
    scope_phrases = ((item, item.phrases) for item in knowledge.not_covered)
    return _State(
        knowledge=knowledge,
        analyser=analyser,
        triage=Triage(knowledge.tiers, analyser, knowledge.word_groups, knowledge.exercise_cues),
        scope=PhraseIndex(scope_phrases, analyser, knowledge.word_groups),
        matcher=Matcher(knowledge, analyser),
    )


class Engine:
    """Answers messages from one knowledge base, which can be swapped for a newer one."""

    def __init__(self, knowledge: KnowledgeBase, thresholds: Thresholds | None = None) -> None:
        """Index ``knowledge`` for matching."""
        self.thresholds = thresholds or Thresholds()
        self._state = _build_state(knowledge)

    @classmethod
    def from_directory(cls, directory: Path | str, thresholds: Thresholds | None = None) -> Engine:
        """Load and validate a knowledge directory (raises ``KnowledgeError``)."""
        return cls(load_knowledge(directory), thresholds)

    def snapshot(self) -> bytes:
        """The built knowledge base and indexes as bytes, for :meth:`from_snapshot`."""
        return pickle.dumps(self._state, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_snapshot(cls, data: bytes, thresholds: Thresholds | None = None) -> Engine:
        """An engine restored from :meth:`snapshot` bytes, with no loading or indexing.

        Only for bytes this program wrote itself (see ``bot.engine.engine_cache``): unpickling
        runs code. Raises ``ValueError`` when the bytes hold something else.
        """
        state = pickle.loads(data)  # noqa: S301 - our own cache file, written by snapshot()
        if not isinstance(state, _State):
            raise ValueError("not an engine snapshot")
        engine = cls.__new__(cls)
        engine.thresholds = thresholds or Thresholds()
        engine._state = state
        return engine

    @property
    def knowledge(self) -> KnowledgeBase:
        """The knowledge base currently answering."""
        return self._state.knowledge

    def swap(self, knowledge: KnowledgeBase) -> None:
        """Answer from ``knowledge`` from now on; indexes are built before the swap."""
        self._state = _build_state(knowledge)

    def reload(self, directory: Path | str) -> KnowledgeBase:
        """Load ``directory`` and swap to it; on ``KnowledgeError`` nothing changes."""
        knowledge = load_knowledge(directory)
        self.swap(knowledge)
        return knowledge

    def red_flag(self, text: str) -> RedFlag | None:
        """The red-flag tier ``text`` describes, if any."""
        state = self._state
        return state.triage.check(clean(text))

    def not_covered(self, text: str) -> str | None:
        """The subject the article doesn't cover that ``text`` asks about, if any."""
        found = self._state.scope.find(clean(text))
        return found.payload.topic if found else None

    def answer(self, text: str, *, passive: bool = False) -> Reply:
        """Answer a member's message; ``passive`` applies the stricter bar."""
        state = self._state
        cleaned = clean(text)
        flag = state.triage.check(cleaned)
        if flag is not None:
            return Reply(outcome=Outcome.SAFETY, score=100, tier=flag.payload)
        candidates, not_covered = self._rank(state, cleaned)
        bar = self.thresholds.passive if passive else self.thresholds.answer
        if candidates and candidates[0].score >= bar and self._clear_winner(candidates):
            best = candidates[0]
            return self._entry_reply(state.knowledge, best.entry.id, round(best.score))
        suggestions = tuple(
            Topic(candidate.entry.id, candidate.entry.title)
            for candidate in candidates[:3]
            if candidate.score >= self.thresholds.suggest
        )
        score = round(candidates[0].score) if candidates else 0
        return Reply(
            outcome=Outcome.ABSTAIN,
            score=score,
            suggestions=suggestions,
            not_covered=not_covered.topic if not_covered else None,
        )

    def _clear_winner(self, candidates: list[Candidate]) -> bool:
        return (
            len(candidates) < 2
            or candidates[0].score - candidates[1].score >= self.thresholds.margin
        )

    def search(self, text: str, limit: int = 5) -> list[Candidate]:
        """Entries ranked for ``text`` with no bar applied (for autocomplete and review)."""
        return self._rank(self._state, clean(text))[0][:limit]

    def reply_for(self, entry_id: str) -> Reply | None:
        """The full reply for an entry a member picked (button, menu, command)."""
        if self._state.knowledge.get(entry_id) is None:
            return None
        return self._entry_reply(self._state.knowledge, entry_id, 100)

    @staticmethod
    def looks_like_question(text: str) -> bool:
        """Whether a message reads as a question (for passive answering)."""
        cleaned = clean(text[:MAX_RAW_CHARS])
        return "?" in cleaned or any(is_question(line) for line in cleaned.splitlines())

    @staticmethod
    def _rank(state: _State, cleaned: str) -> tuple[list[Candidate], NotCovered | None]:
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

    @staticmethod
    def _entry_reply(knowledge: KnowledgeBase, entry_id: str, score: int) -> Reply:
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
        return Reply(
            outcome=Outcome.ANSWER, score=score, entry=entry, related=related, routine=routine
        )
