"""Setting the bot up while it runs: /setup on Discord and ``python -m bot setup`` at the shell.

Each use case is written once here; the front ends only show what it returns. A value is
checked as ``.env``'s are (:func:`~bot.live_settings.with_value`), and, from Discord, against
the server too: answer and log channels must be its text channels, forum channels its
forums, the moderator role one of its roles.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Settings, SettingsError
from bot.live_settings import SETTABLE, LiveSettings, with_value, written
from bot.moderation.desk import Refused
from bot.store import EVERY_SERVER


@dataclass(frozen=True)
class ServerPlaces:
    """What a server has that the settings can name: text channels, forums and roles."""

    text_channels: frozenset[int]
    forums: frozenset[int]
    roles: frozenset[int]

    def problem(self, settings: Settings, name: str) -> str | None:
        """Why the value of setting ``name`` can't be used in this server, if it can't."""
        kinds = {
            "ANSWER_CHANNELS": (self.text_channels, "a text channel"),
            "LOG_CHANNEL_ID": (self.text_channels, "a text channel"),
            "FORUM_CHANNELS": (self.forums, "a forum channel"),
            "MODERATOR_ROLE_ID": (self.roles, "a role"),
        }
        if name not in kinds:
            return None
        allowed, kind = kinds[name]
        value = getattr(settings, name.lower())
        ids = value if isinstance(value, frozenset) else frozenset({value})
        strangers = sorted(ids - allowed)
        if not strangers:
            return None
        listed = ", ".join(str(stranger) for stranger in strangers)
        return f"{name}: {listed} is not {kind} of this server"


@dataclass(frozen=True)
class SettingState:
    """One setting /setup can change: its value in force and where it came from."""

    name: str
    value: str
    """As ``.env`` would hold it; empty when not set."""
    set_by: int | None = None
    """The member who set it with /setup (0: the command line); None: ``.env``'s value."""
    set_at: float | None = None
    ignored: str | None = None
    """Why a value stored later is passed over (this one applies instead), when one is."""
    every_server: bool = False
    """Set for every server (at the shell), not for the server shown."""

    def source(self, who: Callable[[int], str], when: Callable[[float], str]) -> str:
        """Where the value came from: ``.env default``, or ``set by`` ``who`` ``when``.

        Followed by why a value set with /setup is passed over, if one is.
        """
        if self.set_by is None or self.set_at is None:
            source = ".env default"
        else:
            scope = " for every server" if self.every_server else ""
            source = f"set{scope} by {who(self.set_by)} {when(self.set_at)}"
        if self.ignored:
            return f"{source} (the value set with /setup is ignored: {self.ignored})"
        return source


def setting_name(text: str) -> str:
    """The ``.env`` name of a setting written ``passive-bar``, ``passive_bar`` or ``PASSIVE_BAR``.

    Raises :class:`Refused` for a name /setup can't change, with a "did you mean".
    """
    name = text.strip().replace("-", "_").upper()
    if name in SETTABLE:
        return name
    close = difflib.get_close_matches(name, SETTABLE, n=1, cutoff=0.8)
    hint = f"; did you mean {close[0]}?" if close else f" (one of {', '.join(SETTABLE)})"
    raise Refused(f"Not changed: {text.strip()} is not a setting /setup can change{hint}")


def show(live: LiveSettings, guild_id: int | None = None) -> list[SettingState]:
    """Every setting /setup can change in a server (None: every server), and its source."""
    current = live.overridden(guild_id)
    own = {value.name: value for value in live.store.setup_values(_server(guild_id))}
    states = []
    for name in SETTABLE:
        value, ignored = current.applied.get(name), current.ignored.get(name)
        if value is None:
            states.append(SettingState(name, written(current.settings, name), ignored=ignored))
        else:
            every = guild_id is not None and own.get(name) != value
            states.append(
                SettingState(
                    name, value.value, value.member_id, value.set_at, ignored, every_server=every
                )
            )
    return states


def set_setting(
    live: LiveSettings,
    name: str,
    raw: str,
    member_id: int,
    *,
    guild_id: int | None = None,
    server: ServerPlaces | None = None,
) -> SettingState:
    """Set ``name`` to ``raw`` at once, as ``member_id``; return it as now in force.

    In server ``guild_id`` (None: for every server). Raises :class:`Refused`, changing
    nothing, for a value ``.env`` would refuse or, given what the ``server`` has, one naming
    a channel or role it doesn't have or has of another kind.
    """
    name = setting_name(name)
    try:
        changed = with_value(live.current(guild_id), name, raw)
    except SettingsError as error:
        raise Refused(f"Not changed: {'; '.join(error.problems)}") from None
    problem = server.problem(changed, name) if server is not None else None
    if problem:
        raise Refused(f"Not changed: {problem}")
    live.store.set_setup_value(name, written(changed, name), member_id, _server(guild_id))
    return _state_of(live, name, guild_id)


def unset_setting(live: LiveSettings, name: str, guild_id: int | None = None) -> SettingState:
    """Go back to the value ``name`` had before /setup set it in a server (None: for all).

    Raises :class:`Refused` when it was not set there, saying where a value for every server
    (which one server can't remove for the others) is unset.
    """
    name = setting_name(name)
    if live.store.unset_setup_value(name, _server(guild_id)):
        return _state_of(live, name, guild_id)
    if guild_id is None:
        raise Refused(f"Not changed: {name} was not set with /setup for every server")
    refusal = f"Not changed: {name} was not set with /setup in this server"
    if any(value.name == name for value in live.store.setup_values()):
        refusal += (
            "; its value is set for every server, and unset at the shell: "
            f"python -m bot setup unset {name}"
        )
    raise Refused(refusal)


def _server(guild_id: int | None) -> int:
    """The server a value is kept for in the store (None: every server)."""
    return EVERY_SERVER if guild_id is None else guild_id


def _state_of(live: LiveSettings, name: str, guild_id: int | None) -> SettingState:
    return next(state for state in show(live, guild_id) if state.name == name)
