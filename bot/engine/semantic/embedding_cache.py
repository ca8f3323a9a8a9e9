"""Embeddings of the knowledge base's texts, kept by text so only new texts are encoded.

In memory for the life of the process, and on disk as plain arrays (``.npz`` read with
``allow_pickle=False``: nothing in the file can run code). The file is keyed by the encoder's
fingerprint and records it with a checksum of its vectors, which must be finite unit vectors:
a cache computed by another model, edited, zeroed or holding NaNs is encoded again, with one
warning, so a cache can't switch safety off. Only knowledge texts go to disk, never members'
messages. A damaged or unwritable file only means encoding again.

A long encoding (a first start: every text of the knowledge base) tells ``progress`` how far
it is, between runs of whole batches. The running bot's engine prunes the cache to its
knowledge's texts after each build; other builds only add to it, so one cache can serve
evaluations on several knowledge bases without encoding anything twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import zipfile
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import cast

import numpy as np

from bot.engine.semantic.encoder import Encoder, Span, SpanEncoder, Vectors, runs

log = logging.getLogger(__name__)

KEY_LENGTH = 40
FILE_PREFIX = "embeddings-"
RUN_BATCHES = 4
"""Batches encoded between two reports of progress (about a second on two cores)."""

AHEAD_CHUNK = 256
"""Messages read ahead in one go (their hidden states are held until pooled)."""

Progress = Callable[[int, int], None]
"""Told ``(texts encoded so far, texts to encode)`` as a long encoding goes, from ``(0, n)``
to ``(n, n)``."""


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()  # noqa: S324 - a key


UNIT_TOLERANCE = 1e-3
"""How far from length 1 a stored vector may be (float32 rounding is far below it)."""


def _checksum(keys: np.ndarray, vectors: np.ndarray) -> str:
    """A digest of the keys and vectors: a cache edited or damaged in place doesn't match."""
    digest = hashlib.sha256(np.ascontiguousarray(keys).tobytes())
    digest.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
    return digest.hexdigest()


def _unit_rows(vectors: np.ndarray) -> bool:
    """Whether every row is finite and of length 1, as the encoder gives them."""
    if not np.isfinite(vectors).all():
        return False
    return bool(np.all(np.abs(np.linalg.norm(vectors, axis=1) - 1.0) <= UNIT_TOLERANCE))


class EmbeddingCache:
    """Vectors of texts for one encoder, encoded once and optionally kept in ``directory``."""

    def __init__(
        self, encoder: Encoder, directory: Path | None = None, progress: Progress | None = None
    ) -> None:
        """Read what ``directory`` already holds for this encoder.

        ``progress`` hears how an encoding of more than :data:`RUN_BATCHES` batches goes.
        """
        self.encoder = encoder
        self.directory = directory
        """Where vectors (and other fitted arrays of the knowledge base) are kept, if anywhere."""
        self.progress = progress
        name = f"{FILE_PREFIX}{encoder.fingerprint[:16]}.npz"
        self._path = directory / name if directory else None
        self._vectors: dict[str, Vectors] = {}
        self._ahead: dict[tuple[str, tuple[Span, ...]], tuple[Vectors, Vectors]] = {}
        self._ahead_texts: dict[str, Vectors] = {}
        self._lock = threading.Lock()
        self._read()

    def _read(self) -> None:
        if self._path is None or not self._path.is_file():
            return
        try:
            with np.load(self._path, allow_pickle=False) as stored:
                keys, vectors = stored["keys"], stored["vectors"]
                model, checksum = str(stored["model"]), str(stored["checksum"])
            if keys.ndim != 1 or vectors.ndim != 2 or keys.shape[0] != vectors.shape[0]:
                raise ValueError("keys and vectors don't pair up")
            if model != self.encoder.fingerprint:
                raise ValueError("computed by another model")
            if checksum != _checksum(keys, vectors):
                raise ValueError("its checksum doesn't match its vectors")
            width = self.encoder.encode(["."]).shape[1]
            if vectors.shape[1] != width:
                raise ValueError(f"vectors of {vectors.shape[1]} numbers, the model gives {width}")
            if not _unit_rows(vectors):
                raise ValueError("vectors that are not finite unit vectors")
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            log.warning("Embedding cache %s unusable (%s): encoding again", self._path, error)
            return
        self._vectors.update(zip(keys.tolist(), vectors.astype(np.float32), strict=True))

    def vectors(self, texts: Sequence[str], *, keep: bool = True) -> Vectors:
        """One row per text; texts not seen before are encoded (and kept when ``keep``)."""
        keys = [_key(text) for text in texts]
        with self._lock:  # what is kept now: a prune meanwhile can't take a row from under us
            found = {key: self._vectors[key] for key in keys if key in self._vectors}
            if not keep:
                found |= {
                    key: self._ahead_texts.pop(key) for key in keys if key in self._ahead_texts
                }
        missing = list(dict.fromkeys(key for key in keys if key not in found))
        if missing:
            wanted = dict(zip(keys, texts, strict=True))
            fresh = dict(zip(missing, self._encode([wanted[key] for key in missing]), strict=True))
            found.update(fresh)
            if keep:
                with self._lock:
                    self._vectors.update(fresh)
                self._write()
        rows = [found[key] for key in keys]
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    def _encode(self, texts: list[str]) -> Vectors:
        """The encoder's vectors, encoded in runs of whole batches when progress is heard."""
        from_runs = runs(texts, RUN_BATCHES) if self.progress else []
        if self.progress is None or len(from_runs) < 2:
            return self.encoder.encode(texts)
        self.progress(0, len(texts))
        pieces: list[Vectors] = []
        placed: list[int] = []
        for run in from_runs:
            pieces.append(self.encoder.encode([texts[index] for index in run]))
            placed += run
            self.progress(len(placed), len(texts))
        stacked = np.concatenate(pieces)
        vectors = np.empty_like(stacked)
        vectors[placed] = stacked
        return vectors

    def prune(self, texts: Collection[str]) -> None:
        """Forget every vector but those of ``texts``, in memory and on disk.

        Also deletes the files other encoders' vectors are kept in. For the running bot only
        (see :class:`~bot.engine.engine.Engine`): the texts it no longer needs are of knowledge
        long gone, but an evaluation may still want them.
        """
        wanted = {_key(text) for text in texts}
        with self._lock:
            dropped = [key for key in self._vectors if key not in wanted]
            for key in dropped:
                del self._vectors[key]
        if dropped:
            self._write()
        if self._path is None:
            return
        try:
            for other in self._path.parent.glob(f"{FILE_PREFIX}*.npz"):
                if other != self._path:
                    other.unlink(missing_ok=True)
        except OSError:
            return

    def read_in_parts(self, text: str, spans: Sequence[Span]) -> tuple[Vectors, Vectors]:
        """A member's message: its windows' vectors and its spans', never kept on disk.

        Read ahead by :meth:`read_ahead` (then forgotten), or from one forward pass where the
        encoder can pool spans (see :meth:`OnnxEncoder.encode_spans`); otherwise the text
        and each span are encoded.
        """
        with self._lock:
            ahead = self._ahead.pop((text, tuple(spans)), None)
        if ahead is not None:
            return ahead
        encoder = self.encoder
        if hasattr(encoder, "encode_spans"):
            return cast("SpanEncoder", encoder).encode_spans(text, spans)
        vectors = encoder.encode([text, *(text[start:end] for start, end in spans)])
        return vectors[:1], vectors[1:]

    def read_ahead(
        self, items: Sequence[tuple[str, Sequence[Span]]]
    ) -> list[tuple[Vectors, Vectors]]:
        """Read many messages' parts in batches now, for :meth:`read_in_parts` to hand out.

        For an evaluation, which asks thousands of held-out messages one after another: each
        gets the vectors it would get alone, in fewer passes. Returns them (none where the
        encoder can't pool spans). Nothing is kept on disk; only the latest read-ahead is held.
        """
        encoder = self.encoder
        with self._lock:
            self._ahead, self._ahead_texts = {}, {}
        if not hasattr(encoder, "encode_spans_many"):
            return []
        many = cast("SpanEncoder", encoder).encode_spans_many
        found: list[tuple[Vectors, Vectors]] = []
        for first in range(0, len(items), AHEAD_CHUNK):
            chunk = items[first : first + AHEAD_CHUNK]
            read = many(chunk)
            with self._lock:
                for (text, spans), parts in zip(chunk, read, strict=True):
                    self._ahead[(text, tuple(spans))] = parts
            found += read
        return found

    def encode_ahead(self, texts: Sequence[str]) -> None:
        """Encode texts now, in batches, for ``vectors(..., keep=False)`` to hand out once.

        Members' texts, not the knowledge base's: no progress is reported for them.
        """
        vectors = self.encoder.encode(list(texts)) if texts else []
        fresh = dict(zip(map(_key, texts), vectors, strict=True))
        with self._lock:
            self._ahead_texts.update(fresh)

    def _write(self) -> None:
        if self._path is None:
            return
        with self._lock:
            keys = np.array(list(self._vectors), dtype=f"<U{KEY_LENGTH}")
            vectors = np.stack(list(self._vectors.values())) if self._vectors else None
        try:
            if vectors is None:  # all pruned away
                self._path.unlink(missing_ok=True)
                return
            self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self._path.parent, suffix=".npz.tmp")
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(
                    file,
                    keys=keys,
                    vectors=vectors,
                    model=np.array(self.encoder.fingerprint),
                    checksum=np.array(_checksum(keys, vectors)),
                )
            os.replace(temporary, self._path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
