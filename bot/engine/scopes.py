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
IMAGINED_PIECE = 5
"""The same for a "what if": what might happen is told in longer items ("or won't hold me")."""
POSSESSION_REACH = 2
"""A possessive names a body part this close after it ("my left knee", "my IT band")."""
CONTACT_REACH = 2
"""A word of contact this close before a person makes their body part what the member's met."""
STRUCK_REACH = 6
"""A word of contact this close before the member's own body part ("ran into the side of my
knee"): what someone else did, the member's injury."""
ANSWER_REACH = 2
"""Terms a checklist's answer after them reaches back: its item ("numb foot: no")."""


@dataclass(frozen=True)
class Bounds:
    """Where scopes stop: termination terms, words that open a clause, and symptom words.

    ``abilities`` name what a member can do or feel, or how a symptom changes ("walk",
    "feeling", "going down"): a checklist's "no" after one is the symptom ("walk 4 steps: no",
    "swelling going down: no").
    """

    stops: set[int]
    opening: set[int]
    symptoms: frozenset[int]
    abilities: frozenset[int] = frozenset()
    asking: frozenset[int] = frozenset()
    """Words that only ask whether a symptom is there ("is it", "any"), and body words."""


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
    or fever"), never into a clause that opens like one of its own ("no fall, it swelled"); a
    "what if" goes on through a list of what might happen ("if it swells fast, locks, or won't
    hold me").
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
        if not following.opens_sentence or (
            context is Context.HYPOTHETICAL and _alone(clauses, number)
        ):  # "hypothetically, ..." or "Hypothetically. Foot goes numb on a long ride." (unsure)
            return until(list(range(following.start, following.end)), bounds.stops)
    imagined = context is Context.HYPOTHETICAL
    while (answer or imagined) and number + 1 < len(clauses):
        number += 1
        following = clauses[number]
        listed = (
            not following.opens_sentence
            and following.end - following.start <= (IMAGINED_PIECE if imagined else LIST_PIECE)
            and following.start not in bounds.opening
            and (imagined or bounds.symptoms & set(scope))
            and (imagined or bounds.symptoms & set(range(following.start, following.end)))
        )
        if not listed:
            break
        scope += until(list(range(following.start, following.end)), bounds.stops)
    return scope[:FORWARD_REACH]


def backward_scope(
    clauses: Sequence[Clause],
    clause_of: list[int],
    span: tuple[int, int],
    bounds: Bounds,
    *,
    answer: bool = False,
) -> list[int]:
    """Back from a trigger to its clause's start ("it swelled up years ago").

    A trigger that is its clause's only words reaches back through the clause before it, in
    the same sentence ("knee swelled up like a melon, all healed"). A checklist's ``answer``
    ("no", "nil", "neg") ends its item and denies only the words just before it ("fever no",
    "covid test neg"), and nothing after what the member can do or how a symptom changes
    ("walk 4 steps: no" is the symptom; "bends fine" is no answer); inside a clause it is no
    answer ("calf swollen nil relief"). An answer that is a sentence of its own, just after a
    question that only asks whether symptoms are there, answers the whole question ("Pain
    at night? No.", "> hot or red?" then "nah"); after any other question it denies nothing
    ("numbness sorted? No.", "can you put weight on it? no", "... a fever? No?"), and one the
    member goes on from ("Any swelling? No, it's massive") answers nothing.
    """
    start, end = span
    number = clause_of[start]
    clause = clauses[number]
    if answer and number > 0 and _fills(clause, start, end) and _alone(clauses, number):
        asked = clauses[number - 1]
        if asked.text.rstrip().endswith("?"):
            words = set(range(asked.start, asked.end))
            plain = words <= bounds.symptoms | bounds.asking and not words & bounds.abilities
            if not plain or clause.text.rstrip().endswith("?"):
                return []
            return _back_until(start, asked.start, BACKWARD_REACH, bounds.stops)
    first = clause.start
    if _fills(clause, start, end) and not clause.opens_sentence and number > 0:
        first = clauses[number - 1].start
    if not answer:
        return _back_until(start, first, BACKWARD_REACH, bounds.stops)
    if end < clause.end or bounds.abilities & set(range(max(first, start - FUNCTION_REACH), start)):
        return []
    return _back_until(start, first, ANSWER_REACH, bounds.stops)


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
    sentences: Sequence[range], owner: dict[int, int], bodies: set[int], own: set[int]
) -> list[int]:
    """Positions of sentences perhaps about someone else's body, up to where the member speaks.

    A sentence is perhaps someone else's when every body part it names (``bodies``) has an
    ``owner``, a person named right before it in its clause ("can't put weight on his leg",
    "wife's knee gave out on her"), and the member hasn't spoken of themselves (``own``)
    before that person. A body part nobody owns may be the member's ("he kicked the knee").
    Only perhaps: a parent may not say they are one ("Noah took a knock, his knee is locked").
    """
    lent: list[int] = []
    for sentence in sentences:
        named = [position for position in bodies if position in sentence]
        if not named or any(position not in owner for position in named):
            continue
        if not own & set(range(sentence.start, min(owner[position] for position in named))):
            lent += until(list(sentence), own)
    return lent


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
