"""Moderators' labels: written to examples/moderators.yaml, validated, live at once, refused when unsafe."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine, Outcome, load_knowledge
from bot.engine.loader import LABELS_FILE, KnowledgeSource
from bot.engine.model import Example
from bot.engine.strict_yaml import read_yaml
from bot.moderation.labels import MODERATOR_KIND, Labeller
from bot.moderation.teaching import Teacher, TeachError


@pytest.fixture
def labeller(tiny_dir: Path) -> Labeller:
    return Labeller(Engine.from_directory(tiny_dir), tiny_dir)


def _on_disk(directory: Path) -> list[dict[str, object]]:
    return read_yaml((directory / "examples" / LABELS_FILE).read_text()).data["examples"]


def test_an_off_topic_label_is_on_disk_and_live(labeller: Labeller, tiny_dir: Path) -> None:
    """``abstain``: written to examples/moderators.yaml, and the live engine has learned it."""
    result = labeller.label("is there  a discord role for runners", "abstain")
    assert _on_disk(tiny_dir) == [
        {"q": "is there a discord role for runners", "expect": "abstain", "kind": "moderator"}
    ]
    live = Example(q="is there a discord role for runners", expect="abstain", kind=MODERATOR_KIND)
    assert live in labeller.engine.knowledge.examples
    assert load_knowledge(tiny_dir).examples == (live,)
    assert result.describe() == (
        "“is there a discord role for runners” → abstain: before abstain (0), now abstain (0)"
    )


def test_a_red_flag_label_keeps_its_tier(labeller: Labeller, tiny_dir: Path) -> None:
    """``safety`` with a tier: on disk with the tier, live, and described with it."""
    result = labeller.label("my knee is hot and huge after the fall", "safety", "same-day")
    assert _on_disk(tiny_dir) == [
        {
            "q": "my knee is hot and huge after the fall",
            "expect": "safety",
            "tier": "same-day",
            "kind": "moderator",
        }
    ]
    assert [(e.expect, e.tier) for e in labeller.engine.knowledge.examples] == [
        ("safety", "same-day")
    ]
    assert result.describe().startswith(
        "“my knee is hot and huge after the fall” → safety (same-day)"
    )


def test_a_red_flag_label_needs_a_known_tier(labeller: Labeller, tiny_dir: Path) -> None:
    """No tier, an unknown one (with the likely one offered), or a tier on abstain: refused."""
    with pytest.raises(TeachError, match="needs its tier: one of same-day"):
        labeller.label("my knee is hot", "safety")
    with pytest.raises(TeachError, match="no red-flag tier 'sameday'; did you mean 'same-day'"):
        labeller.label("my knee is hot", "safety", "sameday")
    with pytest.raises(TeachError, match="a tier goes with a red-flag"):
        labeller.label("pizza", "abstain", "same-day")
    assert not (tiny_dir / "examples").exists()


def test_a_red_flag_phrase_cannot_be_labelled_off_topic(labeller: Labeller, tiny_dir: Path) -> None:
    """Safety is recall first: a message triage flags is never taught as chatter."""
    with pytest.raises(TeachError, match=r"affirms a red flag \(same-day"):
        labeller.label("my knee locked on the stairs", "abstain")
    assert not (tiny_dir / "examples").exists()
    assert labeller.label("my knee locked on the stairs", "safety", "same-day").example.tier


@pytest.mark.parametrize(
    "message",
    [
        "I said it's NOT swollen, and it doesn't lock",
        "my brother's knee locked up at football",
        "had a knee that gave way years ago, fully healed",
    ],
)
def test_a_denied_or_borrowed_symptom_can_be_labelled_not_a_red_flag(
    knowledge_copy: Path, message: str
) -> None:
    """A false alarm on a message that denies, dates or lends away its symptom is corrected."""
    labeller = Labeller(Engine.from_directory(knowledge_copy), knowledge_copy)
    result = labeller.label(message, "abstain")
    assert result.example.expect == "abstain"
    assert result.after.outcome not in (Outcome.SAFETY, Outcome.SCREEN)


def test_labelling_a_message_again_changes_its_label(labeller: Labeller, tiny_dir: Path) -> None:
    """The moderators' file holds one label per message: a new one replaces it, saying so."""
    labeller.label("my leg feels odd", "abstain")
    changed = labeller.label("My leg feels odd!", "safety", "same-day")
    assert changed.replaced is not None
    assert "(was abstain)" in changed.describe()
    assert [item["expect"] for item in _on_disk(tiny_dir)] == ["safety"]
    with pytest.raises(TeachError, match=r"already labelled safety \(same-day\)"):
        labeller.label("my leg feels odd", "safety", "same-day")


def test_a_message_another_example_set_labels_is_refused(tiny_dir: Path) -> None:
    """A hand-written set's label is changed there, not contradicted here."""
    (tiny_dir / "examples").mkdir()
    (tiny_dir / "examples" / "main.yaml").write_text(
        'examples:\n  - q: "what is the itb"\n    expect: [it-band]\n'
    )
    labeller = Labeller(Engine.from_directory(tiny_dir), tiny_dir)
    with pytest.raises(TeachError, match=r"main\.yaml already labels that message it-band"):
        labeller.label("What is the ITB?", "abstain")


def test_labels_and_teaches_share_one_lock(tiny_dir: Path) -> None:
    """Both write through the same file lock, so processes never interleave their changes."""
    engine = Engine.from_directory(tiny_dir)
    assert Labeller(engine, tiny_dir).files.lock_path == Teacher(engine, tiny_dir).lock_path


def test_labels_can_live_in_the_data_directory(tiny_dir: Path, tmp_path: Path) -> None:
    """With a labels file outside the knowledge directory, labels go there and are read back."""
    kept = tmp_path / "data" / LABELS_FILE
    kept.parent.mkdir()
    source = KnowledgeSource(tiny_dir, labels=kept)
    labeller = Labeller(Engine.from_directory(source), source)
    labeller.label("is there  a discord role for runners", "abstain")
    assert not (tiny_dir / "examples" / LABELS_FILE).exists()
    assert read_yaml(kept.read_text()).data["examples"][0]["q"] == (
        "is there a discord role for runners"
    )
    live = Example(q="is there a discord role for runners", expect="abstain", kind=MODERATOR_KIND)
    assert live in labeller.engine.knowledge.examples
    assert live in load_knowledge(source).examples
    assert live not in load_knowledge(tiny_dir).examples


def test_a_red_flag_label_may_not_be_milder_than_its_triage(knowledge_copy: Path) -> None:
    """A same-day red flag labelled "soon" would teach a downgrade: refused, nothing written."""
    labeller = Labeller(Engine.from_directory(knowledge_copy), knowledge_copy)
    tiers = [tier.id for tier in labeller.engine.knowledge.safety_tiers]
    message = "my knee locked and won't straighten"
    flag = labeller.engine.red_flag(message)
    assert flag is not None
    milder = tiers[tiers.index(flag.tier.id) + 1]
    with pytest.raises(TeachError, match=f"more urgent tier {flag.tier.id}"):
        labeller.label(message, "safety", milder)
    assert not labeller.path.exists()
    labeller.label(message, "safety", flag.tier.id)
    assert labeller.path.exists()


def test_a_phrasing_an_entry_answers_is_not_labelled_off_topic(labeller: Labeller) -> None:
    """A taught phrasing labelled abstain would be both: refused until it is untaught."""
    teacher = Teacher(labeller.engine, labeller.files.source)
    teacher.teach("whats up with that gristle strap down my thigh", "it-band", member_id=1)
    with pytest.raises(TeachError, match="is a phrasing of it-band"):
        labeller.label("whats up with that gristle strap down my thigh", "abstain")
    assert not labeller.path.exists()
