"""The built-engine cache: same answers as a fresh build, rebuilt on any change, never trusted blindly."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.engine import Engine, KnowledgeError
from bot.engine.engine_cache import KEY_BYTES, build_key, cache_file, load_engine
from bot.evaluation import read_items
from tests.conftest import REPO, TINY_TOPICS

QUESTIONS = [item.q for item in read_items(REPO / "tests" / "eval" / "questions.yaml")]


def _summaries(engine: Engine, questions: list[str]) -> list[dict[str, object]]:
    return [engine.answer(question).summary() for question in questions]


def test_a_restored_engine_answers_exactly_like_a_fresh_build(
    knowledge_copy: Path, tmp_path: Path, engine: Engine
) -> None:
    """Every question of the labelled set gets the same reply from the cache as from a build."""
    cache = tmp_path / "cache"
    load_engine(knowledge_copy, cache_dir=cache)
    assert cache_file(cache, knowledge_copy).is_file()
    restored = load_engine(knowledge_copy, cache_dir=cache)
    assert _summaries(restored, QUESTIONS) == _summaries(engine, QUESTIONS)
    assert restored.knowledge.entries.keys() == engine.knowledge.entries.keys()
    with pytest.raises(TypeError):
        restored.knowledge.entries["new"] = restored.knowledge.entries["it-band"]  # type: ignore[index]


def test_the_cache_is_used_when_nothing_changed(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second load restores the stored engine: nothing is validated or indexed again."""
    cache = tmp_path / "cache"
    built = load_engine(tiny_dir, cache_dir=cache)

    def no_build(*args: object, **kwargs: object) -> Engine:
        raise AssertionError("the engine was built again")

    monkeypatch.setattr(Engine, "from_directory", no_build)
    restored = load_engine(tiny_dir, cache_dir=cache)
    assert restored.answer("is my itb tight").summary() == built.answer("is my itb tight").summary()


def test_an_edited_knowledge_file_is_rebuilt(tiny_dir: Path, tmp_path: Path) -> None:
    """Changing a knowledge file changes the key, so the answer reflects the edit at once."""
    cache = tmp_path / "cache"
    before = load_engine(tiny_dir, cache_dir=cache)
    assert before.knowledge.get("it-band").title == "The IT band"
    key = build_key(tiny_dir)
    (tiny_dir / "topics.yaml").write_text(TINY_TOPICS.replace("The IT band", "The iliotibial band"))
    assert build_key(tiny_dir) != key
    after = load_engine(tiny_dir, cache_dir=cache)
    assert after.knowledge.get("it-band").title == "The iliotibial band"


def test_a_cache_never_hides_a_broken_knowledge_base(tiny_dir: Path, tmp_path: Path) -> None:
    """After a good build is cached, a broken file is still reported, not answered around."""
    cache = tmp_path / "cache"
    load_engine(tiny_dir, cache_dir=cache)
    (tiny_dir / "topics.yaml").write_text("entries: [oops\n")
    with pytest.raises(KnowledgeError):
        load_engine(tiny_dir, cache_dir=cache)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "other-pickle"])
def test_a_damaged_cache_file_means_a_rebuild(tiny_dir: Path, tmp_path: Path, damage: str) -> None:
    """A truncated or foreign cache file under the right key is rebuilt and replaced."""
    cache = tmp_path / "cache"
    fresh = load_engine(tiny_dir, cache_dir=cache)
    stored = cache_file(cache, tiny_dir)
    key = stored.read_bytes()[:KEY_BYTES]
    broken = {
        "truncate": stored.read_bytes()[: KEY_BYTES + 100],
        "garbage": key + b"\x80\x05not a pickle at all",
        "other-pickle": key + b"\x80\x05K*.",
    }[damage]
    stored.write_bytes(broken)
    engine = load_engine(tiny_dir, cache_dir=cache)
    assert engine.answer("is my itb tight").summary() == fresh.answer("is my itb tight").summary()
    assert stored.read_bytes() != broken


def test_a_foreign_snapshot_is_refused() -> None:
    """Bytes that unpickle to something other than an engine are refused, not used."""
    with pytest.raises(ValueError, match="not an engine snapshot"):
        Engine.from_snapshot(b"\x80\x05K*.")


def test_an_unwritable_cache_directory_is_skipped(tiny_dir: Path, tmp_path: Path) -> None:
    """When the cache directory can't be created, the engine is built and answers anyway."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    engine = load_engine(tiny_dir, cache_dir=blocker / "cache")
    assert engine.answer("how do i do the leg curl").entry.id == "leg-curl"
    assert blocker.read_text() == "a file where the cache directory should be"


def test_the_cache_is_private_to_the_user(tiny_dir: Path, tmp_path: Path) -> None:
    """Restoring a cache file runs its contents, so only its owner may read or write it."""
    cache = tmp_path / "cache"
    load_engine(tiny_dir, cache_dir=cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache_file(cache, tiny_dir).stat().st_mode) == 0o600
    assert [path.name for path in cache.iterdir()] == [cache_file(cache, tiny_dir).name]
