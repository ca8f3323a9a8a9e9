"""The gateway: websocket connections, sessions, sequence numbers, resume and sharding."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .intents import privileged_bits, visible_payload
from .payloads import guild_create_payload, member_payload, ready_payload
from .state import Store, User
from .waiting import ChangeFeed

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

CLOSE_UNKNOWN_OPCODE = 4001
CLOSE_DECODE_ERROR = 4002
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_SHARD = 4010
CLOSE_INVALID_API_VERSION = 4012
CLOSE_DISALLOWED_INTENTS = 4014


@dataclass(frozen=True)
class GatewayFrame:
    """One gateway payload, in either direction.

    Attributes:
        direction: ``"in"`` (sent by the bot) or ``"out"`` (sent by the fake).
        connection: Number of the websocket connection (1, 2, ...).
        shard_id: Shard of the session on that connection, if identified.
        op: Gateway opcode.
        event: Dispatch event name (``t``), if any.
        seq: Sequence number (``s``), if any.
        data: The ``d`` payload.

    """

    direction: str
    connection: int
    shard_id: int | None
    op: int
    event: str | None
    seq: int | None
    data: Any


class Connection:
    """A websocket connection; frames are queued and written in order by one task.

    With zlib-stream compression all frames of the connection share a single
    compressor and each is flushed with ``Z_SYNC_FLUSH``.
    """

    def __init__(
        self, ws: web.WebSocketResponse, number: int, compress: bool, log: list[GatewayFrame]
    ) -> None:
        self.ws = ws
        self.number = number
        self.session: Session | None = None
        self.closed = False
        self.compressed = compress
        self.heartbeats_received = 0
        self._log = log
        self._compressor = zlib.compressobj() if compress else None
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._writer = asyncio.create_task(
            self._write_loop(), name=f"fakediscord-gateway-writer-{number}"
        )

    @property
    def shard_id(self) -> int | None:
        """The shard of the attached session, if any."""
        return self.session.shard_id if self.session else None

    def send(self, frame: dict[str, Any]) -> None:
        """Queue ``frame`` for sending (ignored once the connection is closed)."""
        if self.closed:
            return
        frame.setdefault("s", None)
        frame.setdefault("t", None)
        self._log.append(
            GatewayFrame(
                "out", self.number, self.shard_id, frame["op"], frame["t"], frame["s"], frame["d"]
            )
        )
        self._queue.put_nowait(frame)

    def log_received(self, frame: dict[str, Any]) -> None:
        """Record a frame received from the bot."""
        self._log.append(
            GatewayFrame(
                "in", self.number, self.shard_id, frame.get("op", -1), None, None, frame.get("d")
            )
        )

    async def close(self, code: int, message: bytes = b"") -> None:
        """Stop writing (unsent frames are dropped) and close the websocket with ``code``."""
        self.closed = True
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        await self.ws.close(code=code, message=message)

    async def _write_loop(self) -> None:
        while True:
            frame = await self._queue.get()
            text = json.dumps(frame)
            try:
                if self._compressor is not None:
                    data = self._compressor.compress(text.encode()) + self._compressor.flush(
                        zlib.Z_SYNC_FLUSH
                    )
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(text)
            except ConnectionError:
                self.closed = True
                return


@dataclass(eq=False)
class Session:
    """A gateway session; it outlives connections so it can be resumed."""

    id: str
    shard_id: int
    shard_count: int
    intents: int
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None

    def covers(self, guild_id: int | None) -> bool:
        """Whether events of ``guild_id`` (``None``: DMs) go to this session's shard."""
        if guild_id is None:
            return self.shard_id == 0
        return (guild_id >> 22) % self.shard_count == self.shard_id

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Assign the next sequence number, remember the frame for resumes, and send it."""
        self.seq += 1
        frame = {"op": OP_DISPATCH, "t": event, "s": self.seq, "d": data}
        self.buffer.append(frame)
        if self.connection is not None:
            self.connection.send(dict(frame))


@dataclass(frozen=True)
class GatewayConfig:
    """Static gateway settings."""

    token: str
    bot: User
    application_id: int
    compress: bool
    heartbeat_interval_ms: int
    privileged_intents: tuple[str, ...]


class Gateway:
    """Serves the gateway websocket and routes dispatch events to the right session.

    Events for a guild go to the session whose shard covers it
    (``(guild_id >> 22) % shard_count``); DM events go to shard 0. Events
    triggered by simulated users while no session covers them are held and
    delivered right after the next READY (real Discord would drop them).
    """

    def __init__(
        self, config: GatewayConfig, store: Store, feed: ChangeFeed, resume_url: Callable[[], str]
    ) -> None:
        self._config = config
        self._store = store
        self._feed = feed
        self._resume_url = resume_url
        self.sessions: list[Session] = []
        self.connections: list[Connection] = []
        self.log: list[GatewayFrame] = []
        self._held: list[tuple[str, dict[str, Any], int | None]] = []
        self._connection_count = 0

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Aiohttp handler for the websocket endpoint."""
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._connection_count += 1
        compress = self._config.compress and request.query.get("compress") == "zlib-stream"
        connection = Connection(ws, self._connection_count, compress, self.log)
        self.connections.append(connection)
        try:
            if request.query.get("v") != "10" or request.query.get("encoding", "json") != "json":
                await connection.close(CLOSE_INVALID_API_VERSION, b"Invalid API version")
                return ws
            connection.send(
                {"op": OP_HELLO, "d": {"heartbeat_interval": self._config.heartbeat_interval_ms}}
            )
            async for message in ws:
                if message.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                try:
                    frame = json.loads(message.data)
                except ValueError:
                    await connection.close(CLOSE_DECODE_ERROR, b"Error while decoding payload.")
                    break
                await self._on_frame(connection, frame)
        finally:
            await self._forget(connection)
        return ws

    def dispatch(
        self, event: str, data: dict[str, Any], guild_id: int | None, *, hold: bool = False
    ) -> None:
        """Send ``event`` to every session covering ``guild_id``.

        With ``hold`` the event is kept for a future session if none covers it now.
        """
        targets = [session for session in self.sessions if session.covers(guild_id)]
        if not targets and hold:
            self._held.append((event, data, guild_id))
        for session in targets:
            self._send_event(session, event, data)

    def is_connected(self) -> bool:
        """Whether at least one session exists and every session has a live connection."""
        return bool(self.sessions) and all(
            s.connection is not None and not s.connection.closed for s in self.sessions
        )

    async def drop_connection(self, code: int, shard_id: int | None) -> None:
        """Close the websocket(s) of the matching session(s); the sessions stay resumable."""
        for session in self._matching(shard_id):
            connection = session.connection
            session.connection = None
            if connection is not None:
                await connection.close(code)

    def invalidate_session(self, shard_id: int | None, resumable: bool) -> None:
        """Send op 9 INVALID_SESSION; non-resumable sessions are forgotten at once."""
        for session in self._matching(shard_id):
            if session.connection is not None:
                session.connection.send({"op": OP_INVALID_SESSION, "d": resumable})
            if not resumable:
                self.sessions.remove(session)

    def request_reconnect(self, shard_id: int | None) -> None:
        """Send op 7 RECONNECT; the client closes and resumes."""
        for session in self._matching(shard_id):
            if session.connection is not None:
                session.connection.send({"op": OP_RECONNECT, "d": None})

    def request_heartbeats(self) -> dict[Connection, int]:
        """Send op 1 HEARTBEAT to every live session connection.

        discord.py answers with a heartbeat of its own once it has parsed every
        earlier frame. Returns each asked connection with its heartbeat count
        before asking.
        """
        asked = {}
        for session in self.sessions:
            connection = session.connection
            if connection is not None and not connection.closed:
                asked[connection] = connection.heartbeats_received
                connection.send({"op": OP_HEARTBEAT, "d": session.seq})
        return asked

    async def close_all(self) -> None:
        """Close every open websocket (server shutdown)."""
        for connection in list(self.connections):
            await connection.close(1001, b"Going away")

    def _matching(self, shard_id: int | None) -> list[Session]:
        return [s for s in self.sessions if shard_id is None or s.shard_id == shard_id]

    async def _forget(self, connection: Connection) -> None:
        if not connection.closed:
            await connection.close(1000)
        if connection.session is not None and connection.session.connection is connection:
            connection.session.connection = None
        self.connections.remove(connection)
        self._feed.notify()

    async def _on_frame(self, connection: Connection, frame: dict[str, Any]) -> None:
        connection.log_received(frame)
        op = frame.get("op")
        data = frame.get("d")
        if op == OP_HEARTBEAT:
            connection.heartbeats_received += 1
            connection.send({"op": OP_HEARTBEAT_ACK, "d": None})
            self._feed.notify()
        elif op == OP_IDENTIFY:
            await self._identify(connection, data)
        elif op == OP_RESUME:
            self._resume(connection, data)
        elif (
            op in (OP_PRESENCE_UPDATE, OP_VOICE_STATE_UPDATE, OP_REQUEST_GUILD_MEMBERS)
            and connection.session is None
        ):
            await connection.close(CLOSE_NOT_AUTHENTICATED, b"Not authenticated.")
        elif op == OP_REQUEST_GUILD_MEMBERS:
            self._request_members(connection.session, data)
        elif op not in (OP_PRESENCE_UPDATE, OP_VOICE_STATE_UPDATE):
            await connection.close(CLOSE_UNKNOWN_OPCODE, b"Unknown opcode.")

    async def _identify(self, connection: Connection, data: dict[str, Any]) -> None:
        if connection.session is not None:
            await connection.close(CLOSE_ALREADY_AUTHENTICATED, b"Already authenticated.")
            return
        if data.get("token") != self._config.token:
            await connection.close(CLOSE_AUTHENTICATION_FAILED, b"Authentication failed.")
            return
        intents = int(data.get("intents") or 0)
        allowed_privileged = privileged_bits(self._config.privileged_intents)
        if (
            intents
            & privileged_bits(("members", "presences", "message_content"))
            & ~allowed_privileged
        ):
            await connection.close(CLOSE_DISALLOWED_INTENTS, b"Disallowed intent(s).")
            return
        shard = data.get("shard")
        shard_id, shard_count = (int(shard[0]), int(shard[1])) if shard else (0, 1)
        if not 0 <= shard_id < shard_count:
            await connection.close(CLOSE_INVALID_SHARD, b"Invalid shard.")
            return
        self.sessions = [
            s for s in self.sessions if (s.shard_id, s.shard_count) != (shard_id, shard_count)
        ]
        session = Session(
            id=secrets.token_hex(16), shard_id=shard_id, shard_count=shard_count, intents=intents
        )
        session.connection = connection
        connection.session = session
        self.sessions.append(session)
        guilds = [guild for guild in self._store.guilds.values() if session.covers(guild.id)]
        ready = ready_payload(
            bot=self._config.bot,
            application_id=self._config.application_id,
            guild_ids=[guild.id for guild in guilds],
            session_id=session.id,
            resume_gateway_url=self._resume_url(),
            shard=[shard_id, shard_count] if shard else None,
        )
        session.dispatch("READY", ready)
        for guild in guilds:
            self._send_event(
                session, "GUILD_CREATE", guild_create_payload(guild, self._config.bot.id)
            )
        held, self._held = self._held, []
        for event, event_data, guild_id in held:
            if session.covers(guild_id):
                self._send_event(session, event, event_data)
            else:
                self._held.append((event, event_data, guild_id))
        self._feed.notify()

    def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        session = next((s for s in self.sessions if s.id == data.get("session_id")), None)
        if session is None or data.get("token") != self._config.token:
            connection.send({"op": OP_INVALID_SESSION, "d": False})
            return
        if session.connection is not None and session.connection is not connection:
            session.connection.session = None
        last_seq = int(data.get("seq") or 0)
        for frame in session.buffer:
            if frame["s"] > last_seq:
                connection.send(dict(frame))
        session.connection = connection
        connection.session = session
        session.dispatch("RESUMED", {"_trace": ["fakediscord"]})
        self._feed.notify()

    def _request_members(self, session: Session, data: dict[str, Any]) -> None:
        guild_ids = data.get("guild_id")
        query = (data.get("query") or "").lower()
        wanted = {int(user_id) for user_id in data.get("user_ids") or []}
        for guild_id in guild_ids if isinstance(guild_ids, list) else [guild_ids]:
            guild = self._store.guilds.get(int(guild_id))
            if guild is None:
                continue
            members = [
                member
                for member in guild.members.values()
                if (not wanted or member.user.id in wanted)
                and member.user.username.lower().startswith(query)
            ]
            limit = int(data.get("limit") or 0)
            chunk: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": [
                    member_payload(member) for member in (members[:limit] if limit else members)
                ],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [str(user_id) for user_id in wanted - {m.user.id for m in members}],
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    def _send_event(self, session: Session, event: str, data: dict[str, Any]) -> None:
        visible = visible_payload(event, data, session.intents, self._config.bot.id)
        if visible is not None:
            session.dispatch(event, visible)
