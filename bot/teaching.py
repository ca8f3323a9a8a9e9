"""Teaching the bot new phrasings: validated, written atomically to ``learned.yaml``, undoable.

A taught phrasing is only written after the whole knowledge directory, with the change, has
validated; the write goes to a temporary file that is fsynced and then renamed over the old
one, so a crash leaves either the old file or the new one, never half of each.

Two locks keep every "Taught" true: a file lock beside ``learned.yaml`` makes the
read-modify-write of the file one step across processes, and the engine's ``swapping`` lock,
held from reading the file to the swap, orders teaches, undos and reloads in the process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from filelock import FileLock, Timeout

from bot.engine import Engine, KnowledgeBase, KnowledgeError, Outcome, Reply, load_knowledge
from bot.engine.analysis import Analyser
from bot.engine.loader import read_knowledge_file
from bot.engine.model import LINE_CHARS, Learned
from bot.engine.normalise import clean, comparable

LEARNED_FILE = "learned.yaml"
LOCK_SUFFIX = ".lock"
"""The file lock is ``learned.yaml.lock``: the reloader watches only ``*.yaml`` files."""
LOCK_TIMEOUT = 15.0
"""Seconds a teach waits for other processes' teaches (each holds the lock well under 1 s)."""
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


def _has_topic_words(text: str, knowledge: KnowledgeBase) -> bool:
    """Whether matching would read any topic word in ``text``.

    The lexical matcher ignores function words and chat filler ("yes", "on", "true"), so a
    phrasing of only those can't be answered by it; the semantic layer would learn it, and then
    answer every member who just says "yes" (to a screening question, say) with the entry.
    """
    return bool(Analyser((), knowledge.synonyms).analyse(clean(text)).content)


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


class _Quoted(str):
    """A value written in double quotes.

    PyYAML quotes only what YAML 1.1 would misread, but the knowledge reader follows YAML 1.2,
    which reads a plain ``1e3`` as a number: quoted, any text reads back as itself.
    """

    __slots__ = ()


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing :class:`_Quoted` values in double quotes."""


_Dumper.add_representer(
    _Quoted,
    lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"'),
)


def learned_yaml(items: list[Learned]) -> str:
    """The text of ``learned.yaml`` for these items; every value is quoted, so it round-trips."""
    data = {
        "learned": [
            {field: _Quoted(value) for field, value in asdict(item).items()} for item in items
        ]
    }
    return HEADER + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class Teacher:
    """Adds and removes taught phrasings for one engine and knowledge directory."""

    def __init__(self, engine: Engine, directory: Path) -> None:
        """Teach into ``directory/learned.yaml`` and swap ``engine`` on success."""
        self.engine = engine
        self.directory = Path(directory)
        self._swap_lock = engine.swapping
        self._file_lock = FileLock(self.lock_path, timeout=LOCK_TIMEOUT)

    @property
    def path(self) -> Path:
        """The file taught phrasings are written to."""
        return self.directory / LEARNED_FILE

    @property
    def lock_path(self) -> Path:
        """The file lock that other processes teaching into the same directory share."""
        return self.directory / (LEARNED_FILE + LOCK_SUFFIX)

    @contextmanager
    def _exclusive_file(self) -> Iterator[None]:
        """Hold the file lock: no teach or undo in another process changes the file meanwhile.

        Taken only under the swap lock, so the two are always taken in the same order.
        """
        try:
            self._file_lock.acquire()
        except Timeout:
            raise TeachError(
                f"another teach kept {self.lock_path.name} locked for {LOCK_TIMEOUT:g} s; "
                "nothing was changed, try again"
            ) from None
        try:
            yield
        finally:
            self._file_lock.release()

    def _on_disk(self) -> list[Learned]:
        if not self.path.exists():
            return []
        try:
            return list(read_knowledge_file(self.path).learned)
        except KnowledgeError as error:
            raise TeachError(f"{LEARNED_FILE} is broken, fix it first: {error}") from None

    def _owner(self, question: str, taught: list[Learned]) -> str | None:
        """The entry that already has ``question``, as listed or as ``taught``.

        ``taught`` is read from disk: another process may have taught it since the last swap.
        """
        key = comparable(question)
        for item in taught:
            if comparable(item.question) == key:
                return item.entry
        for entry in self.engine.knowledge.entries.values():
            if any(comparable(text) == key for text in entry.questions):
                return entry.id
        return None

    def _save(self, items: list[Learned]) -> KnowledgeBase:
        """Validate and write ``items``; the caller swaps the engine to the result."""
        text = learned_yaml(items)
        try:
            knowledge = load_knowledge(self.directory, {LEARNED_FILE: text})
        except KnowledgeError as error:
            raise TeachError(f"the change would not validate: {error}") from None
        write_atomically(self.path, text)
        return knowledge

    def teach(self, question: str, entry_id: str, member_id: int) -> TeachResult:
        """Teach ``question`` as a phrasing of ``entry_id``; raise :class:`TeachError`."""
        question = " ".join(question.split())
        if not comparable(question):
            raise TeachError("that phrasing is empty once markup is removed")
        if len(question) > LINE_CHARS:
            raise TeachError(
                f"that phrasing is {len(question)} characters long; a taught phrasing can be "
                f"at most {LINE_CHARS}: teach the question part of it"
            )
        if self.engine.knowledge.get(entry_id) is None:
            raise TeachError(f"there is no entry {entry_id!r}")
        if not _has_topic_words(question, self.engine.knowledge):
            raise TeachError(
                "that phrasing has no topic words, only ones matching ignores (like “yes”, "
                "“on”, “true”): it would never be answered reliably, and members who just "
                "say it would get this entry; teach a phrasing that says what it is about"
            )
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
        with self._swap_lock:
            with self._exclusive_file():
                items = self._on_disk()
                owner = self._owner(question, items)
                if owner == entry_id:
                    raise TeachError(f"{entry_id!r} already has that phrasing")
                if owner is not None:
                    raise TeachError(f"that phrasing already belongs to {owner!r}")
                before = self.engine.answer(question)
                if before.outcome in (Outcome.SAFETY, Outcome.SCREEN):
                    raise TeachError(
                        f"the bot reads that phrasing as a possible red flag ({before.tier_id}); "
                        "members who write it must be asked about warning signs first"
                    )
                item = Learned(
                    entry=entry_id,
                    question=question,
                    taught_by=str(member_id),
                    taught_at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
                knowledge = self._save([*items, item])
            # Training the new engine can take a second: other processes needn't wait for it.
            self.engine.swap(knowledge)
            return TeachResult(question, entry_id, before, self.engine.answer(question))

    def untaught(self, question: str) -> Learned:
        """Remove a taught phrasing; raise :class:`TeachError` if it isn't one."""
        key = comparable(question)
        with self._swap_lock:
            with self._exclusive_file():
                items = self._on_disk()
                keep = [item for item in items if comparable(item.question) != key]
                if len(keep) == len(items):
                    raise TeachError(
                        "that phrasing was not taught (only taught ones can be undone)"
                    )
                removed = next(item for item in items if comparable(item.question) == key)
                knowledge = self._save(keep)
            self.engine.swap(knowledge)
        return removed
