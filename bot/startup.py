"""Build the engine a deployment's settings ask for: knowledge, bars and semantic layer."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.engine import Engine, open_embeddings


def build_engine(settings: Settings, directory: Path | None = None) -> Engine:
    """The engine for ``directory`` (default: the settings' knowledge directory).

    Taught phrasings are read where the settings keep them (``LEARNED_PATH``).

    Raises ``KnowledgeError`` for an invalid knowledge base. An encoder that can't load
    leaves the engine on its lexical signals, with the reason in ``semantic_status``.
    """
    embeddings, off = open_embeddings(settings.semantic_options)
    return Engine.from_directory(
        settings.knowledge_source(directory),
        settings.thresholds,
        embeddings=embeddings,
        semantic_off=off,
    )
