"""What the decision layer learns from: every labelled text the knowledge base holds."""

from __future__ import annotations

from collections.abc import Collection

from bot.engine.knowledge import KnowledgeBase
from bot.engine.model import ABSTAIN, Example
from bot.engine.normalise import comparable
from bot.engine.phrase_syntax import CONJUNCTION
from bot.engine.semantic.decision import TrainingRow


def _plain(phrase: str) -> bool:
    """A phrase that reads as words, not as phrase syntax (``{group}``, ``a + b``)."""
    return "{" not in phrase and CONJUNCTION not in phrase


def example_targets(example: Example) -> tuple[str, ...]:
    """The classes an example belongs to: its entries, ``abstain``, or its red-flag tier."""
    if isinstance(example.expect, list):
        return tuple(example.expect)
    if example.expect == ABSTAIN:
        return (ABSTAIN,)
    return (example.tier,) if example.tier else ()


def training_rows(knowledge: KnowledgeBase, held_out: Collection[str] = ()) -> list[TrainingRow]:
    """Labelled rows from entries, taught phrasings, plain phrases and example sets.

    Texts whose :func:`comparable` form is in ``held_out`` are left out, so ``eval`` never
    scores a message the layer was trained on.
    """
    rows = [
        TrainingRow(text, (entry.id,))
        for entry in knowledge.entries.values()
        for text in (*entry.questions, *knowledge.taught(entry.id))
    ]
    rows += [
        TrainingRow(phrase, (tier.id,))
        for tier in knowledge.safety_tiers
        for phrase in tier.phrases
        if _plain(phrase)
    ]
    rows += [
        TrainingRow(phrase, (ABSTAIN,))
        for item in knowledge.not_covered
        for phrase in item.phrases
        if _plain(phrase)
    ]
    rows += [
        TrainingRow(example.q, example_targets(example), group=name)
        for name, examples in knowledge.example_sets.items()
        for example in examples
    ]
    rows = [row for row in rows if row.targets]
    if not held_out:
        return rows
    return [row for row in rows if comparable(row.text) not in held_out]
