"""Where a context trigger reaches: forward to its clause's end, back to its start, and further.

The scopes of :mod:`bot.engine.context`'s ConText reading: how far a trigger's scope runs
(through a list of symptoms, into the clause after a trigger that is its clause's only words,
back through a sentence for a resolution), where termination terms and other clauses stop
it, and which context wins where two scopes meet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


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


FORWARD_REACH = 12
"""Terms a forward trigger reaches at most."""
BACKWARD_REACH = 10
"""Terms a backward trigger reaches at most."""
SENTENCE_REACH = 24
"""Terms a resolution reaches back, through its sentence."""
FUNCTION_REACH = 4
"""A negation negates an ability ("not able to walk") when it names one this close."""
LIST_PIECE = 3
"""A clause of at most this many terms after a comma continues a forward scope (a list)."""
OPENING_REACH = 3
"""A person named within this many terms of a sentence's start is who the sentence is about."""


@dataclass(frozen=True)
class Bounds:
    """Where scopes stop: termination terms, words that open a clause, and symptom words.

    ``abilities`` name what a member can do or feel ("walk", "feeling"): a "no" that
    answers a question about one is the symptom ("Can I walk on it? Nope.").
    """

    stops: set[int]
    opening: set[int]
    symptoms: frozenset[int]
    abilities: frozenset[int] = frozenset()


def _fills(clause: Clause, start: int, end: int) -> bool:
    """Whether a trigger is its clause's only words ("hypothetically," / ", all healed")."""
    return clause.start == start and clause.end == end


def _alone(clauses: Sequence[Clause], number: int) -> bool:
    """Whether clause ``number`` is a sentence of its own ("Nope." / "Fine since.")."""
    following = number + 1
    return clauses[number].opens_sentence and (
        following == len(clauses) or clauses[following].opens_sentence
    )


def forward_scope(
    clauses: Sequence[Clause],
    clause_of: list[int],
    span: tuple[int, int],
    bounds: Bounds,
    context: Context,
) -> list[int]:
    """From after a trigger to its clause's end, and further only as the rules below say.

    A trigger that is its clause's only words reaches into the next clause of the sentence
    ("hypothetically, ..."), but a negation alone is an answer ("no, it locked"); a
    negation that reached a symptom goes on through a list of symptoms ("no swelling, redness
    or fever"), never into a clause that opens like one of its own ("no fall, it swelled").
    """
    start, end = span
    number = clause_of[start]
    clause = clauses[number]
    scope = until(list(range(end, clause.end)), bounds.stops)
    if len(scope) < clause.end - end:  # a termination term ended it
        return scope
    answer = context is Context.NEGATED  # "no, it locked": an answer, not "no swelling"
    if _fills(clause, start, end) and number + 1 < len(clauses) and not answer:
        following = clauses[number + 1]
        if not following.opens_sentence:
            return until(list(range(following.start, following.end)), bounds.stops)
        if _alone(clauses, number):  # "Hypothetically. My foot goes numb on long rides."
            return until(list(range(following.start, following.end)), bounds.stops)
    while context is Context.NEGATED and number + 1 < len(clauses):
        number += 1
        following = clauses[number]
        listed = (
            not following.opens_sentence
            and following.end - following.start <= LIST_PIECE
            and following.start not in bounds.opening
            and bounds.symptoms & set(scope)
            and bounds.symptoms & set(range(following.start, following.end))
        )
        if not listed:
            break
        scope += until(list(range(following.start, following.end)), bounds.stops)
    return scope[:FORWARD_REACH]


def backward_scope(
    clauses: Sequence[Clause], clause_of: list[int], start: int, end: int, bounds: Bounds
) -> list[int]:
    """Back from a trigger to its clause's start ("it swelled up years ago").

    A trigger that is its clause's only words reaches back through the clause before it, in
    the same sentence ("knee swelled up like a melon, all healed"). A negation that is a
    sentence of its own answers a question before it that names a symptom ("Swelling?
    Nope."), not one that asks what the member can do ("Can I walk on it? Nope.").
    """
    number = clause_of[start]
    clause = clauses[number]
    first = clause.start
    if _fills(clause, start, end) and number > 0:
        before = clauses[number - 1]
        answers = (
            _alone(clauses, number)
            and before.text.endswith("?")
            and not clause.text.endswith("?")
            and bounds.symptoms & set(range(before.start, before.end))
            and not bounds.abilities & set(range(before.start, before.end))
        )
        if not clause.opens_sentence or answers:
            first = before.start
    return _back_until(start, first, BACKWARD_REACH, bounds.stops)


def back_through_sentence(
    clauses: Sequence[Clause], clause_of: list[int], start: int, stops: set[int]
) -> list[int]:
    """Back from a resolution ("… but it fully healed") to its sentence's start, "but" and all.

    An episode the member says is over is over, whatever it was: "knee was swollen for
    weeks, but it fully healed and occ health cleared me". A termination word before the
    resolution's own clause ends it ("it locked today, but it had been fine for years").
    """
    number = clause_of[start]
    own = set(range(clauses[number].start, start))  # "but it's sorted now and signed off"
    while number > 0 and not clauses[number].opens_sentence:
        number -= 1
    first = clauses[number].start if clauses else 0
    return _back_until(start, first, SENTENCE_REACH, stops - own)


def _back_until(start: int, first: int, reach: int, stops: set[int]) -> list[int]:
    """Positions back from before ``start`` to ``first``, at most ``reach``, up to a stop."""
    scope = []
    position = start - 1
    while position >= first and len(scope) < reach and position not in stops:
        scope.append(position)
        position -= 1
    return scope


def sentences(clauses: Sequence[Clause]) -> list[range]:
    """The term ranges of a message's sentences: runs of clauses, each opened by one."""
    spans: list[list[int]] = []
    for clause in clauses:
        if clause.opens_sentence or not spans:
            spans.append([clause.start, clause.end])
        else:
            spans[-1][1] = clause.end
    return [range(start, end) for start, end in spans]


def lent_sentences(
    sentences: Sequence[range],
    people: Sequence[tuple[int, int]],
    owned: set[int],
    reported: set[int],
    own: set[int],
) -> list[int]:
    """Positions of sentences about someone else, up to where the member speaks of themselves.

    A sentence is someone else's when one of ``people`` owns a body part in it (an ``owned``
    word right after them: "can't put weight on his leg"), or opens it and is named again
    ("Wife's knee gave out on her"; named once, they may be who hurt the member's knee:
    "teammate landed on the knee"), the member hasn't spoken of themselves (``own``) before
    that person, and no ``reported`` word follows them ("she says it's dislocated": the
    speaker isn't the patient).
    """
    lent: list[int] = []
    for sentence in sentences:
        named = [(start, end) for start, end in people if start in sentence]
        mentions = len(_outermost(named))  # "my wife" and "wife" are one mention
        for start, end in named:
            if end in reported or own & set(range(sentence.start, start)):
                continue
            opens = start - sentence.start < OPENING_REACH and mentions > 1
            if opens or end in owned:
                lent += until(list(sentence), own)
                break
    return lent


def _outermost(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans not inside another ("a friend of mine" holds "friend")."""
    return [
        span
        for span in set(spans)
        if not any(o != span and o[0] <= span[0] and span[1] <= o[1] for o in spans)
    ]


def until(scope: list[int], stops: set[int]) -> list[int]:
    """``scope`` up to (not including) its first position in ``stops``."""
    for index, position in enumerate(scope):
        if position in stops:
            return scope[:index]
    return scope


def graver(current: Context, new: Context) -> Context:
    """The context that wins where two scopes meet: any dismissal over doubt over affirmed."""
    if current in DISMISSED:
        return current
    if new in DISMISSED or current is Context.AFFIRMED:
        return new
    return current
