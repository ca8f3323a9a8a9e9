"""The console chat asks the screening question as y/n, like Discord's two buttons."""

from __future__ import annotations

import pytest

from bot.console.chat import ChatSession
from bot.console.text import render
from bot.engine import Engine, Outcome, Thresholds
from bot.engine.semantic.embedding_cache import EmbeddingCache
from tests.conftest import KNOWLEDGE

SCREENED = "fell at 67 yesterday and my knee hurts, can I do the curtsy squat?"
"""No red-flag phrase says this: only the learned signal flags it."""


@pytest.fixture(scope="module")
def engine(embeddings: EmbeddingCache) -> Engine:
    """An engine that screens every learned red flag (none is firm without a phrase)."""
    return Engine.from_directory(KNOWLEDGE, Thresholds(red_flag=100.0), embeddings=embeddings)


@pytest.fixture
def session(engine: Engine) -> ChatSession:
    assert engine.answer(SCREENED).outcome is Outcome.SCREEN
    return ChatSession(engine)


def test_a_screen_lists_the_signs_and_asks_y_or_n(session: ChatSession, engine: Engine) -> None:
    """The screening question comes first, with every fitting sign, and no exercise."""
    text = session.respond(SCREENED)
    assert "Does any of these apply to you?" in text
    assert all(sign in text for sign in engine.answer(SCREENED).signs)
    assert "How to do it" not in text


def test_yes_gives_the_safety_reply_of_the_screened_tier(
    session: ChatSession, engine: Engine
) -> None:
    """Answering y turns into the safety response of the tier the screen was for."""
    tier = engine.answer(SCREENED).tier
    assert tier is not None
    session.respond(SCREENED)
    text = session.respond("y")
    assert tier.response.strip() in text
    assert "How to do it" not in text


def test_no_gives_the_answer_without_the_screen(session: ChatSession, engine: Engine) -> None:
    """Answering n gives what the engine answers once the member has ruled the signs out."""
    session.respond(SCREENED)
    expected = engine.answer(SCREENED, screened=True)
    offer_more = expected.entry is not None
    assert session.respond("no") == render(expected, engine.knowledge, offer_more=offer_more)
    assert engine.answer(SCREENED, screened=True).outcome is not Outcome.SCREEN


def test_no_exercise_advice_while_the_screen_waits_for_its_answer(session: ChatSession) -> None:
    """An exercise question before y/n gets the screening question again; "n" then answers."""
    session.respond(SCREENED)
    assert "Does any of these apply to you?" in session.respond("how many sets of the leg curl?")
    assert "Does any of these" not in session.respond("n")
    assert "Foam roller" in session.respond("/routine")


def test_an_unknown_slash_command_is_named_not_answered(session: ChatSession) -> None:
    """A Discord command such as /forget-me: the console says so rather than reading it."""
    text = session.respond("/forget-me")
    assert text.startswith("There is no /forget-me here")
    assert "Does any of these apply to you?" not in text


def test_help_describes_the_console_not_discord(session: ChatSession) -> None:
    """No mentions, DMs or /forget-me in the console's /help: what works here."""
    text = session.respond("/help")
    assert "`more`" in text
    assert "Mention me" not in text
    assert "/forget-me" not in text


def test_more_prints_plain_text(session: ChatSession) -> None:
    """The whole entry, without Discord's bold marks."""
    session.respond("what is the IT band?")
    text = session.respond("more")
    assert "IT band" in text
    assert "**" not in text
