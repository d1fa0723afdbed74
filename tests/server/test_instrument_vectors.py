"""The shared instrument vectors (tests/vectors/instruments.json) against server/instruments.

The PWA runs the same file against its scorer (pwa/tests/instrument-vectors.test.ts), so the
device's live scores and the server's recorded ones cannot drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from server import instruments

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "instruments.json").read_text())


@pytest.mark.parametrize("vector", VECTORS["scores"], ids=lambda v: v["name"])
def test_vector_scores(vector: dict[str, Any]) -> None:
    assert instruments.validate(vector["instrument"], vector["answers"]) == {}
    assert instruments.score(vector["instrument"], vector["answers"]) == vector["scores"]


@pytest.mark.parametrize(
    "vector", VECTORS["invalid"], ids=lambda v: f"{v['instrument']}:{','.join(v['fields'])}"
)
def test_vector_invalid_answers_name_their_fields(vector: dict[str, Any]) -> None:
    errors = instruments.validate(vector["instrument"], vector["answers"])
    assert sorted(errors) == sorted(vector["fields"])
    assert all(
        messages and all(isinstance(m, str) for m in messages) for messages in errors.values()
    )
