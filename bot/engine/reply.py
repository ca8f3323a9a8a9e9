"""The engine's answer to a message: a value every front end renders in its own way."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from bot.engine.context import Finding
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
    SMALL_TALK = "small_talk"
    """A greeting, thanks, an acknowledgement or a goodbye (from the conversation layer)."""


PartKind = Literal["summary", "paragraph", "step", "dose", "feel", "purpose", "routine"]
SmallTalk = Literal["greeting", "thanks", "ack", "goodbye", "about"]
"""Kinds of small talk; ``about`` asks what the bot is or can do ("help", "are you a bot?")."""


@dataclass(frozen=True)
class Part:
    """The part of an entry that answers what was asked, which a short answer leads with.

    ``index`` is the step or paragraph's position (0-based) for those kinds; ``verdict`` is
    "No" when a yes/no question asks about something the step says not to do.
    """

    kind: PartKind
    text: str
    index: int = 0
    verdict: str | None = None


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
    ask_instead: str | None = None
    """For a subject the article doesn't cover: who can answer instead, if not a physio."""
    signs: tuple[str, ...] = ()
    """For a screen: the warning signs that fit the message, most fitting first."""
    part: Part | None = None
    """For an answer: the part of the entry that answers what was asked."""
    also: tuple[Reply, ...] = ()
    """For an answer to a message asking several things: the answers to its other parts."""
    small_talk: SmallTalk | None = None
    """For small talk: which kind."""
    restated: bool = False
    """For a safety reply: it restates one given earlier in the conversation."""
    finding: Finding | None = None
    """For a safety reply or a screen: the red flag it was given for, and how it was found."""
    language: str | None = None
    """The message's language, when it is not English (the bot reads English best)."""
    denied: frozenset[str] = frozenset()
    """The words of symptoms the message denies, dates or lends away ("it's NOT swollen")."""
    wonders: bool = False
    """The message asks about a warning sign rather than reporting one ("what's deformed?")."""
    corrected: bool = False
    """For an answer: it follows the member's correction of a safety reply given by mistake."""
    ranking: tuple[tuple[str, int], ...] = ()
    """The entries judged for the message, best first, each with its score (0-100); for an
    answer or "I don't know", :attr:`score` is the first one's. Empty for small talk and for
    a message that only asks about subjects the article doesn't cover."""
    disclaimer: str = DISCLAIMER

    @property
    def entry_id(self) -> str | None:
        """The id of the entry answered, if any."""
        return self.entry.id if self.entry else None

    def score_of(self, entry_id: str) -> int | None:
        """The score ``entry_id`` had for the message, or ``None`` when it wasn't judged.

        What a moderator is shown for a question and an entry: the closest entry of an
        unanswered row, and a teach's "before".
        """
        return dict(self.ranking).get(entry_id)

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
        """The machine-readable gist: outcome, id, score, suggestions, tier and the rest."""
        return {
            "outcome": self.outcome.value,
            "id": self.entry_id,
            "score": self.score,
            "suggestions": [topic.id for topic in self.suggestions],
            "tier": self.tier_id,
            "part": self.part.kind if self.part else None,
            "also": [answer.entry_id for answer in self.also],
            "not_covered": self.not_covered,
        }
