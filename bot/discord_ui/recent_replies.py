"""Which members' messages the bot answered lately, and where its reply is."""

from __future__ import annotations

from collections import OrderedDict

REPLIES_KEPT = 10_000
"""Members' messages whose reply the bot remembers (in memory only), newest kept."""


class RecentReplies:
    """The link to the bot's reply to each member's message it answered lately."""

    def __init__(self, kept: int = REPLIES_KEPT) -> None:
        """Remember at most ``kept`` messages, forgetting the oldest first."""
        self._kept = kept
        self._links: OrderedDict[int, str] = OrderedDict()

    def add(self, message_id: int, link: str) -> None:
        """Remember that the bot answered ``message_id`` with the message at ``link``."""
        self._links[message_id] = link
        self._links.move_to_end(message_id)
        if len(self._links) > self._kept:
            self._links.popitem(last=False)

    def link(self, message_id: int) -> str | None:
        """The link to the bot's reply to ``message_id``, if it answered it lately."""
        return self._links.get(message_id)
