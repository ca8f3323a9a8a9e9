"""Encoder wrappers the tests share."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.semantic.encoder import Encoder, Vectors


class CountingEncoder:
    """Wraps a real encoder and records every text it is asked to encode."""

    def __init__(self, inner: Encoder) -> None:
        """Delegate to ``inner``; :attr:`seen` lists the texts encoded, in order."""
        self.inner = inner
        self.name = inner.name
        self.fingerprint = inner.fingerprint
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> Vectors:
        """``inner``'s vectors, the texts recorded."""
        self.seen += texts
        return self.inner.encode(texts)
