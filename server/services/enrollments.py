"""The program's path on the server: the rules of enrollments and phase changes that read other
records (docs/design.md "enrollment", "phase_change").

The rules within one record live on its schema (schemas/records.py); references exist, are live
and share the facility by `records.check_references`. Here: an enrollment's program is its
cohort's, its screening is an ASSIST of the same client, its primary counselor works in its
facility, a client holds one active enrollment per program, and a phase change belongs to the
client of its enrollment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Assessment, Cohort, Enrollment, User
from ..models.records import SyncedMixin

Find = Callable[[type[SyncedMixin], str], SyncedMixin | None]
Errors = dict[str, list[str]]

# A change to a stored record checks the rules across records only when it sets one of these.
PATH_FIELDS = frozenset(
    {"client_id", "program", "status", "cohort_id", "screening_id", "primary_counselor_id"}
    | {"enrollment_id"}
)
ONE_ACTIVE = "The client already has an active enrollment in this program."


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def others_active(
    client_id: str, program: str, record_id: str, pending: Iterable[SyncedMixin] = ()
) -> list[Enrollment]:
    """The client's other live, active enrollments in the program, as they stand in this
    transaction: stored ones (with any unsaved edits) and new ones not yet written."""
    stored = db.session.scalars(
        select(Enrollment).where(
            Enrollment.client_id == client_id,
            Enrollment.program == program,
            Enrollment.status == "active",
            Enrollment.deleted.is_(False),
            Enrollment.id != record_id,
        )
    )
    candidates = {e.id: e for e in stored}
    for record in pending:
        if isinstance(record, Enrollment) and record.id != record_id:
            candidates[record.id] = record
    return [
        e
        for e in candidates.values()
        if e.client_id == client_id and e.program == program
        if e.status == "active" and not e.deleted
    ]


def path_errors(
    entity: str,
    values: dict[str, Any],
    record_id: str,
    *,
    find: Find,
    pending: Iterable[SyncedMixin] = (),
) -> Errors:
    """Errors per field of the rules across records, on the record as it would be stored."""
    if entity == "enrollment":
        return _enrollment_errors(values, record_id, find, pending)
    if entity == "phase_change":
        enrollment = find(Enrollment, str(values.get("enrollment_id") or ""))
        if enrollment is not None and enrollment.client_id != str(values.get("client_id")):  # type: ignore[attr-defined]
            return {"client_id": ["Must be the client of the enrollment."]}
    return {}


def _enrollment_errors(
    values: dict[str, Any], record_id: str, find: Find, pending: Iterable[SyncedMixin]
) -> Errors:
    errors: Errors = {}
    client_id, program = str(values.get("client_id") or ""), values.get("program")
    cohort_id, screening_id = values.get("cohort_id"), values.get("screening_id")
    if cohort_id:
        cohort = find(Cohort, str(cohort_id))
        if cohort is not None and cohort.program != program:  # type: ignore[attr-defined]
            _add(errors, "program", "Must be the program of the cohort.")
    if screening_id:
        screening = find(Assessment, str(screening_id))
        if screening is not None and (
            screening.client_id != client_id or screening.instrument != "assist"  # type: ignore[attr-defined]
        ):
            _add(errors, "screening_id", "Must be an ASSIST screening of the same client.")
    counselor_id = values.get("primary_counselor_id")
    if counselor_id and not _works_in(str(counselor_id), str(values.get("facility_id"))):
        _add(errors, "primary_counselor_id", "Must be a counselor of this facility.")
    active = values.get("status", "active") == "active" and not values.get("deleted")
    if active and program and others_active(client_id, str(program), record_id, pending):
        _add(errors, "program", ONE_ACTIVE)
    return errors


def _works_in(user_id: str, facility_id: str) -> bool:
    """An active counselor assigned to the facility."""
    user = db.session.get(User, user_id)
    return bool(
        user is not None
        and user.active
        and user.role == "counselor"
        and facility_id in user.facility_ids
    )


def client_path(client_id: str) -> dict[str, Any]:
    """A live client of the caller's scope with the records of their path, for staff (audited)."""
    from ..models import Client, PhaseChange, Transfer
    from ..security import require_facility
    from .audit import audit
    from .errors import NotFound

    client = db.session.get(Client, client_id) if len(client_id) <= 36 else None
    if client is None or client.deleted:
        raise NotFound("not-found", "No such record.")
    require_facility(client.facility_id)

    def live(model: Any) -> list[Any]:
        return list(
            db.session.scalars(
                select(model).where(model.client_id == client.id, model.deleted.is_(False))
            )
        )

    enrollments = live(Enrollment)
    cohort_ids = sorted({e.cohort_id for e in enrollments if e.cohort_id})
    cohorts = list(db.session.scalars(select(Cohort).where(Cohort.id.in_(cohort_ids))))
    audit("read", entity="client", record_id=client.id, facility_id=client.facility_id, view="path")
    from ..models import Release

    return {
        "client": client,
        "enrollments": enrollments,
        "phase_changes": live(PhaseChange),
        "assessments": live(Assessment),
        "cohorts": cohorts,
        "releases": live(Release),
        "transfers": live(Transfer),
    }


PATH_ENTITIES = ("enrollment", "phase_change", "release", "transfer")


def check_path_changes(client_id: str, changes: list[Any]) -> None:
    """Staff record only the path of the client they opened: enrollments, phase changes,
    releases and transfers whose record (or whose new fields) name that client; a 422 problem
    otherwise."""
    from ..models import PhaseChange, Release, Transfer
    from .errors import Invalid

    models = {
        "enrollment": Enrollment,
        "phase_change": PhaseChange,
        "release": Release,
        "transfer": Transfer,
    }
    errors: dict[str, list[str]] = {}
    made: dict[tuple[str, str], Any] = {}  # records created earlier in the same request
    for i, raw in enumerate(changes):
        entity = raw.get("entity") if isinstance(raw, dict) else None
        if entity not in PATH_ENTITIES:
            errors[f"changes.{i}"] = ["Only enrollments, phase changes, releases and transfers."]
            continue
        record_id = raw.get("id")
        record = db.session.get(models[entity], record_id) if isinstance(record_id, str) else None
        fields_ = raw.get("fields") if isinstance(raw.get("fields"), dict) else {}
        key = (str(entity), str(record_id))
        if record is not None:
            named = record.client_id  # type: ignore[attr-defined]
        else:
            named = made.setdefault(key, fields_.get("client_id"))
        if named != client_id or fields_.get("client_id", client_id) != client_id:
            errors[f"changes.{i}"] = ["Must be of this client."]
    if errors:
        raise Invalid("invalid", "These changes are not this client's path.", errors)
