"""Rules for the knowledge files' fields, read by the loader's validator and the JSON Schema.

They are plain objects in ``typing.Annotated`` metadata, so the model imports no validation
library: answering from a built engine never pays for one. Pydantic asks each rule for its
schema (``__get_pydantic_core_schema__``) only when a file is validated or the JSON Schema
is generated, and every rule is strict: no value of the wrong kind is coerced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Text:
    """A non-empty string of at most ``max_length`` characters, surrounding space removed."""

    max_length: int
    pattern: str | None = None
    description: str | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        """A strict string schema with this rule's bounds and pattern."""
        from pydantic_core import core_schema

        return core_schema.str_schema(
            strip_whitespace=True,
            min_length=1,
            max_length=self.max_length,
            pattern=self.pattern,
            strict=True,
        )

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        """The generated JSON Schema, with this rule's description."""
        json_schema = handler(schema)
        if self.description:
            json_schema["description"] = self.description
        return json_schema


@dataclass(frozen=True)
class Items:
    """A list (never a lone value or a mapping) of ``min_length`` to ``max_length`` items."""

    min_length: int = 0
    max_length: int | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        """The list's own schema, made strict and bounded."""
        schema = handler(source)
        schema.update(strict=True, min_length=self.min_length)
        if self.max_length is not None:
            schema["max_length"] = self.max_length
        return schema


@dataclass(frozen=True)
class Whole:
    """A whole number (``3``, not ``"3"`` or ``3.0``) from ``low`` to ``high``."""

    low: int
    high: int

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        """A strict integer schema with these bounds."""
        from pydantic_core import core_schema

        return core_schema.int_schema(ge=self.low, le=self.high, strict=True)
