"""Push and pull (docs/protocol.md, steps P1–P10 and L1–L4)."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta
from typing import Any

from flask import Response, current_app, jsonify, request
from isal import igzip
from marshmallow import RAISE

from ..errors import ApiProblem
from ..extensions import db
from ..json_body import Blueprint
from ..models import Device
from ..models.common import utcnow
from ..schemas.rules import RECORD_READERS
from ..schemas.sync import (
    DeviceAuditIn,
    DeviceAuditOut,
    PullArgs,
    PullOut,
    PushIn,
    PushOut,
    SealKeyOut,
)
from ..security import current_caller, login_required
from ..services.audit import audit
from ..services.device_audit import take_entries
from ..services.pull import decode_cursor, pull_page_json
from ..services.push import push, touch_device
from ..services.sealed import open_all, public_jwk
from ..services.unit import unit_of_work

logger = logging.getLogger(__name__)

blp = Blueprint("sync", __name__, url_prefix="/api/v1/sync", description="Push and pull")


@blp.post("/push")
@login_required("counselor", "admin")  # supervisors read and review; they do not write records
@blp.arguments(PushIn)
@blp.response(200, PushOut)
def push_changes(body: dict[str, Any]) -> Response:
    """Apply a device's changes; one result per change, in order. Idempotent by change_id."""
    caller = current_caller()
    device = _own_device(body["device_id"])
    if len(body["changes"]) + len(body["sealed"]) > current_app.config["PUSH_MAX_CHANGES"]:
        raise ApiProblem(413, "too-many-changes", "At most 500 changes a request.")
    # Sealed changes are opened first, then go through the very same steps as plain ones.
    opened, unopened = open_all(body["sealed"], caller.user.id)
    results = push(caller, device, body["changes"] + opened) + unopened
    touch_device(device, body)
    counts: dict[str, int] = {}
    for result in results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    audit("push", counts=counts)
    db.session.commit()
    _log_slow_push(len(results))
    # Encoded directly: the schema above documents the shape; dumping 500 results through it
    # would only copy them.
    return jsonify({"results": results})


def _log_slow_push(size: int) -> None:
    """Log a push that held the feed lock long: counts and times only, nothing of a record."""
    locked_at = db.session.info.pop("feed_locked_at", None)
    if locked_at is None:
        return
    held_ms = (time.perf_counter() - locked_at) * 1000
    if held_ms >= current_app.config["SLOW_PUSH_MS"]:
        logger.info("feed lock held %.1f ms for %d changes", held_ms, size)


def _own_device(device_id: Any) -> Device:
    """The caller's device, which a body names; 403 wrong-device for another."""
    caller = current_caller()
    if str(device_id) != caller.device_id:
        raise ApiProblem(
            403,
            "wrong-device",
            "device_id is not the device of this token.",
            {"device_id": ["Does not match the token's device."]},
        )
    device = db.session.get(Device, caller.device_id)
    assert device is not None
    return device


@blp.post("/audit")
@login_required()  # every role unlocks, locks and reads on a device
@blp.arguments(DeviceAuditIn)
@blp.response(200, DeviceAuditOut)
def device_audit(body: dict[str, Any]) -> dict[str, Any]:
    """The device's audit chain: verified from its last verified entry, merged into the trail.

    Idempotent: an entry received before answers `duplicate`. A chain that does not follow (a
    gap, a changed entry) answers `broken`, one that rewrites what was received `rewound`; both
    flag the device for admins.
    """
    caller = current_caller()
    device = _own_device(body["device_id"])
    foreign = {
        str(i): {"user_id": ["Must be the logged-in user."]}
        for i, entry in enumerate(body["entries"])
        if str(entry["user_id"]) != caller.user.id
    }
    if foreign:
        raise ApiProblem(
            422, "validation", "The request has invalid fields; see errors.", {"entries": foreign}
        )
    entries = [{**e, "user_id": str(e["user_id"])} for e in body["entries"]]
    answer = take_entries(device, caller.user.id, entries)
    db.session.commit()
    return answer


@blp.get("/key")
@login_required()
@blp.response(200, SealKeyOut)
def seal_key() -> dict[str, Any]:
    """The public key devices seal their outbox to (a JWK with its key id)."""
    with unit_of_work():
        jwk = public_jwk()
    return {"kid": jwk["kid"], "jwk": jwk}


# A pull answer's cursor and has_more, in headers too (docs/protocol.md, "Pulling ahead").
CURSOR_HEADER, HAS_MORE_HEADER = "Pulih-Cursor", "Pulih-Has-More"


@blp.get("/pull")
@login_required(*RECORD_READERS)
@blp.arguments(PullArgs, location="query", unknown=RAISE)
@blp.response(
    200,
    PullOut,
    headers={
        CURSOR_HEADER: {
            "description": "The body's `cursor`, to ask for the next page before the body is read.",
            "schema": {"type": "string"},
        },
        HAS_MORE_HEADER: {
            "description": "The body's `has_more`: `true` or `false`.",
            "schema": {"type": "string", "enum": ["true", "false"]},
        },
    },
)
def pull_changes(args: dict[str, Any]) -> Response:
    """The records in the caller's scope changed after the cursor, oldest change first."""
    caller = current_caller()
    cursor = decode_cursor(args["cursor"])
    # The page arrives as JSON text built by the database: 1,000 records are never re-encoded.
    page = pull_page_json(caller.facility_ids, cursor, args["limit"])
    if page.reset:
        audit("pull_reset")
    if not page.has_more:  # caught up: this is the device's last sync
        device = db.session.get(Device, caller.device_id)  # loaded with the token: no query
        if device is not None and _sync_is_news(device, args["pending_count"]):
            touch_device(device, {"pending_count": args["pending_count"]})
    if page.size:
        audit("pull", records=page.size)
    db.session.commit()
    # P-scope: every page names the facilities the caller may hold now; a device drops the
    # records of any other (docs/protocol.md, "Scope loss").
    scope = json.dumps(sorted(caller.facility_ids))
    response = compressed(f'{page.text[:-1]},"facility_ids":{scope}}}')
    # The body's cursor and has_more, readable before the body is (docs/protocol.md, "Pulling
    # ahead"): a device asks for the next page while this one still downloads and is parsed.
    response.headers[CURSOR_HEADER] = page.cursor
    response.headers[HAS_MORE_HEADER] = "true" if page.has_more else "false"
    return response


# A device that polls while caught up would otherwise write its row on every pull.
SYNC_TOUCH_SECONDS = 60


def _sync_is_news(device: Device, pending_count: int | None) -> bool:
    """Whether the pull that ends a sync has anything to store: a new pending count, or a
    last sync older than SYNC_TOUCH_SECONDS (within that, the stored time is still true).
    """
    if pending_count is not None and pending_count != device.pending_count:
        return True
    last = device.last_sync_at
    return last is None or utcnow() - last >= timedelta(seconds=SYNC_TOUCH_SECONDS)


# Below this a gzip member costs more than it saves (headers, a round of the CPU).
GZIP_MIN_BYTES = 1400


def compressed(text: str) -> Response:
    """A JSON answer, gzipped when the device accepts it and it is worth it.

    A page of 1,000 sessions is about 900 KiB of JSON and a tenth of that gzipped: on a phone's
    link in a cell block the bytes, not the server, decide how long a sync takes. ISA-L's igzip
    at level 1 makes the same gzip format several times faster than zlib at level 1, for a few
    percent more bytes (bench/served_bench.py measures both). Pull pages reflect no secret a
    request could probe for (BREACH).
    """
    data = text.encode()
    if len(data) >= GZIP_MIN_BYTES and request.accept_encodings.quality("gzip") > 0:
        response = Response(igzip.compress(data, compresslevel=1, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(data)
    response.mimetype = "application/json"
    response.vary.add("Accept-Encoding")
    return response
