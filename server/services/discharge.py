"""The discharge summary (ringkasan pemulangan): a PDF for the aftercare recipient, made on the
server with fpdf2, only with the client's recorded consent, and every one accounted for.

Theory of operation (docs/design.md "release"): the summary is a disclosure of health data
(UU PDP 27/2022) to a named recipient (Bapas, BNN, an institution). It is made only for a live
release whose `consent_recipient` is the referral's recipient; anything else is a 409 problem
and no PDF. Each summary made writes a `disclose` audit event (who, from which device, for
which release, client and recipient): the accounting of disclosures an admin reads in the audit
trail (`GET /admin/audit?action=disclose`). The figures come from the records as stored:
enrollments (program history), sessions attended per kind (one-client sessions marked
`attended` and group sessions the client attended), the first and the last ASSIST, the plan of
the last session that has one, and the counselor (the last enrollment's primary counselor, else
the last session's).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import date
from typing import Any

from fpdf import FPDF
from sqlalchemy import select

from ..extensions import db
from ..models import (
    Assessment,
    Attendance,
    Client,
    CounselingSession,
    Enrollment,
    Facility,
    Release,
    User,
)
from ..models.common import utcnow
from ..schemas.rules import GROUP_KINDS, SESSION_KINDS
from ..security import Caller, require_facility
from .audit import audit
from .errors import NotFound, StateConflict
from .report_labels import CODES

RELEASE_WORDS = {
    "bebas": "Bebas",
    "pb": "Pembebasan bersyarat (PB)",
    "cb": "Cuti bersyarat (CB)",
    "cmb": "Cuti menjelang bebas (CMB)",
}
RECIPIENT_WORDS = {"bapas": "Bapas", "bnn": "BNN", "institution": "Lembaga rehabilitasi"}


def find_release(release_id: str) -> Release:
    """A live release of the caller's facilities; a 404 problem otherwise."""
    release = db.session.get(Release, release_id) if len(release_id) <= 36 else None
    if release is None or release.deleted:
        raise NotFound("not-found", "No such record.")
    require_facility(release.facility_id)
    return release


def require_consent(release: Release) -> None:
    """No summary without the client's recorded consent for this very recipient."""
    name = (release.recipient_name or "").strip()
    if not release.recipient_kind or not name:
        raise StateConflict(
            "referral-missing",
            "The release names no aftercare recipient: record the referral first.",
            {"recipient_name": ["Required for a discharge summary."]},
        )
    if (release.consent_recipient or "").strip() != name:
        raise StateConflict(
            "consent-missing",
            "The client's consent to share the summary with this recipient is not recorded.",
            {"consent_recipient": ["The client's consent for this recipient is required."]},
        )


def summary_facts(release: Release) -> dict[str, Any]:
    """What the summary says, as plain data (the PDF is only its layout; tests read this too)."""
    client = db.session.get(Client, release.client_id)
    if client is None:
        raise NotFound("not-found", "No such record.")
    facility = db.session.get(Facility, release.facility_id)
    enrollments = sorted(
        db.session.scalars(
            select(Enrollment).where(
                Enrollment.client_id == client.id, Enrollment.deleted.is_(False)
            )
        ),
        key=lambda e: (e.start_date, e.id),
    )
    sessions = list(
        db.session.scalars(
            select(CounselingSession).where(
                CounselingSession.client_id == client.id, CounselingSession.deleted.is_(False)
            )
        )
    )
    attended: Counter[str] = Counter(
        s.kind for s in sessions if s.attendance == "attended" and s.kind not in GROUP_KINDS
    )
    group_kinds = db.session.scalars(
        select(CounselingSession.kind)
        .join(Attendance, Attendance.session_id == CounselingSession.id)
        .where(
            Attendance.client_id == client.id,
            Attendance.status == "attended",
            Attendance.deleted.is_(False),
            CounselingSession.deleted.is_(False),
        )
    )
    attended.update(group_kinds)
    screenings = sorted(
        db.session.scalars(
            select(Assessment).where(
                Assessment.client_id == client.id,
                Assessment.instrument == "assist",
                Assessment.deleted.is_(False),
            )
        ),
        key=lambda a: (a.taken_on, a.created_at),
    )
    planned = sorted(
        (s for s in sessions if (s.note_plan or "").strip()), key=lambda s: s.occurred_utc
    )
    last_plan = planned[-1] if planned else None
    counselor_id = next(
        (e.primary_counselor_id for e in reversed(enrollments) if e.primary_counselor_id), None
    )
    if counselor_id is None and sessions:
        counselor_id = max(sessions, key=lambda s: s.occurred_utc).counselor_id
    counselor = db.session.get(User, counselor_id) if counselor_id else None
    return {
        "client": client,
        "facility": facility,
        "release": release,
        "enrollments": enrollments,
        "attended": {kind: attended[kind] for kind in SESSION_KINDS if attended[kind]},
        "assist_first": screenings[0] if screenings else None,
        "assist_last": screenings[-1] if len(screenings) > 1 else None,
        "last_plan": last_plan,
        "counselor": counselor.display_name if counselor else None,
    }


def _latin1(text: Any) -> str:
    """Text the PDF's core font can draw: accents kept where Latin-1 has them."""
    value = unicodedata.normalize("NFKC", str(text if text is not None else "-"))
    value = value.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"')
    value = value.replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", "-")
    return value.encode("latin-1", errors="replace").decode("latin-1")


def _day(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "-"


class _Summary(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 6, f"Halaman {self.page_no()} / {{nb}} - RAHASIA", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 7, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)


def _line(pdf: FPDF, label: str, value: Any) -> None:
    pdf.set_font("helvetica", "B", 10)
    pdf.cell(55, 6, _latin1(label))
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 6, _latin1(value), new_x="LMARGIN", new_y="NEXT")


def _assist_line(pdf: FPDF, label: str, assessment: Assessment | None) -> None:
    if assessment is None:
        _line(pdf, label, "-")
        return
    scores = assessment.scores or {}
    parts = [
        f"{CODES.get(substance, substance)} {score['score']} ({CODES.get(risk, risk)})"
        for substance, score in scores.items()
        for risk in [str(score.get("risk")) if isinstance(score, dict) else ""]
        if isinstance(score, dict) and "score" in score and "risk" in score
    ]
    _line(pdf, label, f"{_day(assessment.taken_on)}: {'; '.join(parts) or '-'}")


def render_pdf(facts: dict[str, Any], made_by: str) -> bytes:
    """The summary as PDF bytes (A4, Bahasa Indonesia)."""
    client: Client = facts["client"]
    release: Release = facts["release"]
    facility: Facility | None = facts["facility"]
    pdf = _Summary(format="A4")
    pdf.set_title("Ringkasan pemulangan")
    pdf.set_author("Pulih")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 9, "RINGKASAN PEMULANGAN (DISCHARGE SUMMARY)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    pdf.cell(
        0,
        5,
        "Rujukan pascarehabilitasi - dibuat atas persetujuan klien",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _heading(pdf, "Klien")
    _line(pdf, "Nama", client.full_name)
    older = [e["number"] for e in client.registration_history or []]
    numbers = client.registration_number + (f" (sebelumnya: {', '.join(older)})" if older else "")
    _line(pdf, "No. registrasi", numbers)
    _line(pdf, "Tanggal lahir", _day(client.birth_date))
    _line(pdf, "Fasilitas", facility.name if facility else "-")
    _heading(pdf, "Pembebasan dan rujukan")
    _line(pdf, "Tanggal bebas", _day(release.released_on))
    _line(pdf, "Jenis", RELEASE_WORDS.get(release.kind, release.kind))
    recipient = RECIPIENT_WORDS.get(release.recipient_kind or "", release.recipient_kind)
    _line(pdf, "Penerima rujukan", f"{recipient}: {release.recipient_name}")
    consent_at = release.consent_recorded_at
    _line(
        pdf,
        "Persetujuan klien",
        f"dicatat oleh {release.consent_recorded_by_name or '-'}"
        f" pada {consent_at.strftime('%d-%m-%Y %H:%M') + ' UTC' if consent_at else '-'}",
    )
    _heading(pdf, "Riwayat program")
    if not facts["enrollments"]:
        _line(pdf, "-", "Belum pernah terdaftar dalam program")
    for enrollment in facts["enrollments"]:
        _line(
            pdf,
            CODES.get(enrollment.program, enrollment.program),
            f"{enrollment.cohort or '-'}, {_day(enrollment.start_date)} s.d. "
            f"{_day(enrollment.end_date)}, {CODES.get(enrollment.status, enrollment.status)}",
        )
    _heading(pdf, "Sesi yang dihadiri")
    total = 0
    for kind, count in facts["attended"].items():
        _line(pdf, CODES.get(kind, kind), str(count))
        total += count
    _line(pdf, "Jumlah", str(total))
    _heading(pdf, "ASSIST (WHO ASSIST v3.1)")
    _assist_line(pdf, "Saat masuk", facts["assist_first"])
    _assist_line(pdf, "Terakhir", facts["assist_last"])
    _heading(pdf, "Rencana terakhir")
    plan = facts["last_plan"]
    _line(
        pdf,
        plan.occurred_at[:10] if plan else "-",
        plan.note_plan if plan else "Tidak ada rencana tercatat",
    )
    _heading(pdf, "Konselor")
    _line(pdf, "Konselor", facts["counselor"] or "-")
    pdf.ln(4)
    pdf.set_font("helvetica", size=8)
    pdf.multi_cell(
        0,
        5,
        _latin1(
            f"Dibuat oleh {made_by} pada {utcnow().strftime('%d-%m-%Y %H:%M')} UTC untuk "
            f"{release.recipient_name}. Data kesehatan pribadi: hanya untuk penerima ini."
        ),
    )
    return bytes(pdf.output())


def discharge_summary(caller: Caller, release_id: str) -> tuple[bytes, Release]:
    """The summary of a release with consent, accounted for as a disclosure (audited)."""
    release = find_release(release_id)
    require_consent(release)
    facts = summary_facts(release)
    data = render_pdf(facts, caller.user.display_name)
    audit(
        "disclose",
        entity="release",
        record_id=release.id,
        facility_id=release.facility_id,
        client_id=release.client_id,
        recipient_kind=release.recipient_kind,
        recipient_name=release.recipient_name,
        consent_recorded_by=release.consent_recorded_by,
        document="discharge_summary",
    )
    return data, release
