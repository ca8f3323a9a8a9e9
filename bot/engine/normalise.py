"""Turn a raw Discord message into clean lowercase text and tokens, for matching only.

The cleaned copy is never shown to anyone: replies quote nothing a member typed.
"""

from __future__ import annotations

import re
import unicodedata

MAX_RAW_CHARS = 4000
"""Only this much of a message is ever looked at, so a 20,000-character message costs nothing."""

_DISCORD_MARKUP = re.compile(
    r"<a?:\w{1,64}:\d{1,25}>|<(?:@[!&]?|#|/[\w -]{1,64}:)\d{1,25}>|<t:\d+(?::\w)?>"
)
_URL = re.compile(r"(?:https?://|www\.)\S+")
_FENCE = re.compile(r"```[a-zA-Z0-9_+-]{0,20}\n?")
_MARKDOWN = re.compile(r"[*_~`|>#]+")
_EVERYONE = re.compile(r"@(?:everyone|here)\b")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_QUESTION_START = re.compile(
    r"^(?:how|what|whats|why|when|where|which|who|should|shall|can|could|would|will|is|are|am|"
    r"do|does|did|any|anyone|anybody|has|have|was|were|tips?|help|pls|please|explain|tell)\b"
)

_CONTRACTIONS = {
    "cannot": "cant",
    "can't": "cant",
    "won't": "wont",
    "don't": "dont",
    "doesn't": "doesnt",
    "didn't": "didnt",
    "isn't": "isnt",
    "it's": "its",
    "i'm": "im",
}


def _is_format_character(char: str) -> bool:
    return unicodedata.category(char) == "Cf"


def clean(text: str) -> str:
    """Strip Discord markup, URLs and invisible characters; NFKC; casefold; one-line spaces."""
    text = unicodedata.normalize("NFKC", text[:MAX_RAW_CHARS])
    text = "".join(char for char in text if not _is_format_character(char))
    text = _DISCORD_MARKUP.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _EVERYONE.sub(" ", text)
    text = _FENCE.sub("\n", text)
    text = _MARKDOWN.sub(" ", text)
    text = text.casefold()
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def tokens(text: str) -> list[str]:
    """Words of cleaned text, with apostrophes folded (``can't`` -> ``cant``)."""
    found = []
    for raw in _TOKEN.findall(text):
        token = raw.replace("’", "'")
        found.append(_CONTRACTIONS.get(token, token.replace("'", "")))
    return found


def stem(word: str) -> str:
    """A light suffix stripper: ``locking``/``locked``/``locks`` -> ``lock``, ``caves`` -> ``cav``.

    Stems are only compared with other stems, never shown, so they need not be real words.
    """
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: len(word) - len(suffix)] + replacement
            doubled = len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsfz"
            if suffix in ("ing", "ed") and doubled:
                word = word[:-1]
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def sentences(text: str) -> list[str]:
    """Split cleaned text into sentences (line breaks count as ends)."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def is_question(sentence: str) -> bool:
    """Whether a cleaned sentence reads as a question."""
    return sentence.endswith("?") or bool(_QUESTION_START.match(sentence))


def question_sentences(text: str) -> list[str]:
    """The question-like sentences of cleaned text, in order."""
    return [sentence for sentence in sentences(text) if is_question(sentence)]
