"""Moderators edit, add, list and revert entries from Discord: forms, preview, save, undo."""

from __future__ import annotations

from typing import Any

import pytest
from fakediscord import CommandNotVisible, FakeMessage, InteractionResult, Member

from bot.engine.model import MODERATORS_SOURCE
from tests.discord_ui.conftest import World

ENTRY = "stretching-it-band"
QUESTION = "should i stretch my IT band"
"""Answered with the entry's summary."""
SUMMARY = (
    "Stretching the IT band won't fix outside knee pain for long: "
    "the band isn't what hurts, the muscle under it is."
)
SAVE_WAIT = 90
"""Seconds a save may take on a loaded machine: it retrains the engine before answering."""


def mention(world: World, text: str) -> str:
    return f"<@{world.fake.bot_user.id}> {text}"


def moderators_see_kb(world: World) -> None:
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)


def prefilled(opened: InteractionResult) -> dict[str, str]:
    """The form's inputs as the bot prefilled them, by custom id."""
    modal = opened.modal
    assert modal is not None, "no form was opened"

    def inputs(component: dict[str, Any]) -> list[dict[str, Any]]:
        inner = component.get("components") or [component.get("component") or {}]
        return [item for item in inner if item.get("type") == 4]

    return {
        item["custom_id"]: item.get("value", "")
        for top in modal["components"]
        for item in inputs(top)
    }


async def previewed(world: World, who: Member, entry: str, **typed: str) -> FakeMessage:
    """Open ``/kb edit entry`` as ``who``, change the ``typed`` fields, submit: the preview."""
    opened = await who.slash("kb", "edit", channel=world.general, entry=entry)
    submitted = await who.submit_modal(opened, {**prefilled(opened), **typed})
    assert submitted.ephemeral
    return submitted.message


async def clicked(who: Member, message: FakeMessage, label: str) -> str:
    return (await (await who.click(message, label)).final(SAVE_WAIT)).content


async def answer_to(world: World, question: str) -> FakeMessage:
    await world.alice.says(world.general, mention(world, question))
    return await world.general.next_bot_message()


async def test_an_edit_is_previewed_then_saved_and_members_get_it(world: World) -> None:
    moderators_see_kb(world)
    opened = await world.mod.slash("kb", "edit", channel=world.general, entry=ENTRY)
    entry = world.bot.engine.knowledge.get(ENTRY)
    assert prefilled(opened) == {"title": entry.title, "summary": entry.summary, "body": entry.body}
    preview = await previewed(world, world.mod, ENTRY, summary=SUMMARY)
    assert SUMMARY in preview.embeds[0]["description"]
    assert f"+summary: {SUMMARY}" in preview.content
    assert f"-summary: {entry.summary}" in preview.content
    assert world.bot.engine.knowledge.get(ENTRY).summary == entry.summary  # not yet saved
    assert await clicked(world.mod, preview, "Save") == "Saved, version 1, live now."
    answer = await answer_to(world, QUESTION)
    assert SUMMARY in answer.embeds[0]["description"]


async def test_an_exercise_s_form_holds_its_steps_and_cues_one_per_line(world: World) -> None:
    moderators_see_kb(world)
    opened = await world.mod.slash("kb", "edit", channel=world.general, entry="prone-leg-curl")
    exercise = world.bot.engine.knowledge.get("prone-leg-curl")
    fields = prefilled(opened)
    assert fields["steps"] == "\n".join(exercise.steps)
    assert fields["cues"] == "\n".join(exercise.cues)
    assert "summary" not in fields
    steps = [*exercise.steps[:-1], "Lower slowly, three seconds down."]
    preview = await previewed(world, world.mod, "prone-leg-curl", steps="\n".join(steps) + "\n\n")
    assert "+steps: Lower slowly, three seconds down." in preview.content
    await clicked(world.mod, preview, "Save")
    assert world.bot.engine.knowledge.get("prone-leg-curl").steps == steps


async def test_an_exercise_s_short_answer_form_edits_its_summary_and_dose(world: World) -> None:
    """Discord's forms hold five fields: an exercise's summary and dose have a form of their own."""
    moderators_see_kb(world)
    entry = "prone-leg-curl"
    opened = await world.mod.slash(
        "kb", "edit", channel=world.general, entry=entry, part="short answer"
    )
    exercise = world.bot.engine.knowledge.get(entry)
    fields = prefilled(opened)
    assert set(fields) == {"summary", "dose"}
    assert fields["dose"].splitlines()[:2] == [
        f"sets: {exercise.dose.sets}",
        f"reps: {exercise.dose.reps}",
    ]
    dose = fields["dose"].replace(f"sets: {exercise.dose.sets}", "sets: 3")
    unknown = await world.mod.submit_modal(opened, {**fields, "dose": "weight: 20 kg"})
    assert unknown.content.startswith("Not saved: a dose is written with one or more of sets")
    opened = await world.mod.slash(
        "kb", "edit", channel=world.general, entry=entry, part="short answer"
    )
    preview = (await world.mod.submit_modal(opened, {**fields, "dose": dose})).message
    assert "+dose:" in preview.content
    assert await clicked(world.mod, preview, "Save") == "Saved, version 1, live now."
    saved = world.bot.engine.knowledge.get(entry)
    assert saved.dose.sets == "3"
    assert saved.dose.reps == exercise.dose.reps
    assert saved.steps == exercise.steps


async def test_cancel_saves_nothing(world: World) -> None:
    moderators_see_kb(world)
    before = world.bot.engine.knowledge.get(ENTRY)
    preview = await previewed(world, world.mod, ENTRY, summary=SUMMARY)
    assert await clicked(world.mod, preview, "Cancel") == "Cancelled: nothing was saved."
    assert world.bot.engine.knowledge.get(ENTRY) == before
    assert not world.bot.desk.editor.path.exists()


async def test_a_preview_refuses_what_saving_would(world: World) -> None:
    """A ping is refused at once, before any Save; an unchanged form says so."""
    moderators_see_kb(world)
    opened = await world.mod.slash("kb", "edit", channel=world.general, entry=ENTRY)
    pinging = await world.mod.submit_modal(opened, {**prefilled(opened), "body": "Ask @everyone"})
    assert pinging.content == "Not saved: it pings (@everyone)."
    opened = await world.mod.slash("kb", "edit", channel=world.general, entry=ENTRY)
    unchanged = await world.mod.submit_modal(opened, prefilled(opened))
    assert unchanged.content == "Not saved: nothing changed."


async def test_the_second_of_two_moderators_is_told_and_shown_the_first_s_change(
    world: World,
) -> None:
    moderators_see_kb(world)
    other = world.guild.add_member("mod2", roles=[world.mod.roles[-1]])
    first = await previewed(world, world.mod, ENTRY, summary=SUMMARY)
    second = await previewed(world, other, ENTRY, summary="Something else entirely.")
    assert await clicked(world.mod, first, "Save") == "Saved, version 1, live now."
    told = await clicked(other, second, "Save")
    assert told.startswith(f"Not saved: <@{world.mod.id}> changed `{ENTRY}`")
    assert f"+summary: {SUMMARY}" in told
    assert world.bot.engine.knowledge.get(ENTRY).summary == SUMMARY


async def test_a_non_moderator_can_t_edit_add_or_revert(world: World) -> None:
    with pytest.raises(CommandNotVisible):
        await world.alice.slash("kb", "edit", channel=world.general, entry=ENTRY)
    world.guild.set_command_permission("kb", world.guild.everyone, allowed=True)
    for command, options in [
        ("edit", {"entry": ENTRY}),
        ("add", {}),
        ("history", {"entry": ENTRY}),
        ("revert", {"entry": ENTRY, "to": 0}),
    ]:
        refused = await world.alice.slash("kb", command, channel=world.general, **options)
        assert refused.modal is None
        assert "for moderators" in refused.content
    assert not world.bot.desk.editor.path.exists()


async def test_history_lists_each_version_and_revert_undoes_it(world: World) -> None:
    moderators_see_kb(world)
    original = world.bot.engine.knowledge.get(ENTRY).summary
    await clicked(world.mod, await previewed(world, world.mod, ENTRY, summary=SUMMARY), "Save")
    listed = await world.mod.slash("kb", "history", channel=world.general, entry=ENTRY)
    assert listed.ephemeral
    lines = listed.content.splitlines()
    assert lines[0] == f"Versions of `{ENTRY}` (v1 is live):"
    assert lines[1] == "v0 · as the reviewed files say"
    assert lines[2].startswith("v1 · <t:")
    assert lines[2].endswith(f"edit by <@{world.mod.id}>")
    result = await world.mod.slash("kb", "revert", channel=world.general, entry=ENTRY, to=0)
    assert result.ephemeral
    assert result.content.startswith(f"Preview: `{ENTRY}` back to version 0.")
    assert f"+summary: {original}" in result.content
    assert world.bot.engine.knowledge.get(ENTRY).summary == SUMMARY  # not yet reverted
    assert await clicked(world.mod, result.message, "Save") == "Saved, version 2, live now."
    assert original in (await answer_to(world, QUESTION)).embeds[0]["description"]


async def test_a_revert_after_someone_else_s_save_is_refused_and_shows_their_change(
    world: World,
) -> None:
    """Nobody's edit is undone silently: a revert previewed before it is refused on Save."""
    moderators_see_kb(world)
    other = world.guild.add_member("mod2", roles=[world.mod.roles[-1]])
    await clicked(world.mod, await previewed(world, world.mod, ENTRY, summary=SUMMARY), "Save")
    result = await other.slash("kb", "revert", channel=world.general, entry=ENTRY, to=0)
    newer = "A newer summary, saved meanwhile."
    await clicked(world.mod, await previewed(world, world.mod, ENTRY, summary=newer), "Save")
    told = await clicked(other, result.message, "Save")
    assert told.startswith(f"Not saved: <@{world.mod.id}> changed `{ENTRY}`")
    assert f"+summary: {newer}" in told
    assert world.bot.engine.knowledge.get(ENTRY).summary == newer


async def test_an_added_entry_answers_members_with_the_moderators_footer(world: World) -> None:
    moderators_see_kb(world)
    opened = await world.mod.slash("kb", "add", channel=world.general)
    questions = [
        "do you offer coaching",
        "can I get one to one coaching",
        "is there a coaching programme",
    ]
    answer = "Yes: one-to-one coaching runs monthly. Ask in the coaching channel to join."
    typed = {"id": "coaching", "title": "Coaching", "answer": answer}
    added = await world.mod.submit_modal(opened, {**typed, "questions": "\n".join(questions)})
    shown = await added.final(SAVE_WAIT)
    assert shown.content == "Added `coaching`, live now. Members asking it get:"
    assert shown.embeds[0]["footer"]["text"] == f"{MODERATORS_SOURCE}."
    reply = await answer_to(world, "do you offer coaching?")
    assert reply.embeds[0]["title"] == "Coaching"
    assert reply.embeds[0]["footer"]["text"] == f"{MODERATORS_SOURCE}."


async def test_an_add_with_too_few_questions_is_refused(world: World) -> None:
    moderators_see_kb(world)
    opened = await world.mod.slash("kb", "add", channel=world.general)
    typed = {"id": "coaching", "title": "Coaching", "answer": "Yes.", "questions": "coaching?"}
    refused = await (await world.mod.submit_modal(opened, typed)).final(SAVE_WAIT)
    assert refused.content == "Not added: give 3 to 5 example questions, not 1."
    assert world.bot.engine.knowledge.get("coaching") is None
