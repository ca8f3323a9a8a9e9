"""Interactions as tests see them: who invoked, and what the bot answered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import NoBotResponse
from .messages import InteractionOrigin
from .state import ChannelRecord, FakeMessage, GuildRecord, MemberRecord, StoredAttachment, User
from .waiting import ChangeFeed

# Interaction types.
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Interaction callback (response) types.
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9


@dataclass(eq=False)
class Invoker:
    """Who triggers an interaction, and where."""

    user: User
    channel: ChannelRecord
    guild: GuildRecord | None = None
    member: MemberRecord | None = None
    locale: str = "en-US"


@dataclass(eq=False)
class PendingInteraction:
    """Server-side record of one interaction and everything the bot did with it."""

    id: int
    token: str
    type: int
    label: str
    invoker: Invoker
    origin: InteractionOrigin
    created_at: float
    source_message: FakeMessage | None = None
    callback_type: int | None = None
    callback_data: dict[str, Any] | None = None
    original: FakeMessage | None = None
    original_edits_at_ack: int = 0
    followups: list[FakeMessage] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)


class InteractionResult:
    """What the bot did with one interaction: its callback, messages and followups.

    Properties read the live state, so they reflect later edits and followups.
    """

    def __init__(
        self, pending: PendingInteraction, feed: ChangeFeed, describe: Callable[[], str]
    ) -> None:
        self._pending = pending
        self._feed = feed
        self._describe = describe
        self._followup_cursor = 0

    def __repr__(self) -> str:
        return (
            f"<InteractionResult {self._pending.label} type={self.type} message={self.message!r}>"
        )

    @property
    def interaction_id(self) -> int:
        """The interaction id."""
        return self._pending.id

    @property
    def channel_id(self) -> int:
        """The channel the interaction happened in."""
        return self._pending.invoker.channel.id

    @property
    def type(self) -> int | None:
        """The callback type the bot answered with (4, 5, 6, 7, 8 or 9), ``None`` if not yet."""
        return self._pending.callback_type

    @property
    def message(self) -> FakeMessage | None:
        """The message the response created or updated (``@original``), if any.

        For a deferred response (type 5) this is the "thinking" message, which
        the bot's edit or first followup later fills in; see :meth:`final`.
        For type 6/7 it is the message the component is on.
        """
        return self._pending.original

    @property
    def ephemeral(self) -> bool:
        """Whether the response message is ephemeral (flag 64)."""
        return self.message is not None and self.message.ephemeral

    @property
    def content(self) -> str:
        """Content of :attr:`message`."""
        return self._require_message().content

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """Embeds of :attr:`message`."""
        return self._require_message().embeds

    @property
    def components(self) -> list[dict[str, Any]]:
        """Components of :attr:`message`."""
        return self._require_message().components

    @property
    def attachments(self) -> list[StoredAttachment]:
        """Attachments of :attr:`message`."""
        return self._require_message().attachments

    @property
    def followups(self) -> list[FakeMessage]:
        """Followup messages (``POST /webhooks/{app}/{token}``), oldest first.

        After a deferred response the first followup replaces the "thinking"
        message, as on Discord, so it is :attr:`message`, not a followup.
        """
        return list(self._pending.followups)

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices (callback type 8)."""
        if self.type != AUTOCOMPLETE_RESULT or self._pending.callback_data is None:
            raise AssertionError(
                f"{self._pending.label} was answered with type {self.type}, not autocomplete (8)"
            )
        return list(self._pending.callback_data.get("choices") or [])

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal the bot opened (callback type 9), or ``None``."""
        return self._pending.callback_data if self.type == MODAL else None

    async def final(self, timeout: float = 5.0) -> FakeMessage:
        """Wait for the completed response message and return it.

        Type 4/7 responses are already final. For type 5 this waits until the
        bot edits ``@original`` or sends its first followup; for type 6 until
        it edits the component's message.

        Raises:
            NoBotResponse: Nothing arrived within ``timeout``.

        """
        pending = self._pending

        def done() -> FakeMessage | None:
            message = pending.original
            if message is None:
                return None
            if (
                pending.callback_type == DEFERRED_CHANNEL_MESSAGE
                and message.loading
                and not message.deleted
            ):
                return None
            if (
                pending.callback_type == DEFERRED_UPDATE_MESSAGE
                and len(message.history) <= pending.original_edits_at_ack
            ):
                return None
            return message

        if pending.callback_type in (AUTOCOMPLETE_RESULT, MODAL):
            raise AssertionError(
                f"{pending.label} was answered with type {pending.callback_type}: "
                "there is no message"
            )
        result = await self._feed.wait_for(done, timeout)
        if result is None:
            raise NoBotResponse(
                f"{pending.label}: the deferred response was not completed within {timeout}s\n"
                f"{self._describe()}"
            )
        return result

    async def next_followup(self, timeout: float = 5.0) -> FakeMessage:
        """Wait for the next followup not returned by a previous call.

        Raises:
            NoBotResponse: No new followup within ``timeout``.

        """

        def next_one() -> FakeMessage | None:
            if self._followup_cursor < len(self._pending.followups):
                self._followup_cursor += 1
                return self._pending.followups[self._followup_cursor - 1]
            return None

        result = await self._feed.wait_for(next_one, timeout)
        if result is None:
            raise NoBotResponse(
                f"{self._pending.label}: no new followup within {timeout}s\n{self._describe()}"
            )
        return result

    async def wait_acknowledged(self, timeout: float) -> InteractionResult:
        """Wait until the bot answered the interaction's callback.

        Raises:
            NoBotResponse: No (accepted) callback within ``timeout``.

        """
        acknowledged = await self._feed.wait_for(
            lambda: self._pending.callback_type is not None, timeout
        )
        if not acknowledged:
            rejected = "".join(
                f"\n  rejected callback: {reason}" for reason in self._pending.rejections
            )
            raise NoBotResponse(
                f"the bot did not acknowledge {self._pending.label} within {timeout}s"
                f" (Discord shows 'The application did not respond'){rejected}\n{self._describe()}"
            )
        return self

    def _require_message(self) -> FakeMessage:
        if self.message is None:
            raise AssertionError(
                f"{self._pending.label} (callback type {self.type}) has no response message"
            )
        return self.message
