"""What a knowledge file's types expect at each place, found from a validator error's location."""

from __future__ import annotations

from dataclasses import dataclass, is_dataclass
from functools import cache
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Literal, Union, get_args, get_origin, get_type_hints

from bot.engine.model import KnowledgeFile

if TYPE_CHECKING:
    from bot.engine.strict_yaml import YamlPath


def _bare(annotation: object) -> object:
    """``annotation`` without its ``Annotated`` rules."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _members(annotation: object) -> list[object]:
    """The alternatives of a union other than ``None``, or ``annotation`` alone, unwrapped."""
    annotation = _bare(annotation)
    if get_origin(annotation) in (Union, UnionType):
        return [_bare(member) for member in get_args(annotation) if member is not type(None)]
    return [annotation]


def record_type(annotation: object) -> type | None:
    """The record (a dataclass of :mod:`model`) that ``annotation`` holds, if any."""
    return next(
        (item for item in _members(annotation) if isinstance(item, type) and is_dataclass(item)),
        None,
    )


@cache
def field_types(record: type | None) -> dict[str, object]:
    """The annotation of each field of ``record``, in order (none without a record)."""
    return get_type_hints(record, include_extras=True) if record else {}


def expected_at(annotation: object, part: str | int) -> object:
    """What is expected at ``part`` of a value expected to be ``annotation`` (None: unknown)."""
    if isinstance(part, int):
        lists = [member for member in _members(annotation) if get_origin(member) is list]
        return get_args(lists[0])[0] if lists else None
    return field_types(record_type(annotation)).get(part)


def literals(annotation: object) -> list[str]:
    """The fixed words a value expected to be ``annotation`` may be (``kind: exercise``)."""
    return [
        word
        for member in _members(annotation)
        if get_origin(member) is Literal
        for word in get_args(member)
    ]


@dataclass(frozen=True)
class Place:
    """Where a validation error points: its path in the file and what is expected there.

    ``branch`` is set for an error about one alternative of a union (``expect`` is a list of
    ids, or ``abstain``/``safety``): the union's own location and the alternative's tag.
    """

    path: YamlPath
    expected: object
    branch: tuple[tuple[str | int, ...], str] | None = None


def locate(loc: tuple[str | int, ...]) -> Place:
    """Follow the validator's location of an error through the knowledge file's types."""
    path: list[str | int] = []
    expected: object = KnowledgeFile
    branch = None
    for index, part in enumerate(loc):
        child = expected_at(expected, part)
        if child is None and isinstance(part, str) and len(_members(expected)) > 1:
            branch = (loc[:index], part)  # the tag of a union's alternative, not a key
            continue
        path.append(part)
        expected = child
    return Place(tuple(path), expected, branch)
