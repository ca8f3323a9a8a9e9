"""Messages the adversarial reviews wrote that hold no red flag get no alarm."""

from __future__ import annotations

from bot.engine import Engine, Outcome
from tests.engine.test_red_flag_reviews import review_replies


def test_no_review_message_without_a_red_flag_gets_the_firm_safety_reply(engine: Engine) -> None:
    """Denials, someone else's symptoms, checklists and history: never the alarm."""
    alarmed = [
        message
        for message, reply in review_replies(engine, "no_alarm")
        if reply.outcome is Outcome.SAFETY
    ]
    assert alarmed == []
