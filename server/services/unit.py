"""One unit of work: a request's or a command's changes commit once, at its end, or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..extensions import db
from .errors import DomainError


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block did; roll it back on any error, unless the error keeps it."""
    try:
        yield
    except DomainError as error:
        if error.keep_changes:
            db.session.commit()  # e.g. a failed login is counted even though it is refused
        else:
            db.session.rollback()
        raise
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
