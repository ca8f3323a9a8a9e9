"""One knowledge file read on its own: size, UTF-8, strict YAML, validation, and its valid part."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.engine.loader.hints import validation_issues
from bot.engine.loader.issues import Issue, KnowledgeError, format_path
from bot.engine.model import KnowledgeFile

if TYPE_CHECKING:
    from pydantic import TypeAdapter, ValidationError

    from bot.engine.strict_yaml import YamlDocument, YamlPath


MAX_FILE_BYTES = 512 * 1024
"""The largest knowledge file read: a larger one is refused unread."""


@dataclass(frozen=True)
class ParsedFile:
    """A file read as YAML; ``content`` holds its records that are valid (all, if it is)."""

    name: str
    document: YamlDocument
    content: KnowledgeFile
    positions: Mapping[str, list[int]] = field(default_factory=dict)
    """Where each record of a section of ``content`` is in the file, when some didn't load."""

    def issue(self, path: YamlPath, message: str, hint: str = "") -> Issue:
        """An issue about ``path`` of ``content``, placed where the record is in the file."""
        section, *rest = path
        if section in self.positions and rest and isinstance(rest[0], int):
            path = (section, self.positions[str(section)][rest[0]], *rest[1:])
        return Issue(self.name, self.document.line_of(path), message, format_path(path), hint)


@dataclass(frozen=True)
class FileReading:
    """One file's problems, the records of it that loaded, and the names of those that didn't.

    ``unloaded`` holds the ids and names declared by records that didn't load (or by a file
    that isn't YAML): a reference to one is not unknown, just not checkable yet.
    """

    issues: list[Issue]
    parsed: ParsedFile | None = None
    unloaded: frozenset[str] = frozenset()


@cache
def _file_validator() -> TypeAdapter[KnowledgeFile]:
    from pydantic import TypeAdapter

    return TypeAdapter(KnowledgeFile)


_NAME_FIELDS = ("id", "name")
"""The fields by which entries, red-flag tiers and word groups are referred to."""
_NAME_LINE = re.compile(
    rf"(?:^|[{{,])[ \t-]*(?:{'|'.join(_NAME_FIELDS)}):[ \t]*[\"']?([a-z0-9-]+)", re.MULTILINE
)
"""An ``id:`` or ``name:`` in a file that isn't valid YAML: a name it likely declares."""


def _names(records: Iterable[object]) -> set[str]:
    """The ids and names that ``records`` (as written, valid or not) declare."""
    return {
        record[key]
        for record in records
        if isinstance(record, dict)
        for key in _NAME_FIELDS
        if isinstance(record.get(key), str)
    }


def _record_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The record an error is in: ``(section, index)``, or a section, or the whole file."""
    return loc[:2] if len(loc) > 1 and isinstance(loc[1], int) else loc[:1]


def _valid_part(
    name: str, document: YamlDocument, error: ValidationError
) -> tuple[ParsedFile, frozenset[str]]:
    """The records of an invalid file that are valid on their own, and the others' names.

    Cross-checks run on the first, and don't call the second unknown.
    """
    data = document.data
    broken = {_record_loc(detail["loc"]) for detail in error.errors(include_url=False)}
    if not isinstance(data, dict) or () in broken:
        names = _names(data if isinstance(data, list) else [])
        return ParsedFile(name, document, KnowledgeFile()), frozenset(names)
    sections = {
        key: value
        for key, value in data.items()
        if isinstance(value, list) and (key,) not in broken
    }
    positions = {
        key: [index for index in range(len(records)) if (key, index) not in broken]
        for key, records in sections.items()
    }
    kept = {key: [sections[key][index] for index in places] for key, places in positions.items()}
    dropped = [
        record
        for key, value in data.items()
        if isinstance(value, list)
        for index, record in enumerate(value)
        if (key,) in broken or (key, index) in broken
    ]
    content = _file_validator().validate_python(kept)
    return ParsedFile(name, document, content, positions), frozenset(_names(dropped))


def _read_capped(path: Path) -> bytes:
    """At most one byte more than the cap: a huge (or sparse) file is never read whole."""
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size > MAX_FILE_BYTES:
            return b"\0" * (MAX_FILE_BYTES + 1)
        return file.read(MAX_FILE_BYTES + 1)


def parse_file(path: Path, name: str, replacement: str | None) -> FileReading:
    """Read ``path`` (or ``replacement``, new text for it) as the file called ``name``."""
    # The YAML reader and the validator are imported when a file is read: importing the
    # engine (for a reply's types, say) doesn't pay for them.
    from pydantic import ValidationError

    from bot.engine.strict_yaml import YamlProblem, read_yaml

    try:
        raw = replacement.encode("utf-8") if replacement is not None else _read_capped(path)
    except OSError as error:
        return FileReading([Issue(name, None, f"cannot read: {error.strerror or error}")])
    if len(raw) > MAX_FILE_BYTES:
        return FileReading([Issue(name, None, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return FileReading([Issue(name, line, "not valid UTF-8 text")])
    try:
        document = read_yaml(text)
    except YamlProblem as problem:
        issue = Issue(name, problem.line, problem.message, hint=problem.hint)
        return FileReading([issue], unloaded=frozenset(_NAME_LINE.findall(text)))
    issues = [
        Issue(name, line, "duplicate key", format_path(key_path))
        for line, key_path in document.duplicate_keys
    ]
    if document.data is None:
        empty = Issue(name, 1, "the file is empty: an emptied file would drop its part")
        return FileReading([*issues, empty])
    try:
        content = _file_validator().validate_python(document.data)
    except ValidationError as error:
        valid, unloaded = _valid_part(name, document, error)
        return FileReading(issues + validation_issues(name, document, error), valid, unloaded)
    return FileReading(issues, ParsedFile(name, document, content))


def read_knowledge_file(path: Path) -> KnowledgeFile:
    """Validate one file on its own (no cross-file checks); raise ``KnowledgeError``."""
    read = parse_file(path, str(path), None)
    if read.issues or read.parsed is None:
        raise KnowledgeError(read.issues)
    return read.parsed.content
