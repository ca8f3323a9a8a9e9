"""How many exercises the bot says the routine has is read from the knowledge base."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.console.text import render_console_help
from bot.conversation.wording import how_to_ask, small_talk_text, what_i_do
from bot.discord_ui.embeds import help_embed, topics_embed
from bot.discord_ui.exts.routine import routine_description
from bot.engine import KnowledgeBase, load_knowledge
from tests.conftest import KNOWLEDGE, tiny_routine, write_files


@pytest.fixture
def knowledge_of(tmp_path: Path, tiny_files: dict[str, str]) -> Callable[[int], KnowledgeBase]:
    """The tiny knowledge base with a routine of so many exercises."""

    def knowledge(count: int) -> KnowledgeBase:
        files = {**tiny_files, "routine.yaml": tiny_routine(count)}
        return load_knowledge(write_files(tmp_path / f"knowledge-{count}", files))

    return knowledge


def counted_texts(knowledge: KnowledgeBase) -> list[str]:
    """Every text that says how many exercises there are, on Discord and in the console."""
    topics = topics_embed(knowledge).description or ""
    help_texts = [field.value or "" for field in help_embed(knowledge).fields]
    return [
        small_talk_text("greeting", knowledge),
        small_talk_text("about", knowledge),
        how_to_ask(knowledge),
        what_i_do(knowledge),
        render_console_help(knowledge),
        topics,
        *help_texts[:1],
        routine_description(knowledge),
    ]


@pytest.mark.parametrize(
    ("count", "said"), [(2, "two exercises"), (3, "three exercises"), (4, "four exercises")]
)
def test_a_routine_of_so_many_exercises_is_said_to_have_that_many(
    knowledge_of: Callable[[int], KnowledgeBase], count: int, said: str
) -> None:
    """Two exercises are "two exercises" everywhere, four are "four"; no text says another."""
    for text in counted_texts(knowledge_of(count)):
        assert said in text, text
        others = {"two exercises", "three exercises", "four exercises"} - {said}
        assert not any(other in text for other in others), text


def test_the_article_s_three_exercises_are_worded_as_before() -> None:
    """The shipped routine of three reads as it always did."""
    knowledge = load_knowledge(KNOWLEDGE)
    assert small_talk_text("greeting", knowledge) == (
        "Hi! Ask me anything about outside-knee (IT band) pain, or try `/routine` for the "
        "article's three exercises."
    )
    assert how_to_ask(knowledge) == (
        "Mention me with a question, DM me, or use `/ask`. `/routine` walks you through the three "
        "exercises, `/exercise` shows one in full, `/topics` lists everything I know."
    )
    assert routine_description(knowledge) == "The three exercises in order, with doses."


def test_one_exercise_is_said_in_the_singular(
    knowledge_of: Callable[[int], KnowledgeBase],
) -> None:
    """A routine of one has "one exercise", not "one exercises"."""
    assert "the article's one exercise." in small_talk_text("greeting", knowledge_of(1))
