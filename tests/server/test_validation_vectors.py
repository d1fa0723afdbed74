"""The shared validation vectors (tests/vectors/validation.json) against the server's schemas.

The PWA runs the same file against its own checks (pwa/tests/validation-vectors.test.ts).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from marshmallow import ValidationError

from server.schemas.records import load_fields

DATA = json.loads((Path(__file__).parents[1] / "vectors" / "validation.json").read_text())
VECTORS = DATA["vectors"]


def _names(messages: Any, prefix: str = "") -> set[str]:
    """Field names in error, nested ones as 'parent.child' down to the first level."""
    if not isinstance(messages, dict):
        return {prefix.rstrip(".")}
    if prefix:
        return {prefix.rstrip(".")}
    return {name for field, why in messages.items() for name in _names(why, f"{field}.")}


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_server_schemas_find_the_vector_errors(vector: dict[str, Any]) -> None:
    fields = {"facility_id": DATA["facility_id"], **vector["fields"]}
    try:
        load_fields(vector["entity"], fields, partial=False)
        found: set[str] = set()
    except ValidationError as error:
        found = _names(error.messages)
    assert sorted(found) == vector["errors"]
