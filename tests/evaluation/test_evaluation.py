"""Honest scoring: ``evaluate`` never trains on the messages it scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine, Outcome, building, load_knowledge
from bot.engine.model import Example
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.evaluation import evaluate, read_examples
from tests.conftest import write_files

PLANTED = "zorblax quintessence flimflam wobbly"
"""A message no entry's words match: only training on it can answer it."""


def test_a_message_in_training_and_in_the_scored_file_is_held_out(
    knowledge_copy: Path, embeddings: EmbeddingCache, tmp_path: Path
) -> None:
    """Planted in the examples, it is learned; scored from a file, it is not trained on."""
    planted = f"examples:\n  - q: {PLANTED!r}\n    expect: [resources]\n"
    write_files(knowledge_copy / "examples", {"planted.yaml": planted})
    engine = Engine(load_knowledge(knowledge_copy), embeddings=embeddings)
    learned = engine.answer(PLANTED)
    assert (learned.outcome, learned.entry_id) == (Outcome.ANSWER, "resources")
    scored = write_files(tmp_path / "scored", {"set.yaml": planted.replace("'", '"')})
    report = evaluate(engine, read_examples(scored / "set.yaml"))
    assert report.items[0]["got"] != "resources"


def test_held_out_texts_are_compared_after_normalisation(
    knowledge_copy: Path, embeddings: EmbeddingCache
) -> None:
    """Case, markup and spacing don't smuggle a scored message into training."""
    planted = f"examples:\n  - q: {PLANTED!r}\n    expect: [resources]\n"
    write_files(knowledge_copy / "examples", {"planted.yaml": planted})
    engine = Engine(load_knowledge(knowledge_copy), embeddings=embeddings)
    disguised = engine.with_held_out({"zorblax quintessence flimflam wobbly"})
    assert disguised.answer(f"**{PLANTED.upper()}**  ").entry_id != "resources"


def test_each_item_names_the_tier_of_a_safety_reply(tiny_dir: Path) -> None:
    """A red flag's item carries its tier; an answer's has none."""
    examples = [
        Example(q="my knee locked", expect="safety", tier="same-day"),
        Example(q="what is the it band", expect=["it-band"]),
    ]
    report = evaluate(Engine(load_knowledge(tiny_dir)), examples)
    assert [(item["got"], item["tier"]) for item in report.items] == [
        ("safety", "same-day"),
        ("it-band", None),
    ]
    assert (report.safety.correct, report.answerable.correct) == (1, 1)


def test_held_out_engines_score_each_example_once_and_answer_as_if_built_alone(
    tiny_dir: Path, embeddings: EmbeddingCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cross-validation's engines share the lexical indexes, and that changes no answer."""
    sets = {
        "one.yaml": "examples:\n  - q: what is the it band\n    expect: [it-band]\n"
        "  - q: how to curl with the foot in\n    expect: [leg-curl]\n",
        "two.yaml": "examples:\n  - q: is the itb a muscle\n    expect: [it-band]\n"
        "  - q: hamstring curl toes turned in\n    expect: [leg-curl]\n",
    }
    write_files(tiny_dir / "examples", sets)
    engine = Engine(load_knowledge(tiny_dir), embeddings=embeddings)
    engine.with_held_out({"is the itb a muscle"})
    ranked: list[str] = []
    rank = building.rank

    def counted(state: object, text: str) -> object:
        ranked.append(text)
        return rank(state, text)

    monkeypatch.setattr(building, "rank", counted)
    shared = engine.with_held_out({"what is the it band"})
    assert ranked == []
    alone = Engine(engine.knowledge, embeddings=embeddings, held_out={"what is the it band"})
    for question in ("what is the it band", "curl with my foot turned in", "pizza"):
        assert shared.answer(question).ranking == alone.answer(question).ranking


def test_a_context_set_is_scored_like_an_example_set(tmp_path: Path) -> None:
    """``eval FILE`` reads a file of ``context_examples`` too, in its order."""
    write_files(
        tmp_path,
        {
            "context.yaml": "context_examples:\n  - {q: no swelling at all, expect: abstain}\n"
            "  - {q: my knee locked just now, expect: safety, tier: same-day}\n"
        },
    )
    examples = read_examples(tmp_path / "context.yaml")
    assert [(example.q, example.label) for example in examples] == [
        ("no swelling at all", "abstain"),
        ("my knee locked just now", "safety"),
    ]
