"""How a member's message is shaped, read from its words alone.

Its separate questions, a position in a list ("the 2nd one"), whether it leans on what was
said before, whether it is a bare yes or no, whether it only asks for the gist ("tl;dr?").
"""

from __future__ import annotations

import re

from bot.engine.normalise import clean, is_question, sentences

YES_WORDS = frozenset({"y", "yes", "yeah", "yep", "yup"})
NO_WORDS = frozenset({"n", "no", "nope", "nah"})
SHORT_FOLLOW_UP = 6
"""A message of this many words or fewer is read as leaning on the conversation."""
MAX_PARTS = 3
"""A message asking several things is answered part by part, up to this many parts."""

_REFERS_BACK = re.compile(
    r"\b(?:that|this|it(?! band)|those|these|them|one|instead|same|also|then|else|again)\b|"
    r"^(?:and|so|but|ok|okay|what about|how about)\b"
)
"""Words with which a message leans on what was said before."""
_ORDINALS = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "last": -1,
}  # fmt: skip
_ORDINAL = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\b(?: (?:one|exercise|drill|move))?")
_REQUEST = re.compile(r"\b(?:please|pls|plz)\b")
GIST_QUESTION = "what is the bottom line of the article"
"""What a bare request for the gist ("tl;dr?", "sum it up") asks, in the article's terms."""
_GIST = re.compile(
    r"(?:(?:so|ok|okay|just|pls|please|hey|bot|and|but|right|well)\s+)*"
    r"(?:(?:can|could) (?:you|u) (?:just )?"
    r"|(?:gimme|give (?:me|us)|tell (?:me|us)|what is|whats|what s|wats) )?"
    r"(?:(?:the |a )?(?:tl dr|tldr|short version|quick version|short summary|quick summary"
    r"|summary|gist|bottom line|upshot|main (?:point|takeaway)s?|key (?:point|takeaway)s?"
    r"|takeaways?)"
    r"|sum (?:it|this|that|the article) up|summ?ari[sz]e(?: (?:it|this|that|the article))?"
    r"|(?:in )?a nutshell)"
    r"(?: (?:of|from) (?:it|this|that|the article|the post|the blog))?"
    r"(?: (?:pls|please|plz|lad|mate|bro|bot|then|lol|thanks|thx|man|pal|buddy|quickly))*"
)
"""A message that only asks for the gist, punctuation read as spaces."""
_PUNCTUATION = re.compile(r"[^\w\s']+")
_PART_BREAK = re.compile(
    r"(?:,? (?:and|also|plus|&)|,) (?=(?:how|what|whats|why|when|where|which|should|can|could|"
    r"do|does|is|are)\b)"
)


def question_parts(text: str) -> list[str]:
    """The separate questions of a message, in order (one part when it asks one thing).

    A piece that asks nothing ("I run 30 miles a week.", "the leg curl,") is read with the
    question after it (or, at the end, the one before): never answered apart.
    """
    pieces = [
        piece.strip()
        for sentence in sentences(clean(text))
        for piece in _PART_BREAK.split(sentence)
        if piece.strip()
    ]
    parts: list[str] = []
    pending = ""
    for piece in pieces:
        joined = f"{pending} {piece}".strip()
        if _asks(piece):
            parts.append(joined)
            pending = ""
        else:
            pending = joined
    if pending and parts:
        parts[-1] = f"{parts[-1]} {pending}"
    return [part for part in parts if len(part.split()) >= 2][:MAX_PARTS]


def _asks(piece: str) -> bool:
    """Whether a piece of a message asks something: a question, or a request ("… please")."""
    return is_question(piece) or bool(_REQUEST.search(piece))


def listed_position(text: str, count: int) -> int | None:
    """The position "the 2nd one" / "the last exercise" names in a list of ``count``."""
    found = _ORDINAL.search(clean(text))
    if found is None or count == 0:
        return None
    position = _ORDINALS[found[1]]
    position = position if position >= 0 else count + position
    return position if position < count else None


def leans_on(text: str) -> bool:
    """Whether a message leans on what was said before.

    It points back ("and that one?", "what instead?") or is too short to stand alone ("how
    many reps tho").
    """
    cleaned = clean(text)
    return bool(_REFERS_BACK.search(cleaned)) or len(cleaned.split()) <= SHORT_FOLLOW_UP


def is_yes_or_no(text: str) -> bool:
    """Whether a message is a bare yes or no: a screening question's answer, if one stands."""
    return clean(text).strip(" .!") in YES_WORDS | NO_WORDS


def asks_for_the_gist(text: str) -> bool:
    """Whether a message only asks for the gist ("tl;dr?", "gimme the short version pls")."""
    return bool(_GIST.fullmatch(" ".join(_PUNCTUATION.sub(" ", clean(text)).split())))
