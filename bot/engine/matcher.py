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

from bot.engine.analysis import NEUTRAL_WORDS, Analyser, Analysis
from bot.engine.knowledge import KnowledgeBase
from bot.engine.model import Entry
from bot.engine.normalise import clean, stem

SHORTLIST = 40
UNKNOWN_WORD_WEIGHT = 2.0
COVERAGE_SHARE = 0.5
KEYWORD_BONUS = 8.0
_NEUTRAL_STEMS = frozenset(NEUTRAL_WORDS | {stem(word) for word in NEUTRAL_WORDS})


@dataclass(frozen=True)
class Candidate:
    """An entry and how well it fits a message (0-100)."""

    entry: Entry
    score: float


@dataclass(frozen=True)
class _IndexedEntry:
    entry: Entry
    terms: frozenset[str]
    phrasings: tuple[str, ...]
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

    def __init__(self, knowledge: KnowledgeBase, analyser: Analyser) -> None:
        """Analyse every entry's texts once and build the inverted index."""
        self._analyser = analyser
        self._entries: list[_IndexedEntry] = []
        known: set[str] = set()
        for entry in knowledge.entries.values():
            texts = entry_texts(entry, knowledge.taught(entry.id))
            analyses = [self._analyse(text) for text in texts]
            terms = frozenset(term for analysis in analyses for term in analysis.content)
            keywords = tuple(self._analyse(word).content for word in entry.keywords)
            phrasings = tuple({a.content_text for a in analyses if a.content})
            self._entries.append(_IndexedEntry(entry, terms, phrasings, keywords))
            known |= terms
            for text in reference_texts(entry):
                known.update(self._analyse(text).content)
        self._known = frozenset(known)
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
        if term in self._known or term in _NEUTRAL_STEMS or term.isdigit():
            return 0.0
        return UNKNOWN_WORD_WEIGHT

    def rank(self, analysis: Analysis, limit: int = 5) -> list[Candidate]:
        """The best-fitting entries for an analysed message, best first."""
        query_terms = list(dict.fromkeys(analysis.content))
        weights = {term: self._weight(term) for term in query_terms}
        total_weight = sum(weights.values())
        if total_weight <= 0:
            return []
        evidence: dict[int, float] = defaultdict(float)
        for term in query_terms:
            for index in self._postings.get(term, ()):
                evidence[index] += weights[term]
        shortlist = sorted(evidence, key=lambda index: -evidence[index])[:SHORTLIST]
        query_text = " ".join(query_terms)
        candidates = []
        for index in shortlist:
            indexed = self._entries[index]
            coverage = 100.0 * evidence[index] / total_weight
            best = process.extractOne(query_text, indexed.phrasings, scorer=fuzz.token_set_ratio)
            similarity = best[1] if best else 0.0
            score = COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * similarity
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
