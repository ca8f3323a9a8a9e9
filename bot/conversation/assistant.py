"""The use cases every front end shares: asking, follow-ups, small talk, screening, exercises.

Discord's cogs and the console call an :class:`Assistant` and render the :class:`Reply` it
returns; nothing here knows how a reply is shown. A message is read with what its
conversation was about (:mod:`bot.conversation.memory`), so "and how many sets for that one?"
gets the dose of the exercise just shown, and a red flag is never downgraded: after a safety
reply, a message that would get anything but small talk gets the safety advice again.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.conversation.memory import Memory, Place, Turn
from bot.conversation.message_shape import (
    GIST_QUESTION,
    YES_WORDS,
    asks_for_the_gist,
    is_yes_or_no,
    leans_on,
    listed_position,
    question_parts,
)
from bot.conversation.small_talk import small_talk_kind
from bot.engine import Engine, Outcome, Reply
from bot.engine.model import SafetyTier
from bot.engine.normalise import clean
from bot.engine.reply import SAFETY_SOURCE

_NEXT = re.compile(r"\b(?:next|after (?:that|this)(?: one)?|then what)\b")
"""A message asking for the exercise after the one just shown."""


class Assistant:
    """Answers members through one engine, remembering each conversation for a few minutes.

    Answering is separate from remembering: a front end asks (:meth:`ask`, :meth:`entry`...),
    shows the reply or stays silent, and calls :meth:`shown` for what it showed. While a
    safety reply or an unanswered screening question stands in a conversation, every way in
    (a typed message, a reply to an older answer, a button, a command) keeps to it.
    """

    def __init__(self, engine: Engine, memory: Memory) -> None:
        """Answer with ``engine`` (swapped in place on reload); remember turns in ``memory``."""
        self.engine = engine
        self.memory = memory

    def ask(
        self,
        text: str,
        where: Place | None = None,
        *,
        passive: bool = False,
        replying_to: int | None = None,
    ) -> Reply:
        """The reply to a member's message at ``where`` (None: outside any conversation).

        ``passive`` is for messages nobody addressed to the bot (the stricter bar);
        ``replying_to`` is the id of the bot message it replies to, if any.
        """
        turn = self.memory.recall(where, replying_to) if where else None
        word = clean(text).strip(" .!")
        if turn is not None and turn.is_screen and is_yes_or_no(text):
            return self.answer_screen(turn.question, word in YES_WORDS, turn.reply.tier, where)
        if not word:
            return Reply(outcome=Outcome.SMALL_TALK, score=100, small_talk="greeting")
        kind = small_talk_kind(text, lambda: self._unfamiliar(text))
        if kind == "about" and turn is not None and cautious(turn.reply):
            kind = None  # "help" after a safety reply or a screen is about the member's knee
        if kind is not None and self.engine.red_flag(text) is None:
            return Reply(outcome=Outcome.SMALL_TALK, score=100, small_talk=kind)
        if turn is None and asks_for_the_gist(text):
            text = GIST_QUESTION  # with nothing said before, "tl;dr?" asks for the article's
        reply = self._read(text, turn, passive)
        if turn is not None and _corrects(reply, turn) and where is not None:
            self.memory.lift(where, turn)
            return replace(reply, corrected=True)
        if turn is not None and turn.is_screen and reply.wonders and not cautious(reply):
            return self._warning_signs() or turn.reply
        return self._held(reply, turn)

    def _unfamiliar(self, text: str) -> frozenset[str]:
        """The words of ``text`` no entry uses, if it is English and names no body part."""
        reading = self.engine.read(text)
        return reading.unfamiliar if reading.english and not reading.about_body else frozenset()

    def reading_state(self, where: Place, replying_to: int | None = None) -> tuple[float, int]:
        """What :meth:`ask` at ``where`` depends on besides the words, as plain numbers.

        When the turn the message continues (or the member's hold) was said, and which
        knowledge is in use: nothing of what anyone wrote.
        """
        turn = self.memory.recall(where, replying_to)
        return (turn.at if turn is not None else -1.0, self.engine.generation)

    def _warning_signs(self) -> Reply | None:
        """The entry that explains the warning signs (the safety guidance), if there is one.

        The screening question still stands: "what do you mean by deformed?" is answered,
        then the member answers the question.
        """
        knowledge = self.engine.knowledge
        explained = next(
            (entry for entry in knowledge.entries.values() if entry.source == SAFETY_SOURCE), None
        )
        return self.engine.reply_for(explained.id) if explained else None

    def _read(self, text: str, turn: Turn | None, passive: bool) -> Reply:
        """The reply to ``text`` in the conversation that ``turn`` ended (if any)."""
        engine = self.engine
        if turn is not None and turn.listed:
            position = listed_position(text, len(turn.listed))
            if position is not None:
                return self._listed(text, turn.listed[position], passive)
        following = self._next_exercise(text, turn)
        if following is not None:
            return self._listed(text, following, passive)
        if turn is None or not turn.topic:
            return self._by_parts(text, engine.answer(text, passive=passive), passive)
        within, alone = engine.answer_in_context(text, turn.topic, passive=passive)
        if leans_on(text):
            return self._leaning(text, within, alone, passive)
        # Standing alone, it is read into the topic only when it answers nothing by itself,
        # and never when it asks about something the article doesn't cover.
        if _open(alone) and not alone.not_covered and (cautious(within) or _answered(within)):
            return within
        return self._by_parts(text, alone, passive)

    def _leaning(self, text: str, within: Reply, alone: Reply, passive: bool) -> Reply:
        """A message leaning on the conversation: read with its topic first.

        Its red flags too: "why does losing it matter" is about hip rotation, not a warning
        sign. But when its own words alone read as a definite red flag, it gets the
        screening question, never the answer: recall first, then friction. A message naming
        another topic more confidently on its own has switched topic.
        """
        if cautious(within):
            return within
        if alone.outcome is Outcome.SAFETY and alone.tier is not None:
            return self.engine.screen(text, alone.tier)
        uncovered = alone.not_covered is not None and _open(alone)
        if _answered(within) and not uncovered:
            switched = _answered(alone) and alone.score > within.score
            return alone if switched else within
        return self._by_parts(text, alone, passive)

    def _held(self, reply: Reply, turn: Turn | None) -> Reply:
        """``reply``, unless a standing safety reply or screen in ``turn`` holds it back.

        After a safety reply only small talk and a graver red flag get through; a red flag
        no graver gets the standing safety reply, said again as new (so it is never silent);
        anything else gets it restated. While a screening question waits, any exercise advice
        gets the screening question again.
        """
        if turn is None:
            return reply
        if turn.is_safety:
            if reply.outcome is Outcome.SMALL_TALK or self._graver(reply, turn.reply):
                return reply
            return turn.reply if cautious(reply) else replace(turn.reply, restated=True)
        if turn.is_screen and _advises_exercise(reply):
            return turn.reply
        return reply

    def _next_exercise(self, text: str, turn: Turn | None) -> str | None:
        """The exercise after the one the conversation is about, when the message asks for it."""
        if turn is None or turn.reply.entry is None or not turn.reply.entry.is_exercise:
            return None
        if not _NEXT.search(clean(text)):
            return None
        ids = [exercise.id for exercise in self.engine.knowledge.exercises()]
        position = ids.index(turn.reply.entry.id) if turn.reply.entry.id in ids else -1
        return ids[position + 1] if 0 <= position < len(ids) - 1 else None

    def _graver(self, reply: Reply, than: Reply) -> bool:
        """Whether ``reply`` is a safety reply or a screen of a more urgent tier than ``than``'s.

        A screen for an emergency sign must not be answered with a held "book a GP" reply.
        """
        return cautious(reply) and self._tier_rank(reply) < self._tier_rank(than)

    def _tier_rank(self, reply: Reply) -> int:
        """A reply's tier by urgency: 0 for the most urgent; past the last for none."""
        tiers = [tier.id for tier in self.engine.knowledge.safety_tiers]
        return tiers.index(reply.tier_id) if reply.tier_id in tiers else len(tiers)

    def _listed(self, text: str, entry_id: str, passive: bool) -> Reply:
        """The answer about one entry of a list the bot showed ("and the 2nd one?")."""
        reply = self.engine.answer(text, passive=passive, context=entry_id)
        if cautious(reply) or reply.entry_id == entry_id:
            return reply
        return self.engine.reply_for(entry_id) or reply

    def _by_parts(self, text: str, whole: Reply, passive: bool) -> Reply:
        """``whole``, with the other parts of a message that asks several things answered too.

        The whole message's reading decides: red flags are read on all of it (clause by
        clause), and its answer stays the answer. Parts only add to it: the other entries a
        part asks about ("… and how long for the belt line reset?"), and, when the message
        asked about something the article doesn't cover, the parts it does ("should i ice it
        and how many sets of the leg curl?" gets the leg curl's dose and a word on icing).
        """
        parts = question_parts(text)
        if len(parts) < 2 or cautious(whole):
            return whole
        if not _answered(whole) and whole.not_covered is None:
            return whole
        answered: list[Reply] = []
        for reply in (self.engine.answer(part, passive=passive) for part in parts):
            if _answered(reply) and reply.entry_id not in {a.entry_id for a in answered}:
                answered.append(reply)
        if _answered(whole):
            others = tuple(a for a in answered if a.entry_id != whole.entry_id)
            mine = [a for a in answered if a.entry_id == whole.entry_id]
            # The part that asked about the whole's entry says which part of it answers.
            return replace(whole, part=mine[0].part, also=others) if mine and others else whole
        if not answered:
            return whole
        return replace(
            answered[0],
            also=tuple(answered[1:]),
            not_covered=whole.not_covered,
            ask_instead=whole.ask_instead,
        )

    def answer_screen(
        self,
        question: str,
        applies: bool,
        tier: SafetyTier | None,
        where: Place | None = None,
    ) -> Reply:
        """The reply once a member answered a screening question about ``question``.

        "Yes, one of these" gets the safety reply of ``tier``, the gravest tier the screen
        listed (None, for a tier a reload removed: the generic "get this checked"); "No"
        answers the question as if no warning sign applied. Either settles the screen; a
        safety reply given since still holds.
        """
        if applies:
            reply = Reply(outcome=Outcome.SAFETY, score=100, tier=tier)
        else:
            reply = self.engine.answer(question, screened=True)
        turn = self.memory.recall(where) if where else None
        if where is not None and turn is not None and turn.is_screen:
            self.memory.remember(where, question, reply)  # the screen is settled
            # ... but a safety reply given elsewhere since still holds the member.
            return self._held(reply, self.memory.hold_of(where.member))
        return self._held(reply, turn)

    def entry(self, entry_id: str, where: Place | None = None) -> Reply | None:
        """The whole answer for an entry a member picked (a button, a menu, a command)."""
        reply = self.engine.reply_for(entry_id)
        if reply is None:
            return None
        return self._held(reply, self.memory.recall(where) if where else None)

    def exercise(self, name: str, where: Place | None = None) -> Reply | None:
        """The exercise called ``name`` (an id, or the closest match to what was typed)."""
        exercises = {entry.id for entry in self.engine.knowledge.exercises()}
        if name in exercises:
            return self.entry(name, where)
        found = [c.entry.id for c in self.engine.search(name) if c.entry.id in exercises]
        return self.entry(found[0], where) if found else None

    def routine(self, where: Place | None = None) -> Reply | None:
        """The routine: the exercises in order with their doses."""
        routine = self.engine.knowledge.routine()
        return self.entry(routine.id, where) if routine else None

    def caution(self, where: Place) -> Reply | None:
        """The safety reply (restated) or screening question standing at ``where``, if any."""
        turn = self.memory.recall(where)
        if turn is None or not (turn.is_safety or turn.is_screen):
            return None
        return replace(turn.reply, restated=True) if turn.is_safety else turn.reply

    def screened_question(self, where: Place) -> str:
        """The question a screening question standing at ``where`` is about ("" if none)."""
        turn = self.memory.recall(where)
        return turn.question if turn is not None and turn.is_screen else ""

    def shown(
        self, where: Place, question: str, reply: Reply, message_id: int | None = None
    ) -> None:
        """The front end showed ``reply`` to ``question`` at ``where`` (as ``message_id``).

        It becomes what the conversation is about, unless it says nothing to follow up
        (small talk, "I don't know") or a safety reply or screen stands and it is neither.
        Replying to ``message_id`` later continues from it.
        """
        if reply.outcome in (Outcome.ABSTAIN, Outcome.SMALL_TALK):
            return
        turn = self.memory.recall(where)
        standing = turn is not None and (turn.is_safety or turn.is_screen)
        if not standing or cautious(reply):
            turn = self.memory.remember(where, question, reply)
        if message_id is not None and turn is not None:
            self.memory.remember_message(message_id, turn)


def stays_silent(text: str, reply: Reply) -> bool:
    """Whether a passive reply (to a message nobody addressed to the bot) goes unsaid.

    Red flags and screens are always said, except a safety reply restated to a held member's
    chatter; small talk and "I don't know" never; an answer only when the message reads as a
    question.
    """
    if reply.outcome in (Outcome.ABSTAIN, Outcome.SMALL_TALK) or reply.restated:
        return True
    return reply.outcome is Outcome.ANSWER and not Engine.looks_like_question(text)


def _corrects(reply: Reply, turn: Turn) -> bool:
    """Whether ``reply`` answers a member correcting a safety reply given by mistake.

    Only a safety reply the learned signal gave (no red-flag phrase the member affirmed) can
    be corrected, and only by a message that denies a word of the clause it was given for and
    raises no red flag itself: "I said it's NOT swollen" after a reply to "my knee isn't
    swollen". "It's not that bad" after "walking is impossible" denies nothing it said.
    """
    finding = turn.reply.finding
    mistaken = turn.is_safety and finding is not None and finding.source == "meaning"
    return mistaken and bool(reply.denied & finding.terms) and not cautious(reply)


def cautious(reply: Reply) -> bool:
    """Whether a reply is the safety reply or a screening question: never held back."""
    return reply.outcome in (Outcome.SAFETY, Outcome.SCREEN)


def _open(reply: Reply) -> bool:
    """Whether a reply leaves the question open: "I don't know" or "did you mean"."""
    return reply.outcome is Outcome.ABSTAIN


def _advises_exercise(reply: Reply) -> bool:
    """Whether a reply gives exercise advice: an exercise, the routine, in any part."""
    return any(
        answer.entry is not None and answer.entry.kind in ("exercise", "routine")
        for answer in (reply, *reply.also)
    )


def _answered(reply: Reply) -> bool:
    """Whether a reply answers with an entry."""
    return reply.outcome is Outcome.ANSWER
