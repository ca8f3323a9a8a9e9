"""Teaching the bot new phrasings: validated, written atomically to ``learned.yaml``, undoable.

A taught phrasing is only written after the whole knowledge directory, with the change, has
validated; the write goes to a temporary file that is fsynced and then renamed over the old
one, so a crash leaves either the old file or the new one, never half of each.
"""

from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bot.engine import Engine, KnowledgeError, Reply, load_knowledge
from bot.engine.loader import read_knowledge_file
from bot.engine.model import Learned
from bot.engine.normalise import clean, tokens

LEARNED_FILE = "learned.yaml"
HEADER = """\
# yaml-language-server: $schema=schema.json
# Phrasings taught by moderators with `/kb teach` (undo with `/kb untaught`).
# Each item: {entry: id, question: "...", taught_by: "member id", taught_at: "ISO-8601 time"}.
# Reviewed in git like the rest of the knowledge base; safe to edit by hand.
"""


class TeachError(Exception):
    """A teach or undo that was refused; the message says why, for the moderator."""


@dataclass(frozen=True)
class TeachResult:
    """What the question matched before the teach, and after it."""

    question: str
    entry_id: str
    before: Reply
    after: Reply


def _key(text: str) -> str:
    return " ".join(tokens(clean(text)))


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``: temp file, fsync, rename, fsync the directory."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def learned_yaml(items: list[Learned]) -> str:
    """The text of ``learned.yaml`` for these items."""
    data = {"learned": [asdict(item) for item in items]}
    return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


class Teacher:
    """Adds and removes taught phrasings for one engine and knowledge directory."""

    def __init__(self, engine: Engine, directory: Path) -> None:
        """Teach into ``directory/learned.yaml`` and swap ``engine`` on success."""
        self.engine = engine
        self.directory = Path(directory)
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        """The file taught phrasings are written to."""
        return self.directory / LEARNED_FILE

    def _on_disk(self) -> list[Learned]:
        if not self.path.exists():
            return []
        try:
            return list(read_knowledge_file(self.path).learned)
        except KnowledgeError as error:
            raise TeachError(f"{LEARNED_FILE} is broken, fix it first: {error}") from None

    def _owner(self, question: str) -> str | None:
        key = _key(question)
        knowledge = self.engine.knowledge
        for entry in knowledge.entries.values():
            if any(_key(text) == key for text in (*entry.questions, *knowledge.taught(entry.id))):
                return entry.id
        return None

    def _save(self, items: list[Learned]) -> None:
        text = learned_yaml(items)
        try:
            knowledge = load_knowledge(self.directory, {LEARNED_FILE: text})
        except KnowledgeError as error:
            raise TeachError(f"the change would not validate: {error}") from None
        write_atomically(self.path, text)
        self.engine.swap(knowledge)

    def teach(self, question: str, entry_id: str, member_id: int) -> TeachResult:
        """Teach ``question`` as a phrasing of ``entry_id``; raise :class:`TeachError`."""
        question = " ".join(question.split())
        if not _key(question):
            raise TeachError("that phrasing is empty once markup is removed")
        if self.engine.knowledge.get(entry_id) is None:
            raise TeachError(f"there is no entry {entry_id!r}")
        flag = self.engine.red_flag(question)
        if flag is not None:
            raise TeachError(
                f"that phrasing triggers the red-flag triage ({flag.payload.id}: “{flag.phrase}”); "
                "members who write it must get the safety response"
            )
        outside = self.engine.not_covered(question)
        if outside is not None:
            raise TeachError(
                f"that phrasing asks about {outside}, which the article doesn't cover; "
                "members get told so instead of an answer"
            )
        with self._lock:
            owner = self._owner(question)
            if owner == entry_id:
                raise TeachError(f"{entry_id!r} already has that phrasing")
            if owner is not None:
                raise TeachError(f"that phrasing already belongs to {owner!r}")
            before = self.engine.answer(question)
            item = Learned(
                entry=entry_id,
                question=question,
                taught_by=str(member_id),
                taught_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            self._save([*self._on_disk(), item])
        return TeachResult(question, entry_id, before, self.engine.answer(question))

    def untaught(self, question: str) -> Learned:
        """Remove a taught phrasing; raise :class:`TeachError` if it isn't one."""
        key = _key(question)
        with self._lock:
            items = self._on_disk()
            keep = [item for item in items if _key(item.question) != key]
            if len(keep) == len(items):
                raise TeachError("that phrasing was not taught (only taught ones can be undone)")
            removed = next(item for item in items if _key(item.question) == key)
            self._save(keep)
        return removed
