"""The message command "Answer with the bot", end to end: a helper has a message answered."""

from __future__ import annotations

import pytest
from fakediscord import FakeMessage, InteractionResult, Member

from bot.conversation.wording import SCREEN_YES
from bot.discord_ui.exts.answer_for import (
    ALREADY,
    ANSWERED,
    COMMAND_NAME,
    MY_OWN,
    NOT_FOR_YOU,
    TOLD_SAFETY,
    YES_OR_NO,
)
from bot.discord_ui.exts.feedback import NOT_YOUR_VOTE
from bot.discord_ui.recent_replies import RecentReplies
from bot.engine import Engine, Outcome
from tests.discord_ui.conftest import World
from tests.discord_ui.test_members import labels, mention, titles
from tests.discord_ui.test_screening import screened_question

FIRM_RED_FLAGS = [
    "my calf is hot, red and swollen since yesterday, how many reps of the leg curl?",
    "my knee locked and I can't straighten it, how many reps of the curtsy squat?",
    "I can't put any weight on my leg since the fall, should I foam roll?",
]


def firm_red_flag(engine: Engine) -> str:
    """A question the engine answers with a safety reply outright (the test is the path)."""
    for question in FIRM_RED_FLAGS:
        if engine.answer(question).outcome is Outcome.SAFETY:
            return question
    pytest.fail("no candidate is a firm red flag for this knowledge base")


async def answered_for(by: Member, message: FakeMessage) -> str:
    """What ``by`` is told, privately, after asking the bot to answer ``message``."""
    result: InteractionResult = await by.message_command(COMMAND_NAME, message)
    told = await result.final()
    assert told.ephemeral
    return told.content


async def test_a_helper_has_a_members_question_answered_and_the_buttons_are_the_members(
    world: World, engine: Engine
) -> None:
    """The answer a mention gets, as a reply to the member; only the member votes on it."""
    asked = await world.alice.says(world.general, "should I foam roll my IT band?")
    assert await answered_for(world.helper, asked) == ANSWERED
    reply = await world.general.next_bot_message()
    assert reply.reference["message_id"] == str(asked.id)
    assert titles(reply) == [engine.knowledge.get("foam-rolling").title]
    assert labels(reply) == ["Full explanation", "Helpful", "Not helpful", "Delete"]
    refused = await world.helper.click(reply, "Helpful")
    assert refused.ephemeral
    assert refused.content == NOT_YOUR_VOTE
    assert world.bot.store.votes_for(reply.id) == (0, 0)
    voted = await world.alice.click(reply, "Helpful")
    assert "noted as helpful" in voted.content
    assert world.bot.store.votes_for(reply.id) == (1, 0)


async def test_a_red_flag_gets_the_safety_reply_and_no_exercise(
    world: World, engine: Engine
) -> None:
    """Safety first, as for a mention: the tier's reply, only Delete under it."""
    asked = await world.alice.says(world.general, firm_red_flag(engine))
    assert await answered_for(world.helper, asked) == TOLD_SAFETY
    reply = await world.general.next_bot_message()
    assert reply.reference["message_id"] == str(asked.id)
    assert titles(reply)[0].startswith("⚠️")
    assert "How to do it" not in reply.text
    assert labels(reply) == ["Delete"]


async def test_a_question_in_a_thread_is_answered_in_it(world: World) -> None:
    """The reply goes where the member asked: in the thread."""
    opening = await world.bob.says(world.general, "knee thread")
    thread = await world.bob.start_thread(opening, "knees")
    asked = await world.alice.says(thread, "how many reps of the leg curl?")
    assert await answered_for(world.mod, asked) == ANSWERED
    reply = await thread.next_bot_message()
    assert reply.reference["message_id"] == str(asked.id)
    await world.general.assert_no_bot_message()


async def test_a_member_without_the_helper_role_is_refused(world: World) -> None:
    """Privately, and nothing is posted."""
    asked = await world.alice.says(world.general, "should I foam roll my IT band?")
    assert await answered_for(world.bob, asked) == NOT_FOR_YOU
    await world.general.assert_no_bot_message()


async def test_the_bots_own_message_is_refused(world: World) -> None:
    """A moderator right-clicking the bot's answer is told so; the bot answers nothing."""
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    own = await world.general.next_bot_message()
    assert await answered_for(world.mod, own) == MY_OWN
    await world.general.assert_no_bot_message()


async def test_a_bare_yes_or_no_is_refused_so_a_helper_can_t_answer_a_screen(world: World) -> None:
    """An old "no" of the member's, answered for them, would settle a screening question."""
    old_no = await world.alice.says(world.general, "no")
    question = screened_question(world.bot.engine)
    await world.alice.says(world.general, mention(world, question))
    screen = await world.general.next_bot_message()
    assert SCREEN_YES in labels(screen)
    assert await answered_for(world.helper, old_no) == YES_OR_NO
    await world.general.assert_no_bot_message()


def link(world: World, message: FakeMessage) -> str:
    """The link Discord gives a message in the general channel."""
    return f"https://discord.com/channels/{world.guild.id}/{world.general.id}/{message.id}"


async def test_a_message_answered_already_is_not_answered_twice(world: World) -> None:
    """A second helper, or a message the bot answered on its mention: told where the reply is."""
    asked = await world.alice.says(world.general, "should I foam roll my IT band?")
    assert await answered_for(world.helper, asked) == ANSWERED
    reply = await world.general.next_bot_message()
    again = await answered_for(world.mod, asked)
    assert again == ALREADY.format(link=link(world, reply))
    mentioned = await world.bob.says(world.general, mention(world, "what is the IT band?"))
    first = await world.general.next_bot_message()
    assert await answered_for(world.helper, mentioned) == ALREADY.format(link=link(world, first))
    await world.general.assert_no_bot_message()


def test_recent_replies_keep_the_newest() -> None:
    """Bounded: the oldest message is forgotten first."""
    replies = RecentReplies(kept=2)
    for message_id in (1, 2, 3):
        replies.add(message_id, f"link-{message_id}")
    assert [replies.link(message_id) for message_id in (1, 2, 3)] == [None, "link-2", "link-3"]
