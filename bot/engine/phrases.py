"""Finding known phrases in a message, whatever the typos, casing, markup or filler words.

Both the phrases and the message go through the same analysis (typo correction, stems,
synonyms) and filler words are dropped, so "my knee just totally lokced up" contains the
phrase "knee locked". A phrase matches as a contiguous run of terms, which keeps "lock out
the knee" (an exercise cue) apart from "knee locked" (a red flag).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.engine.analysis import Analyser
from bot.engine.normalise import stem
from bot.engine.words import FILLER_WORDS

_FILLER_STEMS = frozenset(FILLER_WORDS | {stem(word) for word in FILLER_WORDS})

Payload = TypeVar("Payload")


@dataclass(frozen=True)
class Found(Generic[Payload]):
    """A phrase found in a message, with what it stands for."""

    payload: Payload
    phrase: str


class PhraseIndex(Generic[Payload]):
    """Phrases indexed by their first term; earlier payloads rank before later ones."""

    def __init__(self, groups: Iterable[tuple[Payload, Iterable[str]]], analyser: Analyser) -> None:
        """Analyse every phrase of every ``(payload, phrases)`` group once."""
        self._analyser = analyser
        self._payloads: list[Payload] = []
        self._by_first_term: dict[str, list[tuple[tuple[str, ...], int, str]]] = {}
        for rank, (payload, phrases) in enumerate(groups):
            self._payloads.append(payload)
            for phrase in phrases:
                terms = self.significant_terms(phrase.casefold())
                if terms:
                    self._by_first_term.setdefault(terms[0], []).append((terms, rank, phrase))

    def significant_terms(self, cleaned: str) -> tuple[str, ...]:
        """The analysed terms of cleaned text, filler words dropped."""
        terms = self._analyser.analyse(cleaned).terms
        return tuple(term for term in terms if term not in _FILLER_STEMS)

    def find(self, cleaned: str) -> Found[Payload] | None:
        """The highest-ranked phrase that appears in ``cleaned`` text, if any."""
        terms = self.significant_terms(cleaned)
        best: tuple[int, str] | None = None
        for index, term in enumerate(terms):
            for phrase_terms, rank, phrase in self._by_first_term.get(term, ()):
                if terms[index : index + len(phrase_terms)] == phrase_terms and (
                    best is None or rank < best[0]
                ):
                    best = (rank, phrase)
        if best is None:
            return None
        return Found(payload=self._payloads[best[0]], phrase=best[1])
