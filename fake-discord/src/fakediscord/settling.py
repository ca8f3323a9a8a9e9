"""Waiting for the bot's handlers to finish, so a test can assert that nothing happened."""

from __future__ import annotations

import asyncio

from .errors import NoBotResponse

HANDLER_TASK_PREFIXES = ("discord.py: ", "CommandTree-invoker", "discord-ui-view-dispatch-")


async def handlers_settled(timeout: float = 5.0) -> None:
    """Wait until every event, command and button handler discord.py has started has finished.

    A bot's handler may keep working after its reply is visible (storing what it
    answered, say); call this before checking such effects.

    Raises:
        NoBotResponse: Some handler is still running after ``timeout`` seconds.

    """
    running = _running_handlers()
    if not running:
        return
    _, pending = await asyncio.wait(running, timeout=timeout)
    if pending:
        names = ", ".join(sorted(task.get_name() for task in pending))
        raise NoBotResponse(f"handlers still running after {timeout}s: {names}")


def handlers_running() -> int:
    """How many event, command and button handlers are running now."""
    return len(_running_handlers())


def _running_handlers() -> set[asyncio.Task[object]]:
    """discord.py's handler tasks still running, other than the caller's own."""
    current = asyncio.current_task()
    return {
        task
        for task in asyncio.all_tasks()
        if task is not current and task.get_name().startswith(HANDLER_TASK_PREFIXES)
    }
