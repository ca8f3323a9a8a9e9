"""Persistent buttons keep their custom ids: the buttons on members' old messages keep working.

Every button and menu carries what its click needs in its custom id, so the bot answers the
buttons of any message it ever posted, after a restart too. The ids written out here are what
posted messages carry: a change to one breaks them.
"""

from __future__ import annotations

import discord

from bot.discord_ui.exts.browse import topics_view
from bot.discord_ui.exts.routine import guide_page, routine_view
from bot.discord_ui.kb_rows import unanswered_reply
from bot.discord_ui.reply_view import answer_view
from bot.engine import Engine, Outcome, Reply, Topic
from bot.engine.model import SafetyTier
from bot.moderation.review import QuestionGroup, Review, Section
from bot.store import Ask
from tests.discord_ui.conftest import World

ASKER = 123456789012345678
TIER = SafetyTier(id="same-day", title="Get seen today", response="See a doctor.", phrases=["a b"])
POSTED = [
    "mb:vote:1:prone-leg-curl",
    "mb:vote:0:prone-leg-curl",
    f"mb:vote:1:prone-leg-curl:{ASKER}",
    f"mb:vote:0:prone-leg-curl:{ASKER}",
    f"mb:del:{ASKER}",
    f"mb:pick:foam-rolling:{ASKER}",
    "mb:full:prone-leg-curl",
    "mb:related:prone-leg-curl",
    "mb:guide:start",
    "mb:guide:2",
    "mb:guide:done",
    "mb:topics",
    f"mb:screen:1:same-day:{ASKER}",
    f"mb:screen:0:same-day:{ASKER}",
    "mb:teachrow:7:foam-rolling",
    "mb:dismissrow:7",
]
"""One custom id of each kind, as messages already posted carry them."""


def custom_ids(view: discord.ui.View) -> list[str]:
    return [
        str(component["custom_id"])
        for row in view.to_components()
        for component in row["components"]
    ]


def test_an_answer_keeps_the_ids_of_its_buttons(lexical_engine: Engine) -> None:
    """Full exercise, the two votes, Delete and the related topics."""
    reply = lexical_engine.reply_for("prone-leg-curl")
    assert reply is not None
    assert custom_ids(answer_view(reply, ASKER)) == [
        "mb:full:prone-leg-curl",
        "mb:vote:1:prone-leg-curl",
        "mb:vote:0:prone-leg-curl",
        f"mb:del:{ASKER}",
        "mb:related:prone-leg-curl",
    ]


def test_an_answer_given_on_request_has_votes_for_the_asker_alone(lexical_engine: Engine) -> None:
    """A moderator or helper had the bot answer: the votes name the member they are for."""
    reply = lexical_engine.reply_for("prone-leg-curl")
    assert reply is not None
    assert custom_ids(answer_view(reply, ASKER, requested=True))[1:3] == [
        f"mb:vote:1:prone-leg-curl:{ASKER}",
        f"mb:vote:0:prone-leg-curl:{ASKER}",
    ]


def test_a_screen_and_a_did_you_mean_keep_the_ids_of_their_buttons() -> None:
    """Yes / No of a screen; the choices of "did you mean"; Delete under each."""
    screen = Reply(outcome=Outcome.SCREEN, score=50, tier=TIER)
    unsure = Reply(
        outcome=Outcome.ABSTAIN,
        score=5,
        suggestions=(Topic("foam-rolling", "Foam rolling"), Topic("it-band", "The IT band")),
    )
    assert custom_ids(answer_view(screen, ASKER)) == [
        f"mb:screen:1:same-day:{ASKER}",
        f"mb:screen:0:same-day:{ASKER}",
        f"mb:del:{ASKER}",
    ]
    assert custom_ids(answer_view(unsure, ASKER)) == [
        f"mb:pick:foam-rolling:{ASKER}",
        f"mb:pick:it-band:{ASKER}",
        f"mb:del:{ASKER}",
    ]


def test_the_guide_and_the_topic_menu_keep_their_ids(lexical_engine: Engine) -> None:
    """Start, Back / Next by position, Finish; the one topic menu."""
    exercises = lexical_engine.knowledge.exercises()
    last = len(exercises) - 1
    assert custom_ids(routine_view()) == ["mb:guide:start"]
    assert custom_ids(guide_page(exercises, 0)[1]) == ["mb:guide:0", "mb:guide:1"]
    assert custom_ids(guide_page(exercises, last)[1]) == [f"mb:guide:{last - 1}", "mb:guide:done"]
    assert custom_ids(topics_view(lexical_engine.knowledge)) == ["mb:topics"]


def test_the_rows_of_unanswered_keep_their_ids() -> None:
    """Teach (to the closest entry) and Dismiss, by the stored question's id."""

    def asked(ask_id: int) -> Ask:
        return Ask(ask_id, "q", "abstain", None, None, 0.0)

    rows = [
        QuestionGroup(asked(7), closest_id="foam-rolling", closest_score=50),
        QuestionGroup(asked(9)),
    ]
    _, view = unanswered_reply(Review(rows={Section.GAPS: rows}, hidden={}), 7)
    assert custom_ids(view) == ["mb:teachrow:7:foam-rolling", "mb:dismissrow:7", "mb:dismissrow:9"]


async def test_every_kind_of_posted_button_has_its_handler_from_the_start(world: World) -> None:
    """Before the bot sends anything, each posted id reaches exactly one registered handler.

    discord.py keeps the registered kinds in its view store; a kind registered only when a
    message with it is sent would leave the buttons of older messages dead after a restart.
    """
    registered = world.bot._connection._view_store._dynamic_items  # type: ignore[attr-defined]
    for custom_id in POSTED:
        handlers = [kind for pattern, kind in registered.items() if pattern.fullmatch(custom_id)]
        assert len(handlers) == 1, custom_id
