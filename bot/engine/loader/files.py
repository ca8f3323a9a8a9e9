"""Which files a knowledge directory is made of, where moderators' files live, which are refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.engine.loader.issues import Issue

EXAMPLES_DIR = "examples"
"""The folder of a knowledge directory that holds the labelled example messages."""


def _folders(directory: Path) -> list[Path]:
    return [directory, directory / EXAMPLES_DIR]


def knowledge_files(directory: Path) -> list[Path]:
    """The YAML files a knowledge directory is made of (``examples/`` last), in load order."""
    return [
        path
        for folder in _folders(directory)
        for path in sorted(folder.glob("*.yaml"))
        if path.is_file()
    ]


def outside(path: Path, directory: Path) -> bool:
    """Whether ``path`` (a link, or in a linked folder) resolves outside ``directory``."""
    return not path.resolve().is_relative_to(directory.resolve())


def files_not_loaded(directory: Path) -> list[Issue]:
    """Names that look like knowledge files but would be skipped: said, not silently ignored."""
    issues = [
        Issue(str(path), None, "links outside the knowledge directory: refused")
        for path in knowledge_files(directory)
        if outside(path, directory)
    ]
    for path in [path for folder in _folders(directory) for path in sorted(folder.glob("*.y*ml"))]:
        if path.suffix == ".yml":
            issues.append(Issue(str(path), None, "knowledge files end in .yaml: rename it"))
        elif path.suffix == ".yaml" and not path.is_file():
            issues.append(Issue(str(path), None, "not a readable file"))
    return issues


LEARNED_FILE = "learned.yaml"
"""The file of phrasings moderators taught with ``/kb teach``."""
EDITS_FILE = "edits.yaml"
"""Beside the taught phrasings: moderators' edits and added entries, with their history."""
LABELS_FILE = "moderators.yaml"
"""In ``examples/``: the messages moderators labelled, one example set like the others."""


@dataclass(frozen=True)
class KnowledgeSource:
    """A knowledge directory, and the file its taught phrasings are kept in.

    ``learned`` defaults to the directory's own ``learned.yaml``. A deployment keeps it in its
    data directory instead, so updating the checkout never meets moderators' teaches; the
    directory's own ``learned.yaml`` (reviewed in git) is still read as well.
    """

    directory: Path
    learned: Path | None = None
    labels: Path | None = None
    """Where moderators' labelled messages are kept, when not in ``examples/`` (the same)."""

    @classmethod
    def of(cls, where: Path | str | KnowledgeSource) -> KnowledgeSource:
        """``where`` as a source: a bare directory keeps its taught phrasings inside it."""
        return where if isinstance(where, KnowledgeSource) else cls(Path(where))

    @property
    def learned_file(self) -> Path:
        """Where taught phrasings are read from and written to."""
        return self.learned or self.directory / LEARNED_FILE

    @property
    def labels_file(self) -> Path:
        """Where moderators' labelled messages are read from and written to."""
        return self.labels or self.directory / EXAMPLES_DIR / LABELS_FILE

    @property
    def edits_file(self) -> Path:
        """Where moderators' edits and added entries are kept: beside the taught phrasings."""
        return self.learned_file.with_name(EDITS_FILE)

    @property
    def moderators_files(self) -> tuple[Path, ...]:
        """The files moderators change through the bot (read even outside the directory)."""
        return (self.learned_file, self.labels_file, self.edits_file)

    def kept_elsewhere(self) -> list[Path]:
        """The moderators' files a deployment keeps outside the directory, that exist."""
        edits = self.edits_file if self.learned else None
        return [path for path in (self.learned, self.labels, edits) if path and path.exists()]
