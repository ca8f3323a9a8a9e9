"""Exceptions raised by the fake Discord, both towards tests and inside the server."""

from __future__ import annotations

from typing import Any


class FakeDiscordError(Exception):
    """Base class for errors a test can get from the fake's helpers."""


class UnknownCommand(FakeDiscordError):
    """The test invoked an application command the bot never registered (synced)."""


class CommandNotVisible(FakeDiscordError):
    """Discord would not show the command to this member in this place.

    Raised for ``default_member_permissions`` the member lacks (without an
    override allowing them), for commands not allowed in DMs, and for guild
    commands used outside their guild.
    """


class InvalidInvocation(FakeDiscordError):
    """The Discord client would not let a user do this.

    Examples: a missing required option, a value that is not among the
    declared choices, clicking a disabled button or a button that does not
    exist on the message.
    """


class NoBotResponse(AssertionError):
    """The bot did not do what the test waited for (respond, send, edit) in time."""


class ApiError(Exception):
    """A Discord REST error; the server turns it into a JSON error response.

    Args:
        status: HTTP status code.
        code: Discord's JSON error code (e.g. 10003 Unknown Channel).
        message: Human readable message, as Discord words it.
        errors: Optional nested ``errors`` object for form validation errors.

    """

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {message} (code {code})")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        """Return the JSON body Discord would send for this error."""
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    @classmethod
    def not_found(cls, what: str, code: int) -> ApiError:
        """Build a Discord-style 404, e.g. ``not_found("Channel", 10003)``."""
        return cls(404, code, f"Unknown {what}")

    @classmethod
    def missing_permissions(cls) -> ApiError:
        """Build the 403 Discord answers when the bot lacks a permission."""
        return cls(403, 50013, "Missing Permissions")
