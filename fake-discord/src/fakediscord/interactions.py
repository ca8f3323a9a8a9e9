"""Interactions: INTERACTION_CREATE events, the bot's callbacks and its followups."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .commands import (
    ATTACHMENT,
    CHANNEL,
    MENTIONABLE,
    ROLE,
    USER,
    CommandRegistry,
    build_command_data,
)
from .components import (
    CHANNEL_SELECT,
    ROLE_SELECT,
    check_select_values,
    find_button,
    find_select,
    modal_submit_components,
)
from .context_menus import MessageCommands
from .errors import ApiError, InvalidInvocation, UnknownCommand
from .gateway import Gateway
from .messages import InteractionOrigin, MessageService
from .payloads import (
    ATTACHMENT_SIZE_LIMIT,
    channel_payload,
    member_payload,
    role_payload,
    user_payload,
)
from .permissions import ensure_command_usable, member_permissions
from .recording import UploadedFile
from .results import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    UPDATE_MESSAGE,
    InteractionResult,
    Invoker,
    PendingInteraction,
)
from .state import (
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    ChannelRecord,
    FakeMessage,
    MemberRecord,
    Role,
    Store,
    StoredAttachment,
    User,
)
from .validation import validate_autocomplete_choices, validate_message, validate_modal
from .waiting import ChangeFeed

_ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
        MODAL,
    },
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
    },
}


class InteractionService(MessageCommands):
    """Creates interactions for simulated users and serves the interaction REST endpoints."""

    def __init__(
        self,
        *,
        store: Store,
        gateway: Gateway,
        messages: MessageService,
        registry: CommandRegistry,
        feed: ChangeFeed,
        bot: User,
        application_id: int,
        response_deadline: float | None,
        base_url: Callable[[], str],
        describe: Callable[[], str],
    ) -> None:
        self._store = store
        self._gateway = gateway
        self._messages = messages
        self._registry = registry
        self._feed = feed
        self._bot = bot
        self._application_id = application_id
        self._response_deadline = response_deadline
        self._base_url = base_url
        self._describe = describe
        self._pending: dict[int, PendingInteraction] = {}
        self._by_token: dict[str, PendingInteraction] = {}

    async def command(
        self, invoker: Invoker, path: Sequence[str], values: Mapping[str, Any], timeout: float
    ) -> InteractionResult:
        """Invoke a chat input command and wait for the bot's callback.

        Raises:
            UnknownCommand: The bot never registered ``path[0]``.
            CommandNotVisible: Discord would hide the command from this user here.
            InvalidInvocation: Options the Discord client would refuse.
            NoBotResponse: The bot did not answer within ``timeout``.

        """
        command = self._visible_command(invoker, path[0])
        data = build_command_data(
            command, path, values, focused=None, encode_entity=self._entity_encoder(invoker)
        )
        pending = self._start(
            invoker, APPLICATION_COMMAND, data, f"/{' '.join(path)}", command_name=path[0]
        )
        return await self._result(pending).wait_acknowledged(timeout)

    async def autocomplete(
        self,
        invoker: Invoker,
        path: Sequence[str],
        values: Mapping[str, Any],
        focused: str,
        timeout: float,
    ) -> list[dict[str, Any]]:
        """Send an autocomplete interaction for option ``focused`` and return the choices.

        Raises:
            UnknownCommand: As for :meth:`command`.
            CommandNotVisible: As for :meth:`command`.
            InvalidInvocation: As for :meth:`command`.
            NoBotResponse: As for :meth:`command`.

        """
        command = self._visible_command(invoker, path[0])
        data = build_command_data(
            command, path, values, focused=focused, encode_entity=self._entity_encoder(invoker)
        )
        pending = self._start(
            invoker,
            AUTOCOMPLETE,
            data,
            f"autocomplete /{' '.join(path)} {focused}",
            command_name=path[0],
        )
        result = await self._result(pending).wait_acknowledged(timeout)
        return result.choices

    async def click(
        self,
        invoker: Invoker,
        message: FakeMessage,
        label: str | None,
        custom_id: str | None,
        timeout: float,
    ) -> InteractionResult:
        """Click a button on ``message`` and wait for the bot's callback.

        Raises:
            InvalidInvocation: No such (enabled, non-link) button.
            NoBotResponse: The bot did not answer within ``timeout``.

        """
        button = find_button(message.components, label, custom_id)
        data = {"custom_id": button["custom_id"], "component_type": button["type"]}
        pending = self._start(
            invoker,
            MESSAGE_COMPONENT,
            data,
            f"click {button.get('label') or button['custom_id']!r}",
            message=message,
        )
        return await self._result(pending).wait_acknowledged(timeout)

    async def select(
        self,
        invoker: Invoker,
        message: FakeMessage,
        values: Sequence[str],
        custom_id: str | None,
        timeout: float,
    ) -> InteractionResult:
        """Pick ``values`` in a select menu on ``message`` and wait for the bot's callback.

        Raises:
            InvalidInvocation: No such select menu or values it does not offer.
            NoBotResponse: The bot did not answer within ``timeout``.

        """
        menu = find_select(message.components, custom_id)
        check_select_values(menu, values)
        data: dict[str, Any] = {
            "custom_id": menu["custom_id"],
            "component_type": menu["type"],
            "values": list(values),
        }
        if menu["type"] in (ROLE_SELECT, CHANNEL_SELECT):
            data["resolved"] = self._resolve_picks(invoker, menu, values)
        pending = self._start(
            invoker,
            MESSAGE_COMPONENT,
            data,
            f"select {list(values)} in {menu['custom_id']!r}",
            message=message,
        )
        return await self._result(pending).wait_acknowledged(timeout)

    async def submit_modal(
        self,
        invoker: Invoker,
        opened_by: InteractionResult,
        values: Mapping[str, str],
        timeout: float,
    ) -> InteractionResult:
        """Submit the modal the bot opened in ``opened_by`` and wait for the bot's callback.

        Raises:
            InvalidInvocation: The interaction did not open a modal, or inputs are missing/unknown.
            NoBotResponse: The bot did not answer within ``timeout``.

        """
        modal = opened_by.modal
        if modal is None:
            raise InvalidInvocation(f"{opened_by!r} did not open a modal")
        data = {
            "custom_id": modal["custom_id"],
            "components": modal_submit_components(modal, dict(values)),
        }
        source = self._pending[opened_by.interaction_id].source_message
        pending = self._start(
            invoker, MODAL_SUBMIT, data, f"submit modal {modal['custom_id']!r}", message=source
        )
        return await self._result(pending).wait_acknowledged(timeout)

    def handle_callback(
        self, interaction_id: int, token: str, body: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any]:
        """Serve ``POST /interactions/{id}/{token}/callback``.

        Raises:
            ApiError: 404 unknown/expired interaction, 400 already acknowledged
                or invalid response.

        """
        pending = self._pending.get(interaction_id)
        if pending is None or pending.token != token:
            raise ApiError.not_found("interaction", 10062)
        if pending.callback_type is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        elapsed = asyncio.get_running_loop().time() - pending.created_at
        if self._response_deadline is not None and elapsed > self._response_deadline:
            pending.rejections.append(
                f"callback after {elapsed:.2f}s (limit {self._response_deadline}s): defer first"
            )
            self._feed.notify()
            raise ApiError.not_found("interaction", 10062)
        kind = int(body.get("type", 0))
        data = body.get("data") or {}
        if kind not in _ALLOWED_CALLBACKS[pending.type]:
            raise ApiError(
                400,
                50035,
                f"Invalid Form Body: callback type {kind} is not valid "
                f"for interaction type {pending.type}",
            )
        self._apply_callback(pending, kind, data, files)
        pending.callback_type = kind
        pending.callback_data = data
        if pending.original is not None:
            pending.original_edits_at_ack = len(pending.original.history)
        self._feed.notify()
        return self._callback_response(pending, kind)

    def create_followup(
        self, application_id: int, token: str, body: dict[str, Any], files: list[UploadedFile]
    ) -> FakeMessage:
        """Serve ``POST /webhooks/{application_id}/{token}`` (a followup message).

        Raises:
            ApiError: 404 unknown webhook or not yet acknowledged; 400 invalid message.

        """
        pending = self._acknowledged(application_id, token)
        validate_message(body, file_count=len(files), creating=True)
        original = pending.original
        if (
            pending.callback_type == DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and original.loading
        ):
            return self._messages.edit(original, body, files, finish_loading=True)
        flags = FLAG_EPHEMERAL if int(body.get("flags") or 0) & FLAG_EPHEMERAL else 0
        message = self._messages.create(
            pending.invoker.channel,
            self._bot,
            body,
            files,
            origin=pending.origin,
            extra_flags=flags,
        )
        pending.followups.append(message)
        self._feed.notify()
        return message

    def get_message(self, application_id: int, token: str, message_id: str) -> FakeMessage:
        """Look up ``@original`` or a followup of the interaction behind ``token``.

        Raises:
            ApiError: 404 unknown webhook or message.

        """
        pending = self._acknowledged(application_id, token)
        if message_id == "@original":
            if pending.original is None:
                raise ApiError.not_found("Message", 10008)
            return pending.original
        for message in [pending.original, *pending.followups]:
            if message is not None and str(message.id) == message_id:
                return message
        raise ApiError.not_found("Message", 10008)

    def edit_message(
        self,
        application_id: int,
        token: str,
        message_id: str,
        body: dict[str, Any],
        files: list[UploadedFile],
    ) -> FakeMessage:
        """Serve ``PATCH /webhooks/{app}/{token}/messages/{id|@original}``.

        Raises:
            ApiError: 404 unknown webhook/message, 400 invalid message.

        """
        message = self.get_message(application_id, token, message_id)
        validate_message(body, file_count=len(files), creating=False)
        return self._messages.edit(message, body, files, finish_loading=message.loading)

    def delete_message(self, application_id: int, token: str, message_id: str) -> None:
        """Serve ``DELETE /webhooks/{app}/{token}/messages/{id|@original}``.

        Raises:
            ApiError: 404 unknown webhook/message.

        """
        self._messages.delete(self.get_message(application_id, token, message_id))

    def _visible_command(self, invoker: Invoker, name: str) -> dict[str, Any]:
        guild_id = invoker.guild.id if invoker.guild else None
        command = self._registry.find(name, guild_id)
        if command is None:
            raise UnknownCommand(
                f"/{name} is not registered (did the bot sync?); "
                f"registered: {self._registry.names(guild_id)}"
            )
        ensure_command_usable(command, invoker.guild, invoker.member, invoker.channel)
        return command

    def _start(
        self,
        invoker: Invoker,
        kind: int,
        data: dict[str, Any],
        label: str,
        *,
        command_name: str | None = None,
        message: FakeMessage | None = None,
    ) -> PendingInteraction:
        interaction_id = self._store.ids.next()
        origin = InteractionOrigin(
            interaction_id=interaction_id,
            interaction_type=kind,
            user=invoker.user,
            application_id=self._application_id,
            guild_id=invoker.guild.id if invoker.guild else None,
            command_name=command_name,
        )
        pending = PendingInteraction(
            id=interaction_id,
            token=secrets.token_urlsafe(48),
            type=kind,
            label=label,
            invoker=invoker,
            origin=origin,
            created_at=asyncio.get_running_loop().time(),
            source_message=message,
        )
        self._pending[pending.id] = pending
        self._by_token[pending.token] = pending
        payload = self._payload(pending, data)
        self._gateway.dispatch("INTERACTION_CREATE", payload, origin.guild_id, hold=True)
        return pending

    def _payload(self, pending: PendingInteraction, data: dict[str, Any]) -> dict[str, Any]:
        invoker = pending.invoker
        guild = invoker.guild
        payload: dict[str, Any] = {
            "id": str(pending.id),
            "application_id": str(self._application_id),
            "type": pending.type,
            "token": pending.token,
            "version": 1,
            "data": data,
            "channel_id": str(invoker.channel.id),
            "channel": channel_payload(invoker.channel),
            "locale": invoker.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None and invoker.member is not None:
            bot_member = guild.members[self._bot.id]
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=member_payload(invoker.member, guild=guild),
                app_permissions=str(member_permissions(guild, bot_member)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
            payload["channel"]["permissions"] = payload["member"]["permissions"]
        else:
            payload.update(
                user=user_payload(invoker.user),
                app_permissions="0",
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        if pending.source_message is not None:
            payload["message"] = self._messages.event_payload(pending.source_message)
        return payload

    def _apply_callback(
        self,
        pending: PendingInteraction,
        kind: int,
        data: dict[str, Any],
        files: list[UploadedFile],
    ) -> None:
        channel = pending.invoker.channel
        ephemeral = FLAG_EPHEMERAL if int(data.get("flags") or 0) & FLAG_EPHEMERAL else 0
        if kind == CHANNEL_MESSAGE:
            validate_message(data, file_count=len(files), creating=True)
            pending.original = self._messages.create(
                channel, self._bot, data, files, origin=pending.origin, extra_flags=ephemeral
            )
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            flags = ephemeral | FLAG_LOADING
            pending.original = self._messages.create(
                channel, self._bot, {}, [], origin=pending.origin, extra_flags=flags
            )
        elif kind == DEFERRED_UPDATE_MESSAGE:
            pending.original = pending.source_message
        elif kind == UPDATE_MESSAGE:
            validate_message(data, file_count=len(files), creating=False)
            if pending.source_message is None:
                raise ApiError(400, 50035, "Invalid Form Body: no message to update")
            pending.original = self._messages.edit(pending.source_message, data, files)
        elif kind == AUTOCOMPLETE_RESULT:
            validate_autocomplete_choices(data)
        elif kind == MODAL:
            validate_modal(data)

    def _callback_response(self, pending: PendingInteraction, kind: int) -> dict[str, Any]:
        original = (
            pending.original
            if kind
            in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE)
            else None
        )
        interaction: dict[str, Any] = {"id": str(pending.id), "type": pending.type}
        resource: dict[str, Any] = {"type": kind}
        if original is not None:
            interaction.update(
                response_message_id=str(original.id),
                response_message_loading=original.loading,
                response_message_ephemeral=original.ephemeral,
            )
            resource["message"] = original.raw
        return {"interaction": interaction, "resource": resource}

    def _acknowledged(self, application_id: int, token: str) -> PendingInteraction:
        pending = self._by_token.get(token)
        if (
            pending is None
            or application_id != self._application_id
            or pending.callback_type is None
        ):
            raise ApiError.not_found("Webhook", 10015)
        return pending

    def _result(self, pending: PendingInteraction) -> InteractionResult:
        return InteractionResult(pending, self._feed, self._describe)

    def _entity_encoder(
        self, invoker: Invoker
    ) -> Callable[[dict[str, Any], Any, dict[str, dict[str, Any]]], str]:
        guild = invoker.guild
        permissions = (
            str(member_permissions(guild, invoker.member)) if guild and invoker.member else "0"
        )

        def encode(
            definition: dict[str, Any], value: Any, resolved: dict[str, dict[str, Any]]
        ) -> str:
            kind = definition["type"]
            if isinstance(value, (User, MemberRecord)) and kind in (USER, MENTIONABLE):
                user = value if isinstance(value, User) else value.user
                resolved.setdefault("users", {})[str(user.id)] = user_payload(user)
                member = guild.members.get(user.id) if guild else None
                if member is not None and guild is not None:
                    resolved.setdefault("members", {})[str(user.id)] = member_payload(
                        member, with_user=False, guild=guild
                    )
                return str(user.id)
            if isinstance(value, Role) and kind in (ROLE, MENTIONABLE):
                resolved.setdefault("roles", {})[str(value.id)] = role_payload(value)
                return str(value.id)
            if isinstance(value, ChannelRecord) and kind == CHANNEL:
                allowed_types = definition.get("channel_types")
                if allowed_types and value.type not in allowed_types:
                    raise InvalidInvocation(
                        f"option {definition['name']!r} only accepts channel types {allowed_types}"
                    )
                resolved.setdefault("channels", {})[str(value.id)] = {
                    **channel_payload(value),
                    "permissions": permissions,
                }
                return str(value.id)
            if isinstance(value, tuple) and kind == ATTACHMENT:
                filename, content = value
                attachment = self._upload(invoker.channel, filename, content)
                resolved.setdefault("attachments", {})[str(attachment.id)] = attachment.payload()
                return str(attachment.id)
            raise InvalidInvocation(
                f"option {definition['name']!r} (type {kind}) cannot take {value!r}"
            )

        return encode

    def _resolve_picks(
        self, invoker: Invoker, menu: dict[str, Any], values: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        """The ``resolved`` roles or channels of a role or channel select's picked ids.

        Raises:
            InvalidInvocation: An id that is no role (channel) of the server, or a channel of a
                type the select does not offer.

        """
        guild = invoker.guild
        roles = menu["type"] == ROLE_SELECT
        definition = {
            "type": ROLE if roles else CHANNEL,
            "name": menu["custom_id"],
            "channel_types": menu.get("channel_types"),
        }
        encode = self._entity_encoder(invoker)
        resolved: dict[str, dict[str, Any]] = {}
        for value in values:
            entities: Mapping[int, Any] = (
                (guild.roles if roles else guild.channels) if guild is not None else {}
            )
            entity = entities.get(int(value)) if value.isdigit() else None
            if entity is None:
                kind = "role" if roles else "channel"
                raise InvalidInvocation(f"{value!r} is no {kind} of the server")
            encode(definition, entity, resolved)
        return resolved

    def _upload(self, channel: ChannelRecord, filename: str, content: bytes) -> StoredAttachment:
        attachment_id = self._store.ids.next()
        attachment = StoredAttachment(
            id=attachment_id,
            filename=filename,
            data=content,
            content_type=None,
            url=f"{self._base_url()}/attachments/{channel.id}/{attachment_id}/{filename}",
        )
        self._store.attachments[attachment.id] = attachment
        return attachment
