"""Finding known phrases in a message, whatever the typos, casing, markup or filler words.

Both the phrases and the message go through the same analysis (typo correction, stems,
synonyms). A phrase matches as a contiguous run of terms, which keeps "lock out the knee" (an
exercise cue) apart from "knee locked" (a red flag). It is tried twice: with filler words
dropped on both sides ("my knee just totally lokced up" contains "knee locked") and as
written, so a phrase made mostly of filler words ("keeps getting worse") still works.

A phrase written ``a + b`` matches when every part appears anywhere in the message:
"swelling + twisted" catches "twisted it on Sunday and by the evening it was swelling". A part
may name word groups (``{swelling} + {injury}``, see :mod:`bot.engine.phrase_syntax`); it is
found when any of its wordings is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from bot.engine.analysis import Analyser
from bot.engine.normalise import clean, stem
from bot.engine.phrase_syntax import WordGroups, alternatives, split_parts
from bot.engine.words import FILLER_WORDS

_FILLER_STEMS = frozenset(FILLER_WORDS | {stem(word) for word in FILLER_WORDS})

FEW_STARTS = 8
"""A run whose first term occurs at most this often is checked at each occurrence; a more
repetitive message gets a set of all its runs of that length (no quadratic scans)."""
VIEWS_KEPT = 64
"""Recently seen messages whose views are kept (several indexes read each message)."""

Payload = TypeVar("Payload")
Terms = tuple[str, ...]


@dataclass(frozen=True)
class Found(Generic[Payload]):
    """A phrase found in a message, with what it stands for."""

    payload: Payload
    phrase: str


class _Terms:
    """A sequence of terms with where each term occurs, built on first use, for fast lookups."""

    def __init__(self, terms: Terms) -> None:
        self.terms = terms
        self.present = frozenset(terms)
        self._starts: dict[str, list[int]] | None = None
        self._runs: dict[int, set[Terms]] = {}

    def contains(self, run: Terms) -> bool:
        first, size = run[0], len(run)
        if first not in self.present or size == 1:
            return first in self.present
        terms = self.terms
        starts = self._starts_of(first)
        if len(starts) <= FEW_STARTS:
            return any(terms[start : start + size] == run for start in starts)
        runs = self._runs.get(size)
        if runs is None:
            runs = self._runs[size] = {terms[i : i + size] for i in range(len(terms) - size + 1)}
        return run in runs

    def _starts_of(self, term: str) -> list[int]:
        if self._starts is None:
            self._starts = {}
            for position, each in enumerate(self.terms):
                self._starts.setdefault(each, []).append(position)
        return self._starts[term]


@dataclass(frozen=True)
class _Views:
    """A text's terms as written, and with filler words dropped."""

    written: _Terms
    compact: _Terms


@dataclass(frozen=True)
class _Wording:
    """One wording of a part, as written and compact (``None`` when compacting empties it)."""

    written: Terms
    compact: Terms | None

    def found_in(self, views: _Views) -> bool:
        if self.compact is not None and views.compact.contains(self.compact):
            return True
        return views.written.contains(self.written)

    @property
    def required(self) -> Terms:
        """Terms a message contains whenever this wording is found in it, either way.

        A compact wording is the written one without filler, so its terms are in both.
        """
        return self.compact or self.written


@lru_cache(maxsize=VIEWS_KEPT)
def _views_of(written: Terms) -> _Views:
    """Both views of a message's terms; triage and the scope check read the same message."""
    compact = tuple(term for term in written if term not in _FILLER_STEMS)
    return _Views(_Terms(written), _Terms(compact))


class PhraseIndex(Generic[Payload]):
    """Phrases grouped by payload; earlier groups rank before later ones."""

    def __init__(
        self,
        groups: Iterable[tuple[Payload, Iterable[str]]],
        analyser: Analyser,
        word_groups: WordGroups | None = None,
    ) -> None:
        """Analyse every phrase of every ``(payload, phrases)`` group once.

        ``word_groups`` gives the words each ``{name}`` in a phrase stands for.
        """
        self._analyser = analyser
        self._phrases: list[tuple[Payload, str, int]] = []
        parsed: list[tuple[_Wording, ...]] = []
        for payload, phrases in groups:
            for phrase in phrases:
                parts = [self._part(text, word_groups or {}) for text in split_parts(phrase)]
                if all(parts):
                    self._phrases.append((payload, phrase, len(parts)))
                    parsed.append(parts)
        uses = Counter(
            term
            for parts in parsed
            for wordings in parts
            for wording in wordings
            for term in set(wording.required)
        )

        def rarity(term: str) -> tuple[int, int]:
            return uses[term], -len(term)

        by_key_term: dict[str, list[tuple[int, int, _Wording, frozenset[str]]]] = defaultdict(list)
        for position, parts in enumerate(parsed):
            for number, wordings in enumerate(parts):
                for wording in wordings:
                    key = min(wording.required, key=rarity)
                    by_key_term[key].append(
                        (position, number, wording, frozenset(wording.required))
                    )
        self._by_key_term = dict(by_key_term)

    def _part(self, text: str, word_groups: WordGroups) -> tuple[_Wording, ...]:
        wordings = []
        for wording in alternatives(text, word_groups):
            views = _views_of(self._analyser.analyse(clean(wording)).terms)
            written, compact = views.written.terms, views.compact.terms
            if written:
                keeps_meaning = len(compact) > 1 or len(written) == 1
                wordings.append(_Wording(written, compact if compact and keeps_meaning else None))
        return tuple(wordings)

    def find(self, cleaned: str) -> Found[Payload] | None:
        """The first phrase (in group order) that appears in ``cleaned`` text, if any."""
        return self.find_in_terms(self._analyser.analyse(cleaned).terms)

    def find_in_terms(self, terms: Terms) -> Found[Payload] | None:
        """:meth:`find` on a message's analysed terms (some perhaps masked by :class:`Masker`)."""
        views = _views_of(terms)
        in_message = views.written.present
        present: dict[int, dict[int, list[_Wording]]] = {}
        for term in in_message:
            for position, number, wording, required in self._by_key_term.get(term, ()):
                if required <= in_message:
                    present.setdefault(position, {}).setdefault(number, []).append(wording)
        phrases = self._phrases
        viable = (p for p, parts in present.items() if len(parts) == phrases[p][2])
        for position in sorted(viable):
            if all(
                any(wording.found_in(views) for wording in wordings)
                for wordings in present[position].values()
            ):
                payload, phrase, _ = phrases[position]
                return Found(payload=payload, phrase=phrase)
        return None

    def covered(self, terms: Terms, *, least: int = 1) -> frozenset[int]:
        """Positions of ``terms`` that some wording of some phrase part occupies.

        Only wordings of at least ``least`` words (as written) count.
        """
        views = _views_of(terms)
        in_message = views.written.present
        kept = [position for position, term in enumerate(terms) if term not in _FILLER_STEMS]
        found: set[int] = set()
        for term in in_message:
            for _, _, wording, required in self._by_key_term.get(term, ()):
                if not required <= in_message or len(wording.written) < least:
                    continue
                found |= _occurrences(wording.written, terms, range(len(terms)))
                if wording.compact is not None:
                    found |= _occurrences(wording.compact, views.compact.terms, kept)
        return frozenset(found)


def _occurrences(run: Terms, terms: Terms, positions: Sequence[int]) -> set[int]:
    """The positions (in the message, through ``positions``) every occurrence of ``run`` spans."""
    size = len(run)
    found: set[int] = set()
    for start in range(len(terms) - size + 1):
        if terms[start] == run[0] and terms[start : start + size] == run:
            found.update(positions[start : start + size])
    return found


MASK = "\x00"
"""Stands in for a masked term: no phrase contains it, so nothing matches across it."""


class Masker:
    """Hides wordings (filler words skipped) from later phrase lookups, term by term."""

    def __init__(
        self, wordings: Iterable[str], analyser: Analyser, word_groups: WordGroups
    ) -> None:
        """Analyse every wording once, ``{name}`` standing for any word of that word group."""
        self._analyser = analyser
        runs: dict[str, set[Terms]] = defaultdict(set)
        for wording in wordings:
            for text in alternatives(wording, word_groups):
                run = _views_of(self._analyser.analyse(clean(text)).terms).compact.terms
                if run:
                    runs[run[0]].add(run)
        self._runs_by_first = dict(runs)
        self._term_sets = [frozenset(run) for group in runs.values() for run in group]

    def masked(self, terms: Terms) -> Terms:
        """``terms`` with every occurrence of a wording replaced by MASK."""
        views = _views_of(terms)
        if not any(needed <= views.written.present for needed in self._term_sets):
            return terms
        kept = [position for position, term in enumerate(terms) if term not in _FILLER_STEMS]
        compact = views.compact.terms
        masked = list(terms)
        for start, first in enumerate(compact):
            for run in self._runs_by_first.get(first, ()):
                end = start + len(run)
                if compact[start:end] == run:
                    first_at, last_at = kept[start], kept[end - 1]
                    masked[first_at : last_at + 1] = [MASK] * (last_at + 1 - first_at)
        return tuple(masked)
