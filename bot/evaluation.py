"""Score the engine on labelled example messages (``python -m bot eval``).

A file of examples is a knowledge file with an ``examples`` section (see
``knowledge/examples/``): ``q`` (the message), ``expect`` (a list of acceptable entry ids,
``abstain``, or ``safety`` with a ``tier``) and an optional ``kind``. Every figure is a
held-out figure: the engine scoring a file is retrained without that file's messages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.conversation.assistant import Assistant
from bot.conversation.memory import Memory
from bot.engine import Engine, KnowledgeError, Outcome
from bot.engine.knowledge import KnowledgeBase
from bot.engine.loader import read_knowledge_file
from bot.engine.model import ABSTAIN, RED_FLAG, Example
from bot.engine.normalise import comparable


class EvalFileError(Exception):
    """The labelled file cannot be read or is not in the expected shape."""


@dataclass
class Tally:
    """Correct out of total."""

    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        """Count one item."""
        self.total += 1
        self.correct += int(ok)

    def merge(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.correct += other.correct
        self.total += other.total

    def as_dict(self) -> dict[str, int]:
        """``{"correct": n, "total": n}``."""
        return {"correct": self.correct, "total": self.total}

    def count_dict(self) -> dict[str, int]:
        """``{"count": n, "total": n}``, for tallies of alarms."""
        return {"count": self.correct, "total": self.total}

    def __str__(self) -> str:
        """``correct/total (percent)``."""
        percent = 100.0 * self.correct / self.total if self.total else 100.0
        return f"{self.correct}/{self.total} ({percent:.1f}%)"


TALLIES = ("answerable", "abstain", "safety", "screened", "false_alarms", "soft_false_alarms")
"""The report's tallies, by field name."""


@dataclass
class EvalReport:
    """The figures, the per-kind breakdown, every item's result, and every failure."""

    answerable: Tally = field(default_factory=Tally)
    abstain: Tally = field(default_factory=Tally)
    safety: Tally = field(default_factory=Tally)
    screened: Tally = field(default_factory=Tally)
    false_alarms: Tally = field(default_factory=Tally)
    soft_false_alarms: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    items: list[dict[str, object]] = field(default_factory=list)
    failures: list[dict[str, object]] = field(default_factory=list)

    def merge(self, other: EvalReport) -> None:
        """Pool another report into this one."""
        for name in TALLIES:
            getattr(self, name).merge(getattr(other, name))
        for kind, tally in other.by_kind.items():
            self.by_kind[kind].merge(tally)
        self.items += other.items
        self.failures += other.failures

    def as_dict(self) -> dict[str, object]:
        """The JSON shape ``eval --json`` prints."""
        return {
            "answerable": self.answerable.as_dict(),
            "abstain": self.abstain.as_dict(),
            "safety": self.safety.as_dict(),
            "screened": self.screened.count_dict(),
            "false_alarms": self.false_alarms.count_dict(),
            "soft_false_alarms": self.soft_false_alarms.count_dict(),
            "by_kind": {kind: tally.as_dict() for kind, tally in sorted(self.by_kind.items())},
            "failures": self.failures,
            "items": self.items,
        }

    def headline(self) -> list[str]:
        """The four figures and the screens, one per line."""
        return [
            f"answer accuracy:     {self.answerable}",
            f"abstention:          {self.abstain}",
            f"red-flag recall:     {self.safety} (screened: {self.screened.correct})",
            f"firm false alarms:   {self.false_alarms}",
            f"screens, no red flag: {self.soft_false_alarms}",
        ]

    def as_text(self) -> str:
        """A readable report."""
        lines = [
            *self.headline(),
            "",
            "by kind:",
            *(f"  {kind:<16} {tally}" for kind, tally in sorted(self.by_kind.items())),
        ]
        if self.failures:
            lines += ["", f"failures ({len(self.failures)}):"]
            lines += [
                f"  expected {failure['expect']!s:<32} got {failure['got']!s:<28} {failure['q']!r}"
                for failure in self.failures
            ]
        return "\n".join(lines)


def read_examples(path: Path) -> list[Example]:
    """The examples (and context examples) of a labelled file; errors name ``file:line``."""
    if not path.is_file():
        raise EvalFileError(f"{path}: not a readable file")
    try:
        content = read_knowledge_file(path)
    except KnowledgeError as error:
        raise EvalFileError(str(error)) from None
    examples = [*content.examples, *content.context_examples]
    if not examples:
        raise EvalFileError(f"{path}: no `examples` or `context_examples` to score")
    return examples


def got(outcome: Outcome, entry_id: str | None) -> str:
    """What a reply gave, as reports show it: the entry id of an answer, else the outcome."""
    return entry_id if outcome is Outcome.ANSWER and entry_id else outcome.value


def judged(example: Example, outcome: Outcome, entry_id: str | None) -> bool:
    """Whether a reply with this outcome (and entry, for an answer) is right by the label.

    A red flag is caught by the safety reply or by the screening question; a message not to
    answer is rightly met with "I don't know", or a friendly word when it is small talk.
    """
    if isinstance(example.expect, list):
        return outcome is Outcome.ANSWER and entry_id in example.expect
    if example.expect == ABSTAIN:
        return outcome in (Outcome.ABSTAIN, Outcome.SMALL_TALK)
    return outcome in (Outcome.SAFETY, Outcome.SCREEN)


def evaluate(engine: Engine, examples: Sequence[Example]) -> EvalReport:
    """Answer every example with an engine retrained without them, and tally the results.

    Each is asked through the use-case layer, on its own, as a member's first message is
    (small talk, several questions in one message), so the figures are the bot's.
    """
    scorer = engine.with_held_out({comparable(example.q) for example in examples})
    scorer.read_ahead([example.q for example in examples])
    asking = Assistant(scorer, Memory(0.0))
    report = EvalReport()
    for example in examples:
        reply = asking.ask(example.q)
        outcome = reply.outcome
        ok = judged(example, outcome, reply.entry_id)
        if isinstance(example.expect, list):
            report.answerable.add(ok)
        elif example.expect == ABSTAIN:
            report.abstain.add(ok)
        else:
            report.safety.add(ok)
            report.screened.add(outcome is Outcome.SCREEN)
        if example.expect != RED_FLAG:
            report.false_alarms.add(outcome is Outcome.SAFETY)
            report.soft_false_alarms.add(outcome is Outcome.SCREEN)
        report.by_kind[example.kind].add(ok)
        given = got(outcome, reply.entry_id)
        report.items.append(
            {
                "q": example.q,
                "expect": example.expect,
                "got": given,
                "outcome": outcome.value,
                "tier": reply.tier.id if reply.tier else None,
                "score": reply.score,
            }
        )
        if not ok:
            report.failures.append({"q": example.q, "expect": example.expect, "got": given})
    return report


def cross_validate(
    engine: Engine, sets: Mapping[str, Sequence[Example]] | None = None
) -> dict[str, EvalReport]:
    """Leave one example set out: each set scored by an engine trained on all the others.

    ``sets`` (name -> examples, default: the engine's own example and context sets) may come
    from another knowledge base: each is still scored by ``engine`` retrained without that
    set's messages.
    """
    chosen = scored_sets(engine.knowledge) if sets is None else sets
    return {name: evaluate(engine, examples) for name, examples in chosen.items()}


def scored_sets(knowledge: KnowledgeBase) -> dict[str, tuple[Example, ...]]:
    """Every labelled set of a knowledge base: its example sets, then its context sets."""
    return {**knowledge.example_sets, **knowledge.context_sets}


def pooled(reports: dict[str, EvalReport]) -> EvalReport:
    """All reports added up."""
    total = EvalReport()
    for report in reports.values():
        total.merge(report)
    return total
