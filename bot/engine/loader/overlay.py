"""Moderators' revisions laid over the reviewed files: the last change to an entry wins.

An entry a moderator edited is taken out of the file it came from and stands, as the last
revision left it, in the file that holds the revisions; an entry a moderator added stands
there too. A revision with no content hands the entry back to the reviewed files. The
cross-checks then run on the result, so an edit is checked like the files.
"""

from __future__ import annotations

from dataclasses import replace

from bot.engine.loader.parse import ParsedFile
from bot.engine.model import Entry, Revision


def latest_revisions(parsed: list[ParsedFile]) -> dict[str, tuple[str, Revision]]:
    """Entry id -> the file holding its last revision, and that revision."""
    latest: dict[str, tuple[str, Revision]] = {}
    for file in parsed:
        for revision in file.content.revisions:
            latest[revision.entry] = (file.name, revision)
    return latest


def apply_revisions(parsed: list[ParsedFile]) -> list[ParsedFile]:
    """The files with each entry's last revision in force."""
    latest = latest_revisions(parsed)
    if not latest:
        return parsed
    standing = {entry_id for entry_id, (_, revision) in latest.items() if revision.content}
    return [_revised(file, latest, standing) for file in parsed]


def _revised(
    file: ParsedFile, latest: dict[str, tuple[str, Revision]], standing: set[str]
) -> ParsedFile:
    """One file without the entries revisions replace, and with those its revisions keep."""
    entries = file.content.entries
    kept = [index for index, entry in enumerate(entries) if entry.id not in standing]
    revised: list[Entry] = [
        revision.content
        for name, revision in latest.values()
        if name == file.name and revision.content is not None
    ]
    if len(kept) == len(entries) and not revised:
        return file
    known = file.positions.get("entries", list(range(len(entries))))
    # A revised entry has no place under ``entries`` in its file: a problem in it points to
    # the file itself (its ``revisions`` say which).
    unplaced = [len(known) + number for number in range(len(revised))]
    positions = {**file.positions, "entries": [known[index] for index in kept] + unplaced}
    content = replace(file.content, entries=[entries[index] for index in kept] + revised)
    return replace(file, content=content, positions=positions)
