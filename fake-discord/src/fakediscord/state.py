"""In-memory model of the Discord world the fake serves: users, guilds, channels, messages."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import Any

from .components import iter_components

DISCORD_EPOCH_MS = 1420070400000

CHANNEL_TEXT = 0
CHANNEL_DM = 1
CHANNEL_PUBLIC_THREAD = 11
CHANNEL_FORUM = 15

DEFAULT_AUTO_ARCHIVE_MINUTES = 1440

FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_HAS_THREAD = 1 << 5
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_COMPONENTS_V2 = 1 << 15


def utc_timestamp() -> str:
    """Return the current time in Discord's ISO-8601 timestamp format."""
    return datetime.datetime.now(datetime.UTC).isoformat()


class SnowflakeFactory:
    """Generates unique, increasing snowflakes whose timestamps are (about) now.

    Every id gets its own millisecond, so ``created_at`` works in discord.py
    and consecutive ids differ in their shard bits.
    """

    def __init__(self) -> None:
        self._last_ms = 0

    def next(self) -> int:
        """Return a fresh snowflake."""
        ms = max(int(time.time() * 1000), self._last_ms + 1)
        self._last_ms = ms
        return (ms - DISCORD_EPOCH_MS) << 22


@dataclass(eq=False)
class User:
    """A Discord user account (a human or a bot)."""

    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    @property
    def mention(self) -> str:
        """The ``<@id>`` mention string."""
        return f"<@{self.id}>"


@dataclass(eq=False)
class Role:
    """A guild role. The @everyone role has the guild's id."""

    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    managed: bool = False

    @property
    def mention(self) -> str:
        """The ``<@&id>`` mention string (``@everyone`` for the default role)."""
        return "@everyone" if self.id == self.guild_id else f"<@&{self.id}>"


@dataclass(eq=False)
class StoredAttachment:
    """A file uploaded with a message, kept with its bytes."""

    id: int
    filename: str
    data: bytes
    content_type: str | None
    url: str
    description: str | None = None

    def payload(self) -> dict[str, Any]:
        """The attachment object Discord returns for this file."""
        payload: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            payload["content_type"] = self.content_type
        if self.description:
            payload["description"] = self.description
        return payload


class FakeMessage:
    """A message stored by the fake: the current payload plus test conveniences.

    The object is live: edits by the bot update it in place (older payloads
    are kept in :attr:`history`) and deletions set :attr:`deleted`.

    Attributes:
        raw: The message object exactly as Discord's REST API returns it.
        allowed_mentions: The ``allowed_mentions`` the bot sent with the
            latest create/edit (``None`` if it sent none).
        attachments: Files on the message, with their bytes.
        interaction_id: The interaction this message answers, if any.
        history: Earlier versions of :attr:`raw`, oldest first.
        deleted: Whether the message was deleted.
        reactions: Emoji (as sent in the URL, e.g. ``"👍"`` or ``"name:id"``)
            mapped to the ids of the users who reacted.

    """

    def __init__(
        self,
        raw: dict[str, Any],
        *,
        allowed_mentions: dict[str, Any] | None,
        attachments: list[StoredAttachment],
        interaction_id: int | None = None,
    ) -> None:
        self.raw = raw
        self.allowed_mentions = allowed_mentions
        self.attachments = attachments
        self.interaction_id = interaction_id
        self.history: list[dict[str, Any]] = []
        self.deleted = False
        self.reactions: dict[str, list[int]] = {}

    def __repr__(self) -> str:
        state = " deleted" if self.deleted else ""
        return (
            f"<FakeMessage id={self.id} author={self.author_id} flags={self.flags}"
            f" content={self.content!r}{state}>"
        )

    @property
    def id(self) -> int:
        """The message id."""
        return int(self.raw["id"])

    @property
    def channel_id(self) -> int:
        """The channel the message is in."""
        return int(self.raw["channel_id"])

    @property
    def guild_id(self) -> int | None:
        """The guild the message is in, ``None`` for DMs."""
        guild_id = self.raw.get("guild_id")
        return int(guild_id) if guild_id is not None else None

    @property
    def author_id(self) -> int:
        """The id of the message's author."""
        return int(self.raw["author"]["id"])

    @property
    def content(self) -> str:
        """The message text."""
        return str(self.raw.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """The embed objects."""
        return list(self.raw.get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        """The top-level component objects (action rows or v2 components)."""
        return list(self.raw.get("components") or [])

    @property
    def flags(self) -> int:
        """The message flags bit field."""
        return int(self.raw.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user can see the message."""
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Whether this is a deferred response still showing "thinking"."""
        return bool(self.flags & FLAG_LOADING)

    @property
    def reference(self) -> dict[str, Any] | None:
        """The ``message_reference`` object (for replies), if any."""
        return self.raw.get("message_reference")

    @property
    def mentions(self) -> list[int]:
        """Ids of the users the message actually pings (after ``allowed_mentions``)."""
        return [int(user["id"]) for user in self.raw.get("mentions", [])]

    @property
    def mention_roles(self) -> list[int]:
        """Ids of the roles the message actually pings."""
        return [int(role_id) for role_id in self.raw.get("mention_roles", [])]

    @property
    def mention_everyone(self) -> bool:
        """Whether the message pings @everyone/@here."""
        return bool(self.raw.get("mention_everyone"))

    @property
    def text(self) -> str:
        """All human-visible text: content, embed texts and v2 text displays."""
        parts = [self.content]
        for embed in self.embeds:
            parts.extend(str(embed.get(key) or "") for key in ("title", "description"))
            for embed_field in embed.get("fields", []):
                parts.extend((str(embed_field.get("name", "")), str(embed_field.get("value", ""))))
            parts.append(str((embed.get("footer") or {}).get("text", "")))
        parts.extend(
            str(c.get("content", ""))
            for c in iter_components(self.components)
            if c.get("type") == 10
        )
        return "\n".join(part for part in parts if part)

    def buttons(self) -> list[dict[str, Any]]:
        """All button components on the message, in display order."""
        return [c for c in iter_components(self.components) if c.get("type") == 2]

    def selects(self) -> list[dict[str, Any]]:
        """All select menu components on the message, in display order."""
        return [c for c in iter_components(self.components) if c.get("type") in (3, 5, 6, 7, 8)]


@dataclass(eq=False)
class ChannelRecord:
    """A guild text or forum channel, or a DM channel.

    ``thread_ids`` lists the threads started in the channel, oldest first.
    """

    id: int
    type: int
    name: str | None
    guild_id: int | None
    position: int = 0
    topic: str | None = None
    recipients: list[User] = field(default_factory=list)
    messages: list[FakeMessage] = field(default_factory=list)
    thread_ids: list[int] = field(default_factory=list)
    bot_cursor: int = 0
    typing_count: int = 0

    @property
    def last_message_id(self) -> int | None:
        """Id of the newest message (in a forum: of the newest post), if any."""
        if self.type == CHANNEL_FORUM:
            return self.thread_ids[-1] if self.thread_ids else None
        return self.messages[-1].id if self.messages else None


@dataclass(eq=False, kw_only=True)
class ThreadRecord(ChannelRecord):
    """A public thread: a post in a forum channel, or a thread started from a message.

    Its id is the id of the message it grew from: a forum post's starter
    message (stored in the thread) or the parent channel's message.
    ``members`` maps each member's user id to when they joined.
    """

    parent_id: int
    owner_id: int
    members: dict[int, str] = field(default_factory=dict)
    created_at: str = field(default_factory=utc_timestamp)
    auto_archive_duration: int = DEFAULT_AUTO_ARCHIVE_MINUTES

    @property
    def message_count(self) -> int:
        """Messages in the thread, not counting a forum post's starter or deleted ones."""
        return sum(1 for m in self._sent() if not m.deleted)

    @property
    def member_count(self) -> int:
        """How many joined, as Discord reports it: the count stops at 50."""
        return min(len(self.members), 50)

    @property
    def total_message_sent(self) -> int:
        """Messages ever sent in the thread (deleted ones too), without a forum post's starter."""
        return len(self._sent())

    def _sent(self) -> list[FakeMessage]:
        """Messages everyone sees here, other than a forum post's starter."""
        return [m for m in self.messages if m.id != self.id and not m.ephemeral]


@dataclass(eq=False)
class MemberRecord:
    """A user's membership in a guild."""

    user: User
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    joined_at: str = field(default_factory=utc_timestamp)
    nick: str | None = None


@dataclass(eq=False)
class GuildRecord:
    """A guild with its roles, channels, threads, members and command permission overrides.

    ``command_overrides`` maps a command name to ``{target_id: allowed}`` where
    the target is a user, a role (the guild id means @everyone) or a channel.
    """

    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, ChannelRecord] = field(default_factory=dict)
    threads: dict[int, ThreadRecord] = field(default_factory=dict)
    members: dict[int, MemberRecord] = field(default_factory=dict)
    command_overrides: dict[str, dict[int, bool]] = field(default_factory=dict)
    joined_at: str = field(default_factory=utc_timestamp)

    @property
    def everyone(self) -> Role:
        """The @everyone role."""
        return self.roles[self.id]


class Store:
    """Everything the fake knows, indexed by id."""

    def __init__(self) -> None:
        self.ids = SnowflakeFactory()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, GuildRecord] = {}
        self.channels: dict[int, ChannelRecord] = {}
        self.messages: dict[int, FakeMessage] = {}
        self.message_log: list[FakeMessage] = []
        self.dm_channels: dict[int, ChannelRecord] = {}
        self.attachments: dict[int, StoredAttachment] = {}

    def add_user(self, username: str, *, bot: bool = False) -> User:
        """Create and register a user."""
        user = User(id=self.ids.next(), username=username, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self, name: str, owner_id: int, everyone_permissions: int, guild_id: int | None = None
    ) -> GuildRecord:
        """Create a guild with its @everyone role."""
        guild = GuildRecord(id=guild_id or self.ids.next(), name=name, owner_id=owner_id)
        guild.roles[guild.id] = Role(
            id=guild.id, guild_id=guild.id, name="@everyone", permissions=everyone_permissions
        )
        self.guilds[guild.id] = guild
        return guild

    def add_channel(
        self, guild: GuildRecord, name: str, *, topic: str | None = None, kind: int = CHANNEL_TEXT
    ) -> ChannelRecord:
        """Create a channel of type ``kind`` (text or forum) in ``guild``."""
        channel = ChannelRecord(
            id=self.ids.next(),
            type=kind,
            name=name,
            guild_id=guild.id,
            position=len(guild.channels),
            topic=topic,
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_thread(
        self, parent: ChannelRecord, thread_id: int, name: str, owner: User
    ) -> ThreadRecord:
        """Create a public thread in ``parent`` with ``owner`` as its first member."""
        guild = self.guild_of(parent)
        if guild is None:
            raise ValueError("threads live in guild channels")
        thread = ThreadRecord(
            id=thread_id,
            type=CHANNEL_PUBLIC_THREAD,
            name=name,
            guild_id=guild.id,
            parent_id=parent.id,
            owner_id=owner.id,
        )
        thread.members[owner.id] = thread.created_at
        parent.thread_ids.append(thread.id)
        guild.threads[thread.id] = thread
        self.channels[thread.id] = thread
        return thread

    def dm_channel(self, user: User) -> ChannelRecord:
        """Return the DM channel between the bot and ``user``, creating it if needed."""
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = ChannelRecord(
                id=self.ids.next(), type=CHANNEL_DM, name=None, guild_id=None, recipients=[user]
            )
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def add_message(self, channel: ChannelRecord, message: FakeMessage) -> None:
        """Store a new message in ``channel``."""
        channel.messages.append(message)
        self.messages[message.id] = message
        self.message_log.append(message)
        for attachment in message.attachments:
            self.attachments[attachment.id] = attachment

    def guild_of(self, channel: ChannelRecord) -> GuildRecord | None:
        """Return the guild ``channel`` belongs to (``None`` for DMs)."""
        return self.guilds.get(channel.guild_id) if channel.guild_id is not None else None
