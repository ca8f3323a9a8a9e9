"""Red-flag triage: find messages that describe something for a clinician, not exercises.

Phrases come from the knowledge base. Both the phrases and the message go through the same
analysis (typo correction, stems, synonyms) and filler words are dropped, so "my knee just
totally lokced up" finds the phrase "knee locked". A phrase matches as a contiguous run of
terms. Recall matters more than precision here: a needless safety note costs little, a missed
locked knee costs a lot.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.analysis import FILLER_WORDS, Analyser
from bot.engine.model import SafetyTier
from bot.engine.normalise import stem

_FILLER_STEMS = frozenset(FILLER_WORDS | {stem(word) for word in FILLER_WORDS})


@dataclass(frozen=True)
class RedFlag:
    """A tier that matched, and the phrase that matched it."""

    tier: SafetyTier
    phrase: str


class Triage:
    """Finds the most urgent red-flag tier a message describes."""

    def __init__(self, tiers: tuple[SafetyTier, ...], analyser: Analyser) -> None:
        """Analyse every phrase once, indexed by its first term."""
        self._analyser = analyser
        self._by_first_term: dict[str, list[tuple[tuple[str, ...], int, str]]] = {}
        self._tiers = tiers
        for rank, tier in enumerate(tiers):
            for phrase in tier.phrases:
                terms = self._significant(phrase.casefold())
                if terms:
                    entry = (terms, rank, phrase)
                    self._by_first_term.setdefault(terms[0], []).append(entry)

    def _significant(self, cleaned: str) -> tuple[str, ...]:
        terms = self._analyser.analyse(cleaned).terms
        return tuple(term for term in terms if term not in _FILLER_STEMS)

    def check(self, cleaned: str) -> RedFlag | None:
        """The most urgent tier whose phrase appears in ``cleaned`` text, if any."""
        terms = self._significant(cleaned)
        best: tuple[int, str] | None = None
        for index, term in enumerate(terms):
            for phrase_terms, rank, phrase in self._by_first_term.get(term, ()):
                if terms[index : index + len(phrase_terms)] == phrase_terms and (
                    best is None or rank < best[0]
                ):
                    best = (rank, phrase)
        if best is None:
            return None
        return RedFlag(tier=self._tiers[best[0]], phrase=best[1])
