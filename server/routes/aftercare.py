"""Release and aftercare, admission from a facility's list (docs/protocol.md "Aftercare")."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response

from ..json_body import Blueprint
from ..schemas.aftercare import ImportIn, ImportOut
from ..security import current_caller, login_required, require_facility
from ..services.admission import import_list
from ..services.discharge import discharge_summary
from ..services.unit import unit_of_work

blp = Blueprint(
    "aftercare", __name__, url_prefix="/api/v1", description="Release, aftercare, admission"
)

PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}


@blp.get("/releases/<uuid:release_id>/summary.pdf")
@login_required("counselor", "supervisor", "admin")
@blp.doc(responses={"200": {"description": "The discharge summary (PDF).", **PDF}})
def summary_pdf(release_id: UUID) -> Response:
    """The discharge summary of a release for its aftercare recipient: made only with the
    client's recorded consent for that recipient (409 otherwise), written to the audit trail as
    a disclosure."""
    with unit_of_work():
        data, release = discharge_summary(current_caller(), str(release_id))
    return Response(
        data,
        status=200,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="ringkasan-{release.id[:8]}.pdf"',
        },
    )


@blp.post("/imports/clients")
@login_required("supervisor", "admin")
@blp.arguments(ImportIn)
@blp.response(200, ImportOut)
def import_clients(body: dict[str, Any]) -> dict[str, Any]:
    """A facility's WBP list (XLSX or CSV): a dry run (new, present, likely duplicates, rows in
    error and why), or the import of its new rows through the change log. Idempotent."""
    require_facility(body["facility_id"])
    with unit_of_work():
        result = import_list(
            current_caller(),
            file_name=body["file_name"],
            content=body["content"],
            facility_id=body["facility_id"],
            dry_run=body["dry_run"],
        )
    return result
