"""Spam control: a burst of answers per member, and "not the same answer twice in a channel"."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from bot.conversation.memory import Place

MAX_TRACKED = 10_000


class RateLimit:
    """Allows ``count`` actions per key within any ``seconds``; at most MAX_TRACKED keys.

    ``RateLimit(3, 30)`` lets a member have a short conversation (three answers in 30 s) and
    limits beyond it; ``RateLimit(1, 600)`` is a plain cooldown. Keys are kept in the order
    they last acted, so expired ones are dropped from the front. When MAX_TRACKED keys are
    still limited, the one that acted longest ago is forgotten: it simply starts afresh,
    which errs towards answering, never towards blocking.
    """

    def __init__(
        self, count: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Track recent uses with ``clock`` (it must not go backwards)."""
        self.count = max(count, 1)
        self.seconds = seconds
        self._clock = clock
        self._uses: OrderedDict[object, deque[float]] = OrderedDict()

    def remaining(self, key: object) -> float:
        """Seconds until ``key`` may act again (0 when it may now)."""
        uses = self._uses.get(key)
        if uses is None or len(uses) < self.count:
            return 0.0
        return max(0.0, self.seconds - (self._clock() - uses[0]))

    def try_use(self, key: object) -> bool:
        """Use one of ``key``'s actions if it has one left; True when it had."""
        if self.remaining(key) > 0:
            return False
        now = self._clock()
        uses = self._uses.setdefault(key, deque(maxlen=self.count))
        uses.append(now)
        self._uses.move_to_end(key)
        self._forget(now)
        return True

    def __len__(self) -> int:
        """Keys currently tracked."""
        return len(self._uses)

    def _forget(self, now: float) -> None:
        """Drop keys whose last use expired, then the oldest past the cap: amortised O(1)."""
        while self._uses:
            latest = next(iter(self._uses.values()))[-1]
            if now - latest < self.seconds and len(self._uses) <= MAX_TRACKED:
                return
            self._uses.popitem(last=False)


class HeldBackRepeats:
    """The message each member last had held back by the burst limit, per place.

    A member over the limit who sends the same words again in the same place, to a
    conversation in the same state, within ``seconds``, is not read again: the first reading
    found no red flag. So a flood of one message costs one reading. ``state`` is what else
    the reply depends on (:meth:`bot.conversation.assistant.Assistant.reading_state`, plain
    numbers); the words are kept as a digest only, for at most MAX_TRACKED places.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        """Know a held-back message again for ``seconds`` (the burst limit's window)."""
        self.seconds = seconds
        self._clock = clock
        self._last: OrderedDict[Place, tuple[bytes, object, float]] = OrderedDict()

    @staticmethod
    def _digest(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def repeats(self, place: Place, text: str, state: object) -> bool:
        """Whether ``text``, in ``state``, is the message last held back in ``place``."""
        last = self._last.get(place)
        return (
            last is not None
            and last[:2] == (self._digest(text), state)
            and self._clock() - last[2] < self.seconds
        )

    def remember(self, place: Place, text: str, state: object) -> None:
        """``text``, read in ``state``, had no red flag and was held back in ``place``."""
        now = self._clock()
        self._last[place] = (self._digest(text), state, now)
        self._last.move_to_end(place)
        while self._last:
            oldest = next(iter(self._last.values()))
            if now - oldest[2] < self.seconds and len(self._last) <= MAX_TRACKED:
                break
            self._last.popitem(last=False)

    def forget(self, place: Place) -> None:
        """Something was said in ``place``: its next message is read afresh."""
        self._last.pop(place, None)

    def forget_member(self, member: int) -> None:
        """Drop every place of ``member``."""
        for place in [place for place in self._last if place.member == member]:
            del self._last[place]

    def __len__(self) -> int:
        """Places with a held-back message remembered."""
        return len(self._last)
