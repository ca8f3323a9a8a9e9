"""Messages three adversarial reviews wrote against the red-flag reading keep their verdicts."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.engine import Engine, Outcome

REVIEWS = Path(__file__).parent / "red_flag_reviews.yaml"


def test_every_review_message_keeps_its_verdict(engine: Engine) -> None:
    """The reviews' red flags get the safety reply or a screen; their other messages no alarm."""
    reviews = yaml.safe_load(REVIEWS.read_text("utf-8"))
    missed = [
        message
        for message in reviews["red_flags"]
        if engine.answer(message).outcome not in (Outcome.SAFETY, Outcome.SCREEN)
    ]
    alarmed = [
        message
        for message in reviews["no_alarm"]
        if engine.answer(message).outcome is Outcome.SAFETY
    ]
    assert (missed, alarmed) == ([], [])
