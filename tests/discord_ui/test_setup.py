"""/setup end to end: Manage Server members change where the bot answers, at once."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
from fakediscord import CommandNotVisible, Member, handlers_settled

from bot.config import Settings
from bot.discord_ui.client import create_bot
from bot.engine import Engine
from bot.store import Store
from tests.discord_ui.conftest import World

QUESTION = "foam roller on my it band, yes or no?"
"""Answered with a score in the high 90s: above the default passive bar, below a bar of 100.
(A plainer "should I foam roll my IT band?" scores 99.5 and shows as 100, which a bar of 100
lets through: the bar is compared with the score a reply shows.)"""


def admin(world: World) -> Member:
    """A member whose role grants Manage Server."""
    managers = world.guild.add_role("Admins", discord.Permissions(manage_guild=True).value)
    return world.guild.add_member("admin", roles=[managers])


async def test_answer_channels_set_with_the_select_apply_without_a_restart(world: World) -> None:
    """Picking #general makes it a help channel at once; #help stops being one."""
    manager = admin(world)
    await world.fake.sync_with_bot()
    await world.alice.says(world.general, QUESTION)
    await world.general.assert_no_bot_message(within=0.3)
    offered = await manager.slash("setup", "channels", channel=world.general)
    assert offered.ephemeral
    assert f"<#{world.help.id}>" in offered.content
    picked = await manager.select(offered.message, [str(world.general.id)])
    assert f"ANSWER_CHANNELS**: <#{world.general.id}>, set by <@{manager.id}>" in picked.content
    await world.bob.says(world.general, QUESTION)
    answered = await world.general.next_bot_message()
    assert "foam" in answered.text.casefold()
    await world.alice.says(world.help, "is stretching the IT band any use?")
    await world.help.assert_no_bot_message(within=0.5)


async def test_show_lists_each_value_and_its_source(world: World) -> None:
    """Unchanged values come from .env; a changed one names who set it."""
    manager = admin(world)
    await world.fake.sync_with_bot()
    await manager.slash("setup", "passive-bar", channel=world.general, value=90.0)
    shown = await manager.slash("setup", "show", channel=world.general)
    assert shown.ephemeral
    lines = shown.content.splitlines()
    assert f"**ANSWER_CHANNELS**: <#{world.help.id}>, .env default" in lines
    assert f"**FORUM_CHANNELS**: <#{world.forum.id}>, .env default" in lines
    assert "**MODERATOR_ROLE_ID**: (none), .env default" in lines
    [passive] = [line for line in lines if line.startswith("**PASSIVE_BAR**")]
    assert passive.startswith(f"**PASSIVE_BAR**: 90, set by <@{manager.id}> <t:")
    assert world.bot.settings_in(world.guild).passive_bar == 90.0


async def test_a_passive_bar_set_above_every_score_silences_help_channels(world: World) -> None:
    """The passive bar is read live: at 100 the same question goes unanswered; reset, answered."""
    manager = admin(world)
    await world.fake.sync_with_bot()
    await manager.slash("setup", "passive-bar", channel=world.general, value=100.0)
    await world.alice.says(world.help, QUESTION)
    await world.help.assert_no_bot_message(within=0.5)
    reset = await manager.slash("setup", "reset", channel=world.general, setting="PASSIVE_BAR")
    assert "Reset. **PASSIVE_BAR**: 75, .env default" in reset.content
    await world.bob.says(world.help, QUESTION)
    assert "foam" in (await world.help.next_bot_message()).text.casefold()


async def test_what_one_server_sets_leaves_another_server_alone(world: World) -> None:
    """A passive bar of 100 set in one server silences its help channel, not another's."""
    manager = admin(world)
    other = world.fake.add_guild("Another Club")
    other_help = other.add_text_channel("help")
    other_member = other.add_member("carol")
    world.bot.store.set_setup_value("ANSWER_CHANNELS", str(other_help.id), 0, other.id)
    await world.fake.sync_with_bot()
    await manager.slash("setup", "passive-bar", channel=world.general, value=100.0)
    assert world.bot.settings_in(other).passive_bar == world.settings.passive_bar
    await world.alice.says(world.help, QUESTION)
    await other_member.says(other_help, QUESTION)
    assert "foam" in (await other_help.next_bot_message()).text.casefold()
    await handlers_settled()
    await world.help.assert_no_bot_message(within=0.1)
    assert other_help.id not in world.bot.settings_in(world.guild).answer_channels


@pytest.mark.parametrize("bot_settings", [{"guild_id": None}])
async def test_another_server_neither_sees_nor_resets_nor_follows_one_server_s_setup(
    world: World,
) -> None:
    """Set in one server, a moderator role and passive bar are not another server's.

    Its /setup shows .env's, its reset changes nothing, and its members moderate by its own
    rules (the role name).
    """
    manager = admin(world)
    other = world.fake.add_guild("Another Club")
    other_general = other.add_text_channel("general")
    other_mod = other.add_member("dana", roles=[other.add_role("Moderator")])
    other_managers = other.add_role("Admins", discord.Permissions(manage_guild=True).value)
    other_manager = other.add_member("erin", roles=[other_managers])
    crew = world.guild.add_role("Crew")
    await world.fake.sync_with_bot()
    offered = await manager.slash("setup", "moderator-role", channel=world.general)
    await manager.select(offered.message, [str(crew.id)])
    await manager.slash("setup", "passive-bar", channel=world.general, value=90.0)
    shown = await other_manager.slash("setup", "show", channel=other_general)
    assert "**MODERATOR_ROLE_ID**: (none), .env default" in shown.content
    assert "**PASSIVE_BAR**: 75, .env default" in shown.content
    reset = await other_manager.slash(
        "setup", "reset", channel=other_general, setting="PASSIVE_BAR"
    )
    assert reset.content == "Not changed: PASSIVE_BAR was not set with /setup in this server"
    assert world.bot.settings_in(world.guild).passive_bar == 90.0
    for guild in (world.guild, other):
        guild.set_command_permission("kb", guild.everyone, allowed=True)
    status = await other_mod.slash("kb", "status", channel=other_general)
    assert "entries" in status.message.text
    refused = await world.mod.slash("kb", "status", channel=world.general)
    assert "for moderators" in refused.content


async def test_member_without_manage_server_is_refused(world: World) -> None:
    """Hidden from others; with the command opened to them, refused privately, nothing set."""
    with pytest.raises(CommandNotVisible):
        await world.mod.slash("setup", "show", channel=world.general)
    world.guild.set_command_permission("setup", world.guild.everyone, allowed=True)
    refused = await world.mod.slash("setup", "passive-bar", channel=world.general, value=90.0)
    assert refused.ephemeral
    assert refused.content == "Sorry, /setup is for members with Manage Server."
    offered = await world.alice.slash("setup", "channels", channel=world.general)
    assert offered.ephemeral
    assert offered.components == []
    assert world.bot.settings_in(world.guild).passive_bar == world.settings.passive_bar


async def test_a_bad_value_is_refused_with_a_line_and_changes_nothing(world: World) -> None:
    """A passive bar under the answer bar is refused as .env would refuse it."""
    manager = admin(world)
    await world.fake.sync_with_bot()
    refused = await manager.slash("setup", "passive-bar", channel=world.general, value=5.0)
    assert refused.content.startswith("Not changed: PASSIVE_BAR=5: must be at least ANSWER_BAR")
    assert world.bot.settings_in(world.guild).passive_bar == world.settings.passive_bar
    log_pick = await manager.slash("setup", "log-channel", channel=world.general)
    picked = await manager.select(log_pick.message, [str(world.general.id)])
    assert "Saved. **LOG_CHANNEL_ID**" in picked.content
    assert world.bot.settings_in(world.guild).log_channel_id == world.general.id


async def test_moderator_role_set_with_the_role_select_lets_its_members_moderate(
    world: World,
) -> None:
    """A role picked in /setup counts as the moderators' at once, by id."""
    manager = admin(world)
    helpers = world.guild.add_role("Helpers")
    await world.bob.add_role(helpers)
    await world.fake.sync_with_bot()
    world.guild.set_command_permission("kb", world.guild.everyone, allowed=True)
    before = await world.bob.slash("kb", "status", channel=world.general)
    assert "for moderators" in before.content
    offered = await manager.slash("setup", "moderator-role", channel=world.general)
    picked = await manager.select(offered.message, [str(helpers.id)])
    assert f"**MODERATOR_ROLE_ID**: <@&{helpers.id}>" in picked.content
    after = await world.bob.slash("kb", "status", channel=world.general)
    assert "entries" in after.message.text


async def test_everyone_can_t_be_made_the_moderator_role(world: World) -> None:
    """@everyone picked as the moderators' role would make every member a moderator: refused."""
    manager = admin(world)
    await world.fake.sync_with_bot()
    offered = await manager.slash("setup", "moderator-role", channel=world.general)
    picked = await manager.select(offered.message, [str(world.guild.everyone.id)])
    assert "Not changed" in picked.content
    shown = await manager.slash("setup", "show", channel=world.general)
    assert f"<@&{world.guild.everyone.id}>" not in shown.content


def test_channels_stored_before_the_start_ask_for_the_message_content_intent(
    tmp_path: Path, engine: Engine
) -> None:
    """Answer channels set with /setup, and none in .env: the bot starts able to read them."""
    settings = Settings(database_path=tmp_path / "bot.sqlite3", auto_reload=False)
    unset = create_bot(settings, engine)
    assert not unset.intents.message_content
    unset.store.close()
    store = Store(settings.database_path)
    store.set_setup_value("ANSWER_CHANNELS", "1234", member_id=7)
    store.close()
    bot = create_bot(settings, engine)
    assert bot.intents.message_content
    assert bot.settings.answer_channels == frozenset({1234})
    bot.store.close()
