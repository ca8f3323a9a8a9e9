"""The buttons under answers: votes, delete, "did you mean" choices, the routine guide, topics."""

from __future__ import annotations

from bot.discord_ui.client import MovementBot
from bot.discord_ui.components import DYNAMIC_ITEMS


async def setup(bot: MovementBot) -> None:
    """Register the persistent buttons and menus so clicks work even after a restart."""
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
