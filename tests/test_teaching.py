"""Teaching phrasings: validated, atomic, concurrent-safe, refused when unsafe, undoable."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from bot.engine import Engine, Outcome, load_knowledge
from bot.engine.strict_yaml import read_yaml
from bot.teaching import LEARNED_FILE, Teacher, TeachError


@pytest.fixture
def teacher(tiny_dir: Path) -> Teacher:
    return Teacher(Engine.from_directory(tiny_dir), tiny_dir)


def test_taught_phrasing_is_answered_at_once_and_written(teacher: Teacher, tiny_dir: Path) -> None:
    """The next identical question is answered, and learned.yaml on disk holds it."""
    question = "whats up with that gristle strap down my thigh"
    assert teacher.engine.answer(question).outcome is Outcome.ABSTAIN
    result = teacher.teach(question, "it-band", member_id=42)
    assert result.before.outcome is Outcome.ABSTAIN
    assert result.after.entry_id == "it-band"
    assert teacher.engine.answer(question).entry_id == "it-band"
    learned = load_knowledge(tiny_dir).learned
    assert [(i.entry, i.question, i.taught_by) for i in learned] == [("it-band", question, "42")]


def test_red_flag_phrasing_is_refused(teacher: Teacher, tiny_dir: Path) -> None:
    """A phrasing that triggers triage must keep getting the safety response."""
    with pytest.raises(TeachError, match="red-flag"):
        teacher.teach("leg curl when my knee locked", "leg-curl", member_id=1)
    assert not (tiny_dir / LEARNED_FILE).exists()


def test_phrasing_of_another_entry_is_refused(teacher: Teacher) -> None:
    """A question already listed under one entry can't be taught to another; it says which."""
    with pytest.raises(TeachError, match="already belongs to 'it-band'"):
        teacher.teach("What is the IT band?", "leg-curl", member_id=1)


def test_unknown_entry_is_refused(teacher: Teacher) -> None:
    """Teaching to a missing entry fails clearly."""
    with pytest.raises(TeachError, match="no entry 'ghost'"):
        teacher.teach("anything", "ghost", member_id=1)


def test_untaught_removes_the_phrasing(teacher: Teacher) -> None:
    """Undo restores the previous behaviour."""
    teacher.teach("the thigh strap thing", "it-band", member_id=1)
    removed = teacher.untaught("The thigh strap thing")
    assert removed.entry == "it-band"
    assert teacher.engine.knowledge.learned == ()
    with pytest.raises(TeachError, match="not taught"):
        teacher.untaught("the thigh strap thing")


def test_concurrent_teaches_both_land(teacher: Teacher, tiny_dir: Path) -> None:
    """Two teaches at once are serialised; neither is lost."""
    questions = ["first odd phrasing about straps", "second odd phrasing about curling"]
    threads = [
        threading.Thread(target=teacher.teach, args=(q, e, 1))
        for q, e in zip(questions, ["it-band", "leg-curl"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    on_disk = {item.question for item in load_knowledge(tiny_dir).learned}
    assert on_disk == set(questions)


def test_teach_killed_mid_write_leaves_old_or_new_file(tmp_path: Path) -> None:
    """A kill -9 during repeated atomic writes never leaves a broken learned.yaml."""
    target = tmp_path / LEARNED_FILE
    target.write_text("learned: []\n")
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from bot.teaching import learned_yaml, write_atomically
        from bot.engine.model import Learned
        items = []
        n = 0
        while True:
            n += 1
            items.append(Learned(entry="it-band", question="q" * 200 + str(n),
                                 taught_by="1", taught_at="2026-01-01T00:00:00+00:00"))
            write_atomically(Path({str(target)!r}), learned_yaml(items))
            if n == 1:
                print("writing", flush=True)
        """
    )
    counts = []
    for delay in (0.0, 0.05, 0.2):
        process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        assert process.stdout is not None
        assert process.stdout.readline() == b"writing\n"
        time.sleep(delay)
        process.kill()
        process.wait()
        process.stdout.close()
        data = read_yaml(target.read_text()).data
        assert isinstance(data["learned"], list)
        questions = [item["question"] for item in data["learned"]]
        assert all(q == "q" * 200 + str(n) for n, q in enumerate(questions, start=1))
        counts.append(len(questions))
    assert min(counts) > 0


def test_phrasing_about_an_uncovered_subject_is_refused(teacher: Teacher, tiny_dir: Path) -> None:
    """Teaching "should I ice it" would never be answered: refused, saying why."""
    (tiny_dir / "scope.yaml").write_text("not_covered:\n  - topic: icing\n    phrases: [ice]\n")
    teacher.engine.reload(tiny_dir)
    with pytest.raises(TeachError, match="asks about icing"):
        teacher.teach("should i ice my it band", "it-band", member_id=1)
