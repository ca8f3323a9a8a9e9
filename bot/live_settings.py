"""The settings in force: ``.env``'s, overridden by what moderators set with /setup.

Five settings can be changed while the bot runs (:data:`SETTABLE`): where it answers, who
moderates, where it logs and the passive bar. Their values are kept in the database as
``.env`` would write them and read with the settings' own parsers and checks, so a value
``.env`` would refuse is refused here too.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.config import Settings, SettingsError
from bot.store import SetupValue, Store

log = logging.getLogger(__name__)

SETTABLE = (
    "ANSWER_CHANNELS",
    "FORUM_CHANNELS",
    "MODERATOR_ROLE_ID",
    "LOG_CHANNEL_ID",
    "PASSIVE_BAR",
)
"""The settings moderators can change without a restart, by their ``.env`` names."""


def written(settings: Settings, name: str) -> str:
    """The value of setting ``name`` as ``.env`` would hold it (empty: not set)."""
    value = getattr(settings, name.lower())
    if value is None:
        return ""
    if isinstance(value, frozenset):
        return ",".join(str(part) for part in sorted(value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def with_value(settings: Settings, name: str, raw: str) -> Settings:
    """``settings`` with ``name`` read from ``raw`` as ``.env`` would read it.

    Raises :class:`SettingsError` with the problem said as the settings say it, for a value
    that can't be read or one that closes a band of the bars (``PASSIVE_BAR`` under
    ``ANSWER_BAR``).
    """
    return settings.updated({name: raw})


@dataclass(frozen=True)
class Overridden:
    """The settings in force, and why any stored value was passed over."""

    settings: Settings
    ignored: dict[str, str]
    """Setting name -> the problem with its last stored value passed over."""
    applied: dict[str, SetupValue]
    """Setting name -> the stored value in force (none: ``.env``'s applies)."""


def overridden(defaults: Settings, stored: Sequence[SetupValue]) -> Overridden:
    """``defaults`` with each stored value that still reads as a valid setting, in order.

    A value that no longer fits (``ANSWER_BAR`` raised in ``.env`` above a stored
    ``PASSIVE_BAR``) is passed over, with its problem, rather than stopping the bot: the
    value before it applies. One that fits makes up for an earlier one passed over.
    """
    settings, ignored, applied = defaults, {}, {}
    for value in stored:
        if value.name not in SETTABLE:
            ignored[value.name] = "not a setting /setup can change"
            continue
        try:
            settings = with_value(settings, value.name, value.value)
        except SettingsError as error:
            ignored[value.name] = "; ".join(error.problems)
        else:
            applied[value.name] = value
            ignored.pop(value.name, None)
    return Overridden(settings, ignored, applied)


class LiveSettings:
    """The settings in force in each server, read afresh from the database: changes apply at once.

    ``.env``'s values, then those set for every server (at the shell), then the server's own
    (with /setup in it). A change made by another process on the same database (``python -m
    bot setup``) applies from the next read too.
    """

    def __init__(self, defaults: Settings, store: Store) -> None:
        """Start from ``defaults`` (the environment's and ``.env``'s), overridden from ``store``."""
        self.defaults = defaults
        self.store = store
        self._read: dict[int | None, tuple[tuple[SetupValue, ...], Overridden]] = {}

    def stored(self, guild_id: int | None = None) -> tuple[SetupValue, ...]:
        """What applies in server ``guild_id`` (None: every server), the server's own last."""
        every = tuple(self.store.setup_values())
        return every if guild_id is None else (*every, *self.store.setup_values(guild_id))

    def overridden(self, guild_id: int | None = None) -> Overridden:
        """The settings in force in a server (None: every server) and any value passed over.

        A value passed over is logged once, when first read.
        """
        stored = self.stored(guild_id)
        known = self._read.get(guild_id)
        if known is None or known[0] != stored:
            result = overridden(self.defaults, stored)
            for name, problem in result.ignored.items():
                log.warning("%s set with /setup is ignored: %s", name, problem)
            known = self._read[guild_id] = (stored, result)
        return known[1]

    def set_anywhere(self, name: str) -> bool:
        """Whether setting ``name`` has a value in ``.env`` or in any server."""
        return bool(written(self.defaults, name) or self.store.servers_setting(name))

    def current(self, guild_id: int | None = None) -> Settings:
        """The settings in force now in server ``guild_id`` (None: outside any server)."""
        return self.overridden(guild_id).settings
