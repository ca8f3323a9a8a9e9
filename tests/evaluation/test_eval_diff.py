"""``eval --diff``: which labelled messages a knowledge-base change moved, both sides held out."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine import Engine, load_knowledge
from bot.engine.loader import KnowledgeSource
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.eval_diff import (
    BaselineError,
    Result,
    Scores,
    check_scoring,
    compare,
    labelled_sets,
    last_commit,
    score,
)
from tests.conftest import TINY_EXERCISES, TINY_SAFETY, TINY_TOPICS, write_files

NEW_ENTRY = """
  - id: vastus-lateralis
    title: The outer quad
    summary: The muscle under the IT band.
    body: The vastus lateralis sits under the IT band and pulls the kneecap outward.
    questions:
      - what is the vastus lateralis
      - which muscle sits under the it band
      - what pulls my kneecap outward
    keywords: [vastus lateralis, outer quad]
    source: The IT Band
"""
ONE = """examples:
  - {q: "what is the it band exactly", expect: [it-band]}
  - {q: "which muscle is under the it band", expect: [it-band]}
  - {q: "how slow is the leg curl", expect: [leg-curl]}
  - {q: "best pizza in town", expect: abstain}
"""
TWO = """examples:
  - {q: "my knee locked and i cant bear weight", expect: safety, tier: same-day}
  - {q: "is my itb tight or what", expect: [it-band]}
  - {q: "what does the outer quad do", expect: abstain}
"""
RELABELLED = TWO.replace("expect: abstain", "expect: [vastus-lateralis]")
"""The moderator's relabel: the new entry answers that message now."""
MOVED = [
    (
        "better",
        "examples/two.yaml",
        "what does the outer quad do",
        "abstain",
        "vastus-lateralis",
    ),
    (
        "other",
        "examples/one.yaml",
        "which muscle is under the it band",
        "abstain",
        "vastus-lateralis",
    ),
]
"""What adding the entry moves on the lexical engine (the wrong it-band label stays wrong)."""
PLANTED = "zorblax quintessence flimflam wobbly"


def knowledge(directory: Path, *, changed: bool) -> Path:
    """The tiny knowledge base with two example sets, before or after adding an entry."""
    topics = TINY_TOPICS + NEW_ENTRY if changed else TINY_TOPICS
    files = {"topics.yaml": topics, "exercises.yaml": TINY_EXERCISES, "safety.yaml": TINY_SAFETY}
    write_files(directory, files)
    write_files(
        directory / "examples", {"one.yaml": ONE, "two.yaml": RELABELLED if changed else TWO}
    )
    return directory


def moved(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    """The ``--json`` moves as (change, set, message, before, after) with ids or outcomes."""
    return [
        (
            row["change"],
            row["set"],
            row["q"],
            row["before"]["id"] or row["before"]["outcome"],  # type: ignore[index]
            row["after"]["id"] or row["after"]["outcome"],  # type: ignore[index]
        )
        for row in rows
    ]


@pytest.fixture
def before_dir(tmp_path: Path) -> Path:
    return knowledge(tmp_path / "before", changed=False)


@pytest.fixture
def after_dir(tmp_path: Path) -> Path:
    return knowledge(tmp_path / "after", changed=True)


def test_a_change_lists_the_messages_it_moved_before_and_after(
    before_dir: Path, after_dir: Path
) -> None:
    """Adding an entry: each moved message with its set, both results and the verdict."""
    after = Engine(load_knowledge(after_dir))
    sets = labelled_sets(after.knowledge, after_dir)
    diff = compare(
        score(Engine(load_knowledge(before_dir)), sets), score(after, sets), sets, "HEAD"
    )
    assert moved([move.as_dict() for move in diff.moves]) == MOVED
    assert diff.counts() == {"moved": 2, "worse": 0, "better": 1, "other": 1}
    assert diff.as_text().splitlines() == [
        "before: HEAD; after: the knowledge base as it is now",
        "moved: 2 of 7 labelled messages (worse 0, better 1, other 1)",
        "better  examples/two.yaml  abstain -> vastus-lateralis  (expected vastus-lateralis)  "
        "'what does the outer quad do'",
        "other   examples/one.yaml  abstain -> vastus-lateralis  (expected it-band)  "
        "'which muscle is under the it band'",
    ]


def test_sets_are_named_inside_the_knowledge_directory(before_dir: Path, tmp_path: Path) -> None:
    """By their path inside the directory (as for the last commit's); kept elsewhere, by theirs."""
    kept = write_files(tmp_path / "data", {"learned.yaml": ONE})
    loaded = load_knowledge(KnowledgeSource(before_dir, learned=kept / "learned.yaml"))
    assert sorted(labelled_sets(loaded, before_dir)) == sorted(
        ["examples/one.yaml", "examples/two.yaml", str(kept / "learned.yaml")]
    )


def test_no_change_moves_no_outcome(before_dir: Path) -> None:
    """The same knowledge on both sides: nothing is listed."""
    engine = Engine(load_knowledge(before_dir))
    sets = labelled_sets(engine.knowledge, before_dir)
    diff = compare(score(engine, sets), score(engine, sets), sets, "HEAD")
    assert diff.moves == []
    assert diff.as_text().splitlines()[-1] == "no outcome moved (7 labelled messages)"


def test_worse_moves_are_listed_first(before_dir: Path, after_dir: Path) -> None:
    """Judged by today's labels: a right answer lost is ``worse``, and leads the list."""
    after = Engine(load_knowledge(after_dir))
    sets = labelled_sets(after.knowledge, after_dir)
    scored = score(after, sets)
    lost = ("examples/one.yaml", "how slow is the leg curl", 0)
    worse = Scores(scored.scoring, {**scored.results, lost: Result("abstain")})
    diff = compare(score(Engine(load_knowledge(before_dir)), sets), worse, sets, "HEAD")
    assert [(move.change, move.example.q) for move in diff.moves] == [
        ("worse", "how slow is the leg curl"),
        ("better", "what does the outer quad do"),
        ("other", "which muscle is under the it band"),
    ]


def test_a_saved_baseline_round_trips(before_dir: Path, after_dir: Path, tmp_path: Path) -> None:
    """Saved and read back, a baseline gives the same results and the same diff."""
    before = score(
        Engine(load_knowledge(before_dir)), labelled_sets(load_knowledge(before_dir), before_dir)
    )
    path = tmp_path / "baseline.json"
    before.save(path)
    loaded = Scores.load(path)
    assert loaded == before
    assert json.loads(path.read_text())["sets"]["examples/two.yaml"][0] == {
        "q": "my knee locked and i cant bear weight",
        "outcome": "safety",
        "id": None,
        "tier": "same-day",
    }
    after = Engine(load_knowledge(after_dir))
    sets = labelled_sets(after.knowledge, after_dir)
    diff = compare(loaded, score(after, sets), sets, "the baseline")
    assert moved([move.as_dict() for move in diff.moves]) == MOVED


def test_messages_labelled_after_the_baseline_are_counted_not_moved(
    before_dir: Path, tmp_path: Path
) -> None:
    """A message the baseline never scored has no "before": it is counted apart."""
    engine = Engine(load_knowledge(before_dir))
    before = score(engine, labelled_sets(engine.knowledge, before_dir))
    extra = TWO + '  - {q: "how many sets of the leg curl", expect: [leg-curl]}\n'
    write_files(before_dir / "examples", {"two.yaml": extra})
    grown = Engine(load_knowledge(before_dir))
    sets = labelled_sets(grown.knowledge, before_dir)
    diff = compare(before, score(grown, sets), sets, "the baseline")
    assert (diff.compared, diff.unmatched) == (7, 1)
    assert "not in the baseline (labelled since it was saved): 1" in diff.as_text()


def test_a_baseline_scored_with_other_bars_or_encoder_is_refused(before_dir: Path) -> None:
    """Results from another semantic layer or other bars would move for other reasons."""
    engine = Engine(load_knowledge(before_dir))
    foreign = Scores({"semantic": "semantic layer on: another model", "bars": {}}, {})
    with pytest.raises(BaselineError, match="not comparable"):
        check_scoring(foreign, engine, "the baseline b.json")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("not json", "not a readable baseline"),
        ('{"format": 1, "scoring": {}, "sets": {"a.yaml": [{"q": "x"}]}}', "not a baseline"),
        ('{"format": 2, "scoring": {}, "sets": {}}', "not a baseline"),
    ],
)
def test_an_unreadable_baseline_is_named(tmp_path: Path, text: str, problem: str) -> None:
    """Garbage, a missing field or a newer format: one line naming the file."""
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(BaselineError, match=problem) as raised:
        Scores.load(path)
    assert str(raised.value).startswith(f"{path}: ")


def test_neither_side_is_scored_by_an_engine_trained_on_the_message(
    before_dir: Path, embeddings: EmbeddingCache
) -> None:
    """A message only training can answer is learned, yet scored held out, as ``eval --cv``."""
    planted = TWO + f'  - {{q: "{PLANTED}", expect: [leg-curl]}}\n'
    write_files(before_dir / "examples", {"two.yaml": planted})
    engine = Engine(load_knowledge(before_dir), embeddings=embeddings)
    assert engine.answer(PLANTED).entry_id == "leg-curl"
    scored = score(engine, labelled_sets(engine.knowledge, before_dir))
    assert scored.results[("examples/two.yaml", PLANTED, 0)].entry_id != "leg-curl"


def git(directory: Path, *args: str) -> None:
    """Run git in ``directory`` as a throwaway author."""
    identity = (
        *("-c", "user.name=Moderator", "-c", "user.email=moderator@example.invalid"),
        *("-c", "commit.gpgsign=false"),
    )
    subprocess.run(["git", *identity, "-C", str(directory), *args], check=True, capture_output=True)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git checkout whose last commit holds the tiny knowledge base, changed since."""
    repo = tmp_path / "repo"
    knowledge(repo / "knowledge", changed=False)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "knowledge")
    knowledge(repo / "knowledge", changed=True)
    return repo / "knowledge"


def test_last_commit_writes_the_committed_knowledge(checkout: Path, tmp_path: Path) -> None:
    """The files as committed, examples/ included, not the working tree's edits."""
    described = last_commit(checkout, tmp_path / "head")
    assert described.startswith("the last commit (")
    assert (tmp_path / "head" / "topics.yaml").read_text() == TINY_TOPICS
    assert (tmp_path / "head" / "examples" / "two.yaml").read_text() == TWO


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``python -m bot ARGS`` in this process: exit code, stdout, stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lexical(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run with the semantic layer off: the lexical engine is quick and exact."""
    monkeypatch.setenv("SEMANTIC", "false")


@pytest.mark.usefixtures("lexical")
def test_diff_against_the_last_commit_from_the_command_line(
    checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``eval --diff --json`` compares the working tree with the last commit."""
    code, out, err = cli(capsys, "eval", "--diff", "--json", "--knowledge", str(checkout))
    assert code == 0, err
    report = json.loads(out)
    assert moved(report["moves"]) == MOVED
    assert (report["compared"], report["moved"], report["worse"]) == (7, 2, 0)


@pytest.mark.usefixtures("lexical")
def test_save_baseline_then_diff_it_from_the_command_line(
    before_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--save-baseline FILE`` before the change, ``--diff FILE`` after it."""
    path = tmp_path / "baseline.json"
    code, out, err = cli(
        capsys, "eval", "--save-baseline", str(path), "--knowledge", str(before_dir)
    )
    assert code == 0, err
    assert out == f"saved 7 held-out results to {path}\n"
    knowledge(before_dir, changed=True)
    code, out, err = cli(capsys, "eval", "--diff", str(path), "--knowledge", str(before_dir))
    assert code == 0, err
    assert out.splitlines()[:2] == [
        f"before: the baseline {path}; after: the knowledge base as it is now",
        "moved: 2 of 7 labelled messages (worse 0, better 1, other 1)",
    ]


def test_diff_outside_a_git_checkout_says_what_to_do_instead(
    before_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No checkout, no last commit: exit 2, pointing at --save-baseline."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(before_dir.parent))
    code, out, err = cli(capsys, "eval", "--diff", "--knowledge", str(before_dir))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {before_dir} is not in a git checkout")
    assert "`python -m bot eval --save-baseline FILE`" in err


@pytest.mark.parametrize(
    "args",
    [("--diff", "--cv"), ("x.yaml", "--save-baseline", "b.json"), ("--diff", "x.yaml", "--cv")],
)
def test_eval_takes_one_mode_at_a_time(
    args: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """``--diff`` or ``--save-baseline`` beside another mode is a usage error."""
    code, _, err = cli(capsys, "eval", *args)
    assert code == 2
    assert "give one of FILE, --cv, --diff [BASELINE] or --save-baseline FILE" in err
