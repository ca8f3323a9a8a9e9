"""The moderators' desk: every use case of ``/kb`` and of the shell, written once.

Teach and label take the question a moderator named (a phrasing, or a stored question's
``#id``), change the knowledge files through a :class:`~bot.moderation.teaching.Teacher` or a
:class:`~bot.moderation.labels.Labeller`, log who did it, and settle the row of the unanswered
list it came from. Untaught, dismiss, the review and usage are here too. The front ends (the
``/kb`` cog and the moderators' shell commands) render the plain results, and say a
:class:`Refused` action's one line as it is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from bot.config import Settings
from bot.engine import Engine
from bot.engine.loader import KnowledgeSource
from bot.engine.model import Learned
from bot.moderation.editing import Editor
from bot.moderation.labels import Label, Labeller, describe
from bot.moderation.review import (
    EntryReport,
    RememberingEncoder,
    Review,
    ReviewError,
    Section,
    entry_reports,
    meaning_encoder,
    named_question,
    review,
    settle,
)
from bot.moderation.review import dismiss as dismiss_row
from bot.moderation.teaching import Teacher, TeachError
from bot.store import EntryStats, Store


class Refused(Exception):
    """A moderator's action that changed nothing: ``Not taught: why.``, one line to show."""


@dataclass(frozen=True)
class Change:
    """A teach or a label as done: what it did, in words, and the row it settled."""

    described: str
    """``“question” → entry: before ..., now ...``."""
    settled: int
    """How many stored questions it took off the unanswered list (0: none was up for review)."""


@dataclass(frozen=True)
class _Written:
    """A teach or a label as written: for the teach log, the settled row and the moderator."""

    action: str
    """``taught`` or ``labelled``."""
    target: str
    """The entry taught, or the label in words."""
    question: str
    """The question as it was written."""
    described: str


@dataclass(frozen=True)
class Usage:
    """Per entry, the last ``days``' asks, votes and phrasings members used most."""

    days: int
    stats: list[EntryStats]
    reports: list[EntryReport]
    asked: bool
    """Whether any question was asked in those days, answered or not."""

    def is_empty(self) -> bool:
        """Whether there is nothing to show: no question asked, no entry answered."""
        return not self.asked and not self.stats


class Desk:
    """The moderators' use cases for one store and deployment; safe to call from threads.

    ``engine`` is called once, when a use case first needs the engine (the shell builds it only
    then: ``dismiss`` and ``stats`` never do). ``knowledge`` is the knowledge directory changed
    (default: the settings').
    """

    def __init__(
        self,
        engine: Callable[[], Engine],
        store: Store,
        settings: Settings,
        knowledge: Path | None = None,
    ) -> None:
        """A desk working on ``store`` and the knowledge base ``engine`` answers from."""
        self._engine_of = engine
        self.store = store
        self.settings = settings
        self.knowledge = knowledge
        self._meaning: list[RememberingEncoder | None] = []
        self._meaning_lock = threading.Lock()

    @cached_property
    def engine(self) -> Engine:
        """The engine whose knowledge base moderators change."""
        return self._engine_of()

    @property
    def source(self) -> KnowledgeSource:
        """The knowledge files a teach or a label changes."""
        return self.settings.knowledge_source(self.knowledge)

    @cached_property
    def editor(self) -> Editor:
        """Edits, adds and reverts entries of the engine's knowledge base (``/kb edit`` ...)."""
        return Editor(self.engine, self.source, self.settings.link_domains)

    def encoder(self) -> RememberingEncoder | None:
        """The encoder grouping questions by meaning, loaded once (``None``: semantic off)."""
        with self._meaning_lock:
            if not self._meaning:
                self._meaning.append(meaning_encoder(self.settings.semantic_options))
            return self._meaning[0]

    def forget_vectors(self) -> None:
        """Drop the vectors kept of questions (a member's questions were deleted).

        They are keyed by a hash of the text, so whose they were is unknown: all go, and the
        next listing encodes the questions still stored again.
        """
        for encoder in list(self._meaning):  # no lock: the event loop calls this
            if encoder is not None:
                encoder.forget()

    def unanswered(
        self, days: int, sections: Collection[Section], limit: int | None = None
    ) -> Review:
        """The last ``days``' unanswered questions grouped, ``sections`` up to ``limit`` rows."""
        asks = self.store.unanswered(days)
        return review(asks, self.engine, sections=sections, limit=limit, encoder=self.encoder())

    def teach(self, picked: str, entry_id: str, member_id: int) -> Change:
        """Teach ``picked`` (a phrasing, or ``#id``) to ``entry_id``; log it; settle its row."""
        teacher = Teacher(self.engine, self.source)

        def taught(question: str) -> _Written:
            result = teacher.teach(question, entry_id, member_id)
            return _Written("taught", entry_id, result.question, result.describe())

        return self._write(picked, member_id, "Not taught", taught)

    def untaught(self, question: str, member_id: int) -> Learned:
        """Undo the taught phrasing ``question`` and log it; return what was removed."""
        teacher = Teacher(self.engine, self.source)
        try:
            removed = teacher.untaught(question)
        except TeachError as error:
            raise Refused(f"Not changed: {error}.") from None
        self.store.log_teach(member_id, removed.entry, removed.question, "untaught")
        return removed

    def label(self, picked: str, label: Label, tier: str | None, member_id: int) -> Change:
        """Label ``picked`` (a message, or ``#id``) off-topic or a red flag; log; settle."""
        labeller = Labeller(self.engine, self.source)

        def labelled(message: str) -> _Written:
            result = labeller.label(message, label, tier)
            words = describe(result.example)
            return _Written("labelled", words, result.example.q, result.describe())

        return self._write(picked, member_id, "Not labelled", labelled)

    def dismiss(self, ask_id: int) -> int:
        """Hide the row holding stored question ``ask_id``; return how many questions left."""
        days = self.settings.retention_days
        try:
            return dismiss_row(self.store, ask_id, days=days, encoder=self.encoder())
        except ReviewError as error:
            raise Refused(f"Not dismissed: {error}.") from None

    def usage(self, days: int) -> Usage:
        """Asks, votes and common phrasings per entry over the last ``days``."""
        stats = self.store.entry_stats(days)
        asks = self.store.asks_since(days)
        return Usage(days, stats, entry_reports(stats, asks), asked=bool(asks))

    def usage_chart(self, usage: Usage) -> bytes:
        """The usage chart of ``usage``'s days, as a PNG."""
        # matplotlib only when a chart is drawn: the bot and the shell start without it.
        from bot.moderation.charts import usage_chart  # noqa: PLC0415

        per_day = self.store.questions_per_day(usage.days)
        today = datetime.now(UTC).date()
        return usage_chart(per_day, usage.stats, days=usage.days, today=today)

    def _write(
        self, picked: str, member_id: int, refused: str, write: Callable[[str], _Written]
    ) -> Change:
        """Write what ``picked`` names (a text, or ``#id``) to a knowledge file; log; settle.

        A refusal of the write, or an ``#id`` not stored, is :class:`Refused`, its message
        starting with ``refused``. The row it came from (or worded as it was written) leaves
        the unanswered list.
        """
        try:
            text, ask_id = named_question(self.store, picked)
            written = write(text)
        except (TeachError, ReviewError) as error:
            raise Refused(f"{refused}: {error}.") from None
        self.store.log_teach(member_id, written.target, written.question, written.action)
        settled = settle(
            self.store,
            f"{written.action} {written.target}",
            days=self.settings.retention_days,
            ask_id=ask_id,
            question=written.question,
            encoder=self.encoder(),
        )
        return Change(written.described, settled)
