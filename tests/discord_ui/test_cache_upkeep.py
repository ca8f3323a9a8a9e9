"""The running bot's start keeps only what its knowledge needs in the cache, and reads it."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import socket
from pathlib import Path

import numpy as np
import pytest
from fakediscord import FakeDiscord

from bot.discord_ui.lifecycle import Backoff, serve
from bot.engine import Engine
from bot.engine.semantic.embedding_cache import EmbeddingCache
from tests.conftest import cache_copy
from tests.discord_ui.conftest import make_settings
from tests.encoders import CountingEncoder

STRAY = "a phrasing taught once and untaught long ago"
GONE_FIT = f"fusion-{'0' * 32}.npz"


def _refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stored_keys(cache: Path) -> set[str]:
    [stored] = cache.glob("embeddings-*.npz")
    with np.load(stored, allow_pickle=False) as arrays:
        return set(arrays["keys"].tolist())


def _fits(cache: Path) -> list[Path]:
    return list(cache.glob("fusion-*.npz"))


async def _started(caplog: pytest.LogCaptureFixture) -> None:
    """Until the bot, its engine built, first tries to reach Discord."""
    for _ in range(6000):
        if any("Can't reach Discord" in record.getMessage() for record in caplog.records):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the bot never tried to connect")


async def test_a_start_drops_what_the_knowledge_no_longer_needs(
    tmp_path: Path,
    engine: Engine,
    embeddings: EmbeddingCache,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A vector and a fit of knowledge long gone are dropped; a warm start still encodes nothing.

    ``engine`` fills the session's cache with the real knowledge base's vectors and fit; the
    bot starts on a copy of that cache with the leftovers added.
    """
    caplog.set_level(logging.INFO)
    cache = cache_copy(tmp_path / "cache")
    EmbeddingCache(embeddings.encoder, cache).vectors([STRAY])
    (cache / GONE_FIT).write_bytes(b"weights fitted on knowledge long gone")
    before = _stored_keys(cache)
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Club")
        channel = guild.add_text_channel("general")
        settings = make_settings(tmp_path, fake, guild, channel, cache_dir=cache)
        offline = f"http://127.0.0.1:{_refused_port()}/api/v10"
        settings = settings.model_copy(update={"discord_api_base": offline})
        stop = asyncio.Event()
        serving = asyncio.create_task(
            serve(settings, fake.token, stop, backoff=Backoff(0.05, 0.05), guild_ready_timeout=0.1)
        )
        await _started(caplog)
        stop.set()
        await asyncio.wait_for(serving, timeout=30)
    kept = _stored_keys(cache)
    assert hashlib.sha1(STRAY.encode()).hexdigest() not in kept  # the cache's key of a text
    assert kept < before
    [fit] = _fits(cache)
    assert fit.name != GONE_FIT
    counting = CountingEncoder(embeddings.encoder)
    warm = EmbeddingCache(counting, cache)
    counting.seen.clear()  # reading the file probes the model's width once
    Engine.from_directory(settings.knowledge_dir, embeddings=warm)
    assert counting.seen == []
