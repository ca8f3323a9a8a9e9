"""The use-case layer, as the console uses it: follow-ups, small talk, short answers, parts.

The same cases run over the fake Discord in ``tests/discord_ui/test_conversation.py``.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.console.chat import ChatSession
from bot.console.text import render_full
from bot.conversation.assistant import Assistant, stays_silent
from bot.conversation.memory import Memory, Place
from bot.conversation.message_shape import listed_position, question_parts
from bot.conversation.small_talk import small_talk_kind
from bot.conversation.wording import (
    FEEL_UNSAID,
    SHORT_LIMIT,
    short_answer,
    small_talk_text,
    source_line,
    within,
)
from bot.engine import Engine, Outcome, Reply
from bot.engine.normalise import clean
from tests.conversation.cases import (
    DOSE,
    FOLLOW_UPS,
    LOCK_OUT,
    MIXED,
    RED_FLAG,
    SMALL_TALK_LINES,
    WEIGHT,
    WITHOUT_RED_FLAG,
)

HERE = Place(member=1, place=10)


@pytest.fixture
def clock() -> list[float]:
    """The memory's clock: tests move ``clock[0]`` on."""
    return [0.0]


@pytest.fixture
def assistant(engine: Engine, clock: list[float]) -> Assistant:
    return Assistant(engine, Memory(300.0, clock=lambda: clock[0]))


def talk(
    assistant: Assistant,
    line: str,
    where: Place = HERE,
    *,
    replying_to: int | None = None,
    message_id: int | None = None,
) -> Reply:
    """Ask ``line`` at ``where`` and show the reply, as a front end does."""
    reply = assistant.ask(line, where, replying_to=replying_to)
    assistant.shown(where, line, reply, message_id)
    return reply


def pick(assistant: Assistant, entry_id: str, where: Place = HERE) -> Reply:
    """Pick an entry (a button, a command) at ``where`` and show it."""
    reply = assistant.entry(entry_id, where)
    assert reply is not None
    assistant.shown(where, entry_id, reply)
    return reply


def _play(assistant: Assistant, lines: tuple[str, ...]) -> Reply:
    """Ask each line in turn at one place; the reply to the last."""
    reply = None
    for line in lines:
        if line == "/routine":
            reply = assistant.routine(HERE)
        elif line.startswith("/exercise "):
            reply = assistant.exercise(line.removeprefix("/exercise "), HERE)
        else:
            reply = talk(assistant, line)
        assert reply is not None
        assistant.shown(HERE, line, reply)
    assert reply is not None
    return reply


@pytest.mark.parametrize(("lines", "entry_id", "kind", "says"), FOLLOW_UPS)
def test_a_follow_up_is_read_with_the_conversation_topic(
    assistant: Assistant, lines: tuple[str, ...], entry_id: str, kind: str, says: str
) -> None:
    """Each follow-up resolves to the entry in context and the part that answers it."""
    reply = _play(assistant, lines)
    assert reply.outcome is Outcome.ANSWER
    assert reply.entry_id == entry_id
    assert reply.part is not None
    assert reply.part.kind == kind
    assert says in short_answer(reply)


def test_the_same_follow_up_alone_is_not_answered_as_if_in_context(
    assistant: Assistant,
) -> None:
    """Without the earlier message, "what do i do instead" has nothing to lean on."""
    assert talk(assistant, FOLLOW_UPS[0][0][-1]).outcome is Outcome.ABSTAIN


def test_a_follow_up_after_the_window_is_read_alone(
    assistant: Assistant, clock: list[float]
) -> None:
    """Context lasts a few minutes, then the message stands alone again."""
    lines = FOLLOW_UPS[0][0]
    talk(assistant, lines[0])
    clock[0] += 301.0
    assert talk(assistant, lines[1]).outcome is Outcome.ABSTAIN


def test_context_belongs_to_one_member_in_one_place(assistant: Assistant) -> None:
    """Another member, or the same member elsewhere, doesn't continue the conversation."""
    lines = FOLLOW_UPS[0][0]
    talk(assistant, lines[0])
    assert talk(assistant, lines[1], Place(member=2, place=10)).outcome is Outcome.ABSTAIN
    assert talk(assistant, lines[1], Place(member=1, place=11)).outcome is Outcome.ABSTAIN


def test_replying_to_an_answer_continues_it_after_the_window(
    assistant: Assistant, clock: list[float]
) -> None:
    """A reply to the bot's message finds that message's topic, even after the window."""
    lines = FOLLOW_UPS[0][0]
    talk(assistant, lines[0], message_id=555)
    clock[0] += 1_000.0
    reply = talk(assistant, lines[1], replying_to=555)
    assert reply.entry_id == "foam-rolling"


def test_a_follow_up_never_downgrades_a_red_flag(assistant: Assistant) -> None:
    """After a safety reply, "it's not that bad" restates the advice; never exercises."""
    first = talk(assistant, RED_FLAG)
    assert first.outcome is Outcome.SAFETY
    for line in WITHOUT_RED_FLAG:
        reply = talk(assistant, line)
        assert reply.outcome is Outcome.SAFETY, line
        assert reply.restated
        assert reply.tier == first.tier
        assert reply.entry is None
        assert not reply.also


def test_a_graver_red_flag_after_a_safety_reply_gets_its_own_tier(assistant: Assistant) -> None:
    """A follow-up describing an emergency is not held to the earlier, milder tier."""
    talk(assistant, RED_FLAG)
    reply = talk(assistant, "now my foot has gone cold and pale")
    assert reply.outcome is Outcome.SAFETY
    assert reply.tier_id == "emergency"
    assert not reply.restated


@pytest.mark.parametrize(("line", "kind"), SMALL_TALK_LINES)
def test_small_talk_gets_a_short_friendly_reply(assistant: Assistant, line: str, kind: str) -> None:
    """Greetings, thanks, acknowledgements and goodbyes are small talk, not questions."""
    assert small_talk_kind(line) == kind
    reply = talk(assistant, line)
    assert reply.outcome is Outcome.SMALL_TALK
    assert reply.small_talk == kind


@pytest.mark.parametrize(
    "line",
    [
        "thanks, how many sets for the leg curl?",
        "is this helpful",
        "hi my knee locked and won't straighten",
        "ok so what do i do instead",
        "help, my knee locked",
        "what do you know about foam rolling",
        "what should i do?",
        "help me 112",
        "🆘",
        "sorry i forgot to say my knee locked",
        "i am new here, how do i do the leg curl?",
        "what else can you do about my knee?",
        "ok help me",
        "your assistance with my knee please",
    ],
)
def test_a_question_with_small_talk_words_is_not_small_talk(line: str) -> None:
    """Only a message of nothing but small talk is small talk."""
    assert small_talk_kind(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "haha ok ok, thank you brother, Dima Wydad 💪 good night",
        "ok noted sir, thank you so much, have a great day ahead 🙏",
        "Thank you very much for your patient explanations. I wish you a very good day.",
    ],
)
def test_thanks_with_names_and_words_the_article_never_uses_ends_the_topic_kindly(
    assistant: Assistant, line: str
) -> None:
    """After an answer, thanks carrying a name or "sir" is thanks, not a follow-up."""
    pick(assistant, "hip-internal-rotation")
    reply = talk(assistant, line)
    assert (reply.outcome, reply.small_talk) == (Outcome.SMALL_TALK, "thanks")


@pytest.mark.parametrize(
    "line",
    [
        "hola, me duele mucho la rodilla",
        "thanks Sarah, ice or heat after",
        "thanks, my ankle swells",
    ],
)
def test_a_greeting_or_thanks_that_says_more_is_no_small_talk(
    assistant: Assistant, line: str
) -> None:
    """Another language, a body part or the article's words: read as a message."""
    assert talk(assistant, line).outcome is not Outcome.SMALL_TALK


def test_asking_what_the_bot_does_after_an_exercise_is_not_a_follow_up(
    assistant: Assistant,
) -> None:
    """Asked after the leg curl, "what can you do" says what the bot does, not the steps."""
    pick(assistant, "prone-leg-curl")
    reply = talk(assistant, "what can you do")
    assert (reply.outcome, reply.small_talk) == (Outcome.SMALL_TALK, "about")


@pytest.mark.parametrize("line", ["tl;dr?", "gimme the short version lad", "sum it up pls"])
def test_a_bare_request_for_the_gist_gets_the_articles_bottom_line(
    assistant: Assistant, line: str
) -> None:
    """With nothing said before, "tl;dr?" asks for the article's summary, not "I don't know"."""
    reply = talk(assistant, line)
    assert (reply.outcome, reply.entry_id) == (Outcome.ANSWER, "long-term-relief")


def test_a_request_for_the_gist_after_an_exercise_keeps_to_it(assistant: Assistant) -> None:
    """After the leg curl, "tl;dr?" is about the leg curl: it is not taken for the article's."""
    pick(assistant, "prone-leg-curl")
    assert talk(assistant, "tl;dr?").entry_id != "long-term-relief"


def test_what_to_feel_where_the_article_is_silent_says_so(assistant: Assistant) -> None:
    """The leg curl has no feel in the article: the answer says so, then how to do it."""
    pick(assistant, "prone-leg-curl")
    reply = talk(assistant, "what should I feel?")
    assert reply.part is not None
    assert (reply.entry_id, reply.part.kind, reply.part.text) == ("prone-leg-curl", "feel", "")
    assert short_answer(reply).startswith(FEEL_UNSAID)


def test_what_to_feel_where_the_article_says_it_gives_the_feel(assistant: Assistant) -> None:
    """The curtsy squat's feel is in the article: the answer leads with it."""
    reply = talk(assistant, "what should I feel in the reverse curtsy split squat?")
    assert reply.part is not None
    assert reply.part.kind == "feel"
    assert short_answer(reply).startswith("What you should feel: Your glutes")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("sets?", "dose"),
        ("why?", "purpose"),
        ("and what it does for the knee?", "purpose"),
        ("is this normal?", "feel"),
        ("just the once or do i go again?", "dose"),
    ],
)
def test_a_short_question_about_the_exercise_still_follows_it(
    assistant: Assistant, line: str, kind: str
) -> None:
    """Its words are the exercise's, or it has none of its own: read with the exercise."""
    pick(assistant, "prone-leg-curl")
    reply = talk(assistant, line)
    assert reply.entry_id == "prone-leg-curl"
    assert reply.part is not None
    assert reply.part.kind == kind


def test_help_after_a_safety_reply_is_about_the_knee_not_the_bot(assistant: Assistant) -> None:
    """After "I fell and I am 70", "help" is about the knee again, not what the bot does."""
    first = talk(assistant, "I fell on the ice yesterday, I'm 70 and my knee hurts")
    assert first.outcome in (Outcome.SAFETY, Outcome.SCREEN)
    assert talk(assistant, "help").outcome is not Outcome.SMALL_TALK


def test_small_talk_keeps_the_conversation_topic(assistant: Assistant) -> None:
    """Saying "thanks" between two questions doesn't end the conversation."""
    pick(assistant, "prone-leg-curl")
    talk(assistant, "thanks!")
    assert talk(assistant, "and how many sets for that one?").part.kind == "dose"


def test_the_lock_out_question_leads_with_no_and_its_step(assistant: Assistant) -> None:
    """The lock-out question gets a plain No and the step that says so."""
    reply = talk(assistant, LOCK_OUT)
    assert reply.entry_id == "reverse-curtsy-split-squat"
    assert short_answer(reply).startswith("**No.** Step 4 of 4: ")
    assert "without locking out the knee at the top" in short_answer(reply)


def test_the_dose_question_leads_with_the_dose(assistant: Assistant, engine: Engine) -> None:
    """A dose question gets the dose exactly as the knowledge base states it."""
    reply = talk(assistant, DOSE)
    exercise = engine.knowledge.entries["prone-leg-curl"]
    assert exercise.dose is not None
    assert short_answer(reply) == f"Dose: {exercise.dose.summary()}"


def test_the_weight_question_leads_with_the_inside_edge_step(assistant: Assistant) -> None:
    """The weight question gets the inside-edge step."""
    text = short_answer(talk(assistant, WEIGHT))
    assert text.startswith("Step 1 of 4: ")
    assert "inside edge" in text


def test_the_mixed_question_answers_the_covered_part_and_names_the_other(
    assistant: Assistant,
) -> None:
    """Icing isn't covered, the leg curl's dose is: both said in one reply."""
    reply = talk(assistant, MIXED)
    assert reply.outcome is Outcome.ANSWER
    assert reply.entry_id == "prone-leg-curl"
    text = short_answer(reply)
    assert text.startswith("The article doesn't cover icing")
    assert "Sets: 2" in text


def test_two_covered_questions_get_both_answers(assistant: Assistant, engine: Engine) -> None:
    """Two parts the article covers are both answered; the whole message's answer leads."""
    question = "how many sets of the leg curl and how long do i do the belt line reset?"
    reply = assistant.ask(question, HERE)
    assert reply.entry_id == engine.answer(question).entry_id
    assert {reply.entry_id, *(part.entry_id for part in reply.also)} == {
        "prone-leg-curl",
        "belt-line-reset",
    }


def test_three_questions_split_by_commas_each_get_the_part_they_ask(
    assistant: Assistant,
) -> None:
    """Each question of the three is answered, each by the part it asks for."""
    reply = assistant.ask(
        "how many sets of the leg curl, where does the roller go for the belt line reset, "
        "and which leg crosses in the curtsy?",
        HERE,
    )
    parts = {
        answer.entry_id: answer.part.kind
        for answer in (reply, *reply.also)
        if answer.part is not None
    }
    assert parts == {
        "prone-leg-curl": "dose",
        "belt-line-reset": "step",
        "reverse-curtsy-split-squat": "step",
    }


def test_every_short_answer_stays_within_the_length_aim(engine: Engine) -> None:
    """Each entry's short answer, title and footer included, is at most SHORT_LIMIT long."""
    for entry_id, entry in engine.knowledge.entries.items():
        reply = engine.reply_for(entry_id)
        assert reply is not None
        footer = source_line(entry.source, reply.disclaimer)
        size = len(entry.title) + len(short_answer(reply)) + len(footer)
        assert size <= SHORT_LIMIT, f"{entry_id}: {size} characters"


def test_no_instruction_is_said_twice_in_a_full_exercise(engine: Engine) -> None:
    """The whole exercise says each step once (no body restating it, no cue list)."""
    for entry in engine.knowledge.exercises():
        reply = engine.reply_for(entry.id)
        assert reply is not None
        text = render_full(reply, engine.knowledge)
        for step in entry.steps:
            assert text.count(step) == 1, step
        assert all(cue not in text for cue in entry.cues if cue not in " ".join(entry.steps))


def test_parts_and_positions_are_read_from_the_words() -> None:
    """The splitting and "the 2nd one" rules, on their own."""
    assert question_parts(MIXED) == ["should i ice it", "how many sets of the leg curl?"]
    assert question_parts("what is the IT band?") == ["what is the it band?"]
    story = "I run 30 miles a week. My knee hurts on the outside. Should I foam roll?"
    assert question_parts(story) == [clean(story)]  # a story is read with its question
    assert question_parts("The leg curl, how many sets? The curtsy, which leg goes behind?") == [
        "the leg curl how many sets?",
        "the curtsy which leg goes behind?",
    ]
    assert question_parts("Leg curl sets please, and how long do I hold the belt line reset?") == [
        "leg curl sets please",
        "how long do i hold the belt line reset?",
    ]
    assert listed_position("and the 2nd one?", 3) == 1
    assert listed_position("the last exercise", 3) == 2
    assert listed_position("the third one", 2) is None
    assert listed_position("how many sets?", 3) is None


def test_the_console_offers_more_and_shows_the_whole_entry(engine: Engine) -> None:
    """`more` prints the whole of the last answer; small talk is answered kindly."""
    session = ChatSession(engine)
    short = session.respond(LOCK_OUT)
    assert "Type `more` for the full exercise." in short
    full = session.respond("more")
    assert "How to do it:" in full
    assert "What you should feel:" in full
    assert session.respond("thanks!!") == small_talk_text("thanks", engine.knowledge)


GENUINE_FOLLOW_UP_RED_FLAGS = [
    ("my knee locks during it", "prone-leg-curl"),
    ("i fell yesterday at 60 and now it hurts, can i still do it?", "prone-leg-curl"),
    ("my foot goes numb when i do that one", "belt-line-reset"),
    ("my leg went dead after that tackle, still do it?", "reverse-curtsy-split-squat"),
    ("it swelled up fast after i twisted it, ok to keep going?", "prone-leg-curl"),
    ("my kid has been limping, can he do these?", "routine"),
    ("cant put weight on it since the fall, do i still do it", "routine"),
]


@pytest.mark.parametrize(("line", "topic"), GENUINE_FOLLOW_UP_RED_FLAGS)
def test_a_red_flag_in_a_follow_up_is_still_caught(
    assistant: Assistant, line: str, topic: str
) -> None:
    """Read with its topic, a follow-up describing a red flag still gets safety or a screen."""
    pick(assistant, topic)
    assert talk(assistant, line).outcome in (Outcome.SAFETY, Outcome.SCREEN)


@pytest.mark.parametrize(
    ("line", "topic"),
    [("why does losing it matter", "hip-internal-rotation")],
)
def test_a_follow_up_read_with_its_topic_is_not_taken_for_a_warning_sign(
    assistant: Assistant, engine: Engine, line: str, topic: str
) -> None:
    """Vague words that alone read as a possible red flag are answered in their context."""
    assert engine.answer(line).outcome in (Outcome.SAFETY, Outcome.SCREEN)
    pick(assistant, topic)
    assert talk(assistant, line).outcome is Outcome.ANSWER


def test_forgetting_a_member_ends_their_conversations_only(assistant: Assistant) -> None:
    """After /forget-me, a member's follow-up stands alone; another member's context stays."""
    lines = FOLLOW_UPS[0][0]
    other = Place(member=2, place=10)
    for where in (HERE, other):
        talk(assistant, lines[0], where, message_id=700 + where.member)
    assistant.memory.forget_member(HERE.member)
    assert talk(assistant, lines[1]).outcome is Outcome.ABSTAIN
    assert talk(assistant, lines[1], replying_to=701).outcome is Outcome.ABSTAIN
    assert talk(assistant, lines[1], other).entry_id == "foam-rolling"


def test_after_a_safety_reply_picks_and_commands_keep_to_it(assistant: Assistant) -> None:
    """A button, /exercise or /routine after a red flag gets the safety advice again."""
    first = talk(assistant, RED_FLAG)
    for reply in (
        pick(assistant, "prone-leg-curl"),
        assistant.exercise("leg curl", HERE),
        assistant.routine(HERE),
        talk(assistant, "ok so how many sets of the leg curl then?"),
    ):
        assert reply is not None
        assert reply.outcome is Outcome.SAFETY
        assert reply.restated
        assert reply.tier == first.tier
    assert assistant.caution(HERE) is not None


def test_a_reply_to_an_older_answer_does_not_lift_a_red_flag(assistant: Assistant) -> None:
    """Replying to the dose given before the red flag still gets the safety advice."""
    talk(assistant, DOSE, message_id=111)
    talk(assistant, RED_FLAG)
    reply = talk(assistant, "and how many sets for that one?", replying_to=111)
    assert reply.outcome is Outcome.SAFETY


def test_a_reply_to_another_members_answer_is_not_their_conversation(
    assistant: Assistant,
) -> None:
    """Replying to someone else's answer doesn't carry their topic (or their screen)."""
    other = Place(member=2, place=HERE.place)
    talk(assistant, LOCK_OUT, other, message_id=222)
    reply = talk(assistant, "how many sets for that one?", replying_to=222)
    assert reply.entry_id != "reverse-curtsy-split-squat"


def test_a_reply_links_to_the_turn_it_showed(assistant: Assistant) -> None:
    """Each message keeps its own topic, however many turns came after it."""
    talk(assistant, DOSE, message_id=1)
    talk(assistant, "should I foam roll my IT band?", message_id=2)
    reply = talk(assistant, "and how many sets for that one?", replying_to=1)
    assert reply.entry_id == "prone-leg-curl"


def test_while_a_screen_waits_no_command_gives_exercise_advice(
    assistant: Assistant, engine: Engine
) -> None:
    """With the screening question unanswered, exercises get the screening question again."""
    question = "i fell off my bike yesterday and my knee hurts, what exercises should i do?"
    screen = talk(assistant, question)
    assert screen.outcome is Outcome.SCREEN
    assert assistant.screened_question(HERE) == question
    for reply in (assistant.routine(HERE), pick(assistant, "belt-line-reset")):
        assert reply is not None
        assert reply.outcome is Outcome.SCREEN
    assert talk(assistant, "n").outcome is not Outcome.SCREEN
    assert assistant.caution(HERE) is None


def test_a_follow_up_whose_own_words_are_a_red_flag_is_screened_first(
    assistant: Assistant, engine: Engine
) -> None:
    """Alone a definite red flag, in context maybe not: ask before any exercise advice."""
    for line, topic in (("so whats actually hurting then", "it-band"),):
        assert engine.answer(line).outcome is Outcome.SAFETY
        pick(assistant, topic)
        assert talk(assistant, line).outcome in (Outcome.SAFETY, Outcome.SCREEN)


def test_passive_silence_is_decided_by_the_use_case_layer(engine: Engine) -> None:
    """Unaddressed: small talk and "I don't know" stay unsaid; answers only to questions."""
    assistant = Assistant(engine, Memory(0.0))
    assert stays_silent("thanks all", assistant.ask("thanks all", passive=True))
    statement = "I foam roll my IT band every night"
    assert stays_silent(statement, engine.answer(statement, context="foam-rolling"))
    question = "should I foam roll my IT band?"
    assert not stays_silent(question, assistant.ask(question, passive=True))
    assert not stays_silent(RED_FLAG, assistant.ask(RED_FLAG, passive=True))


def test_a_bare_mention_is_greeted(assistant: Assistant) -> None:
    """Nothing but the bot's name gets the greeting, not "I don't know"."""
    reply = assistant.ask("   ")
    assert reply.outcome is Outcome.SMALL_TALK
    assert reply.small_talk == "greeting"


def test_every_part_of_every_entry_leads_within_the_length_aim(engine: Engine) -> None:
    """Whatever part leads, and for three parts in one message, the aim holds."""
    for entry_id, entry in engine.knowledge.entries.items():
        reply = engine.reply_for(entry_id)
        assert reply is not None
        footer = source_line(entry.source, reply.disclaimer)
        parts = engine._state.parts[entry_id].parts  # type: ignore[index]
        for part in parts:
            text = short_answer(replace(reply, part=part))
            assert len(entry.title) + len(text) + len(footer) <= SHORT_LIMIT, (entry_id, part)
    three = (
        "how do i do the curtsy squat and how many sets of the leg curl"
        " and how long for the belt line reset?"
    )
    reply = Assistant(engine, Memory(0.0)).ask(three)
    assert len(reply.also) == 2
    assert (
        len(short_answer(reply)) + len(source_line(reply.source, reply.disclaimer)) <= SHORT_LIMIT
    )


def test_yes_to_a_screen_is_the_safety_reply_itself_then_it_holds(
    assistant: Assistant,
) -> None:
    """Yes gives the tier's safety reply (not a restatement); later messages keep to it."""
    question = "i fell off my bike yesterday and my knee hurts, what exercises should i do?"
    screen = talk(assistant, question)
    reply = talk(assistant, "yes")
    assert reply.outcome is Outcome.SAFETY
    assert not reply.restated
    assert reply.tier == screen.tier
    assert talk(assistant, "how many sets of the leg curl?").restated


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        ("alpha beta gamma delta", 12, "alpha beta …"),
        ("alpha beta gamma delta", 13, "alpha beta …"),
        ("alpha beta. gamma delta", 15, "alpha beta. …"),
        ("alpha beta gamma", 16, "alpha beta gamma"),
    ],
)
def test_a_cut_lead_ends_at_a_sentence_or_a_whole_word(text: str, limit: int, cut: str) -> None:
    """A lead cut short never ends in the middle of a word."""
    assert within(text, limit) == cut
