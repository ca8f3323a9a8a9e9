"""JSON responses with exactly ``Content-Type: application/json``, as discord.py requires.

discord.py only parses a body as JSON when the header is exactly
``application/json``; aiohttp's ``json_response`` appends ``; charset=utf-8``.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """Build a JSON response with Discord's exact content type."""
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        content_type=None,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )
