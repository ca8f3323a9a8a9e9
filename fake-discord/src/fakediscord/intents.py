"""Gateway intents: which events a session receives and what message data it sees."""

from __future__ import annotations

from typing import Any

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
DIRECT_MESSAGES = 1 << 12
DIRECT_MESSAGE_REACTIONS = 1 << 13
MESSAGE_CONTENT = 1 << 15

PRIVILEGED_INTENTS = {
    "members": GUILD_MEMBERS,
    "presences": GUILD_PRESENCES,
    "message_content": MESSAGE_CONTENT,
}

_GUILD_EVENTS = {
    "GUILD_CREATE",
    "GUILD_ROLE_CREATE",
    "CHANNEL_CREATE",
    "THREAD_CREATE",
    "THREAD_MEMBERS_UPDATE",
}
_MEMBER_EVENTS = {"GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE"}
_MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE"}
_REACTION_EVENTS = {"MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE"}
_CONTENT_FIELDS = {"content": "", "embeds": [], "attachments": [], "components": []}


def privileged_bits(names: tuple[str, ...] | list[str] | set[str]) -> int:
    """Translate privileged intent names (``"members"``...) into a bit mask."""
    value = 0
    for name in names:
        value |= PRIVILEGED_INTENTS[name]
    return value


def _required_intent(event: str, data: dict[str, Any]) -> int:
    in_guild = data.get("guild_id") is not None
    if event in _GUILD_EVENTS:
        return GUILDS
    if event in _MEMBER_EVENTS:
        return GUILD_MEMBERS
    if event in _MESSAGE_EVENTS:
        return GUILD_MESSAGES if in_guild else DIRECT_MESSAGES
    if event in _REACTION_EVENTS:
        return GUILD_MESSAGE_REACTIONS if in_guild else DIRECT_MESSAGE_REACTIONS
    return 0


def _needs_content_stripping(event: str, data: dict[str, Any], intents: int, bot_id: int) -> bool:
    if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or intents & MESSAGE_CONTENT:
        return False
    if data.get("guild_id") is None or int(data.get("author", {}).get("id", 0)) == bot_id:
        return False
    return not any(int(user["id"]) == bot_id for user in data.get("mentions", []))


def visible_payload(
    event: str, data: dict[str, Any], intents: int, bot_id: int
) -> dict[str, Any] | None:
    """Return the event data as a session with ``intents`` would get it, or ``None``.

    Events whose intent is missing are not delivered. Without the
    MESSAGE_CONTENT intent, guild messages that neither come from the bot nor
    mention it arrive with empty content, embeds, attachments and components.
    """
    required = _required_intent(event, data)
    if required and not intents & required:
        return None
    if event == "GUILD_CREATE" and not intents & GUILD_MEMBERS:
        data = {
            **data,
            "members": [m for m in data.get("members", []) if int(m["user"]["id"]) == bot_id],
        }
    if _needs_content_stripping(event, data, intents, bot_id):
        data = {**data, **_CONTENT_FIELDS}
        data.pop("poll", None)
    return data
