"""Moderators' files kept in the data directory are watched too: a shell teach goes live."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.discord_ui.conftest import World


@pytest.fixture
def bot_settings(tmp_path: Path) -> dict[str, object]:
    """A deployment keeping taught phrasings and labels in its data directory."""
    data = tmp_path / "data"
    data.mkdir()
    return {
        "auto_reload": True,
        "learned_path": data / "learned.yaml",
        "labels_path": data / "moderators.yaml",
    }


async def test_a_phrasing_taught_at_the_shell_goes_live_in_the_running_bot(
    world: World,
) -> None:
    """Writing DATA_DIR/learned.yaml (as `python -m bot teach` does) reloads the bot."""
    learned = world.settings.learned_path
    assert learned is not None
    learned.write_text(
        "learned:\n"
        '  - entry: it-band\n    question: "whats the deal with the thigh strap thing"\n'
        '    taught_by: "0"\n    taught_at: "2026-12-01T00:00:00+00:00"\n'
    )
    for _ in range(200):
        if "whats the deal with the thigh strap thing" in world.bot.engine.knowledge.taught(
            "it-band"
        ):
            break
        await asyncio.sleep(0.05)
    assert "whats the deal with the thigh strap thing" in world.bot.engine.knowledge.taught(
        "it-band"
    )
