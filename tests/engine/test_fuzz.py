"""Property tests: any text gets a reply, any bytes get a clean error or a base."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Engine, KnowledgeError, Outcome, load_knowledge
from bot.engine.normalise import MAX_RAW_CHARS
from tests.conftest import TINY_EXERCISES, TINY_SAFETY, TINY_TOPICS, write_files


def _issues(directory: Path) -> list[object]:
    """The loader's issues for ``directory`` (empty when it loads); anything else propagates."""
    try:
        load_knowledge(directory)
    except KnowledgeError as error:
        if not error.issues:
            raise AssertionError("a KnowledgeError must list its issues") from error
        return list(error.issues)
    return []


DISCORDISH = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnop <>@&#:!?*_~`|\n\u200b\u202e\u2066ＩＴ0123456789")
    ),
    max_size=400,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(st.text(max_size=2000), DISCORDISH))
def test_answer_never_raises_and_is_well_formed(engine: Engine, text: str) -> None:
    """Whatever a member types, the reply is one of the three outcomes with a sane score."""
    reply = engine.answer(text)
    assert reply.outcome in set(Outcome)
    assert 0 <= reply.score <= 100
    assert len(reply.suggestions) <= 3
    assert (reply.entry is not None) == (reply.outcome is Outcome.ANSWER)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=st.text(max_size=50))
def test_huge_messages_are_capped(engine: Engine, prefix: str) -> None:
    """Text past the cap cannot change the reply."""
    base = prefix + "x" * MAX_RAW_CHARS
    assert engine.answer(base).summary() == engine.answer(base + " my knee locked" * 1000).summary()


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=3000))
def test_loader_never_crashes_on_arbitrary_bytes(tmp_path_factory, data: bytes) -> None:
    """Any file content gives a knowledge base or a KnowledgeError, nothing else."""
    directory = write_files(
        tmp_path_factory.mktemp("kb"),
        {"topics.yaml": TINY_TOPICS, "exercises.yaml": TINY_EXERCISES, "safety.yaml": TINY_SAFETY},
    )
    (directory / "fuzz.yaml").write_bytes(data)
    issues = _issues(directory)
    assert all(str(issue).startswith(str(directory)) for issue in issues)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet=st.sampled_from(list("[]{}:- ,&*!|>'\"\n\tab1#%@`?")), max_size=300))
def test_loader_never_crashes_on_yaml_like_text(tmp_path_factory, text: str) -> None:
    """YAML punctuation soup is handled like any other bad input."""
    directory: Path = tmp_path_factory.mktemp("kb")
    write_files(directory, {"safety.yaml": TINY_SAFETY, "fuzz.yaml": text})
    _issues(directory)


PHRASE_WORDS = st.sampled_from(
    ["the", "all", "my", "knee", "locked", "worse", "it", "band", "+", "{g}", "?", "'s", "ice", "-"]
)
PHRASES = st.lists(PHRASE_WORDS, min_size=1, max_size=5).map(" ".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    red_flags=st.lists(PHRASES, min_size=1, max_size=4),
    not_covered=st.lists(PHRASES, min_size=1, max_size=4),
    synonyms=st.lists(
        st.sampled_from(["itb", "i t b", "vl", "outer quad", "?", "the"]), min_size=1, max_size=3
    ),
    message=st.lists(PHRASE_WORDS, max_size=12).map(" ".join),
)
def test_any_phrases_that_load_give_an_engine_that_answers(
    tmp_path_factory,
    red_flags: list[str],
    not_covered: list[str],
    synonyms: list[str],
    message: str,
) -> None:
    """Odd phrases are refused by the loader, one problem a line, or work: saying one is a red flag."""
    safety = (
        "safety_tiers:\n  - id: same-day\n    title: T\n    response: R.\n"
        f"    phrases: {json.dumps(red_flags)}\n"
        "word_groups:\n  - name: g\n    words: [all, knee, the]\n"
        f"not_covered:\n  - topic: odd\n    phrases: {json.dumps(not_covered)}\n"
        f"synonyms:\n  - canonical: knee\n    variants: {json.dumps(synonyms)}\n"
    )
    directory = write_files(
        tmp_path_factory.mktemp("kb"),
        {"topics.yaml": TINY_TOPICS, "exercises.yaml": TINY_EXERCISES, "safety.yaml": safety},
    )
    issues = _issues(directory)
    assert all("\n" not in str(issue) for issue in issues)
    if not issues:
        engine = Engine.from_directory(directory)
        assert engine.answer(message).outcome in set(Outcome)
        said = red_flags[0].replace("{g}", "knee").replace(" + ", " . ")
        assert engine.answer(f"{message} . {said}").outcome is Outcome.SAFETY
