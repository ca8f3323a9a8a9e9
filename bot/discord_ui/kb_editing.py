"""``/kb edit``, ``/kb add``, ``/kb history`` and ``/kb revert``: moderators change entries.

The commands are a part of the ``/kb`` cog (:class:`EntryEditing`), added to its group by
:func:`with_entry_editing`, so its moderator check holds for them as for every ``/kb``
command; the forms and the preview are in :mod:`bot.discord_ui.kb_edit_views`.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord_ui.interactions import NO_MENTIONS, tell
from bot.discord_ui.kb_choices import entry_ids
from bot.discord_ui.kb_edit_views import (
    SHORT_ANSWER,
    WORDING,
    AddForm,
    EditForm,
    EditPreview,
    when,
    who,
    with_diff,
)
from bot.engine.model import Revision
from bot.moderation.teaching import TeachError

if TYPE_CHECKING:
    from bot.discord_ui.client import MovementBot

VERSIONS_SHOWN = 20
"""The latest versions ``/kb history`` lists, after version 0."""
EntryId = app_commands.Range[str, 1, 64]
EDITING = app_commands.Group(name="kb", description="Moderators: change entries' wording.")
"""Holds :class:`EntryEditing`'s commands until :func:`with_entry_editing` adds them to ``/kb``."""


def history_text(entry_id: str, revisions: list[Revision]) -> str:
    """An entry's versions, the reviewed files' first, then who changed it, when and how."""
    live = len(revisions)
    lines = [f"Versions of `{entry_id}` (v{live} is live):", "v0 · as the reviewed files say"]
    if len(revisions) > VERSIONS_SHOWN:
        lines.append(f"… {len(revisions) - VERSIONS_SHOWN} older version(s)")
    lines += [
        f"v{version} · {when(revision.at)} · {revision.action} by {who(revision.by)}"
        for version, revision in enumerate(revisions, start=1)
        if version > live - VERSIONS_SHOWN
    ]
    return "\n".join(lines)


class EntryEditing:
    """The ``/kb`` commands changing entries' wording, a part of the moderation cog."""

    bot: MovementBot

    @EDITING.command(name="edit", description="Edit an entry in a form; preview, then save.")
    @app_commands.describe(
        entry="The entry to edit",
        part="For an exercise: its wording (steps, cues...) or its short answer (summary, dose)",
    )
    @app_commands.choices(
        part=[app_commands.Choice(name=name, value=name) for name in (WORDING, SHORT_ANSWER)]
    )
    @app_commands.autocomplete(entry=entry_ids)
    async def edit_entry(
        self, interaction: discord.Interaction, entry: EntryId, part: str = WORDING
    ) -> None:
        """Open the form prefilled with the entry as members see it now."""
        editor = self.bot.desk.editor
        try:
            current = editor.editable(entry)
        except TeachError as error:
            await tell(interaction, f"Can't edit: {error}.")
            return
        too_long = EditForm.too_long(current, part)
        if too_long:
            await tell(
                interaction,
                f"`{entry}`'s {too_long} is too long for a Discord form: "
                f"edit it with `python -m bot edit {entry}`.",
            )
            return
        await interaction.response.send_modal(EditForm(current, editor.version(entry), part))

    @EDITING.command(name="add", description="Add an entry of the moderators' own, live at once.")
    async def add_entry(self, interaction: discord.Interaction) -> None:
        """Open the form for a new entry: id, title, answer and example questions."""
        await interaction.response.send_modal(AddForm())

    @EDITING.command(name="history", description="An entry's versions: who changed it, when, how.")
    @app_commands.describe(entry="The entry")
    @app_commands.autocomplete(entry=entry_ids)
    async def entry_history(self, interaction: discord.Interaction, entry: EntryId) -> None:
        """List the entry's versions, privately."""
        try:
            revisions = self.bot.desk.editor.history(entry)
        except TeachError as error:
            await tell(interaction, f"No history: {error}.")
            return
        await tell(interaction, history_text(entry, revisions))

    @EDITING.command(name="revert", description="Put an entry back as a version left it.")
    @app_commands.describe(entry="The entry", to="The version (0: as the reviewed files say)")
    @app_commands.autocomplete(entry=entry_ids)
    async def revert_entry(
        self,
        interaction: discord.Interaction,
        entry: EntryId,
        to: app_commands.Range[int, 0, 10_000],
    ) -> None:
        """Preview the revert privately; *Save* applies it if nobody changed the entry since."""
        editor = self.bot.desk.editor
        try:  # it reads the reviewed files: off the event loop
            change = await asyncio.to_thread(editor.revert_preview, entry, to)
        except TeachError as error:
            await tell(interaction, f"Not reverted: {error}.")
            return
        text = (
            f"Preview: `{entry}` back to version {to}. Nothing changes until you press Save "
            f"(it would be version {change.version})."
        )
        await interaction.response.send_message(
            with_diff(text, change),
            view=EditPreview(
                change, partial(editor.revert, entry, to, based_on=change.version - 1)
            ),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


def with_entry_editing(kb: app_commands.Group) -> app_commands.Group:
    """``kb`` with :class:`EntryEditing`'s commands, for a cog inheriting it to define."""
    for command in EDITING.commands:
        kb.add_command(command)
    return kb
