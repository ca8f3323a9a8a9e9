"""Red-flag triage runs first and wins over any exercise match."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversation.wording import ASK_INSTEAD, abstain_text
from bot.engine import Engine, Outcome, load_knowledge
from bot.engine.phrase_syntax import alternatives, split_parts
from tests.conftest import KNOWLEDGE, write_files


@pytest.fixture
def tiny_engine(tiny_dir: Path) -> Engine:
    return Engine.from_directory(tiny_dir)


@pytest.mark.parametrize(
    "message",
    [
        "my knee locked",
        "My KNEE just totally LOCKED up on me",
        "my knee lokced yesterday",
        "my kn\u200bee locked",
        "<@123> my knee locked, how do i do the leg curl?",
        "I cannot bear weight on it",
        "i can't bear weight",
    ],
)
def test_red_flags_survive_typos_casing_markup_and_filler(
    tiny_engine: Engine, message: str
) -> None:
    """Each wording reaches the safety tier."""
    reply = tiny_engine.answer(message)
    assert reply.outcome is Outcome.SAFETY
    assert reply.tier_id == "same-day"
    assert reply.entry is None


def test_red_flag_beats_exercise_match(tiny_engine: Engine) -> None:
    """A perfect exercise question with a red flag in it gets no exercise."""
    assert tiny_engine.answer("how do i do the leg curl").entry_id == "leg-curl"
    reply = tiny_engine.answer("how do i do the leg curl, my knee locked")
    assert reply.outcome is Outcome.SAFETY
    assert reply.routine == ()
    assert reply.entry is None


def test_exercise_cue_is_not_a_red_flag(tiny_engine: Engine) -> None:
    """Phrases must match as a run: "lock out the knee" is not "knee locked"."""
    assert tiny_engine.answer("should i lock out the knee at the top").outcome is not Outcome.SAFETY


def test_off_topic_abstains(tiny_engine: Engine) -> None:
    """Chatter gets no answer."""
    reply = tiny_engine.answer("anyone watching the match tonight")
    assert reply.outcome is Outcome.ABSTAIN
    assert reply.entry_id is None


def test_uncovered_subject_abstains_and_names_it(tiny_dir: Path) -> None:
    """A question about something the article doesn't cover says so instead of near-missing."""
    (tiny_dir / "scope.yaml").write_text(
        "not_covered:\n  - topic: icing\n    phrases: [ice, icing]\n"
    )
    engine = Engine.from_directory(tiny_dir)
    reply = engine.answer("should I ice my IT band?")
    assert reply.outcome is Outcome.ABSTAIN
    assert reply.not_covered == "icing"
    assert reply.suggestions == ()
    assert engine.answer("what is the it band").entry_id == "it-band"


def test_an_uncovered_subject_says_who_can_answer_instead(tiny_dir: Path) -> None:
    """A subject's ``ask_instead`` replaces the physio pointer; one without keeps it."""
    (tiny_dir / "scope.yaml").write_text(
        "not_covered:\n"
        "  - topic: the program's price\n"
        "    phrases: [price]\n"
        "    ask_instead: A moderator can share the program's page\n"
        "  - topic: icing\n"
        "    phrases: [ice, icing]\n"
    )
    engine = Engine.from_directory(tiny_dir)
    priced = abstain_text(engine.answer("what's the price of the program?"))
    iced = abstain_text(engine.answer("should I ice my IT band?"))
    assert "A moderator can share the program's page;" in priced
    assert ASK_INSTEAD not in priced
    assert f"{ASK_INSTEAD};" in iced


def test_conjunction_phrases_match_parts_anywhere(tiny_dir: Path) -> None:
    """A phrase "a + b" matches when both parts appear, in any order and place."""
    safety = (
        (tiny_dir / "safety.yaml")
        .read_text()
        .replace(
            "phrases: [knee locked, cant bear weight]", "phrases: [knee locked, swelling + twisted]"
        )
    )
    (tiny_dir / "safety.yaml").write_text(safety)
    engine = Engine.from_directory(tiny_dir)
    assert engine.answer("twisted it at football, now massive swelling").outcome is Outcome.SAFETY
    assert engine.answer("some swelling after the leg curl").outcome is not Outcome.SAFETY


def test_a_part_made_only_of_a_filler_word_still_matches(tiny_dir: Path) -> None:
    """A phrase ``limping + all`` needs both words; a filler-only part is read as written."""
    safety = (tiny_dir / "safety.yaml").read_text()
    (tiny_dir / "safety.yaml").write_text(
        safety.replace("phrases: [knee locked, cant bear weight]", "phrases: [limping + all]")
    )
    engine = Engine.from_directory(tiny_dir)
    assert engine.answer("limping all week, what now").outcome is Outcome.SAFETY
    assert engine.answer("limping after the leg curl").outcome is not Outcome.SAFETY


def test_exercise_cues_are_not_red_flags_but_symptoms_beside_them_are(tiny_dir: Path) -> None:
    """Only the words a cue covers are skipped: a locked knee elsewhere still gets the safety reply."""
    safety = (
        (tiny_dir / "safety.yaml")
        .read_text()
        .replace("phrases: [knee locked, cant bear weight]", "phrases: [knee locked, locked knee]")
    )
    (tiny_dir / "safety.yaml").write_text(safety + "exercise_cues: [should i lock the knee]\n")
    engine = Engine.from_directory(tiny_dir)
    assert engine.answer("should I lock my knee out on the leg curl?").outcome is Outcome.ANSWER
    for symptom in [
        "should I lock my knee out? my knee locked yesterday",
        "my knee locked at the top of the stairs",
        "what should I do, my knee locked",
    ]:
        assert engine.answer(symptom).outcome is Outcome.SAFETY, symptom
    without_cues = Engine.from_directory(write_files(tiny_dir, {"safety.yaml": safety}))
    assert without_cues.answer("should I lock my knee out?").outcome is Outcome.SAFETY


def test_word_groups_stand_for_any_of_their_words(tiny_dir: Path) -> None:
    """``{swelling} + {injury}`` covers every pairing of the two groups' words, and only those."""
    (tiny_dir / "safety.yaml").write_text(
        "safety_tiers:\n  - id: same-day\n    title: Get seen today\n"
        "    response: Please see a doctor today.\n"
        "    phrases: ['{swelling} + {injury}', 'my {child} + knee']\n"
        "word_groups:\n"
        "  - name: swelling\n    words: [swollen, puffed up, ballooned]\n"
        "  - name: injury\n    words: [twisted, slipped, came off]\n"
        "  - name: child\n    words: [son, daughter]\n"
    )
    engine = Engine.from_directory(tiny_dir)
    for message in [
        "slipped on the stairs, now it's puffed up",
        "came off my bike and the knee ballooned",
        "it's swolen since I twisted it",
        "my daughter says her knee hurts after netball",
    ]:
        assert engine.answer(message).outcome is Outcome.SAFETY, message
    for message in [
        "knee puffed up a bit, how do I do the leg curl",
        "I slipped and laughed, what is the it band",
        "my son asked what the it band is",
    ]:
        assert engine.answer(message).outcome is not Outcome.SAFETY, message


def test_scope_phrases_use_word_groups_too(tiny_dir: Path) -> None:
    """A not-covered phrase may name a word group defined in any file."""
    (tiny_dir / "scope.yaml").write_text(
        "not_covered:\n  - topic: other lifts\n    phrases: ['{lift} + it band']\n"
        "word_groups:\n  - name: lift\n    words: [clamshells, back squats]\n"
    )
    engine = Engine.from_directory(tiny_dir)
    assert engine.answer("are back squats bad for my it band?").not_covered == "other lifts"
    assert engine.answer("what is the it band").entry_id == "it-band"


@pytest.mark.parametrize(
    ("message", "red_flag"),
    [
        ("my knee has given out on me twice this week", True),
        ("knee keeps giving out on the stairs", True),
        ("my leg just gave out walking downstairs", True),
        ("they were giving out free foam rollers at the race, should I roll my IT band", False),
        ("my coach was giving out to me about my squat form, how do I do the curtsy squat", False),
    ],
)
def test_a_knee_giving_out_is_a_red_flag_handing_things_out_is_not(
    engine: Engine, message: str, red_flag: bool
) -> None:
    """Giving way is named with what gave out, so "giving out free rollers" stays a question."""
    assert (engine.answer(message).outcome == Outcome.SAFETY) is red_flag


REAL_TYPING = [
    ("my knee lockedddd", "same-day"),
    ("my foot is numbbbb", "emergency"),  # a numb foot
    ("can`t bear weight", "same-day"),
    ("can´t bear weight on it", "same-day"),
    ("my knee lo-\ncked up", "same-day"),
    ("i can not walk", "same-day"),
    ("i can not put weight on it", "same-day"),
    ("i can not straighten my knee. how do i do the curtsy squat?", "same-day"),
    ("my knee lo**ck**ed", "same-day"),
    ("my knee ||locked|| lol", "same-day"),
    ("my knee l o c k e d", "same-day"),
    ("my knee lосkеd", "same-day"),  # Cyrillic o, c and e
    ("my knee ʟᴏᴄᴋᴇᴅ", "same-day"),  # small caps
    ("my knee lo\u0301cked", "same-day"),  # a combining mark
    ("my knee lo\u034fck\ufe0fed \u3164 \u2800", "same-day"),  # invisible fillers
]

MEMBERS_WORDINGS = [
    (
        "banged my knee on the coffee table 4 days ago and it still hurts on the side, not had"
        " it looked at",
        "same-day",
    ),
    ("I've dropped a load of weight without meaning to, the knee aches constantly", "soon"),
    ("new paraesthesia along the outside of my shin for ten days", "soon"),
    ("my kneecap shot out to the side during a lunge and it's still out there", "emergency"),
    ("the outside of my knee aches even when I'm sat at my desk, for weeks now", "soon"),
    ("two hours after the takedown my knee was fat like a melon", "same-day"),
    ("went over on it off the tailgate an hour ago, now it's the size of a grapefruit", "same-day"),
    (
        "Caught it on the gate post Tuesday, nobody's looked at it, reckon it's nobbut a bruise?"
        " Sore on the outside ever since.",
        "same-day",
    ),
    (
        "No injury and no swelling. However, I have lost about seven kilograms in two months"
        " without any change in diet, and the knee ache persists.",
        "soon",
    ),
    (
        "Collision on the pitch this morning, now there's a step in my shin just under the knee,"
        " like the bone doesn't line up, and it hurts like hell to touch. How many reps of the"
        " leg curl?",
        "emergency",
    ),
]


@pytest.mark.parametrize(("message", "tier"), REAL_TYPING)
def test_red_flags_as_people_really_type_them(engine: Engine, message: str, tier: str) -> None:
    """Spellings, look-alikes and markup that used to get exercise advice get the safety reply."""
    reply = engine.answer(message)
    assert (reply.outcome, reply.tier_id) == (Outcome.SAFETY, tier)


def _variants() -> list[Callable[[str], str]]:
    def stretch(text: str) -> str:
        return re.sub(r"([a-z])$", lambda found: found.group(1) * 4, text)

    def spaced(text: str) -> str:
        words = [word for word in text.split() if word.isalpha() and len(word) >= 4]
        longest = max(words, key=len, default="")
        return text.replace(longest, " ".join(longest), 1) if longest else text

    homoglyphs = str.maketrans({"o": "о", "e": "е", "a": "а", "c": "с", "p": "р"})
    return [
        lambda text: text,
        lambda text: text.translate(homoglyphs),
        spaced,
        lambda text: text.replace("'", "`"),
        "\u200b".join,
        lambda text: re.sub(r"([a-z]{3})([a-z]{2,})", r"\1**\2**", text),
        lambda text: re.sub(r"\b([a-z]{3})([a-z]{3,})\b", "\\1-\n\\2", text, count=1),
        lambda text: text.replace(longest := max(text.split(), key=len), stretch(longest), 1),
    ]


def _plain_phrases() -> list[str]:
    knowledge = load_knowledge(KNOWLEDGE)
    found = []
    for tier in knowledge.safety_tiers:
        for phrase in tier.phrases:
            parts = [alternatives(part, knowledge.word_groups)[0] for part in split_parts(phrase)]
            found.append(" and ".join(parts))
    return found


FILLER = "I have been doing the belt line reset and the leg curl most days this month. "


@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    phrase=st.sampled_from(_plain_phrases()),
    variant=st.sampled_from(_variants()),
    position=st.sampled_from(["start", "middle", "end"]),
)
def test_any_red_flag_phrase_however_written_anywhere_in_a_long_message_is_caught(
    engine: Engine, phrase: str, variant: Callable[[str], str], position: str
) -> None:
    """Every safety.yaml phrase, typed oddly, at the start, middle or end of 4,000 characters."""
    written = variant(phrase)
    padding = FILLER * 60
    message = {
        "start": f"{written}. {padding}",
        "middle": f"{padding[:1900].rsplit(' ', 1)[0]} {written}. {padding[:1900]}",
        "end": padding[: 3990 - len(written)].rsplit(" ", 1)[0] + f" {written}.",
    }[position][:4000]
    assert engine.answer(message).outcome in (Outcome.SAFETY, Outcome.SCREEN), written


@pytest.mark.parametrize(("message", "tier"), MEMBERS_WORDINGS)
def test_red_flags_in_wordings_members_used_get_the_safety_reply(
    engine: Engine, message: str, tier: str
) -> None:
    """Wordings reviews and blind sets found unflagged ("paraesthesia", "fat like a melon")."""
    reply = engine.answer(message)
    assert (reply.outcome, reply.tier_id) == (Outcome.SAFETY, tier)


DESCRIBED_NOT_NAMED = [
    (
        "felt something pop in the scrum maybe? knee looks a bit bigger than it did this morning,"
        " not sure if that's just the tape"
    ),
    (
        "Five weeks after the operation the cut is pink all round and yellow liquid comes onto the"
        " dressing. For the leg curl, how slow?"
    ),
]


@pytest.mark.parametrize("message", DESCRIBED_NOT_NAMED)
def test_a_red_flag_described_in_other_words_gets_no_exercise(engine: Engine, message: str) -> None:
    """Blind-set misses: the safety reply or a screen, never the exercise.

    "pop in" a tackle is no visit, and a wound's yellow liquid after an operation is
    discharge.
    """
    assert engine.answer(message).outcome in (Outcome.SAFETY, Outcome.SCREEN)
