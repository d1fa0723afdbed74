"""What an official may see of the figures: counts, with small cells hidden.

Officials of the Kanwil and the Ditjen read aggregates only. A count from 1 to SMALL_CELL - 1
could point at a person in a small facility (health data of prisoners is specific personal data,
UU PDP 27/2022), so it is shown as "< 5". Zero stays zero; rates, medians and hours are left as
they are; the keys that are not counts (the year, months, facility ids) are never touched.
"""

from __future__ import annotations

from typing import Any

from ..schemas.rules import SMALL_CELL
from ..security import Caller

HIDDEN = f"< {SMALL_CELL}"
NOT_COUNTS = frozenset({"year", "facility_ids", "code", "name", "month", "order"})


def suppress_small_counts(value: Any) -> Any:
    """The same figures with every count from 1 to SMALL_CELL - 1 replaced by "< 5"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return HIDDEN if 0 < value < SMALL_CELL else value
    if isinstance(value, dict):
        return {
            key: item if key in NOT_COUNTS else suppress_small_counts(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [suppress_small_counts(item) for item in value]
    return value


def disclosed(caller: Caller, figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as this caller may see them: officials get small cells hidden."""
    if caller.role != "official":
        return figures
    suppressed: dict[str, Any] = suppress_small_counts(figures)
    return suppressed
