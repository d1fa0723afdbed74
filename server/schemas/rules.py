"""The vocabulary and the policies every part of Pulih shares: one home, exported to the PWA.

Codes are English; the PWA translates them. `pulih export-rules` writes these values to
`pwa/src/shared/rules.generated.ts`, and a test fails when that file and this one disagree.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

ROLES: Final = ("counselor", "supervisor", "admin", "official")
# Roles that read records; an official (Kanwil, Ditjen) reads figures only, never a record.
RECORD_READERS: Final = ("counselor", "supervisor", "admin")
# Counts from 1 to SMALL_CELL - 1 are shown to officials as "< SMALL_CELL" (UU PDP 27/2022).
SMALL_CELL: Final = 5
FACILITY_KINDS: Final = ("lapas", "lapas_narkotika", "rutan", "lpka")
ZONES: Final = ("WIB", "WITA", "WIT")

SEXES: Final = ("M", "F")
CASE_TYPES: Final = ("user", "courier", "dealer", "trafficker", "other")
PROGRAMS: Final = ("rehab_medis", "rehab_sosial", "pasca_rehab")
ENROLLMENT_STATUSES: Final = (
    "active",
    "completed",
    "withdrew",
    "expelled",
    "transferred",
    "released",
    "referred",
    "died",
)
INSTRUMENTS: Final = ("assist", "urica", "whoqol_bref", "asi")
SESSION_KINDS: Final = (
    "screening",
    "assessment",
    "individual",
    "group",
    "morning_meeting",
    "seminar",
    "family",
    "relapse_prevention",
    "vocational",
    "medical",
    "urine_test",
)
GROUP_KINDS: Final = ("group", "morning_meeting", "seminar")
ATTENDANCE: Final = ("attended", "absent", "excused", "sick", "refused")
RISK_FLAGS: Final = (
    "suicidal_ideation",
    "self_harm",
    "violence",
    "use_inside",
    "withdrawal",
    "relapse",
)
URINE_RESULTS: Final = ("negative", "positive", "invalid")

# -- the program's path: cohorts, enrollments, phases, exits, alerts (issue 15) ----------------
# An exit is any status but "active"; "completed" is the one the program counts as finished, and
# these are the exits a dropout rate counts (the client left the program before its end).
EXIT_STATUSES: Final = tuple(s for s in ENROLLMENT_STATUSES if s != "active")
DROPOUT_STATUSES: Final = ("withdrew", "expelled")
# The Therapeutic Community's grading at exit.
TC_GRADES: Final = ("pulih", "trampil", "mandiri")
# Flags that raise an alert for the facility's supervisors at push.
ALERT_FLAGS: Final = ("suicidal_ideation", "self_harm", "violence")
ALERT_STATUSES: Final = ("open", "acknowledged")
# A Therapeutic Community cohort's phases when a supervisor names none.
# --- release and aftercare ---
# bebas; PB pembebasan bersyarat; CB cuti bersyarat; CMB cuti menjelang bebas.
RELEASE_KINDS: Final = ("bebas", "pb", "cb", "cmb")
# Who receives the referral to aftercare (pascarehabilitasi).
RECIPIENT_KINDS: Final = ("bapas", "bnn", "institution")
RECIPIENT_NAME_MAX: Final = 160
RELEASE_NOTE_MAX: Final = 2000
# --- end release and aftercare ---
TC_PHASES: Final = (("orientation", 4), ("primary", 16), ("re-entry", 6))
COHORT_NAME_MAX: Final = 60
PHASE_NAME_MAX: Final = 40
EXIT_REASON_MAX: Final = 500
# A transfer's reason (mutasi: "pembinaan", "overkapasitas", a court order...).
TRANSFER_REASON_MAX: Final = 500
SESSION_STATUSES: Final = ("draft", "submitted", "approved", "returned")
SESSION_STATUSES_BY_DEVICE: Final = ("draft", "submitted")
# A session sent for review carries the Data and Assessment parts of its DAP note, and a Plan
# when it is one client's own work (an individual or a family session).
NOTES_TO_SUBMIT: Final = ("note_data", "note_assessment")
PLAN_TO_SUBMIT: Final = ("note_plan",)
KINDS_WITH_PLAN: Final = ("individual", "family")

# A review decision and the session status it sets.
REVIEW_DECISIONS: Final = {"approve": "approved", "return": "returned"}
RESOLUTION_CHOICES: Final = ("server", "client", "merge")
EXPORT_FORMATS: Final = ("csv", "xlsx")
REPORT_TABLES: Final = (
    "rehabilitated",
    "enrollments",
    "sessions_by_kind_month",
    "attendance",
    "pipeline",
    "assist_risk_at_intake",
    "cohorts",
    "whoqol_change",
    "urica_change",
    "urine_tests",
)

NOTE_MAX: Final = 20_000
ID_MAX: Final = 64
INT32_MAX: Final = 2**31 - 1  # versions and counts are 32-bit integer columns
# Times a counselor records lie in this range: a typo of the year, not a real session, is refused.
YEAR_MIN: Final = 1900
YEAR_MAX: Final = 2100
# A device clock further off than this is flagged on the devices page, and a session time further
# ahead than this of the server's clock is refused (PULIH_CLOCK_TOLERANCE_SECONDS on the server).
CLOCK_TOLERANCE_SECONDS: Final = 300
# A next session is planned within a year of the session: beyond that it is a typo of the date.
NEXT_SESSION_MAX_DAYS: Final = 366

# One password policy for the API, the CLI and the PWA's forms.
PASSWORD_MIN_LENGTH: Final = 12
# zxcvbn score 0-4 (server/passwords.py); 3 = "safely unguessable" for an online attack.
PASSWORD_MIN_SCORE: Final = 3
PASSWORD_MAX_LENGTH: Final = 200

# What the PWA receives, by the names it uses (pwa/src/shared/rules.generated.ts).
EXPORTED: Final = {
    "ROLES": ROLES,
    "SMALL_CELL": SMALL_CELL,
    "ZONES": ZONES,
    "FACILITY_KINDS": FACILITY_KINDS,
    "SEXES": SEXES,
    "CASE_TYPES": CASE_TYPES,
    "PROGRAMS": PROGRAMS,
    "ENROLLMENT_STATUSES": ENROLLMENT_STATUSES,
    "INSTRUMENTS": INSTRUMENTS,
    "SESSION_KINDS": SESSION_KINDS,
    "GROUP_KINDS": GROUP_KINDS,
    "ATTENDANCE": ATTENDANCE,
    "RISK_FLAGS": RISK_FLAGS,
    "URINE_RESULTS": URINE_RESULTS,
    "EXIT_STATUSES": EXIT_STATUSES,
    "TC_GRADES": TC_GRADES,
    "ALERT_FLAGS": ALERT_FLAGS,
    "COHORT_NAME_MAX": COHORT_NAME_MAX,
    "PHASE_NAME_MAX": PHASE_NAME_MAX,
    "EXIT_REASON_MAX": EXIT_REASON_MAX,
    "TRANSFER_REASON_MAX": TRANSFER_REASON_MAX,
    "SESSION_STATUSES": SESSION_STATUSES,
    "NOTE_MAX": NOTE_MAX,
    "NOTES_TO_SUBMIT": NOTES_TO_SUBMIT,
    "PLAN_TO_SUBMIT": PLAN_TO_SUBMIT,
    "KINDS_WITH_PLAN": KINDS_WITH_PLAN,
    "PASSWORD_MIN_LENGTH": PASSWORD_MIN_LENGTH,
    "PASSWORD_MIN_SCORE": PASSWORD_MIN_SCORE,
    "PASSWORD_MAX_LENGTH": PASSWORD_MAX_LENGTH,
    "CLOCK_TOLERANCE_SECONDS": CLOCK_TOLERANCE_SECONDS,
    "NEXT_SESSION_MAX_DAYS": NEXT_SESSION_MAX_DAYS,
    "RELEASE_KINDS": RELEASE_KINDS,
    "RECIPIENT_KINDS": RECIPIENT_KINDS,
    "RECIPIENT_NAME_MAX": RECIPIENT_NAME_MAX,
}


def render_typescript() -> str:
    """The PWA's copy of the exported rules, as a TypeScript module."""
    lines = [
        "// Generated by `pulih export-rules` from server/schemas/rules.py: do not edit.",
        "// tests/server/test_rules_export.py fails when this file and the server disagree.",
        "",
    ]
    for name, value in EXPORTED.items():
        if isinstance(value, tuple):
            items = ", ".join(f"'{item}'" for item in value)
            lines.append(f"export const {name} = [{items}] as const;")
        else:
            lines.append(f"export const {name} = {value};")
    return "\n".join(lines) + "\n"


def clock_tolerance() -> timedelta:
    """The server's clock tolerance: its configuration inside the app, the default outside."""
    from flask import current_app, has_app_context

    seconds = CLOCK_TOLERANCE_SECONDS
    if has_app_context():
        seconds = int(current_app.config.get("CLOCK_TOLERANCE_SECONDS", seconds))
    return timedelta(seconds=seconds)
