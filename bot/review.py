"""Moderators' review of what went unanswered: near-identical questions grouped together."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.engine import Engine
from bot.engine.normalise import clean, tokens
from bot.engine.words import STOP_WORDS
from bot.store import Ask, EntryStats

SAME_QUESTION = 85.0
"""Two questions at least this similar (rapidfuzz token-set ratio) count as one."""
RAREST_WORDS = 3
"""A question looks for its group through its words found in the fewest groups so far..."""
CANDIDATES_PER_WORD = 30
"""...and compares itself with at most this many groups per word."""


@dataclass
class QuestionGroup:
    """Near-identical questions: how many, an example, and the closest entry."""

    example: Ask
    count: int = 1
    texts: list[str] = field(default_factory=list)
    closest_id: str | None = None
    closest_score: int = 0


def group_questions(
    asks: list[Ask], engine: Engine, limit: int | None = None
) -> list[QuestionGroup]:
    """Group ``asks`` by similarity, most frequent first; the first ``limit`` get their entry.

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
            groups[found].count += 1
            groups[found].texts.append(ask.text)
            continue
        for word in words:
            by_word[word].append(len(groups))
        exact[key] = len(groups)
        keys.append(key)
        groups.append(QuestionGroup(example=ask, texts=[ask.text]))
    groups.sort(key=lambda group: -group.count)
    shown = groups if limit is None else groups[:limit]
    for group in shown:
        best = engine.search(group.example.text, limit=1)
        if best:
            group.closest_id = best[0].entry.id
            group.closest_score = round(best[0].score)
    return shown


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
