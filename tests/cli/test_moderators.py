"""The moderators' commands at the shell: review, teach, untaught, label, dismiss, stats --chart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine import load_knowledge
from bot.engine.strict_yaml import read_yaml
from bot.store import Store

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Shell:
    """Runs ``python -m bot ...`` in this process on a knowledge copy and a database."""

    def __init__(self, knowledge: Path, database: Path, capsys: pytest.CaptureFixture[str]):
        self.knowledge = knowledge
        self.database = database
        self._capsys = capsys

    def __call__(self, *args: str, knowledge: bool = True) -> tuple[int, str, str]:
        where = ["--db", str(self.database)]
        if knowledge:
            where += ["--knowledge", str(self.knowledge)]
        code = main([*args, *where])
        out, err = self._capsys.readouterr()
        return code, out, err

    def record(self, text: str, outcome: str = "abstain", **fields: object) -> None:
        store = Store(self.database)
        values: dict[str, object] = {
            "member_id": 1,
            "channel_id": 5,
            "message_id": None,
            "entry_id": None,
            "suggested": [],
            "score": 0,
        }
        values.update(fields)
        store.record_ask(text=text, outcome=outcome, **values)  # type: ignore[arg-type]
        store.close()

    def store(self) -> Store:
        return Store(self.database)


@pytest.fixture
def shell(knowledge_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shell:
    return Shell(knowledge_copy, tmp_path / "bot.sqlite3", capsys)


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def test_unanswered_shows_rows_by_section_with_outcome_date_and_id(shell: Shell) -> None:
    """Gaps by default, the other sections counted; ``--all`` lists them too."""
    shell.record("my knee clicks when i walk up stairs, bad?")
    shell.record("my knee keeps clicking when i go up stairs is that bad")
    shell.record("does the curtsy thing work for runners", suggested=["reverse-curtsy-split-squat"])
    shell.record("should i ice my knee", not_covered="icing")
    shell.record("thank you!", outcome="small_talk")
    shell.record("ty", outcome="small_talk")
    code, out, _ = shell("unanswered")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Gaps, last 7 day(s):"
    assert lines[1].startswith("   2x  'my knee keeps clicking when i go up stairs is that bad'  ")
    assert f"  abstain  last {_today()}  closest: " in lines[1]
    assert lines[1].endswith("  #2")
    assert lines[2].startswith("   1x  'does the curtsy thing work for runners'  did you mean  ")
    assert lines[3:] == [
        "Not covered: 1 question(s), listed with --all",
        "Small talk: 2 question(s), listed with --all",
    ]
    code, out, _ = shell("unanswered", "--all")
    assert "Not covered, last 7 day(s):\n   1x  'should i ice my knee'  not covered: icing  " in out
    assert "Small talk, last 7 day(s):\n   1x  'ty'  small talk  " in out


def test_teach_writes_logs_and_takes_the_row_off_the_list(shell: Shell) -> None:
    """``teach ENTRY "question"``: in learned.yaml, in the teach log, off the unanswered list."""
    shell.record("strap thingy on my outer leg")
    code, out, err = shell("teach", "it-band", "strap thingy on my outer leg", "--member", "42")
    assert (code, err) == (0, "")
    assert out.startswith("Taught. “strap thingy on my outer leg” → it-band: before ")
    assert out.endswith("(1 stored question(s) taken off the unanswered list)\n")
    learned = load_knowledge(shell.knowledge).learned
    assert [(i.entry, i.question, i.taught_by) for i in learned] == [
        ("it-band", "strap thingy on my outer leg", "42")
    ]
    store = shell.store()
    assert [(r.member_id, r.action) for r in store.teach_log()] == [(42, "taught")]
    assert store.unanswered(7) == []
    store.close()


def test_a_row_voted_not_helpful_offers_another_entry_with_the_score_teach_reports(
    shell: Shell,
) -> None:
    """A row's closest entry is never the one voted down; teaching it says the row's score."""
    shell.record(
        "how many reps of leg curls", outcome="answer", entry_id="prone-leg-curl", message_id=7
    )
    store = shell.store()
    store.record_vote(7, member_id=2, entry_id="prone-leg-curl", helpful=False)
    store.close()
    code, out, _ = shell("unanswered")
    assert code == 0
    row = out.splitlines()[1]
    assert "  not helpful  " in row
    closest = row.split("closest: ")[1].split("  #")[0]
    entry, score = closest.removesuffix(")").split(" (")
    assert entry != "prone-leg-curl"
    code, out, _ = shell("teach", entry, "#1")
    assert code == 0
    assert out.startswith(
        f"Taught. “how many reps of leg curls” → {entry}: before prone-leg-curl ("
    )
    assert f") with {entry} at {score}, now " in out


def test_teach_to_a_misspelt_entry_offers_the_likely_one(shell: Shell) -> None:
    """An unknown entry is refused with exit 1 and a did-you-mean; nothing is written."""
    code, out, err = shell("teach", "itband", "strap thingy on my outer leg")
    assert (code, out) == (1, "")
    assert err == (
        "Not taught: there is no entry 'itband'; did you mean 'it-band' or 'stretching-it-band'.\n"
    )
    assert load_knowledge(shell.knowledge).learned == ()


def test_untaught_undoes_a_teach_from_the_command_line(shell: Shell) -> None:
    """``untaught "question"`` removes it and logs the undo; a second undo is refused."""
    shell("teach", "it-band", "strap thingy on my outer leg")
    code, out, _ = shell("untaught", "Strap thingy on my outer leg")
    assert (code, out) == (0, "Removed “strap thingy on my outer leg” from it-band.\n")
    assert load_knowledge(shell.knowledge).learned == ()
    store = shell.store()
    assert [r.action for r in store.teach_log()] == ["untaught", "taught"]
    store.close()
    code, _, err = shell("untaught", "strap thingy on my outer leg")
    assert code == 1
    assert "that phrasing was not taught" in err


def test_label_abstain_writes_the_moderators_examples(shell: Shell) -> None:
    """``label "question" abstain``: an abstain example on disk; the row is settled."""
    shell.record("is there a discord role for marathon people")
    code, out, err = shell("label", "is there a discord role for marathon people", "abstain")
    assert (code, err) == (0, "")
    assert out.startswith("Labelled. “is there a discord role for marathon people” → abstain: ")
    assert "(1 stored question(s) taken off the unanswered list)" in out
    written = read_yaml((shell.knowledge / "examples" / "moderators.yaml").read_text()).data
    assert written["examples"] == [
        {
            "q": "is there a discord role for marathon people",
            "expect": "abstain",
            "kind": "moderator",
        }
    ]
    store = shell.store()
    assert [(r.entry_id, r.action) for r in store.teach_log()] == [("abstain", "labelled")]
    store.close()


def test_label_safety_takes_a_tier_and_refuses_an_unknown_one(shell: Shell) -> None:
    """``label "question" safety --tier TIER``: written with its tier; a typo gets did-you-mean."""
    message = "my knee gave way and now it is huge and hot"
    code, _, err = shell("label", message, "safety", "--tier", "sameday")
    assert code == 1
    assert err == "Not labelled: there is no red-flag tier 'sameday'; did you mean 'same-day'.\n"
    code, out, _ = shell("label", message, "safety", "--tier", "same-day")
    assert code == 0
    assert out.startswith(f"Labelled. “{message}” → safety (same-day): ")
    examples = load_knowledge(shell.knowledge).example_sets
    [labelled] = [items for name, items in examples.items() if name.endswith("moderators.yaml")]
    assert [(e.q, e.expect, e.tier) for e in labelled] == [(message, "safety", "same-day")]


def test_dismiss_hides_a_row_by_its_id(shell: Shell) -> None:
    """``dismiss ASK_ID`` hides the row with its similar questions; again, it says why not."""
    shell.record("is there a discord role for marathon people")
    shell.record("Is there a Discord role for marathon people??")
    shell.record("what's the best pizza topping")
    code, out, _ = shell("dismiss", "1", knowledge=False)
    assert (code, out) == (0, "Dismissed #1: 2 stored question(s) off the unanswered list.\n")
    store = shell.store()
    assert [ask.text for ask in store.unanswered(7)] == ["what's the best pizza topping"]
    store.close()
    code, _, err = shell("dismiss", "1", knowledge=False)
    assert (code, err) == (1, "Not dismissed: #1 was already reviewed: dismissed.\n")


def test_stats_writes_the_chart(shell: Shell, tmp_path: Path) -> None:
    """``stats --chart FILE`` prints the table and writes a PNG."""
    shell.record("what is the it band", outcome="answer", entry_id="it-band", message_id=7)
    store = shell.store()
    store.record_vote(7, member_id=2, entry_id="it-band", helpful=True)
    store.close()
    chart = tmp_path / "usage.png"
    code, out, _ = shell("stats", "--chart", str(chart))
    assert code == 0
    assert out.splitlines()[0].startswith("it-band                      asks    1  helpful   1")
    assert out.endswith(f"wrote {chart}\n")
    assert chart.read_bytes().startswith(PNG_SIGNATURE)


def test_a_row_id_names_its_stored_question_never_a_phrasing(shell: Shell) -> None:
    """A "#1" is stored question 1, as in /kb; an id not stored is refused, nothing written."""
    shell.record("strap thingy on my outer leg")
    code, out, _ = shell("teach", "it-band", "#1")
    assert code == 0
    assert "“strap thingy on my outer leg” → it-band" in out
    taught = {item.question for item in load_knowledge(shell.knowledge).learned}
    assert taught == {"strap thingy on my outer leg"}
    code, _, err = shell("label", "#99", "abstain")
    assert code == 1
    assert err == "Not labelled: there is no stored question #99.\n"


def test_a_chart_that_cannot_be_written_is_one_line(shell: Shell, tmp_path: Path) -> None:
    """A folder that doesn't exist: one line naming it, exit 2, no traceback."""
    target = tmp_path / "nowhere" / "chart.png"
    shell.record("strap thingy on my outer leg")
    code, _, err = shell("stats", "--chart", str(target), knowledge=False)
    assert code == 2
    assert err == f"Can't write the chart to {target}: No such file or directory.\n"


def test_review_commands_refuse_a_database_that_isnt_there(shell: Shell, tmp_path: Path) -> None:
    """A mistyped DATA_DIR is named, not taken for "nothing unanswered"; nothing is created."""
    missing = tmp_path / "typo" / "bot.sqlite3"
    for command in (["unanswered"], ["stats"], ["dismiss", "1"]):
        with pytest.raises(SystemExit) as stopped:
            main([*command, "--db", str(missing)])
        assert stopped.value.code == 2
    assert not missing.exists()


@pytest.mark.parametrize("days", ["0", "-3", "366", "week"])
def test_days_back_is_a_day_to_a_year_as_in_discord(
    days: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--days 0`` drew a broken chart; now it is refused in one line, like /kb refuses it."""
    for command in ("unanswered", "stats"):
        with pytest.raises(SystemExit) as stopped:
            main([command, "--days", days])
        assert stopped.value.code == 2
        assert "argument --days:" in capsys.readouterr().err
