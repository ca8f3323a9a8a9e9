"""What a follow-up costs: the use-case layer against the engine and the bare encoder.

The last message of every conversation in ``bench/conversations/*.yaml`` is timed three
ways, message by message in a rotating order: the floor (the encoder's forward pass on the
cleaned text), ``Engine.answer`` on the message alone, and ``Assistant.ask`` after the
conversation's earlier messages (untimed) set its context, as the bot answers it. A message
read in context costs two engine passes (in context, then alone, to tell a topic switch);
the ratios show it. None of these messages is a labelled example: the encoder runs for each.

    python bench/conversation_bench.py
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from semantic_bench import percentiles  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.conversation.assistant import Assistant  # noqa: E402
from bot.conversation.memory import Memory, Place  # noqa: E402
from bot.engine.normalise import clean  # noqa: E402
from bot.startup import build_engine  # noqa: E402

REPEATS = 3
WHERE = Place(member=1, place=1)


def conversations() -> dict[str, list[str]]:
    """Each conversation's last message -> the messages before it."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "bench" / "conversations").glob("*.yaml")):
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            *before, last = conversation["turns"]
            found[last] = before
    return found


def main() -> None:
    """Time the three ways and print p50 / p99 and their ratios to the floor."""
    engine = build_engine(Settings.from_environment())
    if engine._embeddings is None:
        raise SystemExit(f"the semantic layer is off here: {engine.semantic_status}")
    encoder = engine._embeddings.encoder
    setups = conversations()
    messages = list(setups)
    samples: dict[str, list[float]] = {"floor": [], "alone": [], "asked": []}
    labels = {
        "floor": "floor: encoder.encode([clean(q)])",
        "alone": "engine.answer(q), alone",
        "asked": "assistant.ask(q), in its conversation",
    }
    rng = random.Random(5)
    for round_number in range(REPEATS + 1):  # the first round warms up, untimed
        order = messages[:]
        rng.shuffle(order)
        for position, message in enumerate(order):
            assistant = Assistant(engine, Memory(300.0))
            for earlier in setups[message]:
                assistant.shown(WHERE, earlier, assistant.ask(earlier, WHERE))
            calls: dict[str, Callable[[], object]] = {
                "floor": lambda message=message: encoder.encode([clean(message)]),
                "alone": lambda message=message: engine.answer(message),
                "asked": lambda message=message, assistant=assistant: assistant.ask(message, WHERE),
            }
            names = list(calls)
            turn = position % len(names)
            for name in names[turn:] + names[:turn]:
                start = time.perf_counter()
                calls[name]()
                if round_number:
                    samples[name].append(time.perf_counter() - start)
    floor_p50, floor_p99 = percentiles(samples["floor"])
    print(f"{len(messages)} last messages of conversations x {REPEATS} rounds")
    for name, timed in samples.items():
        p50, p99 = percentiles(timed)
        print(
            f"   {labels[name]:<40} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms   "
            f"x floor p50 {p50 / floor_p50:5.2f}  p99 {p99 / floor_p99:5.2f}"
        )


if __name__ == "__main__":
    main()
