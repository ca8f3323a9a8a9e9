"""Starting public threads: forum posts, and threads grown from a message in a text channel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import InvalidInvocation
from .messages import MessageService
from .payloads import channel_payload
from .recording import UploadedFile
from .state import (
    CHANNEL_FORUM,
    CHANNEL_TEXT,
    FLAG_HAS_THREAD,
    ChannelRecord,
    FakeMessage,
    Store,
    ThreadRecord,
    User,
)
from .waiting import ChangeFeed

if TYPE_CHECKING:
    from .gateway import Gateway


class ThreadService:
    """Creates public threads (type 11) the way Discord does, for simulated members.

    What the Discord client would refuse (a post outside a forum, an empty or
    overlong title) raises :class:`InvalidInvocation`.

    A forum post is a thread plus its starter message, which shares the
    thread's id and is stored in the thread; the bot gets THREAD_CREATE (with
    ``newly_created: true``), then MESSAGE_CREATE for the starter. A thread
    started from a message in a text channel takes that message's id and
    marks it ``HAS_THREAD``; the bot gets THREAD_CREATE. Events are held
    while the bot is offline, like every event a simulated member causes.
    """

    def __init__(
        self, store: Store, gateway: Gateway, messages: MessageService, feed: ChangeFeed
    ) -> None:
        self._store = store
        self._gateway = gateway
        self._messages = messages
        self._feed = feed

    def create_forum_post(
        self,
        forum: ChannelRecord,
        author: User,
        title: str,
        body: dict[str, Any],
        files: Sequence[UploadedFile],
    ) -> ThreadRecord:
        """Open a post titled ``title`` in ``forum`` whose first message is ``body``.

        Raises:
            InvalidInvocation: ``forum`` is not a forum channel, or the title is
                not 1 to 100 characters long.

        """
        _require_type(forum, CHANNEL_FORUM)
        _check_name(title)
        thread = self._store.add_thread(forum, self._store.ids.next(), title, author)
        self._announce(thread)
        self._messages.create(
            thread, author, body, list(files), from_user=True, message_id=thread.id
        )
        return thread

    def start_from_message(self, message: FakeMessage, author: User, name: str) -> ThreadRecord:
        """Start a thread called ``name`` from ``message`` in a text channel.

        Raises:
            InvalidInvocation: The message is not in a text channel or already
                has a thread, or the name is not 1 to 100 characters long.

        """
        parent = self._store.channels[message.channel_id]
        _require_type(parent, CHANNEL_TEXT)
        if message.id in self._store.channels:
            raise InvalidInvocation(f"message {message.id} already has a thread")
        _check_name(name)
        thread = self._store.add_thread(parent, message.id, name, author)
        message.raw["flags"] = message.flags | FLAG_HAS_THREAD
        self._announce(thread)
        return thread

    def _announce(self, thread: ThreadRecord) -> None:
        data = {**channel_payload(thread), "newly_created": True}
        self._gateway.dispatch("THREAD_CREATE", data, thread.guild_id, hold=True)
        self._feed.notify()


def _require_type(channel: ChannelRecord, kind: int) -> None:
    if channel.type != kind:
        raise InvalidInvocation(
            f"channel {channel.name!r} has type {channel.type}; this needs type {kind}"
        )


def _check_name(name: str) -> None:
    if not 1 <= len(name) <= 100:
        raise InvalidInvocation(f"a thread name is 1 to 100 characters, not {len(name)}")
