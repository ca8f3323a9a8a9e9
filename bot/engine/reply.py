"""The engine's answer to a message: a value every front end renders in its own way."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.engine.model import Entry, SafetyTier

DISCLAIMER = "General information from the article, not medical advice."
SAFETY_SOURCE = "Safety guidance"


class Outcome(StrEnum):
    """What kind of reply this is."""

    ANSWER = "answer"
    ABSTAIN = "abstain"
    SAFETY = "safety"
    SCREEN = "screen"
    """Maybe a red flag: ask whether one of ``signs`` applies before any exercise advice."""


@dataclass(frozen=True)
class Topic:
    """An entry named in a reply (a suggestion or a related topic)."""

    id: str
    title: str


@dataclass(frozen=True)
class Reply:
    """Everything a renderer needs; nothing here depends on how it is shown."""

    outcome: Outcome
    score: int
    entry: Entry | None = None
    tier: SafetyTier | None = None
    suggestions: tuple[Topic, ...] = ()
    related: tuple[Topic, ...] = ()
    routine: tuple[Entry, ...] = ()
    not_covered: str | None = None
    signs: tuple[str, ...] = ()
    """For a screen: the warning signs that fit the message, most fitting first."""
    disclaimer: str = DISCLAIMER

    @property
    def entry_id(self) -> str | None:
        """The id of the entry answered, if any."""
        return self.entry.id if self.entry else None

    @property
    def tier_id(self) -> str | None:
        """The id of the red-flag tier, for safety replies and screens."""
        return self.tier.id if self.tier else None

    @property
    def source(self) -> str | None:
        """The article section (or the safety guidance) this reply comes from."""
        if self.outcome in (Outcome.SAFETY, Outcome.SCREEN):
            return SAFETY_SOURCE
        return self.entry.source if self.entry else None

    def summary(self) -> dict[str, object]:
        """The machine-readable gist: outcome, id, score, suggestions and tier."""
        return {
            "outcome": self.outcome.value,
            "id": self.entry_id,
            "score": self.score,
            "suggestions": [topic.id for topic in self.suggestions],
            "tier": self.tier_id,
        }
