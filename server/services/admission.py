"""Admission from a facility's list: a WBP list (XLSX or CSV) read, checked, then imported.

Theory of operation (docs/design.md "Admission from the facility's list"):
1. Read: the first sheet of an XLSX (openpyxl) or a CSV (comma, semicolon or tab), its header row
   found among the first rows by the column names of a typical SDP export, in Bahasa Indonesia
   or English (`COLUMNS`). Values are read as the export writes them (L/P, "Pengguna", 12-03-1990).
2. Check each row: the client's fields by the same schema a device's push meets
   (`schemas.records.load_fields`), errors per row and field; a number twice in the file is an
   error on the later row.
3. Sort each good row: `present` (the facility already has a client with this number, now or in
   their register history, or this very row was imported before), `duplicate` (a likely
   duplicate by `sync.likely_duplicates`, the twin of the app's rule: left for a person to
   decide, never imported), or `new`.
4. Import (not a dry run): each new row becomes a client, version 1 through the change log
   (`services.versions.write_version`), so devices pull it like any change. Its id is derived
   from the facility and the number (uuid5), so the same file twice adds nothing, even when two
   imports race.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from sync import KnownClient, likely_duplicates, normalize_name

from ..extensions import db
from ..models import Client
from ..models.wire import fields_to_wire
from ..schemas.records import load_fields
from ..security import Caller
from .audit import audit
from .errors import Invalid
from .feed import lock_feed
from .registrations import numbers_of
from .versions import write_version

MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 10
IMPORT_NAMESPACE = uuid.UUID("6f1d8a52-3b0e-4d57-9a51-2f7c1c0a9e10")

# Normalized column names (normalize_name) -> the client's field.
COLUMNS: dict[str, str] = {
    **dict.fromkeys(
        (
            "no registrasi",
            "nomor registrasi",
            "no reg",
            "noreg",
            "no registrasi wbp",
            "nomor register",
            "no register",
            "registration number",
            "register number",
            "registration no",
            "reg no",
        ),
        "registration_number",
    ),
    **dict.fromkeys(("nama", "nama lengkap", "nama wbp", "name", "full name"), "full_name"),
    **dict.fromkeys(("jenis kelamin", "jk", "l p", "sex", "gender"), "sex"),
    **dict.fromkeys(
        ("tanggal lahir", "tgl lahir", "birth date", "date of birth", "dob"), "birth_date"
    ),
    **dict.fromkeys(
        ("tanggal masuk", "tgl masuk", "admission date", "date of admission", "admitted on"),
        "admission_date",
    ),
    **dict.fromkeys(
        ("perkara", "jenis perkara", "kasus", "case type", "case", "offence"), "case_type"
    ),
    **dict.fromkeys(("nik", "national id", "national id number"), "nik"),
}
REQUIRED = ("registration_number", "full_name", "sex", "case_type")

SEX_WORDS = {
    "l": "M",
    "lk": "M",
    "laki laki": "M",
    "laki": "M",
    "pria": "M",
    "m": "M",
    "male": "M",
    "p": "F",
    "pr": "F",
    "perempuan": "F",
    "wanita": "F",
    "f": "F",
    "female": "F",
}
# Words of a case-type column, first match wins (SDP writes e.g. "Narkotika - Pengguna").
CASE_WORDS = (
    ("pengguna", "user"),
    ("pemakai", "user"),
    ("penyalahguna", "user"),
    ("user", "user"),
    ("kurir", "courier"),
    ("courier", "courier"),
    ("pengedar", "dealer"),
    ("dealer", "dealer"),
    ("bandar", "trafficker"),
    ("trafficker", "trafficker"),
    ("lain", "other"),
    ("other", "other"),
)
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nopember", "nov"),
            ("desember", "december", "des", "dec"),
        ),
        start=1,
    )
    for name in names
}

Row = dict[str, Any]


def _problem(message: str) -> Invalid:
    return Invalid("invalid", "The file cannot be read as a WBP list.", {"content": [message]})


def _cells(file_name: str, content: bytes) -> list[list[Any]]:
    """The file's rows as lists of cell values (XLSX by its zip signature or its name)."""
    if content[:2] == b"PK" or file_name.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_cells(content)
    return _csv_cells(content)


def _xlsx_cells(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    # An uploaded workbook is untrusted: whatever openpyxl or zipfile raise while opening or
    # reading it (a broken zip, a missing part, bad XML) is a 422 about the file, never a 500.
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        raise _problem("Not an XLSX workbook this server can open.") from error
    try:
        sheet = book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
        return rows
    except Exception as error:
        raise _problem("The workbook's first sheet cannot be read.") from error
    finally:
        book.close()


def _csv_cells(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise _problem("Not a CSV or XLSX file.")
    first = text.splitlines()[0] if text else ""
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)][
            : MAX_ROWS + HEADER_SEARCH_ROWS + 1
        ]
    except csv.Error as error:
        raise _problem("Not a CSV file this server can read.") from error


def _header(rows: list[list[Any]]) -> tuple[int, dict[int, str], list[str]]:
    """The header row's index, its recognised columns (index -> field), the others' names."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[int, str] = {}
        unknown: list[str] = []
        for column, cell in enumerate(row):
            name = normalize_name(str(cell or ""))
            field = COLUMNS.get(name)
            if field is not None and field not in found.values():
                found[column] = field
            elif name:
                unknown.append(str(cell))
        if len(found) >= 2:
            return index, found, unknown
    raise _problem(
        "No header row found: name the columns as the export does "
        "(nama, no. registrasi, jenis kelamin, tanggal lahir, tanggal masuk, perkara)."
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> Any:
    """A date as an export writes it, as ISO text; what cannot be read is passed on as sent."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        year, month, day = (int(p) for p in text.split("-"))
    elif match := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
        day, month, year = (int(p) for p in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})", text):
        month_number = MONTHS.get(match.group(2).lower())
        if month_number is None:
            return text
        day, month, year = int(match.group(1)), month_number, int(match.group(3))
    else:
        return text
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return text


def _value(field: str, raw: Any) -> Any:
    """A cell as the value the client's schema reads (codes for L/P and case words)."""
    if field in ("birth_date", "admission_date"):
        return _date(raw)
    text = _text(raw)
    if field == "sex":
        return SEX_WORDS.get(normalize_name(text), text)
    if field == "case_type":
        words = normalize_name(text)
        return next((code for word, code in CASE_WORDS if word in words), text)
    if field == "nik":
        return text or None
    return text


def _messages(error: ValidationError) -> dict[str, list[str]]:
    messages = error.messages
    if not isinstance(messages, dict):
        return {"_row": [str(m) for m in messages]}
    return {
        name: [str(m) for m in (value if isinstance(value, list) else [value])]
        for name, value in messages.items()
    }


def import_id(facility_id: str, number: str) -> str:
    """The id of the client a list's row becomes: the same row always makes the same id."""
    return str(uuid.uuid5(IMPORT_NAMESPACE, f"{facility_id}/{number}"))


def _known(facility_id: str) -> tuple[list[Client], set[str]]:
    clients = list(
        db.session.scalars(
            select(Client).where(Client.facility_id == facility_id, Client.deleted.is_(False))
        )
    )
    all_ids = set(db.session.scalars(select(Client.id).where(Client.facility_id == facility_id)))
    return clients, all_ids


def read_list(file_name: str, content: bytes, facility_id: str) -> dict[str, Any]:
    """Steps 1-3: every row of the file, sorted and explained; nothing is written."""
    rows = _cells(file_name, content)
    start, columns, unknown = _header(rows)
    missing = [f for f in REQUIRED if f not in columns.values()]
    if missing:
        raise Invalid(
            "invalid",
            "The file lacks columns a client needs.",
            {"content": [f"Missing column: {', '.join(missing)}."]},
        )
    body = rows[start + 1 :]
    if len(body) > MAX_ROWS:
        raise _problem(f"At most {MAX_ROWS} rows at once.")
    clients, all_ids = _known(facility_id)
    known = [
        KnownClient(
            c.id,
            c.full_name,
            c.birth_date.isoformat() if c.birth_date else None,
            tuple(numbers_of(c)),
        )
        for c in clients
    ]
    holders = {n.strip().lower(): c for c in clients for n in numbers_of(c)}
    seen: dict[str, int] = {}
    out: list[Row] = []
    for offset, cells in enumerate(body):
        if not any(_text(c) for c in cells):
            continue  # an empty line
        number = start + offset + 2  # 1-based, counting the header row
        sent = {
            field: _value(field, cells[column] if column < len(cells) else None)
            for column, field in columns.items()
        }
        out.append(_sort(number, sent, facility_id, seen, holders, known, all_ids))
    counts = {status: 0 for status in ("new", "present", "duplicate", "error")}
    for row in out:
        counts[row["status"]] += 1
    return {
        "columns": {str(rows[start][i]): field for i, field in columns.items()},
        "unknown_columns": unknown,
        "counts": counts,
        "rows": out,
    }


def _sort(
    number: int,
    sent: dict[str, Any],
    facility_id: str,
    seen: dict[str, int],
    holders: dict[str, Client],
    known: list[KnownClient],
    all_ids: set[str],
) -> Row:
    row: Row = {"row": number, "values": sent, "errors": {}, "matches": []}
    try:
        values = load_fields("client", {**sent, "facility_id": facility_id}, partial=False)
    except ValidationError as error:
        return {**row, "status": "error", "errors": _messages(error)}
    values.pop("facility_id", None)
    row["values"] = fields_to_wire(values)
    key = values["registration_number"].strip().lower()
    if key in seen:
        message = f"The same number as row {seen[key]} of this file."
        return {**row, "status": "error", "errors": {"registration_number": [message]}}
    seen[key] = number
    record_id = import_id(facility_id, values["registration_number"])
    holder = holders.get(key)
    if holder is not None or record_id in all_ids:
        match = [_match(holder, "registration_number")] if holder is not None else []
        return {**row, "status": "present", "matches": match, "id": record_id}
    birth = values["birth_date"].isoformat() if values.get("birth_date") else None
    likely = likely_duplicates(values["registration_number"], values["full_name"], birth, known)
    if likely:
        by_id = {c.id: c for c in holders.values()}
        matches = [_match(by_id[other.id], why) for other, why in likely if other.id in by_id]
        return {**row, "status": "duplicate", "matches": matches}
    return {**row, "status": "new", "id": record_id}


def _match(client: Client, reason: str) -> dict[str, Any]:
    return {
        "id": client.id,
        "full_name": client.full_name,
        "registration_number": client.registration_number,
        "birth_date": client.birth_date.isoformat() if client.birth_date else None,
        "reason": reason,
    }


def import_list(
    caller: Caller, *, file_name: str, content: bytes, facility_id: str, dry_run: bool
) -> dict[str, Any]:
    """The dry run, or the import of its new rows through the change log (audited, counts only)."""
    if not dry_run:
        lock_feed(db.session)  # before reading: a racing import waits, then finds these rows
    report = read_list(file_name, content, facility_id)
    imported = 0
    if not dry_run:
        for row in report["rows"]:
            if row["status"] != "new":
                continue
            values = load_fields(
                "client", {**row["values"], "facility_id": facility_id}, partial=False
            )
            client = Client(id=row["id"], version=0, facility_id=facility_id)
            for name in Client.fields:
                setattr(client, name, values.get(name))
            client.registration_history = []
            db.session.add(client)
            write_version(
                client,
                source="import",
                changed=list(Client.fields),
                user_id=caller.user.id,
                device_id=caller.device_id,
            )
            row["status"] = "imported"
            imported += 1
    audit(
        "import" if not dry_run else "import_dry_run",
        entity="client",
        facility_id=facility_id,
        counts={**report["counts"], "imported": imported},
    )
    return {**report, "dry_run": dry_run, "imported": imported}
