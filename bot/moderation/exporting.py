"""Moderators' standing changes written into the knowledge directory, for a pull request.

An edited entry's block in the file that holds it is replaced by the entry as its last
revision left it; an added entry goes to ``moderators-entries.yaml``. The whole knowledge base
is validated with the new files before anything is written, and each file is replaced
atomically. The edits file is left as it is: the overlay and the files then say the same.
"""

from __future__ import annotations

import re
from dataclasses import asdict, fields
from pathlib import Path

from bot.engine import Engine, KnowledgeError, load_knowledge
from bot.engine.loader import KnowledgeSource
from bot.engine.model import Entry
from bot.moderation.teaching import quoted_yaml, write_atomically

ADDED_FILE = "moderators-entries.yaml"
"""Where entries moderators added are written by an export."""
ADDED_HEADER = "# Entries moderators added with /kb add, exported for review.\n"


class ExportError(Exception):
    """An export that wrote nothing; the message says why."""


def export_revisions(engine: Engine, source: KnowledgeSource) -> list[Path]:
    """Write every entry a moderator changed into ``source``'s files; the files written."""
    knowledge = engine.knowledge
    standing = {revision.entry for revision in knowledge.revisions}
    texts: dict[Path, str] = {}
    added: list[Entry] = []
    for entry_id in sorted(standing):
        entry = knowledge.get(entry_id)
        if entry is None or knowledge.history(entry_id)[-1].content is None:
            continue  # handed back to the files, or an added entry removed
        home = _file_holding(source.directory, entry_id, texts)
        if home is None:
            added.append(entry)
            continue
        texts[home] = _replaced(texts.get(home) or home.read_text(encoding="utf-8"), entry)
    if added:
        listed = quoted_yaml({"entries": [_fields(entry) for entry in added]})
        texts[source.directory / ADDED_FILE] = ADDED_HEADER + listed
    if not texts:
        return []
    try:  # the exported files must stand on their own, without the moderators' edits
        load_knowledge(source, {**texts, source.edits_file: "revisions: []\n"})
    except KnowledgeError as error:
        raise ExportError(f"the exported files would not validate: {error}") from None
    for path, text in texts.items():
        write_atomically(path, text)
    return sorted(texts)


def _file_holding(directory: Path, entry_id: str, texts: dict[Path, str]) -> Path | None:
    """The knowledge file whose ``entries`` hold ``entry_id``, if any."""
    for path in sorted(directory.glob("*.yaml")):
        text = texts.get(path) or path.read_text(encoding="utf-8")
        if _block(text, entry_id) is not None:
            return path
    return None


def _block(text: str, entry_id: str) -> tuple[int, int] | None:
    """The character span of the entry ``entry_id``'s list item in a file's text."""
    start = re.search(rf"(?m)^([ \t]*)- id: [\"']?{re.escape(entry_id)}[\"']?[ \t]*$", text)
    if start is None:
        return None
    indent = start.group(1)
    following = re.compile(rf"(?m)^(?:{re.escape(indent)}- |\S)")
    end = following.search(text, start.end())
    return start.start(), end.start() if end else len(text)


def _replaced(text: str, entry: Entry) -> str:
    """``text`` with ``entry``'s list item written as the entry now stands."""
    span = _block(text, entry.id)
    assert span is not None  # the caller found it
    indent = re.match(r"\s*", text[span[0] :]).group(0)  # type: ignore[union-attr]
    dumped = quoted_yaml([_fields(entry)])
    block = "".join(f"{indent}{line}\n" for line in dumped.splitlines())
    return text[: span[0]] + block + text[span[1] :]


def _fields(entry: Entry) -> dict[str, object]:
    """The entry's fields that say something (defaults left out, as the files write them)."""
    defaults = {item.name: item.default for item in fields(Entry)}
    return {
        name: value
        for name, value in asdict(entry).items()
        if value not in (None, [], "") and value != defaults[name]
    }
