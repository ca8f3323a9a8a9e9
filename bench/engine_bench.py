"""Engine speed, measured against baselines in the same run (``python bench/engine_bench.py``).

Prints per-question latency (p50/p99) of the lexical ``Engine.answer`` (no encoder: the
matcher, triage and scope checks) on the article knowledge base and on synthetic ones of 1,000
and 10,000 entries, the cost of a 20,000-character message, a floor (one rapidfuzz
``process.extractOne`` over every phrasing) and a difflib ``get_close_matches`` baseline on the
same questions, with ratios, and the cold start of ``python -m bot ask``: lexical
(``SEMANTIC=false``) and as deployed (semantic layer on). ``bench/semantic_bench.py`` measures
the semantic layer itself.
"""

from __future__ import annotations

import difflib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

from rapidfuzz import process

from bot.engine import Engine, KnowledgeBase, load_knowledge
from bot.engine.model import Entry
from bot.evaluation import read_examples

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
QUESTIONS = [KNOWLEDGE / "examples/main.yaml", KNOWLEDGE / "examples/fresh-1.yaml"]
REPEATS = 5
COLD_RUNS = 7
SEMANTIC_RUNS = 3


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds of samples in seconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000


def time_each(
    function: Callable[[str], object], questions: list[str], repeats: int = REPEATS
) -> list[float]:
    """Seconds per call, for every question, ``repeats`` times."""
    samples = []
    for _ in range(repeats):
        for question in questions:
            start = time.perf_counter()
            function(question)
            samples.append(time.perf_counter() - start)
    return samples


def synthetic_knowledge(size: int, base: KnowledgeBase, seed: int = 7) -> KnowledgeBase:
    """``size`` entries of made-up words (plus the real red-flag tiers)."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "zo", "pe", "qui", "dra"]
    words = sorted({"".join(rng.choices(syllables, k=3)) for _ in range(4000)})  # same every run
    entries = []
    for number in range(size):
        topic = rng.sample(words, 3)
        questions = [" ".join([*rng.sample(topic, 2), *rng.sample(words, 3)]) for _ in range(6)]
        entries.append(
            Entry(
                id=f"entry-{number}",
                title=" ".join(topic),
                summary=" ".join(rng.sample(words, 6)),
                body=" ".join(rng.sample(words, 30)),
                questions=questions,
                keywords=topic[:2],
                source="synthetic",
            )
        )
    return replace(
        base,
        entries=MappingProxyType({entry.id: entry for entry in entries}),
        learned=(),
        examples=(),
        example_sets=MappingProxyType({}),
        files=("synthetic",),
        loaded_at=datetime.now(UTC),
    )


def synthetic_questions(knowledge: KnowledgeBase, count: int, seed: int = 11) -> list[str]:
    """Questions drawn from the synthetic entries, with a typo and a filler word."""
    rng = random.Random(seed)
    entries = list(knowledge.entries.values())
    questions = []
    for _ in range(count):
        text = rng.choice(rng.choice(entries).questions)
        position = rng.randrange(len(text))
        questions.append("how do i " + text[:position] + text[position + 1 :] + "?")
    return questions


def report(label: str, samples: list[float]) -> tuple[float, float]:
    """Print and return (p50, p99) for a labelled set of samples."""
    p50, p99 = percentiles(samples)
    print(f"{label:<44} p50 {p50:8.3f} ms   p99 {p99:8.3f} ms")
    return p50, p99


def wall_time(command: list[str], cache_dir: Path, **environ: str) -> float:
    """Milliseconds ``command`` takes in a fresh process using ``cache_dir`` as its cache."""
    environment = {**os.environ, "CACHE_DIR": str(cache_dir), **environ}
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env=environment)
    return (time.perf_counter() - start) * 1000


def cold_start() -> None:
    """Print medians of a bare interpreter and of ``ask``: lexical, and semantic cold and warm.

    The lexical ``ask`` (``SEMANTIC=false``) is the engine measured above; the semantic one is
    what a deployment runs, first with an empty cache directory (it encodes every knowledge
    text), then with the cache that run left.
    """
    ask = [sys.executable, "-m", "bot", "ask", "--json", "should i foam roll my IT band?"]
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        bare = [wall_time([sys.executable, "-c", "pass"], cache) for _ in range(COLD_RUNS)]
        lexical = [wall_time(ask, cache, SEMANTIC="false") for _ in range(COLD_RUNS)]
        building = wall_time(ask, cache, SEMANTIC="true")
        cached = [wall_time(ask, cache, SEMANTIC="true") for _ in range(SEMANTIC_RUNS)]
    interpreter, plain, warm = map(statistics.median, (bare, lexical, cached))
    print(f"bare `python -c pass` median of {COLD_RUNS}: {interpreter:.0f} ms")
    print(
        f"cold `SEMANTIC=false python -m bot ask`, median of {COLD_RUNS}: {plain:.0f} ms "
        f"({plain / interpreter:.1f}x the bare interpreter; goal <= 300 ms)"
    )
    print(f"`python -m bot ask`, semantic, first run (fills its cache): {building:.0f} ms")
    print(
        f"cold `python -m bot ask`, semantic, with its cache, median of {SEMANTIC_RUNS}: "
        f"{warm:.0f} ms ({warm / interpreter:.1f}x the bare interpreter; goal <= 1,500 ms)"
    )


def main() -> None:
    """Run every measurement and print the numbers."""
    knowledge = load_knowledge(KNOWLEDGE)
    engine = Engine(knowledge)
    questions = [item.q for path in QUESTIONS for item in read_examples(path)]
    phrasings = [q for entry in knowledge.entries.values() for q in entry.questions]
    load = "/".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"article knowledge base: {len(knowledge.entries)} entries, {len(phrasings)} phrasings;"
        f" {len(questions)} questions x {REPEATS}; {os.cpu_count()} CPUs, load average {load}"
    )
    _, engine_p99 = report("engine.answer (article KB)", time_each(engine.answer, questions))
    engine_p50 = percentiles(time_each(engine.answer, questions))[0]
    floor_p50, _ = report(
        "floor: rapidfuzz extractOne over phrasings",
        time_each(lambda q: process.extractOne(q, phrasings), questions),
    )
    difflib_p50, _ = report(
        "baseline: difflib get_close_matches",
        time_each(lambda q: difflib.get_close_matches(q, phrasings, n=1, cutoff=0.0), questions),
    )
    print(f"ratio engine/floor   (p50): {engine_p50 / floor_p50:6.2f}x  (goal <= 2x)")
    print(f"ratio engine/difflib (p50): {engine_p50 / difflib_p50:8.4f}x")
    verdict = "met" if engine_p99 <= 1 else "MISSED"
    print(f"article KB p99 {engine_p99:.3f} ms (goal <= 1 ms: {verdict})")
    for size in (1_000, 10_000):
        synthetic = synthetic_knowledge(size, knowledge)
        start = time.perf_counter()
        big = Engine(synthetic)
        build = time.perf_counter() - start
        asked = synthetic_questions(synthetic, 300)
        _, p99 = report(
            f"engine.answer ({size:,} entries, index {build:.1f} s)", time_each(big.answer, asked)
        )
        hits = sum(big.answer(q).outcome.value == "answer" for q in asked)
        print(
            f"  answered {hits}/{len(asked)}; p99 goal <= 5 ms: {'met' if p99 <= 5 else 'MISSED'}"
        )
    huge = ("my outside knee hurts when I run and " * 600)[:20_000] + " should I foam roll?"
    distinct = [f"message {number}: {huge}" for number in range(100)]  # never a cached analysis
    _, huge_p99 = report("20,000-character message", time_each(engine.answer, distinct, 1))
    print(f"  goal <= 2 ms: {'met' if huge_p99 <= 2 else 'MISSED'}")
    cold_start()


if __name__ == "__main__":
    main()
