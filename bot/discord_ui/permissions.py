"""Who counts as a moderator: Manage Server, or the moderator role of the settings.

The role is configured by id (``MODERATOR_ROLE_ID``): anyone with Manage Roles can create a
role *named* "Moderator". The name (``MODERATOR_ROLE``) is only a fallback when no id is set.
Helpers (``HELPER_ROLE_ID``, by id only) may have the bot answer a member's message too.
"""

from __future__ import annotations

import discord

from bot.config import Settings


def is_moderator(interaction: discord.Interaction, settings: Settings) -> bool:
    """True in a server for members with Manage Server or the configured moderator role.

    Checked at run time on every moderator action: ``default_member_permissions`` only hides
    commands, and server admins can override it. In DMs nobody is a moderator.
    """
    user = interaction.user
    if interaction.guild is None or not isinstance(user, discord.Member):
        return False
    if interaction.permissions.manage_guild:
        return True
    if settings.moderator_role_id is not None:
        return any(role.id == settings.moderator_role_id for role in user.roles)
    return any(role.name == settings.moderator_role for role in user.roles)


def may_answer_for_others(interaction: discord.Interaction, settings: Settings) -> bool:
    """True for moderators, and in a server for members with the helper role of the settings."""
    if is_moderator(interaction, settings):
        return True
    user = interaction.user
    helpers = settings.helper_role_id
    if helpers is None or not isinstance(user, discord.Member):
        return False
    return any(role.id == helpers for role in user.roles)


def role_name_warning(guild: discord.Guild, settings: Settings) -> str | None:
    """Why moderators chosen by role name are a risk in ``guild``, if they are."""
    if settings.moderator_role_id is not None:
        return None
    named = [role for role in guild.roles if role.name == settings.moderator_role]
    if len(named) > 1:
        return (
            f"{len(named)} roles in {guild.name!r} are named {settings.moderator_role!r}: "
            "members with any of them count as moderators. Set MODERATOR_ROLE_ID to the one."
        )
    if named:
        return (
            f"moderators in {guild.name!r} are chosen by the role name "
            f"{settings.moderator_role!r}; anyone who can create roles can make one. Set "
            f"MODERATOR_ROLE_ID={named[0].id} to choose it by id."
        )
    return None
