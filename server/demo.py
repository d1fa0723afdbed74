"""The South Sumatra demo province: `load_demo(seed)` fills an empty database, alike per seed.

Theory of operation: the whole province is planned in memory first, from one `random.Random(seed)`
(ids included), then written with one bulk insert per table and committed once. Every synced record
gets version 1, a feed seq from one allocated block (facilities first), and a change-log row whose
snapshot is the record as a device pulls it. Timestamps follow the data's dates, never the clock,
and the demo's "today" is DEMO_NOW (late December 2023), so the same seed gives the same rows.

The enrollment plan is built per year so the figures the README quotes hold exactly: distinct
clients with an enrollment active in the year are 870 (2021), 800 (2022) and 520 (2023: 60
rehab_medis and 460 rehab_sosial). Every enrollment stays inside its six-month cohort; a client
counts in two years only by holding an enrollment in each (a carry-over into the next tahap I).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from .demo_data import (
    ABSENCE_NOTES,
    ADMIN,
    ASSESSMENT_PHRASES,
    ASSIST_LEVELS,
    ATTENDANCE_OUTCOMES,
    COUNSELORS,
    DATA_PHRASES,
    DEMO_NOW,
    DEMO_PASSWORD,
    ESTABLISHED,
    FACILITIES,
    FEMALE_NAMES,
    FEMALE_SURNAMES,
    GROUP_TOPICS,
    MALE_NAMES,
    MALE_SURNAMES,
    MEDIS_2023,
    PLAN_PHRASES,
    PRIMARY_SUBSTANCES,
    REGENCY_CODES,
    REGION,
    REHAB_FACILITIES,
    SCREENED_PER_FACILITY,
    SCREENING_FACILITIES,
    SUPERVISOR,
    URICA_MEANS,
    URICA_SCALES,
    URINE_PANEL,
    WIB,
    YEAR_TARGETS,
    YEARS,
)
from .demo_path import COHORT_PHASES, DEMO_NAMESPACE, EXIT_REASONS, load_path, load_transfers
from .extensions import db
from .instruments.assist import SUBSTANCES, score_assist
from .models import (
    Assessment,
    Attendance,
    ChangeLog,
    Client,
    CounselingSession,
    Facility,
    SyncCounter,
    User,
    user_facilities,
)
from .models.wire import wire_columns, wire_value
from .schemas.rules import TC_GRADES
from .security import hash_password
from .services.feed import allocate
from .services.versions import change_log_row


@dataclass
class _Enrollment:
    """A planned enrollment row and what the session planner needs to know of it."""

    row: dict[str, Any]
    client: _Client
    cohort_start: date
    cohort_end: date


@dataclass
class _Client:
    """A planned client row with its counselor, substance profile and enrollments."""

    row: dict[str, Any]
    facility: str
    counselor_id: str
    profile: dict[str, int]
    screened_on: date
    enrollments: list[_Enrollment] = field(default_factory=list)


def _cohort(year: int, half: int) -> tuple[str, date, date]:
    if half == 1:
        return f"{year} tahap I", date(year, 1, 1), date(year, 6, 30)
    return f"{year} tahap II", date(year, 7, 1), date(year, 12, 31)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A WIB wall-clock time on a day, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), WIB).astimezone(UTC)


class _Province:
    """Plans every row of the demo province from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.facility_ids: dict[str, str] = {}
        self.counselors: dict[str, list[str]] = defaultdict(list)
        self.users: list[dict[str, Any]] = []
        self.user_facilities: list[dict[str, str]] = []
        self.logins: list[dict[str, Any]] = []
        self.clients: list[_Client] = []
        self.reg_counters: dict[tuple[str, int], int] = {}
        self.supervisor: dict[str, Any] = {}
        # (facility code, year, half, program) -> the cohort as a supervisor creates it.
        self.cohorts: dict[tuple[str, int, int, str], dict[str, Any]] = {}
        # Exit reasons and TC grades come from their own generator: the rest stays as it was.
        self.exits = random.Random(seed + 1)

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def synced(
        self, facility: str, created: datetime, updated: datetime | None = None
    ) -> dict[str, Any]:
        """The columns every synced record carries, for a new record of a facility."""
        return {
            "id": self.new_id(),
            "version": 1,
            "facility_id": self.facility_ids[facility],
            "created_at": created,
            "updated_at": updated or created,
            "deleted": False,
            "conflict_open": False,
            "hlc": None,
        }

    # -- facilities and people -------------------------------------------------------------

    def plan_facilities(self) -> None:
        for code, name, kind in FACILITIES:
            facility_id = self.new_id()
            self.facility_ids[code] = facility_id
            self.rows["facility"].append(
                {
                    "id": facility_id,
                    "version": 1,
                    "facility_id": facility_id,
                    "created_at": ESTABLISHED,
                    "updated_at": ESTABLISHED,
                    "deleted": False,
                    "conflict_open": False,
                    "hlc": None,
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "region": REGION,
                    "timezone": "WIB",
                }
            )

    def plan_users(self) -> None:
        every = [code for code, _, _ in FACILITIES]
        people: list[tuple[str, str, str, list[str]]] = [(ADMIN[0], ADMIN[1], "admin", [])]
        people.append((SUPERVISOR[0], SUPERVISOR[1], "supervisor", every))
        people += [(u, name, "counselor", [code]) for u, name, code in COUNSELORS]
        for username, display_name, role, codes in people:
            user_id = self.new_id()
            self.users.append(
                {
                    "id": user_id,
                    "username": username,
                    "display_name": display_name,
                    "password_hash": hash_password(DEMO_PASSWORD),
                    "role": role,
                    "active": True,
                    "created_at": ESTABLISHED,
                }
            )
            for code in codes:
                self.user_facilities.append(
                    {"user_id": user_id, "facility_id": self.facility_ids[code]}
                )
            if role == "counselor":
                self.counselors[codes[0]].append(user_id)
            if role == "supervisor":
                self.supervisor = {"id": user_id, "name": display_name}
            self.logins.append(
                {
                    "username": username,
                    "password": DEMO_PASSWORD,
                    "role": role,
                    "facilities": codes,
                }
            )

    # -- clients and enrollments -----------------------------------------------------------

    def plan_cohorts(self) -> None:
        # Clients who completed the last tahap II at each facility, ready to carry over.
        pool: dict[str, list[_Client]] = defaultdict(list)
        for year in YEARS:
            next_pool: dict[str, list[_Client]] = defaultdict(list)
            for code in REHAB_FACILITIES:
                target = YEAR_TARGETS[year][code]
                carried: list[_Client] = []
                if year > YEARS[0] and code != "LPKA-PLG":
                    candidates = pool[code]
                    carried = self.rng.sample(candidates, min(len(candidates), target // 10))
                fresh = target - len(carried)
                # (client, [(half, program)]) for every client of this facility-year.
                plans: list[tuple[_Client | None, list[tuple[int, str]]]] = []
                carry_program = "pasca_rehab" if year < 2023 else "rehab_sosial"
                plans += [(client, [(1, carry_program)]) for client in carried]
                plans += self._fresh_plans(year, code, fresh)
                for planned, steps in plans:
                    client = planned or self.new_client(code, self.screening_day(year, steps))
                    for half, program in steps:
                        enrollment = self.enroll(client, year, half, program, forced=len(steps) > 1)
                        if half == 2 and enrollment.row["status"] == "completed":
                            next_pool[code].append(client)
            pool = next_pool

    def screening_day(self, year: int, steps: list[tuple[int, str]]) -> date:
        """A week or two before the cohort of the first step starts."""
        return _cohort(year, steps[0][0])[1] - timedelta(days=self.rng.randint(5, 14))

    def _fresh_plans(
        self, year: int, code: str, n: int
    ) -> list[tuple[None, list[tuple[int, str]]]]:
        """Programs and cohorts of n new clients; in 2023 exactly MEDIS_2023 of them in medis."""
        rng = self.rng
        medis_offered = code != "LPKA-PLG"
        plans: list[tuple[None, list[tuple[int, str]]]] = []
        if year == 2023:
            medis = set(rng.sample(range(n), MEDIS_2023[code]))
            for i in range(n):
                program = "rehab_medis" if i in medis else "rehab_sosial"
                plans.append((None, [(rng.choice((1, 2)), program)]))
            return plans
        for _ in range(n):
            r = rng.random()
            if medis_offered and r < 0.08:
                plans.append((None, [(1, "rehab_medis"), (2, "rehab_sosial")]))
            elif medis_offered and r < 0.22:
                plans.append((None, [(rng.choice((1, 2)), "rehab_medis")]))
            else:
                plans.append((None, [(rng.choice((1, 2)), "rehab_sosial")]))
        return plans

    def registration_number(self, code: str, admitted: date) -> str:
        key = (code, admitted.year)
        n = self.reg_counters.get(key) or self.rng.randint(40, 400)
        n += self.rng.randint(1, 6)
        self.reg_counters[key] = n
        if code.startswith("RUT"):
            prefix = self.rng.choice(("A.II", "A.III"))
        else:
            prefix = "B.I" if self.rng.random() < 0.8 else "B.IIa"
        return f"{prefix}-{n}/{admitted.year}"

    def new_client(self, code: str, screened_on: date) -> _Client:
        """A client (WBP) screened on a day, admitted to the facility some time before."""
        rng = self.rng
        female = code == "LPP-PLG"
        juvenile = code == "LPKA-PLG"
        if female:
            name = f"{rng.choice(FEMALE_NAMES)} {rng.choice(FEMALE_SURNAMES)}"
        elif rng.random() < 0.35:
            name = f"{rng.choice(MALE_NAMES)} {rng.choice(MALE_NAMES)} {rng.choice(MALE_SURNAMES)}"
        else:
            name = f"{rng.choice(MALE_NAMES)} {rng.choice(MALE_SURNAMES)}"
        if juvenile:
            # 14 to 17 years old when the program starts, a week or two after screening.
            admitted = screened_on - timedelta(days=rng.randint(30, 200))
            born = screened_on - timedelta(days=rng.randint(int(14.1 * 365), int(17.8 * 365)))
        else:
            admitted = screened_on - timedelta(days=rng.randint(45, 900))
            born = admitted - timedelta(days=rng.randint(19 * 365, 50 * 365))
        case_type = rng.choices(
            ("user", "courier", "dealer", "trafficker", "other"), (70, 17, 10, 1, 2)
        )[0]
        nik = None
        if rng.random() < 0.6:
            day = born.day + (40 if female else 0)
            nik = (
                f"{rng.choice(REGENCY_CODES)}{rng.randint(1, 20):02d}"
                f"{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randint(1, 999):04d}"
            )
        created = _at(screened_on, 8)
        row = self.synced(code, created) | {
            "registration_number": self.registration_number(code, admitted),
            "full_name": name,
            "sex": "F" if female else "M",
            "birth_date": born,
            "case_type": case_type,
            "admission_date": admitted,
            "release_date": None,
            "nik": nik,
            "duplicate_of": None,
            "merged_into": None,
            "registration_history": [],
        }
        counselor = rng.choice(self.counselors[code])
        client = _Client(row, code, counselor, self.substance_profile(code), screened_on)
        self.clients.append(client)
        self.rows["client"].append(row)
        return client

    def substance_profile(self, code: str) -> dict[str, int]:
        rng = self.rng
        names, weights = zip(*PRIMARY_SUBSTANCES, strict=True)
        primary = rng.choices(names, weights)[0]
        if code == "LPKA-PLG" and rng.random() < 0.15:
            primary = "inhalants"
        profile = {primary: 3 if rng.random() < 0.55 else 2}
        if rng.random() < 0.35:
            second = "cannabis" if primary != "cannabis" else "amphetamine"
            profile[second] = rng.choice((1, 2))
        if rng.random() < 0.85:
            profile["tobacco"] = rng.choice((2, 3))
        if rng.random() < 0.3:
            profile["alcohol"] = rng.choice((1, 2))
        return profile

    def enroll(
        self, client: _Client, year: int, half: int, program: str, forced: bool
    ) -> _Enrollment:
        """One enrollment inside its cohort; `forced` ones (medis before sosial) complete."""
        rng = self.rng
        cohort, cohort_start, cohort_end = _cohort(year, half)
        planned = self.cohort(client.facility, year, half, program)
        planned["intake_target"] += 1
        start = cohort_start + timedelta(days=rng.randint(0, 14))
        still_running = cohort_end >= DEMO_NOW.date()
        status = "completed"
        if not forced:
            status = rng.choices(
                ("completed", "withdrew", "expelled", "transferred", "released"), (80, 5, 3, 4, 8)
            )[0]
        if status == "completed":
            end = cohort_end if still_running else cohort_end - timedelta(days=rng.randint(0, 5))
            if still_running:
                status = "active"
        else:
            end = start + timedelta(days=rng.randint(21, (cohort_end - start).days - 10))
            if status == "released":
                client.row["release_date"] = end
        created = _at(start, 8)
        updated = _at(end, 16) if status != "active" else created
        row = self.synced(client.facility, created, updated) | {
            "client_id": client.row["id"],
            "program": program,
            "cohort": cohort,
            "phase": planned["phases"][0]["name"],
            "start_date": start,
            "end_date": end,
            "status": status,
            "cohort_id": planned["id"],
            "primary_counselor_id": client.counselor_id,
            "screening_id": None,  # the ASSIST taken at the start (plan_sessions)
            "exit_reason": "" if status in ("active", "completed") else EXIT_REASONS[status],
            "tc_grade": None,
        }
        if status == "completed" and program == "rehab_sosial":
            row["tc_grade"] = self.exits.choices(TC_GRADES, (45, 35, 20))[0]
        enrollment = _Enrollment(row, client, cohort_start, cohort_end)
        client.enrollments.append(enrollment)
        self.rows["enrollment"].append(row)
        return enrollment

    def cohort(self, code: str, year: int, half: int, program: str) -> dict[str, Any]:
        """The cohort of a program at a facility in a half year, as the supervisor creates it."""
        key = (code, year, half, program)
        if key not in self.cohorts:
            name, start, end = _cohort(year, half)
            self.cohorts[key] = {
                "id": str(uuid.uuid5(DEMO_NAMESPACE, f"cohort/{code}/{year}/{half}/{program}")),
                "facility_id": self.facility_ids[code],
                "program": program,
                "name": name,
                "start_date": start,
                "end_date": end,
                "intake_target": 0,
                "phases": [
                    {"name": phase, "order": order, "planned_weeks": weeks}
                    for order, (phase, weeks) in enumerate(COHORT_PHASES[program], 1)
                ],
            }
        return self.cohorts[key]

    def plan_screenings(self) -> None:
        """Clients screened at facilities without a cohort, in 2023: no enrollment."""
        rng = self.rng
        for code in SCREENING_FACILITIES:
            for _ in range(SCREENED_PER_FACILITY):
                day = date(2023, 1, 9) + timedelta(days=rng.randint(0, 330))
                client = self.new_client(code, day)
                self.assist(client, day)
                self.session(client, None, "screening", day, 45)

    def plan_release_dates(self) -> None:
        """Half the clients who completed their last program have since gone home."""
        for client in self.clients:
            last = client.enrollments[-1] if client.enrollments else None
            if last is None or client.row["release_date"] is not None:
                continue
            if last.row["status"] == "completed" and self.rng.random() < 0.5:
                release = last.row["end_date"] + timedelta(days=self.rng.randint(10, 300))
                if release < DEMO_NOW.date():
                    client.row["release_date"] = release

    # -- assessments -----------------------------------------------------------------------

    def assist(self, client: _Client, day: date) -> str:
        """An ASSIST from the client's substance profile, scored like the server scores it."""
        rng = self.rng
        answers: dict[str, dict[str, int]] = {}
        for substance in SUBSTANCES:
            level = client.profile.get(substance, 0)
            points = {q: rng.choice(choices) for q, choices in ASSIST_LEVELS[level].items()}
            if substance == "tobacco":
                del points["q5"]
            answers[substance] = points
        return self.assessment(client, "assist", day, answers, score_assist(answers))

    def urica(self, client: _Client, day: date) -> None:
        """A URICA (32 items, 1-5): subscale means and readiness = C + A + M - PC."""
        rng = self.rng
        answers: dict[str, int] = {}
        for scale, items in URICA_SCALES.items():
            for item in items:
                value = round(rng.gauss(URICA_MEANS[scale], 0.8))
                answers[f"q{item}"] = min(5, max(1, value))
        means = {
            scale: round(sum(answers[f"q{i}"] for i in items) / len(items), 2)
            for scale, items in URICA_SCALES.items()
        }
        readiness = (
            means["contemplation"]
            + means["action"]
            + means["maintenance"]
            - means["precontemplation"]
        )
        scores = means | {"readiness": round(readiness, 2)}
        self.assessment(client, "urica", day, answers, scores)

    def assessment(
        self,
        client: _Client,
        instrument: str,
        day: date,
        answers: dict[str, Any],
        scores: dict[str, Any],
    ) -> str:
        row = self.synced(client.facility, _at(day, 10)) | {
            "client_id": client.row["id"],
            "instrument": instrument,
            "taken_on": day,
            "answers": answers,
            "scores": scores,
        }
        self.rows["assessment"].append(row)
        return str(row["id"])

    # -- sessions --------------------------------------------------------------------------

    def plan_sessions(self) -> None:
        """Screening, intake and then a session a week per enrollment; monthly urine tests."""
        rng = self.rng
        for client in self.clients:
            for number, enrollment in enumerate(client.enrollments):
                e = enrollment.row
                # Sessions end the day before DEMO_NOW, so none lies in the demo's future.
                start = e["start_date"]
                end = min(e["end_date"], DEMO_NOW.date() - timedelta(days=1))
                if number == 0:
                    self.session(client, None, "screening", client.screened_on, 45)
                e["screening_id"] = self.assist(client, start)
                if rng.random() < 0.35:
                    self.urica(client, start + timedelta(days=rng.randint(1, 7)))
                self.session(client, enrollment, "assessment", start, 60)
                week = 1
                while True:
                    day = start + timedelta(days=7 * week + rng.randint(0, 4))
                    if day > end:
                        break
                    if week % 4 == 3:
                        kind = "urine_test"
                    elif e["program"] == "rehab_medis" and week % 4 == 1:
                        kind = "medical"
                    else:
                        kind = rng.choices(
                            ("individual", "relapse_prevention", "family", "vocational"),
                            (70, 15, 7, 8),
                        )[0]
                    duration = 15 if kind == "urine_test" else rng.choice((30, 45, 45, 60, 60, 90))
                    self.session(client, enrollment, kind, day, duration)
                    week += 1
        self.plan_group_sessions()

    def plan_group_sessions(self) -> None:
        """Every second week, each cohort meets in groups of at most 25; attendance per member."""
        rng = self.rng
        by_cohort: dict[tuple[str, date], list[_Enrollment]] = defaultdict(list)
        for client in self.clients:
            for enrollment in client.enrollments:
                by_cohort[(client.facility, enrollment.cohort_start)].append(enrollment)
        for (code, cohort_start), enrollments in sorted(by_cohort.items()):
            cohort_end = enrollments[0].cohort_end
            meeting = cohort_start + timedelta(days=16)
            n = 0
            while meeting <= min(cohort_end, DEMO_NOW.date() - timedelta(days=1)):
                present = [
                    e for e in enrollments if e.row["start_date"] < meeting <= e.row["end_date"]
                ]
                kind = (
                    "seminar" if n % 3 == 2 else rng.choice(("group", "group", "morning_meeting"))
                )
                topic = GROUP_TOPICS[n % len(GROUP_TOPICS)]
                for i in range(0, len(present), 25):
                    members = present[i : i + 25]
                    session = self.session(None, None, kind, meeting, 90, code=code, topic=topic)
                    for member in members:
                        status = rng.choices(
                            ("attended", "absent", "excused", "sick", "refused"), (88, 4, 3, 4, 1)
                        )[0]
                        self.rows["attendance"].append(
                            self.synced(code, session["created_at"], session["updated_at"])
                            | {
                                "session_id": session["id"],
                                "client_id": member.client.row["id"],
                                "status": status,
                            }
                        )
                meeting += timedelta(days=14)
                n += 1

    def session(
        self,
        client: _Client | None,
        enrollment: _Enrollment | None,
        kind: str,
        day: date,
        duration: int,
        code: str | None = None,
        topic: str = "",
    ) -> dict[str, Any]:
        rng = self.rng
        code = client.facility if client else code
        assert code is not None
        counselor = client.counselor_id if client else rng.choice(self.counselors[code])
        local = datetime.combine(day, time(rng.randint(8, 14), rng.choice((0, 30))), WIB)
        occurred = local.astimezone(UTC)
        created = occurred + timedelta(minutes=duration + rng.randint(5, 120))
        attendance = None
        if client is not None and kind != "urine_test":
            attendance = rng.choices(ATTENDANCE_OUTCOMES, (93, 3, 3, 1))[0]
        elif client is not None:
            attendance = "attended"
        note_data, note_assessment, note_plan, flags, urine = self.note(
            client, kind, topic, attendance
        )
        submitted = created + timedelta(hours=rng.randint(0, 30))
        # Most reviews follow in a day or two; a few lie in the queue longer.
        delay = timedelta(
            hours=rng.randint(20, 52) if rng.random() < 0.95 else rng.randint(72, 150)
        )
        reviewed = submitted + delay
        status, comment = "approved", None
        submitted_at: datetime | None = submitted
        reviewed_at: datetime | None = reviewed
        if submitted > DEMO_NOW:
            status, submitted_at, reviewed_at = "draft", None, None
        elif reviewed > DEMO_NOW:
            status, reviewed_at = "submitted", None
        elif DEMO_NOW - reviewed < timedelta(days=14) and rng.random() < 0.02:
            status, comment = "returned", "Mohon lengkapi bagian asesmen dan rencana tindak lanjut."
        updated = reviewed_at or submitted_at or created
        row = self.synced(code, created, updated) | {
            "client_id": client.row["id"] if client else None,
            "enrollment_id": enrollment.row["id"] if enrollment else None,
            "counselor_id": counselor,
            "occurred_at": local.isoformat(),
            "occurred_utc": occurred,
            "duration_minutes": duration,
            "kind": kind,
            "attendance": attendance,
            "note_data": note_data,
            "note_assessment": note_assessment,
            "note_plan": note_plan,
            "risk_flags": flags,
            "urine_test": urine,
            "next_session_on": day + timedelta(days=7) if client and enrollment else None,
            "status": status,
            "amends_id": None,
            "submitted_at": submitted_at,
            "review_comment": comment,
            "reviewed_by": self.supervisor["id"] if reviewed_at else None,
            "reviewed_by_name": self.supervisor["name"] if reviewed_at else None,
            "reviewed_at": reviewed_at,
        }
        self.rows["session"].append(row)
        return row

    def note(
        self, client: _Client | None, kind: str, topic: str, attendance: str | None
    ) -> tuple[str, str, str, list[str], dict[str, Any] | None]:
        """DAP note, risk flags and urine result of a session, from the phrase lists."""
        rng = self.rng
        flags: list[str] = []
        urine = None
        if attendance in ABSENCE_NOTES:
            return (
                ABSENCE_NOTES[attendance],
                "",
                "Jadwalkan ulang pada minggu berikutnya.",
                [],
                None,
            )
        if client is None:
            return (
                f'Sesi {kind.replace("_", " ")} dengan topik "{topic}". Peserta aktif berdiskusi.',
                rng.choice(ASSESSMENT_PHRASES),
                "Lanjutkan materi berikutnya pada pertemuan dua minggu lagi.",
                flags,
                urine,
            )
        if kind == "urine_test":
            positive = rng.random() < 0.03
            results = dict.fromkeys(URINE_PANEL, "negative")
            if positive:
                results["amphetamine"] = results["methamphetamine"] = "positive"
                flags = ["use_inside", "relapse"]
            urine = {"panel": "6 parameter", "results": results}
            return (
                "Tes urine 6 parameter dengan pengawasan petugas.",
                "Hasil positif metamfetamin; klien mengakui memakai di dalam blok."
                if positive
                else "Hasil negatif untuk semua parameter.",
                "Konseling pencegahan kekambuhan dan tes ulang minggu depan."
                if positive
                else "Tes ulang bulan depan.",
                flags,
                urine,
            )
        if kind == "medical" and rng.random() < 0.15:
            flags = ["withdrawal"]
        elif rng.random() < 0.004:
            flags = [rng.choice(("suicidal_ideation", "self_harm", "violence"))]
        data = " ".join(rng.sample(DATA_PHRASES, 2))
        return data, rng.choice(ASSESSMENT_PHRASES), rng.choice(PLAN_PHRASES), flags, urine


# Enrollments, their phases and exits are not written here: they go through the push (path.py).
ENTITY_TABLES = (
    ("facility", Facility),
    ("client", Client),
    ("assessment", Assessment),
    ("session", CounselingSession),
    ("attendance", Attendance),
)


def _change_log(entity: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One applied server upsert per record, its snapshot the record as a device pulls it."""
    columns = wire_columns(entity)
    changed = list(dict(ENTITY_TABLES)[entity].fields)
    return [
        change_log_row(
            entity=entity,
            record_id=row["id"],
            facility_id=row["facility_id"],
            version=1,
            snapshot={name: wire_value(row[name]) for name in columns},
            source="server",
            changed=changed,
            created_at=row["updated_at"],
        )
        for row in rows
    ]


def _distinct_per_year(province: _Province) -> dict[int, dict[str, Any]]:
    """Distinct clients with an enrollment active in each year, in total and per program."""
    figures: dict[int, dict[str, Any]] = {}
    for year in YEARS:
        first, last = date(year, 1, 1), date(year, 12, 31)
        total: set[str] = set()
        by_program: dict[str, set[str]] = defaultdict(set)
        for row in province.rows["enrollment"]:
            if row["start_date"] <= last and (row["end_date"] is None or row["end_date"] >= first):
                total.add(row["client_id"])
                by_program[row["program"]].add(row["client_id"])
        figures[year] = {
            "total": len(total),
            "by_program": {
                p: len(by_program[p]) for p in ("rehab_medis", "rehab_sosial", "pasca_rehab")
            },
        }
    return figures


def _insert(session: Any, province: _Province) -> None:
    """Every planned row in bulk, seqs from one allocated block in table order."""
    if session.get(SyncCounter, 1) is None:
        session.add(SyncCounter(id=1, seq=0))
        session.flush()
    total = sum(len(province.rows[entity]) for entity, _ in ENTITY_TABLES)
    seq = allocate(session, total) - total
    for entity, model in ENTITY_TABLES:
        rows = province.rows[entity]
        rows.sort(key=lambda row: (row["created_at"], row["id"]))
        for row in rows:
            seq += 1
            row["seq"] = seq
        session.execute(insert(model.__table__), rows)
        if entity == "facility":
            session.execute(insert(User.__table__), province.users)
            session.execute(insert(user_facilities), province.user_facilities)
    for entity, _ in ENTITY_TABLES:
        session.execute(insert(ChangeLog.__table__), _change_log(entity, province.rows[entity]))


def load_demo(seed: int = 1) -> dict[str, Any]:
    """Load the South Sumatra demo province into an empty database (inside an app context)."""
    session = db.session
    if session.scalar(select(func.count()).select_from(Facility)):
        raise RuntimeError(
            "the database already holds facilities; the demo loads only into an empty one"
        )
    usernames = [ADMIN[0], SUPERVISOR[0]] + [c[0] for c in COUNSELORS]
    taken = session.scalars(select(User.username).where(User.username.in_(usernames))).all()
    if taken:
        raise RuntimeError(f"demo usernames already exist: {', '.join(sorted(taken))}")

    province = _Province(seed)
    province.plan_facilities()
    province.plan_users()
    province.plan_cohorts()
    province.plan_release_dates()
    province.plan_sessions()
    province.plan_screenings()

    try:
        _insert(session, province)
        path = load_path(session, province)
        path["transfer"] = load_transfers(session, province)
    except Exception:
        session.rollback()
        raise
    session.commit()

    counts = {entity: len(province.rows[entity]) for entity, _ in ENTITY_TABLES} | path
    total = sum(counts.values())
    counts |= {"user": len(province.users), "change_log": total}
    return {
        "seed": seed,
        "counts": counts,
        "clients_per_year": _distinct_per_year(province),
        "logins": province.logins,
        "password": DEMO_PASSWORD,
        "sessions_by_status": dict(Counter(r["status"] for r in province.rows["session"])),
    }
