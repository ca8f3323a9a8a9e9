"""The alarm's second look: denials the context rules miss get a question, not the alarm."""

from __future__ import annotations

import numpy as np
import pytest

from bot.engine import Engine, Outcome
from bot.engine.context import Context
from bot.engine.semantic.second_look import SecondLook

DENIED_IN_WAYS_RULES_MISS = [
    "Swollen knee? Not me mate. Locked? never. Just a dull ache on the outside after five-a-side,"
    " what's the first exercise?",
    "Fever? Not me. Swelling? Nada. just the outer knee ache after cycling, which stretch helps?",
]


def test_nothing_to_tell_apart_fits_nothing() -> None:
    """Labelled messages of one kind only give no second look (the alarm stays as it is)."""
    vectors = np.eye(3, dtype=np.float32)
    assert SecondLook.fit(vectors, [True, True, True]) is None


def test_it_reads_a_vector_by_the_side_its_labels_were_on() -> None:
    """Fitted on two clusters, a vector near the red flags reads higher than one near the rest."""
    generator = np.random.default_rng(7)
    flags = generator.normal(loc=(1.0, 0.0), scale=0.1, size=(20, 2))
    calm = generator.normal(loc=(0.0, 1.0), scale=0.1, size=(20, 2))
    look = SecondLook.fit(np.vstack([flags, calm]).astype(np.float32), [True] * 20 + [False] * 20)
    assert look is not None
    assert look.chance(np.array([1.0, 0.0])) > 0.5 > look.chance(np.array([0.0, 1.0]))


@pytest.mark.parametrize("message", DENIED_IN_WAYS_RULES_MISS)
def test_a_denial_the_rules_read_as_affirmed_gets_a_screen_not_the_alarm(
    engine: Engine, lexical_engine: Engine, message: str
) -> None:
    """The phrase rules affirm the symptom (alone they give the alarm); the second look asks."""
    by_rules = lexical_engine.answer(message)
    assert by_rules.outcome is Outcome.SAFETY
    reply = engine.answer(message)
    assert reply.outcome is Outcome.SCREEN
    assert reply.finding is not None
    assert reply.finding.source == "phrase"
    assert reply.finding.context is Context.AFFIRMED
