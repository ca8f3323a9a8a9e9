"""Which language a message is in: English, or one of the seven others members write in.

py3langid (langid.py's model, shipped inside its wheel) restricted to the languages the
knowledge base has context rules for. A message is English unless most of its words are not
English words and the model is sure: short Discord messages ("knee locked", "ok 👍") are where
language identifiers guess, and English with a few gym words must stay English. The model is
loaded on the first message that needs it, never for plain English.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from typing import Any

from bot.engine.normalise import tokens
from bot.engine.words import STOP_WORDS, common_words

ENGLISH = "en"
SURE = 0.9
"""The identifier's probability a language needs, among the languages asked about."""
ENGLISH_SHARE = 0.5
"""A message with at least this share of English words is English, whatever the model says."""
MIN_WORDS = 2
"""Fewer words than this are never read as another language."""

_lock = threading.Lock()
_identifiers: dict[tuple[str, ...], Any] = {}


def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # noqa: PLC0415 - 2 s to load

    with _lock:
        if languages not in _identifiers:
            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            identifier.set_languages(list(languages))
            _identifiers[languages] = identifier
        return _identifiers[languages]


def english_share(words: list[str], known: Collection[str]) -> float:
    """The share of ``words`` that are English words or words the entries use."""
    english = common_words()
    found = sum(word in english or word in STOP_WORDS or word in known for word in words)
    return found / max(len(words), 1)


def language_of(
    text: str, cleaned: str, languages: Collection[str], known: Collection[str] = ()
) -> str:
    """The language of a message: ``en``, or one of ``languages`` when clearly so.

    ``known`` are the words the entries use ("foam", "curtsy"); the identifier reads the
    message as written, accents and all.
    """
    others = tuple(sorted(set(languages) - {ENGLISH}))
    words = tokens(cleaned)
    if not others or len(words) < MIN_WORDS or english_share(words, known) >= ENGLISH_SHARE:
        return ENGLISH
    found, probability = _identifier((ENGLISH, *others)).classify(text.casefold())
    return str(found) if probability >= SURE else ENGLISH
