"""Answering work on one thread, taking turns between members: a flood delays only its sender."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

T = TypeVar("T")
_Job = tuple[Callable[[], Any], "asyncio.Future[Any]"]


class FairQueue:
    """Runs calls on an executor one at a time, each member's in turn (round robin).

    Each member's calls wait in a line of their own; the next call run is the first of the
    member whose turn it is, and a member with more waiting goes to the back. A member who
    sends a hundred messages at once waits behind themselves: another member's question is
    next. Used from the event loop only, so it needs no lock.
    """

    def __init__(self, executor: Executor) -> None:
        """Run calls on ``executor`` (one worker: answering is CPU work)."""
        self._executor = executor
        self._lines: OrderedDict[int, deque[_Job]] = OrderedDict()
        self._pump: asyncio.Task[None] | None = None

    async def run(self, member: int, call: Callable[[], T]) -> T:
        """``call()``'s result, run when ``member``'s turn comes."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._lines.setdefault(member, deque()).append((call, future))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._run_lines(), name="fair-queue")
        return await future

    async def _run_lines(self) -> None:
        loop = asyncio.get_running_loop()
        while self._lines:
            member = next(iter(self._lines))
            line = self._lines[member]
            call, future = line.popleft()
            if not future.cancelled():
                try:
                    result = await loop.run_in_executor(self._executor, call)
                except Exception as error:  # the caller's to handle, as if it had run the call
                    if not future.cancelled():
                        future.set_exception(error)
                else:
                    if not future.cancelled():
                        future.set_result(result)
            # Members who asked while this call ran go before this member's next call.
            if line:
                self._lines.move_to_end(member)
            else:
                del self._lines[member]
