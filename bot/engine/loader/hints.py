"""Validation errors in a moderator's words: what is wrong at which line, and the likely fix."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, fields
from typing import TYPE_CHECKING, get_args

from rapidfuzz import fuzz, process, utils

from bot.engine.field_rules import Text
from bot.engine.loader.expected import (
    Place,
    expected_at,
    field_types,
    literals,
    locate,
    record_type,
)
from bot.engine.loader.issues import Issue, format_path
from bot.engine.model import EntryId, Url

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

    from bot.engine.strict_yaml import YamlDocument, YamlPath


SIMILAR = 70
"""How alike (rapidfuzz ratio, 0 to 100) a known name must be to a mistyped one to be offered."""


def did_you_mean(written: object, names: Iterable[str]) -> str:
    """``did you mean "name"?`` for the known name closest to ``written``; "" if none is close."""
    if not isinstance(written, str):
        return ""
    found = process.extractOne(
        written,
        sorted(names),
        scorer=fuzz.ratio,
        processor=utils.default_process,
        score_cutoff=SIMILAR,
    )
    return f'did you mean "{found[0]}"?' if found else ""


def _example(path: YamlPath, value: str) -> str:
    """How ``value`` (as YAML) is written at ``path``: ``field: value``, or alone in a list."""
    return f"{path[-1]}: {value}" if path and isinstance(path[-1], str) else value


def _quoted_example(path: YamlPath, text: str, as_list: bool = False) -> str:
    """:func:`_example` of ``text`` in quotes (as a one-item list when ``as_list``)."""
    from bot.engine.strict_yaml import quoted

    return _example(path, f"[{quoted(text)}]" if as_list else quoted(text))


_NO_TEXT = "nothing written here: text is needed"
_QUOTE_A_COLON = "put the whole text in quotes when it contains a colon"
_ONE_ITEM_A_LINE = "start each item on its own line with a dash (-)"
_DIGITS = re.compile(r"[0-9]+")
_NOT_IN_ID = re.compile(r"[^a-z0-9]+")


def _colon_hint(pair: Mapping[str, object], path: YamlPath, document: YamlDocument) -> str:
    """``- what is this: a test`` was read as a field: quote it back together."""
    if len(pair) != 1:
        return _QUOTE_A_COLON
    [(key, value)] = pair.items()
    text = value if isinstance(value, str) else document.written.get((*path, key))
    if text is None:
        return _QUOTE_A_COLON
    return f"{_QUOTE_A_COLON}: {_quoted_example(path, f'{key}: {text}'.rstrip())}"


def _not_text(detail: ErrorDetails, place: Place, document: YamlDocument) -> tuple[str, str]:
    """A number, true/false, nothing, a list or a field where text belongs."""
    value = detail["input"]
    if isinstance(value, dict):
        return "a colon makes this read as a field, not text", _colon_hint(
            value, place.path, document
        )
    if isinstance(value, list):
        return "a list where text belongs", "write one text, without [ ] or a dash (-) in front"
    written = document.written.get(place.path, "")
    if not written:
        return _NO_TEXT, ""
    if value is None:
        what = f"{written} means nothing in YAML"
    else:
        what = f"{'true/false' if isinstance(value, bool) else 'a number'} where text belongs"
    return what, f"write text in quotes, e.g. {_quoted_example(place.path, written)}"


def _not_a_list(detail: ErrorDetails, place: Place, document: YamlDocument) -> tuple[str, str]:
    """One value, fields or nothing where a list belongs."""
    value = detail["input"]
    if value is None:
        return "nothing written here: a list is needed", ""
    what = "fields" if isinstance(value, dict) else "one value"
    if isinstance(value, dict) or record_type(expected_at(place.expected, 0)) is not None:
        return f"{what} where a list belongs", _ONE_ITEM_A_LINE
    text = value if isinstance(value, str) else document.written.get(place.path, str(value))
    example = _quoted_example(place.path, text, as_list=True)
    return f"{what} where a list belongs", f"write a list, e.g. {example}"


def _not_whole(detail: ErrorDetails, place: Place, document: YamlDocument) -> tuple[str, str]:
    """Something else (``"1"`` in quotes, say) where a whole number belongs."""
    value = detail["input"]
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        example = _example(place.path, value.strip())
        return "a whole number belongs here, not text", f"write it without quotes, e.g. {example}"
    return "a whole number belongs here", ""


def _not_fields(detail: ErrorDetails, place: Place, document: YamlDocument) -> tuple[str, str]:
    """Text or a list where a record belongs: name its required fields (or all, if none is)."""
    record = record_type(place.expected)
    every = fields(record) if record else ()
    required = [
        part.name for part in every if part.default is MISSING and part.default_factory is MISSING
    ]
    if not required:
        shown = [part.name for part in every]
    else:
        shown = required if len(required) == len(every) else [*required, "…"]
    message = f"a group of fields belongs here ({', '.join(shown)})"
    return message, "write each field on its own line as name: value"


def _value_at(data: object, path: YamlPath) -> object:
    """The value at ``path`` of parsed YAML ``data`` (None when there is none)."""
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _unknown_field(detail: ErrorDetails, place: Place, document: YamlDocument) -> tuple[str, str]:
    """A field the record doesn't have: offer the closest one not written already."""
    parent = place.path[:-1]
    written = _value_at(document.data, parent)
    taken = set(written) if isinstance(written, dict) else set()
    names = [
        name for name in field_types(record_type(locate(parent).expected)) if name not in taken
    ]
    return "unknown field", did_you_mean(place.path[-1], names)


def _not_a_choice(detail: ErrorDetails, place: Place, document: YamlDocument) -> tuple[str, str]:
    """A word that isn't one of a field's fixed words (``kind: excercise``)."""
    expected = detail.get("ctx", {})["expected"]
    return f"should be {expected}", did_you_mean(detail["input"], literals(place.expected))


def _pattern(alias: object) -> str | None:
    """The pattern of the :class:`Text` rule of an annotated alias (``EntryId``, ``Url``)."""
    return next(rule.pattern for rule in get_args(alias)[1:] if isinstance(rule, Text))


def _mismatch(detail: ErrorDetails, place: Place, document: YamlDocument) -> tuple[str, str]:
    """An id or a link that isn't written like one; an id is offered in its proper form."""
    pattern = detail.get("ctx", {})["pattern"]
    if pattern == _pattern(EntryId):
        slug = _NOT_IN_ID.sub("-", str(detail["input"]).casefold()).strip("-")
        example = _example(place.path, slug or "prone-leg-curl")
        return "an id is lower-case words joined by hyphens", f"e.g. {example}"
    if pattern == _pattern(Url):
        return "a link starts with http:// or https:// and has no spaces", ""
    return _validator_words(detail), ""


_EXPLAINERS = {
    "string_type": _not_text,
    "list_type": _not_a_list,
    "int_type": _not_whole,
    "dataclass_type": _not_fields,
    "unexpected_keyword_argument": _unknown_field,
    "literal_error": _not_a_choice,
    "string_pattern_mismatch": _mismatch,
}
"""Errors worth a hint: each says what is wrong and how it is likely fixed."""

_PLAIN_MESSAGES = {
    "missing": "field required",
    "missing_argument": "field required",
    "string_too_short": _NO_TEXT,
    "string_too_long": "too long: at most {max_length} characters",
    "too_short": "needs at least {min_length} item(s)",
    "too_long": "too many items: {actual_length}, at most {max_length}",
    "less_than_equal": "should be at most {le}",
    "greater_than_equal": "should be at least {ge}",
}
"""Plain words for the validator's other common errors (its context fills the gaps)."""

_KINDS = {
    "list_type": "a list",
    "string_type": "text",
    "int_type": "a whole number",
    "dataclass_type": "a group of fields",
}
"""What a union's alternative that refused a value's kind takes, for "should be a or b"."""


def _validator_words(detail: ErrorDetails) -> str:
    """The validator's own message, for errors without plainer words."""
    message = detail["msg"].removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def _explain(detail: ErrorDetails, place: Place, document: YamlDocument) -> tuple[str, str]:
    """A validation error in plain words, and the likely fix ("" when there is no hint)."""
    explainer = _EXPLAINERS.get(detail["type"])
    if explainer is not None:
        return explainer(detail, place, document)
    template = _PLAIN_MESSAGES.get(detail["type"])
    if template is not None:
        return template.format(**detail.get("ctx", {})), ""
    return _validator_words(detail), ""


def _refused_kind(detail: ErrorDetails) -> str | None:
    """What a union's alternative takes, when it refused the value for being another kind."""
    if detail["type"] == "literal_error":
        return detail.get("ctx", {})["expected"]
    return _KINDS.get(detail["type"])


def _union_issues(
    name: str,
    document: YamlDocument,
    union_loc: tuple[str | int, ...],
    group: list[tuple[ErrorDetails, Place, str]],
) -> list[Issue]:
    """The issues of a value that no alternative of a union took.

    An alternative that refused the value's kind outright (``abstain`` where a list is
    written) has nothing useful to say: the other alternatives' errors are reported or, when
    every one refused the value, a single issue says what the field takes.
    """
    union = locate(union_loc)
    refused: dict[str, str] = {}
    answered: set[str] = set()
    for detail, place, tag in group:
        kind = _refused_kind(detail) if len(place.path) == len(union.path) else None
        if kind is None:
            answered.add(tag)
        else:
            refused.setdefault(tag, kind)
    if answered:
        return [
            _issue(name, document, detail, place) for detail, place, tag in group if tag in answered
        ]
    hint = did_you_mean(group[0][0]["input"], literals(union.expected))
    message = f"should be {' or '.join(refused.values())}"
    return [Issue(name, document.line_of(union.path), message, format_path(union.path), hint)]


def _issue(name: str, document: YamlDocument, detail: ErrorDetails, place: Place) -> Issue:
    """The issue of one validation error, at its line."""
    message, hint = _explain(detail, place, document)
    return Issue(name, document.line_of(place.path), message, format_path(place.path), hint)


def validation_issues(name: str, document: YamlDocument, error: ValidationError) -> list[Issue]:
    """The validator's errors as issues in their order, a union's errors taken together."""
    located = [
        (detail, locate(tuple(part for part in detail["loc"] if isinstance(part, str | int))))
        for detail in error.errors(include_url=False)
    ]
    unions: dict[tuple[str | int, ...], list[tuple[ErrorDetails, Place, str]]] = {}
    for detail, place in located:
        if place.branch is not None:
            unions.setdefault(place.branch[0], []).append((detail, place, place.branch[1]))
    issues = []
    for detail, place in located:
        if place.branch is None:
            issues.append(_issue(name, document, detail, place))
        elif place.branch[0] in unions:
            issues += _union_issues(name, document, place.branch[0], unions.pop(place.branch[0]))
    return issues
