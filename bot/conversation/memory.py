"""What each conversation is about, for a few minutes: in memory only, bounded in size and time.

A conversation is one member in one place (a DM, a thread or a channel). What is kept is the
bot's last reply there (its entry, tier, the exercises it listed, a screen's question), never
stored anywhere, forgotten after ``seconds`` or when ``MAX_CONVERSATIONS`` are newer.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from bot.engine.reply import Outcome, Reply

MAX_CONVERSATIONS = 10_000
"""Conversations remembered at once; the one idle longest is forgotten first."""
MAX_MESSAGES = 10_000
"""The bot's own messages remembered (so a reply to one of them finds its topic)..."""
MESSAGE_SECONDS = 86_400.0
"""...for this long: replying to an answer continues it even after the conversation paused."""
MAX_HOLDS = 10_000
"""Members held to a safety reply at once; the hold given longest ago is forgotten first."""
HOLD_SECONDS = 86_400.0
"""How long a safety reply holds a member, everywhere, by default."""


@dataclass(frozen=True)
class Place:
    """Where a member talks to the bot: ``place`` is the DM, thread or channel id."""

    member: int
    place: int


@dataclass(frozen=True)
class Turn:
    """The bot's last reply in a conversation, and the question it answered."""

    reply: Reply
    question: str
    at: float
    asker: int = 0
    """The member whose question it answered."""

    @property
    def topic(self) -> str | None:
        """The entry the conversation is about, if any."""
        return self.reply.entry_id

    @property
    def listed(self) -> tuple[str, ...]:
        """The exercises the reply listed in order ("the 2nd one" picks from these)."""
        return tuple(exercise.id for exercise in self.reply.routine)

    @property
    def is_safety(self) -> bool:
        """Whether the reply was the safety reply: nothing after it may downgrade it."""
        return self.reply.outcome is Outcome.SAFETY

    @property
    def is_screen(self) -> bool:
        """Whether the reply asked the screening question, still unanswered."""
        return self.reply.outcome is Outcome.SCREEN


class Memory:
    """Recent turns per :class:`Place` and per bot message, thread-safe."""

    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        hold_seconds: float = HOLD_SECONDS,
    ) -> None:
        """Remember turns for ``seconds``, and a member's safety reply for ``hold_seconds``."""
        self.seconds = seconds
        self.hold_seconds = hold_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._turns: OrderedDict[Place, Turn] = OrderedDict()
        self._messages: OrderedDict[int, Turn] = OrderedDict()
        self._holds: OrderedDict[int, Turn] = OrderedDict()

    def remember(self, where: Place, question: str, reply: Reply) -> Turn:
        """Keep ``reply`` (to ``question``) as the latest turn at ``where``.

        A safety reply also holds the member, wherever they ask next (see :meth:`recall`).
        """
        turn = Turn(reply=reply, question=question, at=self._clock(), asker=where.member)
        with self._lock:
            self._keep(self._turns, where, turn, MAX_CONVERSATIONS)
            # A restated reply keeps the hold it restates: the hours run from the red flag.
            if turn.is_safety and not reply.restated and self.hold_seconds > 0:
                self._keep(self._holds, where.member, turn, MAX_HOLDS)
        return turn

    def lift(self, where: Place, turn: Turn) -> None:
        """End ``turn``, a safety reply the member corrected, and the hold if it came from it.

        A safety reply standing elsewhere, or a hold from another message, stays.
        """
        with self._lock:
            if self._turns.get(where) is turn:
                del self._turns[where]
            if self._holds.get(where.member) is turn:
                del self._holds[where.member]

    def hold_of(self, member: int) -> Turn | None:
        """The safety reply holding ``member`` everywhere, if one does."""
        now = self._clock()
        with self._lock:
            return self._held(member, now)

    def _held(self, member: int, now: float) -> Turn | None:
        """``member``'s hold at ``now``, if it still runs (the lock held by the caller)."""
        held = self._holds.get(member)
        return held if held is not None and now - held.at < self.hold_seconds else None

    def remember_message(self, message_id: int, turn: Turn) -> None:
        """Link the bot's message ``message_id`` to the turn it showed."""
        with self._lock:
            self._keep(self._messages, message_id, turn, MAX_MESSAGES)

    def forget_member(self, member: int) -> None:
        """End every conversation and hold of ``member``; forget the turns of their answers."""
        with self._lock:
            self._holds.pop(member, None)
            for where in [where for where in self._turns if where.member == member]:
                del self._turns[where]
            for message_id in [
                message_id for message_id, turn in self._messages.items() if turn.asker == member
            ]:
                del self._messages[message_id]

    def recall(self, where: Place, replying_to: int | None = None) -> Turn | None:
        """The turn a message at ``where`` continues.

        A safety reply or a screening question standing at ``where`` comes first, whatever
        the message replies to; then the member's hold (a safety reply anywhere, within
        ``hold_seconds``); then the member's own answer it replies to; then the recent turn
        there.
        """
        now = self._clock()
        with self._lock:
            recent = self._turns.get(where)
            if recent is not None and now - recent.at >= self.seconds:
                recent = None
            if recent is not None and (recent.is_safety or recent.is_screen):
                return recent
            held = self._held(where.member, now)
            if held is not None:
                return held
            replied = self._messages.get(replying_to) if replying_to is not None else None
            fresh = replied is not None and now - replied.at < max(self.seconds, MESSAGE_SECONDS)
            if replied is not None and fresh and replied.asker == where.member:
                return replied
            return recent

    @staticmethod
    def _keep(table: OrderedDict, key: Hashable, turn: Turn, limit: int) -> None:
        table[key] = turn
        table.move_to_end(key)
        while len(table) > limit:
            table.popitem(last=False)
