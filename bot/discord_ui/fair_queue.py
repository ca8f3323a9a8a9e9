"""Answering work on a few threads, taking turns between members: a flood delays its sender."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

BACKGROUND_WAIT_SECONDS = 2.0
"""Longest a background call waits for other members' calls before it runs beside them."""
QUIET_SECONDS = 0.05
"""How long after a call that isn't in the background the queue counts as busy: questions
asked one after another leave gaps shorter than this between them."""


@dataclass
class _Job:
    call: Callable[[], Any]
    future: asyncio.Future[Any]
    background: bool
    queued: float = field(default_factory=time.monotonic)

    def waits_for_others(self, others_busy: bool) -> bool:
        """Whether this job should wait while other members' calls wait or run."""
        return (
            self.background
            and others_busy
            and time.monotonic() - self.queued < BACKGROUND_WAIT_SECONDS
        )


class FairQueue:
    """Runs calls on an executor, each member's in turn (round robin), never two of one member.

    Each member's calls wait in a line of their own; the next call run is the first of the
    member whose turn it is, and a member with more waiting goes to the back. A member who
    sends a hundred messages at once waits behind themselves: another member's question is
    next, and with two workers it runs beside the flooder's call in progress instead of after
    it. A background call (a message over its sender's burst limit, read only for a red flag)
    starts once no other member's call has waited or run for :data:`QUIET_SECONDS`, or once
    it has waited :data:`BACKGROUND_WAIT_SECONDS`: a flood's readings don't share the cores
    with other members' questions, and are never starved. Used from the event loop only, so
    it needs no lock.
    """

    def __init__(self, executor: Executor, workers: int = 1) -> None:
        """Run calls on ``executor``, at most ``workers`` at once (never two of one member)."""
        self._executor = executor
        self._workers = workers
        self._lines: OrderedDict[int, deque[_Job]] = OrderedDict()
        self._running: dict[int, bool] = {}
        """Members whose call is running, and whether that call is in the background."""
        self._pumps: set[asyncio.Task[None]] = set()
        self._foreground_done = -QUIET_SECONDS
        """When the last call that wasn't in the background finished (monotonic seconds)."""
        self._wake: asyncio.TimerHandle | None = None
        self._wake_due = 0.0
        """When :attr:`_wake` checks again (monotonic seconds)."""
        self._closed = False

    async def run(self, member: int, call: Callable[[], T], *, background: bool = False) -> T:
        """``call()``'s result, run when ``member``'s turn comes (later, if ``background``).

        Cancelled (:class:`asyncio.CancelledError`) once the queue is closed.
        """
        if self._closed:
            raise asyncio.CancelledError("the answering queue is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._lines.setdefault(member, deque()).append(_Job(call, future, background))
        self._start_pumps()
        return await future

    def _start_pumps(self) -> None:
        """Start a pump per free worker while calls can start; with a worker left, a wake-up."""
        self._pumps = {pump for pump in self._pumps if not pump.done()}
        free = self._workers - len(self._pumps)
        startable = sum(1 for member in self._lines if self._may_start(member))
        for _ in range(min(free, startable)):
            self._pumps.add(asyncio.create_task(self._run_lines(), name="fair-queue"))
        if startable < free:
            self._wake_for_background()

    def _next_member(self) -> int | None:
        """The first member in turn whose next call may start now."""
        return next((member for member in self._lines if self._may_start(member)), None)

    def _may_start(self, member: int) -> bool:
        """Whether ``member``'s next call may start now: none of theirs runs, nor need it wait."""
        return member not in self._running and not self._waits(member)

    def _waits(self, member: int) -> bool:
        """Whether ``member``'s next call is in the background and waits for others' calls."""
        return self._lines[member][0].waits_for_others(self._others_busy(member))

    def _others_busy(self, member: int) -> bool:
        """Whether another member's call that isn't in the background runs, is next, or just ran.

        Only the first call in each line counts: one behind a background call can't start
        before it, and two members' background calls must not wait for each other's.
        """
        if time.monotonic() - self._foreground_done < QUIET_SECONDS:
            return True
        running = any(not background for who, background in self._running.items() if who != member)
        return running or any(
            line and not line[0].background for who, line in self._lines.items() if who != member
        )

    async def _run_lines(self) -> None:
        loop = asyncio.get_running_loop()
        while (member := self._next_member()) is not None:
            line = self._lines[member]
            job = line.popleft()
            self._running[member] = job.background
            if not job.future.cancelled():
                try:
                    result = await loop.run_in_executor(self._executor, job.call)
                except Exception as error:  # the caller's to handle, as if it had run the call
                    if not job.future.cancelled():
                        job.future.set_exception(error)
                else:
                    if not job.future.cancelled():
                        job.future.set_result(result)
            del self._running[member]
            if not job.background:
                self._foreground_done = time.monotonic()
            # Members who asked while this call ran go before this member's next call.
            if line:
                self._lines.move_to_end(member)
            else:
                self._lines.pop(member, None)
        self._wake_for_background()

    def _wake_for_background(self) -> None:
        """Check again when a waiting background call may start: the quiet, or its wait, is over.

        Calls that wait or run check again themselves when they end, and so does a member's
        running call for that member's next one.
        """
        waiting = [
            line[0].queued
            for member, line in self._lines.items()
            if member not in self._running and self._waits(member)
        ]
        if not waiting or self._closed:
            return
        now = time.monotonic()
        due = min(waiting) + BACKGROUND_WAIT_SECONDS
        if self._foreground_done + QUIET_SECONDS > now:
            due = min(due, self._foreground_done + QUIET_SECONDS)
        if self._wake is not None:
            if self._wake_due <= due:
                return  # an earlier check is already due
            self._wake.cancel()
        self._wake_due = due
        self._wake = asyncio.get_running_loop().call_later(max(0.0, due - now), self._woken)

    def _woken(self) -> None:
        self._wake = None
        self._start_pumps()

    def close(self) -> None:
        """Cancel every call still waiting, and every later one: the bot is stopping.

        Calls already running finish; their callers get their results.
        """
        self._closed = True
        if self._wake is not None:
            self._wake.cancel()
        for line in self._lines.values():
            for job in line:
                job.future.cancel()
            line.clear()
        self._lines.clear()
