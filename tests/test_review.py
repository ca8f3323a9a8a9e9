"""Moderators' review: near-identical unanswered questions grouped, at a cost that scales."""

from __future__ import annotations

import random

import pytest

from bot import review
from bot.engine import Engine
from bot.review import group_questions
from bot.store import Ask


def _ask(number: int, text: str) -> Ask:
    return Ask(
        id=number, text=text, outcome="abstain", entry_id=None, suggested=None, created_at=0.0
    )


def test_near_identical_questions_count_together(lexical_engine: Engine) -> None:
    """Case, punctuation and word order don't split a group; a different question does."""
    asks = [
        _ask(1, "is there a discord role for marathon people"),
        _ask(2, "Is there a Discord role for marathon people??"),
        _ask(3, "role for marathon people, is there a discord one"),
        _ask(4, "what's the best pizza topping"),
    ]
    groups = group_questions(asks, lexical_engine)
    assert [(group.count, group.example.id) for group in groups] == [(3, 1), (1, 4)]


def test_only_the_groups_shown_are_matched_to_an_entry(
    lexical_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a limit, the closest entry is looked up for those rows only."""
    searched: list[str] = []
    search = lexical_engine.search

    def counting(text: str, limit: int = 5) -> list:
        searched.append(text)
        return search(text, limit)

    monkeypatch.setattr(lexical_engine, "search", counting)
    asks = [_ask(n, f"alpha{n} bravo{n} charlie{n}") for n in range(40)]
    shown = group_questions(asks, lexical_engine, limit=10)
    assert len(shown) == 10
    assert len(searched) == 10


def test_each_question_is_compared_with_a_bounded_number_of_groups(
    lexical_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """10,000 distinct questions: comparisons per question stay bounded, not quadratic."""
    compared: list[int] = []
    extract = review.process.extractOne

    def counting(query: str, choices: list[str], **options: object) -> object:
        compared.append(len(choices))
        return extract(query, choices, **options)

    monkeypatch.setattr(review.process, "extractOne", counting)
    words = [f"word{n}" for n in range(300)]
    chooser = random.Random(7)
    asks = [_ask(n, " ".join(chooser.sample(words, 6))) for n in range(10_000)]
    groups = group_questions(asks, lexical_engine, limit=10)
    assert len(groups) == 10
    bound = review.RAREST_WORDS * review.CANDIDATES_PER_WORD
    assert max(compared) <= bound
    assert sum(compared) <= bound * len(asks)
