"""Matching long messages: the whole message, and the questions asked in it."""

from __future__ import annotations

from bot.engine import Engine, Outcome
from bot.engine.ranking import CONTEXT_CHARS, MAX_MATCH_CHARS

BACKSTORY = (
    "so for context i started running again in spring after a long break, built up slowly to"
    " four runs a week, mostly easy pace on the canal path, plus two gym sessions, and i sleep"
    " fine and eat fine and generally feel good apart from this one thing."
)


def test_a_ramble_is_answered_by_the_question_it_ends_with(engine: Engine) -> None:
    """Backstory first, question last: the question decides the answer."""
    message = f"{BACKSTORY} how many reps for the prone leg curl with the foot turned in?"
    assert len(message) > MAX_MATCH_CHARS
    reply = engine.answer(message)
    assert (reply.outcome, reply.entry_id) == (Outcome.ANSWER, "prone-leg-curl")


PREAMBLE = (
    "hi all, so i was just wondering, and i hope this is not a silly one, and sorry if it has been"
    " asked before in here, but i am not sure about it and i could not find it when i looked, so i"
    " am going to put it out there:"
)


def test_a_message_asking_nothing_explicitly_is_read_as_a_whole(engine: Engine) -> None:
    """With no question sentence, topic words past the context length still count."""
    message = f"{PREAMBLE} the prone leg curl with the foot turned in, reps and tempo"
    topic_starts = message.index("prone")
    assert CONTEXT_CHARS < topic_starts < MAX_MATCH_CHARS - 30
    reply = engine.answer(message)
    assert (reply.outcome, reply.entry_id) == (Outcome.ANSWER, "prone-leg-curl")


def test_backstory_does_not_answer_a_question_the_article_does_not_cover(engine: Engine) -> None:
    """Backstory that would get the foam rolling answer, a question about icing: "not covered"."""
    backstory = (
        "foam rolling my it band only gives me temporary relief, it feels great for an hour and then"
        " the pain comes back, every single time, so to be honest with you all i am not really sure"
        " what it is that i am doing it for at this point, you know."
    )
    assert engine.answer(backstory[:CONTEXT_CHARS]).entry_id == "foam-rolling"
    reply = engine.answer(f"{backstory} should i ice it after runs as well?")
    assert reply.outcome is Outcome.ABSTAIN
    assert reply.not_covered == "icing or heat"


def test_a_subject_in_the_sentence_pointed_back_to_is_not_what_is_asked(engine: Engine) -> None:
    """In "my chiropractor says..., could that be why...?" the question is about the pelvis."""
    reply = engine.answer(
        "My chiropractor says my pelvis is rotated. Could that be why the outside of my knee hurts?"
    )
    assert engine.not_covered("should I see a chiropractor?") is not None
    assert reply.not_covered is None
    offered = {reply.entry_id, *(topic.id for topic in reply.suggestions)}
    assert offered & {"pelvic-position", "outside-knee-pain"}
