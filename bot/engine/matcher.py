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

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.engine.analysis import Analyser, Analysis
from bot.engine.knowledge import KnowledgeBase
from bot.engine.model import Entry
from bot.engine.normalise import clean, stem
from bot.engine.words import NEUTRAL_WORDS

SHORTLIST = 5
"""Entries whose phrasings get the (costlier) string similarity."""
CONSIDERED = 64
"""Entries, by word evidence, whose phrasings are compared term by term."""
UNKNOWN_WORD_WEIGHT = 1.5
KEYWORD_BONUS = 6.0
SCORER = fuzz.ratio
"""Similarity of sorted term lists: rapidfuzz's ``token_sort_ratio`` with the phrasings sorted
once, when the index is built, rather than on every comparison."""
LONE_TERM_FACTOR = 0.85
"""An entry sharing a single word with a longer message ("watching the football") is weak."""
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
    entry_index: int


@dataclass(frozen=True)
class _IndexedEntry:
    entry: Entry
    terms: frozenset[str]
    sorted_phrasings: tuple[str, ...]
    """Each phrasing's terms in sorted order, ready for :data:`SCORER`."""


def _sorted_terms(text: str) -> str:
    return " ".join(sorted(text.split()))


def entry_texts(entry: Entry, taught: list[str]) -> list[str]:
    """The texts that describe an entry for matching: title, questions, keywords, taught."""
    return [entry.title, entry.summary, *entry.questions, *entry.keywords, *taught]


def reference_texts(entry: Entry) -> list[str]:
    """Longer texts whose words the bot knows but that are not evidence for the entry."""
    dose = entry.dose.given() if entry.dose else []
    return [entry.body, entry.purpose or "", *entry.steps, *entry.cues, entry.feel or "", *dose]


class Matcher:
    """Scores entries of one knowledge base against analysed messages."""

    def __init__(
        self, knowledge: KnowledgeBase, analyser: Analyser, blend: Blend | None = None
    ) -> None:
        """Analyse every entry's texts once and build the inverted indexes."""
        self._analyser = analyser
        self._blend = blend or Blend()
        self._entries: list[_IndexedEntry] = []
        self._phrasings: list[_Phrasing] = []
        self._keywords: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        for index, entry in enumerate(knowledge.entries.values()):
            texts = entry_texts(entry, knowledge.taught(entry.id))
            analyses = {a.content_text: a for a in map(self._analyse, texts) if a.content}
            phrasings = [
                _Phrasing(text, frozenset(a.content), index) for text, a in analyses.items()
            ]
            terms = {term for phrasing in phrasings for term in phrasing.terms}
            for text in reference_texts(entry):
                terms.update(self._analyse(text).content)
            terms.update(part for term in list(terms) for part in term.split("_"))
            for keyword in entry.keywords:
                content = self._analyse(keyword).content
                if content:
                    self._keywords[content[0]].append((content, index))
            self._phrasings += phrasings
            self._entries.append(
                _IndexedEntry(
                    entry, frozenset(terms), tuple(_sorted_terms(p.text) for p in phrasings)
                )
            )
        self._postings: dict[str, list[int]] = defaultdict(list)
        for index, indexed in enumerate(self._entries):
            for term in indexed.terms:
                self._postings[term].append(index)
        total = max(len(self._entries), 1)
        self._idf = {term: math.log(1 + total / len(ids)) for term, ids in self._postings.items()}
        self._phrasing_postings: dict[str, list[int]] = defaultdict(list)
        for position, phrasing in enumerate(self._phrasings):
            for term in phrasing.terms:
                self._phrasing_postings[term].append(position)
        self._phrasing_weight = [
            sum(self._idf.get(term, 0.0) for term in phrasing.terms) for phrasing in self._phrasings
        ]
        self._phrasing_entry = [phrasing.entry_index for phrasing in self._phrasings]

    def _analyse(self, text: str) -> Analysis:
        return self._analyser.analyse(clean(text))

    def _weight(self, term: str) -> float:
        if term in self._idf:
            return self._idf[term]
        if term in _NEUTRAL_STEMS or term.isdigit():
            return 0.0
        return UNKNOWN_WORD_WEIGHT

    def _overlaps(
        self, weights: dict[str, float], total: float, entries: set[int]
    ) -> dict[int, float]:
        """Per entry of ``entries``, the best weighted Dice coefficient of query and phrasing."""
        shared = _weighted_sums(weights, self._phrasing_postings)
        best: dict[int, float] = {}
        best_so_far = best.get
        owner, phrasing_weight = self._phrasing_entry, self._phrasing_weight
        for position, weight in shared.items():
            entry_index = owner[position]
            if entry_index in entries:
                dice = 200.0 * weight / (total + phrasing_weight[position])
                if dice > best_so_far(entry_index, 0.0):
                    best[entry_index] = dice
        return best

    def _keyword_hits(self, content: tuple[str, ...]) -> set[int]:
        hits = set()
        for start, term in enumerate(content):
            for keyword, entry_index in self._keywords.get(term, ()):
                if content[start : start + len(keyword)] == keyword:
                    hits.add(entry_index)
        return hits

    def rank(self, analysis: Analysis, limit: int = 5) -> list[Candidate]:
        """The best-fitting entries for an analysed message, best first."""
        weights = {term: self._weight(term) for term in dict.fromkeys(analysis.content)}
        total = sum(weights.values())
        if total <= 0:
            return []
        evidence = _weighted_sums(weights, self._postings)
        keyword_hits = self._keyword_hits(analysis.content)
        if len(evidence) > CONSIDERED:
            considered = set(heapq.nlargest(CONSIDERED, evidence, key=evidence.__getitem__))
            considered |= keyword_hits & evidence.keys()
        else:
            considered = set(evidence)
        overlaps = self._overlaps(weights, total, considered)
        blend = self._blend
        partial = {
            index: blend.coverage * 100.0 * evidence[index] / total
            + blend.overlap * overlaps.get(index, 0.0)
            + (KEYWORD_BONUS if index in keyword_hits else 0.0)
            for index in considered
        }
        shortlist = heapq.nlargest(SHORTLIST, partial, key=partial.__getitem__)
        query_text = " ".join(sorted(weights))
        candidates = []
        for index in shortlist:
            indexed = self._entries[index]
            best = process.extractOne(query_text, indexed.sorted_phrasings, scorer=SCORER)
            similarity = best[1] if best else 0.0
            score = partial[index] + blend.similarity * similarity
            if len(weights) > 1 and _shares_one_term(indexed.terms, weights):
                score *= LONE_TERM_FACTOR
            candidates.append(Candidate(indexed.entry, min(score, 100.0)))
        candidates.sort(key=lambda candidate: -candidate.score)
        return candidates[:limit]


def _weighted_sums(weights: dict[str, float], postings: dict[str, list[int]]) -> dict[int, float]:
    """Per item listed under any of the terms, the summed weight of the terms it is listed under."""
    sums: dict[int, float] = {}
    sum_so_far = sums.get
    for term, weight in weights.items():
        for item in postings.get(term, ()):
            sums[item] = sum_so_far(item, 0.0) + weight
    return sums


def _shares_one_term(entry_terms: frozenset[str], query: dict[str, float]) -> bool:
    """Whether exactly one of the query's terms is among an entry's terms."""
    shared = 0
    for term in query:
        if term in entry_terms:
            shared += 1
            if shared > 1:
                return False
    return shared == 1
