"""Regression guard on the labelled question sets.

The floors are the figures measured when the matcher last changed (rounded down), so a change
that makes answers worse fails here. The issue's goals (accuracy and abstention at least 95%,
safety recall 100%, false alarms at most 1%) are reported by ``python -m bot eval``; where a
floor is below a goal, the README says so.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.engine import Engine
from bot.evaluation import evaluate, read_items
from tests.conftest import REPO

EVAL = REPO / "tests/eval"
MAIN_SET = EVAL / "questions.yaml"

# file: (answer accuracy, abstention, safety recall) floors, and the false-alarm ceiling
FLOORS = {
    "questions.yaml": (0.95, 0.96, 1.00, 0.01),
    "fresh-1.yaml": (0.69, 0.94, 1.00, 0.01),
    "fresh-2.yaml": (0.95, 0.94, 1.00, 0.01),
    "fresh-3.yaml": (0.81, 1.00, 1.00, 0.01),
    "fresh-4.yaml": (0.89, 0.94, 1.00, 0.02),
    "fresh-5.yaml": (0.95, 0.96, 1.00, 0.01),
    "fresh-6.yaml": (0.90, 0.96, 1.00, 0.02),
    "fresh-7.yaml": (0.95, 0.96, 1.00, 0.01),
    "fresh-8.yaml": (0.95, 1.00, 1.00, 0.01),
    "fresh-9.yaml": (0.87, 1.00, 1.00, 0.02),
    "fresh-10.yaml": (0.78, 1.00, 1.00, 0.02),
    "fresh-11.yaml": (0.90, 1.00, 1.00, 0.01),
}


def test_main_set_is_large_and_covers_every_entry(engine: Engine) -> None:
    """At least 150 items, every entry expected at least 5 times, all label kinds present."""
    items = read_items(MAIN_SET)
    assert len(items) >= 150
    expected = Counter(i for item in items if isinstance(item.expect, tuple) for i in item.expect)
    assert {
        entry: expected[entry] for entry in engine.knowledge.entries if expected[entry] < 5
    } == {}
    assert {"abstain", "safety"} <= {item.expect for item in items if isinstance(item.expect, str)}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_eval_set_stays_above_its_floor(engine: Engine, name: str) -> None:
    """No set may fall below the accuracy, abstention and recall it had, nor raise false alarms."""
    accuracy, abstention, recall, alarms = FLOORS[name]
    report = evaluate(engine, read_items(EVAL / name))
    assert report.answerable.correct >= accuracy * report.answerable.total, report.as_text()
    assert report.abstain.correct >= abstention * report.abstain.total, report.as_text()
    assert report.safety.correct >= recall * report.safety.total, report.as_text()
    assert report.false_alarms.correct <= alarms * report.false_alarms.total, report.as_text()


def test_every_eval_set_has_a_floor() -> None:
    """A new eval file must be measured and given a floor here."""
    assert sorted(path.name for path in EVAL.glob("*.yaml")) == sorted(FLOORS)
