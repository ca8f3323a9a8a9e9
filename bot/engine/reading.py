"""A message read once: its clean text, clauses, words, their contexts, language, red flags.

Every stage after it (the learned signal, the verdict, matching, the use-case layer, the front
ends) works from one :class:`Reading`, so nothing re-derives what the reading already knows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, replace

from bot.engine.analysis import Analyser
from bot.engine.context import (
    DENIALS,
    DISMISSED,
    Clause,
    Context,
    ContextReader,
    Finding,
    Marks,
)
from bot.engine.language import ENGLISH, language_of
from bot.engine.normalise import clean, is_question, sentences, tokens
from bot.engine.reply import Reply
from bot.engine.triage import Triage
from bot.engine.words import STOP_WORDS

_POSSESSOR = re.compile(r"\b([a-z]+)'s\b")
"""A word written with a possessive 's ("deacon's"), or a contraction ("he's")."""
_CONTRACTED = frozenset(
    [
        "it",
        "he",
        "she",
        "that",
        "what",
        "there",
        "here",
        "who",
        "let",
        "where",
        "how",
        "when",
        "why",
        "this",
    ]
)
"""Words whose 's is "is" or "us", never a possessive."""
_PIECE_BREAK = re.compile(r"[;,:]+\s+|\s+(?=(?:but|also|plus|and then|btw)\s)")
"""Where a sentence divides into clauses: commas and the like, and before "but"."""
MIN_CLAUSE_CHARS = 16
"""A piece shorter than this ("ok so", "also") is read by the learned signal with the next."""
HALF = 0.5
MAX_CLAUSES = 256
"""Up to this many clauses (a whole 4,000-character message), a message is also read for red
flags clause by clause."""


@dataclass(frozen=True)
class Reading:
    """Everything the engine reads off a message, once.

    ``pieces`` are its clauses as context scopes see them; ``clauses`` the same joined to
    ``MIN_CLAUSE_CHARS`` or more, which the learned signal reads one by one. ``phrase`` is the
    gravest red-flag phrase it names, with its context.
    """

    text: str
    terms: tuple[str, ...]
    pieces: tuple[Clause, ...]
    clauses: tuple[Clause, ...]
    contexts: tuple[Context, ...]
    language: str
    phrase: Finding | None
    about_body: bool
    """Whether it names a body part or a symptom (read in its own language)."""
    answered_yes: bool = False
    """Whether a checklist in it answers a red-flag word "yes" ("swelling ✓")."""
    symptoms: frozenset[int] = frozenset()
    """Positions of its terms inside red-flag wordings."""
    own: frozenset[int] = frozenset()
    """Positions of the words in which the member speaks of themselves ("I", "my")."""
    others: frozenset[int] = frozenset()
    """Positions of the words that speak of someone else ("my mate", "she")."""
    reassured: frozenset[tuple[int, int]] = frozenset()
    """The clauses (and the whole message, as ``(start, end)`` term positions) every piece of
    which says a function or a sense is as it should be, asks nothing and names no red flag."""
    cared_for: bool = False
    """Whether the member asks on behalf of someone they look after ("my mum (80)...")."""
    unfamiliar: frozenset[str] = frozenset()
    """Its words that no entry uses (names, "sir", "ahead"), apostrophes folded."""

    @property
    def english(self) -> bool:
        """Whether the message is in English, the language the bot reads best."""
        return self.language == ENGLISH

    @property
    def read_alone(self) -> tuple[Clause, ...]:
        """The clauses the learned signal reads one by one: none for a one-clause message."""
        return self.clauses[:MAX_CLAUSES] if len(self.clauses) > 1 else ()

    def marked(self, reply: Reply, denied: frozenset[str]) -> Reply:
        """``reply``, marked with what this reading says of the message.

        Its language (when not English), the symptoms it denies, whether it asks about one.
        """
        language = None if self.english else self.language
        wonders = self.phrase is not None and self.phrase.context is Context.HYPOTHETICAL
        return replace(reply, language=language, denied=denied, wonders=wonders)

    @property
    def whole(self) -> Clause:
        """The whole message, as one clause (a follow-up's own words, read as a clause)."""
        return _whole(self.text, len(self.terms))

    def context_of(self, clause: Clause) -> Context:
        """How ``clause`` holds what it says.

        A clause naming a symptom in words the red-flag phrases use holds it as the words do:
        dismissed if any of them is ("had numbness years ago, all gone"). Otherwise it is
        denied when it says a function or a sense is as it should be ("it straightens fully"),
        and dismissed when most of its topic words are.
        """
        named = [
            self.contexts[position]
            for position in range(clause.start, clause.end)
            if position in self.symptoms
        ]
        dismissals = [context for context in named if context in DISMISSED]
        if dismissals:
            return Counter(dismissals).most_common(1)[0][0]
        if (clause.start, clause.end) in self.reassured:
            return Context.NEGATED
        held = [
            self.contexts[position]
            for position in range(clause.start, clause.end)
            if self.terms[position] not in STOP_WORDS
        ] or list(self.contexts[clause.start : clause.end])
        dismissed = Counter(context for context in held if context in DISMISSED)
        if held and sum(dismissed.values()) >= HALF * len(held):
            return dismissed.most_common(1)[0][0]
        return Context.UNCERTAIN if Context.UNCERTAIN in held else Context.AFFIRMED

    def denied_in(self, clause: Clause) -> frozenset[str]:
        """The topic words of ``clause`` that the message denies, dates or lends away."""
        return frozenset(
            self.terms[position]
            for position in range(clause.start, clause.end)
            if self.contexts[position] in DENIALS and self.terms[position] not in STOP_WORDS
        )

    def of_self(self, clause: Clause) -> bool:
        """Whether ``clause`` speaks of the member, and of nobody else ("my foot is numb")."""
        positions = set(range(clause.start, clause.end))
        return bool(positions & self.own) and not positions & self.others

    def of_member(self, clause: Clause) -> bool:
        """Whether ``clause`` speaks of the member, or of the person they look after.

        Asked on behalf of a child or a parent, their red flag is the member's to act on.
        """
        return self.of_self(clause) or self.cared_for

    def names_symptom(self, clause: Clause) -> bool:
        """Whether ``clause`` holds words of the red-flag phrases."""
        return any(clause.start <= position < clause.end for position in self.symptoms)

    def topic_words(self, clause: Clause) -> frozenset[str]:
        """The words of ``clause`` that matching reads as its topic."""
        return frozenset(
            term for term in self.terms[clause.start : clause.end] if term not in STOP_WORDS
        )


class Reader:
    """Reads messages for one knowledge base."""

    def __init__(
        self,
        analyser: Analyser,
        triage: Triage,
        contexts: ContextReader,
        languages: Collection[str],
        english_words: Collection[str],
    ) -> None:
        """Read with the knowledge base's analyser, red-flag phrases and context rules.

        ``english_words`` are the words the entries use, English whatever a dictionary says.
        """
        self._analyser = analyser
        self._triage = triage
        self._contexts = contexts
        self._languages = frozenset(languages)
        self._english_words = frozenset(english_words)

    def read(self, text: str) -> Reading:
        """Read a raw message."""
        cleaned = clean(text)
        terms: list[str] = []
        pieces: list[Clause] = []
        possessors: set[int] = set()
        cursor = 0
        for sentence in sentences(cleaned):
            for number, piece in enumerate(_PIECE_BREAK.split(sentence)):
                at = cleaned.find(piece, cursor)
                cursor = at + len(piece)
                piece_terms = self._analyser.analyse(piece).terms
                if piece_terms:
                    start = len(terms)
                    possessors.update(start + before for before in self._possessors(piece))
                    terms += piece_terms
                    chars = (at, cursor)
                    pieces.append(Clause(piece, start, len(terms), number == 0, chars))
        words = tuple(terms)
        occupied = self._triage.covered(words)
        language = language_of(text, cleaned, self._languages, self._english_words)
        marks = Marks(occupied, self._triage.embedding(words), frozenset(possessors))
        held = self._contexts.read(words, pieces, marks, language)
        own, others = self._contexts.people(words, language)
        clauses = _joined(pieces)
        calm = [
            piece
            for number, piece in enumerate(pieces)
            if number in held.reassured
            and not is_question(piece.text)
            and not self._triage.names_any(words[piece.start : piece.end])
        ]
        return Reading(
            text=cleaned,
            terms=words,
            pieces=tuple(pieces),
            clauses=clauses,
            contexts=held.contexts,
            language=language,
            phrase=self._triage.find(words, held.contexts),
            about_body=self._contexts.about_body(words, language),
            answered_yes=held.answered_yes,
            symptoms=occupied,
            own=own,
            others=others,
            reassured=_reassured(pieces, calm, (*clauses, _whole(cleaned, len(words)))),
            cared_for=held.cared_for,
            unfamiliar=frozenset(tokens(cleaned)) - self._english_words,
        )

    def _possessors(self, piece: str) -> list[int]:
        """Where in ``piece``'s terms a word is written with a possessive 's."""
        return [
            len(self._analyser.analyse(piece[: found.start()]).terms)
            for found in _POSSESSOR.finditer(piece)
            if found.group(1) not in _CONTRACTED
        ]


def _reassured(
    pieces: list[Clause], calm: list[Clause], clauses: tuple[Clause, ...]
) -> frozenset[tuple[int, int]]:
    """The spans of ``clauses`` made only of ``calm`` pieces (that say a function is fine)."""
    spans = {(piece.start, piece.end) for piece in calm}
    return frozenset(
        (clause.start, clause.end)
        for clause in clauses
        if spans
        and all(
            (piece.start, piece.end) in spans
            for piece in pieces
            if clause.start <= piece.start < clause.end
        )
    )


def _whole(text: str, size: int) -> Clause:
    """A message of ``size`` terms as one clause."""
    return Clause(text, 0, size, True, (0, len(text)))


def _joined(pieces: list[Clause]) -> tuple[Clause, ...]:
    """Pieces joined to the next until each is at least ``MIN_CLAUSE_CHARS`` long."""
    joined: list[Clause] = []
    pending: Clause | None = None
    for piece in pieces:
        if pending is None:
            pending = piece
        else:
            text = f"{pending.text} {piece.text}"
            chars = (pending.chars[0], piece.chars[1])
            pending = Clause(text, pending.start, piece.end, pending.opens_sentence, chars)
        if len(pending.text) >= MIN_CLAUSE_CHARS:
            joined.append(pending)
            pending = None
    if pending is not None:
        joined.append(pending)
    return tuple(joined)
