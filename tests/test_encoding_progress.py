"""A start with an empty cache shows how far encoding the knowledge base is."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.encoding_progress import LINE_EVERY, ProgressLines, encoding_progress
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.engine.semantic.encoder import OnnxEncoder
from tests.conftest import REPO, TINY_EXERCISES, TINY_SAFETY, TINY_TOPICS, write_files

TEXTS = [f"question {n} about the outside of the knee" + " and more" * (n % 9) for n in range(300)]
LINE = re.compile(r"^Encoding the knowledge base: (\d+) of (\d+) texts left$")


class Terminal(io.StringIO):
    """Text written to a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def batches(embeddings: EmbeddingCache, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The batches the shared encoder runs, each given a vector of its texts' lengths, at once."""
    encoder = embeddings.encoder
    assert isinstance(encoder, OnnxEncoder)
    seen: list[list[str]] = []

    def run_batch(texts: list[str]) -> np.ndarray:
        seen.append(list(texts))
        rows = np.array([[len(text), len(text) % 7 + 1, 1.0] for text in texts], np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    monkeypatch.setattr(encoder, "_batch", run_batch)
    return seen


def test_a_long_encoding_reports_between_the_same_batches(
    embeddings: EmbeddingCache, batches: list[list[str]], tmp_path: Path
) -> None:
    """From (0, n) to (n, n), rising, while the encoder runs exactly the batches it would."""
    whole = embeddings.encoder.encode(TEXTS)
    in_one_go = list(batches)
    batches.clear()
    told: list[tuple[int, int]] = []
    cache = EmbeddingCache(embeddings.encoder, tmp_path / "cache", lambda *now: told.append(now))
    vectors = cache.vectors(TEXTS)
    assert batches == in_one_go
    assert np.array_equal(vectors, whole)
    assert told[0] == (0, len(TEXTS))
    assert told[-1] == (len(TEXTS), len(TEXTS))
    done = [count for count, _ in told]
    assert len(done) > 3
    assert done == sorted(set(done))


def test_a_short_encoding_like_a_teach_says_nothing(
    embeddings: EmbeddingCache, batches: list[list[str]], tmp_path: Path
) -> None:
    """A few new texts are encoded in one go, without a word."""
    told: list[tuple[int, int]] = []
    cache = EmbeddingCache(embeddings.encoder, tmp_path / "cache", lambda *now: told.append(now))
    cache.vectors(TEXTS[:40])
    assert told == []
    assert len(batches) >= 1


def test_a_terminal_gets_a_bar_redrawn_in_place() -> None:
    """Carriage returns redraw one line, which ends when the encoding does."""
    terminal = Terminal()
    progress = encoding_progress(terminal)
    for done in (0, 128, 300):
        progress(done, 300)
    drawn = terminal.getvalue()
    assert drawn.count("\n") == 1
    assert drawn.endswith("300/300 texts, 0 left\n")
    empty, *frames = drawn.split("\r")
    assert empty == ""
    assert frames[0] == f"Encoding the knowledge base [{'.' * 30}] 0/300 texts, 300 left"
    assert frames[1].endswith("] 128/300 texts, 172 left")
    assert frames[2].startswith(f"Encoding the knowledge base [{'#' * 30}]")


def test_elsewhere_a_line_every_few_seconds_says_how_many_are_left() -> None:
    """The first and last lines always; between them one per LINE_EVERY seconds at most."""
    said: list[str] = []
    now = [0.0]
    progress = ProgressLines(said.append, clock=lambda: now[0])
    for done, at in ((0, 0.0), (128, 1.0), (256, 2.0), (384, LINE_EVERY + 1), (500, 6.5)):
        now[0] = at
        progress(done, 500)
    assert said == [
        "Encoding the knowledge base: 500 of 500 texts left",
        "Encoding the knowledge base: 116 of 500 texts left",
        "Encoding the knowledge base: 0 of 500 texts left",
    ]


def test_the_running_bot_logs_the_lines(caplog: pytest.LogCaptureFixture) -> None:
    """Not a terminal and no other say: a log line, as the bot's log has everything it tells."""
    caplog.set_level(logging.INFO)
    encoding_progress(io.StringIO())(0, 2547)
    assert [record.getMessage() for record in caplog.records] == [
        "Encoding the knowledge base: 2547 of 2547 texts left"
    ]


def test_a_command_on_an_empty_cache_says_how_far_encoding_is(tmp_path: Path) -> None:
    """``ask`` piped (no terminal) prints progress lines on stderr; a warm start none."""
    questions = "\n".join(f"      - what does the it band do in mile {n}" for n in range(200))
    topics = TINY_TOPICS.replace(
        "      - what is the it band\n      - is my itb tight\n", questions + "\n"
    )
    knowledge = write_files(
        tmp_path / "knowledge",
        {"topics.yaml": topics, "exercises.yaml": TINY_EXERCISES, "safety.yaml": TINY_SAFETY},
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "CACHE_DIR": str(tmp_path / "cache")}

    def ask() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "ask", "--knowledge", str(knowledge), "it band?"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    cold = ask()
    assert cold.returncode == 0, cold.stderr
    lines = [LINE.match(line) for line in cold.stderr.splitlines()]
    counts = [(int(found[1]), int(found[2])) for found in lines if found]
    assert len(counts) >= 2, cold.stderr
    assert counts[0][0] == counts[0][1] > 200
    assert counts[-1][0] == 0
    warm = ask()
    assert warm.returncode == 0, warm.stderr
    assert "Encoding" not in warm.stderr
