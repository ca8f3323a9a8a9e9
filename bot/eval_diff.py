"""What a knowledge-base change did to the labelled messages (``python -m bot eval --diff``).

Both sides are scored as ``eval --cv`` scores: each labelled set of the knowledge base as it
is now, answered by an engine retrained without that set's messages. The "before" side is
the last commit's knowledge base answering those same messages (or a baseline saved earlier
with ``--save-baseline``), so a message moves only because the knowledge changed, and every
result on either side is held out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from bot.engine import Engine, KnowledgeBase, Outcome
from bot.engine.model import Example
from bot.evaluation import cross_validate, judged, scored_sets

BASELINE_FORMAT = 1
"""The version of the saved-baseline JSON shape."""
GIT_TIMEOUT_SECONDS = 30
"""How long one git command may take before the last commit counts as unreadable."""
MESSAGE_CHARS = 100
"""A moved message is shown this far in the text report (in full in ``--json``)."""

Key = tuple[str, str, int]
"""A labelled message: its set (a path inside the knowledge directory), its text, and which
occurrence of that text in the set it is (0 for the first)."""
Change = Literal["worse", "better", "other"]
CHANGES: tuple[Change, ...] = ("worse", "better", "other")
"""Wrong after but right before, the reverse, and a move between two right or two wrong
results; the report lists them in this order."""


class BaselineError(Exception):
    """There is nothing to compare with: no git checkout, an unreadable or foreign baseline."""


@dataclass(frozen=True)
class Result:
    """What one labelled message got: the outcome, the entry answered, the red-flag tier."""

    outcome: str
    entry_id: str | None = None
    tier: str | None = None

    def is_right(self, example: Example) -> bool:
        """Whether this result is right by ``example``'s label."""
        return judged(example, Outcome(self.outcome), self.entry_id)

    def __str__(self) -> str:
        """``it-band``, ``abstain``, ``safety (same-day)``, ``screen (soon)``."""
        if self.entry_id:
            return self.entry_id
        return f"{self.outcome} ({self.tier})" if self.tier else self.outcome


def labelled_sets(knowledge: KnowledgeBase, directory: Path) -> dict[str, tuple[Example, ...]]:
    """The knowledge base's example and context sets, each named by its path in ``directory``.

    A file kept outside it (taught phrasings in a data directory) keeps the name it was loaded
    by: it is the same file for the last commit's knowledge base and for today's.
    """
    sets = scored_sets(knowledge).items()
    return {_set_name(Path(name), directory): examples for name, examples in sets}


def _set_name(path: Path, directory: Path) -> str:
    return path.relative_to(directory).as_posix() if path.is_relative_to(directory) else str(path)


def _keys(set_name: str, examples: Sequence[Example]) -> Iterator[tuple[Key, Example]]:
    seen: Counter[str] = Counter()
    for example in examples:
        yield (set_name, example.q, seen[example.q]), example
        seen[example.q] += 1


@dataclass(frozen=True)
class Scores:
    """Every labelled message's held-out result, and how the engine scoring them was set up."""

    scoring: Mapping[str, object]
    """The semantic layer and the bars: results scored otherwise are not comparable."""
    results: Mapping[Key, Result]

    def as_dict(self) -> dict[str, object]:
        """The saved-baseline JSON shape: messages by set, in file order."""
        sets: dict[str, list[dict[str, object]]] = {}
        for (set_name, message, _), result in self.results.items():
            sets.setdefault(set_name, []).append({"q": message, **_result_dict(result)})
        return {"format": BASELINE_FORMAT, "scoring": dict(self.scoring), "sets": sets}

    def save(self, path: Path) -> None:
        """Write :meth:`as_dict` as JSON, atomically."""
        text = json.dumps(self.as_dict(), indent=1, ensure_ascii=False)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> Scores:
        """Read a file :meth:`save` wrote; raise :class:`BaselineError` saying what is wrong."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise BaselineError(f"{path}: not a readable baseline ({error})") from None
        try:
            return cls._from_dict(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BaselineError(
                f"{path}: not a baseline written by `python -m bot eval --save-baseline`"
            ) from None

    @classmethod
    def _from_dict(cls, data: dict[str, object]) -> Scores:
        if data["format"] != BASELINE_FORMAT:
            raise ValueError(data["format"])
        scoring = data["scoring"]
        if not isinstance(scoring, dict):
            raise TypeError(scoring)
        results: dict[Key, Result] = {}
        for set_name, items in data["sets"].items():  # type: ignore[attr-defined]
            seen: Counter[str] = Counter()
            for item in items:
                message = str(item["q"])
                outcome = Outcome(item["outcome"]).value
                results[(set_name, message, seen[message])] = Result(
                    outcome, _optional(item["id"]), _optional(item["tier"])
                )
                seen[message] += 1
        return cls(scoring, results)


def _result_dict(result: Result) -> dict[str, str | None]:
    return {"outcome": result.outcome, "id": result.entry_id, "tier": result.tier}


def _optional(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(value)
    return value


def scoring_of(engine: Engine) -> dict[str, object]:
    """What a result depends on besides the knowledge: the semantic layer and the bars."""
    return {"semantic": engine.semantic_status, "bars": asdict(engine.thresholds)}


def score(engine: Engine, sets: Mapping[str, Sequence[Example]]) -> Scores:
    """Each set answered by ``engine`` retrained without that set's messages (``eval --cv``)."""
    reports = cross_validate(engine, sets)
    results: dict[Key, Result] = {}
    for set_name, examples in sets.items():
        for (key, _), item in zip(_keys(set_name, examples), reports[set_name].items, strict=True):
            outcome = str(item["outcome"])
            entry_id = str(item["got"]) if outcome == Outcome.ANSWER else None
            results[key] = Result(outcome, entry_id, _optional(item["tier"]))
    return Scores(scoring_of(engine), results)


@dataclass(frozen=True)
class Move:
    """A labelled message whose result changed, judged by its label as it is now."""

    set_name: str
    example: Example
    before: Result
    after: Result

    @property
    def change(self) -> Change:
        """``worse``, ``better`` or ``other`` (both right, or both wrong)."""
        right_before, right_after = (
            self.before.is_right(self.example),
            self.after.is_right(self.example),
        )
        if right_before == right_after:
            return "other"
        return "better" if right_after else "worse"

    def expected(self) -> str:
        """The label: the entry ids, ``abstain``, or ``safety (tier)``."""
        expect = self.example.expect
        if isinstance(expect, list):
            return ", ".join(expect)
        return f"{expect} ({self.example.tier})" if self.example.tier else expect

    def as_dict(self) -> dict[str, object]:
        """The ``--json`` shape of one moved message."""
        return {
            "set": self.set_name,
            "q": self.example.q,
            "expect": self.example.expect,
            "tier": self.example.tier,
            "change": self.change,
            "before": _result_dict(self.before),
            "after": _result_dict(self.after),
        }

    def line(self) -> str:
        """One line of the text report."""
        message = self.example.q
        shown = message if len(message) <= MESSAGE_CHARS else message[:MESSAGE_CHARS] + "…"
        return (
            f"{self.change:<6}  {self.set_name}  {self.before} -> {self.after}  "
            f"(expected {self.expected()})  {shown!r}"
        )


@dataclass(frozen=True)
class Diff:
    """The moved messages, and how many messages both sides scored."""

    before: str
    """What the "before" side is (the last commit, or a baseline file)."""
    compared: int
    moves: list[Move] = field(default_factory=list)
    unmatched: int = 0
    """Messages labelled now that the baseline has no result for (added since it was saved)."""

    def counts(self) -> dict[str, int]:
        """``moved``, then how many of them are worse, better and other."""
        tally = Counter(move.change for move in self.moves)
        return {"moved": len(self.moves), **{change: tally[change] for change in CHANGES}}

    def as_dict(self) -> dict[str, object]:
        """The ``eval --diff --json`` shape."""
        return {
            "before": self.before,
            "compared": self.compared,
            "not_in_baseline": self.unmatched,
            **self.counts(),
            "moves": [move.as_dict() for move in self.moves],
        }

    def as_text(self) -> str:
        """A summary line, then one line per moved message, worse first."""
        lines = [f"before: {self.before}; after: the knowledge base as it is now"]
        if self.unmatched:
            lines.append(f"not in the baseline (labelled since it was saved): {self.unmatched}")
        if not self.moves:
            return "\n".join([*lines, f"no outcome moved ({self.compared} labelled messages)"])
        counts = self.counts()
        lines.append(
            f"moved: {counts['moved']} of {self.compared} labelled messages "
            f"(worse {counts['worse']}, better {counts['better']}, other {counts['other']})"
        )
        return "\n".join([*lines, *(move.line() for move in self.moves)])


def check_scoring(before: Scores, engine: Engine, described: str) -> None:
    """Raise :class:`BaselineError` if ``before`` was scored otherwise than ``engine`` scores.

    With another semantic layer or other bars, results would move for reasons that are not
    the knowledge.
    """
    now = scoring_of(engine)
    if dict(before.scoring) != now:
        raise BaselineError(
            f"{described} was scored with {json.dumps(before.scoring)}, this run with "
            f"{json.dumps(now)}: the results are not comparable"
        )


def compare(
    before: Scores, after: Scores, sets: Mapping[str, Sequence[Example]], described: str
) -> Diff:
    """The messages of ``sets`` whose result differs between ``before`` and ``after``."""
    moves: list[Move] = []
    compared = unmatched = 0
    for set_name, examples in sets.items():
        for key, example in _keys(set_name, examples):
            then, now = before.results.get(key), after.results[key]
            if then is None:
                unmatched += 1
                continue
            compared += 1
            if then != now:
                moves.append(Move(set_name, example, then, now))
    moves.sort(key=lambda move: CHANGES.index(move.change))
    return Diff(described, compared, moves, unmatched)


_NO_CHECKOUT = (
    "{directory} is not in a git checkout, so there is no last commit to compare with: save a "
    "baseline before the change (`python -m bot eval --save-baseline FILE`) and compare with it "
    "(`python -m bot eval --diff FILE`)"
)


def _git(directory: Path, *args: str, failed: str) -> bytes:
    """Run git in ``directory``; on failure raise :class:`BaselineError` saying ``failed``."""
    git = shutil.which("git")
    if git is None:
        raise BaselineError(f"{failed}: git is not installed")
    try:
        done = subprocess.run(  # noqa: S603 - git itself, our arguments, no shell
            [git, "-C", str(directory), *args],
            capture_output=True,
            check=False,
            timeout=GIT_TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BaselineError(f"{failed}: {error}") from None
    if done.returncode != 0:
        raise BaselineError(failed)
    return done.stdout


def last_commit(directory: Path, into: Path) -> str:
    """Write the last commit's version of knowledge ``directory`` into ``into``; describe it.

    Raises :class:`BaselineError` when ``directory`` is not in a git checkout, there is no
    commit yet, or the commit holds no files there.
    """
    _git(
        directory,
        "rev-parse",
        "--is-inside-work-tree",
        failed=_NO_CHECKOUT.format(directory=directory),
    )
    commit = (
        _git(directory, "rev-parse", "--short", "HEAD", failed=f"{directory}: no commit yet")
        .decode()
        .strip()
    )
    unreadable = f"{directory}: the last commit ({commit}) can't be read"
    listing = _git(directory, "ls-tree", "-r", "-z", "HEAD", "--", ".", failed=unreadable)
    written = 0
    for record in filter(None, listing.split(b"\0")):
        meta, name = record.split(b"\t", 1)
        mode, kind, blob = meta.decode().split(" ")
        if kind != "blob" or mode not in ("100644", "100755"):
            continue  # links and submodules: the loader would refuse them anyway
        target = into / os.fsdecode(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_git(directory, "cat-file", "blob", blob, failed=unreadable))
        written += 1
    if not written:
        raise BaselineError(f"the last commit ({commit}) has no files in {directory}")
    return f"the last commit ({commit})"
