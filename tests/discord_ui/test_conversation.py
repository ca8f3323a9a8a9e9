"""Conversations end to end over the fake Discord: the same cases the console is tested on."""

from __future__ import annotations

import re
from pathlib import Path

import discord
import pytest
from fakediscord import Channel, FakeMessage, handlers_settled

from bot.config import Settings
from bot.conversation.wording import RESTATED, SAFETY_FOOTER, SHORT_LIMIT, small_talk_text
from bot.discord_ui.client import intents_for
from bot.discord_ui.embeds import answer_embed, safety_embed
from bot.engine import Engine, Outcome, Reply
from bot.live_settings import LiveSettings
from bot.store import Store
from tests.conversation.cases import (
    DOSE,
    FOLLOW_UPS,
    LOCK_OUT,
    MIXED,
    RED_FLAG,
    SMALL_TALK_LINES,
    WEIGHT,
    WITHOUT_RED_FLAG,
)
from tests.discord_ui.conftest import World
from tests.discord_ui.test_members import labels, mention


def description(message: FakeMessage) -> str:
    return message.embeds[0].get("description", "")


def said(world: World, text: str) -> str:
    """``text`` as the bot says it on Discord: commands named in it become mentions."""
    return world.bot.linked(discord.Embed(description=text)).description or ""


async def _say(world: World, line: str, channel: Channel) -> FakeMessage:
    """One line of a conversation, as alice: a slash command or a mention; the bot's reply."""
    if line.startswith("/"):
        command, _, name = line.removeprefix("/").partition(" ")
        options = {"name": name} if name else {}
        await world.alice.slash(command, channel=channel, **options)
        return await channel.next_bot_message()  # the command's response, posted in the channel
    await world.alice.says(channel, mention(world, line))
    return await channel.next_bot_message()


@pytest.mark.parametrize(("lines", "entry_id", "kind", "says"), FOLLOW_UPS)
async def test_a_follow_up_is_answered_in_context(
    world: World, lines: tuple[str, ...], entry_id: str, kind: str, says: str
) -> None:
    """Each follow-up, sent as the next mention, gets the entry in context and its part."""
    for line in lines:
        reply = await _say(world, line, world.general)
    assert reply.embeds[0]["title"] == world.bot.engine.knowledge.entries[entry_id].title
    assert says in description(reply)


async def test_a_reply_to_an_answer_is_a_follow_up_even_from_elsewhere(world: World) -> None:
    """Replying to the bot's answer reads the reply with that answer's topic."""
    first, follow_up = FOLLOW_UPS[0][0]
    answer = await _say(world, first, world.general)
    await world.alice.says(world.help, "unrelated chatter in another channel")
    await world.alice.says(world.general, mention(world, follow_up), reply_to=answer)
    reply = await world.general.next_bot_message()
    assert "What does fix them" in description(reply)


async def test_a_follow_up_after_a_safety_reply_gets_no_exercise_advice(world: World) -> None:
    """After a red flag, "it's not that bad" restates the safety advice kindly, nothing else."""
    first = await _say(world, RED_FLAG, world.general)
    tier = world.bot.engine.knowledge.tier("same-day")
    assert tier is not None
    assert first.embeds[0]["title"].endswith(tier.title)
    for line in WITHOUT_RED_FLAG:
        reply = await _say(world, line, world.general)
        embed = reply.embeds[0]
        assert embed["title"].endswith(tier.title)
        assert description(reply).startswith(RESTATED)
        assert "fields" not in embed or not embed["fields"]
        assert "Full exercise" not in labels(reply)


@pytest.mark.parametrize(("line", "kind"), SMALL_TALK_LINES[:4])
async def test_small_talk_is_answered_when_addressed_and_not_kept_as_unanswered(
    world: World, line: str, kind: str
) -> None:
    """A mention of small talk gets its short reply, stored as small talk (not "abstain")."""
    reply = await _say(world, line, world.general)
    assert description(reply) == said(world, small_talk_text(kind, world.bot.engine.knowledge))
    await handlers_settled()
    assert world.bot.store.outcome_counts(0) == {Outcome.SMALL_TALK.value: 1}


async def test_small_talk_in_a_help_channel_gets_silence(world: World) -> None:
    """Nobody asked the bot anything: passive small talk is ignored."""
    for line, _ in SMALL_TALK_LINES:
        await world.alice.says(world.help, line)
    await world.help.assert_no_bot_message(within=0.5)


@pytest.mark.parametrize(
    ("question", "starts"),
    [
        (LOCK_OUT, "**No.** Step 4 of 4: Move through controlled reps, without locking"),
        (DOSE, "Dose: Sets: 2 · Reps: 8 to 10 slow reps"),
        (WEIGHT, "Step 1 of 4: Keep pressure (your weight) on the inside edge"),
        (MIXED, "The article doesn't cover icing"),
    ],
)
async def test_short_answers_lead_with_the_part_asked_about(
    world: World, question: str, starts: str
) -> None:
    """The lock-out, dose, weight and mixed questions lead with the right part."""
    reply = await _say(world, question, world.general)
    assert description(reply).startswith(starts)
    assert len(discord.Embed.from_dict(reply.embeds[0])) <= SHORT_LIMIT


async def test_full_exercise_button_shows_the_whole_entry_to_the_clicker(world: World) -> None:
    """The short answer stays; the whole exercise comes privately, each step said once."""
    reply = await _say(world, LOCK_OUT, world.general)
    assert labels(reply)[0] == "Full exercise"
    full = await world.bob.click(reply, "Full exercise")
    assert full.ephemeral
    fields = {field["name"]: field["value"] for field in full.embeds[0]["fields"]}
    entry = world.bot.engine.knowledge.entries["reverse-curtsy-split-squat"]
    assert fields["How to do it"].count(entry.steps[3]) == 1
    assert "Cues" not in fields
    assert entry.steps[3] not in full.embeds[0]["description"]


async def test_related_topics_are_a_menu_under_the_answer(world: World, engine: Engine) -> None:
    """Picking a related topic shows its short answer, privately."""
    reply = await _say(world, "should I foam roll my IT band?", world.general)
    picked = await world.alice.select(reply, ["it-band"])
    assert picked.ephemeral
    assert picked.embeds[0]["title"] == engine.knowledge.entries["it-band"].title


def test_every_entry_short_answer_fits_the_aim_as_an_embed(engine: Engine) -> None:
    """The Discord embed of each entry's short answer is within SHORT_LIMIT characters."""
    for entry_id in engine.knowledge.entries:
        reply = engine.reply_for(entry_id)
        assert reply is not None
        assert len(answer_embed(reply)) <= SHORT_LIMIT, entry_id


def test_the_safety_reply_says_it_once_with_the_action_first(engine: Engine) -> None:
    """No repeated "no exercise advice"; the footer names the bot's guidance, not the article."""
    for tier in engine.knowledge.safety_tiers:
        embed = safety_embed(Reply(outcome=Outcome.SAFETY, score=100, tier=tier))
        text = embed.description or ""
        assert text.count("exercise advice") == 1, tier.id
        assert text.startswith(("Call", "Please")), tier.id
        assert embed.footer.text == SAFETY_FOOTER
        assert not embed.fields


async def test_topics_is_a_short_menu(world: World) -> None:
    """/topics is a line and a menu, not a wall of text."""
    result = await world.alice.slash("topics", channel=world.general)
    assert len(description(result.message)) < 200
    assert result.message.selects()


async def test_routine_lists_each_exercise_once(world: World, engine: Engine) -> None:
    """/routine names each exercise once, with its dose."""
    message = (await world.alice.slash("routine", channel=world.general)).message
    for exercise in engine.knowledge.exercises():
        assert message.text.count(exercise.title) == 1, exercise.id


@pytest.mark.parametrize("bot_settings", [{"burst_answers": 3, "burst_seconds": 60}])
async def test_a_short_burst_is_answered_and_a_flood_is_limited(world: World) -> None:
    """Three answers in a row go through (a conversation); the fourth gets ⏳."""
    for line in FOLLOW_UPS[2][0][1:] * 3:
        await world.alice.says(world.general, mention(world, line))
        await world.general.next_bot_message()
    fourth = await world.alice.says(world.general, mention(world, "what is the VL?"))
    await world.general.assert_no_bot_message(within=0.5)
    assert world.fake.bot_user.id in fourth.reactions.get("⏳", [])


async def test_a_forum_post_is_answered_in_its_thread(world: World, engine: Engine) -> None:
    """A new post's title and first message are read; the answer goes in the post's thread."""
    post = await world.alice.create_forum_post(
        world.forum, "Should I foam roll my IT band?", "I roll it every night and it still hurts."
    )
    answer = await post.next_bot_message()
    assert answer.channel_id == post.id
    assert answer.embeds[0]["title"] == engine.knowledge.entries["foam-rolling"].title


async def test_a_forum_post_that_is_not_a_question_gets_silence(world: World) -> None:
    """Passive rules hold in forums too: chatter gets no reply."""
    post = await world.alice.create_forum_post(world.forum, "Leg day", "Great session today!")
    await post.assert_no_bot_message(within=0.5)


async def test_a_mention_inside_a_thread_is_answered_there(world: World) -> None:
    """Addressed in a thread, the bot replies in that thread, with the thread's context."""
    post = await world.alice.create_forum_post(
        world.forum, "Should I foam roll my IT band?", "Asking for a friend."
    )
    answer = await post.next_bot_message()
    await world.alice.says(post, mention(world, "ok so what do i do instead"), reply_to=answer)
    reply = await post.next_bot_message()
    assert reply.channel_id == post.id
    assert "What does fix them" in description(reply)


async def test_commands_named_in_a_reply_are_clickable_mentions(world: World) -> None:
    """A "Try `/topics`" becomes Discord's command mention, with the synced command's id."""
    reply = await _say(world, "what running shoes should i buy?", world.general)
    topics = world.bot.command_mentions["topics"]
    assert re.fullmatch(r"</topics:\d+>", topics)
    assert topics in description(reply)
    assert "`/topics`" not in description(reply)


async def test_after_a_red_flag_buttons_and_commands_give_the_safety_advice(
    world: World,
) -> None:
    """Full exercise on an earlier answer, /routine, its guided mode: all keep to safety."""
    routine = await _say(world, "/routine", world.general)
    answer = await _say(world, LOCK_OUT, world.general)
    await _say(world, RED_FLAG, world.general)
    tier = world.bot.engine.knowledge.tier("same-day")
    assert tier is not None
    full = await world.alice.click(answer, "Full exercise")
    guide = await world.alice.click(routine, "Start guided mode")
    again = await world.alice.slash("routine", channel=world.general)
    assert again.ephemeral, "a standing red flag is the member's own business"
    for message in (full.message, guide.message, again.message):
        assert message is not None
        assert message.embeds[0]["title"].endswith(tier.title)
        assert "How to do it" not in message.text
        assert "Start guided mode" not in labels(message)


async def test_a_forum_post_with_a_red_flag_title_gets_the_safety_reply(world: World) -> None:
    """Mentioned in a post, the bot still reads the post's title: the red flag is in it."""
    post = await world.alice.create_forum_post(
        world.forum, RED_FLAG, mention(world, "what exercises should I do?")
    )
    answer = await post.next_bot_message()
    tier = world.bot.engine.knowledge.tier("same-day")
    assert tier is not None
    assert answer.embeds[0]["title"].endswith(tier.title)


async def test_a_bare_mention_is_greeted_and_not_kept(world: World) -> None:
    """Only the bot's name: a greeting, and nothing stored."""
    await world.alice.says(world.general, mention(world, ""))
    reply = await world.general.next_bot_message()
    assert description(reply) == said(
        world, small_talk_text("greeting", world.bot.engine.knowledge)
    )
    await handlers_settled()
    assert world.bot.store.outcome_counts(0) == {}


async def test_small_talk_is_not_among_the_unanswered(world: World) -> None:
    """/kb unanswered lists the real gaps; thanks and greetings are not among them."""
    world.guild.set_command_permission("kb", world.mod.roles[-1], allowed=True)
    await _say(world, "thanks!! super helpful", world.general)
    await _say(world, "what's the best pizza topping", world.general)
    await handlers_settled()
    report = await (await world.mod.slash("kb", "unanswered", channel=world.general)).final()
    assert "pizza topping" in report.text
    assert "super helpful" not in report.text


@pytest.mark.parametrize(
    ("channels", "reads_content"),
    [
        ({}, False),
        ({"answer_channels": frozenset({1})}, True),
        ({"forum_channels": frozenset({2})}, True),
    ],
)
def test_message_content_is_asked_for_only_where_unaddressed_posts_are_read(
    channels: dict[str, frozenset[int]], reads_content: bool, tmp_path: Path
) -> None:
    """Help channels and forum channels need the privileged intent; mentions and DMs don't."""
    intents = intents_for(LiveSettings(Settings(**channels), Store(tmp_path / "bot.db")))
    assert intents.message_content is reads_content
    assert intents.guilds
    assert intents.dm_messages


def test_help_channels_set_in_one_server_ask_for_message_content(tmp_path: Path) -> None:
    """Set with /setup in any server (none in .env), they need the intent too."""
    store = Store(tmp_path / "bot.db")
    store.set_setup_value("ANSWER_CHANNELS", "123", member_id=7, guild_id=42)
    assert intents_for(LiveSettings(Settings(), store)).message_content
