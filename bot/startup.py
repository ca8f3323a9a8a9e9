"""Build the engine a deployment's settings ask for: knowledge, bars and semantic layer."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.encoding_progress import encoding_progress
from bot.engine import Engine, open_embeddings
from bot.engine.semantic.embedding_cache import Progress


def build_engine(
    settings: Settings,
    directory: Path | None = None,
    *,
    progress: Progress | None = None,
    prune_cache: bool = False,
) -> Engine:
    """The engine for ``directory`` (default: the settings' knowledge directory).

    Taught phrasings are read where the settings keep them (``LEARNED_PATH``). A long
    encoding of new texts (all of them, on a first start) tells ``progress``, by default
    :func:`~bot.encoding_progress.encoding_progress`: a bar when stderr is a terminal,
    otherwise a log line every few seconds. ``prune_cache`` is for the running bot: see
    :class:`~bot.engine.Engine`.

    Raises ``KnowledgeError`` for an invalid knowledge base. An encoder that can't load
    leaves the engine on its lexical signals, with the reason in ``semantic_status``.
    """
    embeddings, off = open_embeddings(settings.semantic_options, progress or encoding_progress())
    return Engine.from_directory(
        settings.knowledge_source(directory),
        settings.thresholds,
        embeddings=embeddings,
        semantic_off=off,
        prune_cache=prune_cache,
    )
