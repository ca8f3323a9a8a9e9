"""Messages six adversarial reviews wrote that hold no red flag get no alarm."""

from __future__ import annotations

from bot.engine import Engine, Outcome
from tests.engine.test_red_flag_reviews import review_messages


def test_no_review_message_without_a_red_flag_gets_the_firm_safety_reply(engine: Engine) -> None:
    """Denials, someone else's symptoms, checklists and history: never the alarm."""
    alarmed = [
        message
        for message in review_messages("no_alarm")
        if engine.answer(message).outcome is Outcome.SAFETY
    ]
    assert alarmed == []
