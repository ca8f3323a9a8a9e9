"""The forms and the preview of ``/kb edit`` and ``/kb add``, on the moderators' editor.

``/kb edit`` opens an :class:`EditForm` prefilled with the entry's wording; submitting it shows,
privately, the answer as members would get it and the diff, under :class:`EditPreview`'s *Save*
and *Cancel*. Only *Save* changes anything, and only if nobody saved the entry since the form
was opened (:class:`~bot.moderation.editing.EditConflict`). ``/kb add`` opens an
:class:`AddForm`, saved at once. Every use case is the desk's
(:attr:`~bot.moderation.desk.Desk.editor`), run off the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from functools import partial
from typing import Any, get_args, get_type_hints

import discord

from bot.discord_ui.embeds import BROKEN_FENCE, CODE_FENCE, CONTENT_LIMIT, answer_embed, clip
from bot.discord_ui.interactions import NO_MENTIONS, bot_of, tell
from bot.discord_ui.permissions import is_moderator
from bot.engine import Entry, Outcome, Reply
from bot.engine.field_rules import Text
from bot.moderation.editing import EXAMPLE_QUESTIONS, EditConflict, EntryChange
from bot.moderation.teaching import TeachError

INPUT_LIMIT = 4000
"""The most a Discord text input holds."""
FORM_TITLE_LIMIT = 45
PREVIEW_SECONDS = 14 * 60
"""How long *Save* and *Cancel* work: the preview's interaction token lasts 15 minutes."""
NOT_ALLOWED = "Sorry, editing entries is for moderators."


def _most(name: str) -> int:
    """How long the entry model lets field ``name`` be (a list: what a text input holds)."""
    hint = get_type_hints(Entry, include_extras=True)[name]
    rules = [
        rule
        for part in (hint, *get_args(hint))
        for rule in getattr(part, "__metadata__", ())
        if isinstance(rule, Text)
    ]
    return min(rules[0].max_length, INPUT_LIMIT) if rules else INPUT_LIMIT


@dataclass(frozen=True)
class FormField:
    """One text input of the edit form: an entry's field, a list of lines or one text."""

    name: str
    label: str
    listed: bool = False
    """A list, one item per line (steps, cues)."""
    required: bool = True
    paragraph: bool = True

    def shown(self, entry: Entry) -> str:
        """The field's value as the form prefills it."""
        value = getattr(entry, self.name)
        return "\n".join(value) if self.listed else value or ""

    def read(self, text: str) -> object:
        """The field's value as typed: a list of its non-empty lines, or the stripped text."""
        if self.listed:
            return [line.strip() for line in text.splitlines() if line.strip()]
        stripped = text.strip()
        return stripped if self.required else stripped or None

    def text_input(self, entry: Entry) -> discord.ui.TextInput[Any]:
        """The text input, prefilled with the entry's value."""
        return discord.ui.TextInput(
            label=self.label,
            custom_id=self.name,
            style=discord.TextStyle.paragraph if self.paragraph else discord.TextStyle.short,
            default=self.shown(entry) or None,
            required=self.required,
            max_length=_most(self.name),
        )


class DoseField(FormField):
    """An exercise's dose, one ``part: value`` per line (sets, reps, duration, tempo, note)."""

    def shown(self, entry: Entry) -> str:
        """The dose's stated parts, one ``part: value`` per line."""
        dose = entry.dose
        if dose is None:
            return ""
        return "\n".join(
            f"{part.name}: {value}" for part in fields(dose) if (value := getattr(dose, part.name))
        )

    def read(self, text: str) -> object:
        """The parts as typed: ``{part: value}`` (an unknown part is refused on preview)."""
        pairs = (line.partition(":") for line in text.splitlines() if line.strip())
        return {name.strip().lower(): value.strip() for name, _, value in pairs}


TITLE = FormField("title", "Title", paragraph=False)
BODY = FormField("body", "Body: the whole answer")
TOPIC_FORM = (TITLE, FormField("summary", "Summary: the short answer"), BODY)
EXERCISE_FORM = (
    TITLE,
    FormField("steps", "Steps, one per line", listed=True),
    FormField("cues", "Cues, one per line", listed=True, required=False),
    FormField("feel", "What you should feel", required=False),
    BODY,
)
"""An exercise's wording: its steps, cues, what to feel and the body."""
DOSE_FORM = (
    FormField("summary", "Summary: the short answer"),
    DoseField("dose", "Dose, one per line: sets: 2, reps: 8 to 10"),
)
"""An exercise's short answer: its summary and its dose (``/kb edit part: short answer``)."""
WORDING = "wording"
SHORT_ANSWER = "short answer"


def form_of(entry: Entry, part: str = WORDING) -> tuple[FormField, ...]:
    """The fields the edit form shows for ``entry`` (Discord's forms hold five at most).

    An exercise has more than five: its ``part`` says which form, its wording or its
    short answer (summary and dose).
    """
    if not entry.is_exercise:
        return TOPIC_FORM
    return DOSE_FORM if part == SHORT_ANSWER else EXERCISE_FORM


def member_view(entry: Entry) -> discord.Embed:
    """The short answer members asking about ``entry`` get."""
    return answer_embed(Reply(outcome=Outcome.ANSWER, score=100, entry=entry))


def diff_block(diff: str, room: int) -> str:
    """``diff`` as a code block of at most ``room`` characters, clipped to fit."""
    fences = len(f"{CODE_FENCE}diff\n\n{CODE_FENCE}")
    body = clip(diff.replace(CODE_FENCE, BROKEN_FENCE), room - fences)
    return f"{CODE_FENCE}diff\n{body}\n{CODE_FENCE}"


def with_diff(text: str, change: EntryChange) -> str:
    """``text``, then the change's diff clipped to fit a message."""
    return f"{text}\n{diff_block(change.diff(), CONTENT_LIMIT - len(text) - 1)}"


def who(by: str) -> str:
    """Who made a change, as a mention when it is a member's id."""
    return f"<@{by}>" if by.isdigit() and int(by) else f"`{by}`"


def when(at: str) -> str:
    """When a change was made, in the reader's time zone when it reads as a time."""
    try:
        return discord.utils.format_dt(datetime.fromisoformat(at), "f")
    except ValueError:
        return at


async def _moderators_only(interaction: discord.Interaction) -> bool:
    """Whether the member is a moderator; if not, they are told so."""
    if is_moderator(interaction, bot_of(interaction).settings_in(interaction.guild)):
        return True
    await tell(interaction, NOT_ALLOWED)
    return False


class EditPreview(discord.ui.View):
    """*Save* and *Cancel* under a preview: saving checks the entry is still as it was."""

    def __init__(self, change: EntryChange, apply: Callable[[str], EntryChange]) -> None:
        """Save what ``change`` previews with ``apply`` (given who saves).

        ``apply`` refuses with :class:`EditConflict` if someone saved the entry since the
        version the preview started from (an edit or a revert, ``based_on`` bound in it).
        """
        super().__init__(timeout=PREVIEW_SECONDS)
        self.change = change
        self.apply = apply

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Moderators only, as every ``/kb`` command."""
        return await _moderators_only(interaction)

    @discord.ui.button(label="Save", style=discord.ButtonStyle.success)
    async def save(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Save the edit if nobody saved the entry meanwhile; say what happened."""
        self.stop()
        await interaction.response.defer()
        try:
            saved = await asyncio.to_thread(self.apply, str(interaction.user.id))
        except EditConflict as conflict:
            said = self.conflict(conflict)
        except TeachError as error:
            said = f"Not saved: {error}."
        else:
            said = f"Saved, version {saved.version}, live now."
        await interaction.edit_original_response(content=said, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Drop the edit: nothing is saved."""
        self.stop()
        await interaction.response.edit_message(content="Cancelled: nothing was saved.", view=None)

    def conflict(self, conflict: EditConflict) -> str:
        """Who saved the entry since the form was opened, and their change."""
        theirs = conflict.theirs
        change = EntryChange(self.change.entry_id, self.change.before, theirs.content, 0)
        text = (
            f"Not saved: {who(theirs.by)} changed `{theirs.entry}` {when(theirs.at)} since "
            "your preview. Their change is below; start again from it."
        )
        return with_diff(text, change)


class EditForm(discord.ui.Modal):
    """The edit form: an entry's wording, prefilled; submitting it previews the change."""

    def __init__(self, entry: Entry, version: int, part: str = WORDING) -> None:
        """A form editing ``entry`` (its ``part``, for an exercise), as it is at ``version``."""
        super().__init__(title=clip(f"Edit {entry.id}", FORM_TITLE_LIMIT))
        self.entry = entry
        self.version = version
        self.form = form_of(entry, part)
        for field in self.form:
            self.add_item(field.text_input(entry))

    @staticmethod
    def too_long(entry: Entry, part: str = WORDING) -> str | None:
        """Which field of ``entry``'s form for ``part`` a text input can't hold, if any."""
        for field in form_of(entry, part):
            if len(field.shown(entry)) > _most(field.name):
                return field.name
        return None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Moderators only, as every ``/kb`` command."""
        return await _moderators_only(interaction)

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        """Show the answer as members would get it and the diff, with *Save* and *Cancel*."""
        typed = {
            item.custom_id: item.value
            for item in self.children
            if isinstance(item, discord.ui.TextInput)
        }
        changes = {field.name: field.read(typed[field.name]) for field in self.form}
        editor = bot_of(interaction).desk.editor
        try:
            change = editor.preview(self.entry.id, changes)
        except TeachError as error:
            await tell(interaction, f"Not saved: {error}.")
            return
        text = (
            f"Preview of `{change.entry_id}`: members would get the answer below. Nothing is "
            f"saved until you press Save (it would be version {change.version})."
        )
        await interaction.response.send_message(
            with_diff(text, change),
            embed=member_view(change.after) if change.after else discord.utils.MISSING,
            view=EditPreview(
                change, partial(editor.edit, self.entry.id, changes, based_on=self.version)
            ),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


class AddForm(discord.ui.Modal, title="Add an entry of the moderators' own"):
    """The add form: an id, a title, the answer and example questions; saved at once."""

    entry_id: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Id, kebab-case (coaching, server-rules)", custom_id="id", max_length=64
    )
    entry_title: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Title", custom_id="title", max_length=_most("title")
    )
    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="The answer members get",
        custom_id="answer",
        style=discord.TextStyle.paragraph,
        max_length=_most("body"),
    )
    questions: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="{} to {} example questions, one per line".format(*EXAMPLE_QUESTIONS),
        custom_id="questions",
        style=discord.TextStyle.paragraph,
    )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Moderators only, as every ``/kb`` command."""
        return await _moderators_only(interaction)

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        """Add the entry, live at once, and show the answer members asking it get."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        questions = [line.strip() for line in str(self.questions).splitlines() if line.strip()]
        editor, by = bot_of(interaction).desk.editor, str(interaction.user.id)
        entry_id = str(self.entry_id).strip()
        try:
            await asyncio.to_thread(
                editor.add, entry_id, str(self.entry_title), str(self.answer), questions, by
            )
        except TeachError as error:
            await tell(interaction, f"Not added: {error}.")
            return
        await interaction.followup.send(
            f"Added `{entry_id}`, live now. Members asking it get:",
            embed=member_view(editor.entry(entry_id)),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
