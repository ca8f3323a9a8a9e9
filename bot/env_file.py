"""Read a ``.env`` file: ``NAME=value`` lines, as documented in ``.env.example``."""

from __future__ import annotations

import os
import stat
from pathlib import Path

QUOTES = ("'", '"')
# A settings file is a few kilobytes; anything bigger is the wrong file, not settings.
MAX_ENV_BYTES = 1 << 20


class EnvFileError(Exception):
    """The file can't be read as settings; the message names it and says why, on one line."""


def _value(raw: str) -> str:
    """``"a # b"`` -> ``a # b``; ``a # comment`` -> ``a``; ``a`` -> ``a``."""
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] in QUOTES and raw[-1] == raw[0]:
        return raw[1:-1]
    comment = raw.find(" #")
    return (raw[:comment] if comment >= 0 else raw).strip()


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes, None when it is absent; only a regular file is opened (a FIFO hangs)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise EnvFileError(f"{path}: not a regular file")
        with path.open("rb") as file:
            data = file.read(MAX_ENV_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise EnvFileError(f"{path}: can't be read ({error.strerror})") from error
    if len(data) > MAX_ENV_BYTES:
        raise EnvFileError(f"{path}: larger than {MAX_ENV_BYTES:,} bytes, not a settings file")
    return data


def _text(path: Path, data: bytes) -> str:
    """``data`` as text, refusing what no editor would save as a settings file."""
    try:
        text = data.decode("utf-8-sig")  # an editor's byte-order mark is not part of line 1
    except UnicodeDecodeError as error:
        line = _line_of(data, error.start)
        raise EnvFileError(f"{path}: not valid UTF-8 text (line {line})") from None
    if "\0" in text:
        raise EnvFileError(f"{path}: contains a NUL byte (line {_line_of(data, data.find(0))})")
    return text


def read_env_file(path: Path) -> dict[str, str]:
    """The settings in ``path`` by upper-cased name; an absent file gives none.

    Blank lines and ``#`` comments are skipped; ``export NAME=value`` is read like
    ``NAME=value``; a value may be quoted to keep a ``#`` in it. Raises
    :class:`EnvFileError` for a file that isn't readable UTF-8 text, and for a line that is
    none of these (naming it: a setting on it would be silently lost).
    """
    data = _read_bytes(path)
    if data is None:
        return {}
    values: dict[str, str] = {}
    for number, raw_line in enumerate(_text(path, data).splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line or not line.split("=", 1)[0].strip():
            raise EnvFileError(f"{path}:{number}: not a NAME=value line: {line[:40]!r}")
        name, raw = line.split("=", 1)
        name = name.removeprefix("export ").strip().upper()
        values[name] = _value(raw)
    return values
