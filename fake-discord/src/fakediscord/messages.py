"""Creating, editing and deleting messages, with the gateway events Discord sends for them."""

from __future__ import annotations

import copy
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ApiError
from .payloads import member_payload, thread_member_payload, user_payload
from .recording import UploadedFile
from .state import (
    CHANNEL_FORUM,
    FLAG_COMPONENTS_V2,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    FLAG_SUPPRESS_EMBEDS,
    FLAG_SUPPRESS_NOTIFICATIONS,
    ChannelRecord,
    FakeMessage,
    GuildRecord,
    Store,
    StoredAttachment,
    ThreadRecord,
    User,
    utc_timestamp,
)
from .waiting import ChangeFeed

if TYPE_CHECKING:
    from .gateway import Gateway

MESSAGE_DEFAULT = 0
MESSAGE_REPLY = 19
MESSAGE_CHAT_INPUT_COMMAND = 20

_SETTABLE_FLAGS = FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_COMPONENTS_V2
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


@dataclass(frozen=True)
class InteractionOrigin:
    """Links a message to the interaction it answers."""

    interaction_id: int
    interaction_type: int
    user: User
    application_id: int
    guild_id: int | None
    command_name: str | None

    def metadata(self) -> dict[str, Any]:
        """The ``interaction_metadata`` object of the message."""
        owner = str(self.guild_id) if self.guild_id is not None else "0"
        data: dict[str, Any] = {
            "id": str(self.interaction_id),
            "type": self.interaction_type,
            "user": user_payload(self.user),
            "authorizing_integration_owners": {"0": owner},
        }
        if self.command_name is not None:
            data["name"] = self.command_name
            data["command_type"] = 1
        return data


class MessageService:
    """Stores messages and emits MESSAGE_* gateway events the way Discord does.

    Non-ephemeral messages (including the bot's own) are echoed to the bot
    as MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE. Posting in a thread
    (not answering an interaction there) joins the author to it; when that is
    the bot, it gets THREAD_MEMBERS_UPDATE.
    """

    def __init__(
        self,
        store: Store,
        gateway: Gateway,
        feed: ChangeFeed,
        base_url: Callable[[], str],
        bot: User,
    ) -> None:
        self._store = store
        self._gateway = gateway
        self._feed = feed
        self._base_url = base_url
        self._bot = bot

    def create(
        self,
        channel: ChannelRecord,
        author: User,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        origin: InteractionOrigin | None = None,
        extra_flags: int = 0,
        from_user: bool = False,
        message_id: int | None = None,
    ) -> FakeMessage:
        """Store a new message in ``channel`` and dispatch MESSAGE_CREATE unless ephemeral.

        ``from_user`` marks messages typed by simulated users: if the bot is
        offline, their event is held until it connects. ``message_id`` is for
        a forum post's starter message, which shares the thread's id.

        Raises:
            ApiError: 400 when replying to an unknown message with ``fail_if_not_exists``,
                or when posting straight into a forum channel.

        """
        if channel.type == CHANNEL_FORUM:
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        guild = self._store.guild_of(channel)
        message_id = message_id if message_id is not None else self._store.ids.next()
        flags = (int(body.get("flags") or 0) & _SETTABLE_FLAGS) | extra_flags
        raw: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": str(channel.id),
            "author": user_payload(author),
            "content": body.get("content") or "",
            "timestamp": utc_timestamp(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_channels": [],
            "attachments": [],
            "embeds": list(body.get("embeds") or []),
            "reactions": [],
            "pinned": False,
            "type": MESSAGE_CHAT_INPUT_COMMAND
            if origin and origin.command_name
            else MESSAGE_DEFAULT,
            "flags": flags,
            "components": list(body.get("components") or []),
        }
        if guild is not None:
            raw["guild_id"] = str(guild.id)
        if isinstance(channel, ThreadRecord):
            raw["position"] = len(channel.messages)
            if origin is None:
                self._join(channel, author)
        if body.get("nonce") is not None:
            raw["nonce"] = body["nonce"]
        if origin is not None:
            raw["webhook_id"] = str(origin.application_id)
            raw["application_id"] = str(origin.application_id)
            raw["interaction_metadata"] = origin.metadata()
        replied_author = self._apply_reference(raw, body.get("message_reference"))
        allowed = body.get("allowed_mentions")
        self._apply_mentions(raw, guild, allowed, replied_author)
        attachments = self._new_attachments(channel, body, files)
        raw["attachments"] = [attachment.payload() for attachment in attachments]
        message = FakeMessage(
            raw,
            allowed_mentions=allowed,
            attachments=attachments,
            interaction_id=origin.interaction_id if origin else None,
        )
        self._store.add_message(channel, message)
        if not message.ephemeral:
            self._gateway.dispatch(
                "MESSAGE_CREATE",
                self._event_payload(message, guild),
                message.guild_id,
                hold=from_user,
            )
        self._feed.notify()
        return message

    def edit(
        self,
        message: FakeMessage,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        finish_loading: bool = False,
    ) -> FakeMessage:
        """Apply an edit (PATCH body) and dispatch MESSAGE_UPDATE unless ephemeral.

        ``finish_loading`` turns a deferred "thinking" message into a normal one.

        Raises:
            ApiError: 404 if the message was deleted.

        """
        if message.deleted:
            raise ApiError.not_found("Message", 10008)
        channel = self._store.channels[message.channel_id]
        guild = self._store.guild_of(channel)
        message.history.append(copy.deepcopy(message.raw))
        raw = copy.deepcopy(message.raw)
        for key in ("content", "embeds", "components"):
            if key in body:
                raw[key] = body[key] if body[key] is not None else ("" if key == "content" else [])
        kept_flags = raw["flags"] & FLAG_EPHEMERAL
        if not finish_loading:
            kept_flags |= raw["flags"] & FLAG_LOADING
        new_flags = (
            int(body["flags"]) & _SETTABLE_FLAGS
            if body.get("flags") is not None
            else raw["flags"] & _SETTABLE_FLAGS
        )
        raw["flags"] = kept_flags | new_flags
        raw["edited_timestamp"] = utc_timestamp()
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        self._apply_mentions(raw, guild, message.allowed_mentions, None)
        if "attachments" in body or files:
            keep_ids = {str(item.get("id")) for item in body.get("attachments") or []}
            kept = [
                a for a in message.attachments if "attachments" not in body or str(a.id) in keep_ids
            ]
            message.attachments = kept + self._new_attachments(channel, body, files)
            raw["attachments"] = [attachment.payload() for attachment in message.attachments]
            for attachment in message.attachments:
                self._store.attachments[attachment.id] = attachment
        message.raw = raw
        if not message.ephemeral:
            self._gateway.dispatch(
                "MESSAGE_UPDATE", self._event_payload(message, guild), message.guild_id
            )
        self._feed.notify()
        return message

    def delete(self, message: FakeMessage) -> None:
        """Mark ``message`` deleted and dispatch MESSAGE_DELETE unless ephemeral.

        Raises:
            ApiError: 404 if it was already deleted.

        """
        if message.deleted:
            raise ApiError.not_found("Message", 10008)
        message.deleted = True
        if not message.ephemeral:
            data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
            self._gateway.dispatch("MESSAGE_DELETE", data, message.guild_id)
        self._feed.notify()

    def react(
        self, message: FakeMessage, user: User, emoji: str, *, add: bool, from_user: bool = False
    ) -> None:
        """Add or remove ``user``'s reaction and dispatch MESSAGE_REACTION_ADD/REMOVE."""
        users = message.reactions.setdefault(emoji, [])
        if add == (user.id in users):
            return
        if add:
            users.append(user.id)
        else:
            users.remove(user.id)
            if not users:
                del message.reactions[emoji]
        name, _, emoji_id = emoji.partition(":")
        data: dict[str, Any] = {
            "user_id": str(user.id),
            "channel_id": str(message.channel_id),
            "message_id": str(message.id),
            "emoji": {"id": emoji_id or None, "name": name},
            "burst": False,
            "type": 0,
        }
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
            guild = self._store.guilds[message.guild_id]
            member = guild.members.get(user.id)
            if member is not None and add:
                data["member"] = member_payload(member)
        if add:
            data["message_author_id"] = str(message.author_id)
        event = "MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE"
        self._gateway.dispatch(event, data, message.guild_id, hold=from_user)
        self._feed.notify()

    def _join(self, thread: ThreadRecord, user: User) -> None:
        """Add ``user`` to ``thread``'s members, telling the bot when it joined itself."""
        if user.id in thread.members:
            return
        thread.members[user.id] = utc_timestamp()
        if user.id == self._bot.id:
            data = {
                "id": str(thread.id),
                "guild_id": str(thread.guild_id),
                "member_count": thread.member_count,
                "added_members": [thread_member_payload(thread, user.id)],
            }
            self._gateway.dispatch("THREAD_MEMBERS_UPDATE", data, thread.guild_id)

    def event_payload(self, message: FakeMessage) -> dict[str, Any]:
        """The message as the gateway (and interaction payloads) carry it, with ``member`` data."""
        channel = self._store.channels[message.channel_id]
        return self._event_payload(message, self._store.guild_of(channel))

    def _event_payload(self, message: FakeMessage, guild: GuildRecord | None) -> dict[str, Any]:
        payload = copy.deepcopy(message.raw)
        if guild is not None:
            member = guild.members.get(message.author_id)
            if member is not None:
                payload["member"] = member_payload(member, with_user=False)
            for mention in payload["mentions"]:
                mentioned = guild.members.get(int(mention["id"]))
                if mentioned is not None:
                    mention["member"] = member_payload(mentioned, with_user=False)
        return payload

    def _apply_reference(
        self, raw: dict[str, Any], reference: dict[str, Any] | None
    ) -> User | None:
        """Resolve a reply; returns the replied-to author (for the reply ping)."""
        if not reference or reference.get("type", 0) != 0:
            return None
        target = self._store.messages.get(int(reference.get("message_id", 0)))
        if target is None or target.deleted:
            if reference.get("fail_if_not_exists", True):
                raise ApiError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "message_reference": {
                            "_errors": [
                                {
                                    "code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                                    "message": "Unknown message",
                                }
                            ]
                        }
                    },
                )
            return None
        raw["type"] = MESSAGE_REPLY if raw["type"] == MESSAGE_DEFAULT else raw["type"]
        raw["message_reference"] = {
            "type": 0,
            "message_id": str(target.id),
            "channel_id": str(target.channel_id),
            **({"guild_id": str(target.guild_id)} if target.guild_id is not None else {}),
        }
        referenced = copy.deepcopy(target.raw)
        referenced.pop("referenced_message", None)
        raw["referenced_message"] = referenced
        return self._store.users.get(target.author_id)

    def _apply_mentions(
        self,
        raw: dict[str, Any],
        guild: GuildRecord | None,
        allowed: dict[str, Any] | None,
        replied_author: User | None,
    ) -> None:
        """Fill ``mentions``, ``mention_roles``, ``mention_everyone`` per ``allowed_mentions``."""
        content = raw.get("content") or ""
        parse = (
            set(allowed.get("parse") or [])
            if allowed is not None
            else {"users", "roles", "everyone"}
        )
        allowed_users = {int(i) for i in (allowed or {}).get("users") or []}
        allowed_roles = {int(i) for i in (allowed or {}).get("roles") or []}
        user_ids: list[int] = []
        for match in _USER_MENTION.finditer(content):
            user_id = int(match.group(1))
            if (
                ("users" in parse or user_id in allowed_users)
                and user_id in self._store.users
                and user_id not in user_ids
            ):
                user_ids.append(user_id)
        ping_reply = allowed.get("replied_user", False) if allowed is not None else True
        if replied_author is not None and ping_reply and replied_author.id not in user_ids:
            user_ids.append(replied_author.id)
        raw["mentions"] = [user_payload(self._store.users[user_id]) for user_id in user_ids]
        role_ids = []
        if guild is not None:
            for match in _ROLE_MENTION.finditer(content):
                role_id = int(match.group(1))
                if ("roles" in parse or role_id in allowed_roles) and role_id in guild.roles:
                    role_ids.append(str(role_id))
        raw["mention_roles"] = role_ids
        raw["mention_everyone"] = "everyone" in parse and (
            "@everyone" in content or "@here" in content
        )

    def _new_attachments(
        self, channel: ChannelRecord, body: dict[str, Any], files: list[UploadedFile]
    ) -> list[StoredAttachment]:
        """Turn uploads into stored attachments (descriptions from ``body["attachments"]``)."""
        described = {str(item.get("id")): item for item in body.get("attachments") or []}
        attachments = []
        for upload in files:
            info = described.get(str(upload.index), {})
            attachment_id = self._store.ids.next()
            filename = info.get("filename") or upload.filename
            attachments.append(
                StoredAttachment(
                    id=attachment_id,
                    filename=filename,
                    data=upload.data,
                    content_type=mimetypes.guess_type(filename)[0] or upload.content_type,
                    url=f"{self._base_url()}/attachments/{channel.id}/{attachment_id}/{filename}",
                    description=info.get("description"),
                )
            )
        return attachments
