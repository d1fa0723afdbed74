"""Push and pull (docs/protocol.md, steps P1–P10 and L1–L4)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify
from marshmallow import RAISE

from ..errors import ApiProblem
from ..extensions import db
from ..json_body import Blueprint
from ..models import Device
from ..schemas.rules import RECORD_READERS
from ..schemas.sync import PullArgs, PullOut, PushIn, PushOut
from ..security import current_caller, login_required
from ..services.audit import audit
from ..services.pull import decode_cursor, pull_page_json
from ..services.push import push, touch_device

blp = Blueprint("sync", __name__, url_prefix="/api/v1/sync", description="Push and pull")


@blp.post("/push")
@login_required("counselor", "admin")  # supervisors read and review; they do not write records
@blp.arguments(PushIn)
@blp.response(200, PushOut)
def push_changes(body: dict[str, Any]) -> Response:
    """Apply a device's changes; one result per change, in order. Idempotent by change_id."""
    caller = current_caller()
    if str(body["device_id"]) != caller.device_id:
        raise ApiProblem(
            403,
            "wrong-device",
            "device_id is not the device of this token.",
            {"device_id": ["Does not match the token's device."]},
        )
    if len(body["changes"]) > current_app.config["PUSH_MAX_CHANGES"]:
        raise ApiProblem(413, "too-many-changes", "At most 500 changes a request.")
    device = db.session.get(Device, caller.device_id)
    assert device is not None
    results = push(caller, device, body["changes"])
    touch_device(device, body)
    counts: dict[str, int] = {}
    for result in results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    audit("push", counts=counts)
    db.session.commit()
    # Encoded directly: the schema above documents the shape; dumping 500 results through it
    # would only copy them.
    return jsonify({"results": results})


@blp.get("/pull")
@login_required(*RECORD_READERS)
@blp.arguments(PullArgs, location="query", unknown=RAISE)
@blp.response(200, PullOut)
def pull_changes(args: dict[str, Any]) -> Response:
    """The records in the caller's scope changed after the cursor, oldest change first."""
    caller = current_caller()
    cursor = decode_cursor(args["cursor"])
    # The page arrives as JSON text built by the database: 1,000 records are never re-encoded.
    page = pull_page_json(caller.facility_ids, cursor, args["limit"])
    if page.reset:
        audit("pull_reset")
    if not page.has_more:  # caught up: this is the device's last sync
        device = db.session.get(Device, caller.device_id)
        if device is not None:
            touch_device(device)
    if page.size:
        audit("pull", records=page.size)
    db.session.commit()
    return Response(page.text, mimetype="application/json")
