"""One member's flood against another member's reply time, over the loopback fake Discord.

``python bench/flood_bench.py`` runs ``python -m bot run`` against the fake with the default
burst limit. Other members ask questions one at a time, each after the last one's reply
(each a new member in a channel of their own, so neither the burst limit nor the repeat guard
holds them back), first on a quiet server, then while Alice sends a flood of mentions as fast
as the gateway takes them. Prints their round-trip p50/p99 in both runs and the ratio (goal:
the flood costs them less than 20% at p50), and what Alice's flood got.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bot_bench import QUESTIONS, percentiles, start  # noqa: E402
from tests.fakediscord import Channel, FakeDiscord, Guild, Member  # noqa: E402

FLOOD = 300
"""Mentions Alice sends at once."""
ROUND_TRIPS = 60
"""Bob's questions in each run."""
GOAL = 1.20
"""Bob's p50 round trip under the flood, at most this times the quiet one."""
FLOOD_QUESTION = "how many reps for the leg curl with the foot turned in"


async def round_trips(fake: FakeDiscord, guild: Guild, run: str) -> list[float]:
    """Round trips of :data:`ROUND_TRIPS` members, one question after the other's reply."""
    mention = f"<@{fake.bot_user.id}>"
    samples = []
    for number in range(ROUND_TRIPS):
        channel = guild.add_text_channel(f"{run}-{number}")
        member = guild.add_member(f"{run}-{number}")
        started = time.perf_counter()
        await member.says(channel, f"{mention} {QUESTIONS[number % 3]}")
        await channel.next_bot_message(timeout=60)
        samples.append(time.perf_counter() - started)
    return samples


async def alice_floods(fake: FakeDiscord, channel: Channel, alice: Member) -> list[int]:
    """Alice's flood, sent as fast as the gateway takes it; the ids of her messages."""
    mention = f"<@{fake.bot_user.id}>"
    return [(await alice.says(channel, f"{mention} {FLOOD_QUESTION}")).id for _ in range(FLOOD)]


async def main() -> None:
    """A quiet run, then a flooded one, on one bot process; print the comparison."""
    load = "/".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} (other work here skews the figures)")
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Bench")
        channel = guild.add_text_channel("general")
        alice = guild.add_member("alice")
        with tempfile.TemporaryDirectory() as workdir:
            process = await start(
                [sys.executable, "-m", "bot", "run"], fake, guild.id, Path(workdir)
            )
            try:
                await round_trips(fake, guild, "warm-up")  # caches, first replies
                quiet = await round_trips(fake, guild, "quiet")
                flood = asyncio.ensure_future(alice_floods(fake, channel, alice))
                flooded = await round_trips(fake, guild, "flooded")
                sent = await flood
            finally:
                process.terminate()
                process.wait(timeout=15)
            replied = {
                int(message.reference["message_id"])
                for message in channel.bot_messages
                if message.reference
            }
    quiet50, quiet99 = percentiles(quiet)
    flood50, flood99 = percentiles(flooded)
    ratio = flood50 / quiet50
    print(f"others, quiet server      p50 {quiet50:7.1f} ms  p99 {quiet99:7.1f} ms")
    print(f"others, during the flood  p50 {flood50:7.1f} ms  p99 {flood99:7.1f} ms")
    verdict = "met" if ratio <= GOAL else "MISSED"
    print(f"flood / quiet at p50: {ratio:.2f}x (goal <= {GOAL:.2f}x: {verdict})")
    answered = sum(1 for message_id in sent if message_id in replied)
    print(f"Alice's flood of {FLOOD}: {answered} answered in the burst limit, the rest held back")


if __name__ == "__main__":
    asyncio.run(main())
