"""Load a knowledge directory: validate everything, report every problem, or build a new base.

``load_knowledge`` either returns a complete new :class:`KnowledgeBase` or raises
:class:`KnowledgeError` listing every problem as ``file:line: where: what``. It never
touches the knowledge base already in use, so callers swap only on success.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.engine.knowledge import KnowledgeBase
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
class Issue:
    """One problem in one file, printable as ``file:line: where: what``."""

    file: str
    line: int | None
    message: str
    where: str = ""

    def __str__(self) -> str:
        """Render as ``file:line: where: message``."""
        place = f"{self.file}:{self.line}" if self.line else self.file
        where = f"{self.where}: " if self.where else ""
        return f"{place}: {where}{self.message}"


class KnowledgeError(Exception):
    """The knowledge directory is not valid; ``issues`` lists every problem found."""

    def __init__(self, issues: list[Issue]) -> None:
        """Keep the issues and summarise them in the message."""
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


@dataclass(frozen=True)
class _Parsed:
    name: str
    document: YamlDocument
    content: KnowledgeFile

    def issue(self, path: YamlPath, message: str) -> Issue:
        return Issue(self.name, self.document.line_of(path), message, format_path(path))


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,39}")
KEY_EXCERPT = 12
"""A key that is not a plain field name is shown as a short, escaped excerpt: a file that is
not a knowledge file (a linked system file, say) is never echoed."""


def _key_text(key: str) -> str:
    if _PLAIN_KEY.fullmatch(key):
        return key
    excerpt = key[:KEY_EXCERPT].encode("ascii", "backslashreplace").decode("ascii")
    return f"[{excerpt!r}{'…' if len(key) > KEY_EXCERPT else ''}]"


def format_path(path: tuple[str | int, ...]) -> str:
    """``("entries", 3, "dose")`` -> ``entries[3].dose``; odd keys as short excerpts."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = _key_text(part)
            text += key if not text or key.startswith("[") else f".{key}"
    return text


_PLAIN_MESSAGES = {
    "missing_argument": "field required",
    "unexpected_keyword_argument": "unknown field",
}
"""Clearer words for the validator's messages about the fields themselves."""


@cache
def _file_validator() -> TypeAdapter[KnowledgeFile]:
    from pydantic import TypeAdapter

    return TypeAdapter(KnowledgeFile)


def _pydantic_issues(name: str, document: YamlDocument, error: ValidationError) -> list[Issue]:
    issues = []
    for detail in error.errors(include_url=False):
        path = tuple(part for part in detail["loc"] if isinstance(part, str | int))
        message = _PLAIN_MESSAGES.get(detail["type"], detail["msg"])
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        message = message[:1].lower() + message[1:]
        issues.append(Issue(name, document.line_of(path), message, format_path(path)))
    return issues


def _read_capped(path: Path) -> bytes:
    """At most one byte more than the cap: a huge (or sparse) file is never read whole."""
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size > MAX_FILE_BYTES:
            return b"\0" * (MAX_FILE_BYTES + 1)
        return file.read(MAX_FILE_BYTES + 1)


def _parse_file(path: Path, name: str, replacement: str | None) -> _Parsed | list[Issue]:
    # The YAML reader and the validator are imported when a file is read: importing the
    # engine (for a reply's types, say) doesn't pay for them.
    from pydantic import ValidationError

    from bot.engine.strict_yaml import YamlProblem, read_yaml

    try:
        raw = replacement.encode("utf-8") if replacement is not None else _read_capped(path)
    except OSError as error:
        return [Issue(name, None, f"cannot read: {error.strerror or error}")]
    if len(raw) > MAX_FILE_BYTES:
        return [Issue(name, None, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [Issue(name, line, "not valid UTF-8 text")]
    try:
        document = read_yaml(text)
    except YamlProblem as problem:
        return [Issue(name, problem.line, problem.message)]
    issues = [
        Issue(name, line, "duplicate key", format_path(key_path))
        for line, key_path in document.duplicate_keys
    ]
    if document.data is None:
        return [*issues, Issue(name, 1, "the file is empty: an emptied file would drop its part")]
    try:
        content = _file_validator().validate_python(document.data)
    except ValidationError as error:
        return issues + _pydantic_issues(name, document, error)
    return issues or _Parsed(name, document, content)


def read_knowledge_file(path: Path) -> KnowledgeFile:
    """Validate one file on its own (no cross-file checks); raise ``KnowledgeError``."""
    result = _parse_file(path, str(path), None)
    if isinstance(result, _Parsed):
        return result.content
    raise KnowledgeError(result)


def _cross_check(parsed: list[_Parsed]) -> list[Issue]:
    issues: list[Issue] = []
    located: dict[str, tuple[_Parsed, int, Entry]] = {}
    for file in parsed:
        for index, entry in enumerate(file.content.entries):
            if entry.id in located:
                first = located[entry.id][0].name
                issues.append(file.issue(("entries", index, "id"), f"duplicate id (see {first})"))
            else:
                located[entry.id] = (file, index, entry)
    for file, index, entry in located.values():
        for position, target in enumerate(entry.related):
            if target not in located:
                issues.append(file.issue(("entries", index, "related", position), _unknown(target)))
        for position, target in enumerate(entry.routine):
            if target not in located or not located[target][2].is_exercise:
                where = ("entries", index, "routine", position)
                issues.append(file.issue(where, f"{target!r} is not an exercise entry"))
    issues += _check_questions(located)
    issues += _check_learned(parsed, located)
    issues += _check_examples(parsed, located)
    issues += _check_tiers_and_synonyms(parsed)
    issues += _check_word_groups(parsed)
    return issues


def _unknown(target: str) -> str:
    return f"unknown entry id {target!r}"


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


def _check_learned(parsed: list[_Parsed], located: dict[str, object]) -> list[Issue]:
    return [
        file.issue(("learned", index, "entry"), _unknown(item.entry))
        for file in parsed
        for index, item in enumerate(file.content.learned)
        if item.entry not in located
    ]


def _check_examples(parsed: list[_Parsed], located: dict[str, object]) -> list[Issue]:
    tiers = {tier.id for file in parsed for tier in file.content.safety_tiers}
    issues = []
    for file in parsed:
        for index, example in enumerate(file.content.examples):
            if isinstance(example.expect, list):
                issues += [
                    file.issue(("examples", index, "expect", position), _unknown(target))
                    for position, target in enumerate(example.expect)
                    if target not in located
                ]
            if example.tier is not None and example.tier not in tiers:
                message = f"unknown red-flag tier {example.tier!r}"
                issues.append(file.issue(("examples", index, "tier"), message))
    return issues


def _check_tiers_and_synonyms(parsed: list[_Parsed]) -> list[Issue]:
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
    if parsed and not tier_ids:
        issues.append(Issue(parsed[0].name, None, "no safety_tiers in any file: red flags needed"))
    return issues


def _check_word_groups(parsed: list[_Parsed]) -> list[Issue]:
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
                message = _phrase_problem(phrase, groups, parts_allowed)
                if message:
                    issues.append(file.issue((*place, position), message))
    if not issues:
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
    phrase: str, groups: Mapping[str, list[str]], parts_allowed: bool
) -> str | None:
    if not parts_allowed and CONJUNCTION in phrase:
        return "a cue is one run of words: ' + ' doesn't apply"
    unknown = [name for name in references(phrase) if name not in groups]
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


def _outside(path: Path, directory: Path) -> bool:
    """Whether ``path`` (a link, or in a linked folder) resolves outside ``directory``."""
    return not path.resolve().is_relative_to(directory.resolve())


def _files_not_loaded(directory: Path) -> list[Issue]:
    """Names that look like knowledge files but would be skipped: said, not silently ignored."""
    issues = [
        Issue(str(path), None, "links outside the knowledge directory: refused")
        for path in knowledge_files(directory)
        if _outside(path, directory)
    ]
    for path in [path for folder in _folders(directory) for path in sorted(folder.glob("*.y*ml"))]:
        if path.suffix == ".yml":
            issues.append(Issue(str(path), None, "knowledge files end in .yaml: rename it"))
        elif path.suffix == ".yaml" and not path.is_file():
            issues.append(Issue(str(path), None, "not a readable file"))
    return issues


def load_knowledge(
    directory: Path | str, replacements: Mapping[str, str] | None = None
) -> KnowledgeBase:
    """Validate every file in ``directory`` and build a new knowledge base, or raise.

    ``replacements`` maps file names to new contents to validate instead of what is on disk
    (so a change can be checked before it is written).
    """
    directory = Path(directory)
    replacements = replacements or {}
    if not directory.is_dir():
        raise KnowledgeError([Issue(str(directory), None, "not a directory")])
    paths = sorted({*knowledge_files(directory), *(directory / name for name in replacements)})
    if not paths:
        raise KnowledgeError([Issue(str(directory), None, "no .yaml files found")])
    if len(paths) > MAX_FILES:
        raise KnowledgeError([Issue(str(directory), None, f"more than {MAX_FILES} files")])
    issues = _files_not_loaded(directory)
    parsed: list[_Parsed] = []
    for path in paths:
        if path.exists() and _outside(path, directory):
            continue  # reported, and never read
        result = _parse_file(path, str(path), replacements.get(path.name))
        if isinstance(result, _Parsed):
            parsed.append(result)
        else:
            issues += result
    if not issues:
        issues = _cross_check(parsed)
    if issues:
        raise KnowledgeError(issues)
    return KnowledgeBase.build(
        [file.content for file in parsed], [file.name for file in parsed], datetime.now(UTC)
    )
