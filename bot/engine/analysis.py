"""From cleaned text to comparable terms: spelling fixed, stems, synonyms, stop words marked.

One :class:`Analyser` is built per knowledge base. Its vocabulary is every word the knowledge
base uses, so a typo ("vastus laterlis", "lokced") is corrected towards words the bot knows,
and a synonym ("ITB", "outer quad") becomes the single canonical term the entries use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.engine.model import Synonym
from bot.engine.normalise import stem, tokens

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "anybody",
        "anyone",
        "anything",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "both",
        "but",
        "by",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "each",
        "else",
        "even",
        "ever",
        "every",
        "for",
        "from",
        "get",
        "gets",
        "getting",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "id",
        "if",
        "ill",
        "im",
        "in",
        "into",
        "is",
        "it",
        "its",
        "ive",
        "just",
        "know",
        "let",
        "lets",
        "like",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "please",
        "pls",
        "plz",
        "same",
        "she",
        "should",
        "so",
        "some",
        "something",
        "such",
        "than",
        "that",
        "thats",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "thing",
        "things",
        "this",
        "those",
        "though",
        "through",
        "to",
        "too",
        "until",
        "up",
        "us",
        "very",
        "was",
        "way",
        "we",
        "were",
        "what",
        "whats",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "yall",
        "you",
        "your",
        "yours",
        "yourself",
        "u",
        "ur",
        "ya",
        "yo",
        "hey",
        "hi",
        "hello",
        "guys",
        "guy",
        "folks",
        "everyone",
        "anyone",
        "someone",
        "lol",
        "lmao",
        "ngl",
        "tbh",
        "imo",
        "idk",
        "bro",
        "bruh",
        "dude",
        "man",
        "fam",
        "pls",
        "really",
        "actually",
        "basically",
        "literally",
        "kinda",
        "sorta",
        "gonna",
        "wanna",
        "gotta",
        "okay",
        "ok",
        "yeah",
        "yes",
        "yep",
        "nope",
        "well",
        "still",
        "keep",
        "keeps",
        "kept",
        "say",
        "says",
        "said",
        "tell",
        "told",
        "think",
        "thought",
        "want",
        "wanted",
        "need",
        "needed",
        "try",
        "tried",
        "trying",
        "go",
        "going",
        "went",
        "make",
        "makes",
        "made",
        "use",
        "used",
        "using",
        "help",
        "question",
        "questions",
        "ask",
        "asking",
        "wondering",
        "wonder",
        "curious",
        "anyway",
        "btw",
        "thanks",
        "thank",
        "thx",
        "ty",
        "cheers",
        "appreciate",
        "mean",
        "means",
    ]
)
"""Function words and chat filler: they carry no topic, so matching ignores them."""

NEUTRAL_WORDS = frozenset(
    [
        "run",
        "running",
        "runner",
        "runs",
        "ran",
        "jog",
        "jogging",
        "gym",
        "lift",
        "lifting",
        "workout",
        "workouts",
        "train",
        "training",
        "session",
        "sessions",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "today",
        "yesterday",
        "tomorrow",
        "morning",
        "night",
        "ago",
        "since",
        "recently",
        "lately",
        "time",
        "times",
        "while",
        "long",
        "bit",
        "lot",
        "lots",
        "little",
        "often",
        "sometime",
        "sometimes",
        "always",
        "never",
        "usually",
        "currently",
        "now",
        "side",
        "left",
        "right",
        "one",
        "two",
        "both",
        "leg",
        "legs",
    ]
)
"""Context words that say little about which topic is meant: neither evidence nor surprise."""

FILLER_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "me",
        "i",
        "its",
        "it",
        "is",
        "are",
        "was",
        "be",
        "been",
        "just",
        "really",
        "so",
        "very",
        "kind",
        "sort",
        "of",
        "totally",
        "completely",
        "suddenly",
        "keeps",
        "keep",
        "kept",
        "kinda",
        "still",
        "all",
        "fully",
        "like",
        "has",
        "have",
        "had",
        "got",
        "gets",
        "getting",
        "now",
        "bit",
        "little",
        "super",
        "literally",
        "actually",
    ]
)
"""Words red-flag phrases may skip: "my knee just totally locked" reads as "knee locked"."""


@dataclass(frozen=True)
class Analysis:
    """The terms of a text: ``terms`` keeps every word, ``content`` only topic words."""

    terms: tuple[str, ...]
    content: tuple[str, ...]

    @property
    def content_text(self) -> str:
        """Content terms joined by spaces, for string similarity."""
        return " ".join(self.content)


def _cutoff(length: int) -> float:
    return 75.0 if length <= 5 else 80.0


class Analyser:
    """Spelling correction, stemming and synonym folding over one vocabulary."""

    def __init__(self, vocabulary: Iterable[str], synonyms: Iterable[Synonym]) -> None:
        """Index the known words and the synonym table."""
        self._synonyms: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        known: set[str] = set()
        for group in synonyms:
            canonical = "_".join(self._stems(tokens(group.canonical)))
            for variant in (group.canonical, *group.variants):
                variant_tokens = tokens(variant.casefold())
                known.update(variant_tokens)
                stems = self._stems(variant_tokens)
                if stems:
                    self._synonyms.setdefault(stems[0], []).append((stems, canonical))
        for candidates in self._synonyms.values():
            candidates.sort(key=lambda pair: -len(pair[0]))
        known.update(word for text in vocabulary for word in tokens(text.casefold()))
        self.known_words = frozenset(known)
        self._choices = sorted(word for word in known if len(word) >= 3 and not word.isdigit())
        self._corrections: dict[str, str] = {}

    @staticmethod
    def _stems(words: Iterable[str]) -> tuple[str, ...]:
        return tuple(stem(word) for word in words)

    def correct(self, word: str) -> str:
        """The known word closest to ``word`` when it looks like a typo of one."""
        if word in self.known_words or len(word) < 4 or word.isdigit():
            return word
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        best = process.extractOne(
            word, self._choices, scorer=fuzz.ratio, score_cutoff=_cutoff(len(word))
        )
        corrected = best[0] if best else word
        if len(self._corrections) < 50_000:
            self._corrections[word] = corrected
        return corrected

    def _fold_synonyms(self, stems: list[str]) -> list[str]:
        folded: list[str] = []
        index = 0
        while index < len(stems):
            for variant, canonical in self._synonyms.get(stems[index], ()):
                if tuple(stems[index : index + len(variant)]) == variant:
                    folded.append(canonical)
                    index += len(variant)
                    break
            else:
                folded.append(stems[index])
                index += 1
        return folded

    def analyse(self, cleaned: str) -> Analysis:
        """Terms of already-cleaned text (see :func:`bot.engine.normalise.clean`)."""
        words = [self.correct(word) for word in tokens(cleaned)]
        stop_stems = {stem(word) for word in STOP_WORDS} | STOP_WORDS
        terms = self._fold_synonyms([stem(word) for word in words])
        content = tuple(term for term in terms if term not in stop_stems)
        return Analysis(terms=tuple(terms), content=content)
