"""Who counts as a moderator: Manage Server, or the moderator role named in the settings."""

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
    return any(role.name == settings.moderator_role for role in user.roles)
