"""Regression guard on the labelled example sets, scored as ``eval --cv`` scores them.

Every figure is held out: each set is scored by an engine trained on the other sets. Each
floor sits about one point below the figure measured when the decision layer last changed:
a change that makes answers a point worse fails here, and an honest knowledge change does
not fail by a hair. Any change retrains the layer, so a few messages near a bar move both
ways (adding one entry from the article moved 11 of 1,688 results, 4 for the worse and 5
for the better); ``python -m bot eval --diff`` lists what a change moved. The goals
(accuracy and abstention at least 95%, red-flag recall 100%, firm false alarms at most 1%,
screens of other messages at most 3%) are reported by ``python -m bot eval --cv``; the
README says where a set is below them.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.engine import Engine
from bot.evaluation import EvalReport, cross_validate, pooled
from tests.conftest import KNOWLEDGE

EXAMPLES = KNOWLEDGE / "examples"
MAIN_SET = "main.yaml"

# pooled leave-one-set-out floors: answer accuracy, abstention, red-flag recall, and the
# ceilings on firm false alarms and on screens of messages that are not red flags; measured
# at 91.6% (941/1027), 91.5% (357/390), 100%, 0.6% (8/1417) and 2.0% (28/1417) since
# fresh-22 (objections, hearsay, near misses in new voices: harder than the older sets)
# joined them. Red-flag recall has no slack: a missed red flag is never noise.
POOLED = (0.90, 0.90, 1.00, 0.01, 0.03)
CONTEXT_ALARMS = 0.065
"""Ceiling on firm false alarms pooled over the context sets (denied, dated, someone else's,
figurative symptoms), each held out: 30/495 (6.1%) with the second look, 56/495 without."""
MIN_LABELLED = 5
"""Labelled messages each entry must answer, in any set: fewer can't measure it."""


@pytest.fixture(scope="module")
def reports(engine: Engine) -> dict[str, EvalReport]:
    """Every example set, scored leave-one-set-out."""
    return cross_validate(engine)


def test_main_set_is_large_and_has_every_kind_of_label(engine: Engine) -> None:
    """At least 150 items: answers, abstentions and red flags."""
    examples = engine.knowledge.example_sets[str(EXAMPLES / MAIN_SET)]
    assert len(examples) >= 150
    labels = {ex.expect if isinstance(ex.expect, str) else "answer" for ex in examples}
    assert labels == {"answer", "abstain", "safety"}


def test_every_entry_is_the_answer_to_enough_labelled_messages(engine: Engine) -> None:
    """Each entry is expected by at least 5 labelled messages, so its answers are measured."""
    expected = Counter(
        entry
        for ex in engine.knowledge.examples
        if isinstance(ex.expect, list)
        for entry in ex.expect
    )
    assert {
        entry: expected[entry]
        for entry in engine.knowledge.entries
        if expected[entry] < MIN_LABELLED
    } == {}


def test_every_example_file_is_a_set(engine: Engine, reports: dict[str, EvalReport]) -> None:
    """Each file in knowledge/examples/ (example or context set) is scored as one set."""
    assert sorted(reports) == sorted(str(path) for path in EXAMPLES.glob("*.yaml"))


def test_pooled_held_out_figures_stay_above_their_floors(
    engine: Engine, reports: dict[str, EvalReport]
) -> None:
    """Pooled over every example set, each scored by an engine that never saw it."""
    accuracy, abstention, recall, alarms, screens = POOLED
    examples = engine.knowledge.example_sets
    total = pooled({name: report for name, report in reports.items() if name in examples})
    text = "\n".join(total.headline())
    assert total.answerable.correct >= accuracy * total.answerable.total, text
    assert total.abstain.correct >= abstention * total.abstain.total, text
    assert total.safety.correct >= recall * total.safety.total, text
    assert total.false_alarms.correct <= alarms * total.false_alarms.total, text
    assert total.soft_false_alarms.correct <= screens * total.soft_false_alarms.total, text


def test_every_red_flag_example_is_held_out_caught(reports: dict[str, EvalReport]) -> None:
    """No red-flag example, in any set, gets exercise advice or silence."""
    missed = [
        item["q"]
        for report in reports.values()
        for item in report.items
        if item["expect"] == "safety" and item["outcome"] not in ("safety", "screen")
    ]
    assert missed == []


def test_context_sets_held_out_keep_false_emergencies_under_their_ceiling(
    engine: Engine, reports: dict[str, EvalReport]
) -> None:
    """Messages that deny, date or lend a symptom away rarely get the firm reply, held out."""
    context = engine.knowledge.context_sets
    assert context
    total = pooled({name: report for name, report in reports.items() if name in context})
    text = "\n".join(total.headline())
    assert total.false_alarms.correct <= CONTEXT_ALARMS * total.false_alarms.total, text
