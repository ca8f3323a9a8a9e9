"""One verdict, honoured on every path: mentions, help channels, threads, /ask, limits, holds."""

from __future__ import annotations

import pytest
from fakediscord import FakeMessage, handlers_settled

from bot.conversation.wording import SCREEN_TITLE
from bot.engine import Engine, Outcome
from tests.discord_ui.conftest import World
from tests.discord_ui.test_members import mention
from tests.discord_ui.test_screening import gate_the_encoder, open_once_waiting

MEANING_ONLY = [
    "my leg went dead after that tackle, how many sets of the leg curl?",
    "the knee just won't carry me since this morning, how many reps of the leg curl?",
    "it blew up like a grapefruit after I rolled it, how many reps of the leg curl?",
    "since the fall my knee won't take me across the room, how many reps of the leg curl?",
]
"""Red flags no phrase names, each followed by an exercise question."""
SAFETY_TITLES = ("Emergency", "Get seen", "Book a GP", SCREEN_TITLE)


def meaning_only(engine: Engine) -> str:
    """A red flag only the learned signal reads, with an exercise question after it."""
    for message in MEANING_ONLY:
        if engine.red_flag(message) is None and engine.answer(message).outcome in (
            Outcome.SAFETY,
            Outcome.SCREEN,
        ):
            return message
    pytest.fail("no candidate is read as a red flag by meaning alone")


def is_cautious(message: FakeMessage) -> bool:
    """Whether a bot message is a safety reply or a screen (never exercise advice)."""
    title = message.embeds[0].get("title", "")
    return any(part in title for part in SAFETY_TITLES) and "How to do it" not in message.text


async def test_a_red_flag_read_by_meaning_gets_no_exercise_by_mention(
    world: World, engine: Engine
) -> None:
    """The exercise question after it is not answered: the verdict comes first."""
    await world.alice.says(world.general, mention(world, meaning_only(engine)))
    assert is_cautious(await world.general.next_bot_message())


async def test_a_red_flag_read_by_meaning_gets_no_exercise_passively(
    world: World, engine: Engine
) -> None:
    """Unaddressed in a help channel too."""
    await world.alice.says(world.help, meaning_only(engine))
    assert is_cautious(await world.help.next_bot_message())


async def test_a_red_flag_read_by_meaning_gets_no_exercise_by_slash_ask(
    world: World, engine: Engine
) -> None:
    """And by /ask."""
    result = await world.alice.slash("ask", channel=world.general, question=meaning_only(engine))
    assert is_cautious(result.message)


@pytest.mark.parametrize("bot_settings", [{"burst_answers": 1, "burst_seconds": 60}])
async def test_the_burst_limit_never_holds_back_a_red_flag_read_by_meaning(
    world: World, engine: Engine
) -> None:
    """Over the limit, a red flag no phrase names still gets its reply, by mention and /ask."""
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    await world.general.next_bot_message()
    await world.alice.says(world.general, mention(world, meaning_only(engine)))
    assert is_cautious(await world.general.next_bot_message())
    result = await world.alice.slash("ask", channel=world.general, question=meaning_only(engine))
    assert is_cautious(result.message)


@pytest.mark.parametrize("bot_settings", [{"burst_answers": 1, "burst_seconds": 60}])
async def test_a_flood_gets_its_limit_and_no_more(world: World) -> None:
    """Checked and counted at once: ten quick mentions get one answer and nine ⏳."""
    sent = [
        await world.alice.says(world.general, mention(world, "what is the IT band?"))
        for _ in range(10)
    ]
    await world.general.next_bot_message()
    await handlers_settled()
    assert len(world.general.bot_messages) == 1
    limited = [
        message for message in sent if world.fake.bot_user.id in message.reactions.get("⏳", [])
    ]
    assert len(limited) == 9


async def test_a_second_members_red_flag_in_a_help_channel_is_not_silenced(world: World) -> None:
    """The repeat guard holds back repeated answers, never a safety reply."""
    await world.alice.says(world.help, "my knee locked up on the stairs and won't straighten")
    assert is_cautious(await world.help.next_bot_message())
    await world.bob.says(world.help, "my knee locked up too and it won't straighten")
    assert is_cautious(await world.help.next_bot_message())


async def test_the_hold_follows_the_member_into_dms_and_commands(world: World) -> None:
    """After a safety reply, exercise advice anywhere gets the safety advice again."""
    await world.alice.says(world.general, mention(world, "my knee gave way and I can't walk"))
    assert is_cautious(await world.general.next_bot_message())
    await world.alice.dm("how many reps of the leg curl?")
    assert is_cautious(await world.alice.next_dm())
    result = await world.alice.slash("exercise", channel=world.help, name="prone-leg-curl")
    assert is_cautious(result.message)


async def test_forget_me_ends_the_hold(world: World) -> None:
    """The hold lives in memory only, and /forget-me clears it."""
    await world.alice.says(world.general, mention(world, "my knee gave way and I can't walk"))
    await world.general.next_bot_message()
    await world.alice.slash("forget-me", channel=world.general)
    await world.alice.dm("how many reps of the leg curl?")
    assert not is_cautious(await world.alice.next_dm())


async def test_a_reply_to_ones_own_red_flag_is_read_with_it(world: World) -> None:
    """The red flag in the message replied to counts: no exercise for the reply."""
    earlier = await world.alice.says(
        world.general, "my knee swelled up straight away after I twisted it"
    )
    await world.alice.says(
        world.general, mention(world, "how many reps of the leg curl?"), reply_to=earlier
    )
    assert is_cautious(await world.general.next_bot_message())


async def test_a_red_flag_in_a_forum_post_follow_up_is_answered(world: World) -> None:
    """A follow-up in a post's thread is read like the post, red flags first."""
    post = await world.alice.create_forum_post(
        world.forum, "Should I foam roll my IT band?", "I roll it every night."
    )
    await post.next_bot_message()
    await world.alice.says(post, "update: I twisted it and it swelled up straight away")
    assert is_cautious(await post.next_bot_message())


async def test_a_question_about_a_sign_during_screening_explains_the_signs(
    world: World, engine: Engine
) -> None:
    """On "What do you mean by deformed?" gets the warning signs explained, no emergency reply."""
    await world.alice.says(
        world.general, mention(world, "I think my knee might have locked up a bit?")
    )
    screen = await world.general.next_bot_message()
    assert screen.embeds[0]["title"] == SCREEN_TITLE
    await world.alice.says(
        world.general, mention(world, "not sure tbh, what do you mean by deformed?")
    )
    explained = await world.general.next_bot_message()
    guidance = next(e for e in engine.knowledge.entries.values() if e.source == "Safety guidance")
    assert explained.embeds[0]["title"] == guidance.title


async def test_a_private_screen_is_never_echoed_in_public_by_routine_or_exercise(
    world: World,
) -> None:
    """What a member told the bot privately, or that they had a red flag, stays private."""
    private = "took a knock on my knee at work, my partner doesn't know, I think it might be locked"
    first = await world.alice.slash("ask", channel=world.general, question=private)
    assert first.ephemeral
    for command, options in (("routine", {}), ("exercise", {"name": "prone-leg-curl"})):
        result = await world.alice.slash(command, channel=world.general, **options)
        assert result.ephemeral  # shown to the member alone, their own words included
    assert all("my partner" not in message.text for message in world.general.bot_messages)


def counted_readings(world: World, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The messages the bot reads from now on, in order (appended as it reads them)."""
    assistant = world.bot.assistant
    asked: list[str] = []
    ask = assistant.ask

    def counting_ask(text: str, *args: object, **kwargs: object) -> object:
        asked.append(text)
        return ask(text, *args, **kwargs)

    monkeypatch.setattr(assistant, "ask", counting_ask)
    return asked


@pytest.mark.parametrize("bot_settings", [{"burst_answers": 1, "burst_seconds": 60}])
async def test_a_flood_of_one_message_is_read_once_and_a_change_reads_it_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the limit, the same words again are held back unread.

    Once the conversation has moved on (a screen shown by /ask), they are read afresh, and
    get the screen, not ⏳.
    """
    asked = counted_readings(world, monkeypatch)
    spam = "what is the IT band?"
    reactions = rf"/channels/{world.general.id}/messages/\d+/reactions/.*"
    await world.alice.says(world.general, mention(world, spam))
    await world.general.next_bot_message()
    for held_back in range(1, 6):
        await world.alice.says(world.general, mention(world, spam))
        await world.fake.wait_for_request("PUT", reactions, count=held_back)
    assert len(world.general.bot_messages) == 1
    assert asked == [spam, spam]  # answered once, read once more, then held back unread
    result = await world.alice.slash(
        "ask", channel=world.general, question="my knee swelled up, what is the IT band?"
    )
    assert is_cautious(result.message)
    await world.alice.says(world.general, mention(world, spam))
    assert is_cautious(await world.general.next_bot_message())  # the screen stands, not ⏳
    assert asked[-1] == spam
    assert asked.count(spam) == 3


@pytest.mark.parametrize("bot_settings", [{"burst_answers": 1, "burst_seconds": 60}])
async def test_a_flood_arriving_faster_than_it_is_read_is_counted_on_arrival(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten copies of a mention, all waiting before any is read: one answer, one more reading.

    The encoder is held shut until every copy has arrived, so none is counted by having been
    answered: the limit counts them as they come, and the copies over it share one reading
    (which found no red flag), instead of ten.
    """
    asked = counted_readings(world, monkeypatch)
    gated = gate_the_encoder(world, monkeypatch)
    spam = mention(world, "what is the IT band?")
    sent = [await world.alice.says(world.general, spam) for _ in range(10)]
    await open_once_waiting(gated, handlers=10)
    assert len(world.general.bot_messages) == 1
    assert len(asked) == 2
    limited = [m for m in sent if world.fake.bot_user.id in m.reactions.get("⏳", [])]
    assert len(limited) == 9
