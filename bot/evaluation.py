"""Score the engine on a labelled question file (``python -m bot eval``).

The file is a YAML list of items: ``q`` (the message), ``expect`` (a list of acceptable entry
ids, or the string ``abstain``, or the string ``safety``) and an optional ``kind``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine import Engine, Outcome
from bot.engine.strict_yaml import YamlProblem, read_yaml


class EvalFileError(Exception):
    """The labelled file cannot be read or is not in the expected shape."""


@dataclass(frozen=True)
class Item:
    """One labelled message."""

    q: str
    expect: tuple[str, ...] | str
    kind: str


@dataclass
class Tally:
    """Correct out of total."""

    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        """Count one item."""
        self.total += 1
        self.correct += int(ok)

    def as_dict(self) -> dict[str, int]:
        """``{"correct": n, "total": n}``."""
        return {"correct": self.correct, "total": self.total}

    def __str__(self) -> str:
        """``correct/total (percent)``."""
        percent = 100.0 * self.correct / self.total if self.total else 100.0
        return f"{self.correct}/{self.total} ({percent:.1f}%)"


@dataclass
class EvalReport:
    """The four figures, the per-kind breakdown, and every failure."""

    answerable: Tally = field(default_factory=Tally)
    abstain: Tally = field(default_factory=Tally)
    safety: Tally = field(default_factory=Tally)
    false_alarms: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    failures: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape ``eval --json`` prints."""
        return {
            "answerable": self.answerable.as_dict(),
            "abstain": self.abstain.as_dict(),
            "safety": self.safety.as_dict(),
            "false_alarms": {"count": self.false_alarms.correct, "total": self.false_alarms.total},
            "by_kind": {kind: tally.as_dict() for kind, tally in sorted(self.by_kind.items())},
            "failures": self.failures,
        }

    def as_text(self) -> str:
        """A readable report."""
        lines = [
            f"answer accuracy:     {self.answerable}",
            f"abstention:          {self.abstain}",
            f"safety recall:       {self.safety}",
            f"safety false alarms: {self.false_alarms}",
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


def _item(index: int, raw: object) -> Item:
    if not isinstance(raw, dict) or not isinstance(raw.get("q"), str):
        raise EvalFileError(f"item {index}: needs a `q` text")
    expect = raw.get("expect")
    if isinstance(expect, list) and expect and all(isinstance(one, str) for one in expect):
        expected: tuple[str, ...] | str = tuple(expect)
    elif expect in ("abstain", "safety"):
        expected = str(expect)
    else:
        raise EvalFileError(f"item {index}: `expect` must be a list of ids, abstain or safety")
    kind = raw.get("kind", "unlabelled")
    return Item(q=raw["q"], expect=expected, kind=str(kind))


def read_items(path: Path) -> list[Item]:
    """Read and check a labelled file; raise :class:`EvalFileError` with a clear message."""
    try:
        data = read_yaml(path.read_text(encoding="utf-8")).data
    except (OSError, UnicodeDecodeError) as error:
        raise EvalFileError(f"{path}: cannot read: {error}") from None
    except YamlProblem as problem:
        raise EvalFileError(f"{path}:{problem.line}: {problem.message}") from None
    if not isinstance(data, list):
        raise EvalFileError(f"{path}: expected a YAML list of items")
    try:
        return [_item(index, raw) for index, raw in enumerate(data)]
    except EvalFileError as error:
        raise EvalFileError(f"{path}: {error}") from None


def evaluate(engine: Engine, items: list[Item]) -> EvalReport:
    """Answer every item and tally the four figures."""
    report = EvalReport()
    for item in items:
        reply = engine.answer(item.q)
        if isinstance(item.expect, tuple):
            ok = reply.outcome is Outcome.ANSWER and reply.entry_id in item.expect
            report.answerable.add(ok)
            expect: object = list(item.expect)
        elif item.expect == "abstain":
            ok = reply.outcome is Outcome.ABSTAIN
            report.abstain.add(ok)
            expect = item.expect
        else:
            ok = reply.outcome is Outcome.SAFETY
            report.safety.add(ok)
            expect = item.expect
        if item.expect != "safety":
            report.false_alarms.add(reply.outcome is Outcome.SAFETY)
        report.by_kind[item.kind].add(ok)
        if not ok:
            got = reply.entry_id or reply.outcome.value
            report.failures.append({"q": item.q, "expect": expect, "got": got})
    return report
