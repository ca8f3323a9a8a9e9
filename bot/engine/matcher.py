"""Rank knowledge-base entries for a message: keyword evidence plus fuzzy phrasing similarity.

Two signals are combined into a 0-100 score per entry:

* **coverage**: how much of the message's topic words (weighted by rarity across entries)
  the entry's own words account for. Topic words the knowledge base never uses ("ice",
  "shoes", "surgery") count against every entry, which is how a question about something the
  article doesn't cover ends up below the bar even when it names the IT band.
* **similarity**: the best rapidfuzz score between the message and one of the entry's
  phrasings (its example questions, title, keywords and taught questions).

Only entries sharing at least one term with the message are scored (an inverted index gives
the shortlist), so cost follows the message, not the size of the knowledge base.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.engine.analysis import Analyser, Analysis
from bot.engine.knowledge import KnowledgeBase
from bot.engine.model import Entry
from bot.engine.normalise import clean, stem
from bot.engine.words import NEUTRAL_WORDS

SHORTLIST = 40
UNKNOWN_WORD_WEIGHT = 1.5
KEYWORD_BONUS = 6.0
SCORER = fuzz.token_sort_ratio
_NEUTRAL_STEMS = frozenset(NEUTRAL_WORDS | {stem(word) for word in NEUTRAL_WORDS})


@dataclass(frozen=True)
class Blend:
    """How the signals add up to a score (shares sum to 1)."""

    coverage: float = 0.4
    overlap: float = 0.2
    similarity: float = 0.4


@dataclass(frozen=True)
class Candidate:
    """An entry and how well it fits a message (0-100)."""

    entry: Entry
    score: float


@dataclass(frozen=True)
class _Phrasing:
    text: str
    terms: frozenset[str]


@dataclass(frozen=True)
class _IndexedEntry:
    entry: Entry
    terms: frozenset[str]
    phrasings: tuple[_Phrasing, ...]
    keywords: tuple[tuple[str, ...], ...]


def entry_texts(entry: Entry, taught: list[str]) -> list[str]:
    """The texts that describe an entry for matching: title, questions, keywords, taught."""
    return [entry.title, entry.summary, *entry.questions, *entry.keywords, *taught]


def reference_texts(entry: Entry) -> list[str]:
    """Longer texts whose words the bot knows but that are not evidence for the entry."""
    dose = entry.dose.model_dump(exclude_none=True).values() if entry.dose else []
    return [entry.body, entry.purpose or "", *entry.steps, *entry.cues, entry.feel or "", *dose]


class Matcher:
    """Scores entries of one knowledge base against analysed messages."""

    def __init__(
        self, knowledge: KnowledgeBase, analyser: Analyser, blend: Blend | None = None
    ) -> None:
        """Analyse every entry's texts once and build the inverted index."""
        self._analyser = analyser
        self._blend = blend or Blend()
        self._entries: list[_IndexedEntry] = []
        for entry in knowledge.entries.values():
            texts = entry_texts(entry, knowledge.taught(entry.id))
            analyses = [self._analyse(text) for text in texts]
            phrasings = {
                a.content_text: _Phrasing(a.content_text, frozenset(a.content))
                for a in analyses
                if a.content
            }
            terms = {term for phrasing in phrasings.values() for term in phrasing.terms}
            for text in reference_texts(entry):
                terms.update(self._analyse(text).content)
            terms.update(part for term in list(terms) for part in term.split("_"))
            keywords = tuple(self._analyse(word).content for word in entry.keywords)
            self._entries.append(
                _IndexedEntry(entry, frozenset(terms), tuple(phrasings.values()), keywords)
            )
        self._postings: dict[str, list[int]] = defaultdict(list)
        for index, indexed in enumerate(self._entries):
            for term in indexed.terms:
                self._postings[term].append(index)
        total = max(len(self._entries), 1)
        self._idf = {term: math.log(1 + total / len(ids)) for term, ids in self._postings.items()}

    def _analyse(self, text: str) -> Analysis:
        return self._analyser.analyse(clean(text))

    def _weight(self, term: str) -> float:
        if term in self._idf:
            return self._idf[term]
        if term in _NEUTRAL_STEMS or term.isdigit():
            return 0.0
        return UNKNOWN_WORD_WEIGHT

    def _overlap(self, query: dict[str, float], query_weight: float, phrasing: _Phrasing) -> float:
        """Weighted Dice coefficient of the query's and a phrasing's terms (0-100)."""
        shared = sum(weight for term, weight in query.items() if term in phrasing.terms)
        own = sum(self._idf.get(term, 0.0) for term in phrasing.terms)
        return 200.0 * shared / (query_weight + own) if query_weight + own else 0.0

    def rank(self, analysis: Analysis, limit: int = 5) -> list[Candidate]:
        """The best-fitting entries for an analysed message, best first."""
        weights = {term: self._weight(term) for term in dict.fromkeys(analysis.content)}
        total_weight = sum(weights.values())
        if total_weight <= 0:
            return []
        evidence: dict[int, float] = defaultdict(float)
        for term, weight in weights.items():
            for index in self._postings.get(term, ()):
                evidence[index] += weight
        shortlist = sorted(evidence, key=lambda index: -evidence[index])[:SHORTLIST]
        query_text = " ".join(weights)
        blend = self._blend
        candidates = []
        for index in shortlist:
            indexed = self._entries[index]
            coverage = 100.0 * evidence[index] / total_weight
            overlap = max(self._overlap(weights, total_weight, p) for p in indexed.phrasings)
            best = process.extractOne(
                query_text, [p.text for p in indexed.phrasings], scorer=SCORER
            )
            similarity = best[1] if best else 0.0
            score = (
                blend.coverage * coverage + blend.overlap * overlap + blend.similarity * similarity
            )
            if self._has_keyword(indexed, analysis.content):
                score += KEYWORD_BONUS
            candidates.append(Candidate(indexed.entry, min(score, 100.0)))
        candidates.sort(key=lambda candidate: -candidate.score)
        return candidates[:limit]

    @staticmethod
    def _has_keyword(indexed: _IndexedEntry, content: tuple[str, ...]) -> bool:
        for keyword in indexed.keywords:
            size = len(keyword)
            if size and any(
                content[start : start + size] == keyword for start in range(len(content) - size + 1)
            ):
                return True
        return False
