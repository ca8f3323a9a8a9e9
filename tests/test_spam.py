"""Cooldowns for spam control."""

from __future__ import annotations

from bot.spam import Cooldown


def test_cooldown_blocks_until_it_expires() -> None:
    """A key may act once per period; others are independent."""
    now = [0.0]
    cooldown = Cooldown(10, clock=lambda: now[0])
    assert cooldown.try_use("alice")
    assert not cooldown.try_use("alice")
    assert cooldown.try_use("bob")
    now[0] = 4.0
    assert cooldown.remaining("alice") == 6.0
    now[0] = 10.0
    assert cooldown.try_use("alice")
