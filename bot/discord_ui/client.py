"""The Discord bot: ``create_bot(settings)`` returns a configured, unstarted bot."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import aiohttp
import discord
import yarl
from discord.ext import commands

from bot.config import Settings
from bot.conversation.assistant import Assistant
from bot.conversation.memory import Memory
from bot.discord_ui.embeds import link_commands
from bot.discord_ui.fair_queue import FairQueue
from bot.discord_ui.recent_replies import RecentReplies
from bot.engine import Engine
from bot.live_settings import LiveSettings
from bot.moderation.desk import Desk
from bot.reloader import Reloader
from bot.spam import HeldBackRepeats, RateLimit
from bot.startup import build_engine
from bot.store import Store

log = logging.getLogger(__name__)

STOPPED_ERRORS = (RuntimeError, aiohttp.ClientError, ConnectionError, discord.ConnectionClosed)
"""What a handler raises when the connection closed under it (aiohttp: "Session is closed")."""
ANSWERING_WORKERS = 2
"""Threads answering at once: one member's flood never holds up another's question."""
T = TypeVar("T")
READ_UNADDRESSED = ("ANSWER_CHANNELS", "FORUM_CHANNELS")
"""The settings whose channels the bot reads unaddressed: they need the Message Content intent."""

EXTENSIONS = (
    "bot.discord_ui.exts.answers",
    "bot.discord_ui.exts.answer_for",
    "bot.discord_ui.exts.routine",
    "bot.discord_ui.exts.browse",
    "bot.discord_ui.exts.feedback",
    "bot.discord_ui.exts.moderation",
    "bot.discord_ui.exts.reloading",
    "bot.discord_ui.exts.privacy",
    "bot.discord_ui.exts.setup",
    "bot.discord_ui.exts.errors",
)
PURGE_INTERVAL_SECONDS = 86_400


def point_at(api_base: str, gateway_url: str) -> None:
    """Send REST calls and the gateway connection to these addresses (a proxy, or a fake)."""
    discord.http.Route.BASE = api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def intents_for(live: LiveSettings) -> discord.Intents:
    """Guilds, messages and DMs; message content only when passive help channels are set.

    In ``.env`` or in any server.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = any(live.set_anywhere(name) for name in READ_UNADDRESSED)
    return intents


class _MovementBotMixin:
    """What the bot holds beside discord.py's own state: engine, storage, spam control."""

    live: LiveSettings
    engine: Engine
    store: Store
    started_at: float
    assistant: Assistant
    member_limit: RateLimit
    held_back: HeldBackRepeats
    repeat_guard: RateLimit
    reloader: Reloader
    desk: Desk

    def _init_services(self, live: LiveSettings, engine: Engine) -> None:
        settings = live.defaults
        self.live = live
        self.store = live.store
        self.engine = engine
        self.started_at = time.time()
        memory = Memory(
            60.0 * settings.follow_up_minutes, hold_seconds=3600.0 * settings.safety_hold_hours
        )
        self.assistant = Assistant(engine, memory)
        self.member_limit = RateLimit(settings.burst_answers, settings.burst_seconds)
        self.held_back = HeldBackRepeats(settings.burst_seconds)
        self.repeat_guard = RateLimit(1, settings.repeat_window_seconds)
        self.recent_replies = RecentReplies()
        self.reloader = Reloader(engine, settings.knowledge_source())
        self._purge_task: asyncio.Task[None] | None = None
        self.command_mentions: dict[str, str] = {}
        """Command name -> ``</name:id>``, filled once the commands are synced."""
        # Two workers: answering is CPU work (the encoder, then Python), so more threads
        # would only contend with the event loop for the interpreter and starve heartbeats;
        # a second one lets another member's question run beside a flooder's call in progress.
        self._answering = ThreadPoolExecutor(
            max_workers=ANSWERING_WORKERS, thread_name_prefix="answering"
        )
        self._turns = FairQueue(self._answering, workers=ANSWERING_WORKERS)

    @property
    def settings(self) -> Settings:
        """The settings in force in every server: ``.env``'s, with what was set for all applied."""
        return self.live.current()

    def settings_in(self, guild: discord.abc.Snowflake | None) -> Settings:
        """The settings in force in ``guild``: what its moderators set with /setup applied too."""
        return self.live.current(None if guild is None else guild.id)

    async def off_loop(self, call: Callable[[], T], member: int, *, background: bool = False) -> T:
        """Run answering work for ``member`` off the event loop, one call of theirs at a time.

        The sentence encoder takes milliseconds of CPU: on worker threads, the gateway keeps
        up while it runs. Members take turns (:class:`FairQueue`) on :data:`ANSWERING_WORKERS`
        threads: one member's flood delays that member, not the others; ``background`` work
        (a message over its sender's burst limit) waits while others' questions are read.
        """
        return await self._turns.run(member, call, background=background)

    async def setup_hook(self) -> None:
        """Open the moderators' desk, load one extension per feature, sync commands."""
        engine = self.engine
        self.desk = Desk(lambda: engine, self.store, self.settings)
        removed = self.store.purge(self.settings.retention_days)
        log.info("Storage open; %d rows past retention purged", removed)
        for extension in EXTENSIONS:
            await self.load_extension(extension)  # type: ignore[attr-defined]
        self._purge_task = asyncio.create_task(self._purge_daily())
        await self._sync_commands()

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: the answers extension handles messages."""

    async def _sync_commands(self) -> None:
        tree: discord.app_commands.CommandTree = self.tree  # type: ignore[attr-defined]
        if self.settings.guild_id:
            guild = discord.Object(id=self.settings.guild_id)
            tree.copy_global_to(guild=guild)
            try:
                synced = await tree.sync(guild=guild)
            except (discord.NotFound, discord.Forbidden) as error:
                raise StartupRefused(
                    f"GUILD_ID={self.settings.guild_id}: Discord says {error.text or error} "
                    "for it: check the id (right-click the server -> Copy Server ID) and that "
                    "the bot was invited there with the applications.commands scope."
                ) from None
            log.info("Synced %d commands to guild %s", len(synced), self.settings.guild_id)
        else:
            synced = await tree.sync()
            log.info("Synced %d global commands (may take up to an hour to show)", len(synced))
        self.command_mentions = {command.name: command.mention for command in synced}

    def linked(self, embed: discord.Embed) -> discord.Embed:
        """``embed`` with the commands it names as clickable command mentions."""
        return link_commands(embed, self.command_mentions)

    async def _purge_daily(self) -> None:
        while True:
            await asyncio.sleep(PURGE_INTERVAL_SECONDS)
            removed = await asyncio.to_thread(self.store.purge, self.settings.retention_days)
            log.info("Daily purge removed %d rows", removed)

    async def on_error(self, event_method: str, /, *args: object, **kwargs: object) -> None:
        """A handler's error, logged with its traceback, unless the bot is stopping.

        A stop cuts the connection under the handlers still running after the grace period
        (a flood's held-back replies): the replies they can no longer send are one line, not
        a traceback each.
        """
        error = sys.exc_info()[1]
        if self.is_closed() and isinstance(error, STOPPED_ERRORS):  # type: ignore[attr-defined]
            log.info("A reply from %s was dropped: the bot is stopping (%s)", event_method, error)
            return
        await super().on_error(event_method, *args, **kwargs)  # type: ignore[misc]

    async def close(self) -> None:
        """Stop background work and close storage, then disconnect."""
        if self._purge_task is not None:
            self._purge_task.cancel()
        self._turns.close()  # messages still waiting to be read are dropped quietly
        self._answering.shutdown(wait=False, cancel_futures=True)
        await super().close()  # type: ignore[misc]
        if hasattr(self, "store"):
            self.store.close()


class StartupRefused(Exception):
    """Discord refused something the settings ask for at start-up; the message names it."""


class MovementBot(_MovementBotMixin, commands.Bot):
    """The bot on a single gateway connection."""


class ShardedMovementBot(_MovementBotMixin, commands.AutoShardedBot):
    """The bot with discord.py's automatic sharding, for large deployments."""


def create_bot(
    settings: Settings | None = None,
    engine: Engine | None = None,
    *,
    guild_ready_timeout: float = 2.0,
) -> commands.Bot:
    """A configured bot, not yet started: ``await bot.start(token)`` runs it.

    ``guild_ready_timeout`` is how long discord.py waits for servers after READY before it
    calls the bot ready; tests against a fake that sends every server at once pass it small.
    """
    settings = settings or Settings.from_environment()
    engine = engine or build_engine(settings)
    # Opened here: channels set with /setup need the message content intent as .env's do.
    live = LiveSettings(settings, Store(settings.database_path))
    point_at(settings.discord_api_base, settings.discord_gateway_url)
    # The bot has no voice features: skip discord.py's warnings about voice libraries.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    options: dict[str, object] = {
        "command_prefix": commands.when_mentioned,
        "intents": intents_for(live),
        "allowed_mentions": discord.AllowedMentions.none(),
        "help_command": None,
        "guild_ready_timeout": guild_ready_timeout,
        "activity": discord.Activity(type=discord.ActivityType.listening, name="/help"),
    }
    if settings.sharded:
        bot: MovementBot | ShardedMovementBot = ShardedMovementBot(
            shard_count=settings.shard_count, **options
        )
    else:
        bot = MovementBot(**options)
    bot._init_services(live, engine)
    return bot
