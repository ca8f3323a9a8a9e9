"""Red-flag triage runs first and wins over any exercise match."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine, Outcome


@pytest.fixture
def tiny_engine(tiny_dir: Path) -> Engine:
    return Engine.from_directory(tiny_dir)


@pytest.mark.parametrize(
    "message",
    [
        "my knee locked",
        "My KNEE just totally LOCKED up on me",
        "my knee lokced yesterday",
        "my kn\u200bee locked",
        "<@123> my knee locked, how do i do the leg curl?",
        "I cannot bear weight on it",
        "i can't bear weight",
    ],
)
def test_red_flags_survive_typos_casing_markup_and_filler(
    tiny_engine: Engine, message: str
) -> None:
    """Each wording reaches the safety tier."""
    reply = tiny_engine.answer(message)
    assert reply.outcome is Outcome.SAFETY
    assert reply.tier_id == "same-day"
    assert reply.entry is None


def test_red_flag_beats_exercise_match(tiny_engine: Engine) -> None:
    """A perfect exercise question with a red flag in it gets no exercise."""
    assert tiny_engine.answer("how do i do the leg curl").entry_id == "leg-curl"
    reply = tiny_engine.answer("how do i do the leg curl, my knee locked")
    assert reply.outcome is Outcome.SAFETY
    assert reply.routine == ()
    assert reply.entry is None


def test_exercise_cue_is_not_a_red_flag(tiny_engine: Engine) -> None:
    """Phrases must match as a run: "lock out the knee" is not "knee locked"."""
    assert tiny_engine.answer("should i lock out the knee at the top").outcome is not Outcome.SAFETY


def test_off_topic_abstains(tiny_engine: Engine) -> None:
    """Chatter gets no answer."""
    reply = tiny_engine.answer("anyone watching the match tonight")
    assert reply.outcome is Outcome.ABSTAIN
    assert reply.entry_id is None
