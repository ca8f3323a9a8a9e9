"""Rate limits for spam control."""

from __future__ import annotations

from bot.spam import MAX_TRACKED, RateLimit


def test_a_cooldown_blocks_until_it_expires() -> None:
    """One action per period; keys are independent."""
    now = [0.0]
    cooldown = RateLimit(1, 10, clock=lambda: now[0])
    assert cooldown.try_use("alice")
    assert not cooldown.try_use("alice")
    assert cooldown.try_use("bob")
    now[0] = 4.0
    assert cooldown.remaining("alice") == 6.0
    now[0] = 10.0
    assert cooldown.try_use("alice")


def test_a_burst_is_allowed_then_limited_until_the_oldest_use_expires() -> None:
    """Three answers in 30 s go through; the fourth waits for the first to be 30 s old."""
    now = [0.0]
    burst = RateLimit(3, 30, clock=lambda: now[0])
    for moment in (0.0, 2.0, 5.0):
        now[0] = moment
        assert burst.try_use("alice"), f"use at {moment} s is within the burst"
    now[0] = 6.0
    assert not burst.try_use("alice")
    assert burst.remaining("alice") == 24.0
    now[0] = 30.0
    assert burst.try_use("alice"), "the use at 0 s has expired"
    assert not burst.try_use("alice"), "uses at 2, 5 and 30 s fill the window again"


def test_limits_track_at_most_max_tracked_keys() -> None:
    """60,000 members on an hour's cooldown never leave more than MAX_TRACKED entries."""
    now = [0.0]
    cooldown = RateLimit(1, 3600, clock=lambda: now[0])
    for member in range(60_000):
        now[0] += 0.01
        assert cooldown.try_use(member)
        assert len(cooldown) <= MAX_TRACKED, f"{len(cooldown)} tracked"
    assert not cooldown.try_use(59_999), "a recent member within the cap is still cooling down"
    assert cooldown.remaining(59_999) > 3500
    assert cooldown.try_use(0), "the oldest was forgotten: a fresh start, never a block"


def test_limits_forget_expired_keys() -> None:
    """Keys whose last use is over the window are dropped as new ones come, before the cap."""
    now = [0.0]
    burst = RateLimit(3, 10, clock=lambda: now[0])
    for member in range(1_000):
        now[0] += 1.0
        burst.try_use(member)
    assert len(burst) <= 10
    assert burst.try_use(999), "999 has used one of its three"
    assert burst.try_use(999)
    assert not burst.try_use(999)
