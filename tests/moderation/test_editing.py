"""Moderators' edits and added entries: checked like the files, live at once, undoable."""

from __future__ import annotations

import re
import textwrap
import threading
from pathlib import Path

import pytest

from bot.cli import main
from bot.conversation.wording import source_line
from bot.engine import Engine, Outcome, load_knowledge
from bot.engine.loader import KnowledgeSource
from bot.engine.model import MODERATORS_SOURCE
from bot.moderation.editing import EditConflict, Editor
from bot.moderation.exporting import export_revisions
from bot.moderation.teaching import TeachError
from tests.conftest import kill_once_started

SUMMARY = "The IT band is a passive strip of connective tissue; rolling it changes nothing."


@pytest.fixture
def source(tmp_path: Path, tiny_dir: Path) -> KnowledgeSource:
    """The tiny knowledge base, with the moderators' files kept in a data directory."""
    data = tmp_path / "data"
    data.mkdir()
    return KnowledgeSource(tiny_dir, data / "learned.yaml")


@pytest.fixture
def editor(source: KnowledgeSource) -> Editor:
    return Editor(Engine.from_directory(source), source)


def test_an_edit_is_live_at_once_on_disk_and_outside_the_reviewed_files(
    editor: Editor, source: KnowledgeSource, tiny_dir: Path
) -> None:
    reviewed = (tiny_dir / "topics.yaml").read_text(encoding="utf-8")
    change = editor.edit("it-band", {"summary": SUMMARY}, "42", based_on=0)
    assert editor.engine.knowledge.entries["it-band"].summary == SUMMARY
    assert change.version == 1
    assert f"+summary: {SUMMARY}" in change.diff()
    assert load_knowledge(source).entries["it-band"].summary == SUMMARY  # a restart keeps it
    assert (tiny_dir / "topics.yaml").read_text(encoding="utf-8") == reviewed
    assert source.edits_file.exists()


def test_a_bad_edit_is_refused_with_the_files_hint_and_changes_nothing(
    editor: Editor, source: KnowledgeSource
) -> None:
    before = editor.engine.knowledge.entries["it-band"]
    with pytest.raises(TeachError, match=r"edits.yaml:\d+: revisions\[0\]\.content\.title"):
        editor.edit("it-band", {"title": ""}, "42", based_on=0)
    assert editor.engine.knowledge.entries["it-band"] == before
    assert not source.edits_file.exists()


def test_a_preview_is_refused_as_saving_it_would_be(
    editor: Editor, source: KnowledgeSource
) -> None:
    """An empty title fails the whole knowledge base's check: at the preview, not at *Save*."""
    with pytest.raises(TeachError, match=r"edits.yaml:\d+: revisions\[0\]\.content\.title"):
        editor.preview("it-band", {"title": ""})
    assert not source.edits_file.exists()
    assert editor.preview("it-band", {"summary": SUMMARY}).version == 1
    assert not source.edits_file.exists()


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("Ask @everyone in the channel.", "pings"),
        ("Ask <@&123456789012345678> for help.", "pings"),
        ("See https://example.com/itb for more.", "links to example.com"),
        ("Read [here](https://evil.com).blog.org", "links to evil.com"),
        ("https://blog.org:pw@evil.com/x", "links to evil.com"),
        ("<https://evil.com>.blog.org", "links to evil.com"),
        ("https://evil.com\\.blog.org", "links to evil.com"),
    ],
)
def test_an_edit_can_t_ping_or_link_outside_the_allowed_sites(
    source: KnowledgeSource, body: str, why: str
) -> None:
    editor = Editor(Engine.from_directory(source), source, link_domains={"blog.org"})
    with pytest.raises(TeachError, match=re.escape(why)):
        editor.edit("it-band", {"body": body}, "42", based_on=0)


def test_a_link_to_an_allowed_site_is_saved(source: KnowledgeSource) -> None:
    editor = Editor(Engine.from_directory(source), source, link_domains={"example.com"})
    body = "The video: https://www.example.com/itb"
    editor.edit("it-band", {"body": body}, "42", based_on=0)
    assert editor.engine.knowledge.entries["it-band"].body == body


def test_the_second_of_two_edits_from_the_same_version_is_told_not_lost(editor: Editor) -> None:
    editor.edit("it-band", {"summary": SUMMARY}, "first", based_on=0)
    with pytest.raises(EditConflict) as conflict:
        editor.edit("it-band", {"summary": "Something else."}, "second", based_on=0)
    assert conflict.value.theirs.by == "first"
    assert conflict.value.theirs.content is not None
    assert conflict.value.theirs.content.summary == SUMMARY
    assert editor.engine.knowledge.entries["it-band"].summary == SUMMARY


def test_concurrent_edits_never_lose_one_silently(editor: Editor) -> None:
    outcomes: list[str] = []

    def edit(number: int) -> None:
        try:
            editor.edit("it-band", {"summary": f"Summary {number}."}, str(number), based_on=0)
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("told")

    threads = [threading.Thread(target=edit, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", *["told"] * 5]
    assert len(editor.history("it-band")) == 1


def test_history_and_revert_undo_any_change(editor: Editor) -> None:
    original = editor.engine.knowledge.entries["it-band"]
    editor.edit("it-band", {"summary": SUMMARY}, "42", based_on=0)
    editor.edit("it-band", {"summary": "Second."}, "43", based_on=1)
    editor.revert("it-band", 1, "44")
    assert editor.engine.knowledge.entries["it-band"].summary == SUMMARY
    editor.revert("it-band", 0, "44")
    assert editor.engine.knowledge.entries["it-band"] == original
    assert [revision.action for revision in editor.history("it-band")] == [
        "edit",
        "edit",
        "revert",
        "revert",
    ]
    with pytest.raises(TeachError, match="versions 0 to 4"):
        editor.revert("it-band", 9, "44")


def test_an_added_entry_answers_at_once_and_says_who_wrote_it(editor: Editor) -> None:
    questions = ["do you offer coaching?", "can I get a personal coach?", "is there 1:1 coaching?"]
    change = editor.add("coaching", "Coaching", "We don't offer coaching.", questions, "42")
    assert change.after is not None
    assert change.after.source == MODERATORS_SOURCE
    reply = editor.engine.answer("do you offer coaching?")
    assert (reply.outcome, reply.entry_id) == (Outcome.ANSWER, "coaching")
    footer = source_line(reply.source, reply.disclaimer)
    assert footer == "Written by the moderators, not the article."
    with pytest.raises(TeachError, match="3 to 5 example questions"):
        editor.add("rules", "Rules", "Be kind.", ["what are the rules?"], "42")
    editor.revert("coaching", 0, "42")
    assert "coaching" not in editor.engine.knowledge.entries


def test_the_safety_entry_is_changed_only_in_the_reviewed_files(
    source: KnowledgeSource, tmp_path: Path
) -> None:
    knowledge = Path(__file__).parents[2] / "knowledge"
    real = KnowledgeSource(knowledge, tmp_path / "data" / "learned.yaml")
    editor = Editor(Engine.from_directory(real), real)
    with pytest.raises(TeachError, match="reviewed files"):
        editor.edit("safety", {"body": "Just carry on."}, "42", based_on=0)
    responses = {tier.id: tier.response for tier in editor.engine.knowledge.safety_tiers}
    for tier_id in responses:  # a tier is no entry: its reply and action line can't be edited
        with pytest.raises(TeachError, match="there is no entry"):
            editor.edit(tier_id, {"body": "Just carry on."}, "42", based_on=0)
    editor.edit("foam-rolling", {"summary": SUMMARY}, "42", based_on=0)
    assert {tier.id: tier.response for tier in editor.engine.knowledge.safety_tiers} == responses


def test_export_writes_the_changes_into_the_knowledge_files(
    editor: Editor, source: KnowledgeSource, tiny_dir: Path
) -> None:
    editor.edit("it-band", {"summary": SUMMARY}, "42", based_on=0)
    questions = ["do you offer coaching?", "can I get a personal coach?", "is there 1:1 coaching?"]
    editor.add("coaching", "Coaching", "We don't offer coaching.", questions, "42")
    written = export_revisions(editor.engine, source)
    assert sorted(path.name for path in written) == ["moderators-entries.yaml", "topics.yaml"]
    exported = load_knowledge(tiny_dir)  # the reviewed files alone, without the edits
    assert exported.entries["it-band"].summary == SUMMARY
    assert exported.entries["coaching"].source == MODERATORS_SOURCE
    assert load_knowledge(source).entries["it-band"].summary == SUMMARY  # with both: no clash


def test_a_revert_chosen_before_someone_else_s_save_undoes_nothing(editor: Editor) -> None:
    """``based_on``: the version the moderator saw; a newer save is never undone silently."""
    editor.edit("it-band", {"summary": SUMMARY}, "42", based_on=0)
    preview = editor.revert_preview("it-band", 0)
    assert preview.after == editor.reviewed("it-band")
    assert preview.version == 2
    editor.edit("it-band", {"summary": "Second."}, "43", based_on=1)
    with pytest.raises(EditConflict) as refused:
        editor.revert("it-band", 0, "44", based_on=preview.version - 1)
    assert refused.value.theirs.by == "43"
    assert editor.engine.knowledge.entries["it-band"].summary == "Second."


def test_the_shell_prints_edits_and_reverts_an_entry(
    source: KnowledgeSource,
    tiny_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATA_DIR", str(source.learned_file.parent))
    monkeypatch.setenv("SEMANTIC", "off")
    assert main(["edit", "it-band", "--knowledge", str(tiny_dir)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("version: 0\n")
    fields = tmp_path / "it-band.yaml"
    fields.write_text(f"version: 0\nsummary: {SUMMARY}\n", encoding="utf-8")
    argv = ["edit", "it-band", "--from", str(fields), "--knowledge", str(tiny_dir)]
    assert main([*argv, "--member", "42"]) == 0
    assert "Saved it-band as version 1" in capsys.readouterr().out
    assert main(argv) == 1  # the same file again: someone (we) saved since version 0
    assert "changed 'it-band'" in capsys.readouterr().err
    assert main(["history", "it-band", "--knowledge", str(tiny_dir)]) == 0
    assert "by 42  edit" in capsys.readouterr().out
    reverting = ["revert", "it-band", "--to", "0", "--knowledge", str(tiny_dir)]
    assert main([*reverting, "--seen", "0"]) == 1  # version 1 was saved since version 0
    assert "changed 'it-band'" in capsys.readouterr().err
    assert load_knowledge(source).entries["it-band"].summary == SUMMARY
    assert main([*reverting, "--seen", "1"]) == 0
    assert load_knowledge(source).entries["it-band"].summary != SUMMARY


@pytest.mark.parametrize("entry_id", ["same-day", "abstain"])
def test_an_entry_can_t_take_a_red_flag_tier_s_or_a_label_s_name(
    editor: Editor, source: KnowledgeSource, entry_id: str
) -> None:
    """The decision layer would read it as the tier or the label: refused, nothing written."""
    questions = ["what are the server rules?", "where are the rules?", "rules of this server?"]
    with pytest.raises(TeachError, match="a red-flag tier's or a label's name"):
        editor.add(entry_id, "Rules", "Be kind.", questions, "42")
    assert not source.edits_file.exists()
    assert load_knowledge(source).get(entry_id) is None


def test_an_added_entry_s_questions_are_checked_as_a_teach_is(editor: Editor) -> None:
    """A red flag, or a subject members are told isn't covered, can't be its question."""
    with pytest.raises(TeachError, match="red flag"):
        editor.add("rules", "Rules", "Be kind.", ["my knee locked", "rules?", "the rules"], "42")


def test_a_problem_in_an_added_entry_is_a_message_not_a_traceback(editor: Editor) -> None:
    """Its question is another entry's: the change is refused with the file's name."""
    questions = ["do you offer coaching?", "can I get a personal coach?", "is there 1:1 coaching?"]
    editor.add("coaching", "Coaching", "We don't offer coaching.", questions, "42")
    with pytest.raises(TeachError, match="question also listed under 'coaching'"):
        editor.add("coaches", "Coaches", "No coaches.", [*questions[:2], "who coaches?"], "42")


def test_export_keeps_the_file_s_layout_and_a_second_export_changes_nothing(
    editor: Editor, source: KnowledgeSource, tiny_dir: Path
) -> None:
    editor.edit("it-band", {"summary": SUMMARY}, "42", based_on=0)
    before = (tiny_dir / "topics.yaml").read_text(encoding="utf-8")
    export_revisions(editor.engine, source)
    after = (tiny_dir / "topics.yaml").read_text(encoding="utf-8")
    assert before.count("\n\n") == after.count("\n\n")  # no blank line between its lines
    assert "kind:" not in after  # a field at its default is left out, as the files write it
    export_revisions(editor.engine, source)
    assert (tiny_dir / "topics.yaml").read_text(encoding="utf-8") == after


def test_an_exercise_s_dose_is_edited_as_its_parts(editor: Editor) -> None:
    editor.edit("leg-curl", {"dose": {"sets": "3", "reps": "8 each side"}}, "42", based_on=0)
    dose = editor.engine.knowledge.entries["leg-curl"].dose
    assert dose is not None
    assert (dose.sets, dose.reps) == ("3", "8 each side")
    with pytest.raises(TeachError, match="a dose is written with one or more of sets, reps"):
        editor.edit("leg-curl", {"dose": {"weight": "20 kg"}}, "42", based_on=1)
    with pytest.raises(TeachError, match="a dose is written with one or more of sets, reps"):
        editor.preview("leg-curl", {"dose": {}})


def test_an_edit_killed_mid_save_leaves_the_old_or_the_new_entry(source: KnowledgeSource) -> None:
    """A kill -9 while a process saves edit after edit never leaves a broken edits file."""
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from bot.engine import Engine
        from bot.engine.loader import KnowledgeSource
        from bot.moderation.editing import Editor
        source = KnowledgeSource(Path({str(source.directory)!r}), Path({str(source.learned_file)!r}))
        editor = Editor(Engine.from_directory(source), source)
        version = first = editor.version("it-band")
        while True:
            editor.edit("it-band", {{"summary": f"Summary {{version + 1}}."}}, "1", based_on=version)
            version += 1
            if version == first + 1:
                print("saving", flush=True)
        """
    )
    for delay in (0.0, 0.3):
        kill_once_started(script, b"saving\n", delay)
        knowledge = load_knowledge(source)  # whole: the old file or the new one
        saved = len(knowledge.history("it-band"))
        assert knowledge.entries["it-band"].summary == f"Summary {saved}."
