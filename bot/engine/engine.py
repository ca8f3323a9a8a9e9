"""The one way through: message -> clean -> triage -> lexical + semantic signals -> Reply.

The CLI, the console chat, ``eval`` and every Discord feature call :meth:`Engine.answer` (or
:meth:`Engine.reply_for` when the member already chose an entry), so they all agree.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot.engine.building import build_state
from bot.engine.context import Clause, Finding
from bot.engine.knowledge import KnowledgeBase
from bot.engine.loader import load_knowledge
from bot.engine.matcher import Candidate
from bot.engine.model import SafetyTier
from bot.engine.normalise import MAX_RAW_CHARS, clean, is_question
from bot.engine.ranking import (
    asked_vector,
    decide,
    entry_reply,
    lexical_scores,
    rank,
    rounded_ranking,
)
from bot.engine.reading import Reading
from bot.engine.reply import Outcome, Reply
from bot.engine.semantic.decision import DecisionLayer
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.engine.semantic.setup import semantic_status
from bot.engine.state import State
from bot.engine.thresholds import LEXICAL_THRESHOLDS, Thresholds
from bot.engine.verdict import Verdict

__all__ = ["Engine", "Thresholds"]

SEMANTIC_OFF = "semantic layer off: no encoder was given"


class Engine:
    """Answers messages from one knowledge base, which can be swapped for a newer one.

    With ``embeddings`` (a sentence encoder and its cache) the lexical signals are fused with
    the encoder's by a decision layer trained on the knowledge base's labelled texts; without
    it the engine answers on the lexical signals alone, and :attr:`semantic_status` says why.
    Texts in ``held_out`` (compared after normalisation) are never trained on.

    ``prune_cache`` is for the running bot's engine, whose cache directory serves it alone:
    after each build (its start, and every reload, teach or label it swaps in) the cache keeps
    only what that knowledge needs, the vectors of its texts and its fusion fit, so a bot
    running for months keeps one fit and no vector of an untaught phrasing or a rewritten
    entry. Other builds (commands, evaluations, :meth:`with_held_out`) only add to the cache:
    several knowledge bases and held-out sets can share one, as the tests' does, and nothing
    is encoded or fitted twice.
    """

    def __init__(
        self,
        knowledge: KnowledgeBase,
        thresholds: Thresholds | None = None,
        *,
        embeddings: EmbeddingCache | None = None,
        semantic_off: str = SEMANTIC_OFF,
        held_out: Collection[str] = (),
        prune_cache: bool = False,
        indexes_of: Engine | None = None,
    ) -> None:
        """Index ``knowledge`` for matching and train the decision layer on it.

        ``indexes_of``, an engine on the same knowledge, lends its lexical indexes and the
        lexical scores it gave the examples instead of building them again.
        """
        self._thresholds = thresholds or Thresholds()
        self.generation = 0
        """A number for the knowledge in use: one more at every :meth:`swap`."""
        self._embeddings = embeddings
        self._verdict = Verdict(self._thresholds, embeddings)
        self._semantic_off = semantic_off
        self._prune_cache = prune_cache
        self._state = build_state(
            knowledge,
            embeddings,
            frozenset(held_out),
            prune=prune_cache,
            lexical=indexes_of._state if indexes_of else None,
        )
        self.swapping = threading.RLock()
        """Held by every swap; a caller holds it from reading the knowledge directory to its
        swap (a teach does), so an older knowledge base never replaces a newer one."""

    @classmethod
    def from_directory(
        cls,
        directory: Path | str,
        thresholds: Thresholds | None = None,
        *,
        embeddings: EmbeddingCache | None = None,
        semantic_off: str = SEMANTIC_OFF,
        prune_cache: bool = False,
    ) -> Engine:
        """Load and validate a knowledge directory (raises ``KnowledgeError``)."""
        knowledge = load_knowledge(directory)
        return cls(
            knowledge,
            thresholds,
            embeddings=embeddings,
            semantic_off=semantic_off,
            prune_cache=prune_cache,
        )

    @property
    def knowledge(self) -> KnowledgeBase:
        """The knowledge base currently answering."""
        return self._state.knowledge

    @property
    def thresholds(self) -> Thresholds:
        """The bars in use: the lexical ones while the semantic layer is off."""
        return self._thresholds if self._state.decision else LEXICAL_THRESHOLDS

    @property
    def semantic_status(self) -> str:
        """``semantic layer on: <model>``, or ``semantic layer off: <why>``."""
        return semantic_status(self._embeddings, self._semantic_off)

    def with_held_out(self, held_out: Collection[str]) -> Engine:
        """An engine on the same knowledge and encoder that never trained on ``held_out``."""
        return Engine(
            self.knowledge,
            self._thresholds,
            embeddings=self._embeddings,
            semantic_off=self._semantic_off,
            held_out=held_out,
            indexes_of=self,
        )

    def swap(self, knowledge: KnowledgeBase) -> None:
        """Answer from ``knowledge`` from now on; indexes and training happen before the swap.

        For the live engine (reload, teach): texts held out by :meth:`with_held_out` are not.
        """
        with self.swapping:
            decision = self._state.decision
            self._state = build_state(
                knowledge, self._embeddings, frozenset(), decision, prune=self._prune_cache
            )
            self.generation += 1

    def reload(self, directory: Path | str) -> KnowledgeBase:
        """Load ``directory`` and swap to it; on ``KnowledgeError`` nothing changes.

        Reading and swapping happen under :attr:`swapping`: a reload that read the directory
        before a teach wrote it can't swap in after the teach and drop the taught phrasing.
        """
        with self.swapping:
            knowledge = load_knowledge(directory)
            self.swap(knowledge)
        return knowledge

    def read(self, text: str) -> Reading:
        """Read a message once: its clauses, words and their contexts, language, red flags."""
        return self._state.reader.read(text)

    def read_ahead(self, texts: Sequence[str]) -> None:
        """Encode many messages' parts now, in batches, for their answers to use.

        For evaluations, which ask thousands of messages one by one: each answer is the one
        it would be alone, from fewer passes (the clauses its red-flag check will re-read
        alone are encoded ahead too).
        """
        decision = self._state.decision
        if self._embeddings is None or decision is None:
            return
        readings = [self._state.reader.read(text) for text in texts]
        clauses = [reading.read_alone for reading in readings]
        read = self._embeddings.read_ahead(
            [
                (reading.text, [clause.chars for clause in its])
                for reading, its in zip(readings, clauses, strict=True)
            ]
        )
        if read:  # the clauses each answer will re-read alone, encoded together too
            self._embeddings.encode_ahead(
                [
                    its[i].text
                    for its, (_, parts) in zip(clauses, read, strict=True)
                    for i in self._doubtful(decision, parts, its)
                ]
            )

    def red_flag(self, text: str) -> Finding | None:
        """The red-flag phrase ``text`` affirms or is unsure of, if any (no encoder needed)."""
        found = self.read(text).phrase
        return found if found is not None and not found.dismissed else None

    def not_covered(self, text: str) -> str | None:
        """The subject the article doesn't cover that ``text`` asks about, if any."""
        found = self._state.scope.find(clean(text))
        return found.payload.topic if found else None

    def answer(
        self,
        text: str,
        *,
        passive: bool = False,
        screened: bool = False,
        context: str | None = None,
    ) -> Reply:
        """Answer a member's message.

        ``passive`` applies the stricter bar; ``screened`` means the member has already said
        that none of the screening question's warning signs applies. ``context`` is the id of
        the entry the conversation is about: the message is matched as if it named that
        entry ("and how many sets for that one?"). Red-flag phrases are read in its own words;
        the learned signal reads it with the topic, and its own words as strictly as a clause.
        """
        return self._readings(text, passive, screened, context, alone_too=False)[0]

    def answer_in_context(
        self, text: str, context: str, *, passive: bool = False
    ) -> tuple[Reply, Reply]:
        """The answer read with the conversation's entry, and the answer to the words alone.

        The same as ``answer(text, context=context)`` and ``answer(text)``, from one reading of
        the message and one short pass over it with its topic's title.
        """
        within, *alone = self._readings(text, passive, False, context, alone_too=True)
        return within, alone[0] if alone else within

    def _readings(
        self, text: str, passive: bool, screened: bool, context: str | None, *, alone_too: bool
    ) -> list[Reply]:
        """The answer to ``text`` read with ``context``, then (``alone_too``) without it."""
        state = self._state
        reading = state.reader.read(text)
        cleaned = reading.text
        topic = state.knowledge.get(context) if context else None
        matched = f"{cleaned} {clean(topic.title)}" if topic else cleaned
        texts = [matched, cleaned] if topic and alone_too else [matched]
        if state.decision is None or self._embeddings is None:
            return [self._lexical_reply(state, reading, read, passive, screened) for read in texts]
        # One forward pass over the message: its first window is what entries are judged on;
        # every window and clause is read for red flags. A follow-up is also read with its
        # topic ("why does losing it matter" is about hip rotation; a second, short pass),
        # its own words then read as strictly as a clause.
        clauses = reading.read_alone
        windows, parts = self._embeddings.read_in_parts(cleaned, [c.chars for c in clauses])
        self._recheck(state.decision, parts, clauses)
        alone = np.vstack([windows, parts])
        readings = [alone]
        if topic:
            with_topic = self._embeddings.vectors([matched], keep=False)
            readings = [np.vstack([with_topic, windows[1:], parts, windows[:1]])]
            readings += [alone] if alone_too else []
        clauses_from = len(windows)
        asked = asked_vector(reading, clauses, parts)
        own = windows[0] if asked is None else asked
        return [
            self._conclude(
                state,
                state.decision,
                read,
                vectors_read,
                reading=reading,
                clauses_from=clauses_from,
                question=(cleaned, own),
                passive=passive,
                screened=screened,
                asked=asked if vectors_read is alone else None,
            )
            for read, vectors_read in zip(texts, readings, strict=True)
        ]

    def _lexical_reply(
        self, state: State, reading: Reading, matched: str, passive: bool, screened: bool
    ) -> Reply:
        """The reply to a reading of a message on the lexical signals alone (semantic off)."""
        candidates, not_covered = rank(state, matched)
        ranked = list(lexical_scores(candidates).items())
        caution = self._verdict.lexical_caution(state, reading, screened)
        if caution is not None:
            return replace(caution, ranking=rounded_ranking(ranked))
        reply = decide(
            state,
            self.thresholds,
            ranked,
            not_covered,
            passive=passive,
            question=(reading.text, None),
        )
        denied = frozenset().union(*(reading.denied_in(c) for c in reading.clauses))
        return reading.marked(reply, denied)

    def _recheck(
        self, decision: DecisionLayer, parts: np.ndarray, clauses: Sequence[Clause]
    ) -> None:
        """Re-read on its own each clause that, read in its message, may be a red flag.

        A clause's vector pooled from the message's forward pass is blurred by the words
        around it: "my leg went dead after that tackle" at the end of a long ramble reads at
        24% in its message and 98% alone. The few clauses above the recheck bar are encoded
        alone (in place in ``parts``); most messages have none.
        """
        doubtful = self._doubtful(decision, parts, clauses)
        if doubtful and self._embeddings is not None:
            alone = self._embeddings.vectors([clauses[i].text for i in doubtful], keep=False)
            parts[doubtful] = alone

    def _doubtful(
        self, decision: DecisionLayer, parts: np.ndarray, clauses: Sequence[Clause]
    ) -> list[int]:
        """The clauses that, read in their message, reach the recheck bar."""
        chances = decision.red_flag_chances(parts[: len(clauses)]) if clauses else []
        return [i for i, chance in enumerate(chances) if 100.0 * chance >= self._thresholds.recheck]

    def _conclude(
        self,
        state: State,
        decision: DecisionLayer,
        text: str,
        vectors: np.ndarray,
        *,
        reading: Reading,
        clauses_from: int,
        question: tuple[str, np.ndarray],
        passive: bool,
        screened: bool,
        asked: np.ndarray | None = None,
    ) -> Reply:
        """The reply to one reading of a message: its matched text and its pieces' vectors.

        ``asked``, where given, is what entries are judged on (see :func:`_asked`).
        """
        candidates, not_covered = rank(state, text)
        judgement = decision.judge(vectors, lexical_scores(candidates), clauses_from, asked)
        ranked = [(entry, 100.0 * chance) for entry, chance in judgement.entries]
        one_window = clauses_from == 1
        caution = self._verdict.caution(
            state, reading, judgement, vectors[0], screened, one_window=one_window
        )
        if caution is not None:
            return replace(caution, ranking=rounded_ranking(ranked))
        if not_covered is not None and not candidates:
            reply = Reply(
                outcome=Outcome.ABSTAIN,
                score=0,
                not_covered=not_covered.topic,
                ask_instead=not_covered.ask_instead,
            )
        else:
            # The part that answers is read from the member's own words, without the context.
            reply = decide(
                state, self.thresholds, ranked, not_covered, passive=passive, question=question
            )
        return reading.marked(reply, self._verdict.denied(reading, judgement))

    def screen(self, text: str, tier: SafetyTier) -> Reply:
        """The screening question for ``text``, which may describe a red flag of ``tier``.

        For a message whose own words read as a red flag while, read in its conversation,
        it doesn't: ask before any answer. Without an encoder, the tier's first signs.
        """
        return self._verdict.screen(self._state, text, tier)

    def search(self, text: str, limit: int = 5) -> list[Candidate]:
        """Entries ranked for ``text`` by the lexical matcher alone, with no bar applied.

        For autocomplete and for finding an entry a member names; the scores an answer is
        decided on are its :attr:`Reply.ranking`.
        """
        return rank(self._state, clean(text))[0][:limit]

    def reply_for(self, entry_id: str) -> Reply | None:
        """The full reply for an entry a member picked (button, menu, command)."""
        if self._state.knowledge.get(entry_id) is None:
            return None
        return entry_reply(self._state.knowledge, entry_id, 100)

    @staticmethod
    def looks_like_question(text: str) -> bool:
        """Whether a message reads as a question (for passive answering)."""
        cleaned = clean(text[:MAX_RAW_CHARS])
        return "?" in cleaned or any(is_question(line) for line in cleaned.splitlines())
