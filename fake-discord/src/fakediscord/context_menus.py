"""Message context-menu commands: right-click a message -> Apps -> the bot's command.

Discord sends an application command interaction of command type 3 whose ``data`` names the
message (``target_id``) and carries it resolved, as the gateway would send it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import InvalidInvocation, UnknownCommand
from .permissions import ensure_command_usable
from .results import APPLICATION_COMMAND, InteractionResult, Invoker

if TYPE_CHECKING:
    from collections.abc import Callable

    from .commands import CommandRegistry
    from .messages import MessageService
    from .results import PendingInteraction
    from .state import FakeMessage

MESSAGE_COMMAND = 3
"""The application command type of a message context-menu command."""


def message_command_data(command: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """The interaction ``data`` of ``command`` run on the message ``target`` (its payload)."""
    data: dict[str, Any] = {
        "id": command["id"],
        "name": command["name"],
        "type": MESSAGE_COMMAND,
        "target_id": target["id"],
        "resolved": {"messages": {target["id"]: target}},
    }
    if command.get("guild_id") is not None:
        data["guild_id"] = command["guild_id"]
    return data


class MessageCommands:
    """What the interaction service adds to run a message command as a member would."""

    _registry: CommandRegistry
    _messages: MessageService
    _start: Callable[..., PendingInteraction]
    _result: Callable[[PendingInteraction], InteractionResult]

    async def message_command(
        self, invoker: Invoker, name: str, message: FakeMessage, timeout: float
    ) -> InteractionResult:
        """Run the message command ``name`` on ``message`` and wait for the bot's callback.

        Raises:
            UnknownCommand: The bot registered no message command ``name``.
            CommandNotVisible: Discord would not offer it to this member here.
            InvalidInvocation: The message is deleted, ephemeral or in another channel.
            NoBotResponse: The bot did not answer within ``timeout``.

        """
        guild_id = invoker.guild.id if invoker.guild else None
        command = self._registry.find(name, guild_id, kind=MESSAGE_COMMAND)
        if command is None:
            known = self._registry.names(guild_id, kind=MESSAGE_COMMAND)
            raise UnknownCommand(f"no message command {name!r}; registered: {known}")
        ensure_command_usable(command, invoker.guild, invoker.member, invoker.channel)
        if message.deleted or message.ephemeral or message.channel_id != invoker.channel.id:
            raise InvalidInvocation(f"{message!r} can't be right-clicked in {invoker.channel.id}")
        data = message_command_data(command, self._messages.event_payload(message))
        pending = self._start(invoker, APPLICATION_COMMAND, data, name, command_name=name)
        return await self._result(pending).wait_acknowledged(timeout)
