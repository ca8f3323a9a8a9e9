"""How each kind of setting is read from its text: Discord ids, lists, flags, URLs, digests.

Each parser returns the value or stops with the whole message of what it must be (for
:class:`~bot.config.Settings`, which reports every problem at once by setting name).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from typing import Annotated, Any, NoReturn

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

FLAG_WORDS = {"1": True, "true": True, "yes": True, "on": True}
FLAG_WORDS |= {"0": False, "false": False, "no": False, "off": False}
SNOWFLAKE_MAX = 2**64 - 1  # Discord ids are unsigned 64-bit numbers
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def refuse(reason: str) -> NoReturn:
    """Stop reading a value, saying what it must be (the whole message, as given)."""
    raise PydanticCustomError("setting", reason)


def read_with(parse: Callable[[str], Any]) -> BeforeValidator:
    """Read text, stripped, with ``parse``; a value given in code is left to the field's type."""
    return BeforeValidator(lambda value: parse(value.strip()) if isinstance(value, str) else value)


def digits(raw: str) -> str:
    """Plain digits 0-9, as given."""
    # int() alone also takes "٣٣", "1_000" and "+1"; a setting is plain 0-9.
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(raw)
    return raw


def snowflake(raw: str) -> int:
    """A Discord id."""
    if not (raw.isascii() and raw.isdigit()):
        refuse("must be a Discord id (digits 0-9)")
    # The length check first: int() refuses strings of thousands of digits with its own error.
    if len(raw) > len(str(SNOWFLAKE_MAX)) or not 1 <= int(raw) <= SNOWFLAKE_MAX:
        refuse(f"{raw} is not a Discord id (those run from 1 to {SNOWFLAKE_MAX})")
    return int(raw)


def ids(raw: str) -> frozenset[int]:
    """Discord ids separated by commas or spaces."""
    parts = raw.replace(",", " ").split()
    if not all(part.isascii() and part.isdigit() for part in parts):
        refuse("must be channel ids separated by commas")
    return frozenset(snowflake(part) for part in parts)


def domains(raw: str) -> frozenset[str]:
    """Site names separated by commas or spaces, lower-cased."""
    parts = [part.casefold() for part in raw.replace(",", " ").split()]
    if not all(_HOSTNAME.match(part) for part in parts):
        refuse("must be site names separated by commas, like example.com")
    return frozenset(parts)


def flag(raw: str) -> bool:
    """True or false (1/0, yes/no, on/off)."""
    if raw.casefold() not in FLAG_WORDS:
        refuse("must be true or false")
    return FLAG_WORDS[raw.casefold()]


def choice(*options: str) -> Callable[[str], str]:
    """A parser of one of ``options`` (any case), upper-cased."""

    def parse(raw: str) -> str:
        if raw.upper() not in options:
            refuse(f"must be one of {', '.join(options)}")
        return raw.upper()

    return parse


def url(*schemes: str) -> Callable[[str], str]:
    """A parser of a URL with one of ``schemes`` and a host."""

    def parse(raw: str) -> str:
        parts = urllib.parse.urlsplit(raw)
        if parts.scheme not in schemes or not parts.netloc:
            starts = " or ".join(f"{scheme}://" for scheme in schemes)
            refuse(f"must be a URL starting with {starts} and a host")
        return raw

    return parse


def sha256_hex(raw: str) -> str:
    """A sha256 in hexadecimal, lower-cased."""
    if len(raw) != 64 or not all(char in "0123456789abcdefABCDEF" for char in raw):
        refuse("must be 64 hexadecimal digits (a sha256)")
    return raw.casefold()


def heartbeat(seconds: float) -> float:
    """0 (off) or at least 10 seconds."""
    # Microseconds would write tens of thousands of lines a second.
    if 0 < seconds < 10:
        refuse("must be 0 (off) or at least 10")
    return seconds


Snowflake = Annotated[int, read_with(snowflake)]
Ids = Annotated[frozenset[int], read_with(ids)]
Flag = Annotated[bool, read_with(flag)]
Whole = Annotated[int, read_with(digits)]
Number = Annotated[float, Field(allow_inf_nan=False)]
"""A finite number: ``inf``, ``1e400`` or ``nan`` is no usable setting."""


def lowered(parse: Callable[[str], str]) -> Callable[[str], str]:
    """``parse``, its result lower-cased."""
    return lambda raw: parse(raw).lower()
