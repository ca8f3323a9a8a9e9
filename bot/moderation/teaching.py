"""Teaching the bot new phrasings: validated, written atomically to ``learned.yaml``, undoable.

Every file moderators change through the bot (taught phrasings here, labelled examples in
:mod:`bot.moderation.labels`) is changed by :class:`ModeratorFiles`: the new text is only
written after the whole knowledge base, with the change, has validated; the write goes to a
temporary file that is fsynced and then renamed over the old one, so a crash leaves either the
old file or the new one, never half of each.

Two locks keep every "Taught" true: a file lock beside ``learned.yaml`` makes the
read-modify-write of a file one step across processes, and the engine's ``swapping`` lock,
held from reading the file to the swap, orders changes and reloads in the process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from filelock import FileLock, Timeout
from rapidfuzz import fuzz, process

from bot.conversation.assistant import cautious
from bot.engine import Engine, KnowledgeBase, KnowledgeError, Reply, load_knowledge
from bot.engine.analysis import Analyser
from bot.engine.loader import KnowledgeSource, read_knowledge_file
from bot.engine.model import LINE_CHARS, KnowledgeFile, Learned
from bot.engine.normalise import clean, comparable, without_surrogates

LOCK_SUFFIX = ".lock"
"""The file lock is ``learned.yaml.lock``: the reloader watches only ``*.yaml`` files."""
LOCK_TIMEOUT = 15.0
"""Seconds a teach waits for other processes' teaches (each holds the lock well under 1 s)."""
HEADER = """\
# yaml-language-server: $schema=schema.json
# Phrasings taught by moderators with `/kb teach` or `python -m bot teach` (undo: `untaught`).
# Each item: {entry: id, question: "...", taught_by: "member id", taught_at: "ISO-8601 time"}.
# Reviewed in git like the rest of the knowledge base; safe to edit by hand.
"""


class TeachError(Exception):
    """A teach or undo that was refused; the message says why, for the moderator."""


def red_flag_refusal(engine: Engine, message: str, doing: str) -> str | None:
    """Why a moderator may not teach or label ``message`` away from the safety reply, if so.

    Recall first: a message that affirms a red-flag phrase, or that the bot reads as a red
    flag with nothing in it denied, dated, imagined or someone else's, must keep getting the
    safety reply or the screen. A false alarm the bot raised on a message that denies its
    symptom ("I said it's NOT swollen") may be corrected.
    """
    reading = engine.read(message)
    flag = reading.phrase
    if flag is not None and not flag.dismissed and flag.tier is not None:
        return (
            f"that message affirms a red flag ({flag.tier.id}: “{flag.wording}”); {doing} "
            "would teach the bot to miss messages like it"
        )
    reply = engine.answer(message)
    if cautious(reply) and not reply.denied:
        return (
            f"the bot reads that message as a possible red flag ({reply.tier_id}) and nothing "
            f"in it denies the symptom; {doing} would teach the bot to miss messages like it"
        )
    return None


@dataclass(frozen=True)
class TeachResult:
    """What the question matched before the teach, and after it."""

    question: str
    entry_id: str
    before: Reply
    after: Reply

    def describe(self) -> str:
        """``“question” → entry: before ..., now ...`` in words.

        When the question got something else before, the entry's own score then is given too
        (``before abstain (62) with entry at 41``): the score ``/kb unanswered`` showed for it.
        """
        before = reply_gist(self.before)
        was = self.before.score_of(self.entry_id)
        if was is not None and self.before.entry_id != self.entry_id:
            before += f" with {self.entry_id} at {was}"
        return f"“{self.question}” → {self.entry_id}: before {before}, now {reply_gist(self.after)}"


def reply_gist(reply: Reply) -> str:
    """What a reply was, in a few words: the entry or the outcome, and the score."""
    return f"{reply.entry_id or reply.outcome.value} ({reply.score})"


def _has_topic_words(text: str, knowledge: KnowledgeBase) -> bool:
    """Whether matching would read any topic word in ``text``.

    The lexical matcher ignores function words and chat filler ("yes", "on", "true"), so a
    phrasing of only those can't be answered by it; the semantic layer would learn it, and then
    answer every member who just says "yes" (to a screening question, say) with the entry.
    """
    return bool(Analyser((), knowledge.synonyms).analyse(clean(text)).content)


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``: temp file, fsync, rename, fsync the directory.

    A write that fails (a full disk) leaves ``path`` as it was and no temp file behind.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
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


def _quoted(value: object) -> object:
    """``value`` with every text in it quoted; ``None`` fields are left out of mappings."""
    if isinstance(value, str):
        return _Quoted(value)
    if isinstance(value, list):
        return [_quoted(item) for item in value]
    if isinstance(value, dict):
        return {key: _quoted(item) for key, item in value.items() if item is not None}
    return value


LONG_LINES = 1_000_000
"""Texts are written on one line each, never folded: a diff then shows what changed."""


def quoted_yaml(data: object) -> str:
    """``data`` as YAML with every text in double quotes, so that it reads back as itself."""
    return yaml.dump(
        _quoted(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=LONG_LINES
    )


def section_yaml(header: str, section: str, items: Sequence[object]) -> str:
    """A knowledge file of one ``section`` of records; every text is quoted, so it round-trips."""
    return header + quoted_yaml({section: [asdict(item) for item in items]})  # type: ignore[call-overload]


def learned_yaml(items: list[Learned]) -> str:
    """The text of ``learned.yaml`` for these items."""
    return section_yaml(HEADER, "learned", items)


SPELT_LIKE = 75.0
"""A known id at least this similar (rapidfuzz WRatio) to one that isn't is offered instead."""


def did_you_mean(wanted: str, known: Iterable[str]) -> str:
    """``; did you mean 'a' or 'b'`` for the ids of ``known`` spelt like ``wanted``, or ``""``."""
    close = process.extract(
        wanted, list(known), scorer=fuzz.WRatio, limit=3, score_cutoff=SPELT_LIKE
    )
    names = [repr(name) for name, _, _ in close]
    return f"; did you mean {' or '.join(names)}" if names else ""


class ModeratorFiles:
    """The knowledge files moderators change through the bot, and how every change is made.

    A change reads its file, validates the whole knowledge base with the new text, writes it
    atomically and swaps the engine, holding the engine's ``swapping`` lock throughout and a
    file lock, shared by every such file of the deployment, across the read-modify-write.
    """

    def __init__(self, engine: Engine, source: Path | KnowledgeSource) -> None:
        """Change files of ``source`` and swap ``engine`` after each change."""
        self.engine = engine
        self.source = KnowledgeSource.of(source)
        self._file_lock = FileLock(self.lock_path, timeout=LOCK_TIMEOUT)

    @property
    def lock_path(self) -> Path:
        """The file lock, beside the taught phrasings, that every process changing them shares."""
        learned = self.source.learned_file
        return learned.with_name(learned.name + LOCK_SUFFIX)

    @contextmanager
    def _exclusive_file(self) -> Iterator[None]:
        """Hold the file lock: no change in another process writes meanwhile.

        Taken only under the swap lock, so the two are always taken in the same order.
        """
        try:
            self._file_lock.acquire()
        except Timeout:
            raise TeachError(
                f"another teach kept {self.lock_path.name} locked for {LOCK_TIMEOUT:g} s; "
                "nothing was changed, try again"
            ) from None
        except OSError as error:
            raise TeachError(
                f"can't write beside {self.lock_path.parent} ({error.strerror}): "
                "check DATA_DIR, LEARNED_PATH and LABELS_PATH; nothing was changed"
            ) from None
        try:
            yield
        finally:
            self._file_lock.release()

    @staticmethod
    def _on_disk(path: Path) -> KnowledgeFile:
        if not path.exists():
            return KnowledgeFile()
        try:
            return read_knowledge_file(path)
        except KnowledgeError as error:
            raise TeachError(f"{path.name} is broken, fix it first: {error}") from None

    def change(self, path: Path, edit: Callable[[KnowledgeFile], str]) -> None:
        """Replace the file at ``path`` with ``edit(what it holds now)``, validated; swap.

        ``edit`` runs under both locks and may raise :class:`TeachError` to change nothing.
        """
        with self.engine.swapping:
            with self._exclusive_file():
                text = edit(self._on_disk(path))
                knowledge = self._validated(path, text)
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    write_atomically(path, text)
                except OSError as error:
                    raise TeachError(
                        f"can't write {path} ({error.strerror or error}): is the disk full? "
                        "Nothing was changed"
                    ) from None
            # Training the new engine can take a second: other processes needn't wait for it.
            self.engine.swap(knowledge)

    def check(self, path: Path, edit: Callable[[KnowledgeFile], str]) -> None:
        """Raise :class:`TeachError` if :meth:`change` would refuse ``edit``; change nothing."""
        with self._exclusive_file():
            text = edit(self._on_disk(path))
        self._validated(path, text)

    def _validated(self, path: Path, text: str) -> KnowledgeBase:
        """The knowledge base with ``text`` at ``path``, or :class:`TeachError` saying why not."""
        try:
            return load_knowledge(self.source, {path: text})
        except KnowledgeError as error:
            raise TeachError(f"the change would not validate: {error}") from None


class Teacher:
    """Adds and removes taught phrasings for one engine and knowledge base."""

    def __init__(self, engine: Engine, source: Path | KnowledgeSource) -> None:
        """Teach into ``source``'s taught phrasings and swap ``engine`` on success."""
        self.engine = engine
        self.files = ModeratorFiles(engine, source)

    @property
    def path(self) -> Path:
        """The file taught phrasings are written to."""
        return self.files.source.learned_file

    @property
    def lock_path(self) -> Path:
        """The file lock that other processes teaching into the same knowledge base share."""
        return self.files.lock_path

    def _owner(self, question: str, taught: Sequence[Learned]) -> str | None:
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

    def teach(self, question: str, entry_id: str, member_id: int) -> TeachResult:
        """Teach ``question`` as a phrasing of ``entry_id``; raise :class:`TeachError`."""
        question = without_surrogates(" ".join(question.split()))
        if not comparable(question):
            raise TeachError("that phrasing is empty once markup is removed")
        if len(question) > LINE_CHARS:
            raise TeachError(
                f"that phrasing is {len(question)} characters long; a taught phrasing can be "
                f"at most {LINE_CHARS}: teach the question part of it"
            )
        if self.engine.knowledge.get(entry_id) is None:
            hint = did_you_mean(entry_id, self.engine.knowledge.entries)
            raise TeachError(f"there is no entry {entry_id!r}{hint}")
        if not _has_topic_words(question, self.engine.knowledge):
            raise TeachError(
                "that phrasing has no topic words, only ones matching ignores (like “yes”, "
                "“on”, “true”): it would never be answered reliably, and members who just "
                "say it would get this entry; teach a phrasing that says what it is about"
            )
        refusal = red_flag_refusal(self.engine, question, "teaching it")
        if refusal is not None:
            raise TeachError(refusal)
        outside = self.engine.not_covered(question)
        if outside is not None:
            raise TeachError(
                f"that phrasing asks about {outside}, which the article doesn't cover; "
                "members get told so instead of an answer"
            )
        before: list[Reply] = []

        def add(current: KnowledgeFile) -> str:
            owner = self._owner(question, current.learned)
            if owner == entry_id:
                raise TeachError(f"{entry_id!r} already has that phrasing")
            if owner is not None:
                raise TeachError(f"that phrasing already belongs to {owner!r}")
            before.append(self.engine.answer(question))
            item = Learned(
                entry=entry_id,
                question=question,
                taught_by=str(member_id),
                taught_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            return learned_yaml([*current.learned, item])

        with self.engine.swapping:
            self.files.change(self.path, add)
            return TeachResult(question, entry_id, before[0], self.engine.answer(question))

    def untaught(self, question: str) -> Learned:
        """Remove a taught phrasing; raise :class:`TeachError` if it isn't one."""
        key = comparable(question)
        removed: list[Learned] = []

        def remove(current: KnowledgeFile) -> str:
            removed.extend(item for item in current.learned if comparable(item.question) == key)
            if not removed:
                raise TeachError("that phrasing was not taught (only taught ones can be undone)")
            return learned_yaml([i for i in current.learned if comparable(i.question) != key])

        self.files.change(self.path, remove)
        return removed[0]
