"""Pull: the latest state of every record in scope changed after the cursor (README steps L1–L4)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    Select,
    bindparam,
    func,
    select,
    union_all,
)

from ..extensions import db
from ..models import ENTITY_MODELS, ScopeExit
from .errors import BadRequest
from .feed import feed_state
from .record_json import entry_json, left_entry_json


class Cursor(NamedTuple):
    """A feed position and the epoch it belongs to (None: from the beginning, any epoch).

    `remaining` is what the page that made the cursor estimated the next pages hold, so the
    next page can estimate by subtraction instead of counting again (None: count).
    """

    seq: int
    epoch: str | None
    remaining: int | None = None


START = Cursor(0, None)


def encode_cursor(seq: int, epoch: str, remaining: int | None = None) -> str:
    """An opaque cursor: clients store it and send it back, never read it."""
    data: dict[str, Any] = {"v": 1, "s": seq, "e": epoch}
    if remaining is not None:
        data["r"] = remaining
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def decode_cursor(cursor: str | None) -> Cursor:
    """L1: the feed position of a cursor; a 400 problem for one this server did not make.

    Cursors made before epochs existed carry none: they belong to the first epoch, "".
    """
    if not cursor:
        return START
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        seq, epoch, remaining = data["s"], data.get("e", ""), data.get("r")
        if data.get("v") != 1 or not _count(seq) or not isinstance(epoch, str):
            raise ValueError
        if remaining is not None and not _count(remaining):
            raise ValueError
        return Cursor(seq, epoch, remaining)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError, AttributeError):
        raise BadRequest(
            "invalid-cursor",
            "The cursor is not one this server made.",
            {"cursor": ["Invalid cursor."]},
        ) from None


def _exits(after: BindParameter[int], scope: BindParameter[list[str]]) -> Any:
    """Records that left the caller's scope after the cursor, to a facility outside it."""
    outside = ScopeExit.to_facility_id.not_in(bindparam("scope_out", expanding=True))
    return (ScopeExit.seq > after) & ScopeExit.facility_id.in_(scope) & outside


def _stored_entry(entity: str, dialect: str) -> Any:
    """A record's stored entry (services/pull_entries.py), built here only when it is missing."""
    return func.coalesce(ENTITY_MODELS[entity].pull_entry, entry_json(entity, dialect))


@cache
def _page_statement(dialect: str) -> Select[Any]:
    """The L2 statement, built once per dialect; `after`, `scope` and `limit` are bound.

    Two steps in one statement: where the page ends first (the `limit`-th smallest seq after
    the cursor in scope: from the (facility_id, seq) index of each table alone), then the JSON
    of the records up to there. Built in one step, every table with records after the cursor
    would build the JSON of up to `limit` of them, for the merge to keep a page's worth.
    """
    after: BindParameter[int] = bindparam("after")
    scope: BindParameter[list[str]] = bindparam("scope", expanding=True)
    firsts = [
        select(model.seq.label("seq"))
        .where(model.seq > after, model.facility_id.in_(scope))
        .order_by(model.seq)
        .limit(bindparam("limit"))
        .subquery()
        for model in ENTITY_MODELS.values()
    ]
    firsts.append(
        select(ScopeExit.seq.label("seq"))
        .where(_exits(after, scope))
        .order_by(ScopeExit.seq)
        .limit(bindparam("limit"))
        .subquery()
    )
    merged = union_all(*(select(first) for first in firsts)).subquery()
    page = select(merged.c.seq).order_by(merged.c.seq).limit(bindparam("limit")).subquery()
    # Referenced by every table's part: both databases compute it once (a materialized CTE).
    end = select(func.max(page.c.seq).label("seq")).cte("page_end")
    last = select(end.c.seq).scalar_subquery()
    entries = union_all(
        *(
            select(model.seq.label("seq"), _stored_entry(entity, dialect).label("entry")).where(
                model.seq > after, model.seq <= last, model.facility_id.in_(scope)
            )
            for entity, model in ENTITY_MODELS.items()
        ),
        # A record that left the scope: no body, docs/protocol.md "Scope loss".
        select(
            ScopeExit.seq.label("seq"),
            left_entry_json(
                ScopeExit.entity, ScopeExit.record_id, ScopeExit.version, dialect
            ).label("entry"),
        ).where(_exits(after, scope), ScopeExit.seq <= last),
    ).subquery()
    return select(entries).order_by(entries.c.seq)


def _page_rows(facility_ids: list[str], after: int, limit: int) -> tuple[list[Any], bool]:
    """L2–L3: (seq, entry JSON) of each change of the next page, in one statement.

    One statement sees one snapshot, so a later-committed row can never be seen while an earlier
    one is missed; with the feed's serialized seqs (P1) that makes `seq > cursor` complete.
    """
    statement = _page_statement(db.engine.dialect.name)
    scope = list(facility_ids)
    params = {"after": after, "scope": scope, "scope_out": scope, "limit": limit + 1}
    rows = db.session.connection().execute(statement, params).all()
    return list(rows[:limit]), len(rows) > limit


@cache
def _remaining_statement() -> Select[Any]:
    """The count of changes_after, built once; `after` and `scope` are bound."""
    after: BindParameter[int] = bindparam("after")
    scope: BindParameter[list[str]] = bindparam("scope", expanding=True)
    counts = union_all(
        *(
            select(func.count().label("n")).where(model.seq > after, model.facility_id.in_(scope))
            for model in ENTITY_MODELS.values()
        ),
        select(func.count().label("n")).where(_exits(after, scope)),
    ).subquery()
    return select(func.coalesce(func.sum(counts.c.n), 0))


def changes_after(facility_ids: Iterable[str], after: int) -> int:
    """How many records in these facilities changed after seq `after` (and exits out of them).

    A pull page's `remaining`: an estimate for a progress bar (records changing meanwhile make
    it grow). A push decided ahead of the feed lock asks it whether anything changed in its
    facilities since it began (push/pipeline.py). Read on the same (facility_id, seq) index as
    the page.
    """
    scope = list(facility_ids)
    params = {"after": after, "scope": scope, "scope_out": scope}
    return int(db.session.connection().execute(_remaining_statement(), params).scalar_one())


class EncodedPage(NamedTuple):
    """A pull page as the JSON text of the answer, with what the route needs to know of it."""

    text: str
    size: int
    has_more: bool
    cursor: str
    reset: bool = False


def pull_page_json(facility_ids: Iterable[str], cursor: Cursor, limit: int) -> EncodedPage:
    """One page as the JSON text of the answer, and how many changes it holds.

    L1: a cursor of another epoch, or one past the end of the feed, was made by a database this
    one was restored over: the answer is an empty page saying `"reset": true`, with a cursor at
    the start of this epoch's feed (docs/protocol.md, "After a restore").
    L4: the cursor is the last seq of the page (or unchanged when the page is empty).
    `remaining` (an extension, docs/protocol.md) estimates what the next pages hold.
    """
    state = feed_state(db.session)
    if (cursor.epoch is not None and cursor.epoch != state.epoch) or cursor.seq > state.seq:
        start = encode_cursor(0, state.epoch)
        text = f'{{"changes":[],"cursor":"{start}","has_more":true,"reset":true}}'
        return EncodedPage(text, 0, True, start, reset=True)
    after = cursor.seq
    facility_ids = list(facility_ids)
    rows: list[Any] = []
    has_more = False
    counted = None
    # L2, fast path: at or past the last committed seq there is nothing new for anybody.
    # (Allocation is serialized, so every seq up to the committed counter is committed.)
    if after < state.seq:
        if after > 0 and cursor.remaining is None:
            # A device that had caught up checks in: what is new in its facilities is counted
            # first, and when nothing is, the answer is the empty page without the page
            # statement, which PostgreSQL plans anew for each cursor (at 1,000,000 records an
            # empty page took 3.7 ms against 1.1 for the count, and the count stays flat).
            counted = changes_after(facility_ids, after)
        if counted != 0:
            rows, has_more = _page_rows(facility_ids, after, limit)
    changes = ",".join([entry for _seq, entry in rows])
    remaining = 0
    if has_more:
        # The estimate the cursor carries (or the count just made) less this page; counted after
        # the page on a sync's first page, and when the estimate runs out while pages still
        # come (records changed meanwhile).
        estimate = cursor.remaining if cursor.remaining is not None else counted
        left = estimate - len(rows) if estimate is not None else 0
        remaining = left if left > 0 else changes_after(facility_ids, rows[-1][0])
    last = rows[-1][0] if rows else after
    next_cursor = encode_cursor(last, state.epoch, remaining if has_more else None)
    more = "true" if has_more else "false"
    text = (
        f'{{"changes":[{changes}],"cursor":"{next_cursor}","has_more":{more},'
        f'"remaining":{remaining}}}'
    )
    return EncodedPage(text, len(rows), has_more, next_cursor)


def pull_page(facility_ids: Iterable[str], after: int, limit: int) -> dict[str, Any]:
    """One page of the feed for a scope, as Python data (for callers inside the server)."""
    text = pull_page_json(facility_ids, Cursor(after, None), limit).text
    page: dict[str, Any] = json.loads(text)
    return page
