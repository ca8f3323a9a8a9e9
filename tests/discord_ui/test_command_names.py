"""No two of the bot's application commands share a name where Discord needs them apart.

Discord refuses a whole sync where two commands of one kind (slash, user or message command)
share a name, or two subcommands, subcommand groups or options of one command do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from tests.discord_ui.conftest import World

SYNCED = r"/applications/\d+/guilds/\d+/commands"
"""The guild's commands, as the bot registers them with Discord in one sync."""


def sibling_names(payload: list[dict], path: str = "") -> Iterator[tuple[str, list[str]]]:
    """Each list of siblings in ``payload``, at every depth: where it is, and its names.

    Top-level commands are told apart by kind as well as name; subcommands, subcommand groups
    and options by name alone.
    """
    if path:
        yield path, [item["name"] for item in payload]
    else:
        yield "/", [f"{item['name']} (type {item.get('type', 1)})" for item in payload]
    for item in payload:
        yield from sibling_names(item.get("options", []), f"{path}/{item['name']}")


def synced_commands(world: World) -> list[dict]:
    """The commands in the bot's last sync to the fake's guild."""
    [synced] = world.fake.requests_to("PUT", SYNCED)[-1:]
    return synced.json


async def test_no_two_commands_subcommands_or_options_share_a_name(world: World) -> None:
    """Slash and context-menu commands, and every group's subcommands, each have their own name."""
    for path, names in sibling_names(synced_commands(world)):
        shared = [name for name, count in Counter(names).items() if count > 1]
        assert not shared, f"{path}: {shared}"


async def test_the_walk_reaches_every_kind_of_command_and_each_group_s_subcommands(
    world: World,
) -> None:
    """Slash commands, the message command and the subcommands of /kb and /setup are all read."""
    walked = dict(sibling_names(synced_commands(world)))
    assert {"ask (type 1)", "routine (type 1)", "Answer with the bot (type 3)"} <= set(walked["/"])
    assert {"reload", "teach", "edit", "revert"} <= set(walked["/kb"])
    assert {"show", "channels", "reset"} <= set(walked["/setup"])
