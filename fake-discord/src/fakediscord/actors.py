"""Test-facing handles: guilds you populate, channels you watch, members who act."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import NoBotResponse
from .payloads import channel_payload, member_payload, role_payload
from .recording import UploadedFile
from .results import InteractionResult, Invoker
from .settling import handlers_settled
from .state import (
    CHANNEL_FORUM,
    ChannelRecord,
    FakeMessage,
    GuildRecord,
    MemberRecord,
    Role,
    ThreadRecord,
    User,
)

if TYPE_CHECKING:
    from .fake import FakeDiscord


class Channel:
    """A text or forum channel (or a member's DM channel with the bot), seen from the test.

    The channel keeps a read cursor over the bot's (non-ephemeral) messages:
    :meth:`next_bot_message` returns each one once, in order.
    """

    def __init__(self, fake: FakeDiscord, record: ChannelRecord) -> None:
        self._fake = fake
        self.record = record

    def __repr__(self) -> str:
        return f"<Channel id={self.id} name={self.name!r}>"

    @property
    def id(self) -> int:
        """The channel id."""
        return self.record.id

    @property
    def name(self) -> str:
        """The channel name (``"@dm"`` for DM channels)."""
        return self.record.name or "@dm"

    @property
    def mention(self) -> str:
        """The ``<#id>`` mention string."""
        return f"<#{self.id}>"

    @property
    def messages(self) -> list[FakeMessage]:
        """Every message in the channel, oldest first (including ephemeral responses)."""
        return list(self.record.messages)

    @property
    def bot_messages(self) -> list[FakeMessage]:
        """Messages by the bot that everyone in the channel sees, oldest first."""
        bot_id = self._fake.bot_user.id
        return [m for m in self.record.messages if m.author_id == bot_id and not m.ephemeral]

    @property
    def typing_count(self) -> int:
        """How many times the bot triggered the typing indicator here."""
        return self.record.typing_count

    @property
    def threads(self) -> list[Thread]:
        """Threads started here (a forum's posts), oldest first."""
        guild = self._fake.store.guild_of(self.record)
        if guild is None:
            return []
        return [self._fake.thread(guild.threads[thread_id]) for thread_id in self.record.thread_ids]

    async def next_bot_message(self, timeout: float = 5.0) -> FakeMessage:
        """Wait for the next bot message in this channel not returned before.

        A deferred "thinking" message is returned once the bot filled it in.

        Raises:
            NoBotResponse: Nothing new within ``timeout`` (the error lists what the bot did).

        """

        def next_message() -> FakeMessage | None:
            pending = self.bot_messages[self.record.bot_cursor :]
            if not pending or (pending[0].loading and not pending[0].deleted):
                return None
            self.record.bot_cursor += 1
            return pending[0]

        message = await self._fake.feed.wait_for(next_message, timeout)
        if message is None:
            raise NoBotResponse(
                f"no new bot message in #{self.name} within {timeout}s\n"
                f"{self._fake.describe_activity()}"
            )
        return message

    async def assert_no_bot_message(self, within: float = 0.5) -> None:
        """Fail if the bot sends anything new here.

        Within ``within`` s (failing as soon as it does), or by the time every handler it
        started has finished: a slow bot is not a silent one.
        """

        def unread() -> FakeMessage | None:
            pending = self.bot_messages[self.record.bot_cursor :]
            return pending[0] if pending else None

        message = await self._fake.feed.wait_for(unread, within)
        if message is None:
            # A slow bot is not a silent one: once every handler has finished, look again.
            await handlers_settled()
            message = unread()
        if message is not None:
            raise AssertionError(
                f"expected the bot to stay silent in #{self.name}, but it sent {message!r}"
            )


class Thread(Channel):
    """A public thread (a forum post, or a thread started from a message), seen from the test.

    Members post in it with :meth:`Member.says` and the bot's answers are read
    with :meth:`next_bot_message`, as in any channel.
    """

    def __init__(self, fake: FakeDiscord, record: ThreadRecord) -> None:
        super().__init__(fake, record)
        self.record: ThreadRecord = record

    def __repr__(self) -> str:
        return f"<Thread id={self.id} name={self.name!r} parent={self.record.parent_id}>"

    @property
    def parent(self) -> Channel:
        """The forum or text channel the thread was started in."""
        return self._fake.channel(self._fake.store.channels[self.record.parent_id])

    @property
    def owner_id(self) -> int:
        """The id of the member who started the thread."""
        return self.record.owner_id

    @property
    def starter_message(self) -> FakeMessage:
        """The message the thread grew from; its id is the thread's.

        For a forum post it is the post's first message, inside the thread;
        otherwise the message in the parent channel the thread was started from.
        """
        return self._fake.store.messages[self.id]

    @property
    def member_ids(self) -> list[int]:
        """Ids of the users who joined (the owner, everyone who posted here, the bot once it did)."""
        return list(self.record.members)

    @property
    def message_count(self) -> int:
        """Messages as Discord counts them: without a forum post's starter or deleted ones."""
        return self.record.message_count


class Member:
    """A guild member who can talk to the bot, use its commands and click its components."""

    def __init__(self, fake: FakeDiscord, guild: Guild, record: MemberRecord) -> None:
        self._fake = fake
        self.guild = guild
        self.record = record

    def __repr__(self) -> str:
        return f"<Member id={self.id} name={self.name!r} guild={self.guild.name!r}>"

    @property
    def id(self) -> int:
        """The user id."""
        return self.record.user.id

    @property
    def name(self) -> str:
        """The username."""
        return self.record.user.username

    @property
    def user(self) -> User:
        """The underlying user account."""
        return self.record.user

    @property
    def mention(self) -> str:
        """The ``<@id>`` mention string."""
        return self.record.user.mention

    @property
    def roles(self) -> list[Role]:
        """The member's roles (without @everyone)."""
        return [self.guild.record.roles[role_id] for role_id in self.record.role_ids]

    @property
    def dm_channel(self) -> Channel:
        """The DM channel between this member and the bot."""
        return self._fake.channel(self._fake.store.dm_channel(self.user))

    async def says(
        self,
        channel: Channel,
        content: str = "",
        *,
        attachments: Mapping[str, bytes] | None = None,
        reply_to: FakeMessage | None = None,
        mention_author: bool = True,
    ) -> FakeMessage:
        """Post a message in ``channel`` (dispatched to the bot as MESSAGE_CREATE).

        Args:
            channel: Where to post: a channel, a DM channel or a :class:`Thread`
                (posting in a thread joins it; forum channels take only posts,
                see :meth:`create_forum_post`).
            content: Message text; mention the bot with ``fake.bot_user.mention``.
            attachments: Files to attach, filename to bytes.
            reply_to: Make the message a reply to this message: it carries
                ``message_reference`` and ``referenced_message`` as Discord's do.
            mention_author: Whether a reply pings the replied-to author (who
                then counts as mentioned), as the Discord client's toggle.

        Raises:
            ApiError: 400 for a forum channel itself, or a ``reply_to`` that was deleted.

        """
        return self._post(channel.record, content, attachments, reply_to, mention_author)

    async def create_forum_post(
        self,
        forum: Channel,
        title: str,
        content: str = "",
        *,
        attachments: Mapping[str, bytes] | None = None,
    ) -> Thread:
        """Open a post in a forum channel, as the Discord client does.

        The bot gets THREAD_CREATE (``newly_created: true``) for the post's
        thread, then MESSAGE_CREATE for its first message, whose id and
        ``channel_id`` are the thread's id.

        Args:
            forum: A channel made with :meth:`Guild.add_forum_channel`.
            title: The post's title (the thread's name), 1 to 100 characters.
            content: The post's first message; mention the bot with ``fake.bot_user.mention``.
            attachments: Files to attach to the first message, filename to bytes.

        Returns:
            The post's thread; its first message is :attr:`Thread.starter_message`.

        Raises:
            InvalidInvocation: ``forum`` is not a forum channel, or the title is empty or too long.

        """
        record = self._fake.thread_service.create_forum_post(
            forum.record, self.user, title, {"content": content}, _uploads(attachments)
        )
        return self._fake.thread(record)

    async def start_thread(self, message: FakeMessage, name: str) -> Thread:
        """Start a public thread from ``message`` in a text channel (THREAD_CREATE).

        The thread takes the message's id; post in it with :meth:`says`.

        Raises:
            InvalidInvocation: The message is not in a text channel or already has a thread.

        """
        record = self._fake.thread_service.start_from_message(message, self.user, name)
        return self._fake.thread(record)

    async def dm(
        self, content: str = "", *, attachments: Mapping[str, bytes] | None = None
    ) -> FakeMessage:
        """Send the bot a direct message."""
        return self._post(self.dm_channel.record, content, attachments, None, True)

    async def next_dm(self, timeout: float = 5.0) -> FakeMessage:
        """Wait for the next message the bot sends this member by DM."""
        return await self.dm_channel.next_bot_message(timeout)

    async def slash(
        self,
        *path: str,
        channel: Channel | None = None,
        options: Mapping[str, Any] | None = None,
        timeout: float = 5.0,
        locale: str = "en-US",
        **values: Any,
    ) -> InteractionResult:
        """Invoke a slash command and wait until the bot acknowledges it.

        Args:
            path: Command name, then optional group and subcommand names.
            channel: Where to invoke it (default: the guild's first channel;
                pass ``member.dm_channel`` for a DM).
            options: Option values by name (for names that clash with these parameters).
            timeout: How long to wait for the bot's callback.
            locale: The user's client locale.
            values: Option values by name. Members, roles and channels may be
                passed for entity options; ``(filename, bytes)`` for attachments.

        Raises:
            UnknownCommand: The bot did not register the command.
            CommandNotVisible: Discord would not offer the command to this member here.
            InvalidInvocation: The Discord client would refuse these options.
            NoBotResponse: The bot did not acknowledge in time.

        """
        invoker = self._invoker(channel, locale)
        return await self._fake.interactions.command(
            invoker, path, _unwrap({**values, **(options or {})}), timeout
        )

    async def autocomplete(
        self,
        *path: str,
        focused: str,
        value: str = "",
        channel: Channel | None = None,
        options: Mapping[str, Any] | None = None,
        timeout: float = 5.0,
        **values: Any,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into option ``focused`` and return the bot's suggestions.

        Other options already filled in go in ``values``/``options``.

        Raises:
            UnknownCommand: As for :meth:`slash`.
            CommandNotVisible: As for :meth:`slash`.
            InvalidInvocation: As for :meth:`slash`.
            NoBotResponse: As for :meth:`slash`.

        """
        invoker = self._invoker(channel, "en-US")
        filled = _unwrap({**values, **(options or {}), focused: value})
        return await self._fake.interactions.autocomplete(invoker, path, filled, focused, timeout)

    async def click(
        self,
        message: FakeMessage,
        label: str | None = None,
        *,
        custom_id: str | None = None,
        timeout: float = 5.0,
    ) -> InteractionResult:
        """Click the button with ``label`` (or ``custom_id``) on ``message``.

        Raises:
            InvalidInvocation: No such enabled button.
            NoBotResponse: The bot did not acknowledge in time.

        """
        invoker = self._invoker(
            self._fake.channel(self._fake.store.channels[message.channel_id]), "en-US"
        )
        return await self._fake.interactions.click(invoker, message, label, custom_id, timeout)

    async def select(
        self,
        message: FakeMessage,
        values: Sequence[str],
        *,
        custom_id: str | None = None,
        timeout: float = 5.0,
    ) -> InteractionResult:
        """Choose ``values`` in the select menu (the first one, or ``custom_id``) on ``message``.

        Raises:
            InvalidInvocation: No such select or values it does not offer.
            NoBotResponse: The bot did not acknowledge in time.

        """
        invoker = self._invoker(
            self._fake.channel(self._fake.store.channels[message.channel_id]), "en-US"
        )
        return await self._fake.interactions.select(invoker, message, values, custom_id, timeout)

    async def message_command(
        self, name: str, message: FakeMessage, *, timeout: float = 5.0
    ) -> InteractionResult:
        """Right-click ``message`` -> Apps -> ``name``, and wait until the bot acknowledges it.

        Raises as :meth:`MessageCommands.message_command <.context_menus.MessageCommands>` does.
        """
        invoker = self._invoker(
            self._fake.channel(self._fake.store.channels[message.channel_id]), "en-US"
        )
        return await self._fake.interactions.message_command(invoker, name, message, timeout)

    async def submit_modal(
        self, opened_by: InteractionResult, values: Mapping[str, str], *, timeout: float = 5.0
    ) -> InteractionResult:
        """Fill in and submit the modal the bot opened in ``opened_by``.

        ``values`` maps each text input's custom_id (or label) to the typed text.
        """
        channel = self._fake.channel(self._fake.store.channels[opened_by.channel_id])
        return await self._fake.interactions.submit_modal(
            self._invoker(channel, "en-US"), opened_by, values, timeout
        )

    async def react(self, message: FakeMessage, emoji: str) -> None:
        """Add a reaction to ``message`` (MESSAGE_REACTION_ADD)."""
        self._fake.message_service.react(message, self.user, emoji, add=True, from_user=True)

    async def add_role(self, role: Role) -> None:
        """Give the member ``role`` (GUILD_MEMBER_UPDATE)."""
        if role.id not in self.record.role_ids:
            self.record.role_ids.append(role.id)
            self._member_updated()

    async def remove_role(self, role: Role) -> None:
        """Take ``role`` away (GUILD_MEMBER_UPDATE)."""
        if role.id in self.record.role_ids:
            self.record.role_ids.remove(role.id)
            self._member_updated()

    def _member_updated(self) -> None:
        data = {**member_payload(self.record), "guild_id": str(self.guild.id)}
        self._fake.gateway.dispatch("GUILD_MEMBER_UPDATE", data, self.guild.id)

    def _post(
        self,
        channel: ChannelRecord,
        content: str,
        attachments: Mapping[str, bytes] | None,
        reply_to: FakeMessage | None,
        mention_author: bool,
    ) -> FakeMessage:
        body: dict[str, Any] = {"content": content}
        if reply_to is not None:
            body["message_reference"] = {
                "message_id": str(reply_to.id),
                "channel_id": str(reply_to.channel_id),
            }
            if not mention_author:
                body["allowed_mentions"] = {
                    "parse": ["users", "roles", "everyone"],
                    "replied_user": False,
                }
        return self._fake.message_service.create(
            channel, self.user, body, _uploads(attachments), from_user=True
        )

    def _invoker(self, channel: Channel | None, locale: str) -> Invoker:
        record = (
            channel.record
            if channel is not None
            else next(iter(self.guild.record.channels.values()))
        )
        if record.guild_id is None:
            return Invoker(user=self.user, channel=record, locale=locale)
        return Invoker(
            user=self.user,
            channel=record,
            guild=self.guild.record,
            member=self.record,
            locale=locale,
        )


class Guild:
    """A guild the bot is in; add channels, roles and members to it."""

    def __init__(self, fake: FakeDiscord, record: GuildRecord) -> None:
        self._fake = fake
        self.record = record

    def __repr__(self) -> str:
        return f"<Guild id={self.id} name={self.name!r}>"

    @property
    def id(self) -> int:
        """The guild id."""
        return self.record.id

    @property
    def name(self) -> str:
        """The guild name."""
        return self.record.name

    @property
    def everyone(self) -> Role:
        """The @everyone role (edit its ``permissions`` to change the baseline)."""
        return self.record.everyone

    @property
    def bot_role(self) -> Role:
        """The bot's managed role (edit its ``permissions`` to change what the bot may do)."""
        return next(role for role in self.record.roles.values() if role.managed)

    @property
    def channels(self) -> list[Channel]:
        """The guild's text and forum channels (threads are in :attr:`threads`)."""
        return [self._fake.channel(record) for record in self.record.channels.values()]

    @property
    def threads(self) -> list[Thread]:
        """The guild's threads, oldest first."""
        return [self._fake.thread(record) for record in self.record.threads.values()]

    @property
    def members(self) -> list[Member]:
        """The guild's members, including the bot."""
        return [self._fake.member(self, record) for record in self.record.members.values()]

    def add_text_channel(self, name: str, *, topic: str | None = None) -> Channel:
        """Create a text channel (CHANNEL_CREATE if the bot is connected)."""
        record = self._fake.store.add_channel(self.record, name, topic=topic)
        self._fake.gateway.dispatch("CHANNEL_CREATE", channel_payload(record), self.id)
        return self._fake.channel(record)

    def add_forum_channel(self, name: str, *, topic: str | None = None) -> Channel:
        """Create a forum channel (type 15; CHANNEL_CREATE if the bot is connected).

        Members open posts in it with :meth:`Member.create_forum_post`;
        ``topic`` is what Discord shows as the forum's guidelines.
        """
        record = self._fake.store.add_channel(self.record, name, topic=topic, kind=CHANNEL_FORUM)
        self._fake.gateway.dispatch("CHANNEL_CREATE", channel_payload(record), self.id)
        return self._fake.channel(record)

    def add_role(self, name: str, permissions: int = 0, *, mentionable: bool = False) -> Role:
        """Create a role.

        ``permissions`` is a bit field, e.g. ``discord.Permissions(manage_guild=True).value``.
        """
        role = Role(
            id=self._fake.store.ids.next(),
            guild_id=self.id,
            name=name,
            permissions=permissions,
            position=len(self.record.roles),
            mentionable=mentionable,
        )
        self.record.roles[role.id] = role
        self._fake.gateway.dispatch(
            "GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role_payload(role)}, self.id
        )
        return role

    def add_member(
        self, name: str, *, roles: Sequence[Role] = (), bot: bool = False, nick: str | None = None
    ) -> Member:
        """Create a user and add them to the guild (GUILD_MEMBER_ADD if the bot is connected)."""
        user = self._fake.store.add_user(name, bot=bot)
        record = MemberRecord(
            user=user, guild_id=self.id, role_ids=[role.id for role in roles], nick=nick
        )
        self.record.members[user.id] = record
        data = {**member_payload(record), "guild_id": str(self.id)}
        self._fake.gateway.dispatch("GUILD_MEMBER_ADD", data, self.id)
        return self._fake.member(self, record)

    def channel(self, name: str) -> Channel:
        """The channel called ``name``."""
        return next(channel for channel in self.channels if channel.name == name)

    def member(self, name: str) -> Member:
        """The member called ``name``."""
        return next(member for member in self.members if member.name == name)

    def set_command_permission(
        self, command: str, target: Member | Role | Channel, allowed: bool = True
    ) -> None:
        """Add a per-command permission override, as a server admin can in Integrations settings.

        Overrides replace ``default_member_permissions`` for the command:
        a user override beats role overrides, any allowing role beats denying
        roles, and a channel override can only deny.
        """
        target_id = target.id
        self.record.command_overrides.setdefault(command, {})[target_id] = allowed


def _uploads(attachments: Mapping[str, bytes] | None) -> list[UploadedFile]:
    """Files a member attaches, filename to bytes, as the fake's upload records."""
    return [
        UploadedFile(index=index, filename=filename, data=data, content_type=None)
        for index, (filename, data) in enumerate((attachments or {}).items())
    ]


def _unwrap(values: Mapping[str, Any]) -> dict[str, Any]:
    """Replace test handles by the records the interaction builder understands."""
    return {
        name: value.record if isinstance(value, (Member, Channel)) else value
        for name, value in values.items()
    }
