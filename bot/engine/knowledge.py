"""The loaded knowledge base: every file merged into one immutable, cross-checked whole."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from types import MappingProxyType

from bot.engine.model import (
    ContextRules,
    Entry,
    Example,
    KnowledgeFile,
    Learned,
    NotCovered,
    Revision,
    SafetyTier,
    Synonym,
)


@dataclass(frozen=True)
class KnowledgeBase:
    """Every section of :class:`KnowledgeFile`, merged over the files in load order.

    Sections are tuples, except ``entries`` (by id) and ``word_groups`` (name -> words), which
    are looked up.
    """

    entries: Mapping[str, Entry]
    synonyms: tuple[Synonym, ...]
    safety_tiers: tuple[SafetyTier, ...]
    not_covered: tuple[NotCovered, ...]
    word_groups: Mapping[str, tuple[str, ...]]
    learned: tuple[Learned, ...]
    exercise_cues: tuple[str, ...]
    examples: tuple[Example, ...]
    files: tuple[str, ...]
    loaded_at: datetime
    example_sets: Mapping[str, tuple[Example, ...]]
    """The labelled examples by the file they came from (one set per file)."""
    context_sets: Mapping[str, tuple[Example, ...]]
    """The labelled context examples by the file they came from (one set per file)."""
    context: tuple[ContextRules, ...] = ()
    revisions: tuple[Revision, ...] = ()
    """Moderators' changes to entries, oldest first (already applied to ``entries``)."""

    @classmethod
    def build(
        cls, files: Sequence[KnowledgeFile], names: Sequence[str], loaded_at: datetime
    ) -> KnowledgeBase:
        """Merge already-validated files (named by ``names``) into a knowledge base."""
        merged: dict[str, object] = {
            section.name: tuple(item for file in files for item in getattr(file, section.name))
            for section in fields(KnowledgeFile)
        }
        entries: tuple[Entry, ...] = merged.pop("entries")  # type: ignore[assignment]
        groups = merged.pop("word_groups")
        merged.pop("context_examples")  # kept by file, in ``context_sets``
        return cls(
            entries=MappingProxyType({entry.id: entry for entry in entries}),
            word_groups=MappingProxyType({group.name: tuple(group.words) for group in groups}),  # type: ignore[attr-defined]
            files=tuple(names),
            loaded_at=loaded_at,
            example_sets=_sets_of(files, names, "examples"),
            context_sets=_sets_of(files, names, "context_examples"),
            **merged,  # type: ignore[arg-type]
        )

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, if any."""
        return self.entries.get(entry_id)

    def tier(self, tier_id: str) -> SafetyTier | None:
        """The red-flag tier with this id, if any."""
        return next((tier for tier in self.safety_tiers if tier.id == tier_id), None)

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

    def history(self, entry_id: str) -> list[Revision]:
        """The moderators' changes to one entry, oldest first."""
        return [revision for revision in self.revisions if revision.entry == entry_id]

    def question_count(self) -> int:
        """How many phrasings the matcher knows, taught ones included."""
        return sum(len(entry.questions) for entry in self.entries.values()) + len(self.learned)


def _sets_of(
    files: Sequence[KnowledgeFile], names: Sequence[str], section: str
) -> Mapping[str, tuple[Example, ...]]:
    """One ``section``'s labelled messages by the file they came from (files with none left out)."""
    return MappingProxyType(
        {
            name: tuple(getattr(file, section))
            for file, name in zip(files, names, strict=True)
            if getattr(file, section)
        }
    )
