"""Running a discord.py client against the fake, and failing tests on swallowed errors."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from types import TracebackType
from typing import Any, TypeVar

import discord
import discord.gateway
import discord.http
import yarl

from .errors import NoBotResponse
from .fake import FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)


@contextlib.contextmanager
def discord_endpoints(api_base: str, gateway_url: str) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at other URLs, restoring them afterwards."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@contextlib.asynccontextmanager
async def run_client(
    client: ClientT,
    fake: FakeDiscord,
    *,
    ready_timeout: float = 10.0,
    skip_identify_delay: bool = True,
) -> AsyncIterator[ClientT]:
    """Run ``client`` against ``fake`` for the duration of the block.

    Points discord.py at the fake, starts ``client.start(fake.token)`` as a
    task and waits until the client is ready (READY plus all GUILD_CREATEs
    processed). On exit the client is closed and an exception from its task
    is re-raised.

    Args:
        client: A ``discord.Client``/``commands.Bot`` (sharded or not); pass a
            small ``guild_ready_timeout`` (e.g. 0.1) when constructing it.
        fake: A started :class:`FakeDiscord`.
        ready_timeout: Seconds to wait for login and readiness.
        skip_identify_delay: Replace ``before_identify_hook`` (which sleeps
            5 s before every non-initial IDENTIFY: extra shards, re-identify
            after an invalid session) with a no-op for the test.

    """
    with (
        discord_endpoints(fake.api_base, fake.gateway_url),
        _identify_delay_skipped(client, skip_identify_delay),
    ):
        task = asyncio.create_task(client.start(fake.token), name="fakediscord-client")
        failure: BaseException | None = None
        try:
            await _wait_ready(client, fake, task, ready_timeout)
            yield client
        except BaseException as error:
            failure = error
            raise
        finally:
            await _shutdown(client, task, failure)


@contextlib.contextmanager
def _identify_delay_skipped(client: discord.Client, enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return

    async def no_delay(shard_id: int | None, *, initial: bool = False) -> None:
        return None

    client.before_identify_hook = no_delay  # type: ignore[method-assign]
    try:
        yield
    finally:
        del client.before_identify_hook


async def _wait_ready(
    client: discord.Client, fake: FakeDiscord, task: asyncio.Task[None], timeout: float
) -> None:
    await _race(
        fake.wait_for_request("GET", "/users/@me", timeout=timeout), task, timeout, "log in", fake
    )
    await _race(client.wait_until_ready(), task, timeout, "become ready", fake)


async def _race(
    awaitable: Awaitable[Any],
    task: asyncio.Task[None],
    timeout: float,
    what: str,
    fake: FakeDiscord,
) -> None:
    """Await ``awaitable`` unless the client task ends first or ``timeout`` passes."""
    waiter = asyncio.ensure_future(awaitable)
    done, _ = await asyncio.wait(
        {waiter, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
    )
    if waiter in done:
        waiter.result()
        return
    waiter.cancel()
    if task in done:
        task.result()
        raise RuntimeError(f"the client stopped before it could {what}\n{fake.describe_activity()}")
    raise NoBotResponse(f"the client did not {what} within {timeout}s\n{fake.describe_activity()}")


async def _shutdown(
    client: discord.Client, task: asyncio.Task[None], failure: BaseException | None
) -> None:
    await client.close()
    try:
        await asyncio.wait_for(task, timeout=10.0)
    except BaseException as error:
        if failure is None:
            raise
        failure.add_note(f"the client task also failed: {error!r}")


class _ListHandler(logging.Handler):
    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []
        self.on_record: Callable[[], None] = lambda: None

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.on_record()


class DiscordErrorGuard:
    """Fails a test when errors are swallowed instead of surfacing.

    discord.py catches exceptions in event handlers, commands and views and
    only logs them; asyncio reports exceptions of forgotten tasks to the loop's
    exception handler. Inside the guard both are collected, and leaving the
    guard raises ``AssertionError`` listing them. Use as ``with`` or
    ``async with`` (inside a running loop to also watch the loop)::

        with DiscordErrorGuard():
            ...

    Args:
        loggers: Logger names whose hierarchy is watched.
        level: Minimum level that counts as a failure.

    """

    def __init__(self, loggers: Sequence[str] = ("discord",), level: int = logging.ERROR) -> None:
        self._logger_names = tuple(loggers)
        self._handler = _ListHandler(level)
        self._saved_levels: list[tuple[logging.Logger, int]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._saved_loop_handler: Any = None
        self.loop_errors: list[dict[str, Any]] = []
        self._error_seen = asyncio.Event()

    @property
    def records(self) -> list[logging.LogRecord]:
        """Log records at or above the level, collected so far."""
        return list(self._handler.records)

    def take(self) -> list[logging.LogRecord]:
        """Return the records collected so far and forget them (for errors a test provokes)."""
        taken = list(self._handler.records)
        self._handler.records.clear()
        return taken

    def __enter__(self) -> DiscordErrorGuard:
        for name in self._logger_names:
            logger = logging.getLogger(name)
            self._saved_levels.append((logger, logger.level))
            if logger.getEffectiveLevel() > self._handler.level:
                logger.setLevel(self._handler.level)
            logger.addHandler(self._handler)
        with contextlib.suppress(RuntimeError):
            self._loop = asyncio.get_running_loop()
            self._saved_loop_handler = self._loop.get_exception_handler()
            self._loop.set_exception_handler(self._on_loop_error)
            self._handler.on_record = self._wake
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        gc.collect()
        for logger, level in self._saved_levels:
            logger.removeHandler(self._handler)
            logger.setLevel(level)
        self._saved_levels.clear()
        if self._loop is not None:
            self._loop.set_exception_handler(self._saved_loop_handler)
            self._loop = None
            self._handler.on_record = lambda: None
        if exc is None:
            self.check()

    async def __aenter__(self) -> DiscordErrorGuard:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, traceback)

    async def wait_for_error(self, timeout: float = 5.0) -> bool:
        """Wait until an error is collected; returns whether one was (to test failure paths)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self._error_seen.clear()
            if self._handler.records or self.loop_errors:
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._error_seen.wait(), remaining)

    def check(self) -> None:
        """Raise ``AssertionError`` now if anything was collected."""
        if self._handler.records or self.loop_errors:
            raise AssertionError(self.report())

    def report(self) -> str:
        """Describe the collected errors, with tracebacks."""
        formatter = logging.Formatter("%(name)s %(levelname)s: %(message)s")
        lines = [
            f"{len(self._handler.records)} error log record(s), "
            f"{len(self.loop_errors)} unhandled loop error(s)"
        ]
        lines += [formatter.format(record) for record in self._handler.records]
        lines += [
            f"event loop: {context.get('message')} {context.get('exception')!r}"
            for context in self.loop_errors
        ]
        return "\n".join(lines)

    def _on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        self.loop_errors.append(context)
        self._error_seen.set()

    def _wake(self) -> None:
        """Wake :meth:`wait_for_error` (log records may come from other threads)."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._error_seen.set)
