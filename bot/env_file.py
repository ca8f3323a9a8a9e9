"""Read a ``.env`` file: ``NAME=value`` lines, as documented in ``.env.example``."""

from __future__ import annotations

from pathlib import Path

QUOTES = ("'", '"')


def _value(raw: str) -> str:
    """``"a # b"`` -> ``a # b``; ``a # comment`` -> ``a``; ``a`` -> ``a``."""
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] in QUOTES and raw[-1] == raw[0]:
        return raw[1:-1]
    comment = raw.find(" #")
    return (raw[:comment] if comment >= 0 else raw).strip()


def read_env_file(path: Path) -> dict[str, str]:
    """The settings in ``path`` by upper-cased name; an absent file gives none.

    Blank lines, ``#`` comments and lines without ``=`` are skipped; ``export NAME=value``
    is read like ``NAME=value``; a value may be quoted to keep a ``#`` in it.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    values: dict[str, str] = {}
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, raw = line.split("=", 1)
        name = name.removeprefix("export ").strip().upper()
        values[name] = _value(raw)
    return values
