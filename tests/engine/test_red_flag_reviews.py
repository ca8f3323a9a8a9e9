"""Red flags the adversarial reviews wrote against the red-flag reading keep their verdicts."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.engine import Engine, Outcome, Reply

REVIEWS = Path(__file__).parent / "red_flag_reviews.yaml"


def review_messages(kind: str) -> list[str]:
    """The reviews' messages of one ``kind``: ``red_flags`` or ``no_alarm``."""
    return yaml.safe_load(REVIEWS.read_text("utf-8"))[kind]


def review_replies(engine: Engine, kind: str) -> list[tuple[str, Reply]]:
    """Each of the reviews' messages of one ``kind`` with its reply.

    Read ahead in batches, as an evaluation reads its messages: each reply is the one the
    message gets alone.
    """
    messages = review_messages(kind)
    engine.read_ahead(messages)
    return [(message, engine.answer(message)) for message in messages]


def test_every_review_red_flag_gets_the_safety_reply_or_a_screen(engine: Engine) -> None:
    """None is answered with an exercise or "I don't know"."""
    missed = [
        message
        for message, reply in review_replies(engine, "red_flags")
        if reply.outcome not in (Outcome.SAFETY, Outcome.SCREEN)
    ]
    assert missed == []
