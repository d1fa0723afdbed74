"""The demo province's program path, made the way the field makes it (server/demo.py plans it).

Theory of operation: the supervisor creates each cohort through `services.cohorts.add_cohort`;
then, facility by facility and in the order of their dates, the facility's counselor pushes every
enrollment, phase change and exit through the push pipeline (`services.push.push`, steps P1-P10)
from the counselor's demo tablet, so the figures of the demo come out of records that passed every
rule a phone's would. A change the pipeline refuses stops the load: the plan broke a rule.
Last, a few clients whose program ended as `transferred` are transferred (mutasi) to another
facility on that day, through the same pipeline: their history moves, their figures stay.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert

from .demo_data import DEMO_NOW
from .models import Client, Device, User
from .models.records import holding_numbers
from .schemas.rules import TC_PHASES
from .security import Caller
from .services.cohorts import add_cohort
from .services.push import push

DEMO_NAMESPACE = uuid.UUID("6f1d2c3b-5a49-4e8f-9b7a-0c1d2e3f4a5b")
# The phases of each program's cohorts: (name, planned weeks).
COHORT_PHASES: dict[str, tuple[tuple[str, int], ...]] = {
    "rehab_sosial": TC_PHASES,
    "rehab_medis": (("detoksifikasi", 2), ("primary", 22)),
    "pasca_rehab": (("re-entry", 26),),
}
EXIT_REASONS = {
    "withdrew": "Mengundurkan diri atas permintaan sendiri.",
    "expelled": "Dikeluarkan setelah pelanggaran berat tata tertib TC.",
    "transferred": "Dipindahkan ke lapas lain.",
    "released": "Bebas sebelum program selesai.",
}
BATCH = 500  # the push's limit per request (Config.PUSH_MAX_CHANGES)
CREATE, PHASE, EXIT = 0, 1, 2  # on one day: enroll first, then phases, then an exit


def _id(*parts: object) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, "/".join(str(p) for p in parts)))


Change = dict[str, Any]
Event = tuple[date, int, Change]  # (day, CREATE | PHASE | EXIT, the change)


def _change(entity: str, record_id: str, fields: dict[str, Any], base: int | None) -> Change:
    wire = {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}
    return {
        "change_id": _id("change", entity, record_id, base),
        "entity": entity,
        "id": record_id,
        "op": "upsert",
        "base_version": base,
        "fields": wire,
        "hlc": None,
    }


def _events(row: dict[str, Any], phases: list[dict[str, Any]]) -> list[Event]:
    """One enrollment's changes as its counselor sends them: enroll, each phase, the exit."""
    start, end = row["start_date"], row["end_date"]
    ended = row["status"] != "active"
    create = {k: row[k] for k in ENROLLMENT_FIELDS} | {
        "status": "active",
        "end_date": None if ended else end,  # a running one ends with its cohort
        "exit_reason": "",
        "tc_grade": None,
    }
    events = [(start, CREATE, _change("enrollment", row["id"], create, None))]
    day = start
    for phase in phases:
        last = end if ended else DEMO_NOW.date()
        if day > last:
            break
        fields = {
            "facility_id": row["facility_id"],
            "enrollment_id": row["id"],
            "client_id": row["client_id"],
            "phase": phase["name"],
            "changed_on": day,
            "decided_by": "Sidang TC" if row["program"] == "rehab_sosial" else "Tim Asesmen",
        }
        events.append(
            (day, PHASE, _change("phase_change", _id("phase", row["id"], day), fields, None))
        )
        day += timedelta(weeks=phase["planned_weeks"])
    if ended:
        fields = {k: row[k] for k in ("status", "end_date", "exit_reason", "tc_grade")}
        events.append((end, EXIT, _change("enrollment", row["id"], fields, 1)))
    return events


ENROLLMENT_FIELDS = (
    "facility_id",
    "client_id",
    "program",
    "cohort",
    "phase",
    "start_date",
    "cohort_id",
    "primary_counselor_id",
    "screening_id",
)


def load_path(session: Any, province: Any) -> dict[str, int]:
    """Cohorts by the supervisor, then every enrollment's path pushed by its counselor."""
    supervisor = session.get(User, province.supervisor["id"])
    for planned in sorted(province.cohorts.values(), key=lambda c: (c["start_date"], c["id"])):
        target = -(-planned["intake_target"] * 11 // 50) * 5  # 10% above the intake, in fives
        add_cohort(
            planned | {"intake_target": target}, user_id=supervisor.id, cohort_id=planned["id"]
        )
    phases = {c["id"]: c["phases"] for c in province.cohorts.values()}
    by_facility: dict[str, list[Event]] = {}
    for row in province.rows["enrollment"]:
        by_facility.setdefault(row["facility_id"], []).extend(
            _events(row, phases[row["cohort_id"]])
        )
    counts = {"cohort": len(province.cohorts), "enrollment": 0, "phase_change": 0}
    for code, facility_id in sorted(province.facility_ids.items()):
        events = sorted(by_facility.get(facility_id, []), key=lambda e: (e[0], e[1], e[2]["id"]))
        if not events:
            continue
        counselor = session.get(User, province.counselors[code][0])
        device = Device(id=_id("device", code), name=f"Tablet {code}", last_user_id=counselor.id)
        session.execute(
            insert(Device.__table__),
            [
                {
                    "id": device.id,
                    "name": device.name,
                    "last_user_id": counselor.id,
                    "first_seen_at": DEMO_NOW,
                    "last_seen_at": DEMO_NOW,
                }
            ],
        )
        caller = Caller(user=counselor, device_id=device.id, token_id="demo")
        changes = [change for _, _, change in events]
        for i in range(0, len(changes), BATCH):
            results = push(caller, device, changes[i : i + BATCH])
            refused = [r for r in results if r["status"] != "applied"]
            if refused:
                raise RuntimeError(f"the demo path broke a rule at {code}: {refused[0]}")
        counts["enrollment"] += sum(
            1 for c in changes if c["entity"] == "enrollment" and c["base_version"] is None
        )
        counts["phase_change"] += sum(1 for c in changes if c["entity"] == "phase_change")
    return counts


TRANSFERS = 6  # a few clients of the province move (mutasi) with their history
# Men move between the adult men's facilities only: not the women's lapas, not the LPKA.
NOT_MOVED_BETWEEN = frozenset({"LPP-PLG", "LPKA-PLG"})


def load_transfers(session: Any, province: Any) -> int:
    """Transfer a few clients whose last enrollment ended `transferred`, on its end date, to the
    next facility (by code), pushed by the source's counselor like any change."""
    last: dict[str, dict[str, Any]] = {}
    for row in province.rows["enrollment"]:
        kept = last.get(row["client_id"])
        if kept is None or row["start_date"] > kept["start_date"]:
            last[row["client_id"]] = row
    chosen = sorted(
        (r for r in last.values() if r["status"] == "transferred"), key=lambda r: r["id"]
    )
    codes = sorted(
        code
        for code in province.facility_ids
        if province.counselors.get(code) and code not in NOT_MOVED_BETWEEN
    )
    code_of = {fid: code for code, fid in province.facility_ids.items()}
    chosen = [r for r in chosen if code_of[r["facility_id"]] in codes][:TRANSFERS]
    by_source: dict[str, list[Change]] = {}
    for row in chosen:
        code = code_of[row["facility_id"]]
        number = session.get(Client, row["client_id"]).registration_number
        after = codes[codes.index(code) + 1 :] + codes[: codes.index(code)]
        # The next facility where no client holds the number (it is unique per facility).
        to = next(
            province.facility_ids[c]
            for c in after
            if session.scalar(holding_numbers([province.facility_ids[c]], [number]).limit(1))
            is None
        )
        fields = {
            "facility_id": row["facility_id"],
            "client_id": row["client_id"],
            "to_facility_id": to,
            "transferred_on": row["end_date"],
            "reason": "Mutasi untuk pembinaan lanjutan.",
        }
        transfer_id = _id("transfer", row["client_id"])
        by_source.setdefault(code, []).append(_change("transfer", transfer_id, fields, None))
    for code, changes in sorted(by_source.items()):
        counselor = session.get(User, province.counselors[code][0])
        device = session.get(Device, _id("device", code))
        caller = Caller(user=counselor, device_id=device.id, token_id="demo")
        refused = [r for r in push(caller, device, changes) if r["status"] != "applied"]
        if refused:
            raise RuntimeError(f"a demo transfer broke a rule at {code}: {refused[0]}")
    return len(chosen)
