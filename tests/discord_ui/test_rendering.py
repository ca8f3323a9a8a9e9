"""Discord rendering stays inside Discord's limits whatever the knowledge base holds."""

from __future__ import annotations

import sys

import discord

from bot.config import Secret, Settings
from bot.discord_ui.embeds import (
    ASKED_FIELD,
    CODE_FENCE,
    DESCRIPTION_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_VALUE_LIMIT,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    asked_question,
    entry_embed,
    fit,
    screen_embed,
    topics_embed,
)
from bot.discord_ui.runner import REDACTED, RedactSecrets
from bot.engine import Engine, Outcome, Reply, Topic
from bot.engine.model import Dose, Entry, SafetyTier


def huge_exercise() -> Entry:
    return Entry(
        id="huge",
        kind="exercise",
        title="T" * 100,
        summary="s" * 300,
        body="b" * 2000,
        questions=["q"],
        source="S" * 100,
        purpose="p" * 2000,
        steps=["x" * 300] * 20,
        dose=Dose(
            sets="1" * 300, reps="2" * 300, duration="3" * 300, tempo="4" * 300, note="5" * 300
        ),
        cues=["c" * 300] * 20,
        feel="f" * 300,
        order=1,
    )


def test_huge_entry_fits_discord_limits() -> None:
    """Every part is clipped and the total stays under 6,000 characters."""
    reply = Reply(
        outcome=Outcome.ANSWER,
        score=100,
        entry=huge_exercise(),
        related=tuple(Topic(f"id-{n}", "r" * 100) for n in range(10)),
    )
    embed = entry_embed(reply)
    assert len(embed) <= TOTAL_LIMIT
    assert len(embed.description or "") <= DESCRIPTION_LIMIT
    assert len(embed.fields) <= FIELD_COUNT_LIMIT
    assert all(len(field.value or "") <= FIELD_VALUE_LIMIT for field in embed.fields)


def test_fit_clips_every_part() -> None:
    """Titles, descriptions, field counts and values are all brought within limits."""
    embed = discord.Embed(title="t" * 1000, description="d" * 10_000)
    for _ in range(40):
        embed.add_field(name="n" * 500, value="v" * 5000)
    fitted = fit(embed)
    assert len(fitted.title) == TITLE_LIMIT
    assert len(fitted) <= TOTAL_LIMIT
    assert len(fitted.fields) <= FIELD_COUNT_LIMIT


def screen_reply() -> Reply:
    tier = SafetyTier(id="soon", title="Book a check", response="See a GP.", phrases=["x y"])
    return Reply(outcome=Outcome.SCREEN, score=60, tier=tier, signs=("s" * 300,) * 4)


def asked_value(embed: discord.Embed) -> str:
    return next(field.value or "" for field in embed.fields if field.name == ASKED_FIELD)


def test_screen_quotes_the_question_inertly_and_gives_it_back() -> None:
    """Markup in the question can't escape its code block, and "No" reads back what was asked."""
    question = "```my knee``` [free](https://x.example) <@123> **hurts**, can I squat?"
    embed = screen_embed(screen_reply(), question)
    value = asked_value(embed)
    assert value.startswith(f"{CODE_FENCE}\n")
    assert value.endswith(f"\n{CODE_FENCE}")
    assert value.count(CODE_FENCE) == 2
    assert asked_question(embed) == question


def test_screen_clips_a_huge_question_inside_its_code_block() -> None:
    """A 20,000-character question is cut, the closing fence kept, the embed within limits."""
    embed = screen_embed(screen_reply(), "x" * 20_000)
    value = asked_value(embed)
    assert len(embed) <= TOTAL_LIMIT
    assert len(value) <= FIELD_VALUE_LIMIT
    assert value.endswith(f"\n{CODE_FENCE}")
    assert (asked_question(embed) or "").startswith("x" * 1000)


def test_topics_list_fits_for_the_real_knowledge_base(engine: Engine) -> None:
    """The topics embed for the shipped knowledge base is within limits."""
    assert len(topics_embed(engine.knowledge)) <= TOTAL_LIMIT


def test_token_is_never_in_settings_repr() -> None:
    """The token is a secret: not shown by repr or str."""
    settings = Settings(discord_token=Secret("super-secret-token-value"))
    assert "super-secret-token-value" not in repr(settings)
    assert "super-secret-token-value" not in str(settings)


def test_log_filter_redacts_the_token() -> None:
    """A log record that would contain the token is rewritten."""
    import logging

    record = logging.LogRecord(
        "discord", logging.INFO, __file__, 1, "token is %s", ("abc.def",), None
    )
    assert RedactSecrets("abc.def").filter(record)
    assert record.getMessage() == f"token is {REDACTED}"


def test_log_filter_redacts_interaction_tokens_and_members_words() -> None:
    """DEBUG lines with a REST path or a gateway payload keep neither tokens nor text."""
    import logging

    token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZmdo"
    lines = [
        ("POST /interactions/1234567890/%s/callback", (token,)),
        ("POST /webhooks/42/%s?wait=1 has returned 200", (token,)),
        (
            "For Shard ID None: WebSocket Event: %s",
            ({"t": "MESSAGE_CREATE", "d": {"content": 'my "private" knee story'}},),
        ),
        ('payload {"options": [{"name": "question", "value": "my knee story"}]}', ()),
        (
            "For Shard ID None: WebSocket Event: %s",
            ({"t": "THREAD_CREATE", "d": {"name": "my knee story, need help", "type": 11}},),
        ),
        (
            "For Shard ID None: WebSocket Event: %s",
            ({"t": "MESSAGE_CREATE", "d": {"attachments": [{"filename": "knee story.png"}]}},),
        ),
    ]
    for text, args in lines:
        record = logging.LogRecord("discord", logging.DEBUG, __file__, 1, text, args, None)
        assert RedactSecrets("bot-token").filter(record)
        message = record.getMessage()
        assert token not in message
        assert "knee story" not in message
        assert "redacted" in message


def test_log_filter_redacts_tracebacks_too() -> None:
    """An exception logged with its traceback keeps neither the token nor members' words."""
    import logging

    try:
        raise ValueError("failed POST /webhooks/42/aW50ZXJhY3Rpb246MTIzNDU2Nzg5 for bot-token")
    except ValueError:
        record = logging.LogRecord(
            "bot", logging.ERROR, __file__, 1, "Interaction failed", (), sys.exc_info()
        )
    assert RedactSecrets("bot-token").filter(record)
    text = logging.Formatter().format(record)
    assert "bot-token" not in text
    assert "aW50ZXJhY3Rpb246MTIzNDU2Nzg5" not in text
    assert "ValueError" in text
