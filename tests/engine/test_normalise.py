"""Normalisation for matching: Discord markup, invisible characters, huge input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.normalise import (
    MAX_RAW_CHARS,
    Question,
    clean,
    question_sentences,
    sentences,
    stem,
    tokens,
)


def test_discord_markup_is_stripped() -> None:
    """Mentions, role and channel links, custom emoji, timestamps and URLs carry no words."""
    text = "<@123456789012345678> <@!42> <@&987> <#111> <:sadge:123> <a:party:456> <t:1700000000:R>"
    assert clean(text + " https://example.com/x?y=1 foam roll?") == "foam roll?"


def test_everyone_and_here_are_dropped() -> None:
    """``@everyone`` is not a word to match on."""
    assert clean("@everyone @here is the it band tight") == "is the it band tight"


def test_zero_width_and_bidi_characters_are_removed() -> None:
    """Zero-width spaces, joiners and bidi controls cannot hide or split words."""
    assert (
        clean("fo\u200bam ro\u200dll\u2066 my \u202eIT\u2069 band\ufeff") == "foam roll my it band"
    )


def test_nfkc_and_casefold() -> None:
    """Full-width and styled letters become plain lowercase."""
    assert clean("ＩＴ ＢＡＮＤ") == "it band"
    assert clean("STRASSE Straße") == "strasse strasse"


def test_markdown_and_code_fences_keep_their_words() -> None:
    """Bold, spoilers and code fences are markup; the words inside still count."""
    assert clean("**should** i ||stretch|| `my` ```py\nitb\n```") == "should i stretch my\nitb"


def test_huge_input_is_capped() -> None:
    """Only the first few thousand characters are read."""
    assert len(clean("a " * 20_000)) <= MAX_RAW_CHARS


def test_contractions_fold() -> None:
    """``can't`` and ``cannot`` become the same token."""
    assert tokens("i can't, i cannot, won’t") == ["i", "cant", "i", "cant", "wont"]


def test_a_dropped_g_is_read_with_its_g() -> None:
    """``wakin'`` and ``tryin’`` are read with their g; ``cousin'`` and ``in'`` stay."""
    assert clean("been wakin' me up, not tryin’ to") == "been waking me up, not trying to"
    assert clean("he said 'come in'") == "he said 'come in'"
    assert clean("my cousin' knee") == "my cousin' knee"


def test_stems_group_word_forms() -> None:
    """Inflections of one word share a stem."""
    assert {stem(w) for w in ("locked", "locking", "locks", "lock")} == {"lock"}
    assert stem("rolling") == stem("roll") == stem("rolled")
    assert stem("caving") == stem("caves")


def test_question_sentences_pick_the_questions_out_of_a_ramble() -> None:
    """Backstory is skipped; question-like sentences are kept in order."""
    ramble = "so i ran 10k yesterday. felt fine\nthen my knee hurt. should i stretch? thanks all"
    assert question_sentences(clean(ramble)) == [
        Question(asked="should i stretch?", text="should i stretch?")
    ]


def test_a_question_pointing_back_is_read_with_the_sentence_before_it() -> None:
    """In "is that legit?" or "how does that turn my VL into a stabiliser?", "that" is said before."""
    text = clean(
        "just foam roll it, works every time. is that legit? is my it band tight?"
        " my hip ir is zero. how does that turn my vl into a stabiliser?"
    )
    assert question_sentences(text) == [
        Question(
            asked="is that legit?", text="just foam roll it, works every time. is that legit?"
        ),
        Question(asked="is my it band tight?", text="is my it band tight?"),
        Question(
            asked="how does that turn my vl into a stabiliser?",
            text="my hip ir is zero. how does that turn my vl into a stabiliser?",
        ),
    ]


def test_every_format_character_is_removed() -> None:
    """All Unicode format characters (category Cf) are stripped; combining marks are folded."""
    import sys
    import unicodedata

    every = "".join(
        chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
    )
    assert clean(f"a{every}b") == "ab"
    assert clean("a\u00e9\u0301b") == "aeb"


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab .!?\n\t\r\u2028\u00a0x")), max_size=60))
def test_cleaned_text_splits_into_sentences_after_end_punctuation_and_at_line_breaks(
    text: str,
) -> None:
    """A sentence ends at ., ! or ? followed by a space, or at a line break; nothing is lost."""
    cleaned = clean(text)
    found = sentences(cleaned)
    assert all(part and part == part.strip() and "\n" not in part for part in found)
    assert all(not re.search(r"[.!?] ", part) for part in found)
    assert " ".join(found) == " ".join(cleaned.split())


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("swelling ✗ / locking ✔", "swelling xmark / locking yes"),
        ("Swelling ✓ Locking ✓ Fever ✗", "swelling yes, locking yes, fever xmark"),
        ("✅ swelling ❌ fever", ", yes swelling, xmark fever"),
        ("fever n / swelling n / can walk y", "fever no, swelling no, can walk yes"),
        ("foot cold n / pale since the fall", "foot cold n / pale since the fall"),
        ("locking n, giving way n, fever n.", "locking no, giving way no, fever no."),
        ("Fall: N/A. Numb: n", "fall: n/a. numb: no"),
        ("Kneecap popped out n - what do i do", "kneecap popped out n - what do i do"),
        ("knee locked solid n. cant get it back", "knee locked solid n. cant get it back"),
        ("foot numb n cold n pale, no clue y.", "foot numb n cold n pale, no clue y."),
        ("rock n roll", "rock n roll"),
        ("72 y/o, fell", "72 y/o, fell"),
        ("N.B. y/n", "n.b. y/n"),
    ],
)
def test_a_checklists_ticks_crosses_and_letters_are_words(raw: str, cleaned: str) -> None:
    """A checklist's answers are words, each item a clause; an "n" for "and" stays.

    A tick is "yes"; a cross is ``xmark`` (unsure: "fever ✗" or "kneecap popped out ❌"); a
    one-letter answer counts after a colon or in a list of them.
    """
    assert clean(raw) == cleaned
