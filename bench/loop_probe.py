"""Event-loop stall probe: a task that sleeps 5 ms in a loop and records how late it wakes.

In-process, :class:`StallProbe` keeps its samples in memory. Run as a launcher, it puts the
probe on every event loop a program creates and appends late wake-ups to a file, so another
process can read the worst stall in a time window (``time.monotonic`` is system-wide)::

    python bench/loop_probe.py STALLS_FILE -m bot run
    python bench/loop_probe.py STALLS_FILE bench/echo_bot.py
"""

from __future__ import annotations

import asyncio
import runpy
import sys
import time
from pathlib import Path
from typing import TextIO

PERIOD = 0.005
"""How long the probe sleeps each time (seconds)."""
RECORDED = 0.001
"""Wake-ups later than this are recorded (seconds)."""


class StallProbe:
    """Sleeps :data:`PERIOD` in a loop; ``samples`` holds ``(monotonic time, lateness)``."""

    def __init__(self, out: TextIO | None = None) -> None:
        """Keep samples in memory, and also write them (one ``time lateness`` a line) to ``out``."""
        self.samples: list[tuple[float, float]] = []
        self._out = out
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start probing the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop probing."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            due = time.monotonic() + PERIOD
            await asyncio.sleep(PERIOD)
            woke = time.monotonic()
            late = woke - due
            if late >= RECORDED:
                self.samples.append((woke, late))
                if self._out is not None:
                    self._out.write(f"{woke:.6f} {late:.6f}\n")

    def worst(self, start: float, end: float) -> float:
        """The worst lateness (seconds) of wake-ups between ``start`` and ``end`` (monotonic)."""
        return worst_between(self.samples, start, end)


def worst_between(samples: list[tuple[float, float]], start: float, end: float) -> float:
    """The largest lateness among samples woken between ``start`` and ``end``, or 0."""
    return max((late for woke, late in samples if start <= woke <= end), default=0.0)


def read_samples(path: Path) -> list[tuple[float, float]]:
    """The ``(time, lateness)`` lines a launched probe wrote to ``path``."""
    if not path.is_file():
        return []
    samples = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2:
            samples.append((float(parts[0]), float(parts[1])))
    return samples


class _ProbedPolicy(asyncio.DefaultEventLoopPolicy):
    """Every new event loop starts a :class:`StallProbe` writing to one file."""

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self._out = out
        self.probes: list[StallProbe] = []

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        loop = super().new_event_loop()
        probe = StallProbe(self._out)
        self.probes.append(probe)
        loop.call_soon(probe.start)
        return loop


def main(argv: list[str]) -> None:
    """``loop_probe.py FILE -m MODULE ARGS...`` or ``loop_probe.py FILE SCRIPT ARGS...``."""
    if len(argv) < 2 or (argv[1] == "-m" and len(argv) < 3):
        raise SystemExit("usage: loop_probe.py STALLS_FILE (-m MODULE | SCRIPT) [ARGS...]")
    out = Path(argv[0]).open("a", buffering=1, encoding="utf-8")  # noqa: SIM115 - process-long
    asyncio.set_event_loop_policy(_ProbedPolicy(out))
    if argv[1] == "-m":
        sys.argv = [argv[2], *argv[3:]]
        runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv[1:]
        sys.path.insert(0, str(Path(argv[1]).resolve().parent))
        runpy.run_path(argv[1], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
