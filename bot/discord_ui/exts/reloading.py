"""Automatic reload when knowledge files change (``AUTO_RELOAD``).

In the knowledge directory, or in ``DATA_DIR``: a teach or a label made at the shell is live
in the running bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

import discord
from discord.ext import commands
from watchfiles import Change, awatch

from bot.discord_ui.client import MovementBot
from bot.discord_ui.embeds import CONTENT_LIMIT, clip
from bot.discord_ui.interactions import NO_MENTIONS
from bot.engine import KnowledgeError
from bot.engine.loader import EXAMPLES_DIR, KnowledgeSource

log = logging.getLogger(__name__)

DEBOUNCE_MS = 300


def knowledge_filter(source: Path | KnowledgeSource) -> Callable[[Change, str], bool]:
    """A watch filter for the knowledge base's YAML files.

    The directory's, its ``examples/`` folder's, and the moderators' files a deployment keeps
    elsewhere (``DATA_DIR``).
    """
    source = KnowledgeSource.of(source)
    directory = source.directory
    folders = {directory.resolve(), (directory / EXAMPLES_DIR).resolve()}
    kept = {path.resolve() for path in (source.learned, source.labels) if path is not None}

    def is_knowledge_file(_change: Change, path: str) -> bool:
        file = Path(path)
        if file.resolve() in kept:
            return True
        return (
            file.suffix == ".yaml"
            and not file.name.startswith(".")
            and file.parent.resolve() in folders
        )

    return is_knowledge_file


def watched_folders(source: KnowledgeSource) -> list[Path]:
    """The folders to watch: the knowledge directory, and those holding moderators' files."""
    elsewhere = {path.parent for path in (source.learned, source.labels) if path is not None}
    inside = source.directory.resolve()
    outside = [
        folder
        for folder in sorted(elsewhere)
        if folder.is_dir() and not folder.resolve().is_relative_to(inside)
    ]
    return [source.directory, *outside]


class AutoReload(commands.Cog):
    """Watches the knowledge directory and reloads on change, validate-then-swap."""

    def __init__(self, bot: MovementBot) -> None:
        """Prepare the watcher; it starts when the cog loads."""
        self.bot = bot
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        """Start watching, if enabled."""
        if self.bot.settings.auto_reload:
            self._task = asyncio.create_task(self._watch())

    async def cog_unload(self) -> None:
        """Stop watching."""
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _watch(self) -> None:
        source = self.bot.settings.knowledge_source()
        async for _ in awatch(
            *watched_folders(source),
            watch_filter=knowledge_filter(source),
            stop_event=self._stop,
            debounce=DEBOUNCE_MS,
            recursive=True,
        ):
            try:
                await self.bot.reloader.reload()
            except KnowledgeError as error:
                await self._report(error)

    async def _report(self, error: KnowledgeError) -> None:
        """Post the failure to the log channel of every server that has one."""
        ids = {self.bot.settings_in(guild).log_channel_id for guild in self.bot.guilds}
        text = "Automatic knowledge reload failed; the live knowledge base is unchanged:\n"
        for channel_id in sorted(filter(None, ids)):
            channel = self.bot.get_channel(channel_id)
            if isinstance(channel, discord.abc.Messageable):
                await channel.send(
                    clip(text + str(error), CONTENT_LIMIT), allowed_mentions=NO_MENTIONS
                )


async def setup(bot: MovementBot) -> None:
    """Load the auto-reload extension."""
    await bot.add_cog(AutoReload(bot))
