"""What members get, end to end: the real bot over the loopback fake Discord."""

from __future__ import annotations

import pytest
from fakediscord import FakeMessage

from bot.discord_ui.embeds import DESCRIPTION_LIMIT, TOTAL_LIMIT
from bot.engine import Engine
from tests.discord_ui.conftest import World

NO_PINGS = {"parse": []}
DELETE_ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original"


AMBIGUOUS = [
    "should I foam roll or stretch my ITB",
    "if the itb isnt actually short why does literally everyone tell me to stretch it",
    "is it the IT band or the outer quad that hurts?",
    "foam rolling or stretching, which one?",
    "explain the whole thing",
]


def ambiguous_question(engine: Engine) -> str:
    """A question the live matcher finds ambiguous (the test is about the buttons, not scores)."""
    for question in AMBIGUOUS:
        if len(engine.answer(question).suggestions) >= 2:
            return question
    pytest.fail("no candidate question is ambiguous for this knowledge base")


def mention(world: World, text: str) -> str:
    return f"<@{world.fake.bot_user.id}> {text}"


def titles(message: FakeMessage) -> list[str]:
    return [embed.get("title", "") for embed in message.embeds]


def labels(message: FakeMessage) -> list[str]:
    return [button.get("label", "") for button in message.buttons()]


def embed_size(embed: dict) -> int:
    fields = embed.get("fields", [])
    return (
        len(embed.get("title", "") or "")
        + len(embed.get("description", "") or "")
        + len((embed.get("footer") or {}).get("text", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
    )


async def test_mention_gets_the_right_entry_as_a_reply(world: World, engine: Engine) -> None:
    """A mention is answered with the entry's embed, as a reply, with source and disclaimer."""
    asked = await world.alice.says(world.general, mention(world, "should I foam roll my IT band?"))
    reply = await world.general.next_bot_message()
    assert reply.reference["message_id"] == str(asked.id)
    assert titles(reply) == [engine.knowledge.get("foam-rolling").title]
    footer = reply.embeds[0]["footer"]["text"]
    assert "Source: the article" in footer
    assert "not medical advice" in footer
    assert labels(reply) == ["Full explanation", "Helpful", "Not helpful", "Delete"]
    assert reply.allowed_mentions["parse"] == []


async def test_how_to_do_an_exercise_gets_its_steps_and_dose(world: World) -> None:
    """Asking how to do an exercise gets its numbered steps and its dose, each said once."""
    await world.alice.says(
        world.general, mention(world, "how do i do the leg curl with the foot turned in?")
    )
    reply = await world.general.next_bot_message()
    text = reply.embeds[0]["description"]
    exercise = world.bot.engine.knowledge.entries["prone-leg-curl"]
    assert text.startswith(f"1. {exercise.steps[0]}")
    assert text.count("8 to 10") == 1
    assert not reply.embeds[0].get("fields")


async def test_dm_is_answered(world: World) -> None:
    """A direct message needs no mention."""
    await world.alice.dm("what is the vastus lateralis?")
    reply = await world.alice.next_dm()
    assert "vastus lateralis" in reply.text.casefold()


async def test_passive_answer_in_help_channel_only(world: World) -> None:
    """Help channels get confident answers to questions; chatter and other channels: silence."""
    await world.alice.says(world.help, "should I foam roll my IT band?")
    answered = await world.help.next_bot_message()
    assert "foam" in answered.text.casefold()
    await world.bob.says(world.help, "morning all, great session yesterday")
    await world.bob.says(world.general, "does stretching the IT band help?")
    await world.help.assert_no_bot_message(within=0.5)
    await world.general.assert_no_bot_message(within=0.3)


async def test_passive_does_not_repeat_an_entry_in_a_channel(world: World) -> None:
    """The same entry isn't answered twice in a row in a help channel."""
    await world.alice.says(world.help, "should I foam roll my IT band?")
    await world.help.next_bot_message()
    await world.bob.says(world.help, "is foam rolling my IT band a good idea?")
    await world.help.assert_no_bot_message(within=0.5)


async def test_abstain_is_kind_and_points_to_topics(world: World) -> None:
    """Something the article doesn't cover: "I don't know that one" and /topics."""
    await world.alice.says(world.general, mention(world, "what's the best pizza topping?"))
    reply = await world.general.next_bot_message()
    assert "I don't know that one" in reply.text
    assert "/topics" in reply.text
    assert labels(reply) == ["Delete"]


async def test_red_flag_mixed_with_it_band_gets_safety_not_exercises(world: World) -> None:
    """A red flag wins over IT band words: no steps, no dose."""
    await world.alice.says(
        world.general,
        mention(
            world,
            "my IT band hurts and my knee locked, can't straighten it. do the curtsy squats help?",
        ),
    )
    reply = await world.general.next_bot_message()
    text = reply.text
    assert "⚠️" in titles(reply)[0]
    assert "How to do it" not in text
    assert "Dose" not in text
    assert "can't give exercise advice" in text


async def test_everyone_and_role_mentions_are_never_pinged(world: World) -> None:
    """Whatever the member typed, the reply's allowed_mentions parses nothing."""
    role = world.guild.add_role("Coaches", mentionable=True)
    await world.alice.says(
        world.general,
        mention(world, f"@everyone @here <@&{role.id}> <@{world.bob.id}> what is the IT band?"),
    )
    reply = await world.general.next_bot_message()
    assert reply.allowed_mentions == NO_PINGS | reply.allowed_mentions
    assert reply.allowed_mentions["parse"] == []
    assert not reply.allowed_mentions.get("users")
    assert not reply.allowed_mentions.get("roles")
    assert not reply.allowed_mentions.get("replied_user")
    assert reply.mention_everyone is False


async def test_a_20000_character_message_is_answered(world: World) -> None:
    """A huge message is handled like any other, within Discord's limits."""
    await world.alice.says(
        world.general, mention(world, "should I foam roll my IT band? " + "x" * 20_000)
    )
    reply = await world.general.next_bot_message()
    assert reply.embeds
    assert len(reply.embeds[0].get("description", "")) <= DESCRIPTION_LIMIT
    assert embed_size(reply.embeds[0]) <= TOTAL_LIMIT


async def test_bots_are_ignored(world: World) -> None:
    """Messages from bots, even mentioning it, get nothing."""
    other = world.guild.add_member("otherbot", bot=True)
    await other.says(world.general, mention(world, "what is the IT band?"))
    await world.general.assert_no_bot_message(within=0.5)


@pytest.mark.parametrize("bot_settings", [{"burst_answers": 1, "burst_seconds": 60}])
async def test_cooldown_limits_answers_per_member(world: World) -> None:
    """A second mention within the cooldown gets an ⏳ reaction, not an answer."""
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    await world.general.next_bot_message()
    second = await world.alice.says(world.general, mention(world, "what is the VL?"))
    await world.general.assert_no_bot_message(within=0.5)
    assert world.fake.bot_user.id in second.reactions.get("⏳", [])
    result = await world.alice.slash("ask", channel=world.general, question="what is the VL?")
    assert result.ephemeral
    assert "asking quickly" in result.content


@pytest.mark.parametrize("bot_settings", [{"burst_answers": 1, "burst_seconds": 60}])
async def test_a_red_flag_is_answered_even_during_the_cooldown(world: World) -> None:
    """Spam control never silences a red flag: the safety reply comes, cooldown or not."""
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    await world.general.next_bot_message()
    await world.alice.says(world.general, mention(world, "my knee locked and won't straighten"))
    reply = await world.general.next_bot_message()
    tier = world.bot.engine.knowledge.tier("same-day")
    assert tier is not None
    assert reply.embeds[0]["title"].endswith(tier.title)
    slash = await world.alice.slash("ask", channel=world.general, question="my knee gave way")
    assert slash.message.embeds[0]["title"].endswith(tier.title)


async def test_did_you_mean_click_answers_with_the_choice(world: World) -> None:
    """Unsure replies offer buttons; the asker's click turns the reply into the answer."""
    question = ambiguous_question(world.bot.engine)
    result = await world.alice.slash("ask", channel=world.general, question=question)
    message = result.message
    assert "Did you mean" in message.text
    choices = [label for label in labels(message) if label != "Delete"]
    assert len(choices) >= 2
    clicked = await world.alice.click(message, choices[0])
    final = await clicked.final()
    assert titles(final) == [choices[0]]
    assert "Helpful" in labels(final)


async def test_did_you_mean_click_by_someone_else_answers_them_privately(world: World) -> None:
    """On a public reply, another member's click answers them privately, the reply stays."""
    await world.alice.says(world.general, mention(world, ambiguous_question(world.bot.engine)))
    reply = await world.general.next_bot_message()
    choice = next(label for label in labels(reply) if label != "Delete")
    clicked = await world.bob.click(reply, choice)
    assert clicked.ephemeral
    assert titles(clicked.message) == [choice]
    assert "Did you mean" in reply.text


async def test_slash_ask_gives_the_same_answer_as_a_mention(world: World) -> None:
    """/ask answers publicly with the same entry."""
    result = await world.alice.slash(
        "ask", channel=world.general, question="should I stretch my ITB?"
    )
    assert not result.ephemeral
    await world.alice.says(world.general, mention(world, "should I stretch my ITB?"))
    mentioned = await world.general.next_bot_message()
    assert titles(result.message) == titles(mentioned)


async def test_routine_and_guided_mode_to_the_end(world: World, engine: Engine) -> None:
    """/routine lists three exercises with doses; the guide steps 1→2→3, Back works, Finish ends."""
    exercises = [entry.title for entry in engine.knowledge.exercises()]
    result = await world.alice.slash("routine", channel=world.general)
    overview = result.message
    for title in exercises:
        assert title in overview.text
    guide = await world.alice.click(overview, "Start guided mode")
    assert guide.ephemeral
    page = guide.message
    assert titles(page)[0].endswith(exercises[0])
    page = (await world.alice.click(page, "Next")).message
    assert titles(page)[0].endswith(exercises[1])
    page = (await world.alice.click(page, "Back")).message
    assert titles(page)[0].endswith(exercises[0])
    page = (await world.alice.click(page, "Next")).message
    page = (await world.alice.click(page, "Next")).message
    assert titles(page)[0].endswith(exercises[2])
    assert "Finish" in labels(page)
    done = (await world.alice.click(page, "Finish")).message
    assert "Routine complete" in done.text
    assert done.buttons() == []


async def test_exercise_autocomplete_then_command(world: World) -> None:
    """Autocomplete ranks exercises by the matcher; the command shows the chosen one in full."""
    choices = await world.alice.autocomplete("exercise", focused="name", value="curl foot in")
    assert choices[0]["value"] == "prone-leg-curl"
    result = await world.alice.slash("exercise", channel=world.general, name=choices[0]["value"])
    assert "How to do it" in result.message.text


async def test_topics_select_opens_an_entry(world: World, engine: Engine) -> None:
    """/topics lists everything; picking from the menu shows that entry."""
    result = await world.alice.slash("topics", channel=world.general)
    assert result.ephemeral
    picked = await world.alice.select(result.message, ["pelvic-position"])
    assert titles(picked.message) == [engine.knowledge.get("pelvic-position").title]


async def test_help_explains_the_bot(world: World) -> None:
    """/help: what it does, how to ask, the disclaimer and privacy."""
    result = await world.alice.slash("help", channel=world.general)
    assert result.ephemeral
    assert "not medical advice" in result.message.text
    assert "/forget-me" in result.message.text


async def test_feedback_votes_are_stored_and_changeable(world: World) -> None:
    """One vote per member per answer; voting again changes it."""
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    answer = await world.general.next_bot_message()
    first = await world.bob.click(answer, "Helpful")
    assert "noted as helpful" in first.content
    assert "👍 1 · 👎 0" in first.content
    assert world.bot.store.votes_for(answer.id) == (1, 0)
    changed = await world.bob.click(answer, "Not helpful")
    assert "Changed your vote" in changed.content
    assert "👍 0 · 👎 1" in changed.content
    assert world.bot.store.votes_for(answer.id) == (0, 1)


async def test_delete_only_by_asker(world: World) -> None:
    """Another member's delete is refused privately; the asker's works."""
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    answer = await world.general.next_bot_message()
    refused = await world.bob.click(answer, "Delete")
    assert refused.ephemeral
    assert "Only the member who asked" in refused.content
    assert not answer.deleted
    await world.alice.click(answer, "Delete")
    await world.fake.wait_for_request("DELETE", DELETE_ORIGINAL)
    assert answer.deleted


async def test_moderator_may_delete_any_answer(world: World) -> None:
    """Moderators can remove answers they didn't ask for."""
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    answer = await world.general.next_bot_message()
    await world.mod.click(answer, "Delete")
    await world.fake.wait_for_request("DELETE", DELETE_ORIGINAL)
    assert answer.deleted


async def test_a_failing_command_apologises_logs_and_keeps_running(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected error: a short private apology, an error log, and the next question works."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(world.bot.engine, "answer", broken)
    result = await world.alice.slash("ask", channel=world.general, question="what is the IT band?")
    assert result.ephemeral
    assert "Sorry, something went wrong" in result.content
    assert any("engine exploded" in str(r.exc_info[1]) for r in world.guard.take() if r.exc_info)
    monkeypatch.undo()
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    assert "IT band" in (await world.general.next_bot_message()).text


async def test_resources_answer_lists_its_links(world: World) -> None:
    """Links moderators have not filled in yet say whom to ask instead of staying hidden."""
    await world.alice.says(world.general, mention(world, "is there a video showing the exercises?"))
    reply = await world.general.next_bot_message()
    links = reply.embeds[0]["description"]
    assert "Video" in links
    assert "ask a moderator" in links
