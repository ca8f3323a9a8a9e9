"""Permission arithmetic and Discord's application command visibility rules."""

from __future__ import annotations

from typing import Any

from .errors import CommandNotVisible
from .state import ChannelRecord, GuildRecord, MemberRecord, ThreadRecord

CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38

ALL_PERMISSIONS = (1 << 53) - 1

DEFAULT_EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)

CONTEXT_GUILD = 0
CONTEXT_BOT_DM = 1


def send_permission(channel: ChannelRecord) -> int:
    """The permission posting in ``channel`` takes: in a thread, SEND_MESSAGES has no effect."""
    return SEND_MESSAGES_IN_THREADS if isinstance(channel, ThreadRecord) else SEND_MESSAGES


def member_permissions(guild: GuildRecord, member: MemberRecord) -> int:
    """Compute a member's guild permissions (@everyone + roles; owner/admin get all)."""
    if member.user.id == guild.owner_id:
        return ALL_PERMISSIONS
    value = guild.everyone.permissions
    for role_id in member.role_ids:
        role = guild.roles.get(role_id)
        if role is not None:
            value |= role.permissions
    return ALL_PERMISSIONS if value & ADMINISTRATOR else value


def _override_decision(
    guild: GuildRecord, name: str, member: MemberRecord, channel: ChannelRecord
) -> bool | None:
    """Apply per-command overrides: channel deny, then user, then roles, then @everyone."""
    overrides = guild.command_overrides.get(name)
    if not overrides:
        return None
    if overrides.get(channel.id) is False:
        return False
    if member.user.id in overrides:
        return overrides[member.user.id]
    role_decisions = [overrides[role_id] for role_id in member.role_ids if role_id in overrides]
    if role_decisions:
        return any(role_decisions)
    return overrides.get(guild.id)


def ensure_command_usable(
    command: dict[str, Any],
    guild: GuildRecord | None,
    member: MemberRecord | None,
    channel: ChannelRecord,
) -> None:
    """Raise :class:`CommandNotVisible` if Discord would hide ``command`` from this user here.

    Mirrors Discord's rules: ``contexts``/``dm_permission`` for DMs, guild
    commands only in their guild, and ``default_member_permissions`` unless a
    per-command override (user, role, @everyone, channel) decides otherwise.
    Administrators and the guild owner see everything.
    """
    name = command["name"]
    contexts = command.get("contexts")
    if guild is None or member is None:
        if command.get("guild_id") is not None:
            raise CommandNotVisible(f"/{name} is a guild command; it is not available in DMs")
        if contexts is not None and CONTEXT_BOT_DM not in contexts:
            raise CommandNotVisible(f"/{name} is not allowed in DMs (contexts={contexts})")
        if contexts is None and command.get("dm_permission") is False:
            raise CommandNotVisible(f"/{name} has dm_permission=false")
        return
    if contexts is not None and CONTEXT_GUILD not in contexts:
        raise CommandNotVisible(f"/{name} is not allowed in guilds (contexts={contexts})")
    permissions = member_permissions(guild, member)
    if permissions & ADMINISTRATOR:
        return
    decision = _override_decision(guild, name, member, channel)
    who = f"{member.user.username} in {guild.name!r}"
    if decision is not None:
        if not decision:
            raise CommandNotVisible(
                f"/{name} is disabled for {who} by a command permission override"
            )
        return
    required = command.get("default_member_permissions")
    if required is None:
        return
    required_bits = int(required)
    if required_bits == 0 or permissions & required_bits != required_bits:
        raise CommandNotVisible(
            f"/{name} needs default_member_permissions={required_bits} but {who} has {permissions}"
            " (grant a role, or use Guild.set_command_permission to add an override)"
        )
