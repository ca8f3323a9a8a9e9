"""The hold: after a safety reply, no exercise advice to that member anywhere, for a while."""

from __future__ import annotations

import pytest

from bot.conversation.assistant import Assistant
from bot.conversation.memory import Memory, Place
from bot.engine import Engine, Outcome, Reply
from bot.engine.context import Context, Finding

CHANNEL = Place(member=1, place=10)
DM = Place(member=1, place=99)
OTHER_MEMBER = Place(member=2, place=10)
HOURS = 3600.0


@pytest.fixture
def clock() -> list[float]:
    """The memory's clock: tests move ``clock[0]`` on."""
    return [0.0]


@pytest.fixture
def assistant(engine: Engine, clock: list[float]) -> Assistant:
    memory = Memory(300.0, clock=lambda: clock[0], hold_seconds=24 * HOURS)
    return Assistant(engine, memory)


def say(assistant: Assistant, line: str, where: Place) -> Reply:
    reply = assistant.ask(line, where)
    assistant.shown(where, line, reply)
    return reply


def test_a_safety_reply_holds_the_member_in_every_place(
    assistant: Assistant, clock: list[float]
) -> None:
    """Another channel, a DM, a command, hours later: the safety advice again, restated."""
    assert say(assistant, "my knee gave way and I can't walk", CHANNEL).outcome is Outcome.SAFETY
    clock[0] = 3 * HOURS
    again = say(assistant, "how many reps of the leg curl?", DM)
    assert (again.outcome, again.restated) == (Outcome.SAFETY, True)
    exercise = assistant.exercise("prone-leg-curl", DM)
    assert exercise is not None
    assert exercise.outcome is Outcome.SAFETY
    routine = assistant.routine(DM)
    assert routine is not None
    assert routine.outcome is Outcome.SAFETY


def test_the_hold_is_the_members_own(assistant: Assistant) -> None:
    """Another member in the same channel gets their answer."""
    say(assistant, "my knee gave way and I can't walk", CHANNEL)
    reply = say(assistant, "how many reps of the leg curl?", OTHER_MEMBER)
    assert (reply.outcome, reply.entry_id) == (Outcome.ANSWER, "prone-leg-curl")


def test_the_hold_ends_after_its_hours(assistant: Assistant, clock: list[float]) -> None:
    """``SAFETY_HOLD_HOURS`` later, the member is answered again."""
    say(assistant, "my knee gave way and I can't walk", CHANNEL)
    clock[0] = 25 * HOURS
    reply = say(assistant, "how many reps of the leg curl?", DM)
    assert (reply.outcome, reply.entry_id) == (Outcome.ANSWER, "prone-leg-curl")


def test_forgetting_the_member_ends_the_hold(assistant: Assistant) -> None:
    """/forget-me clears it with the member's conversations."""
    say(assistant, "my knee gave way and I can't walk", CHANNEL)
    assistant.memory.forget_member(CHANNEL.member)
    reply = say(assistant, "how many reps of the leg curl?", DM)
    assert reply.outcome is Outcome.ANSWER


def test_its_not_that_bad_never_lifts_an_affirmed_red_flag(assistant: Assistant) -> None:
    """A follow-up never downgrades a red flag the member affirmed: no exercise advice."""
    say(assistant, "my knee gave way and I can't walk", CHANNEL)
    reply = say(assistant, "it's not that bad really, I can walk a bit. which exercise first?", DM)
    assert reply.outcome in (Outcome.SAFETY, Outcome.SCREEN)


def _misread(engine: Engine, message: str) -> Reply:
    """A safety reply the learned signal gave to ``message``: what a correction may lift."""
    tier = engine.knowledge.tier("same-day")
    reading = engine.read(message)
    words = reading.topic_words(reading.clauses[0])
    finding = Finding(tier, Context.AFFIRMED, "meaning", message, words)
    return Reply(outcome=Outcome.SAFETY, score=95, tier=tier, finding=finding)


def test_not_that_bad_lifts_no_hold_by_meaning_either(assistant: Assistant, engine: Engine) -> None:
    """It denies nothing the red flag said ("walking is impossible"): the hold stays."""
    held = _misread(engine, "walking is impossible rn")
    assistant.memory.remember(CHANNEL, "walking is impossible rn", held)
    reply = say(assistant, "it's not that bad really. how many reps of the leg curl?", CHANNEL)
    assert reply.outcome is Outcome.SAFETY


def test_a_correction_of_a_misreading_gets_an_apology_and_the_answer(
    assistant: Assistant, engine: Engine
) -> None:
    """On "I said it's NOT swollen" after a safety reply given by meaning: sorry, and the answer."""
    misread = _misread(engine, "my knee isn't swollen")
    assistant.memory.remember(CHANNEL, "my knee isn't swollen", misread)
    reply = say(assistant, "I said it's NOT swollen. how many reps of the leg curl?", CHANNEL)
    assert (reply.outcome, reply.entry_id, reply.corrected) == (
        Outcome.ANSWER,
        "prone-leg-curl",
        True,
    )
    after = say(assistant, "and the curtsy squat, how do I do it?", DM)
    assert after.outcome is Outcome.ANSWER


def test_a_correction_cannot_lift_a_red_flag_phrase_the_member_affirmed(
    assistant: Assistant,
) -> None:
    """The hold from "my knee gave way" stands whatever the member denies next."""
    say(assistant, "my knee gave way and I can't walk", CHANNEL)
    reply = say(assistant, "I said it's NOT swollen. how many reps of the leg curl?", CHANNEL)
    assert reply.outcome is Outcome.SAFETY


def test_a_yes_to_a_screen_holds_the_member(assistant: Assistant) -> None:
    """On "Yes, one of these" is the safety reply, and it holds like one."""
    screen = say(assistant, "I think my knee might have locked up a bit?", CHANNEL)
    assert screen.outcome is Outcome.SCREEN
    assert say(assistant, "yes", CHANNEL).outcome is Outcome.SAFETY
    assert say(assistant, "how many reps of the leg curl?", DM).outcome is Outcome.SAFETY
