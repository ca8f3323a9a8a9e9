"""Turn a raw Discord message into clean lowercase text and tokens, for matching only.

The cleaned copy is never shown to anyone: replies quote nothing a member typed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import decancer_py

from bot.engine.words import common_words

MAX_RAW_CHARS = 4000
CLEANED_KEPT = 4096
"""Texts whose cleaned form is kept: an engine build, and every fold of ``eval --cv``,
cleans the same few thousand training texts again (at most 4,096 x 8,000 characters)."""
"""Only this much of a message is read: Discord's longest message (with Nitro) is 4,000."""

_DISCORD_MARKUP = re.compile(
    r"<a?:\w{1,64}:\d{1,25}>|<(?:@[!&]?|#|/[\w -]{1,64}:)\d{1,25}>|<t:\d+(?::\w)?>"
)
_URL = re.compile(r"(?:https?://|www\.)\S+")
_FENCE = re.compile(r"```[a-zA-Z0-9_+-]{0,20}\n?")
_MARKDOWN = str.maketrans(dict.fromkeys("*_~`|>#", " "))
_EVERYONE = re.compile(r"@(?:everyone|here)\b")
_FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
"""Unicode format characters (category Cf): zero-width, joiners, bidi controls, tags."""
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])[`´ʼ′‘’](?=[^\W\d_])")
"""An apostrophe typed as a backtick, acute accent, prime or curly quote, inside a word."""
_HYPHENATED = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n[ \t]*(?=[^\W\d_])")
"""A word broken over a line with a hyphen: ``lo-\ncked``."""
_INNER_MARKUP = re.compile(r"(?<=[^\W_])(?:\*+|_+|~+|\|\|)(?=[^\W_])")
"""Emphasis or spoiler marks inside a word: ``lo**ck**ed``, ``lock||ed||``."""
_STRETCHED = re.compile(r"([a-z])\1{2,}")
"""A letter typed three or more times (``lockedddd``, ``soooo``): kept twice, and spelling
correction takes it from there."""
_SPACED = re.compile(r"\b(?:[a-z] ){3,}[a-z]\b")
"""A word spelt out letter by letter: ``l o c k e d``."""
_MARK_WORDS = dict.fromkeys("✗✘✕✖❌❎", "xmark") | dict.fromkeys("✓✔☑✅", "yes")
_MARK = re.compile("[" + "".join(_MARK_WORDS) + "]")
_SPACED_MARK = re.compile(r"\s*[" + "".join(_MARK_WORDS) + r"](?=(\s*)(\w?))")
"""Ticks and crosses, a checklist's answers: each item a clause of its own, its mark a word,
before the item ("✅ swelling ❌ fever": "yes swelling, xmark fever") where a line starts with
a mark, else after it ("swelling ✓ fever ✗": "swelling yes, fever xmark"). A tick is "yes"; a
cross is ``xmark``, which the context rules read as unsure: it may say "no" ("fever ✗") or
mark a problem ("kneecap popped out ❌")."""
_ANSWER_LETTER = re.compile(r"(?<![\w/])(n|y)(?![\w/])")
"""A one-letter word: a checklist's answer where it follows a colon ("numb: n") or ends an
item in a line listing two or more ("locking n, fever n."); not "rock n roll", "y/o", "n - what
do I do", "locked solid n.", "foot cold n / pale". A line of three or more items between
spaced slashes is a checklist: its slashes split it like commas."""
_LISTED_LETTER = re.compile(r"(?<![\w/])[ny]\s*[,;/]")
"""A one-letter answer ending an item of a list ("locking n, fever n,", "fever n / swelling n")."""
_ANSWER_WORDS = {"n": "no", "y": "yes"}
_CAN_NOT = re.compile(r"\bcan not\b")
"""``can not`` written as two words, read as ``cannot``."""
_DROPPED_G = re.compile(r"\b([a-z]{2,}in)['’](?![a-z])")
"""A word whose final g an apostrophe may stand for (``wakin'``, ``tryin’``, not ``cousin'``)."""
_FILLERS = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0\ufe00-\ufe0f]")
"""Invisible characters that are not format characters: the combining grapheme joiner,
Hangul fillers, Khmer inherent vowels, the blank Braille pattern, variation selectors."""
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_QUESTION_START = re.compile(
    r"^(?:how|what|whats|why|when|where|which|who|should|shall|can|could|would|will|is|are|am|"
    r"do|does|did|any|anyone|anybody|has|have|was|were|tips?|help|pls|please|explain|tell)\b"
)

_REFERS_BACK = re.compile(r"^(?:\S+ ){0,2}(?:that|this|these|those)\b")
"""A sentence whose first three words include a pointer back to something said before."""

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


_SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: text from a broken client can hold one, and no encoder accepts it."""


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, so it can be encoded as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


def _skeleton(word: str) -> str:
    """A word with look-alike letters folded to plain ones (``lосkеd`` -> ``locked``).

    Only words with a letter or mark outside ASCII are folded: emoji and symbols stay as they
    are rather than turning into stray letters.
    """
    if word.isascii() or not any(
        unicodedata.category(char)[0] in "LM" for char in word if not char.isascii()
    ):
        return word
    return str(decancer_py.parse(word))


def _fold_lookalikes(text: str) -> str:
    text = _FORMAT_CHARACTERS.sub("", unicodedata.normalize("NFKC", _FILLERS.sub("", text)))
    text = text.casefold()  # first: "ß" is "ss", not the look-alike "b"
    return "\n".join(" ".join(map(_skeleton, line.split(" "))) for line in text.split("\n"))


def _marks_as_words(line: str) -> str:
    """A checklist line with its ticks and crosses as words, each item a clause of its own."""
    leading = _MARK.match(line.lstrip()) is not None

    def word(mark: re.Match[str]) -> str:
        said = _MARK_WORDS[mark.group().strip()]
        if leading:
            return f", {said} "
        return f" {said}, " if mark.group(2) else f" {said}"

    return _SPACED_MARK.sub(word, line)


def _letters_as_answers(line: str) -> str:
    """A checklist line: one-letter answers as words, items split at slashes ("a n / b n / c")."""
    listed = len(_LISTED_LETTER.findall(line)) > 1  # "locking n, fever n" is a checklist

    def answered(found: re.Match[str]) -> str:
        before, after = line[: found.start()].rstrip(), line[found.end() :].lstrip()
        ends_item = listed and (not after or after[0] in ",;/.-")
        return _ANSWER_WORDS[found.group(1)] if before.endswith(":") or ends_item else found.group()

    line = _ANSWER_LETTER.sub(answered, line)
    return line.replace(" / ", ", ") if line.count(" / ") > 1 else line


@functools.lru_cache(maxsize=CLEANED_KEPT)
def clean(text: str) -> str:
    """The text as matching reads it, in lower case, one-line spaces.

    Markup, URLs and invisible characters are gone; look-alike letters are folded; apostrophes,
    stretched letters and words broken over a line or by emphasis are mended; a checklist's
    ticks, crosses and one-letter answers are words ("no", "yes").
    """
    text = text[:MAX_RAW_CHARS]
    if not text.isascii():  # NFKC leaves ASCII alone, and format characters are not ASCII
        text = _fold_lookalikes(without_surrogates(text))
    text = _DISCORD_MARKUP.sub(" ", text)
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    text = _EVERYONE.sub(" ", text)
    text = _FENCE.sub("\n", text)
    text = _HYPHENATED.sub("", _APOSTROPHE.sub("'", text))
    text = _INNER_MARKUP.sub("", text).translate(_MARKDOWN).casefold()
    if _MARK.search(text):
        text = "\n".join(map(_marks_as_words, text.split("\n")))
    lines = (" ".join(line.split()) for line in text.splitlines())
    text = "\n".join(line for line in lines if line)
    text = _CAN_NOT.sub("cannot", _STRETCHED.sub(r"\1\1", text))
    text = _DROPPED_G.sub(_with_g, text)
    text = "\n".join(map(_letters_as_answers, text.split("\n")))
    return _SPACED.sub(lambda found: found.group().replace(" ", ""), text)


def _with_g(found: re.Match[str]) -> str:
    """A dropped g's word read with its g, where that makes a common word ("wakin'")."""
    word = found.group(1)
    return f"{word}g" if f"{word}g" in common_words() else found.group()


def raw_tokens(text: str) -> list[str]:
    """Words of cleaned text as written, apostrophes and all."""
    return _TOKEN.findall(text)


def fold_token(raw: str) -> str:
    """One raw token with its apostrophes folded (``can't`` -> ``cant``)."""
    token = raw.replace("’", "'")
    return _CONTRACTIONS.get(token, token.replace("'", ""))


def tokens(text: str) -> list[str]:
    """Words of cleaned text, with apostrophes folded (``can't`` -> ``cant``)."""
    return [fold_token(raw) for raw in _TOKEN.findall(text)]


_SUFFIXES_BY_LAST_LETTER = {
    "s": (("ies", "y"), ("sses", "ss"), ("s", "")),
    "g": (("ing", ""),),
    "d": (("ed", ""),),
}
"""Suffixes stripped by :func:`stem`, looked up by a word's last letter, in the order tried."""


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light suffix stripper: ``locking``/``locked``/``locks`` -> ``lock``, ``caves`` -> ``cav``.

    Stems are only compared with other stems, never shown, so they need not be real words.
    """
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in _SUFFIXES_BY_LAST_LETTER.get(word[-1], ()):
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
    # In cleaned text the only spaces are single " " and "\n", so an end is ". ", "! ", "? ", "\n".
    marked = text.replace(". ", ".\n").replace("! ", "!\n").replace("? ", "?\n")
    return [part.strip() for part in marked.split("\n") if part.strip()]


def is_question(sentence: str) -> bool:
    """Whether a cleaned sentence reads as a question."""
    return sentence.endswith("?") or bool(_QUESTION_START.match(sentence))


@dataclass(frozen=True)
class Question:
    """A question sentence of a message: ``asked`` as written, ``text`` with what it refers to."""

    asked: str
    text: str


def question_sentences(text: str) -> list[Question]:
    """The question-like sentences of cleaned text, in order.

    A question that points back ("is that legit?", "how does that turn my VL into a
    stabiliser?") is read with the sentence before it, which says what "that" is.
    """
    found = []
    parts = sentences(text)
    for index, sentence in enumerate(parts):
        if is_question(sentence):
            refers_back = index > 0 and _REFERS_BACK.match(sentence)
            context = f"{parts[index - 1]} {sentence}" if refers_back else sentence
            found.append(Question(asked=sentence, text=context))
    return found


@functools.lru_cache(maxsize=CLEANED_KEPT)
def comparable(text: str) -> str:
    """A message reduced to its words, to tell whether two texts are the same message."""
    return " ".join(tokens(clean(text)))
