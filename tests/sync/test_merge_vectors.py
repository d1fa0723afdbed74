"""The shared merge vectors (tests/vectors/merge.json) against sync.merge_change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sync import HistoryEntry, InvalidChange, ServerRecord, merge_change

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "merge.json").read_text())["vectors"]


def _decide(vector: dict[str, Any]) -> Any:
    change, server = vector["change"], vector["server"]
    return merge_change(
        change["op"],
        change["base_version"],
        change["fields"],
        device_id=change["device_id"],
        server=ServerRecord(
            version=server["version"],
            values=server["values"],
            deleted=server.get("deleted", False),
            locked=server.get("locked", False),
        ),
        history=[
            HistoryEntry(h["version"], h["device_id"], tuple(h["changed_fields"]))
            for h in vector["history"]
        ],
        base=vector["base"],
        text_fields=frozenset(vector["text_fields"]),
    )


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_merge_change_matches_shared_vector(vector: dict[str, Any]) -> None:
    expect = vector["expect"]
    if "error" in expect:
        with pytest.raises(InvalidChange) as refused:
            _decide(vector)
        assert refused.value.errors == expect["error"]
        return
    decision = _decide(vector)
    assert (decision.kind and str(decision.kind)) == expect["kind"]
    if expect["kind"] is not None:
        assert decision.outcome is None
        return
    assert decision.outcome is not None
    assert str(decision.outcome.status) == expect["status"]
    assert dict(decision.outcome.apply) == expect["apply"]
    conflicts = {
        name: {"base": c.base, "server": c.server, "client": c.client}
        for name, c in decision.outcome.conflicts.items()
    }
    assert conflicts == expect["conflicts"]
