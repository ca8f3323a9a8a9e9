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
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, cast

from bot.engine.analysis import Analyser
from bot.engine.model import ContextRules, SafetyTier
from bot.engine.normalise import clean

Terms = tuple[str, ...]


class Context(StrEnum):
    """How a message holds a word: only an affirmed symptom is the member's red flag now."""

    AFFIRMED = "affirmed"
    UNCERTAIN = "uncertain"
    NEGATED = "negated"
    PAST = "past"
    HYPOTHETICAL = "hypothetical"
    OTHER = "other"
    FIGURATIVE = "figurative"


DISMISSED = frozenset(
    {Context.NEGATED, Context.PAST, Context.HYPOTHETICAL, Context.OTHER, Context.FIGURATIVE}
)
"""Contexts in which a symptom word is no red flag of the member's."""
DENIALS = frozenset({Context.NEGATED, Context.PAST, Context.OTHER, Context.FIGURATIVE})
"""Contexts in which a member says a symptom is not theirs now (a correction); not a "what if"."""


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

    @property
    def dismissed(self) -> bool:
        """Whether the message denies, dates, imagines or lends the symptom away."""
        return self.context in DISMISSED


FORWARD_REACH = 12
"""Terms a forward trigger reaches at most."""
BACKWARD_REACH = 10
"""Terms a backward trigger reaches at most."""
FUNCTION_REACH = 4
"""A negation negates an ability ("not able to walk") when it names one this close."""
LIST_PIECE = 3
"""A clause of at most this many terms after a comma continues a forward scope (a list)."""

_TRIGGERS = {
    "negated": (Context.NEGATED, True),
    "negated_after": (Context.NEGATED, False),
    "past": (Context.PAST, True),
    "past_after": (Context.PAST, False),
    "hypothetical": (Context.HYPOTHETICAL, True),
    "other": (Context.OTHER, True),
    "uncertain": (Context.UNCERTAIN, True),
    "uncertain_after": (Context.UNCERTAIN, False),
}
"""Rule list -> the context its triggers give, and whether their scope runs forward."""


@dataclass(frozen=True)
class Clause:
    """A clause of a message.

    Its text, where its terms sit in the message's terms (``start`` to ``end``), and where its
    characters sit in the message's clean text (``chars``, end excluded).
    """

    text: str
    start: int
    end: int
    opens_sentence: bool
    chars: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class _Trigger:
    context: Context
    forward: bool


class _Runs:
    """Term runs indexed by their first term, each with a payload."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[Terms, object]]] = {}

    def add(self, run: Terms, payload: object) -> None:
        if run:
            self._by_first.setdefault(run[0], []).append((run, payload))

    def occurrences(self, terms: Terms) -> list[tuple[int, int, object]]:
        """Every ``(start, end, payload)`` where a run occurs in ``terms``."""
        found = []
        for start, term in enumerate(terms):
            for run, payload in self._by_first.get(term, ()):
                end = start + len(run)
                if terms[start:end] == run:
                    found.append((start, end, payload))
        return found


@dataclass
class _Rules:
    """One language's trigger wordings, analysed."""

    triggers: _Runs = field(default_factory=_Runs)
    pseudo: _Runs = field(default_factory=_Runs)
    terminate: _Runs = field(default_factory=_Runs)
    figurative: _Runs = field(default_factory=_Runs)
    clause_start: _Runs = field(default_factory=_Runs)
    first_person: _Runs = field(default_factory=_Runs)
    carer: _Runs = field(default_factory=_Runs)
    body: _Runs = field(default_factory=_Runs)
    functions: set[str] = field(default_factory=set)


class ContextReader:
    """Marks each term of a message with its :class:`Context`, by its language's rules.

    A message in another language is read by that language's rules and English ones (members
    mix English gym words into their own language).
    """

    def __init__(self, rules: Iterable[ContextRules], analyser: Analyser) -> None:
        """Analyse every trigger wording once, as messages are analysed."""
        self._analyser = analyser
        self._rules: dict[str, _Rules] = {}
        for rule in rules:
            compiled = self._rules.setdefault(rule.language, _Rules())
            for name, trigger in _TRIGGERS.items():
                for wording in getattr(rule, name):
                    compiled.triggers.add(self._terms(wording), _Trigger(*trigger))
            for name in (
                "pseudo",
                "terminate",
                "figurative",
                "clause_start",
                "first_person",
                "body",
            ):
                for wording in getattr(rule, name):
                    getattr(compiled, name).add(self._terms(wording), None)
            for wording in rule.carer:
                compiled.carer.add(self._terms(wording), None)
            compiled.functions.update(t for word in rule.function for t in self._terms(word))

    def _terms(self, wording: str) -> Terms:
        return self._analyser.analyse(clean(wording)).terms

    def about_body(self, terms: Terms, language: str) -> bool:
        """Whether ``terms`` name a body part or a symptom, by ``language``'s body words."""
        rules = self._rules.get(language)
        return rules is not None and bool(rules.body.occurrences(terms))

    def read(
        self, terms: Terms, clauses: Sequence[Clause], occupied: frozenset[int], language: str
    ) -> tuple[Context, ...]:
        """The context of every term; ``occupied`` positions hold red-flag wordings."""
        labels = [Context.AFFIRMED] * len(terms)
        chosen = [
            self._rules[name] for name in dict.fromkeys((language, "en")) if name in self._rules
        ]
        if not chosen:
            return tuple(labels)

        def found(name: str) -> list[tuple[int, int, object]]:
            return [hit for rules in chosen for hit in getattr(rules, name).occurrences(terms)]

        for start, end, _ in found("figurative"):
            labels[start:end] = [Context.FIGURATIVE] * (end - start)
        blocked = {p for s, e, _ in found("pseudo") for p in range(s, e)}
        stops = {start for start, _, _ in found("terminate")}
        starts = {start for start, _, _ in found("first_person")}
        cared_for = bool(found("carer"))
        opening = {start for start, _, _ in found("clause_start")}
        functions = set().union(*(rules.functions for rules in chosen))
        clause_of = [0] * len(terms)
        for number, clause in enumerate(clauses):
            clause_of[clause.start : clause.end] = [number] * (clause.end - clause.start)
        claimed: dict[bool, set[int]] = {True: set(), False: set()}
        triggers = found("triggers")
        forward = {(start, end) for start, end, hit in triggers if cast(_Trigger, hit).forward}
        for start, end, payload in sorted(triggers, key=lambda hit: hit[0] - hit[1]):
            trigger: _Trigger = payload  # type: ignore[assignment]
            if trigger.context is Context.OTHER and cared_for:
                continue
            span = set(range(start, end))
            if span & (blocked | occupied | claimed[trigger.forward]):
                continue
            claimed[trigger.forward] |= span  # the longest trigger each way is the one that counts
            if trigger.forward:
                ends = stops | starts if trigger.context is Context.OTHER else stops
                # A denial is a clause's ("no fall, it just swelled"); the rest, the sentence's.
                listing = opening if trigger.context is Context.NEGATED else None
                scope = _forward(len(terms), clauses, clause_of, end, (ends, listing))
                if trigger.context is Context.NEGATED and any(
                    terms[p] in functions for p in scope[:FUNCTION_REACH]
                ):
                    continue  # "not able to walk": the negated ability is the symptom
            elif (
                end - start == 1 and (start, end) in forward and end < clauses[clause_of[start]].end
            ):
                continue  # a word that looks both ways ("no") looks back only at a clause's end
            else:
                scope = self._backward(clauses, clause_of, start, stops)
            for position in scope:
                labels[position] = _graver(labels[position], trigger.context)
        return tuple(labels)

    @staticmethod
    def _backward(
        clauses: Sequence[Clause], clause_of: list[int], start: int, stops: set[int]
    ) -> list[int]:
        """Back from a trigger to its sentence's start ("swelled up like a melon, all healed")."""
        number = clause_of[start] if start < len(clause_of) else len(clauses) - 1
        while number > 0 and not clauses[number].opens_sentence:
            number -= 1
        first = clauses[number].start if clauses else 0
        scope = []
        position = start - 1
        while position >= first and len(scope) < BACKWARD_REACH and position not in stops:
            scope.append(position)
            position -= 1
        return scope


def _forward(
    length: int,
    clauses: Sequence[Clause],
    clause_of: list[int],
    start: int,
    bounds: tuple[set[int], set[int] | None],
) -> list[int]:
    """From after a trigger to its sentence's end, or (a denial) its clause's and a list's.

    ``bounds`` are the positions of termination terms and, for a scope that ends with its
    clause, of the words that open one (None: the scope runs on to the sentence's end).
    """
    stops, opening = bounds
    if start >= length:
        return []
    scope: list[int] = []
    number = clause_of[start - 1] if start else 0
    clause = clauses[number]
    position = start
    while len(scope) < FORWARD_REACH and position < length:
        if position >= clause.end:
            number += 1
            if number >= len(clauses) or not _continues(clauses[number], opening):
                break
            clause = clauses[number]
        if position in stops:
            break
        scope.append(position)
        position += 1
    return scope


def _continues(clause: Clause, opening: set[int] | None) -> bool:
    """Whether a forward scope runs on into ``clause``.

    Within its sentence; and for a clause's scope (``opening`` given), only into a short list
    item that doesn't open a clause of its own.
    """
    if clause.opens_sentence:
        return False
    if opening is None:
        return True
    return clause.end - clause.start <= LIST_PIECE and clause.start not in opening


def _graver(current: Context, new: Context) -> Context:
    """The context that wins where two scopes meet: any dismissal over doubt over affirmed."""
    if current in DISMISSED:
        return current
    if new in DISMISSED or current is Context.AFFIRMED:
        return new
    return current
