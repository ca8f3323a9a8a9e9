"""What the fake records about REST traffic, and parsing of JSON/multipart bodies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web


@dataclass(eq=False)
class UploadedFile:
    """A file part (``files[n]``) of a multipart request."""

    index: int
    filename: str
    data: bytes
    content_type: str | None


@dataclass(eq=False)
class RecordedRequest:
    """One REST request the bot made, as the fake saw it.

    Attributes:
        method: HTTP method.
        path: Path below the API base, e.g. ``/channels/123/messages``.
        query: Query string parameters.
        json: The JSON body (the ``payload_json`` part for multipart requests).
        files: Uploaded files of a multipart request.
        headers: Request headers; the Authorization value is masked.
        authorized: Whether a valid ``Authorization: Bot <token>`` was sent.
        status: The status code the fake answered with.
        response: The JSON the fake answered with (``None`` for 204).

    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    headers: dict[str, str]
    authorized: bool
    status: int | None = None
    response: Any = None

    def matches(self, method: str, path_regex: str) -> bool:
        """Whether this request has ``method`` and a path fully matching ``path_regex``."""
        return self.method == method.upper() and re.fullmatch(path_regex, self.path) is not None

    def summary(self) -> str:
        """One line description for assertion messages."""
        text = f"{self.method} {self.path} -> {self.status}"
        if self.status is not None and self.status >= 400:
            text += f" {json.dumps(self.response)[:300]}"
        return text


async def parse_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """Read a request body: JSON, or multipart with ``payload_json`` and ``files[n]``."""
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[UploadedFile] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            data = await part.read(decode=False)
            if name == "payload_json":
                payload = json.loads(data)
            else:
                match = re.fullmatch(r"files\[(\d+)\]", name)
                index = int(match.group(1)) if match else len(files)
                content_type = part.headers.get("Content-Type")
                files.append(
                    UploadedFile(
                        index=index,
                        filename=part.filename or name,
                        data=bytes(data),
                        content_type=content_type,
                    )
                )
        return payload, files
    raw = await request.read()
    if not raw:
        return None, []
    return json.loads(raw), []
