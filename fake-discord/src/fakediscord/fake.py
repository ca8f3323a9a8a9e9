"""FakeDiscord: a loopback Discord (REST v10 + gateway) for end-to-end tests of discord.py bots."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from types import TracebackType

from aiohttp import web

from .actors import Channel, Guild, Member, Thread
from .commands import CommandRegistry
from .errors import NoBotResponse
from .faults import FaultInjector, FaultRule
from .gateway import Gateway, GatewayConfig, GatewayFrame
from .interactions import InteractionService
from .messages import MessageService
from .payloads import guild_create_payload
from .permissions import DEFAULT_EVERYONE_PERMISSIONS
from .recording import RecordedRequest
from .server import API_PREFIX, RestApi
from .state import ChannelRecord, FakeMessage, MemberRecord, Role, Store, ThreadRecord, User
from .threads import ThreadService
from .waiting import ChangeFeed


class FakeDiscord:
    """A fake Discord server on 127.0.0.1 that the real discord.py stack can talk to.

    Use it as an async context manager; it listens on a random free port::

        async with FakeDiscord(token="test-token") as fake:
            guild = fake.add_guild("Movement Club")
            help_ch = guild.add_text_channel("help")
            alice = guild.add_member("alice")
            async with run_client(bot, fake):
                await alice.says(help_ch, f"{fake.bot_user.mention} hi")
                reply = await help_ch.next_bot_message()

    Args:
        token: The bot token the fake accepts (REST ``Authorization`` and IDENTIFY).
        compress: Send zlib-stream binary frames when the client asks for
            them (``False``: always plain JSON text frames).
        shards: Shard count announced by ``GET /gateway/bot``.
        bot_name: Username of the bot user.
        heartbeat_interval_ms: Interval announced in HELLO.
        response_deadline: Seconds within which the bot must answer an
            interaction callback (Discord: 3); later callbacks get 404
            Unknown interaction. ``None`` disables the check.
        privileged_intents: Privileged intents enabled for the application
            ("members", "presences", "message_content"); identifying with
            others closes the gateway with 4014.

    """

    def __init__(
        self,
        *,
        token: str = "test-token",
        compress: bool = True,
        shards: int = 1,
        bot_name: str = "MovementBot",
        heartbeat_interval_ms: int = 41250,
        response_deadline: float | None = 3.0,
        privileged_intents: Iterable[str] = ("members", "presences", "message_content"),
    ) -> None:
        self.token = token
        self.shards = shards
        self.feed = ChangeFeed()
        self.store = Store()
        self.application_owner: User = self.store.add_user("app-owner")
        self.bot_user: User = self.store.add_user(bot_name, bot=True)
        self.application_id: int = self.bot_user.id
        self.requests: list[RecordedRequest] = []
        self.unknown_requests: list[RecordedRequest] = []
        self.server_errors: list[Exception] = []
        self.faults = FaultInjector()
        self.commands = CommandRegistry(self.store.ids, self.application_id)
        config = GatewayConfig(
            token=token,
            bot=self.bot_user,
            application_id=self.application_id,
            compress=compress,
            heartbeat_interval_ms=heartbeat_interval_ms,
            privileged_intents=tuple(privileged_intents),
        )
        self.gateway = Gateway(
            config, self.store, self.feed, lambda: f"ws://127.0.0.1:{self.port}/resume"
        )
        self.message_service = MessageService(
            self.store, self.gateway, self.feed, lambda: self.base_url, self.bot_user
        )
        self.thread_service = ThreadService(
            self.store, self.gateway, self.message_service, self.feed
        )
        self.interactions = InteractionService(
            store=self.store,
            gateway=self.gateway,
            messages=self.message_service,
            registry=self.commands,
            feed=self.feed,
            bot=self.bot_user,
            application_id=self.application_id,
            response_deadline=response_deadline,
            base_url=lambda: self.base_url,
            describe=self.describe_activity,
        )
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._guilds: dict[int, Guild] = {}
        self._channels: dict[int, Channel] = {}
        self._threads: dict[int, Thread] = {}
        self._members: dict[tuple[int, int], Member] = {}

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
        if exc is None and self.server_errors:
            raise AssertionError(f"the fake Discord hit internal errors: {self.server_errors!r}")

    async def start(self) -> None:
        """Start listening on a random free port of 127.0.0.1."""
        self._runner = web.AppRunner(
            RestApi(self).build_app(), handle_signals=False, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Close gateway connections and stop the server."""
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        """The TCP port the fake listens on."""
        if self._port is None:
            raise RuntimeError("FakeDiscord is not started; use 'async with FakeDiscord() as fake'")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``, e.g. ``http://127.0.0.1:PORT/api/v10``."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY``, e.g. ``ws://127.0.0.1:PORT/``."""
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def guilds(self) -> list[Guild]:
        """All guilds, in creation order."""
        return list(self._guilds.values())

    @property
    def messages(self) -> list[FakeMessage]:
        """Every message ever stored (users' and the bot's), oldest first."""
        return list(self.store.message_log)

    @property
    def gateway_log(self) -> list[GatewayFrame]:
        """Every gateway payload sent and received, in order."""
        return list(self.gateway.log)

    @property
    def pending_faults(self) -> list[FaultRule]:
        """Injected faults not consumed yet."""
        return self.faults.pending

    def add_guild(
        self,
        name: str,
        *,
        shard: int | None = None,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        bot_permissions: int = 0,
    ) -> Guild:
        """Create a guild the bot is a member of.

        Args:
            name: Guild name.
            shard: Pick an id that maps to this shard (``(id >> 22) % shards``).
            everyone_permissions: Permissions of @everyone (Discord's defaults).
            bot_permissions: Extra permissions of the bot's managed role.

        """
        guild_id = self.store.ids.next()
        while shard is not None and (guild_id >> 22) % self.shards != shard:
            guild_id = self.store.ids.next()
        record = self.store.add_guild(
            name, self.application_owner.id, everyone_permissions, guild_id
        )
        bot_role = Role(
            id=self.store.ids.next(),
            guild_id=record.id,
            name=self.bot_user.username,
            permissions=bot_permissions,
            position=1,
            managed=True,
        )
        record.roles[bot_role.id] = bot_role
        record.members[self.bot_user.id] = MemberRecord(
            user=self.bot_user, guild_id=record.id, role_ids=[bot_role.id]
        )
        guild = Guild(self, record)
        self._guilds[record.id] = guild
        self.gateway.dispatch(
            "GUILD_CREATE", guild_create_payload(record, self.bot_user.id), record.id
        )
        return guild

    def channel(self, record: ChannelRecord) -> Channel:
        """The (cached) test handle for a channel record (a :class:`Thread` for a thread)."""
        if isinstance(record, ThreadRecord):
            return self.thread(record)
        if record.id not in self._channels:
            self._channels[record.id] = Channel(self, record)
        return self._channels[record.id]

    def thread(self, record: ThreadRecord) -> Thread:
        """The (cached) test handle for a thread record."""
        if record.id not in self._threads:
            self._threads[record.id] = Thread(self, record)
        return self._threads[record.id]

    def member(self, guild: Guild, record: MemberRecord) -> Member:
        """The (cached) test handle for a membership record."""
        key = (guild.id, record.user.id)
        if key not in self._members:
            self._members[key] = Member(self, guild, record)
        return self._members[key]

    def shard_for(self, guild: Guild) -> int:
        """The shard a guild's events go to with ``self.shards`` shards."""
        return (guild.id >> 22) % self.shards

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        *,
        times: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
    ) -> FaultRule:
        r"""Make the next ``times`` matching REST requests fail with ``status``.

        ``path_regex`` must match the whole path below the API base, e.g.
        ``r"/channels/\d+/messages"``. A 429 carries ``Retry-After``,
        ``X-RateLimit-*`` headers and Discord's JSON body with ``retry_after``.
        """
        return self.faults.add(
            method,
            path_regex,
            status=status,
            times=times,
            retry_after=retry_after,
            is_global=is_global,
        )

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        """Recorded requests with ``method`` whose path fully matches ``path_regex``."""
        return [request for request in self.requests if request.matches(method, path_regex)]

    async def wait_for_request(
        self, method: str, path_regex: str, *, count: int = 1, timeout: float = 5.0
    ) -> RecordedRequest:
        """Wait until ``count`` matching requests were answered; returns the latest.

        Raises:
            NoBotResponse: Not enough matching requests within ``timeout``.

        """

        def enough() -> RecordedRequest | None:
            matching = [r for r in self.requests_to(method, path_regex) if r.status is not None]
            return matching[-1] if len(matching) >= count else None

        request = await self.feed.wait_for(enough, timeout)
        if request is None:
            raise NoBotResponse(
                f"no {count}x {method} {path_regex} within {timeout}s\n{self.describe_activity()}"
            )
        return request

    def received_ops(self, op: int) -> list[GatewayFrame]:
        """Gateway payloads with opcode ``op`` the bot sent (e.g. 2 IDENTIFY, 6 RESUME)."""
        return [frame for frame in self.gateway.log if frame.direction == "in" and frame.op == op]

    async def drop_connection(self, code: int = 4000, *, shard_id: int | None = None) -> None:
        """Close the bot's gateway websocket(s) with ``code``; the session stays resumable.

        Events dispatched before the bot resumes are replayed on RESUME.
        """
        await self.gateway.drop_connection(code, shard_id)

    async def invalidate_session(
        self, *, shard_id: int | None = None, resumable: bool = False
    ) -> None:
        """Send op 9 INVALID_SESSION; with ``resumable=False`` the bot must IDENTIFY again.

        Events simulated users trigger before the new READY are delivered after it.
        """
        self.gateway.invalidate_session(shard_id, resumable)

    async def request_reconnect(self, *, shard_id: int | None = None) -> None:
        """Send op 7 RECONNECT; the bot reconnects and resumes."""
        self.gateway.request_reconnect(shard_id)

    async def wait_until_connected(self, timeout: float = 5.0) -> None:
        """Wait until every gateway session has a live connection.

        Raises:
            NoBotResponse: The bot did not (re)connect within ``timeout``.

        """
        if not await self.feed.wait_for(self.gateway.is_connected, timeout):
            raise NoBotResponse(
                f"the bot did not connect to the gateway within {timeout}s\n"
                f"{self.describe_activity()}"
            )

    async def sync_with_bot(self, timeout: float = 5.0) -> None:
        """Wait until the bot has processed every gateway event sent so far.

        Sends op 1 HEARTBEAT on each connection and waits for discord.py's
        reply, which it sends only after parsing all earlier frames; event
        handlers scheduled by those frames have started by then.

        Raises:
            NoBotResponse: The bot did not answer within ``timeout``.

        """
        asked = self.gateway.request_heartbeats()

        def answered() -> bool:
            return all(c.closed or c.heartbeats_received > before for c, before in asked.items())

        if not await self.feed.wait_for(answered, timeout):
            raise NoBotResponse(f"the bot did not answer a gateway heartbeat within {timeout}s")
        await asyncio.sleep(0)

    def describe_activity(self, limit: int = 15) -> str:
        """Summarise what the bot recently did, for assertion messages."""
        lines = ["recent REST requests by the bot:"]
        lines += [f"  {request.summary()}" for request in self.requests[-limit:]] or ["  (none)"]
        if self.unknown_requests:
            lines.append(
                "routes the fake does not implement: "
                + ", ".join(f"{r.method} {r.path}" for r in self.unknown_requests)
            )
        if self.server_errors:
            lines.append(f"fake internal errors: {self.server_errors!r}")
        connected = "connected" if self.gateway.is_connected() else "NOT connected"
        lines.append(f"gateway: {connected}, {len(self.gateway.sessions)} session(s)")
        return "\n".join(lines)
