"""Open the semantic layer a deployment asks for, or say in one line why it is off."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from bot.engine.semantic.embedding_cache import EmbeddingCache, Progress
from bot.engine.semantic.encoder import (
    EncoderSpec,
    EncoderUnavailable,
    Pooling,
    default_spec,
    shared_encoder,
)

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/movement-bot``, or ``~/.cache/movement-bot``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "movement-bot"


@dataclass(frozen=True)
class SemanticOptions:
    """Which encoder to use: the shipped model unless ``model`` names another ONNX file."""

    enabled: bool = True
    model: Path | None = None
    tokenizer: Path | None = None
    model_sha256: str | None = None
    pooling: Pooling = "mean"
    threads: int = 0
    cache_dir: Path | None = None

    def spec(self) -> EncoderSpec:
        """The encoder these options name (raises :class:`EncoderUnavailable`)."""
        if self.model is None:
            return default_spec()
        if self.tokenizer is None:
            raise EncoderUnavailable("ENCODER_MODEL is set but ENCODER_TOKENIZER is not")
        return EncoderSpec(
            model=self.model,
            tokenizer=self.tokenizer,
            model_sha256=self.model_sha256,
            tokenizer_sha256=None,
            name=self.model.name,
            pooling=self.pooling,
        )


def semantic_status(embeddings: EmbeddingCache | None, off: str) -> str:
    """``semantic layer on: <model>``, or ``off``: the reason it is off."""
    return f"semantic layer on: {embeddings.encoder.name}" if embeddings else off


def open_embeddings(
    options: SemanticOptions, progress: Progress | None = None
) -> tuple[EmbeddingCache | None, str]:
    """The embedding cache over the chosen encoder, or ``None`` and why the layer is off.

    A missing, damaged or foreign model file never stops the bot: it answers on its lexical
    signals and the reason is logged once. ``progress`` hears how a long encoding goes.
    """
    if not options.enabled:
        return None, "semantic layer off: SEMANTIC=false"
    try:
        encoder = shared_encoder(options.spec(), options.threads)
    except EncoderUnavailable as error:
        reason = f"semantic layer off: {error}"
        log.warning("%s; answering on the lexical signals alone", reason)
        return None, reason
    return EmbeddingCache(encoder, options.cache_dir or default_cache_dir(), progress), ""
