"""Teaching phrasings: validated, atomic, concurrent-safe, refused when unsafe, undoable."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import asdict
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import example, given
from hypothesis import strategies as st

from bot.engine import Engine, KnowledgeBase, Outcome, load_knowledge
from bot.engine import engine as engine_module
from bot.engine.loader import LEARNED_FILE
from bot.engine.model import Learned
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.engine.strict_yaml import read_yaml
from bot.moderation import teaching
from bot.moderation.teaching import Teacher, TeachError, learned_yaml
from tests.conftest import kill_once_started


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
    with pytest.raises(TeachError, match="affirms a red flag"):
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


def test_a_misspelt_entry_is_refused_with_the_likely_one(teacher: Teacher) -> None:
    """An id close to a real one is offered; nothing is written."""
    with pytest.raises(TeachError, match=r"no entry 'itband'; did you mean 'it-band'$"):
        teacher.teach("the thigh strap thing", "itband", member_id=1)
    assert not teacher.path.exists()


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
        from bot.moderation.teaching import learned_yaml, write_atomically
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
        kill_once_started(script, b"writing\n", delay)
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


TEACH_IN_A_PROCESS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from bot.engine import Engine
    from bot.moderation.teaching import Teacher
    directory, worker, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    teacher = Teacher(Engine.from_directory(directory), directory)
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(count):
        teacher.teach(f"strap phrasing {worker} number {n}", "it-band", 1)
    """
)


def test_teaches_from_several_processes_all_land(tiny_dir: Path) -> None:
    """Three processes teaching at once into one directory: every phrasing reaches the file."""
    workers, count = ["alpha", "bravo", "charlie"], 5
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", TEACH_IN_A_PROCESS, str(tiny_dir), worker, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in workers
    ]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
    # All start teaching together, once every one has loaded: that is when updates got lost.
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    results = [process.communicate(timeout=60) for process in processes]
    for process, (_, errors) in zip(processes, results, strict=True):
        assert process.returncode == 0, errors
    on_disk = {item.question for item in load_knowledge(tiny_dir).learned}
    assert on_disk == {f"strap phrasing {w} number {n}" for w in workers for n in range(count)}


def test_phrasing_taught_by_another_process_is_not_taught_twice(tiny_dir: Path) -> None:
    """Duplicates are checked against the file, not only against this process's engine."""
    stale = Teacher(Engine.from_directory(tiny_dir), tiny_dir)
    Teacher(Engine.from_directory(tiny_dir), tiny_dir).teach("the thigh strap", "it-band", 1)
    with pytest.raises(TeachError, match="'it-band' already has that phrasing"):
        stale.teach("The thigh  strap", "it-band", 2)
    with pytest.raises(TeachError, match="already belongs to 'it-band'"):
        stale.teach("the thigh strap", "leg-curl", 2)
    assert len(load_knowledge(tiny_dir).learned) == 1


def test_teach_waits_for_the_file_lock_then_says_why(
    tiny_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A teach that can't get the lock in time changes nothing and says so."""
    monkeypatch.setattr(teaching, "LOCK_TIMEOUT", 0.1)
    teacher = Teacher(Engine.from_directory(tiny_dir), tiny_dir)
    with FileLock(teacher.lock_path), pytest.raises(TeachError, match=r"locked for 0\.1 s"):
        teacher.teach("the thigh strap", "it-band", 1)
    assert not teacher.path.exists()
    assert teacher.engine.knowledge.learned == ()


def test_taught_phrasing_stays_live_while_another_thread_reloads(
    teacher: Teacher, tiny_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From "Taught" on, the live engine always has the phrasing, however reloads interleave.

    A watcher reads what has been reported taught, then the live knowledge: each phrasing
    reported before the read must be in it. Reloads are slowed after reading the disk, as the
    real base's are by loading and training, so one that read the disk before a teach wrote it
    would, unserialised, swap in after the teach did.
    """

    def slow_load(directory: Path) -> KnowledgeBase:
        knowledge = load_knowledge(directory)
        time.sleep(0.02)
        return knowledge

    monkeypatch.setattr(engine_module, "load_knowledge", slow_load)
    stop = threading.Event()
    reported: list[str] = []
    missing: set[str] = set()

    def reload_repeatedly() -> None:
        while not stop.is_set():
            teacher.engine.reload(tiny_dir)

    def watch() -> None:
        while not stop.is_set():
            taught = set(reported)
            missing.update(taught - set(teacher.engine.knowledge.taught("it-band")))
            time.sleep(0.001)  # let the other threads run

    def teach_some(worker: str) -> None:
        for n in range(10):
            question = f"strap phrasing {worker} number {n}"
            teacher.teach(question, "it-band", 1)
            reported.append(question)

    helpers = [threading.Thread(target=reload_repeatedly), threading.Thread(target=watch)]
    teachers = [threading.Thread(target=teach_some, args=(w,)) for w in ("alpha", "bravo")]
    for thread in [*helpers, *teachers]:
        thread.start()
    for thread in teachers:
        thread.join()
    stop.set()
    for thread in helpers:
        thread.join()
    assert missing == set()
    assert len(teacher.engine.knowledge.taught("it-band")) == 20


@pytest.mark.parametrize("question", ["1e3", "5e-2", "1.5e3", "1E3"])
def test_number_like_phrasing_is_taught_and_answered(
    teacher: Teacher, tiny_dir: Path, question: str
) -> None:
    """Text YAML would read as a number is written quoted, so it validates and reads back."""
    assert teacher.teach(question, "it-band", member_id=1).after.entry_id == "it-band"
    assert [item.question for item in load_knowledge(tiny_dir).learned] == [question]
    assert Engine.from_directory(tiny_dir).answer(question).entry_id == "it-band"


@given(st.text(st.characters(blacklist_categories=["Cs"])))
@example("1e3")
@example("5e-2")
@example("true")
@example("null")
@example("~")
@example("- item: [x]")
def test_learned_yaml_round_trips_any_text(question: str) -> None:
    """Whatever the text, the knowledge reader reads back exactly what was written."""
    item = Learned(entry="it-band", question=question, taught_by=question, taught_at=question)
    read_back = read_yaml(learned_yaml([item])).data
    assert isinstance(read_back, dict)
    assert read_back["learned"] == [asdict(item)]


@pytest.mark.parametrize("question", ["yes", "true", "on", "Yes!", "ON", "yes true on"])
def test_filler_only_phrasing_is_refused(teacher: Teacher, question: str) -> None:
    """Matching ignores filler words: such a phrasing is refused, saying why, not taught."""
    with pytest.raises(TeachError, match="no topic words"):
        teacher.teach(question, "it-band", member_id=1)
    assert not teacher.path.exists()


def test_a_phrasing_the_learned_signal_reads_as_a_red_flag_is_refused(
    knowledge_copy: Path, embeddings: EmbeddingCache
) -> None:
    """No phrase rule says it, but the bot screens it: teaching must not turn it into advice."""
    engine = Engine(load_knowledge(knowledge_copy), embeddings=embeddings)
    question = "my leg went dead after that tackle"
    assert engine.red_flag(question) is None
    assert engine.answer(question).outcome in (Outcome.SAFETY, Outcome.SCREEN)
    with pytest.raises(TeachError, match="possible red flag"):
        Teacher(engine, knowledge_copy).teach(question, "routine", 1)
    assert engine.knowledge.learned == load_knowledge(knowledge_copy).learned


def test_a_full_disk_is_one_line_and_leaves_nothing_behind(
    teacher: Teacher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No space left: the teach is refused in one line naming the file, no temp file stays."""
    import errno
    import os

    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    before = teacher.engine.knowledge.learned
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(TeachError, match=r"No space left on device.*is the disk full"):
        teacher.teach("thigh strap thing", "it-band", member_id=1)
    assert teacher.engine.knowledge.learned == before
    assert list(teacher.path.parent.glob(".*.tmp")) == []


def test_a_lone_surrogate_in_a_teach_is_taught_without_it(teacher: Teacher) -> None:
    """Text from a broken client can hold one; it never reaches YAML as a raw error."""
    result = teacher.teach("thigh strap thing \ud800", "it-band", member_id=1)
    assert "\ud800" not in teacher.path.read_text(encoding="utf-8")
    assert result.after.entry_id == "it-band"
