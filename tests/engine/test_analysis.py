"""Analysis: typos are fixed towards the knowledge base's words, real words are left alone."""

from __future__ import annotations

import pytest

from bot.engine.analysis import Analyser
from bot.engine.model import Synonym

VOCABULARY = ["my knee locked", "the knee swelling", "foam rolling", "a scan", "prone leg curl"]


@pytest.fixture
def analyser() -> Analyser:
    return Analyser(VOCABULARY, [Synonym(canonical="it band", variants=["itb"])])


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("lokced", "locked"), ("sweling", "swelling"), ("rollin", "rolling"), ("prnoe", "prone")],
)
def test_typos_are_corrected_to_known_words(analyser: Analyser, typed: str, meant: str) -> None:
    """One edit (or a swapped pair, or a dropped final g) away from a known word is a typo."""
    assert analyser.correct(typed) == meant


@pytest.mark.parametrize("word", ["knew", "scam", "selling", "phone", "skin"])
def test_common_english_words_are_not_typos(analyser: Analyser, word: str) -> None:
    """A real word one letter from a known word keeps its meaning: "knew" is not "knee"."""
    assert analyser.correct(word) == word


def test_synonyms_fold_to_one_term(analyser: Analyser) -> None:
    """A variant and its canonical form analyse to the same term."""
    assert analyser.analyse("is my itb tight").content == analyser.analyse("it band tight").content
