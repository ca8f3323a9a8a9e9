"""The semantic layer's cost, against the bare encoder measured in the same run.

``python bench/semantic_bench.py`` prints (set ``CACHE_DIR`` to reuse a warm embedding cache):

1. per-message p50/p99 of ``engine.answer`` (built as the app builds it) on ~300 distinct
   labelled messages, beside the floor: the bare encoder's forward pass on the same cleaned
   text, one message at a time. A member's message is read in one forward pass (its clauses
   pooled from it), never looked up in the embedding cache; the engine trained with those
   messages held out is measured too, as the one whose figures are honest for new messages;
   1b. messages of 4,000 characters against one forward pass over all their windows;
2. batch throughput of ``python -m bot ask --json -`` fed every labelled message on stdin
   (time from the first reply to the last), and 150 of them made unseen by a prefix,
   and of ``python -m bot eval knowledge/examples/main.yaml`` (wall time);
3. cold ``python -m bot ask`` wall time beside a bare interpreter, and where the time goes;
4. peak RSS of a process that builds the engine and answers 200 messages;
5. the lexical-only engine (``SEMANTIC=false``) for comparison.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.engine.normalise import clean, comparable  # noqa: E402
from bot.engine.semantic.embedding_cache import EmbeddingCache  # noqa: E402
from bot.engine.semantic.encoder import Encoder  # noqa: E402
from bot.evaluation import read_examples  # noqa: E402
from bot.startup import build_engine  # noqa: E402

KNOWLEDGE = ROOT / "knowledge"
EXAMPLES = KNOWLEDGE / "examples"
EVAL_FILE = EXAMPLES / "main.yaml"
SAMPLE = 300
REPEATS = 2
WARM_UP = 30
"""Messages each variant answers untimed first (encoder, caches and allocator warm up)."""
UNSEEN_BATCH = 150
"""Unseen messages fed to ``ask --json -`` (the encoder runs for each: slow)."""
COLD_RUNS = 5
RSS_MESSAGES = 200
COLD_QUESTION = "should I foam roll my IT band?"
UNSEEN_PREFIX = "hi, "
"""Put before a labelled message to make it one the engine never trained on (nor cached)."""
LATENCY_GOAL = 1.5
LATENCY_GOAL_P99 = 2.0
LONG_COUNT = 20
LONG_CHARS = 4000
LONG_GOAL_MS = 150.0
COLD_GOAL = 1.5
RSS_GOAL = 400.0

PEAK_RSS = """
import resource
def peak_mb():
    # ru_maxrss survives fork and exec on Linux: a child of this (large) bench would report the
    # bench's own peak. VmHWM is the high-water mark of this process's own memory map.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""
"""Peak resident memory in MB, in a child process."""

RSS_CHILD = (
    PEAK_RSS
    + """
import json, sys
from bot.config import Settings
from bot.startup import build_engine
messages = json.load(sys.stdin)
engine = build_engine(Settings.from_environment(env_file=None))
for message in messages:
    engine.answer(message)
print(json.dumps({"peak_mb": peak_mb(), "status": engine.semantic_status}))
"""
)
"""Builds the engine as the app does, answers the messages on stdin, prints its peak RSS."""

BARE_RSS_CHILD = (
    PEAK_RSS
    + """
import json
print(json.dumps({"peak_mb": peak_mb(), "status": "python -c, nothing imported"}))
"""
)

PHASES_CHILD = """
import json, sys, time
started = time.perf_counter()
phases = {}
def mark(name):
    global started
    now = time.perf_counter()
    phases[name] = now - started
    started = now
from bot.config import Settings
from bot.engine import Engine, load_knowledge, open_embeddings
mark("import bot.engine")
settings = Settings.from_environment(env_file=None)
embeddings, off = open_embeddings(settings.semantic_options)
mark("open_embeddings (load and verify the encoder, read the cache)")
knowledge = load_knowledge(settings.knowledge_dir)
mark("load_knowledge")
engine = Engine(knowledge, settings.thresholds, embeddings=embeddings, semantic_off=off)
mark("Engine(...) (index, train the decision layer)")
engine.answer(sys.argv[1])
mark("first answer")
from bot.console.text import render
render(engine.answer(sys.argv[1]), knowledge)
mark("import render + render")
print(json.dumps(phases))
"""
"""The in-process phases of ``python -m bot ask QUESTION`` (where a cold start's time goes)."""


def environment(**overrides: str) -> dict[str, str]:
    """The environment for a child ``python -m bot`` run from the repository."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "KNOWLEDGE_DIR": str(KNOWLEDGE),
        "SEMANTIC": "true",
        **overrides,
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, or "n/a"."""
    try:
        return "/".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def labelled_messages() -> list[str]:
    """Every labelled message in ``knowledge/examples/``, in file order (duplicates kept)."""
    return [
        example.q for path in sorted(EXAMPLES.glob("*.yaml")) for example in read_examples(path)
    ]


def held_out_cache(settings: Settings, messages: list[str]) -> Path:
    """Where the held-out engine keeps its training vectors: one directory per sample.

    Only training texts are ever written there (answers encode with ``keep=False``), and the
    held-out messages are never training texts for that sample, so they stay unseen.
    """
    digest = hashlib.sha256("\0".join(sorted(messages)).encode()).hexdigest()[:16]
    root = settings.cache_dir or Path(tempfile.gettempdir())
    return root / f"semantic-bench-held-out-{digest}"


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds of samples in seconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000


class CountingEncoder:
    """An encoder that counts the texts it is asked to encode (to tell cache hits from misses)."""

    def __init__(self, encoder: Encoder) -> None:
        """Wrap ``encoder``; vectors, name and fingerprint are its own."""
        self._encoder = encoder
        self.name = encoder.name
        self.fingerprint = encoder.fingerprint
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The wrapped encoder's vectors, counted."""
        self.texts += len(texts)
        return self._encoder.encode(texts)

    def encode_spans(
        self, text: str, spans: Sequence[tuple[int, int]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The wrapped encoder's one forward pass over a message, counted as one text."""
        self.texts += 1
        return self._encoder.encode_spans(text, spans)  # type: ignore[attr-defined]


@dataclass
class Variant:
    """One thing timed per message: ``call(raw, cleaned)``; ``encoded`` counts encoder runs."""

    label: str
    call: Callable[[str, str], object]
    counter: CountingEncoder | None = None
    encoded: int = 0
    samples: list[float] = field(default_factory=list)


def time_variants(variants: list[Variant], messages: list[str], repeats: int) -> None:
    """Time every variant on every message, interleaved message by message.

    Each round visits the messages in a new order and rotates which variant goes first, so
    drift and cache warmth fall on all variants alike. A few untimed calls warm up first.
    """
    cleaned = {message: clean(message) for message in messages}
    for variant in variants:
        for message in messages[:WARM_UP]:
            variant.call(message, cleaned[message])
        variant.samples = []
        variant.encoded = 0
    rng = random.Random(3)
    for _ in range(repeats):
        order = messages[:]
        rng.shuffle(order)
        for position, message in enumerate(order):
            turn = position % len(variants)
            for variant in variants[turn:] + variants[:turn]:
                before = variant.counter.texts if variant.counter else 0
                start = time.perf_counter()
                variant.call(message, cleaned[message])
                variant.samples.append(time.perf_counter() - start)
                if variant.counter and variant.counter.texts > before:
                    variant.encoded += 1


def long_messages(engine: Engine, encoder: Encoder, messages: list[str]) -> None:
    """Section 1b: messages of 4,000 characters (rambles made of labelled messages).

    The floor is the bare forward pass over the whole message (every window of it).
    """
    rambles = []
    for start in range(LONG_COUNT):
        text = ""
        for message in messages[start:] + messages[:start]:
            if len(text) + len(message) + 1 > LONG_CHARS:
                break
            text = f"{text} {message}".strip()
        rambles.append(text)
    cleaned = [clean(text) for text in rambles]
    floor, whole = [], []
    for _ in range(REPEATS):
        for raw, text in zip(rambles, cleaned, strict=True):
            started = time.perf_counter()
            encoder.encode_spans(text, [])  # type: ignore[attr-defined]
            floor.append(time.perf_counter() - started)
            started = time.perf_counter()
            engine.answer(raw)
            whole.append(time.perf_counter() - started)
    floor_p50, floor_p99 = percentiles(floor)
    p50, p99 = percentiles(whole)
    print(
        f"1b. {LONG_COUNT} messages of about {LONG_CHARS:,} characters x {REPEATS}: "
        f"engine.answer p50 {p50:.1f} ms, p99 {p99:.1f} ms; floor (one forward pass over every "
        f"window) p50 {floor_p50:.1f} ms, p99 {floor_p99:.1f} ms -> {p50 / floor_p50:.2f}x / "
        f"{p99 / floor_p99:.2f}x (goal <= {LONG_GOAL_MS:.0f} ms: "
        f"{'met' if p99 <= LONG_GOAL_MS else 'MISSED'})"
    )


def per_message(settings: Settings, messages: list[str]) -> tuple[Engine, float]:
    """Section 1 and 5: engine (cached / unseen / lexical) against the bare encoder.

    Returns the app's engine and the floor's p50 in seconds.
    """
    started = time.perf_counter()
    engine = build_engine(settings)
    built = time.perf_counter() - started
    if engine._embeddings is None:
        raise SystemExit(f"the semantic layer is off here: {engine.semantic_status}")
    encoder = engine._embeddings.encoder
    counted_app = CountingEncoder(encoder)
    # Count the app engine's encoder runs: its embedding cache calls ``.encoder`` on each miss,
    # so the attribute is wrapped while the engine is timed (and put back after).
    engine._embeddings.encoder = counted_app  # type: ignore[assignment]
    counted_unseen = CountingEncoder(encoder)
    started = time.perf_counter()
    unseen = Engine(
        engine.knowledge,
        settings.thresholds,
        embeddings=EmbeddingCache(counted_unseen, held_out_cache(settings, messages)),
        held_out={comparable(message) for message in messages},
    )
    held_out_build = time.perf_counter() - started
    training_texts = counted_unseen.texts
    counted_unseen.texts = 0
    started = time.perf_counter()
    lexical = build_engine(settings.model_copy(update={"semantic": False}))
    lexical_build = time.perf_counter() - started
    print(f"{engine.semantic_status}; cache {settings.cache_dir or '(default)'}")
    print(
        f"engines built in-process: app {built:.2f} s, held-out {held_out_build:.2f} s "
        f"(encoded {training_texts} training texts), "
        f"lexical-only {lexical_build:.2f} s"
    )
    floor = Variant("floor: encoder.encode([clean(q)])", lambda _, text: encoder.encode([text]))
    variants = [
        floor,
        Variant(
            "engine.answer, labelled (cached vectors)",
            lambda raw, _: engine.answer(raw),
            counted_app,
        ),
        Variant(
            "engine.answer, unseen (held out)",
            lambda raw, _: unseen.answer(raw),
            counted_unseen,
        ),
        Variant("engine.answer, lexical only", lambda raw, _: lexical.answer(raw)),
    ]
    time_variants(variants, messages, REPEATS)
    floor.encoded = len(floor.samples)
    total = len(messages) * REPEATS
    print(f"\n1. per message: {len(messages)} distinct labelled messages x {REPEATS} rounds")
    floor_p50, floor_p99 = percentiles(floor.samples)
    for variant in variants:
        p50, p99 = percentiles(variant.samples)
        print(
            f"   {variant.label:<42} p50 {p50:7.3f} ms  p99 {p99:7.3f} ms   "
            f"x floor p50 {p50 / floor_p50:5.2f}  p99 {p99 / floor_p99:5.2f}   "
            f"encoder ran {variant.encoded}/{total}"
        )
    for variant in variants[1:3]:
        p50, p99 = percentiles(variant.samples)
        met = p50 / floor_p50 <= LATENCY_GOAL and p99 / floor_p99 <= LATENCY_GOAL_P99
        print(
            f"   ratio {variant.label}: p50 {p50 / floor_p50:.2f}x, p99 {p99 / floor_p99:.2f}x "
            f"(goal <= {LATENCY_GOAL}x p50, <= {LATENCY_GOAL_P99}x p99: "
            f"{'met' if met else 'MISSED'})"
        )
    long_messages(unseen, encoder, messages)
    lexical_p50, lexical_p99 = percentiles(variants[3].samples)
    unseen_p50, unseen_p99 = percentiles(variants[2].samples)
    print(
        f"5. lexical only (SEMANTIC=false): p50 {lexical_p50:.3f} ms, p99 {lexical_p99:.3f} ms; "
        f"the semantic layer adds {unseen_p50 - lexical_p50:.3f} ms at p50, "
        f"{unseen_p99 - lexical_p99:.3f} ms at p99 on unseen messages "
        f"({unseen_p50 / lexical_p50:.0f}x the lexical engine at p50)"
    )
    engine._embeddings.encoder = encoder
    return engine, floor_p50 / 1000


def stream_ask(messages: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Feed ``messages`` to ``ask --json -``: (start-up, first-to-last reply, wall, replies).

    Start-up is the time to the first reply (one message answered); the answering span runs
    from the first reply to the last, so throughput is ``(replies - 1) / span``.
    """
    payload = "".join(message.replace("\r", " ").replace("\n", " ") + "\n" for message in messages)
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "ask", "--json", "-"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            encoding="utf-8",
        )
        assert process.stdin is not None
        assert process.stdout is not None
        stdin = process.stdin

        def write() -> None:
            stdin.write(payload)
            stdin.close()

        writer = threading.Thread(target=write)
        writer.start()
        first = last = started
        replies = 0
        for _ in process.stdout:
            last = time.perf_counter()
            if replies == 0:
                first = last
            replies += 1
        process.wait()
        writer.join()
        wall = time.perf_counter() - started
        if process.returncode:
            errors.seek(0)
            raise SystemExit(f"ask failed ({process.returncode}): {errors.read().decode()}")
    return first - started, last - first, wall, replies


def wall_time(command: list[str], env: dict[str, str]) -> float:
    """Seconds ``command`` takes, run from the repository (its output discarded)."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def batch(messages: list[str], sample: list[str], floor_p50: float) -> None:
    """Section 2: ``ask --json -`` on stdin, and ``eval`` on main.yaml.

    Every labelled message as it is, then (to stay within the time budget) the first
    :data:`UNSEEN_BATCH` of the per-message sample made unseen.
    """
    env = environment()
    unseen = [UNSEEN_PREFIX + message for message in sample[:UNSEEN_BATCH]]
    multi_line = sum(1 for message in messages if "\n" in message)
    print(
        f"\n2. batch: `python -m bot ask --json -`, {len(messages)} labelled messages on stdin "
        f"({multi_line} multi-line ones joined into one line)"
    )
    for label, fed in (
        ("labelled (cached vectors)", messages),
        (f"{UNSEEN_BATCH} unseen ({UNSEEN_PREFIX!r} + q)", unseen),
    ):
        startup, span, wall, replies = stream_ask(fed, env)
        rate = (replies - 1) / span if span > 0 else float("inf")
        print(
            f"   {label:<28} {rate:7.0f} messages/s ({replies} replies in {span:.2f} s after a "
            f"{startup:.2f} s start-up; wall {wall:.2f} s)"
        )
    print(f"   floor: the bare encoder one message at a time {1 / floor_p50:7.0f} messages/s (p50)")
    items = len(read_examples(EVAL_FILE))
    wall = wall_time([sys.executable, "-m", "bot", "eval", str(EVAL_FILE)], env)
    print(
        f"   `python -m bot eval {EVAL_FILE.relative_to(ROOT)}`: {items} items in {wall:.2f} s "
        f"wall = {items / wall:.0f} items/s (start-up and held-out retraining included)"
    )


def cold_start() -> None:
    """Section 3: cold ``ask`` beside a bare interpreter, and its in-process phases."""
    env = environment()
    ask = [sys.executable, "-m", "bot", "ask", COLD_QUESTION]
    wall_time(ask, env)  # untimed: the embedding cache and the page cache are warm after it
    bare = [wall_time([sys.executable, "-c", "pass"], env) for _ in range(COLD_RUNS)]
    cold = [wall_time(ask, env) for _ in range(COLD_RUNS)]
    interpreter, median = statistics.median(bare), statistics.median(cold)
    verdict = "met" if median <= COLD_GOAL else "MISSED"
    print(f"\n3. cold start (median of {COLD_RUNS}, embedding cache warm)")
    print(f"   bare `python -c pass`            {interpreter * 1000:7.0f} ms")
    print(
        f"   `python -m bot ask {COLD_QUESTION!r}` {median * 1000:7.0f} ms "
        f"(min {min(cold) * 1000:.0f}, max {max(cold) * 1000:.0f}; "
        f"{median / interpreter:.0f}x the bare interpreter; goal <= {COLD_GOAL} s: {verdict})"
    )
    output = subprocess.run(
        [sys.executable, "-c", PHASES_CHILD, COLD_QUESTION],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    phases = json.loads(output.strip().splitlines()[-1])
    print("   where one cold `ask` spends it (in-process, one run):")
    for name, seconds in phases.items():
        print(f"     {name:<58} {seconds * 1000:7.0f} ms")


def peak_rss(messages: list[str]) -> None:
    """Section 4: peak RSS of a process that builds the engine and answers messages."""
    print(f"\n4. peak RSS: build the engine as the app does, answer {len(messages)} messages")
    runs = (
        ("bare interpreter", BARE_RSS_CHILD, [], "true"),
        ("semantic, labelled (cached vectors)", RSS_CHILD, messages, "true"),
        (
            "semantic, unseen (encoder runs)",
            RSS_CHILD,
            [UNSEEN_PREFIX + m for m in messages],
            "true",
        ),
        ("lexical only (SEMANTIC=false)", RSS_CHILD, messages, "false"),
    )
    for label, code, fed, semantic in runs:
        output = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=environment(SEMANTIC=semantic),
            input=json.dumps(fed),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        goal = ""
        if semantic == "true" and fed:
            verdict = "met" if result["peak_mb"] <= RSS_GOAL else "MISSED"
            goal = f" (goal <= {RSS_GOAL:.0f} MB: {verdict})"
        print(f"   {label:<38} {result['peak_mb']:6.0f} MB{goal}  [{result['status']}]")


def main() -> None:
    """Run every section once and print the numbers."""
    started = time.perf_counter()
    settings = Settings.from_environment(env_file=None).model_copy(update={"semantic": True})
    everything = labelled_messages()
    distinct = sorted(set(everything))
    sample = random.Random(7).sample(distinct, min(SAMPLE, len(distinct)))
    print(
        f"labelled messages: {len(everything)} ({len(distinct)} distinct) in "
        f"{EXAMPLES.relative_to(ROOT)}/; {os.cpu_count()} CPUs; "
        f"ENCODER_THREADS={settings.encoder_threads or 'onnxruntime default'}; "
        f"load average {load_average()} (other work on these CPUs skews every figure)"
    )
    _, floor_p50 = per_message(settings, sample)
    batch(everything, sample, floor_p50)
    cold_start()
    peak_rss(sample[:RSS_MESSAGES])
    print(
        f"\n(whole bench {time.perf_counter() - started:.0f} s; load average at the end "
        f"{load_average()})"
    )


if __name__ == "__main__":
    main()
