"""How red-flag and scope phrases are written: ``a + b`` conjunctions and ``{group}`` words.

A phrase is one or more parts joined by `` + ``; every part must appear somewhere in a
message. Inside a part, ``{name}`` stands for any word of the word group ``name``, so
``{swelling} + {injury}`` covers "puffed up after I slipped" and "ballooned when I twisted it"
without writing out every pairing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import product

CONJUNCTION = " + "
MAX_ALTERNATIVES = 2000
"""A part may expand to at most this many wordings, so one phrase can't swamp the index."""
MAX_TOTAL_ALTERNATIVES = 20_000
"""All phrases of a knowledge base together may expand to at most this many wordings, so
many phrases each under the part limit can't make building the engine take minutes."""

_REFERENCE = re.compile(r"\{([^{}]*)\}")

WordGroups = Mapping[str, Sequence[str]]


def split_parts(phrase: str) -> list[str]:
    """The parts of a phrase, in order."""
    return phrase.split(CONJUNCTION)


def references(phrase: str) -> list[str]:
    """The word-group names a phrase refers to, in order of appearance."""
    return _REFERENCE.findall(phrase)


def alternatives(part: str, groups: WordGroups) -> list[str]:
    """Every wording of one part, with each ``{name}`` replaced by each word of its group.

    Raises ``KeyError`` for a group that doesn't exist; callers check references first.
    """
    pieces = _REFERENCE.split(part)
    literals, names = pieces[0::2], pieces[1::2]
    if not names:
        return [part]
    choices = [groups[name] for name in names]
    wordings = []
    for picked in product(*choices):
        text = literals[0]
        for word, literal in zip(picked, literals[1:], strict=True):
            text += word + literal
        wordings.append(text)
    return wordings


def alternative_count(part: str, groups: WordGroups) -> int:
    """How many wordings :func:`alternatives` would give, without building them."""
    count = 1
    for name in references(part):
        count *= len(groups[name])
    return count
