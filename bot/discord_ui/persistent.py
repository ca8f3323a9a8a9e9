"""Persistent buttons and menus: everything a click needs is in the item's custom id.

Each kind is a :class:`Persistent` subclass naming its custom id as a template, such as
``"mb:vote:{helpful}:{entry}"`` with a pattern for each field, and what a click does
(:meth:`Persistent.handle`). discord.py rebuilds the clicked item from its id
(``DynamicItem``), so the buttons of any message the bot posted keep working after a restart,
as long as the module owning the kind registers it (``bot.add_dynamic_items``) at setup.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any, ClassVar, Self, cast

import discord

from bot.discord_ui.interactions import apologise

ENTRY_ID = r"[a-z0-9-]{1,64}"
MEMBER_ID = r"[0-9]{1,25}"
SHORT_ID = r"[0-9]{1,20}"
"""A member or stored question's id where a custom id (100 characters) holds a 64-character id
beside it."""
FLAG = r"[01]"
BUTTON_LABEL_LIMIT = 80
SELECT_OPTION_LIMIT = 25

Item = discord.ui.Button[Any] | discord.ui.Select[Any]


def _id_pattern(template: str, fields: Mapping[str, str]) -> str:
    """The regular expression of the custom ids ``template`` makes from ``fields``' patterns."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(f"(?P<{name}>{fields[name]})")
    return "".join(parts)


class Persistent(discord.ui.DynamicItem[Item], template=r"(?!)"):  # matches no custom id
    """A kind of button or menu whose custom id holds what its click needs.

    A subclass is declared with ``custom_id="mb:kind:{field}"`` and a pattern for each field
    (``field=ENTRY_ID``), and says what a click does in :meth:`handle`, reading
    :attr:`fields`. Any error there is logged, and the clicker gets a short apology.
    """

    id_template: ClassVar[str]

    def __init_subclass__(cls, *, custom_id: str, **fields: str) -> None:
        """Declare the kind's custom id template and the pattern of each of its fields."""
        super().__init_subclass__(template=_id_pattern(custom_id, fields))
        cls.id_template = custom_id

    def __init__(self, item: Item, fields: Mapping[str, str]) -> None:
        """``item`` as this kind, carrying ``fields``."""
        super().__init__(item)
        self.fields = dict(fields)
        """The custom id's fields, as text: what the click is about."""

    @classmethod
    def made(cls, item: Item, **fields: object) -> Self:
        """``item`` (a button or menu to draw) given this kind's custom id for ``fields``."""
        values = {name: str(value) for name, value in fields.items()}
        item.custom_id = cls.id_template.format(**values)
        return cls(item, values)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """The clicked item, with the fields its custom id holds."""
        return cls(cast("Item", item), match.groupdict())  # only these carry a custom id

    async def callback(self, interaction: discord.Interaction) -> None:
        """Do what the click does; an unexpected error becomes a logged apology."""
        try:
            await self.handle(interaction)
        except Exception as error:
            await apologise(interaction, error)

    async def handle(self, interaction: discord.Interaction) -> None:
        """What a click does."""
        raise NotImplementedError
