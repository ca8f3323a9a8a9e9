"""Load a knowledge directory: validate everything, report every problem, or build a new base.

``load_knowledge`` either returns a complete new :class:`KnowledgeBase` or raises
:class:`KnowledgeError` listing every problem as ``file:line: where: what; hint``, in words
for the moderators who edit the files. It never touches the knowledge base already in use,
so callers swap only on success.

Every file is read, whatever the others hold, and the cross-checks (references between
entries, duplicate ids, word groups) run on every record that is valid on its own: one run
lists the problems of all files. A record that didn't load (or a file that isn't YAML) still
declares its ids, so nothing referring to it is called unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from bot.engine.knowledge import KnowledgeBase
from bot.engine.loader.crosscheck import cross_check
from bot.engine.loader.files import (
    KnowledgeSource,
    files_not_loaded,
    knowledge_files,
    outside,
)
from bot.engine.loader.issues import Issue, KnowledgeError
from bot.engine.loader.overlay import apply_revisions
from bot.engine.loader.parse import ParsedFile, parse_file

MAX_FILES = 100
"""The most files a knowledge directory may hold."""


def load_knowledge(
    directory: Path | str | KnowledgeSource, replacements: Mapping[Path, str] | None = None
) -> KnowledgeBase:
    """Validate every file of ``directory`` and build a new knowledge base, or raise.

    ``directory`` may be a :class:`KnowledgeSource` keeping its taught phrasings elsewhere.
    ``replacements`` maps files (``directory / name``, or the taught phrasings' file) to new
    contents to validate instead of what is on disk (so a change can be checked before it is
    written).
    """
    source = KnowledgeSource.of(directory)
    directory = source.directory
    replacements = replacements or {}
    if not directory.is_dir():
        raise KnowledgeError([Issue(str(directory), None, "not a directory")])
    taught = [source.learned_file] if source.learned_file.exists() else []
    paths = sorted({*knowledge_files(directory), *taught, *source.kept_elsewhere(), *replacements})
    if not paths:
        raise KnowledgeError([Issue(str(directory), None, "no .yaml files found")])
    if len(paths) > MAX_FILES:
        raise KnowledgeError([Issue(str(directory), None, f"more than {MAX_FILES} files")])
    issues = files_not_loaded(directory)
    parsed: list[ParsedFile] = []
    unloaded: set[str] = set()
    for path in paths:
        kept = path in source.moderators_files
        if path.exists() and not kept and outside(path, directory):
            continue  # reported, and never read
        read = parse_file(path, str(path), replacements.get(path))
        issues += read.issues
        unloaded |= read.unloaded
        if read.parsed is not None:
            parsed.append(read.parsed)
    parsed = apply_revisions(parsed)
    issues += cross_check(parsed, unloaded, complete=not issues)
    if issues:
        raise KnowledgeError(issues)
    return KnowledgeBase.build(
        [file.content for file in parsed], [file.name for file in parsed], datetime.now(UTC)
    )
