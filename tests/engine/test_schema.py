"""The JSON Schema in the repo is the one the model generates, and it checks real files."""

from __future__ import annotations

import json

import jsonschema
import pytest

from bot.engine.strict_yaml import read_yaml
from bot.schema import SCHEMA_FILE, schema_text
from tests.conftest import KNOWLEDGE


def test_schema_file_is_current() -> None:
    """Regenerate with ``python -m bot schema`` when the model changes."""
    assert (KNOWLEDGE / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()


@pytest.mark.parametrize("path", sorted(KNOWLEDGE.glob("*.yaml")), ids=lambda p: p.name)
def test_every_knowledge_file_validates_against_the_schema(path) -> None:
    """Editors using the schema see the same verdict as the loader."""
    schema = json.loads(schema_text())
    jsonschema.validate(read_yaml(path.read_text(encoding="utf-8")).data or {}, schema)


def test_schema_rejects_unknown_fields() -> None:
    """The schema forbids fields the loader would reject."""
    schema = json.loads(schema_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"entries": [], "surprise": 1}, schema)
