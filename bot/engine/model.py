"""The shape of the knowledge files: what moderators may write, checked strictly.

Every record forbids unknown fields and coerces nothing (``title: no`` is not silently a
boolean-turned-string, ``sets: 2`` must be written ``sets: "2"``), so a typo in a field name
or a value of the wrong kind is an error with a line number rather than a quiet surprise.
The records are plain frozen dataclasses; the rules on their fields (:mod:`field_rules`) are
applied by the loader, so code that only answers questions never imports a validator.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Annotated, Any, Literal

from bot.engine.field_rules import Items, Text, Whole

EntryId = Annotated[
    str,
    Text(
        64,
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        description="Stable kebab-case identifier, e.g. `prone-leg-curl`.",
    ),
]
LINE_CHARS = 300
"""The longest one-line text of a knowledge file: a question, a phrase, a taught phrasing."""
Line = Annotated[str, Text(LINE_CHARS)]
Title = Annotated[str, Text(100)]
Prose = Annotated[str, Text(2000)]
Url = Annotated[str, Text(500, pattern=r"^https?://\S+$")]
Message = Annotated[str, Text(4000)]
"""A member's message as written: Discord allows 4,000 characters with Nitro."""

MODERATORS_SOURCE = "Written by the moderators, not the article"
"""The ``source`` of an entry a moderator added (``/kb add``): its footer says who wrote it."""

_STRICT: dict[str, Any] = {"extra": "forbid"}
"""Validation settings of every record: an unknown field is an error."""
_FILE_CONFIG: dict[str, Any] = {**_STRICT, "title": "Knowledge file"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Dose:
    """How much of an exercise, exactly as the article states it."""

    __pydantic_config__ = _STRICT

    sets: Line | None = None
    reps: Line | None = None
    duration: Line | None = None
    tempo: Line | None = None
    note: Line | None = None

    def __post_init__(self) -> None:
        """Refuse a dose that says nothing."""
        if not self.given():
            raise ValueError("give at least one of sets, reps, duration, tempo, note")

    def given(self) -> list[str]:
        """The parts of the dose that are stated, in field order."""
        return [value for value in (getattr(self, part.name) for part in fields(self)) if value]

    def summary(self) -> str:
        """The dose on one line, exactly as stated: ``Sets: 2 · Reps: 8 to 10 slow reps``."""
        labelled = [
            f"{part.name.capitalize()}: {value}"
            for part in fields(self)
            if part.name != "note" and (value := getattr(self, part.name))
        ]
        return " · ".join([*labelled, *([self.note] if self.note else [])])


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A link a moderator can fill in; ``url: null`` until someone does."""

    __pydantic_config__ = _STRICT

    label: Title
    url: Url | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One thing the bot can explain: a topic, an exercise, or the routine."""

    __pydantic_config__ = _STRICT

    id: EntryId
    kind: Literal["topic", "exercise", "routine"] = "topic"
    title: Title
    summary: Line
    body: Prose
    questions: Annotated[list[Line], Items(1, 200)]
    keywords: Annotated[list[Line], Items(0, 50)] = field(default_factory=list)
    related: Annotated[list[EntryId], Items(0, 10)] = field(default_factory=list)
    source: Title
    purpose: Prose | None = None
    steps: Annotated[list[Line], Items(0, 20)] = field(default_factory=list)
    dose: Dose | None = None
    cues: Annotated[list[Line], Items(0, 20)] = field(default_factory=list)
    feel: Line | None = None
    order: Annotated[int, Whole(1, 20)] | None = None
    routine: Annotated[list[EntryId], Items(0, 20)] = field(default_factory=list)
    links: Annotated[list[Link], Items(0, 10)] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Refuse fields that don't belong to the entry's kind, or missing ones that do."""
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

    @property
    def is_exercise(self) -> bool:
        """Whether this entry is an exercise with steps and a dose."""
        return self.kind == "exercise"


@dataclass(frozen=True, slots=True, kw_only=True)
class Synonym:
    """Words members use for the same thing; matching reads every variant as ``canonical``."""

    __pydantic_config__ = _STRICT

    canonical: Line
    variants: Annotated[list[Line], Items(1, 50)]


@dataclass(frozen=True, slots=True, kw_only=True)
class SafetyTier:
    """A red-flag tier: what members might say, and what the bot says back."""

    __pydantic_config__ = _STRICT

    id: EntryId
    title: Title
    response: Prose
    phrases: Annotated[list[Line], Items(1, 300)]
    signs: Annotated[list[Line], Items(0, 20)] = field(default_factory=list)
    """Warning signs of this tier in plain words, listed by the screening question."""
    ask_phrases: Annotated[list[Line], Items(0, 100)] = field(default_factory=list)
    """Wordings that may describe one of this tier's signs, or something everyday ("my calf
    feels fizzy" after a massage gun or with pins and needles): they get the screening
    question, never the firm reply, and teach the learned signal nothing."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NotCovered:
    """A subject members ask about that the article does not cover: the bot says so."""

    __pydantic_config__ = _STRICT

    topic: Annotated[
        str, Text(100, description="Shown to members: 'The article doesn't cover <topic>.'")
    ]
    phrases: Annotated[list[Line], Items(1, 100)]
    ask_instead: Annotated[
        str | None,
        Text(
            200,
            description="Who can answer instead, shown after 'so I won't guess.'; by default"
            " 'A physio or coach who can see you is the right person for that'.",
        ),
    ] = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WordGroup:
    """Interchangeable words for red-flag and scope phrases: ``{name}`` in a phrase means any."""

    __pydantic_config__ = _STRICT

    name: EntryId
    words: Annotated[list[Line], Items(1, 100)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Learned:
    """A phrasing a moderator taught the bot for an entry."""

    __pydantic_config__ = _STRICT

    entry: EntryId
    question: Line
    taught_by: Line
    taught_at: Line


@dataclass(frozen=True, slots=True, kw_only=True)
class Revision:
    """A moderator's change to an entry, kept in the moderators' edits file (``revisions:``).

    ``content`` is the whole entry as the change left it; ``None`` hands the entry back to the
    reviewed files (or, for one a moderator added, removes it). The last revision of an entry
    wins over the reviewed files while it exists; earlier ones are its history.
    """

    __pydantic_config__ = _STRICT

    entry: EntryId
    action: Literal["edit", "add", "revert"]
    by: Line
    at: Line
    content: Entry | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextRules:
    """How one language says a symptom is not the member's own, current one (ConText triggers).

    A trigger's scope runs forward to the end of its clause (``negated``, ``past``...) or back
    towards its sentence's start (the ``*_after`` lists); a ``terminate`` word ends it, and a
    ``pseudo`` wording that contains a trigger ("no idea", "not only") is no trigger. A symptom
    in the scope of a negation, a past, a hypothetical or someone else is no red flag; in the
    scope of an ``uncertain`` trigger it gets the screening question. A short clause after a
    comma carries a forward scope on (a list) unless it opens with a ``clause_start`` word.
    Someone else's scope (``other``) ends at a ``first_person`` word, and counts only in a
    message with no ``carer`` wording (a child, a parent, "should he"): asked on behalf of
    someone, their red flag is the member's to act on. A sentence in which an ``experiencer``
    wording (a person) owns every ``body`` word ("can't put weight on his leg") is perhaps
    theirs (unsure, up to where the member speaks of themselves): with a ``possessive`` ("my")
    the member speaks of themselves only before a body word, and a person just after a
    ``contact`` word ("clashed with his knee") owns nothing. Any other word written with a
    possessive 's just before a body word makes the rest of its sentence someone else's after a
    ``third_party`` wording ("the landlord's knee"), unsure without one ("Jim's knee"); a
    ``kin`` word there ("son's knee", "the lad's knee") is someone the member looks after.
    ``resolved_after`` wordings ("fully healed") reach back through the whole sentence.
    ``figurative`` wordings use symptom words for something else ("numb to the advice"). A
    negation of a ``function`` ("not able to walk") is the symptom itself, not its denial, and
    so is a "no" answering a question about a ``function`` or a ``sense`` ("Any feeling in
    your foot? None.") or a ``change`` ("Swelling going down? Nope.").
    A clause that says a function or a sense is as it should be (``reassuring``: "walks
    without difficulty", "straightens fully", "feeling is normal") and holds no red-flag
    wording denies it, however its words read to the learned signal.
    ``body`` words tell a message about the body in a language the bot reads poorly, and name
    the body parts a person owns.
    A red-flag word a checklist answers with an ``affirming`` word ("swelling yes", a tick)
    gets the screening question; a negation that is one of the ``answers`` ("fever: no",
    "swelling 0") denies only the item just before it, and no ``function``. One that is its
    own sentence, just after a question made only of red-flag words, ``body`` words and
    ``asking`` words ("Is it swollen? Nope.", "Pain at night? No."), denies the question's
    symptoms; after any other question ("Numbness sorted? No.") it denies nothing.
    An episode told from a ``dated`` wording ("two winters ago", "2012") up to an affirmed
    ``ended`` one ("it was finished", "sorted it"), before a sentence that opens with a
    ``now_contrast`` wording and asks nothing ("Now only pain on the outside of the knee.";
    not a ``now_asking`` one: "Now what exercises"), is past, unless a ``terminate`` or a
    ``present`` word lies between ("it gives way, physio sorted it"). A past scope that meets
    a ``recent`` wording in its clause ("on Sunday", "this morning") ends at the last
    ``joining`` word before it: "Two years ago I tore my ACL and my knee swelled up after a
    twist on Sunday" dates the tear, not the swelling; or at a ``speaker`` word ("I") after
    that, which starts something else ("and my foot was numb for months i read it today").
    """

    __pydantic_config__ = _STRICT

    language: Annotated[str, Text(2, pattern=r"^[a-z]{2}$")]
    negated: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    negated_after: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    past: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    past_after: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    resolved_after: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    hypothetical: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    other: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    first_person: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    carer: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    affirming: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    answers: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    asking: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    experiencer: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    kin: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    third_party: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    possessive: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    contact: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    uncertain: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    uncertain_after: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    figurative: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    pseudo: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    reassuring: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    terminate: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    dated: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    ended: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    now_contrast: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    now_asking: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    present: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    recent: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    joining: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    speaker: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    clause_start: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    function: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    sense: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    change: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)
    body: Annotated[list[Line], Items(0, 300)] = field(default_factory=list)


CONTEXT_LISTS = tuple(item.name for item in fields(ContextRules) if item.name != "language")
"""The word lists of context rules, by name."""

ABSTAIN = "abstain"
"""The label of a message the bot should not answer (not covered, chatter)."""
RED_FLAG = "safety"
"""The label of a message that describes a red flag: it needs the safety reply of ``tier``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """A labelled member message: what the decision layer learns from and ``eval`` scores.

    ``expect`` is the list of entry ids that answer it, ``abstain``, or ``safety`` (a red flag,
    with its ``tier``).
    """

    __pydantic_config__ = _STRICT

    q: Message
    expect: Annotated[list[EntryId], Items(1, 5)] | Literal["abstain", "safety"]
    tier: EntryId | None = None
    kind: Annotated[str, Text(40)] = "unlabelled"

    def __post_init__(self) -> None:
        """A red flag names its tier; nothing else does."""
        if (self.expect == RED_FLAG) != (self.tier is not None):
            raise ValueError("a `safety` example needs `tier`, and only a safety example has one")

    @property
    def label(self) -> str:
        """The first acceptable entry id, ``abstain``, or ``safety``."""
        return self.expect if isinstance(self.expect, str) else self.expect[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class KnowledgeFile:
    """A file of the bot's knowledge base (knowledge/*.yaml); every section is optional."""

    __pydantic_config__ = _FILE_CONFIG

    entries: Annotated[list[Entry], Items()] = field(default_factory=list)
    synonyms: Annotated[list[Synonym], Items()] = field(default_factory=list)
    safety_tiers: Annotated[list[SafetyTier], Items()] = field(default_factory=list)
    not_covered: Annotated[list[NotCovered], Items()] = field(default_factory=list)
    word_groups: Annotated[list[WordGroup], Items()] = field(default_factory=list)
    learned: Annotated[list[Learned], Items()] = field(default_factory=list)
    exercise_cues: Annotated[list[Line], Items(0, 100)] = field(default_factory=list)
    """Wordings of exercise cues that read like red flags ("should I lock my knee out?"):
    red-flag triage skips the words they cover."""
    examples: Annotated[list[Example], Items(0, 2000)] = field(default_factory=list)
    """Labelled member messages (``knowledge/examples/``): the decision layer learns from them."""
    context_examples: Annotated[list[Example], Items(0, 2000)] = field(default_factory=list)
    """Labelled messages in which context decides whether a symptom word is a red flag
    (denied, dated, imagined, someone else's, figurative, or affirmed among such words): only
    the alarm's second look learns from them (see ``bot.engine.semantic.second_look``)."""
    context: Annotated[list[ContextRules], Items(0, 20)] = field(default_factory=list)
    """Per language, the words that mark a symptom as denied, past, imagined or another's."""
    revisions: Annotated[list[Revision], Items(0, 5000)] = field(default_factory=list)
    """Moderators' edits and added entries (``/kb edit``, ``/kb add``), oldest first."""
