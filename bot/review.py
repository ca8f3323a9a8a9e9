"""Moderators' review of what went unanswered: near-identical questions grouped together."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.engine import Engine
from bot.engine.normalise import clean
from bot.store import Ask, EntryStats

SAME_QUESTION = 85.0
"""Two questions at least this similar (rapidfuzz token-set ratio) count as one."""


@dataclass
class QuestionGroup:
    """Near-identical questions: how many, an example, and the closest entry."""

    example: Ask
    count: int = 1
    texts: list[str] = field(default_factory=list)
    closest_id: str | None = None
    closest_score: int = 0


def group_questions(asks: list[Ask], engine: Engine) -> list[QuestionGroup]:
    """Group ``asks`` by similarity, most frequent first, each with its closest entry."""
    groups: list[tuple[str, QuestionGroup]] = []
    for ask in asks:
        key = clean(ask.text)
        for group_key, group in groups:
            if fuzz.token_set_ratio(key, group_key) >= SAME_QUESTION:
                group.count += 1
                group.texts.append(ask.text)
                break
        else:
            groups.append((key, QuestionGroup(example=ask, texts=[ask.text])))
    result = [group for _, group in groups]
    for group in result:
        best = engine.search(group.example.text, limit=1)
        if best:
            group.closest_id = best[0].entry.id
            group.closest_score = round(best[0].score)
    result.sort(key=lambda group: -group.count)
    return result


@dataclass(frozen=True)
class EntryReport:
    """Usage of one entry with its most common phrasings."""

    stats: EntryStats
    phrasings: list[tuple[str, int]]


def entry_reports(
    stats: list[EntryStats], asks: list[Ask], per_entry: int = 3
) -> list[EntryReport]:
    """Stats per entry plus the phrasings members used most for it."""
    reports = []
    for row in stats:
        counted: dict[str, tuple[str, int]] = {}
        for ask in asks:
            if ask.entry_id == row.entry_id and ask.outcome == "answer":
                key = " ".join(clean(ask.text).split())
                text, count = counted.get(key, (ask.text, 0))
                counted[key] = (text, count + 1)
        common = sorted(counted.values(), key=lambda pair: -pair[1])[:per_entry]
        reports.append(EntryReport(row, common))
    return reports
