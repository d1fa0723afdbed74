"""Pull: the latest state of every record in scope changed after the cursor (README steps L1–L4)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import literal, select, union_all

from ..errors import ApiProblem
from ..extensions import db
from ..models import ENTITY_MODELS
from .feed import current_seq
from .wire import raw_columns, raw_row_to_wire


def encode_cursor(seq: int) -> str:
    """An opaque cursor: clients store it and send it back, never read it."""
    return base64.urlsafe_b64encode(json.dumps({"v": 1, "s": seq}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """L1: the feed position of a cursor; a 400 problem for one this server did not make."""
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        seq = data["s"]
        if data.get("v") != 1 or not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise ValueError
        return seq
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise ApiProblem(
            400,
            "invalid-cursor",
            "The cursor is not one this server made.",
            {"cursor": ["Invalid cursor."]},
        ) from None


def pull_page(facility_ids: Iterable[str], after: int, limit: int) -> dict[str, Any]:
    """One page of the feed for a scope.

    L2: one statement reads (entity, id, seq) across all tables, so the page comes from one
    snapshot: a later-committed row can never be seen while an earlier one is missed.
    """
    scope = list(facility_ids)
    # L2, fast path: at or past the last committed seq there is nothing new for anybody.
    # (Allocation is serialized, so every seq up to the committed counter is committed.)
    if after >= current_seq(db.session):
        return {"changes": [], "cursor": encode_cursor(after), "has_more": False}
    parts = [
        select(literal(entity).label("entity"), model.id.label("id"), model.seq.label("seq"))
        .where(model.seq > after, model.facility_id.in_(scope))
        .order_by(model.seq)
        .limit(limit + 1)
        .subquery()
        for entity, model in ENTITY_MODELS.items()
    ]
    merged = union_all(*(select(part) for part in parts)).subquery()
    rows = db.session.execute(
        select(merged.c.entity, merged.c.id, merged.c.seq).order_by(merged.c.seq).limit(limit + 1)
    ).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    # L3: load the records of the page as plain rows (no ORM objects); one query per entity.
    # A record changed since L2 comes in its newer state; L2 finds it again later: never a skip.
    wanted: dict[str, list[str]] = {}
    for entity, record_id, _seq in rows:
        wanted.setdefault(entity, []).append(record_id)
    loaded: dict[tuple[str, str], dict[str, Any]] = {}
    for entity, ids in wanted.items():
        table = ENTITY_MODELS[entity].__table__  # type: ignore[attr-defined]
        columns, _ = raw_columns(entity)
        for row in db.session.execute(select(*columns).where(table.c.id.in_(ids))):
            record = raw_row_to_wire(entity, row)
            loaded[(entity, record["id"])] = record
    changes = []
    for entity, record_id, _seq in rows:
        record = loaded[(entity, record_id)]
        changes.append(
            {
                "entity": entity,
                "id": record_id,
                "version": record["version"],
                "deleted": record["deleted"],
                "record": record,
            }
        )
    # L4: the cursor is the last seq of the page (or unchanged when the page is empty).
    last = rows[-1][2] if rows else after
    return {"changes": changes, "cursor": encode_cursor(last), "has_more": has_more}
