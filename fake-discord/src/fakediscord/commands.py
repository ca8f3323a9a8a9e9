"""Registered application commands and building the ``data`` of a command invocation."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .errors import InvalidInvocation
from .state import SnowflakeFactory
from .validation import validate_commands

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
ROLE = 8
MENTIONABLE = 9
NUMBER = 10
ATTACHMENT = 11

ENTITY_TYPES = (USER, CHANNEL, ROLE, MENTIONABLE, ATTACHMENT)

EntityEncoder = Callable[[dict[str, Any], Any, dict[str, dict[str, Any]]], str]
"""Encodes an entity option value: ``(option definition, value, resolved) -> snowflake``.

It must add the entity to ``resolved`` (e.g. ``resolved["users"][id]``)."""


class CommandRegistry:
    """Application commands as the bot registered them (global and per guild).

    Ids are stable per (scope, name, type) across re-syncs, as on Discord.
    """

    def __init__(self, ids: SnowflakeFactory, application_id: int) -> None:
        self._ids = ids
        self._application_id = application_id
        self._commands: dict[int | None, list[dict[str, Any]]] = {}
        self._stable_ids: dict[tuple[int | None, str, int], int] = {}

    def overwrite(
        self, guild_id: int | None, commands: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Replace the command list of a scope (``PUT``); returns the stored commands.

        Raises:
            ApiError: 400 for definitions Discord would reject.

        """
        validate_commands(commands)
        stored = [self._store(guild_id, command) for command in commands]
        self._commands[guild_id] = stored
        return stored

    def upsert(self, guild_id: int | None, command: dict[str, Any]) -> dict[str, Any]:
        """Create or replace one command (``POST``)."""
        validate_commands([command])
        stored = self._store(guild_id, command)
        scope = [c for c in self._commands.get(guild_id, []) if c["id"] != stored["id"]]
        self._commands[guild_id] = [*scope, stored]
        return stored

    def list(self, guild_id: int | None) -> list[dict[str, Any]]:
        """Commands of a scope (``None``: global)."""
        return list(self._commands.get(guild_id, []))

    def find(self, name: str, guild_id: int | None, *, kind: int = 1) -> dict[str, Any] | None:
        """The command ``name`` of type ``kind`` (1: chat input) a user in ``guild_id`` gets.

        Guild commands come first.
        """
        scopes = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for command in self._commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == kind:
                    return command
        return None

    def names(self, guild_id: int | None, *, kind: int = 1) -> list[str]:
        """Names of the commands of type ``kind`` visible in ``guild_id`` (for error messages)."""
        scopes = [guild_id, None] if guild_id is not None else [None]
        return sorted(
            {
                c["name"]
                for scope in scopes
                for c in self._commands.get(scope, [])
                if c.get("type", 1) == kind
            }
        )

    def _store(self, guild_id: int | None, command: dict[str, Any]) -> dict[str, Any]:
        kind = command.get("type", 1)
        key = (guild_id, command["name"], kind)
        command_id = self._stable_ids.setdefault(key, self._ids.next())
        stored: dict[str, Any] = {
            "type": kind,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            **command,
            "id": str(command_id),
            "application_id": str(self._application_id),
            "version": str(self._ids.next()),
        }
        if guild_id is not None:
            stored["guild_id"] = str(guild_id)
        else:
            stored.setdefault("dm_permission", True)
        return stored


def build_command_data(
    command: dict[str, Any],
    path: Sequence[str],
    values: Mapping[str, Any],
    *,
    focused: str | None,
    encode_entity: EntityEncoder,
) -> dict[str, Any]:
    """Build the interaction ``data`` for invoking ``command``.

    Args:
        command: The registered command.
        path: ``(name,)``, ``(name, subcommand)`` or ``(name, group, subcommand)``.
        values: Option values by name (Python values; entities are encoded by ``encode_entity``).
        focused: For autocomplete, the name of the option being typed.
        encode_entity: See :data:`EntityEncoder`.

    Raises:
        InvalidInvocation: Unknown subcommand/option, missing required option,
            wrong type, value outside choices or bounds.

    """
    resolved: dict[str, dict[str, Any]] = {}
    definitions: list[dict[str, Any]] = command.get("options") or []
    chain: list[dict[str, Any]] = []
    for name in path[1:]:
        option = next(
            (
                o
                for o in definitions
                if o["name"] == name and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ),
            None,
        )
        if option is None:
            raise InvalidInvocation(
                f"/{' '.join(path)}: {name!r} is not a subcommand; "
                f"choose from {_subcommands(definitions)}"
            )
        chain.append(option)
        definitions = option.get("options") or []
    if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in definitions):
        raise InvalidInvocation(
            f"/{' '.join(path)} needs a subcommand: {_subcommands(definitions)}"
        )
    options = _encode_options(
        definitions, values, focused, resolved, encode_entity, "/" + " ".join(path)
    )
    for option in reversed(chain):
        options = [{"name": option["name"], "type": option["type"], "options": options}]
    data: dict[str, Any] = {
        "id": command["id"],
        "name": command["name"],
        "type": command.get("type", 1),
        "options": options,
    }
    if command.get("guild_id") is not None:
        data["guild_id"] = command["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data


def _subcommands(definitions: list[dict[str, Any]]) -> list[str]:
    return [o["name"] for o in definitions if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]


def _encode_options(
    definitions: list[dict[str, Any]],
    values: Mapping[str, Any],
    focused: str | None,
    resolved: dict[str, dict[str, Any]],
    encode_entity: EntityEncoder,
    where: str,
) -> list[dict[str, Any]]:
    known = {definition["name"] for definition in definitions}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InvalidInvocation(f"{where} has no options {unknown}; it has {sorted(known)}")
    options = []
    for definition in definitions:
        name = definition["name"]
        if name not in values:
            if definition.get("required") and focused is None:
                raise InvalidInvocation(f"{where}: required option {name!r} is missing")
            continue
        value = values[name]
        if name == focused:
            if not definition.get("autocomplete"):
                raise InvalidInvocation(f"{where}: option {name!r} has no autocomplete")
            options.append(
                {"name": name, "type": definition["type"], "value": str(value), "focused": True}
            )
            continue
        encoded = _encode_value(definition, value, resolved, encode_entity, where)
        options.append({"name": name, "type": definition["type"], "value": encoded})
    return options


def _encode_value(
    definition: dict[str, Any],
    value: Any,
    resolved: dict[str, dict[str, Any]],
    encode_entity: EntityEncoder,
    where: str,
) -> Any:
    kind = definition["type"]
    name = definition["name"]
    if kind in ENTITY_TYPES:
        return encode_entity(definition, value, resolved)
    expected: dict[int, tuple[type, ...]] = {
        STRING: (str,),
        INTEGER: (int,),
        NUMBER: (int, float),
        BOOLEAN: (bool,),
    }
    if not isinstance(value, expected[kind]) or (kind != BOOLEAN and isinstance(value, bool)):
        raise InvalidInvocation(
            f"{where}: option {name!r} expects option type {kind}, got {value!r}"
        )
    choices = definition.get("choices")
    if choices and value not in [choice["value"] for choice in choices]:
        raise InvalidInvocation(
            f"{where}: {value!r} is not a choice of {name!r}: {[c['value'] for c in choices]}"
        )
    if kind == STRING and not definition.get("min_length", 0) <= len(value) <= definition.get(
        "max_length", 6000
    ):
        raise InvalidInvocation(f"{where}: {name!r} length must be within min_length/max_length")
    if kind in (INTEGER, NUMBER):
        low, high = definition.get("min_value"), definition.get("max_value")
        if (low is not None and value < low) or (high is not None and value > high):
            raise InvalidInvocation(f"{where}: {name!r}={value} is outside [{low}, {high}]")
    return value
