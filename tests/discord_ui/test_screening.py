"""The screening question, end to end: maybe a red flag, so ask first, then answer."""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import discord
import numpy as np
import pytest
from fakediscord import (
    DiscordErrorGuard,
    FakeDiscord,
    FakeMessage,
    handlers_settled,
    run_client,
)
from fakediscord.settling import handlers_running

from bot.conversation.wording import SCREEN_NO, SCREEN_QUESTION, SCREEN_TITLE, SCREEN_YES
from bot.discord_ui.client import create_bot
from bot.discord_ui.embeds import ASKED_FIELD, reply_embed, safety_embed
from bot.discord_ui.reply_view import NOT_YOUR_SCREEN, answer_view
from bot.engine import Engine, Outcome, Reply
from tests.discord_ui.conftest import World, make_settings
from tests.discord_ui.test_members import labels, mention, titles

SCREENED = [
    "I twisted my knee a week ago and the outside hurts, should I foam roll my IT band?",
    "my knee got worse over the month, is the vastus lateralis the cause?",
    "my knee hurts more every week, should I foam roll my IT band?",
    "I slipped on ice last week and the outside of my knee hurts, how many reps of the curtsy "
    "squat?",
]
RED_FLAGS = [
    "my foot is cold and pale after running, is it my ITB?",
    "my foot feels a bit numb after running, is it my ITB?",
    "my knee sometimes feels like it might buckle on stairs, IT band?",
    "my knee aches at night sometimes, is the IT band the problem?",
]
ENCODE_DELAY = 0.3
TICK = 0.01


def screened_question(engine: Engine) -> str:
    """A question the live engine screens and answers once screened (the test is the flow)."""
    for question in SCREENED:
        first = engine.answer(question)
        if first.outcome is Outcome.SCREEN and engine.answer(question, screened=True).entry:
            return question
    pytest.fail("no candidate question is screened, then answered, by this knowledge base")


def shown(embed: dict[str, Any]) -> dict[str, Any]:
    """What a member sees of an embed: title, description, fields and footer."""
    return {
        "title": embed.get("title"),
        "description": embed.get("description"),
        "fields": [(f["name"], f["value"]) for f in embed.get("fields", [])],
        "footer": (embed.get("footer") or {}).get("text"),
    }


def expected_labels(reply: Reply, asker_id: int) -> list[str]:
    """The button labels the bot puts under ``reply``."""
    items = [child.item for child in answer_view(reply, asker_id).children]  # type: ignore[attr-defined]
    return [item.label for item in items if isinstance(item, discord.ui.Button)]


def assert_is_screen(message: FakeMessage, screen: Reply) -> None:
    """The screening question with the engine's signs, Yes / No (and Delete), no exercises."""
    embed = message.embeds[0]
    assert embed["title"] == SCREEN_TITLE
    assert embed["description"].startswith(SCREEN_QUESTION)
    for sign in screen.signs:
        assert f"• {sign}" in embed["description"]
    assert labels(message) == [SCREEN_YES, SCREEN_NO, "Delete"]
    assert "not medical advice" in embed["footer"]["text"]
    assert "How to do it" not in message.text


def assert_is_safety(message: FakeMessage, screen: Reply) -> None:
    """The safety reply of the screen's tier: its response, no exercise text, only Delete."""
    assert screen.tier is not None
    safety = Reply(outcome=Outcome.SAFETY, score=100, tier=screen.tier)
    assert shown(message.embeds[0]) == shown(safety_embed(safety).to_dict())
    assert titles(message) == [f"⚠️ {screen.tier.title}"]
    assert "can't give exercise advice" in message.text
    for exercise_text in ("How to do it", "Dose", "Cues", ASKED_FIELD):
        assert exercise_text not in message.text
    assert labels(message) == ["Delete"]


def assert_is_screened_answer(
    message: FakeMessage, engine: Engine, question: str, asker: int
) -> None:
    """Exactly what the engine answers once no warning sign applies, buttons and all."""
    expected = engine.answer(question, screened=True)
    assert expected.outcome is not Outcome.SCREEN
    assert shown(message.embeds[0]) == shown(
        reply_embed(expected, question, engine.knowledge).to_dict()
    )
    assert labels(message) == expected_labels(expected, asker)


async def test_screening_mention_lists_the_signs_and_asks(world: World) -> None:
    """A mention that may be a red flag: a reply with the fitting signs and Yes / No."""
    question = screened_question(world.bot.engine)
    screen = world.bot.engine.answer(question)
    asked = await world.alice.says(world.general, mention(world, question))
    reply = await world.general.next_bot_message()
    assert reply.reference["message_id"] == str(asked.id)
    assert_is_screen(reply, screen)
    assert reply.allowed_mentions["parse"] == []


async def test_screening_yes_on_a_mention_gives_the_tiers_safety_reply(world: World) -> None:
    """Yes, one of these: the message turns into the safety reply of the screen's tier."""
    question = screened_question(world.bot.engine)
    screen = world.bot.engine.answer(question)
    await world.alice.says(world.general, mention(world, question))
    reply = await world.general.next_bot_message()
    clicked = await world.alice.click(reply, SCREEN_YES)
    assert clicked.message is reply
    assert_is_safety(reply, screen)


async def test_screening_no_on_a_mention_answers_as_screened(world: World) -> None:
    """No, none of these: the message turns into the engine's answer without the screen."""
    question = screened_question(world.bot.engine)
    await world.alice.says(world.general, mention(world, question))
    reply = await world.general.next_bot_message()
    clicked = await world.alice.click(reply, SCREEN_NO)
    assert clicked.message is reply
    assert_is_screened_answer(reply, world.bot.engine, question, world.alice.id)
    assert "Helpful" in labels(reply)


async def test_screening_yes_on_slash_ask_gives_the_safety_reply(world: World) -> None:
    """/ask: the screen is private to the asker, and "Yes" gives the tier's safety reply."""
    question = screened_question(world.bot.engine)
    screen = world.bot.engine.answer(question)
    result = await world.alice.slash("ask", channel=world.general, question=question)
    assert result.ephemeral
    assert_is_screen(result.message, screen)
    clicked = await world.alice.click(result.message, SCREEN_YES)
    assert_is_safety(await clicked.final(), screen)


async def test_screening_no_on_slash_ask_answers_as_screened(world: World) -> None:
    """/ask: "No" answers the question the member typed, read back from the private message."""
    question = screened_question(world.bot.engine)
    result = await world.alice.slash("ask", channel=world.general, question=question)
    clicked = await world.alice.click(result.message, SCREEN_NO)
    final = await clicked.final()
    assert final.ephemeral
    assert_is_screened_answer(final, world.bot.engine, question, world.alice.id)


@pytest.mark.parametrize("button", [SCREEN_YES, SCREEN_NO])
async def test_screening_buttons_refuse_other_members(world: World, button: str) -> None:
    """Only the asker answers the screen: anyone else is told privately, the message stays."""
    question = screened_question(world.bot.engine)
    await world.alice.says(world.general, mention(world, question))
    reply = await world.general.next_bot_message()
    before = (reply.embeds, reply.components, len(reply.history))
    refused = await world.bob.click(reply, button)
    assert refused.ephemeral
    assert refused.content == NOT_YOUR_SCREEN
    assert (reply.embeds, reply.components, len(reply.history)) == before
    await world.general.assert_no_bot_message(within=0.3)


async def test_screening_in_a_help_channel_is_shown_unasked(world: World) -> None:
    """In help channels a screen is shown without a mention, as a red flag is."""
    question = screened_question(world.bot.engine)
    await world.alice.says(world.help, question)
    reply = await world.help.next_bot_message()
    assert_is_screen(reply, world.bot.engine.answer(question, passive=True))


def red_flag_of(engine: Engine, tier: str | None) -> str:
    """A message the live engine gives the safety reply of ``tier``."""
    for text in RED_FLAGS:
        reply = engine.answer(text, passive=True)
        if reply.outcome is Outcome.SAFETY and reply.tier_id == tier:
            return text
    pytest.fail(f"no candidate message is a definite red flag of tier {tier}")


async def test_a_screen_never_silences_a_red_flag_of_its_tier(world: World) -> None:
    """In a help channel, a definite red flag is shown even just after a screen of its tier."""
    engine = world.bot.engine
    question = screened_question(engine)
    tier = engine.answer(question, passive=True).tier_id
    red_flag = red_flag_of(engine, tier)
    await world.alice.says(world.help, question)
    assert titles(await world.help.next_bot_message()) == [SCREEN_TITLE]
    await world.bob.says(world.help, red_flag)
    safety = await world.help.next_bot_message()
    assert titles(safety)[0].startswith("⚠️")


class SlowEncoder:
    """Wraps an encoder so each call takes ``ENCODE_DELAY`` s longer, in the calling thread."""

    def __init__(self, inner: Any) -> None:
        """Delegate to ``inner``."""
        self.inner = inner
        self.name = inner.name
        self.fingerprint = inner.fingerprint
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """``inner``'s vectors, late."""
        self.calls += 1
        time.sleep(ENCODE_DELAY)
        return self.inner.encode(texts)


class GatedEncoder:
    """Wraps an encoder so each call waits, in its own thread, until the test opens the gate."""

    def __init__(self, inner: Any) -> None:
        """Delegate to ``inner`` once :attr:`gate` is set."""
        self.inner = inner
        self.name = inner.name
        self.fingerprint = inner.fingerprint
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.threads: list[threading.Thread] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """``inner``'s vectors, once the gate opens."""
        self.threads.append(threading.current_thread())
        self.entered.set()
        assert self.gate.wait(timeout=10), "the test never opened the gate"
        return self.inner.encode(texts)


def gate_the_encoder(world: World, monkeypatch: pytest.MonkeyPatch) -> GatedEncoder:
    """The bot's encoder, held shut until the test opens it."""
    embeddings = world.bot.engine._embeddings
    gated = GatedEncoder(embeddings.encoder)
    monkeypatch.setattr(embeddings, "encoder", gated)
    return gated


async def open_once_waiting(gated: GatedEncoder, handlers: int) -> None:
    """Open the encoder once ``handlers`` messages are in hand and one waits; let all settle."""
    for _ in range(1000):
        if handlers_running() == handlers and gated.entered.is_set():
            break
        await asyncio.sleep(0.01)
    gated.gate.set()
    await handlers_settled(timeout=60)


async def test_answering_does_not_block_the_event_loop(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the encoder works on one member's mention, another member's /help is answered.

    The encoder is held until that /help reply has arrived: were answering done on the event
    loop, the loop could not serve /help, and the test would fail rather than wait.
    """
    embeddings = world.bot.engine._embeddings
    gated = GatedEncoder(embeddings.encoder)
    monkeypatch.setattr(embeddings, "encoder", gated)
    await world.alice.says(world.general, mention(world, "what is the IT band?"))
    assert await asyncio.to_thread(gated.entered.wait, 10)
    help_reply = await world.bob.slash("help", channel=world.general)
    assert help_reply.message.embeds
    gated.gate.set()
    reply = await world.general.next_bot_message()
    assert "IT band" in reply.text
    assert threading.main_thread() not in gated.threads
    await world.general.assert_no_bot_message()


async def ask_recorded(bot: Any, timeout: float = 2.0) -> None:
    """Wait until ``bot`` has stored an ask: stopping sooner closes the store under it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await asyncio.to_thread(bot.store.asks_since, 1):
        assert loop.time() < deadline, "the ask was never recorded"
        await asyncio.sleep(TICK)


async def test_screening_buttons_work_after_a_restart(tmp_path: Path, engine: Engine) -> None:
    """Everything "No" needs is on the message: a restarted bot answers the click."""
    question = screened_question(engine)
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Club")
        channel = guild.add_text_channel("general")
        member = guild.add_member("alice")
        settings = make_settings(tmp_path, fake, guild, channel)
        for run in ("before", "after"):
            bot = create_bot(settings, copy.copy(engine), guild_ready_timeout=0.1)
            async with DiscordErrorGuard(loggers=("discord", "bot")), run_client(bot, fake):
                if run == "before":
                    await member.says(channel, f"<@{fake.bot_user.id}> {question}")
                    screen = await channel.next_bot_message()
                    await ask_recorded(bot)
                else:
                    await member.click(screen, SCREEN_NO)
                    assert_is_screened_answer(screen, bot.engine, question, member.id)


async def test_a_slow_answer_to_slash_ask_is_acknowledged_then_sent(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When answering queues past the wait, /ask defers and then sends the answer privately."""
    from bot.discord_ui.exts import answers

    embeddings = world.bot.engine._embeddings
    monkeypatch.setattr(embeddings, "encoder", SlowEncoder(embeddings.encoder))
    monkeypatch.setattr(answers, "ANSWER_WITHIN", ENCODE_DELAY / 3)
    result = await world.alice.slash("ask", channel=world.general, question="what is the VL?")
    reply = await result.final()
    assert result.ephemeral
    assert world.bot.engine.knowledge.get("vastus-lateralis").title in reply.text
