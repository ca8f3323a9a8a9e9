"""How far a long encoding of the knowledge base is, while a start with an empty cache waits.

A first start encodes every text of the knowledge base (thousands, for tens of seconds). On a
terminal a bar is redrawn in place on stderr; anywhere else (a journal, Docker's log, a pipe)
a line every few seconds says how many texts are left: a log line in the running bot, a plain
line on stderr from a command.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TextIO

from bot.engine.semantic.embedding_cache import Progress

log = logging.getLogger(__name__)

LINE_EVERY = 5.0
"""Seconds between two lines (the first and the last are always said)."""
BAR_WIDTH = 30
WHAT = "Encoding the knowledge base"


class ProgressBar:
    """A bar on a terminal, redrawn in place; the last draw ends its line."""

    def __init__(self, stream: TextIO) -> None:
        """Draw on ``stream``."""
        self.stream = stream

    def __call__(self, done: int, total: int) -> None:
        """Draw the bar for ``done`` texts of ``total``."""
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stream.write(f"\r{WHAT} [{bar}] {done}/{total} texts, {total - done} left")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class ProgressLines:
    """A line at the start, every :data:`LINE_EVERY` seconds, and at the end."""

    def __init__(
        self, say: Callable[[str], None], clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Give the lines to ``say``, timed by ``clock`` (seconds)."""
        self.say = say
        self.clock = clock
        self._last: float | None = None

    def __call__(self, done: int, total: int) -> None:
        """Say how many of ``total`` texts are left, if a line is due."""
        now = self.clock()
        due = self._last is None or now - self._last >= LINE_EVERY
        if done == 0 or done >= total or due:
            self.say(f"{WHAT}: {total - done} of {total} texts left")
            self._last = now


def encoding_progress(
    stream: TextIO | None = None, say: Callable[[str], None] | None = None
) -> Progress:
    """A bar when ``stream`` (default stderr) is a terminal; otherwise lines, given to ``say``.

    ``say`` defaults to logging at INFO, as the running bot does everything it tells.
    """
    stream = stream or sys.stderr
    return ProgressBar(stream) if stream.isatty() else ProgressLines(say or log.info)
