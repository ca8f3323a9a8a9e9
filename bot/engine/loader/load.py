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

import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.engine.knowledge import KnowledgeBase
from bot.engine.loader.files import (
    KnowledgeSource,
    files_not_loaded,
    knowledge_files,
    outside,
)
from bot.engine.loader.hints import did_you_mean, validation_issues
from bot.engine.loader.issues import Issue, KnowledgeError, format_path
from bot.engine.model import Entry, KnowledgeFile
from bot.engine.normalise import clean, tokens
from bot.engine.phrase_syntax import (
    CONJUNCTION,
    MAX_ALTERNATIVES,
    MAX_TOTAL_ALTERNATIVES,
    alternative_count,
    alternatives,
    references,
    split_parts,
)
from bot.engine.words import FILLER_WORDS, STOP_WORDS

if TYPE_CHECKING:
    from pydantic import TypeAdapter, ValidationError

    from bot.engine.strict_yaml import YamlDocument, YamlPath

MAX_FILE_BYTES = 512 * 1024
COMMON_WORDS = STOP_WORDS | FILLER_WORDS
"""Words too common to make up a red-flag, scope or cue phrase, or a synonym, on their own."""
MAX_FILES = 100


@dataclass(frozen=True)
class _Parsed:
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
class _Read:
    """One file's problems, the records of it that loaded, and the names of those that didn't.

    ``unloaded`` holds the ids and names declared by records that didn't load (or by a file
    that isn't YAML): a reference to one is not unknown, just not checkable yet.
    """

    issues: list[Issue]
    parsed: _Parsed | None = None
    unloaded: frozenset[str] = frozenset()


@cache
def _file_validator() -> TypeAdapter[KnowledgeFile]:
    from pydantic import TypeAdapter

    return TypeAdapter(KnowledgeFile)


def _unknown(target: str, names: Iterable[str], what: str = "entry id") -> tuple[str, str]:
    """The message and hint of a reference to a ``what`` that isn't among ``names``."""
    return f"unknown {what} {target!r}", did_you_mean(target, names)


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
) -> tuple[_Parsed, frozenset[str]]:
    """The records of an invalid file that are valid on their own, and the others' names.

    Cross-checks run on the first, and don't call the second unknown.
    """
    data = document.data
    broken = {_record_loc(detail["loc"]) for detail in error.errors(include_url=False)}
    if not isinstance(data, dict) or () in broken:
        names = _names(data if isinstance(data, list) else [])
        return _Parsed(name, document, KnowledgeFile()), frozenset(names)
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
    return _Parsed(name, document, content, positions), frozenset(_names(dropped))


def _read_capped(path: Path) -> bytes:
    """At most one byte more than the cap: a huge (or sparse) file is never read whole."""
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size > MAX_FILE_BYTES:
            return b"\0" * (MAX_FILE_BYTES + 1)
        return file.read(MAX_FILE_BYTES + 1)


def _parse_file(path: Path, name: str, replacement: str | None) -> _Read:
    # The YAML reader and the validator are imported when a file is read: importing the
    # engine (for a reply's types, say) doesn't pay for them.
    from pydantic import ValidationError

    from bot.engine.strict_yaml import YamlProblem, read_yaml

    try:
        raw = replacement.encode("utf-8") if replacement is not None else _read_capped(path)
    except OSError as error:
        return _Read([Issue(name, None, f"cannot read: {error.strerror or error}")])
    if len(raw) > MAX_FILE_BYTES:
        return _Read([Issue(name, None, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return _Read([Issue(name, line, "not valid UTF-8 text")])
    try:
        document = read_yaml(text)
    except YamlProblem as problem:
        issue = Issue(name, problem.line, problem.message, hint=problem.hint)
        return _Read([issue], unloaded=frozenset(_NAME_LINE.findall(text)))
    issues = [
        Issue(name, line, "duplicate key", format_path(key_path))
        for line, key_path in document.duplicate_keys
    ]
    if document.data is None:
        empty = Issue(name, 1, "the file is empty: an emptied file would drop its part")
        return _Read([*issues, empty])
    try:
        content = _file_validator().validate_python(document.data)
    except ValidationError as error:
        valid, unloaded = _valid_part(name, document, error)
        return _Read(issues + validation_issues(name, document, error), valid, unloaded)
    return _Read(issues, _Parsed(name, document, content))


def read_knowledge_file(path: Path) -> KnowledgeFile:
    """Validate one file on its own (no cross-file checks); raise ``KnowledgeError``."""
    read = _parse_file(path, str(path), None)
    if read.issues or read.parsed is None:
        raise KnowledgeError(read.issues)
    return read.parsed.content


def _cross_check(parsed: list[_Parsed], unloaded: Set[str], complete: bool) -> list[Issue]:
    """Checks between records, on those that loaded; ``unloaded`` names exist but didn't load.

    Checks of the whole (red-flag tiers exist, total phrase expansion) need ``complete``: every
    file fully loaded.
    """
    issues: list[Issue] = []
    located: dict[str, tuple[_Parsed, int, Entry]] = {}
    for file in parsed:
        for index, entry in enumerate(file.content.entries):
            if entry.id in located:
                first = located[entry.id][0].name
                issues.append(file.issue(("entries", index, "id"), f"duplicate id (see {first})"))
            else:
                located[entry.id] = (file, index, entry)
    known = located.keys() | unloaded
    for file, index, entry in located.values():
        for position, target in enumerate(entry.related):
            if target not in known:
                where = ("entries", index, "related", position)
                issues.append(file.issue(where, *_unknown(target, known)))
        for position, target in enumerate(entry.routine):
            where = ("entries", index, "routine", position)
            if target not in known:
                issues.append(file.issue(where, *_unknown(target, known)))
            elif target in located and not located[target][2].is_exercise:
                issues.append(file.issue(where, f"{target!r} is not an exercise entry"))
    issues += _check_questions(located)
    issues += _check_learned(parsed, known)
    issues += _check_examples(parsed, known, unloaded)
    issues += _check_tiers_and_synonyms(parsed, complete)
    issues += _check_word_groups(parsed, unloaded, complete)
    return issues


def _check_questions(located: dict[str, tuple[_Parsed, int, Entry]]) -> list[Issue]:
    issues = []
    owner: dict[str, str] = {}
    for file, index, entry in located.values():
        for position, question in enumerate(entry.questions):
            key = " ".join(question.casefold().split())
            if owner.setdefault(key, entry.id) != entry.id:
                where = ("entries", index, "questions", position)
                issues.append(file.issue(where, f"question also listed under {owner[key]!r}"))
    return issues


def _check_learned(parsed: list[_Parsed], known: Set[str]) -> list[Issue]:
    return [
        file.issue(("learned", index, "entry"), *_unknown(item.entry, known))
        for file in parsed
        for index, item in enumerate(file.content.learned)
        if item.entry not in known
    ]


def _check_examples(parsed: list[_Parsed], known: Set[str], unloaded: Set[str]) -> list[Issue]:
    tiers = {tier.id for file in parsed for tier in file.content.safety_tiers} | unloaded
    issues = []
    for file in parsed:
        for index, example in enumerate(file.content.examples):
            if isinstance(example.expect, list):
                issues += [
                    file.issue(("examples", index, "expect", position), *_unknown(target, known))
                    for position, target in enumerate(example.expect)
                    if target not in known
                ]
            if example.tier is not None and example.tier not in tiers:
                where = ("examples", index, "tier")
                issues.append(file.issue(where, *_unknown(example.tier, tiers, "red-flag tier")))
    return issues


def _check_tiers_and_synonyms(parsed: list[_Parsed], complete: bool) -> list[Issue]:
    issues = []
    tier_ids: Counter[str] = Counter()
    variants: dict[str, str] = {}
    for file in parsed:
        for index, tier in enumerate(file.content.safety_tiers):
            tier_ids[tier.id] += 1
            if tier_ids[tier.id] > 1:
                issues.append(file.issue(("safety_tiers", index, "id"), "duplicate tier id"))
        for index, group in enumerate(file.content.synonyms):
            for position, variant in enumerate(group.variants):
                problem = _variant_problem(variant)
                if problem:
                    issues.append(file.issue(("synonyms", index, "variants", position), problem))
                key = variant.casefold()
                if variants.setdefault(key, group.canonical) != group.canonical:
                    where = ("synonyms", index, "variants", position)
                    message = f"{variant!r} is already a variant of {variants[key]!r}"
                    issues.append(file.issue(where, message))
    if complete and parsed and not tier_ids:
        issues.append(Issue(parsed[0].name, None, "no safety_tiers in any file: red flags needed"))
    return issues


def _check_word_groups(parsed: list[_Parsed], unloaded: Set[str], complete: bool) -> list[Issue]:
    issues = []
    groups: dict[str, list[str]] = {}
    for file in parsed:
        for index, group in enumerate(file.content.word_groups):
            if group.name in groups:
                issues.append(file.issue(("word_groups", index, "name"), "duplicate group name"))
            groups.setdefault(group.name, group.words)
            for position, word in enumerate(group.words):
                if "{" in word or "}" in word or CONJUNCTION in word:
                    where = ("word_groups", index, "words", position)
                    issues.append(file.issue(where, "a group word can't contain {, } or ' + '"))
    for file in parsed:
        phrase_lists = [
            (("safety_tiers", index, "phrases"), tier.phrases, True)
            for index, tier in enumerate(file.content.safety_tiers)
        ] + [
            (("not_covered", index, "phrases"), item.phrases, True)
            for index, item in enumerate(file.content.not_covered)
        ]
        phrase_lists.append((("exercise_cues",), file.content.exercise_cues, False))
        for place, phrases, parts_allowed in phrase_lists:
            for position, phrase in enumerate(phrases):
                message = _phrase_problem(phrase, groups, parts_allowed, unloaded)
                if message:
                    issues.append(file.issue((*place, position), message))
    if complete and not issues:
        issues += _expansion_problem(parsed, groups)
    return issues


def _expansion_problem(parsed: list[_Parsed], groups: Mapping[str, list[str]]) -> list[Issue]:
    """All phrases together, expanded, must stay within :data:`MAX_TOTAL_ALTERNATIVES`."""
    by_file = {
        file.name: sum(
            alternative_count(part, groups)
            for phrases in (
                *(tier.phrases for tier in file.content.safety_tiers),
                *(item.phrases for item in file.content.not_covered),
            )
            for phrase in phrases
            for part in split_parts(phrase)
        )
        for file in parsed
    }
    total = sum(by_file.values())
    if total <= MAX_TOTAL_ALTERNATIVES:
        return []
    largest = max(by_file, key=by_file.__getitem__)
    message = (
        f"the red-flag and scope phrases expand to {total} wordings in all, more than "
        f"{MAX_TOTAL_ALTERNATIVES} ({by_file[largest]} here): use fewer {{group}} words"
    )
    return [Issue(largest, None, message)]


def _phrase_problem(
    phrase: str, groups: Mapping[str, list[str]], parts_allowed: bool, unloaded: Set[str]
) -> str | None:
    if not parts_allowed and CONJUNCTION in phrase:
        return "a cue is one run of words: ' + ' doesn't apply"
    unknown = [name for name in references(phrase) if name not in groups]
    if any(name in unloaded for name in unknown):
        return None  # a group that didn't load: the phrase is checked once it does
    if unknown:
        return f"unknown word group {unknown[0]!r} (define it under word_groups)"
    parts = split_parts(phrase)
    if any(alternative_count(part, groups) > MAX_ALTERNATIVES for part in parts):
        return f"expands to more than {MAX_ALTERNATIVES} wordings: split it into smaller phrases"
    wordings = [tokens(clean(text)) for part in parts for text in alternatives(part, groups)]
    if not all(wordings):
        return "a part has no words to match"
    if all(len(words) == 1 and words[0] in COMMON_WORDS for words in wordings):
        return "only common words: it would match almost any message; say more"
    return None


def _variant_problem(variant: str) -> str | None:
    words = tokens(clean(variant))
    if not words:
        return "no words to match"
    if all(word in COMMON_WORDS for word in words):
        return "only common words: every message saying them would be read as this synonym"
    return None


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
    parsed: list[_Parsed] = []
    unloaded: set[str] = set()
    for path in paths:
        kept = path in (source.learned, source.labels)
        if path.exists() and not kept and outside(path, directory):
            continue  # reported, and never read
        read = _parse_file(path, str(path), replacements.get(path))
        issues += read.issues
        unloaded |= read.unloaded
        if read.parsed is not None:
            parsed.append(read.parsed)
    issues += _cross_check(parsed, unloaded, complete=not issues)
    if issues:
        raise KnowledgeError(issues)
    return KnowledgeBase.build(
        [file.content for file in parsed], [file.name for file in parsed], datetime.now(UTC)
    )
