"""Rate limits for spam control."""

from __future__ import annotations

from bot.conversation.memory import Place
from bot.spam import MAX_TRACKED, HeldBackRepeats, RateLimit


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


def test_a_held_back_repeat_is_known_only_in_its_place_state_and_words() -> None:
    """The same words, place and conversation state: a repeat; anything else is read afresh."""
    held = HeldBackRepeats(30)
    alice_here, alice_there = Place(1, 10), Place(1, 20)
    held.remember(alice_here, "how many reps?", "state")
    assert held.repeats(alice_here, "how many reps?", "state")
    assert not held.repeats(alice_here, "how many reps??", "state")
    assert not held.repeats(alice_here, "how many reps?", "another state")
    assert not held.repeats(alice_there, "how many reps?", "state")
    assert not held.repeats(Place(2, 10), "how many reps?", "state")
    held.forget(alice_here)
    assert not held.repeats(alice_here, "how many reps?", "state")


def test_forgetting_a_member_drops_every_place_of_theirs_only() -> None:
    """/forget-me drops the member's held-back digests everywhere, and nobody else's."""
    held = HeldBackRepeats(30)
    for place in (Place(1, 10), Place(1, 20), Place(2, 10)):
        held.remember(place, "spam", None)
    held.forget_member(1)
    assert not held.repeats(Place(1, 10), "spam", None)
    assert not held.repeats(Place(1, 20), "spam", None)
    assert held.repeats(Place(2, 10), "spam", None)


def test_held_back_repeats_keep_at_most_max_tracked_places() -> None:
    """The place held back longest ago is forgotten first."""
    held = HeldBackRepeats(30)
    for member in range(MAX_TRACKED + 1):
        held.remember(Place(member, 1), "spam", None)
    assert not held.repeats(Place(0, 1), "spam", None)
    assert held.repeats(Place(1, 1), "spam", None)
    assert held.repeats(Place(MAX_TRACKED, 1), "spam", None)


def test_a_held_back_repeat_is_forgotten_after_the_window() -> None:
    """Past the burst window the words are read again, and the old digest is dropped."""
    now = [0.0]
    held = HeldBackRepeats(30, clock=lambda: now[0])
    held.remember(Place(1, 10), "spam", (0.0, 0))
    now[0] = 29.0
    assert held.repeats(Place(1, 10), "spam", (0.0, 0))
    now[0] = 30.0
    assert not held.repeats(Place(1, 10), "spam", (0.0, 0))
    held.remember(Place(2, 10), "other", (0.0, 0))
    assert len(held) == 1
