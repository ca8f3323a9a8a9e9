"""One member's flood against another member's reply time, over the loopback fake Discord.

``python bench/flood_bench.py`` runs ``python -m bot run`` against the fake with the default
burst limit. Other members ask questions one at a time, each after the last one's reply
(each a new member in a channel of their own, so neither the burst limit nor the repeat guard
holds them back), first on a quiet server, then while Alice sends a flood of mentions as fast
as the gateway takes them: one message over and over (spam), then a different message each
time (each must still be read for a red flag). Prints their round-trip p50/p99 in each run
and the ratio to the quiet one (goal: a flood costs them less than 20% at p50), and what
Alice's floods got.

The floor is a flood of the same size that the bot reads none of (no mention, in a channel it
doesn't answer in): what the traffic alone costs others here, where the fake Discord that
sends the flood shares the two cores with the bot.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fakediscord import Channel, FakeDiscord, Guild, Member  # noqa: E402

from bench.bot_bench import QUESTIONS, percentiles, start  # noqa: E402

FLOOD = 300
"""Mentions Alice sends at once."""
ROUND_TRIPS = 60
"""Bob's questions in each run."""
GOAL = 1.20
"""Bob's p50 round trip under the flood, at most this times the quiet one."""
FLOOD_QUESTION = "how many reps for the leg curl with the foot turned in"
ORDINARY = QUESTIONS[:3]
"""Questions with no red flag in them: a flood of these is held back by the burst limit."""


async def round_trips(fake: FakeDiscord, guild: Guild, run: str) -> list[float]:
    """Round trips of :data:`ROUND_TRIPS` members, one question after the other's reply."""
    mention = f"<@{fake.bot_user.id}>"
    samples = []
    for number in range(ROUND_TRIPS):
        channel = guild.add_text_channel(f"{run}-{number}")
        member = guild.add_member(f"{run}-{number}")
        started = time.perf_counter()
        await member.says(channel, f"{mention} {ORDINARY[number % len(ORDINARY)]}")
        await channel.next_bot_message(timeout=60)
        samples.append(time.perf_counter() - started)
    return samples


def repeated(number: int) -> str:
    """The spam flood's message: always the same."""
    return FLOOD_QUESTION


def varied(number: int) -> str:
    """The varied flood's message: different every time."""
    return f"{ORDINARY[number % len(ORDINARY)]} ({number})"


FLOOR = "the floor: a flood the bot reads none of"
FLOODS: dict[str, tuple[Callable[[int], str], bool]] = {
    FLOOR: (varied, False),
    "one message repeated": (repeated, True),
    "a different message each time": (varied, True),
}
"""Each flood: its messages, and whether they mention the bot."""


async def alice_floods(
    fake: FakeDiscord,
    channel: Channel,
    alice: Member,
    message: Callable[[int], str],
    addressed: bool,
) -> list[int]:
    """Alice's flood, sent as fast as the gateway takes it; the ids of her messages."""
    mention = f"<@{fake.bot_user.id}> " if addressed else ""
    return [(await alice.says(channel, f"{mention}{message(n)}")).id for n in range(FLOOD)]


async def main() -> None:
    """A quiet run, then a flooded one, on one bot process; print the comparison."""
    load = "/".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} (other work here skews the figures)")
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Bench")
        flooded: dict[str, tuple[list[float], list[int], Channel]] = {}
        with tempfile.TemporaryDirectory() as workdir:
            process = await start(
                [sys.executable, "-m", "bot", "run"], fake, guild.id, Path(workdir)
            )
            try:
                await round_trips(fake, guild, "warm-up")  # caches, first replies
                quiet = await round_trips(fake, guild, "quiet")
                for number, (name, (message, addressed)) in enumerate(FLOODS.items()):
                    channel = guild.add_text_channel(f"flood-{number}")
                    alice = guild.add_member(f"alice-{number}")
                    flood = asyncio.ensure_future(
                        alice_floods(fake, channel, alice, message, addressed)
                    )
                    samples = await round_trips(fake, guild, f"flooded-{number}")
                    flooded[name] = (samples, await flood, channel)
            finally:
                process.terminate()
                process.wait(timeout=15)
    quiet50, quiet99 = percentiles(quiet)
    print(f"others, quiet server           p50 {quiet50:7.1f} ms  p99 {quiet99:7.1f} ms")
    floor50 = percentiles(flooded[FLOOR][0])[0]
    for name, (samples, sent, channel) in flooded.items():
        flood50, flood99 = percentiles(samples)
        ratio = flood50 / quiet50
        verdict = "met" if ratio <= GOAL else "MISSED"
        if name == FLOOR:
            print(f"Alice's flood of {FLOOD}, {name}")
            print(f"  others meanwhile             p50 {flood50:7.1f} ms  p99 {flood99:7.1f} ms")
            print(f"  floor / quiet at p50: {ratio:.2f}x")
            continue
        replied = {
            int(message.reference["message_id"])
            for message in channel.bot_messages
            if message.reference
        }
        answered = sum(1 for message_id in sent if message_id in replied)
        print(f"Alice's flood of {FLOOD}, {name}: {answered} answered, the rest held back")
        print(f"  others meanwhile             p50 {flood50:7.1f} ms  p99 {flood99:7.1f} ms")
        print(f"  flood / quiet at p50: {ratio:.2f}x (goal <= {GOAL:.2f}x: {verdict})")
        print(f"  flood / floor at p50: {flood50 / floor50:.2f}x (what reading it adds)")


if __name__ == "__main__":
    asyncio.run(main())
