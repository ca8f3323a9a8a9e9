"""Discord's server-side payload limits, answered with 400 "Invalid Form Body" errors.

Only the limits a bot is likely to hit are checked: message and embed
lengths, component layout, empty messages, command definitions, autocomplete
choices and modals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .components import (
    BUTTON,
    LINK_STYLE,
    PREMIUM_STYLE,
    STRING_SELECT,
    TEXT_INPUT,
    iter_components,
)
from .errors import ApiError
from .state import FLAG_COMPONENTS_V2

_COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
_SELECT_TYPES = (STRING_SELECT, 5, 6, 7, 8)


class FormErrors:
    """Collects field errors and renders Discord's nested ``errors`` object."""

    def __init__(self) -> None:
        self._errors: dict[str, Any] = {}

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        """Record an error for the field at ``path`` (e.g. ``("embeds", 0, "title")``)."""
        node = self._errors
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: Sequence[str | int], value: Any, limit: int) -> None:
        """Record an error if ``value`` is a string longer than ``limit``."""
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def required_length(self, path: Sequence[str | int], value: Any, low: int, high: int) -> None:
        """Record an error unless ``value`` is a string of ``low``..``high`` characters."""
        if not isinstance(value, str) or not low <= len(value) <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def raise_if_any(self) -> None:
        """Raise the 400 :class:`ApiError` if any error was recorded."""
        if self._errors:
            raise ApiError(400, 50035, "Invalid Form Body", self._errors)


def validate_message(body: dict[str, Any], *, file_count: int, creating: bool) -> None:
    """Check a message create/edit body (also interaction responses and followups).

    Raises:
        ApiError: 400 with Discord's error code (50006 empty message, 50035 form errors).

    """
    errors = FormErrors()
    errors.max_length(("content",), body.get("content"), 2000)
    _validate_embeds(errors, body.get("embeds") or [])
    flags = int(body.get("flags") or 0)
    components = body.get("components") or []
    if flags & FLAG_COMPONENTS_V2:
        if body.get("content") or body.get("embeds"):
            errors.add(
                ("content",),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "Cannot use content/embeds.",
            )
        if sum(1 for _ in iter_components(components)) > 40:
            errors.add(("components",), "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length.")
    else:
        _validate_action_rows(errors, components)
    _validate_custom_ids(errors, components)
    _validate_allowed_mentions(errors, body.get("allowed_mentions"))
    errors.raise_if_any()
    has_attachments = file_count > 0 or bool(body.get("attachments"))
    if creating and not (
        body.get("content")
        or body.get("embeds")
        or components
        or has_attachments
        or body.get("sticker_ids")
        or body.get("poll")
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")


def _validate_embeds(errors: FormErrors, embeds: list[dict[str, Any]]) -> None:
    if len(embeds) > 10:
        errors.add(("embeds",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        path: tuple[str | int, ...] = ("embeds", index)
        for key, limit in (("title", 256), ("description", 4096)):
            errors.max_length((*path, key), embed.get(key), limit)
            total += len(embed.get(key) or "")
        for key, limit in (("footer", 2048), ("author", 256)):
            sub = embed.get(key) or {}
            text_key = "text" if key == "footer" else "name"
            errors.max_length((*path, key, text_key), sub.get(text_key), limit)
            total += len(sub.get(text_key) or "")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.add((*path, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for field_index, embed_field in enumerate(fields):
            errors.required_length(
                (*path, "fields", field_index, "name"), embed_field.get("name"), 1, 256
            )
            errors.required_length(
                (*path, "fields", field_index, "value"), embed_field.get("value"), 1, 1024
            )
            total += len(embed_field.get("name") or "") + len(embed_field.get("value") or "")
    if total > 6000:
        errors.add(
            ("embeds",), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
        )


def _validate_action_rows(errors: FormErrors, components: list[dict[str, Any]]) -> None:
    if len(components) > 5:
        errors.add(("components",), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for row_index, row in enumerate(components):
        path: tuple[str | int, ...] = ("components", row_index)
        if row.get("type") != 1:
            errors.add(
                (*path, "type"),
                "COMPONENT_LAYOUT_INVALID",
                "Top-level components must be action rows.",
            )
            continue
        children = row.get("components") or []
        has_select = any(child.get("type") in _SELECT_TYPES for child in children)
        if not children or len(children) > 5 or (has_select and len(children) > 1):
            errors.add(
                (*path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "Invalid action row width.",
            )
        for child_index, child in enumerate(children):
            _validate_interactive((*path, "components", child_index), errors, child)


def _validate_interactive(
    path: tuple[str | int, ...], errors: FormErrors, component: dict[str, Any]
) -> None:
    if component.get("type") == BUTTON:
        errors.max_length((*path, "label"), component.get("label"), 80)
        is_link = component.get("style") in (LINK_STYLE, PREMIUM_STYLE)
        if is_link == ("custom_id" in component):
            errors.add(path, "BUTTON_COMPONENT_INVALID", "Buttons need a custom_id xor a url/sku.")
    elif component.get("type") == STRING_SELECT:
        options = component.get("options") or []
        if not 1 <= len(options) <= 25:
            errors.add(
                (*path, "options"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."
            )
        for option_index, option in enumerate(options):
            errors.required_length(
                (*path, "options", option_index, "label"), option.get("label"), 1, 100
            )
            errors.required_length(
                (*path, "options", option_index, "value"), option.get("value"), 1, 100
            )
            errors.max_length(
                (*path, "options", option_index, "description"), option.get("description"), 100
            )
        errors.max_length((*path, "placeholder"), component.get("placeholder"), 150)


def _validate_custom_ids(errors: FormErrors, components: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for component in iter_components(components):
        custom_id = component.get("custom_id")
        if custom_id is None:
            continue
        if not 1 <= len(custom_id) <= 100:
            errors.add(
                ("components",),
                "BASE_TYPE_BAD_LENGTH",
                f"custom_id {custom_id!r} must be 1-100 long.",
            )
        if custom_id in seen:
            errors.add(
                ("components",),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                f"Duplicate custom_id {custom_id!r}.",
            )
        seen.add(custom_id)


def _validate_allowed_mentions(errors: FormErrors, allowed: dict[str, Any] | None) -> None:
    if not allowed:
        return
    parse = allowed.get("parse") or []
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            errors.add(
                ("allowed_mentions",),
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f"parse:[{kind}] conflicts with {kind}.",
            )


def validate_commands(commands: list[dict[str, Any]]) -> None:
    """Check a bulk-overwrite list of application commands.

    Raises:
        ApiError: 400 "Invalid Form Body" listing every problem.

    """
    errors = FormErrors()
    seen: set[tuple[str, int]] = set()
    for index, command in enumerate(commands):
        kind = command.get("type", 1)
        name = command.get("name")
        if (name, kind) in seen:
            errors.add(
                (index, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Duplicate command name {name!r}.",
            )
        seen.add((name, kind))
        if kind == 1:
            _validate_chat_input_name(errors, (index, "name"), name)
            errors.required_length((index, "description"), command.get("description"), 1, 100)
            _validate_options(errors, (index, "options"), command.get("options") or [])
        else:
            errors.required_length((index, "name"), name, 1, 32)
    errors.raise_if_any()


def _validate_chat_input_name(errors: FormErrors, path: tuple[str | int, ...], name: Any) -> None:
    if not isinstance(name, str) or not _COMMAND_NAME.match(name) or name != name.lower():
        errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", f"Command name {name!r} is invalid.")


def _validate_options(
    errors: FormErrors, path: tuple[str | int, ...], options: list[dict[str, Any]]
) -> None:
    if len(options) > 25:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    names: set[str] = set()
    seen_optional = False
    for index, option in enumerate(options):
        option_path = (*path, index)
        _validate_chat_input_name(errors, (*option_path, "name"), option.get("name"))
        errors.required_length((*option_path, "description"), option.get("description"), 1, 100)
        if option.get("name") in names:
            errors.add(
                (*option_path, "name"),
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Duplicate option.",
            )
        names.add(option.get("name"))
        if option.get("type") in (1, 2):
            _validate_options(errors, (*option_path, "options"), option.get("options") or [])
            continue
        if option.get("required"):
            if seen_optional:
                errors.add(
                    option_path,
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be first.",
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if len(choices) > 25:
            errors.add(
                (*option_path, "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        if choices and option.get("autocomplete"):
            errors.add(
                (*option_path, "autocomplete"),
                "AUTOCOMPLETE_AND_CHOICES",
                "Cannot use choices with autocomplete.",
            )


def validate_autocomplete_choices(data: dict[str, Any]) -> None:
    """Check an autocomplete result (callback type 8).

    Raises:
        ApiError: 400 when there are more than 25 choices or a name/value is too long.

    """
    errors = FormErrors()
    choices = data.get("choices") or []
    if len(choices) > 25:
        errors.add(("data", "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for index, choice in enumerate(choices):
        errors.required_length(("data", "choices", index, "name"), choice.get("name"), 1, 100)
        errors.max_length(("data", "choices", index, "value"), choice.get("value"), 100)
    errors.raise_if_any()


def validate_modal(data: dict[str, Any]) -> None:
    """Check a modal (callback type 9).

    Raises:
        ApiError: 400 for a bad title/custom_id, no or too many inputs, long labels.

    """
    errors = FormErrors()
    errors.required_length(("data", "title"), data.get("title"), 1, 45)
    errors.required_length(("data", "custom_id"), data.get("custom_id"), 1, 100)
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        errors.add(
            ("data", "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
    for component in iter_components(components):
        if component.get("type") == TEXT_INPUT:
            errors.max_length(("data", "components", "label"), component.get("label"), 45)
    errors.raise_if_any()
