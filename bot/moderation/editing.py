"""Moderators edit entries, add their own and undo either: checked like the files, live at once.

Every change is a :class:`~bot.engine.model.Revision` appended to the edits file beside the
taught phrasings (``DATA_DIR/edits.yaml``), by the same validated, atomic, locked change as a
teach (:class:`~bot.moderation.teaching.ModeratorFiles`): a crash leaves the old file or the new
one, a change that would not load is refused, and the engine is swapped at once. The reviewed
files stay the source: an entry's last revision wins while it exists, and reverting to version
0 hands the entry back to them. An edit names the version it started from; if another
moderator saved since, it is refused with their change, never written over it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path

from bot.engine import Engine
from bot.engine.loader import KnowledgeSource, read_knowledge_file
from bot.engine.model import MODERATORS_SOURCE, Dose, Entry, KnowledgeFile, Revision
from bot.moderation.teaching import (
    ModeratorFiles,
    TeachError,
    did_you_mean,
    red_flag_refusal,
    section_yaml,
)

EDITS_HEADER = """\
# yaml-language-server: $schema=schema.json
# Entries moderators edited or added with `/kb edit`, `/kb add` or `python -m bot edit|add`
# (undo: `revert`). Each revision holds the whole entry as the change left it; the last one of
# an entry wins over the reviewed files. `python -m bot export` writes them into knowledge/.
"""
LOCKED_ENTRIES = frozenset({"safety"})
"""Entries whose wording only the reviewed files may change (when to get checked)."""
EDITABLE_FIELDS = ("title", "summary", "body", "steps", "dose", "cues", "feel")
"""The fields of an entry a moderator may change from Discord or the shell."""
PREVIEW = "preview"
"""Who a revision checked for a preview is by: it is never saved."""
EXAMPLE_QUESTIONS = (3, 5)
"""An added entry comes with at least this many example questions, and at most."""

_PINGS = re.compile(r"@(?:everyone|here)\b|<@[!&]?\d+>", re.IGNORECASE)
_LINK = re.compile(r"[a-z][a-z0-9+.-]*://([^/?#\\\s<>()\[\]\"'`|]*)", re.IGNORECASE)
"""A link's scheme and authority (``user:pw@host:port``): anything that can't be in one ends it."""


class EditConflict(TeachError):
    """Another moderator saved the entry since this edit started: their change is shown."""

    def __init__(self, message: str, theirs: Revision) -> None:
        """Refuse with ``message``; ``theirs`` is the revision saved meanwhile."""
        super().__init__(message)
        self.theirs = theirs


@dataclass(frozen=True)
class EntryChange:
    """An entry before and after a change, and its version after it (revisions so far)."""

    entry_id: str
    before: Entry | None
    after: Entry | None
    version: int

    def diff(self) -> str:
        """The change as a unified diff of the entry's fields (``-`` before, ``+`` after)."""
        return "\n".join(
            difflib.unified_diff(
                _lines(self.before), _lines(self.after), "before", "after", lineterm="", n=1
            )
        )


def _lines(entry: Entry | None) -> list[str]:
    if entry is None:
        return []
    values = asdict(entry)
    return [
        f"{name}: {item}"
        for name in ("title", "summary", "body", "steps", "dose", "cues", "feel", "questions")
        if values.get(name)
        for item in (values[name] if isinstance(values[name], list) else [values[name]])
    ]


def link_host(authority: str) -> str:
    """The site a link's authority names: without ``user:password@`` or ``:port``."""
    return authority.rpartition("@")[2].partition(":")[0].rstrip(".").lower()


def text_problems(entry: Entry, allowed: Collection[str]) -> list[str]:
    """What in an entry's text a moderator may not publish: pings, links to other sites."""
    fields = [entry.title, entry.summary, entry.body, *entry.steps, *entry.cues, entry.feel]
    texts = [text for text in [*fields, *entry.questions] if isinstance(text, str)]
    problems = [f"it pings ({ping})" for text in texts for ping in _PINGS.findall(text)]
    problems += [
        f"it links to {host or 'a link with no site'}, which is not one of the blog's sites"
        for text in texts
        for host in map(link_host, _LINK.findall(text))
        if not any(host == site or host.endswith(f".{site}") for site in allowed)
    ]
    return list(dict.fromkeys(problems))


class Editor:
    """Edits, adds and reverts entries of one engine's knowledge base."""

    def __init__(
        self,
        engine: Engine,
        source: Path | KnowledgeSource,
        link_domains: Collection[str] = (),
    ) -> None:
        """Change ``source``'s edits file and swap ``engine`` after each change.

        Entries may link to ``link_domains`` (and their subdomains) only: the blog's sites.
        """
        self.engine = engine
        self.files = ModeratorFiles(engine, source)
        self.link_domains = frozenset(domain.lower() for domain in link_domains)

    @property
    def path(self) -> Path:
        """The edits file."""
        return self.files.source.edits_file

    def entry(self, entry_id: str) -> Entry:
        """The entry as members see it now; :class:`TeachError` if there is none."""
        entry = self.engine.knowledge.get(entry_id)
        if entry is None:
            hint = did_you_mean(entry_id, self.engine.knowledge.entries)
            raise TeachError(f"there is no entry {entry_id!r}{hint}")
        return entry

    def version(self, entry_id: str) -> int:
        """How many changes moderators made to the entry (0: as the reviewed files say)."""
        return len(self.engine.knowledge.history(entry_id))

    def history(self, entry_id: str) -> list[Revision]:
        """The entry's changes, oldest first (version n is the n-th)."""
        history = self.engine.knowledge.history(entry_id)
        if not history:
            self.entry(entry_id)  # an unknown id is refused, with a did-you-mean
        return history

    def editable(self, entry_id: str) -> Entry:
        """The entry as members see it now, if moderators may edit it; else :class:`TeachError`."""
        if entry_id in LOCKED_ENTRIES:
            raise TeachError(
                f"{entry_id!r} says when to get checked: change it in the reviewed files"
            )
        return self.entry(entry_id)

    def preview(self, entry_id: str, changes: Mapping[str, object]) -> EntryChange:
        """The entry as ``changes`` would leave it, checked as saving it would; nothing is saved.

        Its ``version`` is the one saving it now would make. The whole knowledge base is
        validated with it, so a preview a moderator sees is one *Save* can keep (unless
        someone saves the entry meanwhile).
        """
        before = self.editable(entry_id)
        after = _changed(before, changes)
        if after == before:
            raise TeachError("nothing changed")
        self._check_text(after)
        version = self.version(entry_id)
        revision = Revision(entry=entry_id, action="edit", by=PREVIEW, at=_now(), content=after)
        self.files.check(self.path, self._appending(revision, version))
        return EntryChange(entry_id, before, after, version + 1)

    def edit(
        self, entry_id: str, changes: Mapping[str, object], by: str, *, based_on: int
    ) -> EntryChange:
        """Save ``changes`` to the entry's fields; ``based_on`` is the version they started from."""
        before = self.editable(entry_id)
        after = _changed(before, changes)
        if after == before and based_on == self.version(entry_id):
            raise TeachError("nothing changed")
        return self._save(
            Revision(entry=entry_id, action="edit", by=by, at=_now(), content=after),
            before,
            based_on,
        )

    def add(
        self, entry_id: str, title: str, answer: str, questions: list[str], by: str
    ) -> EntryChange:
        """Add an entry of the moderators' own (not the article's), with example questions."""
        least, most = EXAMPLE_QUESTIONS
        if not least <= len(questions) <= most:
            raise TeachError(f"give {least} to {most} example questions, not {len(questions)}")
        if entry_id in self.engine.knowledge.entries:
            raise TeachError(f"there is already an entry {entry_id!r}: edit it instead")
        for question in questions:
            self._check_question(question)
        summary = answer.split(". ", maxsplit=1)[0].strip()[:300]
        entry = Entry(
            id=entry_id,
            title=title,
            summary=summary,
            body=answer,
            questions=questions,
            source=MODERATORS_SOURCE,
        )
        revision = Revision(entry=entry_id, action="add", by=by, at=_now(), content=entry)
        return self._save(revision, None, based_on=self.version(entry_id))

    def _check_question(self, question: str) -> None:
        """Refuse an example question that is a red flag or asks what the article doesn't cover.

        As a taught phrasing is refused: members asking it must keep getting the safety reply,
        or being told the article doesn't cover it, not the moderators' entry.
        """
        refusal = red_flag_refusal(self.engine, question, "adding it")
        if refusal is not None:
            raise TeachError(f"“{question}”: {refusal}")
        outside = self.engine.not_covered(question)
        if outside is not None:
            raise TeachError(
                f"“{question}” asks about {outside}, which members are told the article "
                "doesn't cover: the entry would never answer it"
            )

    def revert_preview(self, entry_id: str, to: int) -> EntryChange:
        """The entry as reverting it to version ``to`` would leave it, checked; nothing is saved."""
        content, history = self._reverted(entry_id, to)
        revision = Revision(entry=entry_id, action="revert", by=PREVIEW, at=_now(), content=content)
        self.files.check(self.path, self._appending(revision, len(history)))
        after = content if to else self.reviewed(entry_id)
        return EntryChange(entry_id, self.engine.knowledge.get(entry_id), after, len(history) + 1)

    def revert(
        self, entry_id: str, to: int, by: str, *, based_on: int | None = None
    ) -> EntryChange:
        """Put the entry back as version ``to`` left it (0: as the reviewed files say).

        ``based_on`` is the version the moderator saw when choosing: if someone saved the
        entry since, nothing is reverted (:class:`EditConflict`). Without it, the latest.
        """
        content, history = self._reverted(entry_id, to)
        revision = Revision(entry=entry_id, action="revert", by=by, at=_now(), content=content)
        seen = len(history) if based_on is None else based_on
        return self._save(revision, self.engine.knowledge.get(entry_id), seen)

    def _reverted(self, entry_id: str, to: int) -> tuple[Entry | None, list[Revision]]:
        """What version ``to`` of the entry holds (None: the reviewed files'), and its history."""
        history = self.engine.knowledge.history(entry_id)
        if not history:
            raise TeachError(f"{entry_id!r} has no changes to undo")
        if not 0 <= to <= len(history):
            raise TeachError(f"{entry_id!r} has versions 0 to {len(history)}, not {to}")
        return (history[to - 1].content if to else None), history

    def reviewed(self, entry_id: str) -> Entry | None:
        """The entry as the reviewed files hold it (None: a moderators' own entry)."""
        for path in sorted(self.files.source.directory.glob("*.yaml")):
            for entry in read_knowledge_file(path).entries:
                if entry.id == entry_id:
                    return entry
        return None

    def _check_text(self, entry: Entry) -> None:
        """Refuse an entry whose text pings or links outside the allowed sites."""
        problems = text_problems(entry, self.link_domains)
        if problems:
            raise TeachError("; ".join(problems))

    def _save(self, revision: Revision, before: Entry | None, based_on: int) -> EntryChange:
        """Append ``revision`` if nobody saved the entry since ``based_on``; swap the engine."""
        if revision.content is not None:
            self._check_text(revision.content)
        self.files.change(self.path, self._appending(revision, based_on))
        return EntryChange(
            revision.entry, before, self.engine.knowledge.get(revision.entry), based_on + 1
        )

    @staticmethod
    def _appending(revision: Revision, based_on: int) -> Callable[[KnowledgeFile], str]:
        """The edit of the revisions file that appends ``revision`` to version ``based_on``.

        It raises :class:`EditConflict` if someone saved the entry since.
        """

        def append(current: KnowledgeFile) -> str:
            theirs = [item for item in current.revisions if item.entry == revision.entry]
            if based_on > len(theirs):
                raise TeachError(f"{revision.entry!r} has no version {based_on} yet")
            if len(theirs) != based_on:
                raise EditConflict(
                    f"{theirs[-1].by} changed {revision.entry!r} at {theirs[-1].at} while you "
                    "were editing; nothing was saved: look at their change and edit again",
                    theirs[-1],
                )
            return section_yaml(EDITS_HEADER, "revisions", [*current.revisions, revision])

        return append


def _changed(entry: Entry, changes: Mapping[str, object]) -> Entry:
    """``entry`` with ``changes`` to its editable fields; :class:`TeachError` for others."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise TeachError(f"only {', '.join(EDITABLE_FIELDS)} can be edited, not {unknown}")
    if isinstance(changes.get("dose"), Mapping):
        try:
            changes = {**changes, "dose": Dose(**changes["dose"])}  # type: ignore[arg-type]
        except (TypeError, ValueError):  # an unknown part, or none stated
            names = ", ".join(item.name for item in fields(Dose))
            raise TeachError(f"a dose is written with one or more of {names}") from None
    return replace(entry, **changes)  # type: ignore[arg-type]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
