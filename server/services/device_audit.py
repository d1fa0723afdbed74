"""The device-side audit chain (docs/protocol.md, "Device audit chain").

Theory of operation: a device appends an entry for each opening of a record, edit, export,
unlock, lock and failed PIN, numbered `n` = 1, 2, … per user of the device, each carrying the
hash of the one before (`prev`; the first carries GENESIS) and its own hash, SHA-256 over
`canonical()`. The server keeps, on the device row, the last verified entry of each user's chain
(`audit_heads`), and every verified entry's number and hash (`device_audit_entries`). An entry:

- whose number is already known with the same hash was received before: `duplicate`, nothing
  written (a device whose answer was lost sends again);
- whose number is already known with another hash, or below the head without a record of it, is
  history rewritten: `rewound`, not merged, and the device is flagged;
- that follows the head (n + 1, prev = the head's hash) and whose hash is right is `accepted`;
- anything else (a gap, a prev that does not match, a hash that does not match its content) is
  `broken`: merged all the same (an admin wants to see what the device claims), marked so in
  the trail, the device flagged, and the head moved onto it so the chain goes on from there.

Each accepted or broken entry becomes an audit event `device_<action>` at the device's time, by
the caller, from the device, with the record it names: admins see who read what offline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from ..extensions import db
from ..models import ENTITY_MODELS, AuditEvent, Device, DeviceAuditEntry
from ..models.common import utcnow

GENESIS = "0" * 64
ACTIONS = ("read", "edit", "export", "unlock", "lock", "pin_failed")


def canonical(entry: Mapping[str, Any], device_id: str) -> str:
    """The text an entry's hash is taken over: a JSON array without spaces, in a fixed order.

    The same on the device (pwa/src/client/vault/audit-chain.ts) byte for byte: every value is
    an integer, ASCII text or null.
    """
    fields = [
        entry["n"],
        entry["at"],
        entry["user_id"],
        device_id,
        entry["action"],
        entry.get("entity"),
        entry.get("record_id"),
        entry["prev"],
    ]
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=True)


def entry_hash(entry: Mapping[str, Any], device_id: str) -> str:
    return hashlib.sha256(canonical(entry, device_id).encode()).hexdigest()


def _facility_of(entity: str | None, record_id: str | None) -> str | None:
    model = ENTITY_MODELS.get(entity or "")
    if model is None or not record_id:
        return None
    record = db.session.get(model, record_id)
    return None if record is None else str(record.facility_id)


def _flag(device: Device, kind: str) -> None:
    device.audit_chain = kind
    device.audit_chain_at = utcnow()


def take_entries(
    device: Device, user_id: str, entries: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Verify and merge one user's entries, in the order sent; the caller commits."""
    if not entries:
        head = (device.audit_heads or {}).get(user_id) or {"n": 0, "hash": GENESIS}
        return {"results": [], "head": head, "flag": device.audit_chain}
    # The device row is locked first (on SQLite: the write lock, before any read needs it), so
    # two syncs of one device at once take their entries one after the other.
    db.session.execute(
        update(Device).where(Device.id == device.id).values(audit_heads=Device.audit_heads)
    )
    db.session.refresh(device)
    heads = dict(device.audit_heads or {})
    head = heads.get(user_id) or {"n": 0, "hash": GENESIS}
    numbers = [int(e["n"]) for e in entries]
    known = {
        row.n: row.hash
        for row in db.session.scalars(
            select(DeviceAuditEntry).where(
                DeviceAuditEntry.device_id == device.id,
                DeviceAuditEntry.user_id == user_id,
                DeviceAuditEntry.n.in_(numbers),
            )
        )
    }
    results: list[dict[str, Any]] = []
    for entry in entries:
        n = int(entry["n"])
        claimed = str(entry["hash"])
        if n in known:
            status = "duplicate" if known[n] == claimed else "rewound"
        elif n <= int(head["n"]):
            status = "rewound"
        elif (
            n == int(head["n"]) + 1
            and entry["prev"] == head["hash"]
            and entry_hash(entry, device.id) == claimed
        ):
            status = "accepted"
        else:
            status = "broken"
        results.append({"n": n, "status": status})
        if status in ("duplicate", "rewound"):
            if status == "rewound":
                _flag(device, "rewound")
            continue
        if status == "broken":
            _flag(device, "broken")
        event = AuditEvent(
            at=_instant(entry["at"]),
            user_id=user_id,
            device_id=device.id,
            action=f"device_{entry['action']}",
            entity=entry.get("entity"),
            record_id=entry.get("record_id"),
            facility_id=_facility_of(entry.get("entity"), entry.get("record_id")),
            detail={"n": n, "chain": "ok" if status == "accepted" else "broken"},
        )
        db.session.add(event)
        db.session.flush()
        db.session.add(
            DeviceAuditEntry(
                device_id=device.id, user_id=user_id, n=n, hash=claimed, audit_event_id=event.id
            )
        )
        known[n] = claimed
        head = {"n": n, "hash": claimed}
    heads[user_id] = head
    device.audit_heads = heads  # a new dict: the JSON column sees the change
    return {"results": results, "head": head, "flag": device.audit_chain}


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
