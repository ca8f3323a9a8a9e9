"""The running bot's cache keeps what its knowledge needs; other builds only add to it."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Engine
from bot.engine.normalise import clean
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.moderation.labels import Labeller
from bot.moderation.teaching import Teacher
from tests.discord_ui.test_screening import GatedEncoder
from tests.encoders import CountingEncoder

TAUGHT = "why does the strap down my outer thigh feel so tight"
LABELLED = ("is there a discord role for runners", "who won the cup final", "best pizza nearby")


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """A cache of the test's own: pruning it leaves the session's cache alone."""
    return tmp_path / "cache"


def _live(directory: Path, embeddings: EmbeddingCache, cache_dir: Path) -> Engine:
    """The running bot's engine on ``directory``: a start."""
    cache = EmbeddingCache(embeddings.encoder, cache_dir)
    return Engine.from_directory(directory, embeddings=cache, prune_cache=True)


def _stored_keys(cache_dir: Path) -> set[str]:
    [stored] = cache_dir.glob("embeddings-*.npz")
    with np.load(stored, allow_pickle=False) as arrays:
        return set(arrays["keys"].tolist())


def _key(text: str) -> str:
    return hashlib.sha1(clean(text).encode()).hexdigest()  # the cache keys texts so


def test_an_untaught_phrasing_leaves_the_cache_by_the_next_reload(
    tiny_dir: Path, embeddings: EmbeddingCache, cache_dir: Path
) -> None:
    """Taught: its vector is kept. Untaught and reloaded: gone, the knowledge's own stay."""
    engine = _live(tiny_dir, embeddings, cache_dir)
    teacher = Teacher(engine, tiny_dir)
    teacher.teach(TAUGHT, "it-band", 7)
    assert _key(TAUGHT) in _stored_keys(cache_dir)
    teacher.untaught(TAUGHT)
    engine.reload(tiny_dir)
    assert _key(TAUGHT) not in _stored_keys(cache_dir)
    assert _key("what is the it band") in _stored_keys(cache_dir)


def test_teaches_and_labels_leave_one_fusion_fit_not_one_each(
    tiny_dir: Path, embeddings: EmbeddingCache, cache_dir: Path
) -> None:
    """Labels refit in the running bot, teaches at its next start: one fit stays, the current."""
    engine = _live(tiny_dir, embeddings, cache_dir)
    for message in LABELLED:
        Labeller(engine, tiny_dir).label(message, "abstain")
    for number in range(3):
        Teacher(engine, tiny_dir).teach(f"{TAUGHT} after {number} runs", "it-band", 7)
        engine = _live(tiny_dir, embeddings, cache_dir)  # a restart fits the taught phrasing
    assert len(list(cache_dir.glob("fusion-*.npz"))) == 1


def test_a_warm_start_after_pruning_encodes_nothing(
    tiny_dir: Path, embeddings: EmbeddingCache, cache_dir: Path
) -> None:
    """What a start kept is all the next start needs: it reads the cache and encodes nothing."""
    _live(tiny_dir, embeddings, cache_dir)
    counting = CountingEncoder(embeddings.encoder)
    cache = EmbeddingCache(counting, cache_dir)
    counting.seen.clear()  # reading the file probes the model's width once
    Engine.from_directory(tiny_dir, embeddings=cache, prune_cache=True)
    assert counting.seen == []


def test_other_builds_only_add_to_the_cache(
    tiny_dir: Path, embeddings: EmbeddingCache, cache_dir: Path
) -> None:
    """An evaluation's held-out build, or a command's, keeps every vector and fit it finds."""
    cache = EmbeddingCache(embeddings.encoder, cache_dir)
    cache.vectors(["a text of another knowledge base"])
    live = Engine.from_directory(tiny_dir, embeddings=cache, prune_cache=True)
    cache.vectors(["a text of another knowledge base"])
    live.with_held_out({"what is the it band"})
    Engine.from_directory(tiny_dir, embeddings=cache)
    assert _key("a text of another knowledge base") in _stored_keys(cache_dir)
    assert len(list(cache_dir.glob("fusion-*.npz"))) == 2


def test_the_running_bot_drops_other_models_vectors(
    tiny_dir: Path, embeddings: EmbeddingCache, cache_dir: Path
) -> None:
    """A cache file another model (a replaced one) wrote is of no use to this one."""
    cache_dir.mkdir()
    other = cache_dir / "embeddings-0123456789abcdef.npz"
    other.write_bytes(b"vectors of a model no longer used")
    _live(tiny_dir, embeddings, cache_dir)
    assert not other.exists()
    assert len(list(cache_dir.glob("embeddings-*.npz"))) == 1


def test_a_prune_while_texts_are_encoded_takes_no_row_from_under_them(
    embeddings: EmbeddingCache, tmp_path: Path
) -> None:
    """A lookup that found a kept row, then waited on the encoder, still returns that row."""
    gated = GatedEncoder(embeddings.encoder)
    cache = EmbeddingCache(embeddings.encoder, tmp_path / "cache")
    kept = cache.vectors(["what is the it band"])[0]
    cache.encoder = gated  # type: ignore[assignment]
    with ThreadPoolExecutor(max_workers=1) as pool:
        lookup = pool.submit(cache.vectors, ["what is the it band", "a text never seen"])
        assert gated.entered.wait(timeout=10)
        cache.prune([])
        gated.gate.set()
        rows = lookup.result(timeout=30)
    assert np.array_equal(rows[0], kept)
