"""Feed sequence numbers, allocated under one row lock so they commit in order (README P1, L2).

Theory of operation: every change that makes a new version takes its `seq` from the single
`sync_counter` row with `UPDATE ... RETURNING`. On PostgreSQL that row stays locked until the
transaction ends, so a second writer waits before it can allocate: no transaction can commit a
smaller seq after a larger one became visible. A reader that saw seq N can therefore never later
find a committed row with seq <= N it has not seen, and `seq > cursor` is a complete feed.
The cost is that writers of the feed serialize, from taking the lock to their commit; on
PostgreSQL a push decides its batch before it takes the lock (push/pipeline.py, `_apply_ahead`),
so it holds the lock only to check nothing changed meanwhile and to write.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session, scoped_session

# The app's scoped session (db.session) or a plain one (the demo loader, tests).
AnySession = Session | scoped_session[Any]

_ALLOCATE = text("UPDATE sync_counter SET seq = seq + :n WHERE id = 1 RETURNING seq")


def lock_feed(session: AnySession) -> None:
    """Take the feed lock now, before any read, so SQLite never has to upgrade a read lock.

    When it was taken goes in `session.info["feed_locked_at"]` (perf_counter seconds): the
    push route logs a push that held it long (every other writer waited that long).
    """
    session.execute(text("UPDATE sync_counter SET seq = seq WHERE id = 1"))
    session.info["feed_locked_at"] = time.perf_counter()


def allocate(session: AnySession, n: int = 1) -> int:
    """Reserve n sequence numbers; returns the last one (the block is last-n+1 .. last)."""
    last = session.execute(_ALLOCATE, {"n": n}).scalar_one()
    return int(last)


def current_seq(session: AnySession) -> int:
    """The last allocated seq (committed or not)."""
    return int(session.execute(text("SELECT seq FROM sync_counter WHERE id = 1")).scalar_one())


class FeedState(NamedTuple):
    """Where the feed stands: its last seq, its epoch, and the log row the epoch began after."""

    seq: int
    epoch: str
    epoch_log_id: int


def feed_state(session: AnySession) -> FeedState:
    """The feed's position and epoch in one read (the pull's first step)."""
    row = session.execute(
        text("SELECT seq, epoch, epoch_log_id FROM sync_counter WHERE id = 1")
    ).one()
    return FeedState(int(row.seq), str(row.epoch), int(row.epoch_log_id))


def start_epoch(session: AnySession) -> str:
    """Begin a new epoch (after a restore): every cursor handed out before is now another's.

    The change log rows the restored database holds are the history devices and server share;
    `epoch_log_id` marks where that history ends (docs/protocol.md, "After a restore").
    """
    epoch = uuid.uuid4().hex
    session.execute(
        text(
            "UPDATE sync_counter SET epoch = :epoch,"
            " epoch_log_id = (SELECT COALESCE(MAX(id), 0) FROM change_log) WHERE id = 1"
        ),
        {"epoch": epoch},
    )
    return epoch
