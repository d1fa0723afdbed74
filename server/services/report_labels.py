"""The words of exported report tables, in Bahasa Indonesia, and how their cells are shown.

Theory of operation: `reports.table_rows` flattens the summary with codes (`facility_code`,
`rehab_medis`, `m01`), so the JSON and every export share one flattening. `localize` then turns a
table's header and its first column into words through the tables below: a new figure gets its
words by adding entries here (a code without an entry is shown as it is, and a test lists the
rule vocabulary's codes that have none). `NUMBER_FORMATS` says how a column's numbers read in a
spreadsheet.
"""

from __future__ import annotations

from typing import Any, Final

# Sheet names (at most 31 characters) of the export tables.
SHEETS: Final[dict[str, str]] = {
    "rehabilitated": "Direhabilitasi",
    "enrollments": "Peserta program",
    "sessions_by_kind_month": "Sesi per jenis & bulan",
    "attendance": "Kehadiran",
    "pipeline": "Alur pemeriksaan",
    "assist_risk_at_intake": "Risiko ASSIST awal",
    "cohorts": "Angkatan",
    "whoqol_change": "Perubahan WHOQOL-BREF",
    "urica_change": "Perubahan URICA",
    "urine_tests": "Tes urine",
}

# Column headers.
COLUMNS: Final[dict[str, str]] = {
    "facility_code": "Kode fasilitas",
    "facility_name": "Nama fasilitas",
    "total": "Jumlah",
    "program": "Program",
    "kind": "Jenis sesi",
    "sessions": "Sesi",
    "rate": "Tingkat kehadiran",
    "metric": "Ukuran",
    "value": "Nilai",
    "substance": "Zat",
    # cohorts and outcomes (services/outcomes.py)
    "cohort": "Angkatan",
    "intake_target": "Target peserta",
    "enrolled": "Terdaftar",
    "ended": "Berakhir",
    "completion_rate": "Tingkat selesai",
    "dropout_rate": "Tingkat putus program",
    "domain": "Domain",
    "score": "Skor",
    "clients": "Klien",
    "mean_first": "Rata-rata awal",
    "mean_last": "Rata-rata akhir",
    "mean_change": "Rata-rata perubahan",
    "improved_rate": "Persen membaik",
    **{
        f"m{number:02d}": name
        for number, name in enumerate(
            ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
            start=1,
        )
    },
}

# Codes that stand in a header or a table's first column, by what they name.
CODES: Final[dict[str, str]] = {
    "TOTAL": "JUMLAH",
    # programs
    "rehab_medis": "Rehabilitasi medis",
    "rehab_sosial": "Rehabilitasi sosial",
    "pasca_rehab": "Pascarehabilitasi",
    # enrollment statuses
    "active": "Aktif",
    "completed": "Selesai",
    "withdrew": "Mengundurkan diri",
    "expelled": "Dikeluarkan",
    "transferred": "Dipindahkan",
    "released": "Bebas",
    "referred": "Dirujuk",
    "died": "Meninggal",
    # session kinds
    "screening": "Skrining",
    "assessment": "Asesmen",
    "individual": "Konseling individu",
    "group": "Konseling kelompok",
    "morning_meeting": "Pertemuan pagi",
    "seminar": "Penyuluhan",
    "family": "Konseling keluarga",
    "relapse_prevention": "Pencegahan kekambuhan",
    "vocational": "Vokasional",
    "medical": "Medis",
    "urine_test": "Tes urine",
    # attendance
    "attended": "Hadir",
    "absent": "Tidak hadir",
    "excused": "Izin",
    "sick": "Sakit",
    "refused": "Menolak",
    # ASSIST risk bands and substances
    "low": "Risiko rendah",
    "moderate": "Risiko sedang",
    "high": "Risiko tinggi",
    "tobacco": "Tembakau",
    "alcohol": "Alkohol",
    "cannabis": "Ganja",
    "cocaine": "Kokain",
    "amphetamine": "Stimulan jenis amfetamin",
    "inhalants": "Inhalansia",
    "sedatives": "Sedatif",
    "hallucinogens": "Halusinogen",
    "opioids": "Opioid",
    "other": "Lainnya",
    # WHOQOL-BREF domains (0-100) and URICA readiness
    "physical": "Kesehatan fisik",
    "psychological": "Psikologis",
    "social": "Hubungan sosial",
    "environment": "Lingkungan",
    "readiness": "Kesiapan berubah (URICA)",
}

# The first column of a table, where it holds codes of its own (the attendance rows, metrics).
ROW_CODES: Final[dict[str, dict[str, str]]] = {
    "attendance": {"individual": "Sesi satu klien", "group": "Peserta sesi kelompok"},
    "pipeline": {
        "drafts_older_than_48h": "Draf lebih dari 48 jam",
        "submitted_waiting_count": "Menunggu pemeriksaan (sesi)",
        "submitted_waiting_oldest_hours": "Menunggu paling lama (jam)",
        "submitted_waiting_median_hours": "Median lama menunggu (jam)",
        "review_time_count": "Diperiksa tahun ini (sesi)",
        "review_time_median_hours": "Median waktu pemeriksaan (jam)",
    },
    "urine_tests": {
        "done": "Tes dilakukan",
        "positive": "Hasil positif",
        "positive_rate": "Persen positif",
    },
}

# Excel number formats: counts with thousands separators, hours with one decimal, rates in %.
COUNT_FORMAT: Final = "#,##0"
DECIMAL_FORMAT: Final = "#,##0.0"
NUMBER_FORMATS: Final[dict[str, str]] = {
    name: "0.0%"
    for name in ("rate", "completion_rate", "dropout_rate", "improved_rate", "positive_rate")
}
# Tables whose first column holds each facility's own code: only TOTAL there is a word.
FACILITY_ROWS: Final = frozenset({"rehabilitated", "cohorts"})


def word(code: str, table: str | None = None) -> str:
    """The words for a header or first-column code; the code itself when none are known."""
    if table is not None and code in ROW_CODES.get(table, {}):
        return ROW_CODES[table][code]
    return COLUMNS.get(code) or CODES.get(code) or code


def localize(
    table: str, header: list[str], rows: list[list[Any]]
) -> tuple[list[str], list[list[Any]]]:
    """A table with its header and first-column codes in words (the numbers untouched)."""

    def first(code: Any) -> Any:
        # The facility table's first column is each facility's own code: only TOTAL is a word.
        if not isinstance(code, str) or (table in FACILITY_ROWS and code != "TOTAL"):
            return code
        return word(code, table)

    return [word(code) for code in header], [[first(row[0]), *row[1:]] for row in rows if row]


def number_format(column: str, value: Any) -> str | None:
    """How a number of a column reads in a spreadsheet (None: not a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if column in NUMBER_FORMATS:
        return NUMBER_FORMATS[column]
    return COUNT_FORMAT if isinstance(value, int) else DECIMAL_FORMAT
