"""Pytest fixtures for tests that run a bot against the fake Discord.

Installed with the package, pytest loads it by itself (the ``pytest11`` entry point).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .fake import FakeDiscord
from .harness import DiscordErrorGuard


@pytest_asyncio.fixture
async def discord_error_guard() -> AsyncIterator[DiscordErrorGuard]:
    """Fail the test on ERROR logs from ``discord.*`` or unhandled event loop exceptions."""
    with DiscordErrorGuard() as guard:
        yield guard


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started :class:`FakeDiscord` with default settings (token ``"test-token"``)."""
    async with FakeDiscord() as fake:
        yield fake
