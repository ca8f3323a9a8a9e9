"""What the engine answers from: one knowledge base, indexed and (with an encoder) trained.

A :class:`State` is built whole before a swap, so a message is always read against one
knowledge base: its analyser, red-flag phrases and context rules, the scope phrases, the
lexical matcher, and the decision layer trained on its labelled examples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.engine.analysis import Analyser
from bot.engine.context import ContextReader
from bot.engine.focus import Candidates, candidate_parts
from bot.engine.knowledge import KnowledgeBase
from bot.engine.matcher import Matcher, entry_texts, reference_texts
from bot.engine.model import CONTEXT_LISTS, NotCovered, SafetyTier
from bot.engine.normalise import clean, tokens
from bot.engine.phrases import PhraseIndex
from bot.engine.reading import Reader
from bot.engine.semantic.decision import DecisionLayer
from bot.engine.semantic.second_look import SecondLook
from bot.engine.triage import Triage


@dataclass(frozen=True)
class State:
    """The knowledge base in use and everything built from it to answer."""

    knowledge: KnowledgeBase
    analyser: Analyser
    triage: Triage
    reader: Reader
    scope: PhraseIndex[NotCovered]
    matcher: Matcher
    decision: DecisionLayer | None = None
    second_look: SecondLook | None = None
    """Whether a message naming a red-flag phrase really affirms it (may turn firm to screen)."""
    signs: tuple[tuple[str, SafetyTier], ...] = ()
    """Every tier's warning signs, each with its tier, most urgent tier first."""
    sign_vectors: np.ndarray | None = None
    parts: dict[str, Candidates] | None = None
    """Entry id -> the steps or paragraphs that can lead a short answer."""
    example_scores: dict[str, dict[str, float]] = field(default_factory=dict)
    """Training text -> its lexical scores: they depend on the knowledge only, so engines
    sharing this state (each held-out engine of a cross-validation) score each text once."""
    names_red_flag: dict[str, bool] = field(default_factory=dict)
    """Labelled message -> whether it names a red-flag phrase, kept the same way."""

    def content(self, text: str) -> set[str]:
        """The topic words of a text, as matching reads them."""
        return set(self.analyser.analyse(clean(text)).content)


def lexical_state(knowledge: KnowledgeBase) -> State:
    """The state answering from ``knowledge`` on lexical signals alone (no decision layer)."""
    vocabulary: list[str] = []
    for entry in knowledge.entries.values():
        vocabulary += entry_texts(entry, knowledge.taught(entry.id))
        vocabulary += reference_texts(entry)
    english = {word for text in vocabulary for word in tokens(text.casefold())}
    vocabulary += [
        phrase for tier in knowledge.safety_tiers for phrase in (*tier.phrases, *tier.ask_phrases)
    ]
    vocabulary += [phrase for item in knowledge.not_covered for phrase in item.phrases]
    vocabulary += list(knowledge.exercise_cues)
    vocabulary += [word for words in knowledge.word_groups.values() for word in words]
    vocabulary += [
        wording
        for rules in knowledge.context
        for name in CONTEXT_LISTS
        for wording in getattr(rules, name)
    ]
    analyser = Analyser(vocabulary, knowledge.synonyms)
    triage = Triage(
        knowledge.safety_tiers, analyser, knowledge.word_groups, knowledge.exercise_cues
    )
    languages = [rules.language for rules in knowledge.context]
    contexts = ContextReader(knowledge.context, analyser, knowledge.word_groups)
    reader = Reader(analyser, triage, contexts, languages, english)
    scope_phrases = ((item, item.phrases) for item in knowledge.not_covered)
    parts = {entry.id: Candidates(candidate_parts(entry)) for entry in knowledge.entries.values()}
    return State(
        knowledge=knowledge,
        parts=parts,
        analyser=analyser,
        triage=triage,
        reader=reader,
        scope=PhraseIndex(scope_phrases, analyser, knowledge.word_groups),
        matcher=Matcher(knowledge, analyser),
    )
