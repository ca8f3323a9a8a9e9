"""The REST API (v10) routes, with request recording, authentication and fault injection."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import ApiError
from .payloads import (
    application_payload,
    channel_payload,
    guild_payload,
    member_payload,
    role_payload,
    thread_member_payload,
    user_payload,
)
from .permissions import (
    ADD_REACTIONS,
    ATTACH_FILES,
    MANAGE_MESSAGES,
    READ_MESSAGE_HISTORY,
    VIEW_CHANNEL,
    member_permissions,
    send_permission,
)
from .recording import RecordedRequest, UploadedFile, parse_body
from .responses import json_response
from .state import ChannelRecord, FakeMessage, GuildRecord
from .validation import validate_message

if TYPE_CHECKING:
    from .fake import FakeDiscord

API_PREFIX = "/api/v10"
_TOKEN_ROUTES = ("/interactions/", "/webhooks/")
RECORD = web.RequestKey("record", RecordedRequest)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class RestApi:
    """Builds the aiohttp application serving the fake's REST API, gateway and attachments.

    Every API request is recorded in ``fake.requests``. Requests must carry
    ``Authorization: Bot <token>`` except the token-authenticated interaction
    and webhook routes (discord.py sends none there). Unknown routes answer a
    Discord-style 404 and are also listed in ``fake.unknown_requests``.
    """

    def __init__(self, fake: FakeDiscord) -> None:
        self._fake = fake

    def build_app(self) -> web.Application:
        """Create the aiohttp application with all routes."""
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/", self._fake.gateway.handle)
        app.router.add_get("/resume", self._fake.gateway.handle)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._attachment)
        api = [
            ("GET", "/users/@me", self._get_me),
            ("POST", "/users/@me/channels", self._create_dm),
            ("GET", "/users/{user_id}", self._get_user),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/@me", self._get_application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("GET", "/applications/{application_id}/commands", self._list_commands),
            ("PUT", "/applications/{application_id}/commands", self._overwrite_commands),
            ("POST", "/applications/{application_id}/commands", self._upsert_command),
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._list_commands,
            ),
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._overwrite_commands,
            ),
            (
                "POST",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._upsert_command,
            ),
            ("GET", "/channels/{channel_id}", self._get_channel),
            ("GET", "/channels/{channel_id}/messages", self._list_messages),
            ("POST", "/channels/{channel_id}/messages", self._create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message),
            (
                "PUT",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._add_reaction,
            ),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._remove_reaction,
            ),
            ("POST", "/channels/{channel_id}/typing", self._typing),
            ("GET", "/guilds/{guild_id}", self._get_guild),
            ("GET", "/guilds/{guild_id}/channels", self._get_guild_channels),
            ("GET", "/guilds/{guild_id}/threads/active", self._get_active_threads),
            ("GET", "/guilds/{guild_id}/roles", self._get_roles),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._interaction_callback),
            ("POST", "/webhooks/{application_id}/{token}", self._create_followup),
            (
                "GET",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._get_webhook_message,
            ),
            (
                "PATCH",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._edit_webhook_message,
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._delete_webhook_message,
            ),
        ]
        for method, path, handler in api:
            app.router.add_route(method, API_PREFIX + path, handler)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._unknown_route)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        path = request.path[len(API_PREFIX) :]
        body, files = await parse_body(request)
        authorization = request.headers.get("Authorization")
        headers = {
            key: ("Bot ***" if key.lower() == "authorization" else value)
            for key, value in request.headers.items()
        }
        record = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=body,
            files=files,
            headers=headers,
            authorized=authorization == f"Bot {self._fake.token}",
        )
        self._fake.requests.append(record)
        request[RECORD] = record
        response = self._reject_unauthorized(record, authorization) or self._fake.faults.take(
            request.method, path
        )
        if response is None:
            response = await self._call(handler, request)
        record.status = response.status
        if (
            isinstance(response, web.Response)
            and response.content_type == "application/json"
            and response.text
        ):
            record.response = json.loads(response.text)
        self._fake.feed.notify()
        return response

    async def _call(self, handler: Handler, request: web.Request) -> web.StreamResponse:
        """Run a route handler, turning errors into JSON error responses.

        A bug in the fake itself answers 400 (not 500, which discord.py would
        retry for seconds) and is kept in ``fake.server_errors``.
        """
        try:
            return await handler(request)
        except ApiError as error:
            return json_response(error.body(), error.status)
        except Exception as error:
            self._fake.server_errors.append(error)
            return json_response(
                {"message": f"fakediscord internal error: {error!r}", "code": 0}, 400
            )

    def _reject_unauthorized(
        self, record: RecordedRequest, authorization: str | None
    ) -> web.Response | None:
        token_route = record.path.startswith(_TOKEN_ROUTES)
        if record.authorized or (authorization is None and token_route):
            return None
        return json_response({"message": "401: Unauthorized", "code": 0}, 401)

    async def _unknown_route(self, request: web.Request) -> web.Response:
        self._fake.unknown_requests.append(request[RECORD])
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    async def _attachment(self, request: web.Request) -> web.Response:
        attachment = self._fake.store.attachments.get(int(request.match_info["attachment_id"]))
        if attachment is None:
            raise web.HTTPNotFound()
        return web.Response(
            body=attachment.data, content_type=attachment.content_type or "application/octet-stream"
        )

    async def _get_me(self, request: web.Request) -> web.Response:
        return json_response(
            {**user_payload(self._fake.bot_user), "verified": True, "mfa_enabled": False}
        )

    async def _get_user(self, request: web.Request) -> web.Response:
        user = self._fake.store.users.get(_int(request, "user_id"))
        if user is None:
            raise ApiError.not_found("User", 10013)
        return json_response(user_payload(user))

    async def _create_dm(self, request: web.Request) -> web.Response:
        body = _json(request)
        user = self._fake.store.users.get(int(body.get("recipient_id", 0)))
        if user is None:
            raise ApiError.not_found("User", 10013)
        return json_response(channel_payload(self._fake.store.dm_channel(user)))

    async def _get_application(self, request: web.Request) -> web.Response:
        fake = self._fake
        return json_response(
            application_payload(fake.application_id, fake.bot_user, fake.application_owner)
        )

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self._fake.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return json_response(
            {
                "url": self._fake.gateway_url,
                "shards": self._fake.shards,
                "session_start_limit": limit,
            }
        )

    async def _list_commands(self, request: web.Request) -> web.Response:
        return json_response(self._fake.commands.list(self._command_scope(request)))

    async def _overwrite_commands(self, request: web.Request) -> web.Response:
        return json_response(
            self._fake.commands.overwrite(self._command_scope(request), _json(request) or [])
        )

    async def _upsert_command(self, request: web.Request) -> web.Response:
        return json_response(
            self._fake.commands.upsert(self._command_scope(request), _json(request)), 201
        )

    def _command_scope(self, request: web.Request) -> int | None:
        if _int(request, "application_id") != self._fake.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" not in request.match_info:
            return None
        return self._guild(request).id

    async def _get_channel(self, request: web.Request) -> web.Response:
        return json_response(
            channel_payload(self._channel(request), viewer_id=self._fake.bot_user.id)
        )

    async def _list_messages(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._require(channel, VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        messages = [m for m in channel.messages if not m.deleted and not m.ephemeral]
        before, after = request.query.get("before"), request.query.get("after")
        if before:
            messages = [m for m in messages if m.id < int(before)]
        if after:
            messages = [m for m in messages if m.id > int(after)]
        limit = min(int(request.query.get("limit", 50)), 100)
        newest_first = list(reversed(messages))
        selected = newest_first[-limit:] if after else newest_first[:limit]
        return json_response([m.raw for m in selected])

    async def _create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body, files = _json(request) or {}, _files(request)
        self._require(
            channel, VIEW_CHANNEL | send_permission(channel) | (ATTACH_FILES if files else 0)
        )
        validate_message(body, file_count=len(files), creating=True)
        message = self._fake.message_service.create(channel, self._fake.bot_user, body, files)
        return json_response(message.raw)

    async def _get_message(self, request: web.Request) -> web.Response:
        return json_response(self._message(request).raw)

    async def _edit_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        if message.author_id != self._fake.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        body, files = _json(request) or {}, _files(request)
        validate_message(body, file_count=len(files), creating=False)
        return json_response(self._fake.message_service.edit(message, body, files).raw)

    async def _delete_message(self, request: web.Request) -> web.Response:
        message = self._message(request)
        if message.author_id != self._fake.bot_user.id:
            self._require(self._fake.store.channels[message.channel_id], MANAGE_MESSAGES)
        self._fake.message_service.delete(message)
        return web.Response(status=204)

    async def _add_reaction(self, request: web.Request) -> web.Response:
        message = self._message(request)
        self._require(
            self._fake.store.channels[message.channel_id], ADD_REACTIONS | READ_MESSAGE_HISTORY
        )
        self._fake.message_service.react(
            message, self._fake.bot_user, request.match_info["emoji"], add=True
        )
        return web.Response(status=204)

    async def _remove_reaction(self, request: web.Request) -> web.Response:
        message = self._message(request)
        self._fake.message_service.react(
            message, self._fake.bot_user, request.match_info["emoji"], add=False
        )
        return web.Response(status=204)

    async def _typing(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._require(channel, VIEW_CHANNEL | send_permission(channel))
        channel.typing_count += 1
        return web.Response(status=204)

    async def _get_guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return json_response(
            {**guild_payload(guild), "approximate_member_count": len(guild.members)}
        )

    async def _get_guild_channels(self, request: web.Request) -> web.Response:
        return json_response(
            [channel_payload(channel) for channel in self._guild(request).channels.values()]
        )

    async def _get_active_threads(self, request: web.Request) -> web.Response:
        threads = self._guild(request).threads.values()
        bot_id = self._fake.bot_user.id
        return json_response(
            {
                "threads": [channel_payload(thread) for thread in threads],
                "members": [
                    thread_member_payload(thread, bot_id)
                    for thread in threads
                    if bot_id in thread.members
                ],
            }
        )

    async def _get_roles(self, request: web.Request) -> web.Response:
        return json_response([role_payload(role) for role in self._guild(request).roles.values()])

    async def _get_member(self, request: web.Request) -> web.Response:
        member = self._guild(request).members.get(_int(request, "user_id"))
        if member is None:
            raise ApiError.not_found("Member", 10007)
        return json_response(member_payload(member))

    async def _interaction_callback(self, request: web.Request) -> web.Response:
        response = self._fake.interactions.handle_callback(
            _int(request, "interaction_id"),
            request.match_info["token"],
            _json(request) or {},
            _files(request),
        )
        return json_response(response)

    async def _create_followup(self, request: web.Request) -> web.Response:
        message = self._fake.interactions.create_followup(
            _int(request, "application_id"),
            request.match_info["token"],
            _json(request) or {},
            _files(request),
        )
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(message.raw)
        return web.Response(status=204)

    async def _get_webhook_message(self, request: web.Request) -> web.Response:
        application_id, token, message_id = _webhook_target(request)
        return json_response(
            self._fake.interactions.get_message(application_id, token, message_id).raw
        )

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        application_id, token, message_id = _webhook_target(request)
        message = self._fake.interactions.edit_message(
            application_id, token, message_id, _json(request) or {}, _files(request)
        )
        return json_response(message.raw)

    async def _delete_webhook_message(self, request: web.Request) -> web.Response:
        self._fake.interactions.delete_message(*_webhook_target(request))
        return web.Response(status=204)

    def _channel(self, request: web.Request) -> ChannelRecord:
        channel = self._fake.store.channels.get(_int(request, "channel_id"))
        if channel is None:
            raise ApiError.not_found("Channel", 10003)
        return channel

    def _guild(self, request: web.Request) -> GuildRecord:
        guild = self._fake.store.guilds.get(_int(request, "guild_id"))
        if guild is None:
            raise ApiError.not_found("Guild", 10004)
        return guild

    def _message(self, request: web.Request) -> FakeMessage:
        channel = self._channel(request)
        message = self._fake.store.messages.get(_int(request, "message_id"))
        if (
            message is None
            or message.deleted
            or message.channel_id != channel.id
            or message.ephemeral
        ):
            raise ApiError.not_found("Message", 10008)
        return message

    def _require(self, channel: ChannelRecord, permissions: int) -> None:
        """Raise 403 Missing Permissions unless the bot has ``permissions`` in ``channel``."""
        guild = self._fake.store.guild_of(channel)
        if guild is None:
            return
        bot_member = guild.members[self._fake.bot_user.id]
        if member_permissions(guild, bot_member) & permissions != permissions:
            raise ApiError.missing_permissions()


def _json(request: web.Request) -> Any:
    return request[RECORD].json


def _files(request: web.Request) -> list[UploadedFile]:
    return request[RECORD].files


def _int(request: web.Request, key: str) -> int:
    try:
        return int(request.match_info[key])
    except ValueError:
        raise ApiError(400, 50035, f"Invalid Form Body: {key} is not snowflake") from None


def _webhook_target(request: web.Request) -> tuple[int, str, str]:
    return (
        _int(request, "application_id"),
        request.match_info["token"],
        request.match_info["message_id"],
    )
