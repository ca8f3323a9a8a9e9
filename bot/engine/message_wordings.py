"""One message's context wordings: where its language's rules occur, and the scopes they give.

The working half of the small ConText in :mod:`bot.engine.context`: the triggers found in a
message's terms and how far each reaches (forward to its clause's end, back towards its
sentence's start, cut by termination terms, pseudo-triggers and recent times), who the
member speaks of (themselves, someone they care for, someone else, by a possessive too),
checklists' answers and reassurances. Episodes the member dates and ends are
:mod:`bot.engine.episodes`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from bot.engine.context_rules import Rules, Terms, Trigger
from bot.engine.normalise import is_question
from bot.engine.scopes import (
    ANSWER_REACH,
    CONTACT_REACH,
    FUNCTION_REACH,
    POSSESSION_REACH,
    STRUCK_REACH,
    Bounds,
    Clause,
    Context,
    back_through_sentence,
    backward_scope,
    forward_scope,
    lent_sentences,
    sentences,
    until,
)


@dataclass(frozen=True)
class Marks:
    """What reading a message found before its contexts are read, by term position."""

    symptoms: frozenset[int]
    """Inside red-flag wordings."""
    embedded: frozenset[int]
    """Inside red-flag wordings of two or more words."""
    possessors: frozenset[int]
    """Words written with a possessive 's ("deacon's")."""


class MessageWordings:
    """One message's terms, clauses and the wordings of its language's rules found in it."""

    def __init__(
        self, terms: Terms, clauses: Sequence[Clause], chosen: Sequence[Rules], marks: Marks
    ) -> None:
        self.terms = terms
        self.marks = marks
        self.clauses = clauses
        self.clause_of = [0] * len(terms)
        for number, clause in enumerate(clauses):
            self.clause_of[clause.start : clause.end] = [number] * (clause.end - clause.start)
        self._chosen = chosen
        self.functions = set().union(*(rules.functions for rules in chosen))
        self.first_person = {start for start, _ in self.spans("first_person")}

    def found(self, name: str) -> list[tuple[int, int, object]]:
        """Occurrences of one kind of wording, each inside one clause, with their payloads."""
        return [
            (start, end, payload)
            for rules in self._chosen
            for start, end, payload in getattr(rules, name).occurrences(self.terms)
            if self.clause_of[start] == self.clause_of[end - 1]
        ]

    def spans(self, name: str) -> list[tuple[int, int]]:
        """Where one kind of wording occurs, each inside one clause."""
        return [(start, end) for start, end, _ in self.found(name)]

    def starts(self, name: str) -> set[int]:
        """Where occurrences of one kind of wording start."""
        return {start for start, _ in self.spans(name)}

    def bounds(self, occupied: frozenset[int]) -> Bounds:
        """Where this message's scopes stop, and what it names (symptoms, abilities)."""
        return Bounds(
            stops=self.starts("terminate"),
            opening=self.starts("clause_start"),
            symptoms=occupied,
            abilities=frozenset(p for p, term in enumerate(self.terms) if term in self.functions)
            | self.starts("sense")
            | self.starts("change"),
            asking=frozenset(
                position
                for name in ("asking", "body")
                for start, end in self.spans(name)
                for position in range(start, end)
            ),
        )

    def pseudo(self) -> set[int]:
        """Positions inside pseudo-trigger wordings, which hold no trigger ("no idea")."""
        return {p for start, end in self.spans("pseudo") for p in range(start, end)}

    def cares(self) -> bool:
        """Whether the member asks on behalf of someone they look after ("my son", "for him").

        A ``carer`` wording, unless it is part of a pseudo-trigger ("the ambulance came for
        him"), or a ``kin`` word that owns a body part ("the lad's knee", "son's foot"), not
        someone else's kin: in a chain of owners ("my teammate's kid's knee" is the teammate's
        to act on) or after a person's wording ("her son's knee").
        """
        blocked = self.pseudo()
        owning = set(self._possessing())
        theirs = self.marks.possessors | {end - 1 for _, end in self.spans("experiencer")}
        return any(
            not blocked & set(range(start, end)) for start, end in self.spans("carer")
        ) or any(
            owning & set(range(start, end)) and start - 1 not in theirs
            for start, end in self.spans("kin")
        )

    def _possessing(self) -> list[int]:
        """Words written with a possessive 's with a body part at most one word later.

        Not a body part itself ("my knee's swollen"), nor one a number follows ("lad's 14").
        """
        bodies = self.starts("body")
        return [
            position
            for position in self.marks.possessors
            if position not in bodies
            and not "".join(self.terms[position + 1 : position + 2]).isdigit()
            and any(
                self.clause_of[near] == self.clause_of[position]
                for near in bodies & {position + 1, position + 2}
            )
        ]

    def owners(self) -> list[tuple[int, Context]]:
        """Someone else who owns a body part, and how sure that is.

        After a ``third_party`` wording it is someone else's ("the landlord's knee"); without
        one it is unsure ("Jim's knee", "our Chloe's knee": perhaps the member's child). Not
        someone the member cares for ("the lad's knee"), nor one whose red flag may be the
        member's to act on ("the husband's foot is cold": unsure, see :meth:`lent`).
        """
        known = {
            position
            for name in ("carer", "experiencer", "kin")
            for start, end in self.spans(name)
            for position in range(start, end)
        }
        introduced = {end for _, end in self.spans("third_party")}
        return [
            (p, Context.OTHER if p in introduced else Context.UNCERTAIN)
            for p in self._possessing()
            if p not in known
        ]

    def _possessed(self, owner: int) -> list[int]:
        """Someone else's, from a possessor to its sentence's end or where the member speaks.

        "The landlord's knee went hot, red and swollen with a fever, an ambulance took him in."
        """
        sentence = next(span for span in sentences(self.clauses) if owner in span)
        return until(list(range(owner + 1, sentence.stop)), self.member_speaks())

    def scopes(self, *, cared_for: bool) -> Iterator[tuple[list[int], Context]]:
        """Each trigger's scope and its context (longest first), and each owner's (:meth:`owners`).

        A red-flag wording's word is no trigger ("no" in "no weight on it", "she" in "she's
        81"), but a forward past one may hold a one-word wording ("when i was a kid, my knee
        locked"). A resolution ("been fine since") reaches further than a dating: both count.
        """
        occupied, embedded = self.marks.symptoms, self.marks.embedded
        bounds = self.bounds(occupied)
        blocked = self.pseudo()
        answers = set(self.spans("answers"))
        triggers = self.found("triggers")
        if not cared_for:
            yield from ((self._possessed(owner), whose) for owner, whose in self.owners())
        forward = {(start, end) for start, end, hit in triggers if cast(Trigger, hit).forward}
        claimed: dict[tuple[bool, bool], set[int]] = {}
        for start, end, payload in sorted(triggers, key=lambda hit: hit[0] - hit[1]):
            trigger = cast(Trigger, payload)
            if trigger.context is Context.OTHER and cared_for:
                continue
            span = set(range(start, end))
            way = claimed.setdefault((trigger.forward, trigger.sentence), set())
            dating = trigger.forward and trigger.context is Context.PAST
            held = embedded if dating else occupied
            if span & (blocked | held | way):
                continue
            way |= span
            if trigger.forward:
                yield from self._forward(trigger, (start, end), bounds)
                continue
            if end - start == 1 and (start, end) in forward and end < self._clause(start).end:
                found = None  # a word that looks both ways ("no") looks back only at a clause's end
            elif trigger.sentence and is_question(self._clause(start).text):
                found = None  # "can a doctor fix it?" asks: it resolves nothing
            elif trigger.sentence:
                found = (
                    back_through_sentence(self.clauses, self.clause_of, start, bounds.stops),
                    trigger.context,
                )
            else:
                scope = backward_scope(
                    self.clauses,
                    self.clause_of,
                    (start, end),
                    bounds,
                    answer=(start, end) in answers,
                )
                found = scope, trigger.context
            if found is not None:
                yield found

    def _clause(self, position: int) -> Clause:
        return self.clauses[self.clause_of[position]]

    def _forward(
        self, trigger: Trigger, span: tuple[int, int], bounds: Bounds
    ) -> list[tuple[list[int], Context]]:
        """A forward trigger's scopes and their contexts: none where it is no trigger here.

        Someone else's scope ends where the member speaks of themselves, and there is none
        where the member's body met theirs ("landed on his knee"); after a possessive without
        a body part it is unsure whose ("a student on my boat had a knee that buckled", "a
        runner crashed into my bike and knee swelled up"). A negated ability is the symptom
        ("not able to walk"); a "what if" about the member's own body, or one that is a
        sentence of its own ("Hypothetical. Foot went cold."), is unsure, not imagined.
        """
        context = trigger.context
        if context is Context.OTHER and self.starts("contact") & set(
            range(span[0] - CONTACT_REACH, span[0])
        ):
            return []  # "landed on his knee, can't weight bear": the member's injury
        scope = forward_scope(self.clauses, self.clause_of, span, bounds, context)
        if context is Context.OTHER and self._strikes_member(scope):
            return []  # "the dog barrelled into my knee": the member's injury
        if context is Context.OTHER:
            theirs = until(scope, self.first_person)
            return [
                (theirs, context),
                (until(scope, self.member_speaks())[len(theirs) :], Context.UNCERTAIN),
            ]
        if context is Context.NEGATED and any(
            self.terms[p] in self.functions
            for p in scope[:FUNCTION_REACH]
            if self.clause_of[p] == self.clause_of[span[0]]
        ):
            return []  # "not able to walk"; not "no numbness, full weight bearing"
        if context is Context.PAST:
            scope = self._before_recent(scope, span)
        next_sentence = bool(scope) and scope[0] >= self._clause(span[0]).end
        if context is Context.HYPOTHETICAL and (
            self.first_person & set(scope)
            or (next_sentence and self._clause(scope[0]).opens_sentence)
        ):
            context = Context.UNCERTAIN
        return [(scope, context)]

    def _before_recent(self, scope: list[int], span: tuple[int, int]) -> list[int]:
        """A past scope up to the last joining word before a recent wording in its clause.

        "Two years ago I tore my ACL and my knee swelled up after a twist on Sunday": the
        swelling is Sunday's. Where the member starts telling something else after it, the
        scope ends there instead ("and my foot was numb for months i read the article today":
        the reading is today's, not the numbness). Without a joining word between, the scope
        stays whole.
        """
        clause_end = self._clause(span[0]).end
        recent = min((p for p in self.starts("recent") if span[1] <= p < clause_end), default=0)
        joins = [p for p in self.starts("joining") if span[1] <= p < recent]
        if not joins:
            return scope
        speaking = [p for p in self.starts("speaker") if min(joins) < p < recent]
        cut = max(joins + speaking)
        return [p for p in scope if p < cut]

    def reassured(self, labels: Sequence[Context]) -> frozenset[int]:
        """The clauses (by number) that say a function or a sense is as it should be.

        A ``reassuring`` wording counts where the message affirms its first word ("no
        worries" negates its own second), no trigger comes just before it in its clause ("it
        will not straighten fully") and its clause has no word that ends a scope ("all sweet
        except I can't get it straight", "walks fine since the op, but...") but the one that
        opens it ("..., but it doesn't stop me straightening").
        """
        triggered = [end for _, end, hit in self.found("triggers") if cast(Trigger, hit).forward]
        stops = self.starts("terminate")
        return frozenset(
            self.clause_of[start]
            for start, end in self.spans("reassuring")
            if labels[start] is Context.AFFIRMED
            and not any(
                start - FUNCTION_REACH <= trigger <= start
                and self.clause_of[trigger - 1] == self.clause_of[start]
                for trigger in triggered
            )
            and not any(
                self.clause_of[stop] == self.clause_of[start]
                and stop != self.clauses[self.clause_of[stop]].start
                for stop in stops
            )
        )

    def _strikes_member(self, scope: Sequence[int]) -> bool:
        """Whether a contact word in ``scope`` reaches the member's own body part.

        "ran into the side of my knee", "kicked me in the knee": a possessive just before a
        body word, or another first-person word a body word closely follows, at most
        :data:`STRUCK_REACH` terms after the contact word.
        """
        bodies = self.starts("body")
        owning = self.starts("possessive")
        members = {
            p
            for p in self.first_person
            if p + 1 in bodies
            or (p not in owning and bodies & set(range(p + 1, p + 2 + POSSESSION_REACH)))
        }
        return any(
            start < member <= start + STRUCK_REACH
            for start in self.starts("contact") & set(scope)
            for member in members
        )

    def answered_yes(self, symptoms: frozenset[int]) -> bool:
        """Whether a checklist answers a symptom "yes" ("knee swollen: y", "✅ swollen").

        An ``affirming`` wording within :data:`ANSWER_REACH` terms after a red-flag word, or
        before one in its clause; or one of the ``answers`` ending its clause just after what
        the member can do: "straighten leg ✗", "walk 4 steps: no" say they can't ("do I walk
        or no?" asks).
        """
        return any(
            start - ANSWER_REACH <= near < start
            or (end <= near < end + ANSWER_REACH and self.clause_of[near] == self.clause_of[start])
            for start, end in self.spans("affirming")
            for near in symptoms
        ) or any(
            end == self.clauses[self.clause_of[start]].end
            and not self.clauses[self.clause_of[start]].text.rstrip().endswith("?")
            and self.terms[start - 1 : start] != ("or",)
            and any(
                self.terms[p] in self.functions
                for p in range(max(0, start - FUNCTION_REACH), start)
            )
            for start, end in self.spans("answers")
        )

    def lent(self) -> list[int]:
        """Positions of the sentences perhaps about someone else (see :func:`lent_sentences`).

        The member speaks where :meth:`member_speaks` says; a person just after a ``contact``
        word owns nothing ("clashed with his knee": the member's knee met it).
        """
        people = self.spans("experiencer")
        bodies = self.starts("body")
        met = self.starts("contact")
        owner = {
            end: start
            for start, end in people
            if end in bodies
            and self.clause_of[start] == self.clause_of[end]
            and not met & set(range(start - CONTACT_REACH, start))
        }
        return lent_sentences(sentences(self.clauses), owner, bodies, self.member_speaks())

    def member_speaks(self) -> set[int]:
        """Where the member speaks of themselves.

        A first-person word inside a person's wording ("my wife", "a friend of mine") is not
        the member, nor a possessive without a body part ("my hiking partner", "a student on
        my boat").
        """
        bodies = self.starts("body")
        not_own = {
            position for start, end in self.spans("experiencer") for position in range(start, end)
        }
        not_own |= {
            start
            for start, end in self.spans("possessive")
            if not bodies & set(range(end, end + POSSESSION_REACH))
        }
        return self.first_person - not_own
