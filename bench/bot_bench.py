"""The whole bot under a burst, over the loopback fake Discord (``python bench/bot_bench.py``).

Runs ``python -m bot run`` as a separate process pointed at the fake, and beside it, in the
same run, a do-nothing discord.py bot that replies "ok" (``bench/echo_bot.py``): the fake's
and discord.py's own round trip. Prints round-trip latency p50/p99 for both, the bot-side
difference, a burst of 1,000 mentions (all answered, none twice), the bot's RSS, and the
worst stall of the bot's event loop during the burst: each bot runs under
``bench/loop_probe.py``, a task that sleeps 5 ms in a loop and records how late it wakes (the
bench's own loop, which serves the fake Discord, is probed the same way).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fakediscord import Channel, FakeDiscord, Member  # noqa: E402

from bench.loop_probe import StallProbe, read_samples, worst_between  # noqa: E402

QUESTIONS = [
    "should I foam roll my IT band?",
    "how many reps for the leg curl with the foot turned in",
    "what is the vastus lateralis",
    "my knee locked and won't straighten",
    "what's the best pizza topping?",
]
ROUND_TRIPS = 200
BURST = 1000
SETTLE = 1.0
"""Seconds to keep watching after the last burst reply, for replies sent twice."""
STALL_GOAL = 0.050
PROBE = ROOT / "bench/loop_probe.py"


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


async def start(
    command: list[str], fake: FakeDiscord, guild_id: int, workdir: Path
) -> subprocess.Popen[bytes]:
    """Start a bot process pointed at the fake and wait until it has synced or connected."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": fake.token,
        "GUILD_ID": str(guild_id),
        "KNOWLEDGE_DIR": str(ROOT / "knowledge"),
        "DATABASE_PATH": str(workdir / "bench.sqlite3"),
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "COOLDOWN_SECONDS": "0",
        "AUTO_RELOAD": "false",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(command, cwd=workdir, env=env)
    await fake.wait_until_connected(timeout=30)
    await fake.sync_with_bot(timeout=30)
    return process


async def measure(
    fake: FakeDiscord,
    channel: Channel,
    member: Member,
    label: str,
    process: subprocess.Popen[bytes],
    stalls: Path,
) -> tuple[float, float]:
    """Round trips one at a time, then a burst; print the numbers.

    ``stalls`` is the file the bot's loop probe writes its late wake-ups to.
    """
    mention = f"<@{fake.bot_user.id}>"
    samples = []
    for number in range(ROUND_TRIPS):
        started = time.perf_counter()
        await member.says(channel, f"{mention} {QUESTIONS[number % len(QUESTIONS)]}")
        await channel.next_bot_message(timeout=10)
        samples.append(time.perf_counter() - started)
    p50, p99 = percentiles(samples)
    print(f"{label:<28} round trip p50 {p50:7.2f} ms  p99 {p99:7.2f} ms")
    before = len(channel.bot_messages)
    own_loop = StallProbe()
    own_loop.start()
    burst_start = time.monotonic()
    started = time.perf_counter()
    sent = [
        await member.says(channel, f"{mention} {QUESTIONS[n % len(QUESTIONS)]}")
        for n in range(BURST)
    ]
    deadline = time.monotonic() + 120
    while len(channel.bot_messages) - before < BURST and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    burst_end = time.monotonic()
    await asyncio.sleep(SETTLE)  # a reply sent twice would arrive after the count is reached
    await own_loop.stop()
    bot_samples = [
        (woke - burst_start, late)
        for woke, late in read_samples(stalls)
        if burst_start <= woke <= burst_end
    ]
    bot_stall = worst_between(bot_samples, 0, burst_end - burst_start)
    over_goal = sum(1 for _, late in bot_samples if late > STALL_GOAL)
    worst = ", ".join(
        f"{late * 1000:.0f} ms at +{woke:.2f} s"
        for woke, late in sorted(bot_samples, key=lambda sample: -sample[1])[:3]
    )
    fake_stall = own_loop.worst(burst_start, burst_end)
    replies = Counter(
        int(message.reference["message_id"])
        for message in channel.bot_messages[before:]
        if message.reference
    )
    answered = sum(1 for message in sent if replies[message.id] >= 1)
    twice = sum(1 for count in replies.values() if count > 1)
    rss = psutil.Process(process.pid).memory_info().rss / 2**20
    complete = "all answered, none twice" if answered == BURST and not twice else "INCOMPLETE"
    print(
        f"{'':<28} burst of {BURST}: {answered} answered, {twice} twice ({complete}), "
        f"{elapsed:.1f} s ({BURST / elapsed:.0f}/s); RSS {rss:.0f} MB"
    )
    verdict = "met" if bot_stall <= STALL_GOAL else "MISSED"
    print(
        f"{'':<28} worst event-loop stall during the burst: bot {bot_stall * 1000:.1f} ms "
        f"({over_goal} wake-ups over {STALL_GOAL * 1000:.0f} ms; goal <= "
        f"{STALL_GOAL * 1000:.0f} ms: {verdict}); fake Discord's loop {fake_stall * 1000:.1f} ms"
    )
    print(f"{'':<28} bot's worst wake-ups (time from the burst's start): {worst or 'none'}")
    return p50, p99


async def main() -> None:
    """Measure the echo baseline, then the real bot, on fresh fakes."""
    load = "/".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} (other work here skews the figures)")
    results = {}
    for label, command in (
        ("do-nothing bot (baseline)", [str(ROOT / "bench/echo_bot.py")]),
        ("movement bot", ["-m", "bot", "run"]),
    ):
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench")
            channel = guild.add_text_channel("general")
            member = guild.add_member("alice")
            with tempfile.TemporaryDirectory() as workdir:
                stalls = Path(workdir) / "stalls.txt"
                probed = [sys.executable, str(PROBE), str(stalls), *command]
                process = await start(probed, fake, guild.id, Path(workdir))
                try:
                    results[label] = await measure(fake, channel, member, label, process, stalls)
                finally:
                    process.terminate()
                    process.wait(timeout=15)
    (base50, base99), (bot50, bot99) = results.values()
    print(
        f"bot-side (difference)        p50 {bot50 - base50:7.2f} ms  p99 {bot99 - base99:7.2f} ms"
        "  (goal p50 <= 5 ms)"
    )


if __name__ == "__main__":
    asyncio.run(main())
