"""Reloading the knowledge base from disk: validate fully, swap only on success."""

from __future__ import annotations

import asyncio
import logging

from bot.engine import Engine, KnowledgeBase, KnowledgeError

log = logging.getLogger(__name__)


class Reloader:
    """Serialises reloads and remembers the last failure for ``/kb status``."""

    def __init__(self, engine: Engine, directory: str) -> None:
        """Reload ``engine`` from ``directory``."""
        self.engine = engine
        self.directory = directory
        self.last_error: KnowledgeError | None = None
        self._lock = asyncio.Lock()

    async def reload(self) -> KnowledgeBase:
        """Reload now; raise ``KnowledgeError`` (and keep the live base) on any problem."""
        async with self._lock:
            try:
                knowledge = await asyncio.to_thread(self.engine.reload, self.directory)
            except KnowledgeError as error:
                self.last_error = error
                log.warning("Knowledge reload failed, keeping the live base:\n%s", error)
                raise
            self.last_error = None
            log.info("Knowledge reloaded: %d entries", len(knowledge.entries))
            return knowledge
