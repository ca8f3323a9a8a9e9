"""Finding known phrases in a message, whatever the typos, casing, markup or filler words.

Both the phrases and the message go through the same analysis (typo correction, stems,
synonyms). A phrase matches as a contiguous run of terms, which keeps "lock out the knee" (an
exercise cue) apart from "knee locked" (a red flag). It is tried twice: with filler words
dropped on both sides ("my knee just totally lokced up" contains "knee locked") and as
written, so a phrase made mostly of filler words ("keeps getting worse") still works.

A phrase written ``a + b`` matches when every part appears anywhere in the message:
"swelling + twisted" catches "twisted it on Sunday and by the evening it was swelling".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.engine.analysis import Analyser
from bot.engine.normalise import stem
from bot.engine.words import FILLER_WORDS

_FILLER_STEMS = frozenset(FILLER_WORDS | {stem(word) for word in FILLER_WORDS})
CONJUNCTION = " + "

Payload = TypeVar("Payload")
Terms = tuple[str, ...]


@dataclass(frozen=True)
class Found(Generic[Payload]):
    """A phrase found in a message, with what it stands for."""

    payload: Payload
    phrase: str


@dataclass(frozen=True)
class _Views:
    """A text's terms as written, and with filler words dropped."""

    written: Terms
    compact: Terms


def _contains(terms: Terms, run: Terms) -> bool:
    size = len(run)
    return any(terms[start : start + size] == run for start in range(len(terms) - size + 1))


@dataclass(frozen=True)
class _Part:
    """One part of a phrase, as written and compact (``None`` when compacting empties it)."""

    written: Terms
    compact: Terms | None

    def found_in(self, views: _Views) -> bool:
        if self.compact is not None and _contains(views.compact, self.compact):
            return True
        return _contains(views.written, self.written)


class PhraseIndex(Generic[Payload]):
    """Phrases grouped by payload; earlier groups rank before later ones."""

    def __init__(self, groups: Iterable[tuple[Payload, Iterable[str]]], analyser: Analyser) -> None:
        """Analyse every phrase of every ``(payload, phrases)`` group once."""
        self._analyser = analyser
        self._phrases: list[tuple[Payload, str, tuple[_Part, ...]]] = []
        for payload, phrases in groups:
            for phrase in phrases:
                parts = tuple(self._part(text) for text in phrase.casefold().split(CONJUNCTION))
                if all(part.written for part in parts):
                    self._phrases.append((payload, phrase, parts))

    def _views(self, cleaned: str) -> _Views:
        written = self._analyser.analyse(cleaned).terms
        return _Views(written, tuple(term for term in written if term not in _FILLER_STEMS))

    def _part(self, text: str) -> _Part:
        views = self._views(text)
        keeps_meaning = len(views.compact) > 1 or len(views.written) == 1
        return _Part(views.written, views.compact if keeps_meaning else None)

    def find(self, cleaned: str) -> Found[Payload] | None:
        """The first phrase (in group order) that appears in ``cleaned`` text, if any."""
        views = self._views(cleaned)
        present = set(views.written)
        for payload, phrase, parts in self._phrases:
            if not all(
                part.written[0] in present or (part.compact and part.compact[0] in present)
                for part in parts
            ):
                continue
            if all(part.found_in(views) for part in parts):
                return Found(payload=payload, phrase=phrase)
        return None
