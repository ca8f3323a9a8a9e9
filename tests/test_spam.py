"""Cooldowns for spam control."""

from __future__ import annotations

from bot.spam import MAX_TRACKED, Cooldown


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


def test_cooldown_tracks_at_most_max_tracked_keys() -> None:
    """60,000 members on an hour's cooldown never leave more than MAX_TRACKED entries."""
    now = [0.0]
    cooldown = Cooldown(3600, clock=lambda: now[0])
    for member in range(60_000):
        now[0] += 0.01
        assert cooldown.try_use(member)
        assert len(cooldown._last) <= MAX_TRACKED, f"{len(cooldown._last)} tracked"
    assert not cooldown.try_use(59_999), "a recent member within the cap is still cooling down"
    assert cooldown.remaining(59_999) > 3500
    assert cooldown.try_use(0), "the oldest was forgotten: a fresh cooldown, never a block"


def test_cooldown_forgets_expired_keys() -> None:
    """Keys whose cooldown is over are dropped as new ones come, well before the cap."""
    now = [0.0]
    cooldown = Cooldown(10, clock=lambda: now[0])
    for member in range(1_000):
        now[0] += 1.0
        cooldown.try_use(member)
    assert len(cooldown._last) <= 10
    assert not cooldown.try_use(999)
