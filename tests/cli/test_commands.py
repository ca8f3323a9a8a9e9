"""The command line's contracts: output shapes and exit codes, without Discord."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, TINY_TOPICS, record_ask, write_files


def run(
    *args: str, stdin: str | None = None, cwd: Path = REPO, **environ: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DISCORD_TOKEN", None)
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=180,
        check=False,
    )


def test_ask_json_has_the_documented_shape() -> None:
    """``ask --json`` prints one object: outcome, id, score, suggestions, tier, part and more."""
    result = run("ask", "--json", "should i ice it and how many sets of the leg curl?")
    assert result.returncode == 0
    reply = json.loads(result.stdout)
    expected = {"outcome", "id", "score", "suggestions", "tier", "part", "also", "not_covered"}
    assert set(reply) == expected
    assert reply["outcome"] == "answer"
    assert reply["id"] == "prone-leg-curl"
    assert reply["part"] == "dose"
    assert reply["not_covered"] == "icing or heat"
    assert 0 <= reply["score"] <= 100


def test_ask_reads_many_lines_from_stdin() -> None:
    """``ask --json -`` answers one JSON line per input line, in order."""
    lines = (
        "how many reps for the leg curl with the foot turned in\n"
        "my knee locked and wont straighten\n"
        "best pizza in town?\n"
    )
    result = run("ask", "--json", "-", stdin=lines)
    assert result.returncode == 0
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["outcome"] for r in replies] == ["answer", "safety", "abstain"]
    assert replies[0]["id"] == "prone-leg-curl"
    assert replies[1]["tier"] == "same-day"


def test_ask_text_carries_source_and_disclaimer() -> None:
    """The readable answer names the article section and says it is not medical advice."""
    result = run("ask", "how do I do the reverse curtsy split squat?")
    assert "Source: the article" in result.stdout
    assert "not medical advice" in result.stdout
    assert "1. " in result.stdout


def test_check_passes_on_the_real_knowledge_base() -> None:
    """The shipped knowledge base is valid."""
    result = run("check")
    assert result.returncode == 0, result.stdout
    assert "OK" in result.stdout


def test_check_reports_errors_with_file_and_line(tmp_path: Path) -> None:
    """A broken directory exits 1 with ``file:line: message`` lines and no traceback."""
    (tmp_path / "topics.yaml").write_text(
        TINY_TOPICS.replace("    source: The IT Band\n", "    sorce: x\n")
    )
    result = run("check", str(tmp_path))
    assert result.returncode == 1
    assert f"{tmp_path / 'topics.yaml'}:11: entries[0].sorce: unknown field" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_survives_binary_garbage(tmp_path: Path) -> None:
    """Arbitrary bytes are an error, never a crash."""
    (tmp_path / "junk.yaml").write_bytes(bytes(range(256)) * 4)
    result = run("check", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_check_on_a_missing_directory(tmp_path: Path) -> None:
    """A directory that isn't there is a clear error."""
    result = run("check", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert "not a directory" in result.stdout


def test_eval_json_report(tmp_path: Path) -> None:
    """``eval --json`` counts the figures, per kind, and lists every item and failure."""
    labelled = tmp_path / "set.yaml"
    labelled.write_text(
        "examples:\n"
        "- {q: 'should i foam roll my itb', expect: [foam-rolling], kind: plain}\n"
        "- {q: 'should i foam roll my itb', expect: [routine], kind: plain}\n"
        "- {q: 'whats for dinner', expect: abstain, kind: off-topic}\n"
        "- {q: 'my knee locked', expect: safety, tier: same-day, kind: red-flag}\n"
    )
    result = run("eval", str(labelled), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["answerable"] == {"correct": 1, "total": 2}
    assert report["abstain"] == {"correct": 1, "total": 1}
    assert report["safety"] == {"correct": 1, "total": 1}
    assert report["screened"] == {"count": 0, "total": 1}
    assert report["false_alarms"] == {"count": 0, "total": 3}
    assert report["soft_false_alarms"] == {"count": 0, "total": 3}
    assert report["by_kind"]["plain"] == {"correct": 1, "total": 2}
    assert report["failures"] == [
        {"q": "should i foam roll my itb", "expect": ["routine"], "got": "foam-rolling"}
    ]
    assert [(item["q"], item["got"], item["outcome"]) for item in report["items"]] == [
        ("should i foam roll my itb", "foam-rolling", "answer"),
        ("should i foam roll my itb", "foam-rolling", "answer"),
        ("whats for dinner", "abstain", "abstain"),
        ("my knee locked", "safety", "safety"),
    ]
    assert all(isinstance(item["score"], int) for item in report["items"])


def test_eval_unreadable_file_exits_2(tmp_path: Path) -> None:
    """A missing or malformed labelled file exits 2 naming the file and line."""
    missing = run("eval", str(tmp_path / "missing.yaml"))
    assert missing.returncode == 2
    assert "missing.yaml: not a readable file" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("examples:\n  - {q: hello}\n")
    result = run("eval", str(bad))
    assert result.returncode == 2
    assert "bad.yaml:2: examples[0].expect: field required" in result.stderr


def test_eval_needs_a_file_or_cv() -> None:
    """``eval`` alone, or with both a file and ``--cv``, is a usage error."""
    assert run("eval").returncode == 2
    assert run("eval", "x.yaml", "--cv").returncode == 2


def test_eval_cv_scores_each_set_with_the_others(
    tmp_path: Path, tiny_files: dict[str, str]
) -> None:
    """``eval --cv --json`` reports every example set and the pooled figures."""
    first = "examples:\n- {q: what is the it band, expect: [it-band]}\n"
    second = "examples:\n- {q: my knee locked today, expect: safety, tier: same-day}\n"
    directory = write_files(tmp_path / "kb", tiny_files)
    write_files(directory / "examples", {"one.yaml": first, "two.yaml": second})
    result = run("eval", "--cv", "--json", "--knowledge", str(directory))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert sorted(Path(name).name for name in report["sets"]) == ["one.yaml", "two.yaml"]
    assert report["pooled"]["answerable"] == {"correct": 1, "total": 1}
    assert report["pooled"]["safety"] == {"correct": 1, "total": 1}


def test_chat_answers_commands_and_exits_on_eof() -> None:
    """The console understands the bot's commands and ends cleanly at end of input."""
    result = run("chat", stdin="/routine\n/exercise curl\n/topics\n/help\nwhat is the VL?\n")
    assert result.returncode == 0
    out = result.stdout
    assert "Foam roller belt line reset".casefold() in out.casefold()
    assert "Prone leg curl".casefold() in out.casefold()
    assert "vastus-lateralis" in out
    assert "not medical advice" in out


def test_run_without_token_explains_what_to_do(tmp_path: Path) -> None:
    """No token: exit 2 with a pointer to .env.example, no traceback."""
    result = run("run", cwd=tmp_path)
    assert result.returncode == 2
    assert ".env.example" in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_check_and_eval_do_not_import_discord() -> None:
    """The fast commands never load discord.py."""
    code = (
        "import sys; from bot.cli import main; main(['ask', '--json', 'hi']);"
        "assert 'discord' not in sys.modules, 'discord imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 0, result.stderr


def test_unanswered_and_stats_read_the_bots_database(tmp_path: Path) -> None:
    """Moderators with a shell get the same review as /kb unanswered and /kb stats."""
    from bot.store import Store

    database = tmp_path / "bot.sqlite3"
    store = Store(database)
    for member, text, outcome, entry in [
        (1, "is there a discord role for marathon people", "abstain", None),
        (2, "Is there a Discord role for marathon people??", "abstain", None),
        (3, "what is the IT band", "answer", "it-band"),
    ]:
        record_ask(store, member, text, outcome=outcome, message=member, entry=entry)
    store.record_vote(3, member_id=4, entry_id="it-band", helpful=True)
    store.close()
    unanswered = run("unanswered", "--db", str(database))
    assert unanswered.returncode == 0
    assert "2x" in unanswered.stdout
    assert "marathon people" in unanswered.stdout.casefold()
    stats = run("stats", "--db", str(database))
    assert "it-band" in stats.stdout
    assert "asks    1  helpful   1" in stats.stdout


def test_ask_text_shows_links_or_whom_to_ask() -> None:
    """The resources answer lists its links; unfilled ones point to a moderator."""
    result = run("ask", "is there a video showing the exercises?")
    assert "Video" in result.stdout
    assert "ask a moderator" in result.stdout


def test_unreadable_settings_are_named_not_a_traceback(tmp_path: Path) -> None:
    """A bad value in the settings stops the command with exit 2 and says which one and why."""
    result = run("ask", "--knowledge", str(REPO / "knowledge"), "hi", ANSWER_BAR="high")
    assert result.returncode == 2
    assert "ANSWER_BAR='high': must be a number from 0 to 100" in result.stderr
    assert "Traceback" not in result.stderr


def test_unanswered_and_stats_name_a_broken_database_in_one_line(tmp_path: Path) -> None:
    """A folder, device, junk, damaged or read-only database: exit 2, one line, no traceback."""
    from tests.storage.test_store import BAD_DATABASES, undo_read_only

    try:
        for name, (make, phrase) in BAD_DATABASES.items():
            folder = tmp_path / name
            folder.mkdir()
            database = make(folder)
            for command in ("unanswered", "stats"):
                result = run(command, "--db", str(database))
                assert result.returncode == 2, (name, command, result.stderr)
                [line] = result.stderr.splitlines()
                assert line.startswith(str(database)), (name, command, line)
                assert phrase in line, (name, command, line)
    finally:
        undo_read_only(tmp_path)


def test_run_names_a_broken_database_before_connecting(tmp_path: Path) -> None:
    """``run`` with a damaged DATABASE_PATH exits 2 with one line, without reaching Discord."""
    from tests.storage.test_store import BAD_DATABASES

    make_damaged, _ = BAD_DATABASES["flipped-bytes"]
    database = make_damaged(tmp_path)
    # Nothing listens on port 9: if the database went unchecked, login would fail, not Discord.
    result = run(
        "run",
        cwd=tmp_path,
        DISCORD_TOKEN="not.a.token",
        DATABASE_PATH=str(database),
        DISCORD_API_BASE="http://127.0.0.1:9/api/v10",
        DISCORD_GATEWAY_URL="ws://127.0.0.1:9/",
        SEMANTIC="false",
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"{database} is not a SQLite database (or is damaged): move it aside and restart to "
        "create a new one"
    ]


def test_ask_reports_what_check_reports(tmp_path: Path) -> None:
    """A stray .yml or a directory named like a knowledge file stops ``ask`` as it stops ``check``."""
    directory = tmp_path / "kb"
    shutil.copytree(REPO / "knowledge", directory)
    (directory / "notes.yml").write_text("synonyms: []\n")
    (directory / "x.yaml").mkdir()
    result = run("ask", "--json", "should I foam roll?", "--knowledge", str(directory))
    assert result.returncode == 1
    assert "notes.yml: knowledge files end in .yaml: rename it" in result.stderr
    assert "x.yaml: not a readable file" in result.stderr
    assert result.stdout == ""
