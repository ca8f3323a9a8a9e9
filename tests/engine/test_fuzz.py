"""Property tests: any text gets a reply, any bytes get a clean error or a base."""

from __future__ import annotations

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
