"""The learned decision layer: sentence embeddings fused with the lexical matcher's scores.

Two stages, both deterministic and trained in well under a second:

1. **Semantic scores.** A ridge classifier on the embedding of a message gives a score per
   class: every entry, ``abstain``, and every red-flag tier. It learns from the entries'
   example questions, taught phrasings, plain red-flag and scope phrases, and the labelled
   example messages.
2. **Fusion.** Two small logistic regressions turn those scores and the lexical scores into
   calibrated probabilities: that an entry answers the message, and that the message describes
   a red flag. They are fitted on *out-of-fold* semantic scores (each set of examples scored by
   a ridge that never saw it), so they learn how far to trust the semantic layer on wording it
   has not seen, not on wording it memorised. Entry questions are not fusion rows: the lexical
   matcher indexes them, so their lexical scores would be flattering.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.engine.model import ABSTAIN
from bot.engine.semantic.encoder import Vectors
from bot.engine.semantic.fitting import logistic_weights, ridge_weights, sigmoid, with_bias

CANDIDATES = 3
"""Entries considered per message from each signal (the best by semantic and by lexical score)."""


@dataclass(frozen=True)
class TrainingRow:
    """A text and the classes it belongs to; ``group`` names its example set, if it is one."""

    text: str
    targets: tuple[str, ...]
    group: str | None = None


@dataclass(frozen=True)
class Judgement:
    """What the decision layer makes of one message."""

    entries: tuple[tuple[str, float], ...]
    """Candidate entries with the probability that each answers the message, best first."""
    red_flag: float
    """Probability that the message describes a red flag (its worst window)."""
    tier: str | None
    """The red-flag tier the message reads closest to."""
    clauses: tuple[tuple[float, str | None], ...] = ()
    """Per clause, read on its own: the probability that it describes a red flag, its tier."""


LexicalScores = Callable[[str], Mapping[str, float]]
"""Entry id -> lexical score (0-100) for a text; entries not ranked are left out."""


@dataclass(frozen=True)
class _Classes:
    entries: tuple[str, ...]
    tiers: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.entries, ABSTAIN, *self.tiers)

    def matrix(self, rows: Sequence[TrainingRow]) -> np.ndarray:
        column = {name: index for index, name in enumerate(self.all)}
        targets = np.zeros((len(rows), len(column)))
        for index, row in enumerate(rows):
            for target in row.targets:
                targets[index, column[target]] = 1.0
        return targets


@dataclass(frozen=True)
class _Scores:
    """Semantic scores of one message, split by kind of class.

    ``entries``, ``abstain`` and ``tiers`` are the ridge classifier's scores; the ``nearest``
    ones are the cosine similarity of the closest training text of each class.
    """

    entries: np.ndarray
    abstain: float
    tiers: np.ndarray
    nearest_entries: np.ndarray
    nearest_abstain: float
    nearest_tier: float


def _split(classes: _Classes, row: np.ndarray, nearest: np.ndarray) -> _Scores:
    count = len(classes.entries)
    tiers = nearest[count + 1 :]
    return _Scores(
        row[:count],
        float(row[count]),
        row[count + 1 :],
        nearest[:count],
        float(nearest[count]),
        float(tiers.max()) if tiers.size else 0.0,
    )


class ClassMembers:
    """Which training texts belong to each class, grouped so one reduction finds the closest.

    A text in several classes appears once in each of their groups.
    """

    def __init__(self, targets: np.ndarray) -> None:
        """Group the rows of ``targets`` (texts x classes, positive where a text is a member)."""
        members = targets > 0
        groups = [np.flatnonzero(members[:, column]) for column in range(targets.shape[1])]
        self.classes = targets.shape[1]
        self.present = np.array([group.size > 0 for group in groups], dtype=bool)
        """The classes with at least one member."""
        sizes = [group.size for group in groups if group.size]
        self.order = np.concatenate([group for group in groups if group.size] or [[]]).astype(int)
        """Row indices of the texts, class by class: the columns a similarity is read in."""
        self._starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int)

    def nearest(self, grouped: np.ndarray) -> np.ndarray:
        """Per message and class, the similarity of its closest member (-1 for an empty class).

        ``grouped`` holds one row per training text in :attr:`order` and one column per
        message: the similarities, texts down the rows so the reduction runs along memory.
        """
        best = np.full((grouped.shape[1], self.classes), -1.0)
        if self.order.size:
            best[:, self.present] = np.maximum.reduceat(grouped, self._starts, axis=0).T
        return best


def _nearest(similarity: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per text (row of ``similarity``) and class, the similarity of its closest member."""
    members = ClassMembers(targets)
    return members.nearest(similarity[:, members.order].T)


def entry_features(
    scores: _Scores, lexical: Mapping[str, float], index: int, entry: str
) -> list[float]:
    """What the answer model reads about one candidate entry of a message."""
    semantic = scores.entries
    lexical_others = [score for other, score in lexical.items() if other != entry]
    own = lexical.get(entry, 0.0) / 100.0
    best_other = max(lexical_others, default=0.0) / 100.0
    tier = float(scores.tiers.max()) if scores.tiers.size else 0.0
    nearest = scores.nearest_entries
    rival = _best_other(semantic, index)
    return [
        own,
        own - best_other,
        float(semantic[index]),
        float(semantic[index] - rival),
        float(nearest[index]),
        float(nearest[index] - _best_other(nearest, index)),
        float(nearest[index] - scores.nearest_abstain),
        scores.abstain,
        tier,
        float(own > 0 and own >= best_other),
        float(semantic[index] >= rival),
        1.0,
    ]


def _best_other(values: np.ndarray, index: int) -> float:
    """The largest of ``values`` but the one at ``index`` (0 when there is no other)."""
    if values.size < 2:
        return 0.0
    rest = values.copy()
    rest[index] = -np.inf
    return float(rest.max())


def red_flag_features(scores: _Scores) -> list[float]:
    """What the red-flag model reads about a message."""
    tier = float(scores.tiers.max()) if scores.tiers.size else 0.0
    others = max(float(scores.nearest_entries.max()), scores.nearest_abstain)
    return [
        tier,
        tier - float(scores.entries.max()),
        scores.abstain,
        scores.nearest_tier,
        scores.nearest_tier - others,
        1.0,
    ]


def _candidates(
    scores: _Scores, lexical: Mapping[str, float], entries: tuple[str, ...]
) -> list[int]:
    by_semantic = np.argsort(-scores.entries, kind="stable")[:CANDIDATES].tolist()
    position = {entry: index for index, entry in enumerate(entries)}
    by_lexical = sorted(lexical, key=lambda entry: -lexical[entry])[:CANDIDATES]
    return list(dict.fromkeys([*by_semantic, *(position[e] for e in by_lexical if e in position)]))


@dataclass(frozen=True)
class Fusion:
    """The two fusion models' weights, and the example sets and classes they were fitted on."""

    answer: np.ndarray
    red_flag: np.ndarray
    examples_key: str


class DecisionLayer:
    """Trained semantic scores plus the two fusion models, for one knowledge base."""

    def __init__(
        self,
        *,
        classes: _Classes,
        ridge: np.ndarray,
        memory: tuple[np.ndarray, np.ndarray],
        fusion: Fusion,
    ) -> None:
        """Use trained weights and the training texts' vectors and classes (see :meth:`train`)."""
        self.fusion = fusion
        self._classes = classes
        self._ridge = ridge
        vectors, targets = memory
        self._members = ClassMembers(targets)
        self._memory = np.ascontiguousarray(vectors[self._members.order])
        """The training texts' vectors, class by class: a message's similarities in one
        product, its closest text per class in one reduction."""
        self._answer = fusion.answer
        self._red_flag = fusion.red_flag

    @classmethod
    def train(
        cls,
        rows: Sequence[TrainingRow],
        vectors: Vectors,
        lexical: LexicalScores,
        *,
        entries: Sequence[str],
        tiers: Sequence[str],
        reuse: Fusion | None = None,
    ) -> DecisionLayer:
        """Fit on ``rows`` (embedded as ``vectors``); ``lexical`` scores the example rows.

        When ``reuse`` was fitted on the same example sets and classes (a teach, a reload
        that changed no example, a restart), its fusion weights are kept and only the semantic
        scores are refitted: one solve, not the whole out-of-fold fit.
        """
        classes = _Classes(tuple(entries), tuple(tiers))
        inputs = with_bias(vectors).astype(np.float64)
        targets = classes.matrix(rows)
        gram, cross = inputs.T @ inputs, inputs.T @ targets
        ridge = ridge_weights(gram, cross)
        key = _examples_key(classes, rows)
        memory = (vectors, targets)
        if reuse is not None and reuse.examples_key == key:
            return cls(classes=classes, ridge=ridge, memory=memory, fusion=reuse)
        answer, red_flag = _fit_fusion(
            classes, rows, vectors, lexical, inputs=inputs, targets=targets
        )
        fusion = Fusion(answer=answer, red_flag=red_flag, examples_key=key)
        return cls(classes=classes, ridge=ridge, memory=memory, fusion=fusion)

    def judge(
        self,
        vectors: Vectors,
        lexical: Mapping[str, float],
        clauses_from: int | None = None,
        asked: Vectors | None = None,
    ) -> Judgement:
        """Judge a message from the embeddings of its parts (the first is the whole start).

        Parts before ``clauses_from`` are the message and its windows; the rest are its
        clauses. Entries are judged on the first part, or on ``asked`` (one vector: what the
        message asks, without what it sets aside); the red flag on every window, so one at
        the end of a long message counts as much as one at its start, and on every clause
        apart, so one doesn't drown in the question around it.
        """
        parts = self._scores(vectors)
        split = len(parts) if clauses_from is None else clauses_from
        windows, clauses = parts[:split], parts[split:]
        readings = [windows[0]]
        if asked is not None:
            readings += self._scores(asked[None, :])
        chances: dict[str, float] = {}
        for first in readings:
            for index in _candidates(first, lexical, self._classes.entries):
                entry = self._classes.entries[index]
                features = np.array(entry_features(first, lexical, index, entry))
                chances[entry] = max(chances.get(entry, 0.0), sigmoid(features @ self._answer))
        judged = sorted(chances.items(), key=lambda pair: -pair[1])
        flags = [self._flag(part) for part in windows]
        red_flag, tier = max(flags, key=lambda flag: flag[0])
        return Judgement(
            entries=tuple(judged),
            red_flag=red_flag,
            tier=tier,
            clauses=tuple(self._flag(part) for part in clauses),
        )

    def red_flag_chances(self, vectors: Vectors) -> list[float]:
        """The probability that each text describes a red flag, read on its own vector."""
        return [self._flag(part)[0] for part in self._scores(vectors)]

    def _scores(self, vectors: Vectors) -> list[_Scores]:
        """The semantic scores of each vector."""
        raw = with_bias(vectors).astype(np.float64) @ self._ridge
        nearest = self._members.nearest(self._memory @ vectors.T)
        return [
            _split(self._classes, row, nearest_row)
            for row, nearest_row in zip(raw, nearest, strict=True)
        ]

    def _flag(self, part: _Scores) -> tuple[float, str | None]:
        """The probability that a part describes a red flag, and the tier it reads closest to."""
        flag = sigmoid(np.array(red_flag_features(part)) @ self._red_flag)
        tiers = part.tiers
        return flag, self._classes.tiers[int(np.argmax(tiers))] if tiers.size else None


def set_name(group: str) -> str:
    """An example set's file name: the same set in another directory is the same set."""
    return group.replace("\\", "/").rsplit("/", 1)[-1]


def _examples_key(classes: _Classes, rows: Sequence[TrainingRow]) -> str:
    """A digest of the classes and the example rows (the same in every process)."""
    examples = [[row.text, list(row.targets), set_name(row.group)] for row in rows if row.group]
    text = json.dumps([list(classes.all), examples], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_DEFAULT_ANSWER = np.array([2.0, 4.0, 2.0, 4.0, 2.0, 4.0, 2.0, -2.0, -1.0, 0.5, 0.5, -3.0])
"""Fusion weights for a knowledge base without example sets to fit them on."""
_DEFAULT_RED_FLAG = np.array([4.0, 2.0, -1.0, 2.0, 4.0, -3.0])


def fusion_shapes_fit(fusion: Fusion) -> bool:
    """Whether stored weights have the shapes this code's features need."""
    return (
        fusion.answer.shape == _DEFAULT_ANSWER.shape
        and fusion.red_flag.shape == _DEFAULT_RED_FLAG.shape
    )


def _fit_fusion(
    classes: _Classes,
    rows: Sequence[TrainingRow],
    vectors: Vectors,
    lexical: LexicalScores,
    *,
    inputs: np.ndarray,
    targets: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The fusion's answer and red-flag weights, fitted on out-of-fold scores of ``rows``.

    Each group of rows is scored by a ridge fitted without it, so the fusion learns from
    scores like those a new member's message gets. ``inputs`` and ``targets`` are the whole
    fit's (vectors with a bias, class indicators).
    """
    gram, cross = inputs.T @ inputs, inputs.T @ targets
    tier_names = set(classes.tiers)
    answer_rows: list[list[float]] = []
    answer_targets: list[float] = []
    flag_rows: list[list[float]] = []
    flag_targets: list[float] = []
    for group in sorted({row.group for row in rows if row.group is not None}):
        members = np.array([row.group == group for row in rows])
        held_in, held_out = inputs[members], targets[members]
        weights = ridge_weights(gram - held_in.T @ held_in, cross - held_in.T @ held_out)
        nearest = _nearest(vectors[members] @ vectors[~members].T, targets[~members])
        for row, scores_row, nearest_row in zip(
            (row for row in rows if row.group == group), held_in @ weights, nearest, strict=True
        ):
            scores = _split(classes, scores_row, nearest_row)
            flag_rows.append(red_flag_features(scores))
            flag_targets.append(float(bool(tier_names & set(row.targets))))
            lexical_scores = lexical(row.text)
            for index in _candidates(scores, lexical_scores, classes.entries):
                entry = classes.entries[index]
                answer_rows.append(entry_features(scores, lexical_scores, index, entry))
                answer_targets.append(float(entry in row.targets))
    return (
        _fit_or_default(answer_rows, answer_targets, _DEFAULT_ANSWER),
        _fit_or_default(flag_rows, flag_targets, _DEFAULT_RED_FLAG),
    )


def _fit_or_default(
    rows: list[list[float]], targets: list[float], default: np.ndarray
) -> np.ndarray:
    if len(set(targets)) < 2:  # nothing to separate: a tiny knowledge base
        return default
    return logistic_weights(np.array(rows), np.array(targets))
