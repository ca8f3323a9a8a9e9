"""How a problem in a knowledge file is reported: one line, ``file:line: where: what; hint``."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem in one file, printable on one line as ``file:line: where: what; hint``."""

    file: str
    line: int | None
    message: str
    where: str = ""
    hint: str = ""
    """The likely fix of a common mistake, in a moderator's words; empty when there is none."""

    def __str__(self) -> str:
        """Render as ``file:line: where: message; hint``."""
        place = f"{self.file}:{self.line}" if self.line else self.file
        where = f"{self.where}: " if self.where else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{place}: {where}{self.message}{hint}"


class KnowledgeError(Exception):
    """The knowledge directory is not valid; ``issues`` lists every problem found."""

    def __init__(self, issues: list[Issue]) -> None:
        """Keep the issues and summarise them in the message."""
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


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
