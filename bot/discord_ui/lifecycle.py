"""A running bot's life: start-up retries, a clean stop, and lines a deployer can watch.

Logging in is retried, one warning line each time, while Discord can't be reached. When ready
the bot says who it is and what it knows; then a heartbeat line every ``HEARTBEAT_SECONDS``.
While the gateway is open it touches the file ``python -m bot health`` reads.

:func:`serve` runs until its ``stop`` event is set (``python -m bot run`` sets it on SIGTERM
and SIGINT): it stops reading the gateway, lets the handlers in flight finish, then closes the
connection and the database and logs ``Stopped``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import signal
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import discord

from bot.config import Settings
from bot.discord_ui.client import MovementBot, create_bot
from bot.engine import Engine
from bot.health import TOUCH_SECONDS, alive_file
from bot.startup import build_engine

log = logging.getLogger(__name__)

NETWORK_ERRORS = (aiohttp.ClientConnectionError, TimeoutError, discord.DiscordServerError)
"""What logging in raises while Discord can't be reached (or answers 5xx): worth a retry."""
HANDLER_TASKS = ("discord.py: ", "CommandTree-invoker", "discord-ui-")
"""How discord.py 2.7 names the tasks that run event handlers, slash commands and components."""
STOP_GRACE_SECONDS = 5.0
"""How long a stop waits for handlers in flight: within ``docker stop``'s 10 s before SIGKILL."""
MAX_DOUBLINGS = 32


@dataclass(frozen=True)
class Backoff:
    """Seconds to wait before each retry: ``first``, doubling, at most ``longest``."""

    first: float = 5.0
    longest: float = 300.0

    def delay(self, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` (1, 2, ...)."""
        return min(self.first * 2 ** min(attempt - 1, MAX_DOUBLINGS), self.longest)


def stop_on_signals(stop: asyncio.Event) -> None:
    """Set ``stop`` on SIGTERM (``docker stop``, systemd) and SIGINT (Ctrl-C)."""
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, _stopping, number, stop)


def _stopping(number: signal.Signals, stop: asyncio.Event) -> None:
    if not stop.is_set():
        log.info("%s received: stopping", number.name)
    stop.set()


async def _unless_stopped(work: Awaitable[object], stop: asyncio.Event) -> bool:
    """Await ``work`` unless ``stop`` is set first (then cancel it): whether it finished."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return False
    task.result()
    return True


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


async def serve(
    settings: Settings,
    token: str,
    stop: asyncio.Event,
    *,
    engine: Engine | None = None,
    backoff: Backoff = Backoff(),
    guild_ready_timeout: float = 2.0,
) -> None:
    """Run the bot until ``stop`` is set, logging in again while Discord can't be reached.

    Each failed attempt is one warning line, no traceback. Anything else that ends the bot (a
    rejected token, a broken database, a missing intent) is raised for the caller to explain.
    Without ``engine``, the running bot's is built: its cache keeps only what its knowledge
    needs (``prune_cache``).
    """
    engine = engine or build_engine(settings, prune_cache=True)
    alive = alive_file(settings.database_path)
    alive.unlink(missing_ok=True)
    for attempt in itertools.count(1):
        bot = create_bot(settings, engine, guild_ready_timeout=guild_ready_timeout)
        async with bot:
            try:
                logged_in = await _unless_stopped(bot.login(token), stop)
            except NETWORK_ERRORS as error:
                delay = backoff.delay(attempt)
                log.warning(
                    "Can't reach Discord at %s (%s); retrying in %s s (attempt %d)",
                    settings.discord_api_base,
                    _reason(error),
                    f"{delay:g}",
                    attempt,
                )
            else:
                if logged_in:
                    await _run(bot, settings, stop)
                break
        if not await _unless_stopped(asyncio.sleep(delay), stop):
            break
    alive.unlink(missing_ok=True)
    log.info("Stopped")


async def _run(bot: MovementBot, settings: Settings, stop: asyncio.Event) -> None:
    """Read the gateway until ``stop``; then stop reading and let handlers in flight finish."""
    watchers = [
        asyncio.create_task(announce(bot)),
        asyncio.create_task(heartbeat(bot, settings.heartbeat_seconds)),
        asyncio.create_task(keep_alive_file(bot, alive_file(settings.database_path))),
    ]
    try:
        if await _unless_stopped(bot.connect(), stop):
            return  # the connection ended by itself, with no error to report
        await finish_in_flight(STOP_GRACE_SECONDS)
    finally:
        for task in watchers:
            task.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)


async def finish_in_flight(grace: float) -> int:
    """Wait up to ``grace`` s for running handlers; return how many were still running."""
    current = asyncio.current_task()
    running = {
        task
        for task in asyncio.all_tasks()
        if task is not current and task.get_name().startswith(HANDLER_TASKS)
    }
    if not running:
        return 0
    log.info("Finishing %d handler(s) in flight", len(running))
    _, unfinished = await asyncio.wait(running, timeout=grace)
    if unfinished:
        log.warning(
            "%d handler(s) still running after %g s: stopping anyway", len(unfinished), grace
        )
    return len(unfinished)


def ready_line(bot: MovementBot) -> str:
    """Who the bot is, where, and what it answers from."""
    knowledge = bot.engine.knowledge
    user = bot.user
    who = f"{user} (id {user.id})" if user else "an unknown user"
    return (
        f"Ready as {who} in {len(bot.guilds)} server(s); knowledge: {len(knowledge.entries)} "
        f"entries, {len(knowledge.examples)} labelled examples; {bot.engine.semantic_status}"
    )


async def announce(bot: MovementBot) -> None:
    """Log :func:`ready_line` once the bot is first ready."""
    await bot.wait_until_ready()
    log.info(ready_line(bot))


def heartbeat_line(servers: int, outcomes: dict[str, int], latency: float) -> str:
    """Counts only, never members' words: servers, questions by outcome, gateway latency."""
    total = sum(outcomes.values())
    by_outcome = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
    delay = f"{latency * 1000:.0f} ms" if math.isfinite(latency) else "unknown"
    return (
        f"Alive: {servers} server(s); {total} question(s) since start"
        f"{f' ({by_outcome})' if by_outcome else ''}; gateway latency {delay}"
    )


async def heartbeat(bot: MovementBot, interval: float) -> None:
    """Log :func:`heartbeat_line` every ``interval`` s once ready (0: never)."""
    if interval <= 0:
        return
    await bot.wait_until_ready()
    while True:
        await asyncio.sleep(interval)
        outcomes = await asyncio.to_thread(bot.store.outcome_counts, bot.started_at)
        log.info(heartbeat_line(len(bot.guilds), outcomes, bot.latency))


def gateway_open(bot: MovementBot) -> bool:
    """Whether the bot is ready and every gateway connection it has is open."""
    if not bot.is_ready() or bot.is_closed():
        return False
    if isinstance(bot, discord.AutoShardedClient):
        return bool(bot.shards) and not any(shard.is_closed() for shard in bot.shards.values())
    return bot.ws is not None and bot.ws.open


async def keep_alive_file(bot: MovementBot, path: Path, every: float = TOUCH_SECONDS) -> None:
    """Touch ``path`` every ``every`` s while :func:`gateway_open`: what the health check reads."""
    await bot.wait_until_ready()
    while True:
        if gateway_open(bot):
            await asyncio.to_thread(path.touch)
        await asyncio.sleep(every)
