"""Moderators' review: similar questions grouped by spelling and meaning, in sections, settled."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Engine, Outcome, Reply, load_knowledge
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.moderation import review
from bot.moderation.review import (
    ReviewError,
    Section,
    dismiss,
    group_questions,
    outcome_of,
    settle,
)
from bot.moderation.teaching import Teacher
from bot.store import Ask, Store
from tests.conftest import record_ask


def _ask(number: int, text: str, **fields: object) -> Ask:
    values: dict[str, object] = {
        "outcome": "abstain",
        "entry_id": None,
        "suggested": None,
        "created_at": 1_700_000_000.0 - number,
    }
    values.update(fields)
    return Ask(id=number, text=text, **values)  # type: ignore[arg-type]


class CountingEncoder:
    """Orthogonal unit vectors, one per text, counting what it was asked to encode."""

    name = "counting"
    fingerprint = "counting"

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += texts
        return np.eye(len(texts), dtype=np.float32)


def test_near_identical_questions_count_together() -> None:
    """Case, punctuation and word order don't split a group; a different question does."""
    asks = [
        _ask(1, "is there a discord role for marathon people"),
        _ask(2, "Is there a Discord role for marathon people??"),
        _ask(3, "role for marathon people, is there a discord one"),
        _ask(4, "what's the best pizza topping"),
    ]
    groups = group_questions(asks)
    assert [(group.count, group.example.id) for group in groups] == [(3, 1), (1, 4)]


def test_questions_alike_in_meaning_are_one_row(embeddings: EmbeddingCache) -> None:
    """Worded apart, the same worry is one row; a different one about stairs is not."""
    asks = [
        _ask(1, "my knee clicks when i walk up stairs, bad?"),
        _ask(2, "my knee keeps clicking when i go up stairs is that bad"),
        _ask(3, "my knee hurts when i go down stairs"),
        _ask(4, "what's the best pizza topping"),
    ]
    assert len(group_questions(asks)) == 4  # spelling alone keeps them apart
    groups = group_questions(asks, embeddings.encoder)
    assert [sorted(group.ask_ids) for group in groups] == [[1, 2], [3], [4]]
    assert groups[0].example.id == 1


def test_only_the_most_frequent_groups_are_encoded() -> None:
    """10,000 distinct questions: only MEANING_GROUPS texts go to the encoder."""
    encoder = CountingEncoder()
    asks = [_ask(n, f"alpha{n} bravo{n} charlie{n}") for n in range(10_000)]
    asks += [_ask(10_000 + n, asks[0].text) for n in range(3)]
    groups = group_questions(asks, encoder)
    assert len(encoder.encoded) == review.MEANING_GROUPS
    assert (groups[0].count, len(groups)) == (4, 10_000)


class LengthEncoder:
    """A unit vector per text from its length, counting the texts it encoded."""

    name = "length"
    fingerprint = "length"

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += texts
        angles = np.array([len(text) for text in texts], dtype=np.float32)
        return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def test_grouping_again_encodes_only_new_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remembered vectors are reused, in the right order; the memory is bounded."""
    monkeypatch.setattr(review, "REMEMBERED", 3)
    inner = LengthEncoder()
    remembering = review.RememberingEncoder(inner)
    first = remembering.encode(["a", "bb", "ccc"])
    again = remembering.encode(["ccc", "a", "dddd"])
    assert inner.encoded == ["a", "bb", "ccc", "dddd"]
    assert np.array_equal(again[:2], first[[2, 0]])
    assert np.array_equal(again, LengthEncoder().encode(["ccc", "a", "dddd"]))
    remembering.encode(["bb"])  # forgotten: the three most recent were ccc, a, dddd
    assert inner.encoded == ["a", "bb", "ccc", "dddd", "bb"]


def test_each_question_is_compared_with_a_bounded_number_of_groups(
    monkeypatch: pytest.MonkeyPatch,
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
    group_questions(asks)
    bound = review.RAREST_WORDS * review.CANDIDATES_PER_WORD
    assert max(compared) <= bound
    assert sum(compared) <= bound * len(asks)


def test_equally_frequent_rows_come_newest_first_with_a_date() -> None:
    """Ties in count are broken by when the question was last asked, shown as a UTC date."""
    asks = [
        _ask(1, "how long do i hold the belt line", created_at=1_700_100_000.0),
        _ask(2, "is cycling ok", created_at=1_700_000_000.0),
        _ask(3, "Is cycling ok??", created_at=1_690_000_000.0),
        _ask(4, "what's the best pizza topping", created_at=1_600_000_000.0),
    ]
    rows = group_questions(asks)
    assert [(row.example.id, row.count, row.last_day) for row in rows] == [
        (2, 2, "2023-11-14"),
        (1, 1, "2023-11-16"),
        (4, 1, "2020-09-13"),
    ]


def test_outcomes_are_told_apart() -> None:
    """I-don't-know, did-you-mean, a thumbs down, a subject not covered and small talk differ."""
    asks = [
        _ask(1, "a"),
        _ask(2, "b", suggested="it-band"),
        _ask(3, "c", outcome="answer", entry_id="it-band", not_helpful=True),
        _ask(4, "d", not_covered="icing"),
        _ask(5, "e", outcome="small_talk"),
    ]
    assert [outcome_of(ask) for ask in asks] == [
        "abstain",
        "did you mean",
        "not helpful",
        "not covered: icing",
        "small talk",
    ]
    row = group_questions([_ask(6, "is cycling ok"), _ask(7, "is cycling ok?", suggested="x")])
    assert row[0].outcome == "abstain / did you mean"


def test_small_talk_and_subjects_not_covered_have_sections_of_their_own(
    lexical_engine: Engine,
) -> None:
    """By default only the gaps are rows; the other sections are counted, or listed on asking."""
    asks = [
        _ask(1, "thank you!", outcome="small_talk"),
        _ask(2, "ty", outcome="small_talk"),
        _ask(3, "should i ice my knee", not_covered="icing"),
        _ask(4, "is there a discord role for marathon people"),
    ]
    gaps = review.review(asks, lexical_engine)
    assert {section: [g.example.id for g in rows] for section, rows in gaps.rows.items()} == {
        Section.GAPS: [4]
    }
    assert gaps.hidden == {Section.NOT_COVERED: 1, Section.SMALL_TALK: 2}
    everything = review.review(asks, lexical_engine, sections=list(Section))
    assert {s: [g.example.id for g in rows] for s, rows in everything.rows.items()} == {
        Section.GAPS: [4],
        Section.NOT_COVERED: [3],
        Section.SMALL_TALK: [1, 2],
    }
    assert everything.rows[Section.NOT_COVERED][0].outcome == "not covered: icing"
    assert everything.hidden == {}


def test_only_the_rows_shown_are_matched_to_an_entry(
    lexical_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a limit, the closest entry is looked up for those rows only."""
    answered: list[str] = []
    answer = lexical_engine.answer

    def counting(text: str) -> Reply:
        answered.append(text)
        return answer(text)

    monkeypatch.setattr(lexical_engine, "answer", counting)
    asks = [_ask(n, f"alpha{n} bravo{n} charlie{n}") for n in range(40)]
    asks += [_ask(40, "what is the it band"), _ask(41, "What is the IT band?")]
    shown = review.review(asks, lexical_engine, limit=10).rows[Section.GAPS]
    assert len(shown) == 10
    assert len(answered) == 10
    assert (shown[0].example.id, shown[0].closest_id) == (40, "it-band")


def test_a_row_voted_not_helpful_is_offered_the_next_best_entry(lexical_engine: Engine) -> None:
    """Never the entry whose answer the member voted down: the runner-up, with its score."""
    text = "how many reps of leg curls"
    voted = _ask(1, text, outcome="answer", entry_id="prone-leg-curl", not_helpful=True)
    row = review.review([voted], lexical_engine).rows[Section.GAPS][0]
    assert row.closest_id not in (None, "prone-leg-curl")
    best, runner_up, *_ = lexical_engine.answer(text).ranking
    assert best[0] == "prone-leg-curl"
    assert (row.closest_id, row.closest_score) == runner_up


def test_a_row_whose_only_entry_was_voted_down_is_offered_none(tiny_dir: Path) -> None:
    """When the bot judged no other entry for the question, the row suggests nothing to teach."""
    engine = Engine.from_directory(tiny_dir)
    text = "how many reps of leg curl"
    voted = _ask(1, text, outcome="answer", entry_id="leg-curl", not_helpful=True)
    row = review.review([voted], engine).rows[Section.GAPS][0]
    assert (row.closest_id, row.closest_score) == (None, 0)
    assert [entry for entry, _ in engine.answer(text).ranking] == ["leg-curl"]


def test_a_row_the_bot_reads_as_a_red_flag_keeps_its_closest_entry(
    lexical_engine: Engine,
) -> None:
    """A safety reply still ranks the entries, so the row names the closest one as before."""
    text = "my knee locked and i cant bear weight, what exercise"
    reply = lexical_engine.answer(text)
    assert reply.outcome == Outcome.SAFETY
    row = review.review([_ask(1, text)], lexical_engine).rows[Section.GAPS][0]
    assert (row.closest_id, row.closest_score) == reply.ranking[0]


def test_a_rows_score_is_the_one_its_teach_reports(
    knowledge_copy: Path, embeddings: EmbeddingCache
) -> None:
    """The closest entry's score on a row is the number teaching the row to it shows.

    With the semantic layer on, the lexical matcher alone scores "what weight for prone leg
    curls" 56 for the entry the bot answers it with at 80: the row must say 80, as the teach
    does. A row voted down is offered another entry, whose score the teach shows beside it.
    """
    engine = Engine(load_knowledge(knowledge_copy), embeddings=embeddings)
    teacher = Teacher(engine, knowledge_copy)
    missed = _ask(1, "what weight for prone leg curls")
    voted = _ask(
        2,
        "how many reps of leg curls",
        outcome="answer",
        entry_id="prone-leg-curl",
        not_helpful=True,
    )
    rows = review.review([missed, voted], engine).rows[Section.GAPS]
    first, second = sorted(rows, key=lambda row: row.example.id)
    assert first.closest_id == "prone-leg-curl"
    taught = teacher.teach(missed.text, "prone-leg-curl", member_id=1).describe()
    assert f": before prone-leg-curl ({first.closest_score}), now " in taught
    assert second.closest_id not in (None, "prone-leg-curl")
    taught = teacher.teach(voted.text, second.closest_id, member_id=1).describe()
    assert f" with {second.closest_id} at {second.closest_score}, now " in taught


def test_an_entry_the_bot_all_but_rules_out_is_no_rows_closest(engine: Engine) -> None:
    """With the semantic layer on, "whats the weather" scores every entry 0: none is closest.

    A row the bot now reads as a red flag keeps its closest entry.
    """
    weather = "whats the weather"
    flagged = "my knee locked and i cant bear weight, what exercise"
    rows = review.review([_ask(1, weather), _ask(2, flagged)], engine).rows[Section.GAPS]
    nothing, kept = sorted(rows, key=lambda row: row.example.id)
    assert nothing.closest_id is None
    assert {score for _, score in engine.answer(weather).ranking} == {0}
    reply = engine.answer(flagged)
    assert reply.outcome == Outcome.SAFETY
    assert (kept.closest_id, kept.closest_score) == reply.ranking[0]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store(tmp_path / "bot.sqlite3")
    yield opened
    opened.close()


def test_dismissing_a_row_hides_every_question_in_it(store: Store) -> None:
    """The row goes, with all its similar questions; other rows stay."""
    for member, text in enumerate(
        ["is there a role for marathon people", "Is there a role for marathon people??", "pizza"]
    ):
        record_ask(store, member, text)
    first = min(ask.id for ask in store.unanswered(7))
    assert dismiss(store, first, days=7) == 2
    assert [ask.text for ask in store.unanswered(7)] == ["pizza"]
    assert store.review_of(first) == "dismissed"


def test_dismissing_what_is_not_up_for_review_says_why(store: Store) -> None:
    """An unknown id, a row dismissed already, and an answer nobody voted down are refused."""
    record_ask(store, 1, "pizza")
    record_ask(store, 2, "what is the itb", outcome="answer", entry="it-band")
    pizza, answered = sorted(ask.id for ask in store.asks_since(1))
    with pytest.raises(ReviewError, match="no stored question #999"):
        dismiss(store, 999, days=7)
    dismiss(store, pizza, days=7)
    with pytest.raises(ReviewError, match=f"#{pizza} was already reviewed: dismissed"):
        dismiss(store, pizza, days=7)
    with pytest.raises(ReviewError, match="it was answered and not voted down"):
        dismiss(store, answered, days=7)


def test_a_question_acted_on_by_its_wording_settles_its_row(store: Store) -> None:
    """Teaching or labelling a wording takes its row (spelt differently too) off the list."""
    record_ask(store, 1, "Thank you!!", outcome="small_talk")
    record_ask(store, 2, "thank you", outcome="small_talk")
    record_ask(store, 3, "thank you!", outcome="abstain")
    assert settle(store, "labelled abstain", days=7, question="thank you!") == 1
    assert [ask.outcome for ask in store.unanswered(7)] == ["small_talk", "small_talk"]
    assert settle(store, "labelled abstain", days=7, question="THANK you") == 2
    assert settle(store, "labelled abstain", days=7, question="nobody asked this") == 0
    assert store.unanswered(7) == []
