"""The loaded knowledge base: every file merged into one immutable, cross-checked whole."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from bot.engine.model import Entry, Learned, NotCovered, SafetyTier, Synonym, WordGroup


@dataclass(frozen=True)
class KnowledgeBase:
    """Entries by id (file order), synonyms, red flags and cues, word groups, taught phrasings."""

    entries: Mapping[str, Entry]
    synonyms: tuple[Synonym, ...]
    tiers: tuple[SafetyTier, ...]
    not_covered: tuple[NotCovered, ...]
    word_groups: Mapping[str, tuple[str, ...]]
    learned: tuple[Learned, ...]
    exercise_cues: tuple[str, ...]
    files: tuple[str, ...]
    loaded_at: datetime

    @classmethod
    def build(
        cls,
        *,
        entries: list[Entry],
        synonyms: list[Synonym],
        tiers: list[SafetyTier],
        not_covered: list[NotCovered],
        word_groups: list[WordGroup],
        learned: list[Learned],
        exercise_cues: list[str],
        files: list[str],
        loaded_at: datetime,
    ) -> KnowledgeBase:
        """Freeze already-validated parts into a knowledge base."""
        return cls(
            entries=MappingProxyType({entry.id: entry for entry in entries}),
            synonyms=tuple(synonyms),
            tiers=tuple(tiers),
            not_covered=tuple(not_covered),
            word_groups=MappingProxyType({group.name: tuple(group.words) for group in word_groups}),
            learned=tuple(learned),
            exercise_cues=tuple(exercise_cues),
            files=tuple(files),
            loaded_at=loaded_at,
        )

    def __getstate__(self) -> dict[str, object]:
        """Pickle the read-only mappings as plain dicts (a mapping view can't be pickled)."""
        return {
            name: dict(value) if isinstance(value, MappingProxyType) else value
            for name, value in self.__dict__.items()
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        """Restore a pickled knowledge base with its mappings read-only again."""
        for name, value in state.items():
            read_only = MappingProxyType(value) if isinstance(value, dict) else value
            object.__setattr__(self, name, read_only)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, if any."""
        return self.entries.get(entry_id)

    def exercises(self) -> list[Entry]:
        """Exercise entries in routine order."""
        found = [entry for entry in self.entries.values() if entry.is_exercise]
        return sorted(found, key=lambda entry: entry.order or 0)

    def routine(self) -> Entry | None:
        """The first routine entry, if the knowledge base has one."""
        return next((e for e in self.entries.values() if e.kind == "routine"), None)

    def taught(self, entry_id: str) -> list[str]:
        """Phrasings moderators taught for this entry."""
        return [item.question for item in self.learned if item.entry == entry_id]

    def question_count(self) -> int:
        """How many phrasings the matcher knows, taught ones included."""
        return sum(len(entry.questions) for entry in self.entries.values()) + len(self.learned)
