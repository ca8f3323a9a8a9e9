"""Spam control: per-member cooldowns and "not the same answer twice in a channel"."""

from __future__ import annotations

import time
from collections.abc import Callable

MAX_TRACKED = 10_000


class Cooldown:
    """Allows one action per key every ``seconds``."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        """Track last-use times with ``clock``."""
        self.seconds = seconds
        self._clock = clock
        self._last: dict[object, float] = {}

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
        if len(self._last) >= MAX_TRACKED:
            self._forget_expired()
        self._last[key] = self._clock()
        return True

    def _forget_expired(self) -> None:
        now = self._clock()
        self._last = {k: t for k, t in self._last.items() if now - t < self.seconds}
