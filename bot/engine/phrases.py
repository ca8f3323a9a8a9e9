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

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.engine.analysis import Analyser
from bot.engine.normalise import stem
from bot.engine.phrase_syntax import WordGroups, alternatives, split_parts
from bot.engine.words import FILLER_WORDS

_FILLER_STEMS = frozenset(FILLER_WORDS | {stem(word) for word in FILLER_WORDS})

Payload = TypeVar("Payload")
Terms = tuple[str, ...]


@dataclass(frozen=True)
class Found(Generic[Payload]):
    """A phrase found in a message, with what it stands for."""

    payload: Payload
    phrase: str


class _Terms:
    """A sequence of terms with its runs of each length, built on first use, for fast lookups."""

    def __init__(self, terms: Terms) -> None:
        self.terms = terms
        self.positions: dict[str, list[int]] = defaultdict(list)
        for position, term in enumerate(terms):
            self.positions[term].append(position)
        self._runs: dict[int, set[Terms]] = {}

    def contains(self, run: Terms) -> bool:
        size = len(run)
        if size == 1:
            return run[0] in self.positions
        runs = self._runs.get(size)
        if runs is None:
            terms = self.terms
            runs = self._runs[size] = {terms[i : i + size] for i in range(len(terms) - size + 1)}
        return run in runs


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


@dataclass(frozen=True)
class _Part:
    """One part of a phrase: found when any of its wordings is."""

    wordings: tuple[_Wording, ...]

    def found_in(self, views: _Views) -> bool:
        return any(wording.found_in(views) for wording in self.wordings)

    def first_terms(self) -> set[str]:
        """The terms a message must contain for this part to be found."""
        keys: set[str] = set()
        for wording in self.wordings:
            keys.add(wording.written[0])
            keys.update(wording.compact[:1] if wording.compact else ())
        return keys


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
        self._phrases: list[tuple[Payload, str, tuple[_Part, ...]]] = []
        self._by_first_term: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for payload, phrases in groups:
            for phrase in phrases:
                parts = tuple(self._part(text, word_groups or {}) for text in split_parts(phrase))
                if all(part.wordings for part in parts):
                    for number, part in enumerate(parts):
                        for key in part.first_terms():
                            self._by_first_term[key].append((len(self._phrases), number))
                    self._phrases.append((payload, phrase, parts))

    def _views(self, cleaned: str) -> _Views:
        written = self._analyser.analyse(cleaned).terms
        compact = tuple(term for term in written if term not in _FILLER_STEMS)
        return _Views(_Terms(written), _Terms(compact))

    def _part(self, text: str, word_groups: WordGroups) -> _Part:
        wordings = []
        for wording in alternatives(text, word_groups):
            views = self._views(wording.casefold())
            written, compact = views.written.terms, views.compact.terms
            if written:
                keeps_meaning = len(compact) > 1 or len(written) == 1
                wordings.append(_Wording(written, compact if keeps_meaning else None))
        return _Part(tuple(wordings))

    def find(self, cleaned: str) -> Found[Payload] | None:
        """The first phrase (in group order) that appears in ``cleaned`` text, if any."""
        views = self._views(cleaned)
        starts: dict[int, set[int]] = defaultdict(set)
        for term in views.written.positions:
            for position, number in self._by_first_term.get(term, ()):
                starts[position].add(number)
        phrases = self._phrases
        viable = (p for p, numbers in starts.items() if len(numbers) == len(phrases[p][2]))
        for position in sorted(viable):
            payload, phrase, parts = phrases[position]
            if all(part.found_in(views) for part in parts):
                return Found(payload=payload, phrase=phrase)
        return None
