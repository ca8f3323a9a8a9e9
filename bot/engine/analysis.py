"""From cleaned text to comparable terms: spelling fixed, stems, synonyms, stop words marked.

One :class:`Analyser` is built per knowledge base. Its vocabulary is every word the knowledge
base uses, so a typo ("vastus laterlis", "lokced") is corrected towards words the bot knows,
and a synonym ("ITB", "outer quad") becomes the single canonical term the entries use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.engine.model import Synonym
from bot.engine.normalise import clean, fold_token, raw_tokens, stem, tokens
from bot.engine.words import NEUTRAL_WORDS, STOP_WORDS, common_words


@dataclass(frozen=True)
class Analysis:
    """The terms of a text: ``terms`` keeps every word, ``content`` only topic words."""

    terms: tuple[str, ...]
    content: tuple[str, ...]

    @property
    def content_text(self) -> str:
        """Content terms joined by spaces, for string similarity."""
        return " ".join(self.content)


ANALYSES_KEPT = 64
"""Recently analysed texts kept per analyser (one message is read by several steps)."""
TERMS_KEPT = 50_000
"""Words whose term (spelling fixed, stemmed) an analyser remembers: most words recur."""
_LEAVE_ALONE = STOP_WORDS | NEUTRAL_WORDS
_STOP_STEMS = STOP_WORDS | {stem(word) for word in STOP_WORDS}


def _undoubled(word: str, known: frozenset[str]) -> str | None:
    """``word`` with one doubled letter made single, if that is a known word.

    The last pair is tried first: letters are stretched at the end ("feell" is "feel", not
    "fell").
    """
    for index in reversed(range(len(word) - 1)):
        if word[index] == word[index + 1] and (single := word[:index] + word[index + 1 :]) in known:
            return single
    return None


def _max_edits(length: int) -> int:
    return 1 if length < 8 else 2


class Analyser:
    """Spelling correction, stemming and synonym folding over one vocabulary."""

    def __init__(self, vocabulary: Iterable[str], synonyms: Iterable[Synonym]) -> None:
        """Index the known words and the synonym table."""
        self._synonyms: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        known: set[str] = set()
        for group in synonyms:
            canonical = "_".join(self._stems(tokens(group.canonical)))
            for variant in (group.canonical, *group.variants):
                variant_tokens = tokens(clean(variant))
                known.update(variant_tokens)
                stems = self._stems(variant_tokens)
                if stems:
                    self._synonyms.setdefault(stems[0], []).append((stems, canonical))
        for candidates in self._synonyms.values():
            candidates.sort(key=lambda pair: -len(pair[0]))
        # Per first stem of a synonym, the stems that can follow it ("" for a one-word synonym):
        # most words that start a synonym are not followed by its second word.
        self._second_terms = {
            first: frozenset(variant[1] if len(variant) > 1 else "" for variant, _ in candidates)
            for first, candidates in self._synonyms.items()
        }
        known.update(word for text in vocabulary for word in tokens(clean(text)))
        self.known_words = frozenset(known)
        self._choices: dict[str, list[str]] = defaultdict(list)
        for word in sorted(known | STOP_WORDS):
            if len(word) >= 4 and not word.isdigit():
                self._choices[word[0]].append(word)
        self._terms: dict[str, str] = {}
        self._remembered = lru_cache(maxsize=ANALYSES_KEPT)(self._analyse)

    @staticmethod
    def _stems(words: Iterable[str]) -> tuple[str, ...]:
        return tuple(stem(word) for word in words)

    def correct(self, word: str) -> str:
        """The known word closest to ``word`` when it looks like a typo of one.

        A typo here is one edit (two for long words), a swap of neighbours counting as one,
        keeping the first letter: "lokced" -> "locked", but "online" stays "online". Common
        English words are not typos ("knew" stays "knew", not "knee"), except for a dropped
        final g ("rollin" -> "rolling").
        """
        if word in self.known_words or word in _LEAVE_ALONE or word.isdigit():
            return word
        single = _undoubled(word, self.known_words)
        if single is not None:  # a stretched letter, kept twice by cleaning: "numbb", "doo"
            return single
        if len(word) < 4:
            return word
        if word.endswith("in") and word + "g" in self.known_words:
            return word + "g"
        if word in common_words():
            return word
        close = process.extract(
            word,
            self._choices.get(word[0], ()),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=_max_edits(len(word)),
            limit=5,
        )
        return min(close, key=lambda m: (m[1], abs(len(m[0]) - len(word))))[0] if close else word

    def _term(self, raw: str) -> str:
        term = stem(self.correct(fold_token(raw)))
        if len(self._terms) < TERMS_KEPT:
            self._terms[raw] = term
        return term

    def _fold_synonyms(self, stems: list[str]) -> list[str]:
        synonyms, second_terms = self._synonyms, self._second_terms
        starts = [index for index, term in enumerate(stems) if term in second_terms]
        if not starts:
            return stems
        folded: list[str] = []
        done, count = 0, len(stems)
        for index in starts:
            if index < done:  # inside a synonym already folded
                continue
            term = stems[index]
            following = stems[index + 1] if index + 1 < count else ""
            seconds = second_terms[term]
            if following not in seconds and "" not in seconds:
                continue
            for variant, canonical in synonyms[term]:
                end = index + len(variant)
                if tuple(stems[index:end]) == variant:
                    folded += stems[done:index]
                    folded.append(canonical)
                    done = end
                    break
        folded += stems[done:]
        return folded

    def analyse(self, cleaned: str) -> Analysis:
        """Terms of already-cleaned text (see :func:`bot.engine.normalise.clean`).

        Recent texts are remembered: triage, the scope check and the matcher all read the same
        message.
        """
        return self._remembered(cleaned)

    def _analyse(self, cleaned: str) -> Analysis:
        known = self._terms
        terms = self._fold_synonyms(
            [known.get(raw) or self._term(raw) for raw in raw_tokens(cleaned)]
        )
        content = tuple([term for term in terms if term not in _STOP_STEMS])
        return Analysis(terms=tuple(terms), content=content)
