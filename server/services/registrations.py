"""Register history: the numbers a client held before (docs/design.md "client", register history).

Theory of operation: a client's registration number changes with legal status and on transfer.
The number a client held is a fact of the past that no device edits, so the server alone keeps
it: whenever a version changes `registration_number`, the old number is appended to
`registration_history` with its facility and dates, in the same version. One writer means no
merge and no conflict: two devices that each changed the number meet on `registration_number`
(a field conflict as before), and whichever value is taken, the history holds every number the
client was known by. The device's search reads the history too (pwa/src/client/store.ts).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sync import Hlc, InvalidClock

from ..models import Client
from ..models.common import utcnow


def change_day(hlc: str | None) -> date:
    """The day a change was made on its device (its clock's wall time, UTC), never after today;
    today without a clock (a change the server makes itself)."""
    today = utcnow().date()
    if hlc is None:
        return today
    try:
        made = datetime.fromtimestamp(Hlc.parse(hlc).wall_ms / 1000, UTC).date()
    except (InvalidClock, ValueError, OverflowError, OSError):
        return today
    return min(made, today)


def keep_old_number(client: Client, new_number: Any, *, hlc: str | None = None) -> None:
    """Before a stored client takes a new number, keep the old one in its history, ending on
    the day the change was made (its device's clock, `change_day`)."""
    old = client.registration_number
    if not old or not isinstance(new_number, str) or new_number == old:
        return
    history = list(client.registration_history or [])
    until = change_day(hlc).isoformat()
    if history and history[-1]["until"] and history[-1]["until"] > until:
        until = history[-1]["until"]  # a history never runs backwards
    if history:
        since = history[-1]["until"]
    elif client.admission_date is not None:
        since = client.admission_date.isoformat()
    else:
        since = client.created_at.date().isoformat() if client.created_at else None
    history.append(
        {"number": old, "facility_id": client.facility_id, "from": since, "until": until}
    )
    client.registration_history = history  # a new list: the JSON column sees the change


def numbers_of(client: Client) -> list[str]:
    """Every number the client is known by: the current one first, then the older ones."""
    older = [entry["number"] for entry in client.registration_history or []]
    return [client.registration_number, *[n for n in older if n != client.registration_number]]
