"""Answering work on a few threads, taking turns between members: a flood delays its sender."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

T = TypeVar("T")
_Job = tuple[Callable[[], Any], "asyncio.Future[Any]"]


class FairQueue:
    """Runs calls on an executor, each member's in turn (round robin), never two of one member.

    Each member's calls wait in a line of their own; the next call run is the first of the
    member whose turn it is, and a member with more waiting goes to the back. A member who
    sends a hundred messages at once waits behind themselves: another member's question is
    next, and with two workers it runs beside the flooder's call in progress instead of after
    it. Used from the event loop only, so it needs no lock.
    """

    def __init__(self, executor: Executor, workers: int = 1) -> None:
        """Run calls on ``executor``, at most ``workers`` at once (never two of one member)."""
        self._executor = executor
        self._workers = workers
        self._lines: OrderedDict[int, deque[_Job]] = OrderedDict()
        self._running: set[int] = set()
        self._pumps: set[asyncio.Task[None]] = set()
        self._closed = False

    async def run(self, member: int, call: Callable[[], T]) -> T:
        """``call()``'s result, run when ``member``'s turn comes.

        Cancelled (:class:`asyncio.CancelledError`) once the queue is closed.
        """
        if self._closed:
            raise asyncio.CancelledError("the answering queue is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._lines.setdefault(member, deque()).append((call, future))
        self._pumps = {pump for pump in self._pumps if not pump.done()}
        if len(self._pumps) < self._workers and self._next_member() is not None:
            self._pumps.add(asyncio.create_task(self._run_lines(), name="fair-queue"))
        return await future

    def _next_member(self) -> int | None:
        """The first member in turn whose call isn't already running."""
        return next((member for member in self._lines if member not in self._running), None)

    async def _run_lines(self) -> None:
        loop = asyncio.get_running_loop()
        while (member := self._next_member()) is not None:
            line = self._lines[member]
            call, future = line.popleft()
            self._running.add(member)
            if not future.cancelled():
                try:
                    result = await loop.run_in_executor(self._executor, call)
                except Exception as error:  # the caller's to handle, as if it had run the call
                    if not future.cancelled():
                        future.set_exception(error)
                else:
                    if not future.cancelled():
                        future.set_result(result)
            self._running.discard(member)
            # Members who asked while this call ran go before this member's next call.
            if line:
                self._lines.move_to_end(member)
            else:
                self._lines.pop(member, None)

    def close(self) -> None:
        """Cancel every call still waiting, and every later one: the bot is stopping.

        Calls already running finish; their callers get their results.
        """
        self._closed = True
        for line in self._lines.values():
            for _call, future in line:
                future.cancel()
            line.clear()
        self._lines.clear()
