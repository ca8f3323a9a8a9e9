"""The JSON Schema of knowledge files, generated from the model, for editors to check YAML."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from bot.engine.model import KnowledgeFile

SCHEMA_FILE = "schema.json"


def schema_text() -> str:
    """The schema as stable, pretty JSON."""
    schema = TypeAdapter(KnowledgeFile).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schema(directory: Path) -> Path:
    """Write ``schema.json`` into a knowledge directory; return its path."""
    path = directory / SCHEMA_FILE
    path.write_text(schema_text(), encoding="utf-8")
    return path
