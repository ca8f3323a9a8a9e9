"""Builders for the JSON objects Discord sends (users, guilds, channels, members...)."""

from __future__ import annotations

from typing import Any

from .permissions import member_permissions
from .state import (
    CHANNEL_DM,
    CHANNEL_FORUM,
    DEFAULT_AUTO_ARCHIVE_MINUTES,
    ChannelRecord,
    GuildRecord,
    MemberRecord,
    Role,
    ThreadRecord,
    User,
)

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


def user_payload(user: User) -> dict[str, Any]:
    """The user object."""
    return {
        "id": str(user.id),
        "username": user.username,
        "discriminator": "0",
        "global_name": user.global_name,
        "avatar": None,
        "bot": user.bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
    }


def role_payload(role: Role) -> dict[str, Any]:
    """The role object."""
    return {
        "id": str(role.id),
        "name": role.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.managed,
        "mentionable": role.mentionable,
        "flags": 0,
    }


def channel_payload(channel: ChannelRecord, *, viewer_id: int | None = None) -> dict[str, Any]:
    """The channel object: a DM, a guild text or forum channel, or a thread.

    For a thread, ``viewer_id`` adds that user's thread member object (``member``)
    if they joined it, as Discord does for the current user in ``GET /channels/{id}``
    and in GUILD_CREATE's ``threads``.
    """
    if channel.type == CHANNEL_DM:
        return {
            "id": str(channel.id),
            "type": CHANNEL_DM,
            "last_message_id": _optional_id(channel.last_message_id),
            "recipients": [user_payload(user) for user in channel.recipients],
            "flags": 0,
        }
    if isinstance(channel, ThreadRecord):
        return _thread_payload(channel, viewer_id)
    payload: dict[str, Any] = {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(channel.guild_id),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": [],
        "topic": channel.topic,
        "nsfw": False,
        "parent_id": None,
        "rate_limit_per_user": 0,
        "last_message_id": _optional_id(channel.last_message_id),
        "flags": 0,
    }
    if channel.type == CHANNEL_FORUM:
        payload.update(
            {
                "available_tags": [],
                "default_reaction_emoji": None,
                "default_thread_rate_limit_per_user": 0,
                "default_auto_archive_duration": DEFAULT_AUTO_ARCHIVE_MINUTES,
                "default_sort_order": None,
                "default_forum_layout": 0,
            }
        )
    return payload


def thread_member_payload(thread: ThreadRecord, user_id: int) -> dict[str, Any]:
    """The thread member object of ``user_id`` (who must have joined ``thread``)."""
    return {
        "id": str(thread.id),
        "user_id": str(user_id),
        "join_timestamp": thread.members[user_id],
        "flags": 0,
    }


def _thread_payload(thread: ThreadRecord, viewer_id: int | None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(thread.id),
        "type": thread.type,
        "guild_id": str(thread.guild_id),
        "parent_id": str(thread.parent_id),
        "owner_id": str(thread.owner_id),
        "name": thread.name,
        "last_message_id": _optional_id(thread.last_message_id),
        "rate_limit_per_user": 0,
        "flags": 0,
        "applied_tags": [],
        "message_count": thread.message_count,
        "total_message_sent": thread.total_message_sent,
        "member_count": thread.member_count,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": thread.auto_archive_duration,
            "archive_timestamp": thread.created_at,
            "locked": False,
            "create_timestamp": thread.created_at,
        },
    }
    if viewer_id is not None and viewer_id in thread.members:
        payload["member"] = thread_member_payload(thread, viewer_id)
    return payload


def member_payload(
    member: MemberRecord,
    *,
    with_user: bool = True,
    guild: GuildRecord | None = None,
) -> dict[str, Any]:
    """The guild member object; pass ``guild`` to include the computed ``permissions``."""
    payload: dict[str, Any] = {
        "roles": [str(role_id) for role_id in member.role_ids],
        "joined_at": member.joined_at,
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        payload["user"] = user_payload(member.user)
    if guild is not None:
        payload["permissions"] = str(member_permissions(guild, member))
    return payload


def guild_payload(guild: GuildRecord) -> dict[str, Any]:
    """The guild object as returned by ``GET /guilds/{id}`` (no channels/members)."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role_payload(role) for role in guild.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-US",
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "application_id": None,
        "widget_enabled": False,
    }


def guild_create_payload(guild: GuildRecord, viewer_id: int) -> dict[str, Any]:
    """The GUILD_CREATE event data: the guild with channels, active threads, members, counts.

    ``viewer_id`` is the bot's user id: threads it joined carry its thread member.
    """
    channels = []
    for channel in guild.channels.values():
        data = channel_payload(channel)
        data.pop("guild_id")
        channels.append(data)
    return {
        **guild_payload(guild),
        "unavailable": False,
        "large": False,
        "joined_at": guild.joined_at,
        "member_count": len(guild.members),
        "channels": channels,
        "members": [member_payload(member) for member in guild.members.values()],
        "threads": [
            channel_payload(thread, viewer_id=viewer_id) for thread in guild.threads.values()
        ],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def ready_payload(
    *,
    bot: User,
    application_id: int,
    guild_ids: list[int],
    session_id: str,
    resume_gateway_url: str,
    shard: list[int] | None,
) -> dict[str, Any]:
    """The READY event data."""
    payload: dict[str, Any] = {
        "v": 10,
        "user": {**user_payload(bot), "verified": True, "mfa_enabled": False, "email": None},
        "guilds": [{"id": str(guild_id), "unavailable": True} for guild_id in guild_ids],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_gateway_url,
        "application": {"id": str(application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
        "_trace": ["fakediscord"],
    }
    if shard is not None:
        payload["shard"] = shard
    return payload


def application_payload(application_id: int, bot: User, owner: User) -> dict[str, Any]:
    """The application object returned by ``GET /oauth2/applications/@me``."""
    return {
        "id": str(application_id),
        "name": bot.username,
        "icon": None,
        "description": "",
        "summary": "",
        "bot_public": False,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": user_payload(owner),
        "team": None,
        "flags": 0,
        "bot": user_payload(bot),
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "tags": [],
        "integration_types_config": {"0": {}},
    }


def _optional_id(value: int | None) -> str | None:
    return str(value) if value is not None else None
