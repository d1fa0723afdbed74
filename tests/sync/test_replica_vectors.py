"""The shared replica vectors (tests/vectors/replica.json) against sync.Replica.

The PWA's store runs the same file (pwa/tests/replica-vectors.test.ts), so the two views of
"pulled state plus pending changes" can never drift apart.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from sync import PulledChange, Replica, Result, Status

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "replica.json").read_text())[
    "vectors"
]


def _play(steps: list[dict[str, Any]]) -> Replica:
    ids = (f"chg-{n}" for n in itertools.count())
    replica = Replica("device-a", new_id=lambda: next(ids), now_ms=lambda: 1_700_000_000_000)
    for step in steps:
        ((verb, arg),) = step.items()
        if verb == "pull":
            replica.apply_pull(PulledChange.from_wire(p) for p in arg)
        elif verb == "create":
            replica.create(arg["entity"], arg["fields"], id=arg["id"])
        elif verb == "edit":
            replica.edit(arg["entity"], arg["id"], arg["fields"])
        elif verb == "delete":
            replica.delete(arg["entity"], arg["id"])
        elif verb == "ack":
            outbox = list(replica.outbox)
            replica.acknowledge(
                Result(
                    change_id=outbox[a["outbox_index"]].change_id,
                    status=Status(a["status"]),
                    id=outbox[a["outbox_index"]].id,
                    version=a.get("version"),
                    errors=a.get("errors") or {},
                )
                for a in arg
            )
        else:
            raise AssertionError(f"unknown step {verb}")
    return replica


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_replica_matches_shared_vector(vector: dict[str, Any]) -> None:
    replica = _play(vector["steps"])
    for key, expected in vector["expect"]["records"].items():
        entity, record_id = key.split("/")
        record = replica.records.get((entity, record_id))
        if expected is None:
            assert record is None, key
        else:
            assert record is not None, key
            assert {name: record.get(name) for name in expected} == expected, key
    outbox = [
        {k: v for k, v in c.to_wire().items() if k not in ("change_id", "hlc")}
        for c in replica.outbox
    ]
    assert outbox == vector["expect"]["outbox"]
