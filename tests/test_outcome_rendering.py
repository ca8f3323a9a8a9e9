"""Every outcome renders in every front end, and one a renderer doesn't know is an error.

The renderers choose by ``match reply.outcome`` ending in ``assert_never``: a type checker
flags a new outcome a renderer forgets, and at run time it fails loudly rather than being
shown as something else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

from bot.console.text import render, render_full
from bot.discord_ui.embeds import reply_embed
from bot.discord_ui.exts.answer_for import what_was_done
from bot.discord_ui.reply_view import answer_view
from bot.engine import KnowledgeBase, Outcome, Reply, Topic, load_knowledge
from bot.engine.model import SafetyTier

Renderer = Callable[[Reply, KnowledgeBase], object]
RENDERERS: dict[str, Renderer] = {
    "Discord embed": lambda reply, knowledge: reply_embed(reply, "my knee?", knowledge),
    "Discord buttons": lambda reply, _: answer_view(reply, 42),
    "console text": render,
    "console whole entry": render_full,
    "note to whoever had a message answered": lambda reply, _: what_was_done(reply),
}
TIER = SafetyTier(id="same-day", title="Get seen today", response="See a doctor.", phrases=["a b"])


@pytest.fixture
def knowledge(tiny_dir: Path) -> KnowledgeBase:
    return load_knowledge(tiny_dir)


def replies(outcome: Outcome, knowledge: KnowledgeBase) -> list[Reply]:
    """A bare reply of ``outcome``, and one with every field a renderer reads filled in."""
    topic = Topic("it-band", "The IT band")
    full = Reply(
        outcome=outcome,
        score=70,
        entry=knowledge.get("leg-curl"),
        tier=TIER,
        suggestions=(topic,),
        related=(topic,),
        signs=("It swelled up at once",),
        small_talk="greeting",
        not_covered="icing",
    )
    return [Reply(outcome=outcome, score=0), full]


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_renders(renderer: str, outcome: Outcome, knowledge: KnowledgeBase) -> None:
    """Each renderer draws each outcome, bare or with every field set."""
    for reply in replies(outcome, knowledge):
        assert RENDERERS[renderer](reply, knowledge)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_an_outcome_no_renderer_knows_is_an_error(renderer: str, knowledge: KnowledgeBase) -> None:
    """An outcome added without its rendering fails rather than passing for an abstention."""
    unknown = Reply(outcome=cast("Outcome", "unheard-of"), score=0)
    with pytest.raises(AssertionError, match="unheard-of"):
        RENDERERS[renderer](unknown, knowledge)
