"""A change feed that lets tests wait for state changes without polling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ChangeFeed:
    """Wakes every waiter whenever the fake's state changes.

    Producers call :meth:`notify` (synchronously) after mutating state;
    consumers call :meth:`wait_for` with a predicate that inspects the state.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Signal that something changed; wakes all current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float) -> T | None:
        """Wait until ``predicate()`` returns something truthy and return it.

        Returns ``None`` if ``timeout`` seconds pass first (the predicate is
        evaluated one last time at the deadline).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                result = predicate()
                return result if result else None
