"""Check a ``.env`` file before it is read: a settings file, every line of it a setting.

python-dotenv (through pydantic-settings) reads the file, but skips what it can't parse with
a warning, reads a FIFO until a writer comes, and takes any size: a setting would be lost
without a word. This refuses such a file instead, naming it and saying why, on one line.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

from dotenv.parser import parse_stream

# A settings file is a few kilobytes; anything bigger is the wrong file, not settings.
MAX_ENV_BYTES = 1 << 20


class EnvFileError(Exception):
    """The file can't be read as settings; the message names it and says why, on one line."""


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


def check_env_file(path: Path) -> None:
    """Raise :class:`EnvFileError` unless ``path`` is absent or a readable settings file.

    Blank lines, ``#`` comments, ``NAME=value`` and ``export NAME=value`` are settings lines
    (a value may be quoted to keep a ``#`` in it); any other line is named with its number.
    """
    data = _read_bytes(path)
    if data is None:
        return
    for binding in parse_stream(io.StringIO(_text(path, data))):
        if binding.error or (binding.key is not None and binding.value is None):
            statement = binding.original.string
            skipped = statement[: len(statement) - len(statement.lstrip())].count("\n")
            line = statement.strip()
            number = binding.original.line + skipped
            raise EnvFileError(f"{path}:{number}: not a NAME=value line: {line[:40]!r}")
