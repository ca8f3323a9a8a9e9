"""What a message says about each word of it: affirmed, negated, past, imagined, another's...

A small ConText (Harkema et al., 2009; after NegEx, Chapman et al., 2001): trigger terms from
the knowledge base (``context:`` in ``knowledge/safety.yaml``, per language) mark the words in
their scope. A forward trigger ("no", "never had") reaches to the end of its clause, on through
a short list ("no swelling, redness or heat"); a backward one ("... is fine", "... years ago")
back towards its sentence's start; a termination term ("but", "now") ends either. A trigger that is
part of a red-flag wording ("no weight on it", "doesn't settle") or of a pseudo-trigger ("no
idea") is no trigger, and negating an ability ("not able to walk") is the symptom, not its
denial. A short clause after a comma carries a forward scope on ("no swelling, redness or
heat") unless it starts like a clause of its own ("no fall, it just swelled"); someone else's
scope ends where the member speaks of themselves again ("my physio says my knee..."), and
a message in which the member cares for someone (a child, a parent) or asks on their behalf
("should he...") has nobody else in it: "my husband's knee is hot and swollen, should he try
the leg curl?" is the husband's red flag, for the member to act on.
Figurative wordings ("numb to the advice") mark their own words. Each message is read by its
language's rules (and English ones, which members mix in).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, cast

from bot.engine.analysis import Analyser
from bot.engine.context_rules import Rules, Terms, Trigger, compile_rules
from bot.engine.episodes import ended_episode
from bot.engine.message_wordings import Marks, MessageWordings
from bot.engine.model import ContextRules, SafetyTier
from bot.engine.phrase_syntax import WordGroups
from bot.engine.scopes import (
    DENIALS,
    DISMISSED,
    Clause,
    Context,
    graver,
)

__all__ = [
    "DENIALS",
    "DISMISSED",
    "Clause",
    "Context",
    "ContextReader",
    "ContextReading",
    "Finding",
    "Marks",
]


@dataclass(frozen=True)
class Finding:
    """A red flag a message mentions, and how it holds it.

    ``source`` says how it was found: a red-flag ``phrase`` of the knowledge base, or by
    ``meaning`` (the learned signal on a clause); ``wording`` is the phrase or the clause.
    """

    tier: SafetyTier | None
    context: Context
    source: Literal["phrase", "meaning"]
    wording: str
    terms: frozenset[str] = frozenset()
    """For a finding by meaning: the topic words of its clause (a correction must deny one)."""

    @property
    def dismissed(self) -> bool:
        """Whether the message denies, dates, imagines or lends the symptom away."""
        return self.context in DISMISSED


@dataclass(frozen=True)
class ContextReading:
    """How a message holds each of its words, and whether a checklist in it ticks a symptom."""

    contexts: tuple[Context, ...]
    answered_yes: bool
    reassured: frozenset[int] = frozenset()
    """The clauses (by number) that say a function or a sense is as it should be."""
    cared_for: bool = False
    """Whether the member asks on behalf of someone they look after (a child, a parent)."""


class ContextReader:
    """Marks each term of a message with its :class:`Context`, by its language's rules.

    A message in another language is read by that language's rules and English ones (members
    mix English gym words into their own language).
    """

    def __init__(
        self, rules: Iterable[ContextRules], analyser: Analyser, groups: WordGroups
    ) -> None:
        """Analyse every wording once, as messages are analysed (:func:`compile_rules`)."""
        self._rules = compile_rules(rules, analyser, groups)

    def about_body(self, terms: Terms, language: str) -> bool:
        """Whether ``terms`` name a body part or a symptom, by ``language``'s body words."""
        rules = self._rules.get(language)
        return rules is not None and bool(rules.body.occurrences(terms))

    def _chosen(self, language: str) -> list[Rules]:
        """The rules a message in ``language`` is read by: its own, then English ones."""
        return [
            self._rules[name] for name in dict.fromkeys((language, "en")) if name in self._rules
        ]

    def people(self, terms: Terms, language: str) -> tuple[frozenset[int], frozenset[int]]:
        """Where ``terms`` speak of the member ("I", "my") and of someone else ("my mate", "she").

        Positions of the first-person wordings, then of the someone-else triggers' words.
        """
        chosen = self._chosen(language)
        own = {
            position
            for rules in chosen
            for start, end, _ in rules.first_person.occurrences(terms)
            for position in range(start, end)
        }
        others = {
            position
            for rules in chosen
            for start, end, hit in rules.triggers.occurrences(terms)
            if cast(Trigger, hit).context is Context.OTHER
            for position in range(start, end)
        }
        return frozenset(own), frozenset(others)

    def read(
        self,
        terms: Terms,
        clauses: Sequence[Clause],
        marks: Marks,
        language: str,
    ) -> ContextReading:
        """The context of every term, given what reading found in them (:class:`Marks`)."""
        labels = [Context.AFFIRMED] * len(terms)
        chosen = self._chosen(language)
        if not chosen:
            return ContextReading(tuple(labels), answered_yes=False)
        message = MessageWordings(terms, clauses, chosen, marks)
        for start, end in message.spans("figurative"):
            labels[start:end] = [Context.FIGURATIVE] * (end - start)
        cared_for = message.cares()
        for scope, context in message.scopes(cared_for=cared_for):
            for position in scope:
                labels[position] = graver(labels[position], context)
        if not cared_for:
            for position in message.lent():
                labels[position] = graver(labels[position], Context.UNCERTAIN)
        for position in ended_episode(message, labels):
            labels[position] = graver(labels[position], Context.PAST)
        return ContextReading(
            tuple(labels),
            answered_yes=message.answered_yes(marks.symptoms),
            reassured=message.reassured(labels),
            cared_for=cared_for,
        )
