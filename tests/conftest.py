"""Shared fixtures: the real knowledge base, copies of it to break, and a tiny one to build on."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.engine import Engine, SemanticOptions, open_embeddings
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.store import Store

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO / "knowledge"

LONGEST_FILES = (
    "tests/evaluation/test_eval_set.py",
    "tests/engine/test_red_flag_reviews.py",
    "tests/cli/test_commands.py",
    "tests/discord_ui/test_moderation.py",
    "tests/engine/test_context.py",
    "tests/conversation/test_assistant.py",
    "tests/engine/test_semantic.py",
    "tests/cli/test_moderators.py",
    "tests/discord_ui/test_kb_editing.py",
    "tests/engine/test_red_flag_reviews_calm.py",
)
"""Test files that take from 15 s to two minutes each, longest first (measured with
``--durations=0``): started first, so that under pytest-xdist (whole files per worker) the
short ones fill the gaps at the end, instead of one long file running last while a core
waits."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests of :data:`LONGEST_FILES` first, longest file first, each in its order."""
    rank = {name: number for number, name in enumerate(LONGEST_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


TINY_TOPICS = """\
entries:
  - id: it-band
    title: The IT band
    summary: A passive strap of connective tissue.
    body: It does not contract; its tension depends on position.
    questions:
      - what is the it band
      - is my itb tight
    keywords: [it band]
    related: [leg-curl]
    source: The IT Band
"""

TINY_EXERCISES = """\
entries:
  - id: leg-curl
    kind: exercise
    title: Leg curl with the foot turned in
    summary: Biases the inside hamstrings.
    body: Turn the foot in and curl slowly.
    questions:
      - how do i do the leg curl
    keywords: [leg curl]
    source: Three Exercises
    purpose: Inside hamstrings help knee stability.
    steps: [Lie face down, Turn the foot in, Curl slowly]
    dose: {sets: "2", reps: "8 to 10"}
    order: 1
"""

TINY_SAFETY = """\
safety_tiers:
  - id: same-day
    title: Get seen today
    response: Please see a doctor today.
    phrases: [knee locked, cant bear weight]
"""


def tiny_routine(count: int) -> str:
    """A file that gives the tiny knowledge base ``count`` exercises, and a routine of them.

    The exercises after its leg curl, then the routine: the leg curl and those, in order.
    """
    numbers = range(2, count + 1)
    exercises = [
        f"""\
  - id: exercise-{number}
    kind: exercise
    title: Exercise number {number}
    summary: The exercise placed {number} in the routine.
    body: Do it slowly.
    questions: [how do i do exercise {number}]
    source: Exercises
    purpose: It helps the knee.
    steps: [Stand tall, Move slowly]
    dose: {{sets: "2", reps: "{number + 5}"}}
    order: {number}
"""
        for number in numbers
    ]
    ids = ", ".join(["leg-curl", *(f"exercise-{number}" for number in numbers)])
    routine = f"""\
  - id: routine
    kind: routine
    title: The routine
    summary: Every exercise in order.
    body: One after the other.
    questions: [what is the routine]
    source: Exercises
    routine: [{ids}]
"""
    return "entries:\n" + "".join(exercises) + routine


def record_ask(
    store: Store,
    member: int,
    text: str,
    outcome: str = "abstain",
    message: int | None = None,
    entry: str | None = None,
) -> None:
    """Store a member's question as the bot does (channel and score don't matter to tests)."""
    store.record_ask(
        member_id=member,
        channel_id=5,
        message_id=message,
        text=text,
        outcome=outcome,
        entry_id=entry,
        suggested=[],
        score=10,
    )


def write_files(directory: Path, files: dict[str, str]) -> Path:
    """Write ``name -> text`` files into ``directory`` (created) and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def cache_copy(directory: Path) -> Path:
    """A private copy of the session's vectors and fits in ``directory``, for a bot that prunes.

    A running bot keeps only what its knowledge needs in its cache: started on the session's
    shared cache, it would drop what other tests (and the other workers) wrote there.
    """
    directory.mkdir(parents=True, exist_ok=True)
    shared = Path(os.environ["CACHE_DIR"])
    for kept in [*shared.glob("embeddings-*.npz"), *shared.glob("fusion-*.npz")]:
        with contextlib.suppress(FileNotFoundError):  # replaced or dropped by another test
            shutil.copyfile(kept, directory / kept.name)
    return directory


@pytest.fixture
def tiny_files() -> dict[str, str]:
    """The texts of a minimal valid knowledge base."""
    return {
        "topics.yaml": TINY_TOPICS,
        "exercises.yaml": TINY_EXERCISES,
        "safety.yaml": TINY_SAFETY,
    }


@pytest.fixture
def tiny_dir(tmp_path: Path, tiny_files: dict[str, str]) -> Path:
    """A minimal valid knowledge directory."""
    return write_files(tmp_path / "knowledge", tiny_files)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A copy of the real knowledge directory that a test may change."""
    return Path(shutil.copytree(KNOWLEDGE, tmp_path / "knowledge"))


_IN_A_WORKER = bool(os.environ.get("PYTEST_XDIST_WORKER"))
_ENCODER_THREADS = 0
"""Threads per encoder: ONNX Runtime's choice, in each pytest-xdist worker too. Its threads
don't spin between passes, so two workers sharing both cores lose little, and the worker
that encodes the knowledge base while the other waits for it uses both (the suite: 190 s
with one thread per worker, 166-179 s like this)."""


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests, and commands they run, keep embeddings in one temporary directory.

    Under pytest-xdist the workers share it (their base directories are siblings in one run's
    directory): the knowledge base is encoded once, not once per worker. Each worker's encoder
    runs on one thread there: the workers already keep the cores busy.
    """
    base = tmp_path_factory.getbasetemp()
    run = base.parent if _IN_A_WORKER else base
    cache = run / "embedding-cache"
    cache.mkdir(exist_ok=True)
    os.environ["CACHE_DIR"] = str(cache)
    os.environ["ENCODER_THREADS"] = str(_ENCODER_THREADS)


@contextmanager
def _one_worker_at_a_time(lock: Path) -> Iterator[None]:
    """Hold ``lock``: the first worker encodes and fits, the others then read its cache."""
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def _session_engine(_private_cache_dir: None) -> tuple[EmbeddingCache, Engine]:
    """The shipped encoder with the session's cache, and an engine on the real knowledge."""
    cache_dir = Path(os.environ["CACHE_DIR"])
    with _one_worker_at_a_time(cache_dir / "build.lock"):
        found, why = open_embeddings(SemanticOptions(cache_dir=cache_dir, threads=_ENCODER_THREADS))
        assert found is not None, why
        return found, Engine.from_directory(KNOWLEDGE, embeddings=found)


@pytest.fixture(scope="session")
def embeddings(_session_engine: tuple[EmbeddingCache, Engine]) -> EmbeddingCache:
    """The shipped encoder with the session's embedding cache (shared: encoding is the cost)."""
    return _session_engine[0]


@pytest.fixture(scope="session")
def engine(_session_engine: tuple[EmbeddingCache, Engine]) -> Engine:
    """An engine on the real knowledge base with the semantic layer (read-only)."""
    return _session_engine[1]


@pytest.fixture(scope="session")
def lexical_engine() -> Engine:
    """An engine on the real knowledge base with the semantic layer off (read-only)."""
    return Engine.from_directory(KNOWLEDGE)


def kill_once_started(script: str, started: bytes, delay: float) -> None:
    """Run ``script`` in a new Python, and kill -9 it ``delay`` s after it prints ``started``."""
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stdout.readline() == started
    time.sleep(delay)
    process.kill()
    process.wait()
    process.stdout.close()
