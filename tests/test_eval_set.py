"""Regression guard on the labelled question sets (the goals from the project's issue)."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.engine import Engine
from bot.evaluation import evaluate, read_items
from tests.conftest import REPO

MAIN_SET = REPO / "tests/eval/questions.yaml"
FRESH_SETS = sorted((REPO / "tests/eval").glob("fresh-*.yaml"))


def test_main_set_is_large_and_covers_every_entry(engine: Engine) -> None:
    """At least 150 items, every entry expected at least 5 times, all label kinds present."""
    items = read_items(MAIN_SET)
    assert len(items) >= 150
    expected = Counter(i for item in items if isinstance(item.expect, tuple) for i in item.expect)
    assert {
        entry: expected[entry] for entry in engine.knowledge.entries if expected[entry] < 5
    } == {}
    assert {"abstain", "safety"} <= {item.expect for item in items if isinstance(item.expect, str)}


def test_main_set_meets_the_goals(engine: Engine) -> None:
    """Accuracy and abstention at least 95%, safety recall 100%, false alarms at most 1%."""
    report = evaluate(engine, read_items(MAIN_SET))
    assert report.safety.correct == report.safety.total, report.as_text()
    assert report.answerable.correct >= 0.95 * report.answerable.total, report.as_text()
    assert report.abstain.correct >= 0.95 * report.abstain.total, report.as_text()
    assert report.false_alarms.correct <= 0.01 * report.false_alarms.total, report.as_text()


@pytest.mark.parametrize("path", FRESH_SETS, ids=lambda p: p.name)
def test_held_out_sets_never_miss_a_red_flag(engine: Engine, path) -> None:
    """On phrasings never tuned on, every red flag still gets the safety response."""
    report = evaluate(engine, read_items(path))
    assert report.safety.correct == report.safety.total, report.as_text()
