"""Helpers to walk message components (action rows, v2 containers, sections, labels)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .errors import InvalidInvocation

BUTTON = 2
STRING_SELECT = 3
TEXT_INPUT = 4
LINK_STYLE = 5
PREMIUM_STYLE = 6
USER_SELECT = 5
ROLE_SELECT = 6
MENTIONABLE_SELECT = 7
CHANNEL_SELECT = 8
SELECTS = (STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT)


def iter_components(components: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Yield every component, depth first, including nested ones.

    Handles action rows and containers (``components``), sections
    (``accessory``) and labels (``component``).
    """
    for component in components:
        yield component
        yield from iter_components(component.get("components") or [])
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from iter_components([child])


def describe_components(components: Sequence[dict[str, Any]]) -> str:
    """Summarise interactive components for error messages."""
    found = []
    for component in iter_components(components):
        if component.get("type") == BUTTON:
            found.append(
                f"button(label={component.get('label')!r}, "
                f"custom_id={component.get('custom_id')!r})"
            )
        elif component.get("type") in SELECTS:
            found.append(f"select(custom_id={component.get('custom_id')!r})")
    return ", ".join(found) or "no interactive components"


def find_button(
    components: Sequence[dict[str, Any]], label: str | None, custom_id: str | None
) -> dict[str, Any]:
    """Find the clickable button matching ``label`` or ``custom_id``.

    Raises:
        InvalidInvocation: No such button, or it is disabled or a link button.

    """
    if label is None and custom_id is None:
        raise InvalidInvocation("click() needs a button label or custom_id")
    for component in iter_components(components):
        if component.get("type") != BUTTON:
            continue
        if custom_id is not None and component.get("custom_id") != custom_id:
            continue
        if label is not None and component.get("label") != label:
            continue
        if component.get("disabled"):
            raise InvalidInvocation(f"button {label or custom_id!r} is disabled")
        if component.get("style") in (LINK_STYLE, PREMIUM_STYLE):
            raise InvalidInvocation(
                f"button {label or custom_id!r} is a link/premium button: no interaction"
            )
        return component
    raise InvalidInvocation(
        f"no button {label or custom_id!r} on the message; found {describe_components(components)}"
    )


def find_select(components: Sequence[dict[str, Any]], custom_id: str | None) -> dict[str, Any]:
    """Find the (first, or ``custom_id``-matching) enabled select menu.

    Raises:
        InvalidInvocation: No such select menu, or it is disabled.

    """
    for component in iter_components(components):
        if component.get("type") not in SELECTS:
            continue
        if custom_id is not None and component.get("custom_id") != custom_id:
            continue
        if component.get("disabled"):
            raise InvalidInvocation(f"select {component.get('custom_id')!r} is disabled")
        return component
    raise InvalidInvocation(
        f"no select {custom_id or ''!r} on the message; found {describe_components(components)}"
    )


def check_select_values(select: dict[str, Any], values: Sequence[str]) -> None:
    """Check ``values`` are a choice the Discord client allows for a string select.

    Raises:
        InvalidInvocation: Too few/many values or values not among the options.

    """
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if not low <= len(values) <= high:
        raise InvalidInvocation(
            f"select {select.get('custom_id')!r} takes {low}..{high} values, got {len(values)}"
        )
    if select.get("type") == STRING_SELECT:
        allowed = [option["value"] for option in select.get("options", [])]
        unknown = [value for value in values if value not in allowed]
        if unknown:
            raise InvalidInvocation(
                f"values {unknown} are not options of select {select.get('custom_id')!r}: {allowed}"
            )


def modal_submit_components(modal: dict[str, Any], values: dict[str, str]) -> list[dict[str, Any]]:
    """Build the ``components`` of a modal submit from the modal and the typed values.

    ``values`` maps a text input's ``custom_id`` (or its label) to the text.

    Raises:
        InvalidInvocation: A required input is missing or a key matches no input.

    """
    remaining = dict(values)

    def submitted(component: dict[str, Any], label: str | None) -> dict[str, Any] | None:
        if component.get("type") != TEXT_INPUT:
            return None
        custom_id = component["custom_id"]
        label = label or component.get("label")
        value = remaining.pop(custom_id, None)
        if value is None and label is not None:
            value = remaining.pop(label, None)
        if value is None:
            if component.get("required", True):
                raise InvalidInvocation(f"modal input {custom_id!r} is required")
            value = ""
        return {"type": TEXT_INPUT, "custom_id": custom_id, "value": value}

    rows: list[dict[str, Any]] = []
    for top in modal.get("components", []):
        if top.get("type") == 1:
            inner = [s for s in (submitted(c, None) for c in top.get("components", [])) if s]
            rows.append({"type": 1, "components": inner})
        elif top.get("type") == 18:
            inner_component = submitted(top["component"], top.get("label"))
            if inner_component:
                rows.append({"type": 18, "component": inner_component})
    if remaining:
        raise InvalidInvocation(f"modal has no inputs {sorted(remaining)}")
    return rows
