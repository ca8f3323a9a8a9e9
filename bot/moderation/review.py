"""Moderators' review of what went unanswered: similar questions grouped, in sections.

Questions are grouped in two passes. By spelling first (rapidfuzz, each question compared with
a bounded number of groups sharing its rarest words), which is cheap for any number; then the
most frequent of those groups by meaning (the sentence encoder's cosine similarity), so "my
knee clicks when i walk up stairs, bad?" and "my knee keeps clicking when i go up stairs is
that bad" are one row. Small talk and the subjects the bot said it doesn't cover are sections
of their own, apart from the gaps a moderator can fill.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import numpy as np
from rapidfuzz import fuzz, process

from bot.engine import Engine, Outcome, SemanticOptions, open_embeddings
from bot.engine.normalise import clean, comparable, tokens
from bot.engine.semantic.encoder import Encoder, Vectors
from bot.engine.words import STOP_WORDS
from bot.store import Ask, EntryStats, Store

SAME_QUESTION = 85.0
"""Two questions at least this similar (rapidfuzz token-set ratio) count as one."""
RAREST_WORDS = 3
"""A question looks for its group through its words found in the fewest groups so far..."""
CANDIDATES_PER_WORD = 30
"""...and compares itself with at most this many groups per word."""
SAME_MEANING = 0.85
"""Two groups whose examples' embeddings are at least this close (cosine) count as one: the
two ways of asking about a clicking knee above score 0.94, "my knee hurts when i go down
stairs" against them 0.78."""
MEANING_GROUPS = 200
"""Only this many groups, the most frequent, are compared by meaning: encoding is the cost
(200 questions of up to 500 characters, about 6 s on a busy 2-core machine, once: see
:class:`RememberingEncoder`), and a rarer group is not shown first anyway."""
REMEMBERED = 2_000
"""Vectors of this many questions are kept in memory by :class:`RememberingEncoder`."""
CLOSEST_FROM = 1
"""An entry the bot scored below this (0: all but ruled out) is no row's closest entry: with
the semantic layer on, "what's the best pizza" scores every entry 0."""
DID_YOU_MEAN = "did you mean"
NOT_HELPFUL = "not helpful"
SMALL_TALK_LABEL = "small talk"


class Section(StrEnum):
    """Where a question is listed: a gap to fill, a subject not covered, or small talk."""

    GAPS = "gaps"
    NOT_COVERED = "not covered"
    SMALL_TALK = "small talk"


def outcome_of(ask: Ask) -> str:
    """What the member got: ``abstain``, ``not covered: icing``, ``did you mean``, ..."""
    if ask.outcome == Outcome.SMALL_TALK:
        return SMALL_TALK_LABEL
    if ask.not_covered:
        return f"not covered: {ask.not_covered}"
    if ask.not_helpful:
        return NOT_HELPFUL
    return DID_YOU_MEAN if ask.suggested else Outcome.ABSTAIN.value


def section_of(ask: Ask) -> Section:
    """The section a question is listed in."""
    if ask.outcome == Outcome.SMALL_TALK:
        return Section.SMALL_TALK
    return Section.NOT_COVERED if ask.not_covered and not ask.not_helpful else Section.GAPS


@dataclass
class QuestionGroup:
    """Similar questions: how many, what they got, when last, an example and the closest entry."""

    example: Ask
    asks: list[Ask] = field(default_factory=list)
    closest_id: str | None = None
    closest_score: int = 0

    def __post_init__(self) -> None:
        """A group starts with its example."""
        if not self.asks:
            self.asks.append(self.example)

    @property
    def count(self) -> int:
        """How many times it was asked."""
        return len(self.asks)

    @property
    def ask_ids(self) -> list[int]:
        """The stored questions in the group."""
        return [ask.id for ask in self.asks]

    @property
    def last_seen(self) -> float:
        """When it was last asked (Unix time)."""
        return max(ask.created_at for ask in self.asks)

    @property
    def last_day(self) -> str:
        """The UTC date it was last asked, ``YYYY-MM-DD``."""
        return datetime.fromtimestamp(self.last_seen, UTC).date().isoformat()

    @property
    def outcome(self) -> str:
        """What members got, the most frequent first: ``abstain`` or ``did you mean / abstain``."""
        counted = Counter(outcome_of(ask) for ask in self.asks)
        return " / ".join(outcome for outcome, _ in counted.most_common())


def group_questions(asks: Sequence[Ask], encoder: Encoder | None = None) -> list[QuestionGroup]:
    """Group ``asks`` (newest first) by spelling, then by meaning; most frequent first.

    A group's example is its newest question; among groups asked as often, the one asked
    last comes first. Without an encoder (the semantic layer off) groups are by spelling only.
    """
    groups = _by_spelling(asks)
    if encoder is not None and len(groups) > 1:
        groups = _by_meaning(groups, encoder)
    return sorted(groups, key=lambda group: (-group.count, -group.last_seen))


def _by_spelling(asks: Sequence[Ask]) -> list[QuestionGroup]:
    """Near-identical questions together, most frequent first.

    A question is compared only with a bounded number of groups that share its rarest topic
    words, so the cost follows the number of questions, not its square.
    """
    keys: list[str] = []
    groups: list[QuestionGroup] = []
    exact: dict[str, int] = {}
    by_word: dict[str, list[int]] = defaultdict(list)
    for ask in asks:
        key = clean(ask.text)
        words = {word for word in tokens(key) if word not in STOP_WORDS} or set(tokens(key))
        found = exact.get(key)
        if found is None:
            found = _matching_group(key, words, keys, by_word)
        if found is not None:
            groups[found].asks.append(ask)
            continue
        for word in words:
            by_word[word].append(len(groups))
        exact[key] = len(groups)
        keys.append(key)
        groups.append(QuestionGroup(example=ask))
    return sorted(groups, key=lambda group: -group.count)


def _matching_group(
    key: str, words: set[str], keys: list[str], by_word: dict[str, list[int]]
) -> int | None:
    """The most similar group, among those sharing a word with ``key``, if close enough."""
    rarest = sorted((word for word in words if word in by_word), key=lambda w: len(by_word[w]))
    candidates = sorted(
        {index for word in rarest[:RAREST_WORDS] for index in by_word[word][-CANDIDATES_PER_WORD:]}
    )
    best = process.extractOne(
        key,
        [keys[index] for index in candidates],
        scorer=fuzz.token_set_ratio,
        score_cutoff=SAME_QUESTION,
    )
    return candidates[best[2]] if best else None


def _by_meaning(groups: list[QuestionGroup], encoder: Encoder) -> list[QuestionGroup]:
    """The :data:`MEANING_GROUPS` most frequent groups merged when their examples mean alike.

    In order, each group joins the first kept group (the more frequent) closest to it above
    :data:`SAME_MEANING`, or is kept: the same questions always give the same rows.
    """
    head, rest = groups[:MEANING_GROUPS], groups[MEANING_GROUPS:]
    vectors = encoder.encode([clean(group.example.text) for group in head])
    kept: list[int] = []
    for index, group in enumerate(head):
        if kept:
            similarity = vectors[kept] @ vectors[index]
            best = int(np.argmax(similarity))
            if similarity[best] >= SAME_MEANING:
                head[kept[best]].asks.extend(group.asks)
                continue
        kept.append(index)
    return [head[index] for index in kept] + rest


def add_closest(groups: Sequence[QuestionGroup], engine: Engine) -> None:
    """Find the entry each of ``groups`` could be taught to (only those shown: it costs an answer).

    The best-scored entry of the bot's answer to the row's example (its
    :attr:`~bot.engine.Reply.ranking`, which a teach's "before" reports too), passing over an
    entry members of the row said was not helpful (teaching the question to it would only
    confirm the answer they voted down) and any below :data:`CLOSEST_FROM`.
    """
    for group in groups:
        voted_down = {ask.entry_id for ask in group.asks if ask.not_helpful}
        for entry_id, score in engine.answer(group.example.text).ranking:
            if entry_id not in voted_down and score >= CLOSEST_FROM:
                group.closest_id, group.closest_score = entry_id, score
                break


@dataclass(frozen=True)
class Review:
    """The rows of the sections shown, and how many questions the others hold."""

    rows: dict[Section, list[QuestionGroup]]
    hidden: dict[Section, int]

    def is_empty(self) -> bool:
        """Whether no section holds anything."""
        return not any(self.rows.values()) and not any(self.hidden.values())


def review(
    asks: Sequence[Ask],
    engine: Engine,
    *,
    sections: Collection[Section] = (Section.GAPS,),
    limit: int | None = None,
    encoder: Encoder | None = None,
) -> Review:
    """Group the questions of ``sections``, up to ``limit`` rows each, with their closest entry."""
    by_section: dict[Section, list[Ask]] = {section: [] for section in Section}
    for ask in asks:
        by_section[section_of(ask)].append(ask)
    rows: dict[Section, list[QuestionGroup]] = {}
    for section in Section:
        if section in sections:
            rows[section] = group_questions(by_section[section], encoder)[:limit]
            add_closest(rows[section], engine)
    hidden = {s: len(by_section[s]) for s in Section if s not in sections and by_section[s]}
    return Review(rows, hidden)


class RememberingEncoder:
    """An encoder that remembers the vectors of the last :data:`REMEMBERED` texts it encoded.

    Listing the review again, or settling a row after acting on it, then encodes only the
    questions asked since. Members' words stay out of it: only vectors, keyed by a hash of
    the text, and only in memory (never on disk, unlike the knowledge base's embeddings).
    """

    def __init__(self, encoder: Encoder) -> None:
        """Remember what ``encoder`` encodes."""
        self.encoder = encoder
        self.name = encoder.name
        self.fingerprint = encoder.fingerprint
        self._vectors: OrderedDict[bytes, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text, in order; only texts not remembered are encoded."""
        if not texts:
            return self.encoder.encode(texts)
        keys = [hashlib.blake2b(text.encode("utf-8", "replace")).digest() for text in texts]
        with self._lock:
            found = {key: self._vectors[key] for key in keys if key in self._vectors}
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        if missing:
            found.update(zip(missing, self.encoder.encode(list(missing.values())), strict=True))
        with self._lock:
            for key in keys:
                self._vectors[key] = found[key]
                self._vectors.move_to_end(key)
            while len(self._vectors) > REMEMBERED:
                self._vectors.popitem(last=False)
        return np.stack([found[key] for key in keys])

    def forget(self) -> None:
        """Drop every remembered vector (a member asked for their data to be deleted)."""
        with self._lock:
            self._vectors.clear()


def meaning_encoder(options: SemanticOptions) -> RememberingEncoder | None:
    """The deployment's sentence encoder (loaded once per process), or ``None`` when it is off."""
    embeddings, _ = open_embeddings(options)
    return RememberingEncoder(embeddings.encoder) if embeddings else None


ROW_ID = re.compile(r"#([0-9]{1,18})")
"""How a stored question is named: ``#412``, the id on its ``/kb unanswered`` row."""


def named_question(store: Store, picked: str) -> tuple[str, int | None]:
    """The text ``picked`` stands for, and its stored question's id when it names one.

    ``#412`` is stored question 412, whatever its length (so "#1" is never taught as a
    phrasing); anything else is the text itself. Raise :class:`ReviewError` for an id not
    stored.
    """
    named = ROW_ID.fullmatch(picked.strip())
    if named is None:
        return picked, None
    ask = store.ask(int(named[1]))
    if ask is None:
        raise ReviewError(f"there is no stored question {picked.strip()}")
    return ask.text, ask.id


class ReviewError(Exception):
    """A review action that can't be done; the message says why, for the moderator."""


def settle(
    store: Store,
    action: str,
    *,
    days: float,
    ask_id: int | None = None,
    question: str | None = None,
    encoder: Encoder | None = None,
) -> int:
    """Mark the row holding ``ask_id`` (or a question worded as ``question``) as reviewed.

    The whole group of similar questions in the last ``days`` leaves the list, recorded with
    ``action``. Return how many stored questions that was (0 when none was up for review).
    """
    asks = store.unanswered(days)
    key = comparable(question) if question is not None else None
    target = next(
        (ask for ask in asks if ask.id == ask_id or comparable(ask.text) == key),
        None,
    )
    if target is None:
        return 0
    section = section_of(target)
    alike = group_questions([ask for ask in asks if section_of(ask) == section], encoder)
    group = next(group for group in alike if target.id in group.ask_ids)
    return store.mark_reviewed(group.ask_ids, action)


def dismiss(store: Store, ask_id: int, *, days: float, encoder: Encoder | None = None) -> int:
    """Hide the row holding stored question ``ask_id`` from now on; return how many questions.

    Raise :class:`ReviewError` when there is no such question or it is not up for review.
    """
    if store.ask(ask_id) is None:
        raise ReviewError(
            f"there is no stored question #{ask_id} (gone after the retention period, or "
            "its member used /forget-me)"
        )
    done = store.review_of(ask_id)
    if done is not None:
        raise ReviewError(f"#{ask_id} was already reviewed: {done}")
    count = settle(store, "dismissed", days=days, ask_id=ask_id, encoder=encoder)
    if not count:
        raise ReviewError(f"#{ask_id} is not up for review: it was answered and not voted down")
    return count


@dataclass(frozen=True)
class EntryReport:
    """Usage of one entry with its most common phrasings."""

    stats: EntryStats
    phrasings: list[tuple[str, int]]


def entry_reports(
    stats: list[EntryStats], asks: list[Ask], per_entry: int = 3
) -> list[EntryReport]:
    """Stats per entry plus the phrasings members used most for it (one pass over the asks)."""
    counted: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    for ask in asks:
        if ask.outcome == "answer" and ask.entry_id is not None:
            key = " ".join(clean(ask.text).split())
            text, count = counted[ask.entry_id].get(key, (ask.text, 0))
            counted[ask.entry_id][key] = (text, count + 1)
    return [
        EntryReport(
            row,
            sorted(counted[row.entry_id].values(), key=lambda pair: -pair[1])[:per_entry],
        )
        for row in stats
    ]
