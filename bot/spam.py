"""Spam control: per-member cooldowns and "not the same answer twice in a channel"."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

MAX_TRACKED = 10_000


class Cooldown:
    """Allows one action per key every ``seconds``; O(1) per call, at most MAX_TRACKED keys.

    Keys are kept in the order they last acted, so expired ones are dropped from the front.
    When MAX_TRACKED keys are still cooling down, the one that acted longest ago is forgotten:
    it simply gets a fresh cooldown, which errs towards answering, never towards blocking.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        """Track last-use times with ``clock`` (it must not go backwards)."""
        self.seconds = seconds
        self._clock = clock
        self._last: OrderedDict[object, float] = OrderedDict()

    def remaining(self, key: object) -> float:
        """Seconds until ``key`` may act again (0 when it may now)."""
        last = self._last.get(key)
        if last is None:
            return 0.0
        return max(0.0, self.seconds - (self._clock() - last))

    def try_use(self, key: object) -> bool:
        """Use the cooldown for ``key`` if it is free; True when it was."""
        if self.remaining(key) > 0:
            return False
        now = self._clock()
        self._last[key] = now
        self._last.move_to_end(key)
        self._forget(now)
        return True

    def _forget(self, now: float) -> None:
        """Drop expired keys, then the oldest past the cap: amortised O(1), each goes once."""
        while self._last:
            oldest = next(iter(self._last.values()))
            if now - oldest < self.seconds and len(self._last) <= MAX_TRACKED:
                return
            self._last.popitem(last=False)
