"""The shape of the knowledge files: what moderators may write, checked strictly.

Every model forbids unknown fields and coerces nothing (``title: no`` is not silently a
boolean-turned-string, ``sets: 2`` must be written ``sets: "2"``), so a typo in a field name
or a value of the wrong kind is an error with a line number rather than a quiet surprise.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

EntryId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64),
    Field(description="Stable kebab-case identifier, e.g. `prone-leg-curl`."),
]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Prose = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Dose(_Strict):
    """How much of an exercise, exactly as the article states it."""

    sets: Line | None = None
    reps: Line | None = None
    duration: Line | None = None
    tempo: Line | None = None
    note: Line | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Dose:
        if not any((self.sets, self.reps, self.duration, self.tempo, self.note)):
            raise ValueError("give at least one of sets, reps, duration, tempo, note")
        return self


class Link(_Strict):
    """A link a moderator can fill in; ``url: null`` until someone does."""

    label: Title
    url: Url | None = None


class Entry(_Strict):
    """One thing the bot can explain: a topic, an exercise, or the routine."""

    id: EntryId
    kind: Literal["topic", "exercise", "routine"] = "topic"
    title: Title
    summary: Line
    body: Prose
    questions: list[Line] = Field(min_length=1, max_length=200)
    keywords: list[Line] = Field(default_factory=list, max_length=50)
    related: list[EntryId] = Field(default_factory=list, max_length=10)
    source: Title
    purpose: Prose | None = None
    steps: list[Line] = Field(default_factory=list, max_length=20)
    dose: Dose | None = None
    cues: list[Line] = Field(default_factory=list, max_length=20)
    feel: Line | None = None
    order: int | None = Field(default=None, ge=1, le=20)
    routine: list[EntryId] = Field(default_factory=list, max_length=20)
    links: list[Link] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Entry:
        exercise_fields = {"purpose": self.purpose, "steps": self.steps, "dose": self.dose}
        if self.kind == "exercise":
            missing = [name for name, value in exercise_fields.items() if not value]
            if self.order is None:
                missing.append("order")
            if missing:
                raise ValueError(f"an exercise needs {', '.join(missing)}")
        elif any(exercise_fields.values()) or self.cues or self.feel or self.order:
            raise ValueError("purpose, steps, dose, cues, feel and order belong to exercises")
        if self.kind == "routine" and not self.routine:
            raise ValueError("a routine needs `routine`: the exercise ids in order")
        if self.kind != "routine" and self.routine:
            raise ValueError("`routine` belongs to entries of kind routine")
        return self

    @property
    def is_exercise(self) -> bool:
        """Whether this entry is an exercise with steps and a dose."""
        return self.kind == "exercise"


class Synonym(_Strict):
    """Words members use for the same thing; matching reads every variant as ``canonical``."""

    canonical: Line
    variants: list[Line] = Field(min_length=1, max_length=50)


class SafetyTier(_Strict):
    """A red-flag tier: what members might say, and what the bot says back."""

    id: EntryId
    title: Title
    response: Prose
    phrases: list[Line] = Field(min_length=1, max_length=300)


class NotCovered(_Strict):
    """A subject members ask about that the article does not cover: the bot says so."""

    topic: Title = Field(description="Shown to members: 'The article doesn't cover <topic>.'")
    phrases: list[Line] = Field(min_length=1, max_length=100)


class WordGroup(_Strict):
    """Interchangeable words for red-flag and scope phrases: ``{name}`` in a phrase means any."""

    name: EntryId
    words: list[Line] = Field(min_length=1, max_length=100)


class Learned(_Strict):
    """A phrasing a moderator taught the bot for an entry."""

    entry: EntryId
    question: Line
    taught_by: Line
    taught_at: Line


class KnowledgeFile(_Strict):
    """One YAML file in the knowledge directory; every section is optional."""

    model_config = ConfigDict(
        title="Knowledge file",
        json_schema_extra={"description": "A file of the bot's knowledge base (knowledge/*.yaml)."},
    )

    entries: list[Entry] = Field(default_factory=list)
    synonyms: list[Synonym] = Field(default_factory=list)
    safety_tiers: list[SafetyTier] = Field(default_factory=list)
    not_covered: list[NotCovered] = Field(default_factory=list)
    word_groups: list[WordGroup] = Field(default_factory=list)
    learned: list[Learned] = Field(default_factory=list)
