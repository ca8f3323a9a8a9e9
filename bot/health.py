"""``python -m bot health``: is the running bot connected to Discord? No network needed.

While its gateway connection is open the bot touches a file beside the database every
:data:`TOUCH_SECONDS`; the check reads how long ago that was. It is what the Docker image's
HEALTHCHECK runs: a bot that lost Discord and can't get back shows as unhealthy.
"""

from __future__ import annotations

import time
from pathlib import Path

ALIVE_FILE = "alive"
TOUCH_SECONDS = 30.0
STALE_SECONDS = 90.0
"""How old the file may be before the bot counts as down: three touches missed."""


def alive_file(database: Path) -> Path:
    """The file the bot touches while connected: beside its database, in the data folder."""
    return database.with_name(ALIVE_FILE)


def problem(path: Path, stale_after: float = STALE_SECONDS, now: float | None = None) -> str | None:
    """Why the bot does not count as connected, or None when it does."""
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return f"not connected: {path} is missing (the bot is stopped or not connected yet)"
    if age > stale_after:
        return f"not connected for {age:.0f} s (last seen connected by {path})"
    return None
