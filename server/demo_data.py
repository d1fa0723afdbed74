"""The demo province's fixed data: facilities, yearly targets, names and note phrases.

Facility names and classes follow Kanwil Sumatera Selatan's own list; the people are invented.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

DEMO_PASSWORD = "pulih-demo-2024"
REGION = "Sumatera Selatan"
WIB = timezone(timedelta(hours=7))
DEMO_NOW = datetime(2023, 12, 28, 10, 0, tzinfo=WIB).astimezone(UTC)
ESTABLISHED = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
YEARS = (2021, 2022, 2023)

# (code, name, kind): the 20 lapas, rutan and LPKA of Kanwil Sumatera Selatan.
FACILITIES: tuple[tuple[str, str, str], ...] = (
    ("LP-PLG", "Lapas Kelas I Palembang", "lapas"),
    ("LPN-MBL", "Lapas Narkotika Kelas IIA Muara Beliti", "lapas_narkotika"),
    ("LPP-PLG", "Lapas Perempuan Kelas IIA Palembang", "lapas"),
    ("LPKA-PLG", "LPKA Kelas I Palembang", "lpka"),
    ("RUT-PLG", "Rutan Kelas I Palembang", "rutan"),
    ("LP-BYA", "Lapas Kelas IIA Banyuasin", "lapas"),
    ("LP-LHT", "Lapas Kelas IIA Lahat", "lapas"),
    ("LP-LLG", "Lapas Kelas IIA Lubuk Linggau", "lapas"),
    ("LP-TJR", "Lapas Kelas IIA Tanjung Raja", "lapas"),
    ("LP-EML", "Lapas Kelas IIB Empat Lawang", "lapas"),
    ("LP-KAG", "Lapas Kelas IIB Kayu Agung", "lapas"),
    ("LP-MTP", "Lapas Kelas IIB Martapura", "lapas"),
    ("LP-MDA", "Lapas Kelas IIB Muara Dua", "lapas"),
    ("LP-MRE", "Lapas Kelas IIB Muara Enim", "lapas"),
    ("LP-SKY", "Lapas Kelas IIB Sekayu", "lapas"),
    ("LP-BTA", "Lapas Kelas IIB Baturaja", "lapas"),
    ("LP-PGA", "Lapas Kelas III Pagar Alam", "lapas"),
    ("LP-SRL", "Lapas Kelas III Surulangun Rawas", "lapas"),
    ("RUT-BTA", "Rutan Kelas IIB Baturaja", "rutan"),
    ("RUT-PBM", "Rutan Kelas IIB Prabumulih", "rutan"),
)

# Distinct clients in rehabilitation per year and facility; the sums are the README's figures.
YEAR_TARGETS: dict[int, dict[str, int]] = {
    2021: {"LPN-MBL": 420, "LP-PLG": 250, "LPP-PLG": 110, "LPKA-PLG": 90},
    2022: {"LPN-MBL": 390, "LP-PLG": 230, "LPP-PLG": 100, "LPKA-PLG": 80},
    2023: {"LPN-MBL": 260, "LP-PLG": 150, "LPP-PLG": 60, "LPKA-PLG": 50},
}
MEDIS_2023 = {"LPN-MBL": 30, "LP-PLG": 20, "LPP-PLG": 10, "LPKA-PLG": 0}
REHAB_FACILITIES = tuple(YEAR_TARGETS[2021])
# Facilities with a counselor but no cohort: they screen and refer.
SCREENING_FACILITIES = ("RUT-PLG", "LP-LLG", "LP-BYA")
SCREENED_PER_FACILITY = 24

# (username, display name, facility code)
COUNSELORS: tuple[tuple[str, str, str], ...] = (
    ("konselor.mbl1", "Rina Marlina, S.Psi.", "LPN-MBL"),
    ("konselor.mbl2", "Hendra Saputra, S.Sos.", "LPN-MBL"),
    ("konselor.mbl3", "dr. Yusuf Hidayat", "LPN-MBL"),
    ("konselor.plg1", "Dewi Anggraini, S.Psi.", "LP-PLG"),
    ("konselor.plg2", "Agus Setiawan, S.Kep., Ns.", "LP-PLG"),
    ("konselor.plg3", "Fajar Ramadhan, S.Sos.", "LP-PLG"),
    ("konselor.lpp1", "Sri Handayani, S.Psi.", "LPP-PLG"),
    ("konselor.lpp2", "Maya Oktaviani, S.Kep., Ns.", "LPP-PLG"),
    ("konselor.lpka1", "Irwan Kurniawan, S.Psi.", "LPKA-PLG"),
    ("konselor.lpka2", "Lestari Puspita, S.Sos.", "LPKA-PLG"),
    ("konselor.rplg1", "Bayu Pratama, S.Psi.", "RUT-PLG"),
    ("konselor.llg1", "Nurul Hasanah, S.Sos.", "LP-LLG"),
    ("konselor.bya1", "Ridwan Effendi, S.Kep., Ns.", "LP-BYA"),
)
SUPERVISOR = ("supervisor", "Dra. Yanti Susanti, M.Si.")
ADMIN = ("admin", "Administrator Kanwil")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE_NAMES = _words(
    "Ahmad Muhammad Rudi Andi Budi Dedi Hendra Joko Agus Rizki Fajar Irwan Yusuf Heri Doni "
    "Eko Ferry Gilang Hadi Imam Iqbal Jefri Lukman Arif Nanda Oki Rahmat Ridwan Sandi "
    "Taufik Wahyu Yoga Zulkifli Bayu Arman Dimas Reza Robi Septian Tri Anton Candra "
    "Darmawan Edi Firdaus Hasan Ilham Kiki Mulyadi Novri Rendi Sahrul Toni Wawan Yudi "
    "Zainal Ari Dodi Erwin Feri"
)
FEMALE_NAMES = _words(
    "Siti Dewi Rina Sri Yuli Nur Fitri Maya Lina Indah Ayu Desi Evi Kartika Mega Novi Putri "
    "Ratna Sari Tika Wulan Yanti Eka Rosita Nurhayati Melati Anisa Dian Leni Marlina"
)
MALE_SURNAMES = _words(
    "Saputra Pratama Hidayat Ramadhan Syahputra Firmansyah Setiawan Wijaya Susanto Gunawan "
    "Kurniawan Nugroho Hakim Rahman Effendi Alamsyah Sanjaya Irawan Maulana Siregar "
    "Nasution Harahap Lubis Purnama Hermawan Iskandar Mahendra Santoso Wibowo Fauzi"
)
FEMALE_SURNAMES = _words(
    "Sari Lestari Wati Anggraini Puspita Handayani Rahmawati Susanti Oktaviani Permata "
    "Marlina Safitri Wulandari Purnamasari Novitasari"
)
# Regency codes of South Sumatra, for plausible NIKs.
REGENCY_CODES = ("1601", "1602", "1603", "1604", "1605", "1606", "1607", "1671", "1672", "1674")

DATA_PHRASES = (
    "Klien hadir tepat waktu dan kooperatif.",
    "Klien menceritakan kerinduan pada keluarga di rumah.",
    "Klien melaporkan tidur cukup dan nafsu makan baik.",
    "Klien mengeluhkan sulit tidur dua malam terakhir.",
    "Klien menyampaikan keinginan berhenti memakai sabu setelah bebas.",
    "Klien aktif mengikuti kegiatan kebersihan blok.",
    "Klien mengaku masih sering teringat suasana saat memakai.",
    "Klien menceritakan konflik kecil dengan teman sekamar.",
    "Klien membawa catatan tugas minggu lalu dan membacakannya.",
    "Klien bercerita tentang kunjungan istri dan anaknya.",
    "Klien tampak lebih tenang dibanding pertemuan sebelumnya.",
    "Klien mengikuti pengajian rutin di masjid lapas.",
)
ASSESSMENT_PHRASES = (
    "Motivasi berubah meningkat; klien berada di tahap kontemplasi menuju persiapan.",
    "Craving ringan dan masih dapat dikendalikan dengan teknik distraksi.",
    "Suasana hati stabil, tidak tampak tanda risiko.",
    "Pemahaman klien tentang pemicu (trigger) mulai baik.",
    "Klien masih menyangkal sebagian dampak pemakaian.",
    "Dukungan keluarga cukup baik dan menjadi faktor pelindung.",
    "Keterampilan menolak tawaran masih perlu dilatih.",
    "Klien menunjukkan kemajuan dalam mengelola emosi.",
)
PLAN_PHRASES = (
    "Lanjutkan konseling individu minggu depan.",
    "Latihan teknik relaksasi napas setiap malam.",
    "Susun daftar pemicu dan rencana penanganannya.",
    "Libatkan keluarga pada sesi kunjungan berikutnya.",
    "Ikutkan klien pada kelompok pencegahan kekambuhan.",
    "Tulis jurnal harian tentang craving dan suasana hati.",
    "Diskusikan rencana kerja setelah bebas pada sesi berikutnya.",
)
GROUP_TOPICS = (
    "Mengenali pemicu",
    "Mengelola craving",
    "Komunikasi asertif",
    "Dampak narkoba pada kesehatan",
    "Rencana hidup setelah bebas",
    "Keterampilan menolak tawaran",
    "Mengelola marah",
    "Peran keluarga dalam pemulihan",
    "HIV dan hepatitis C",
    "Spiritualitas dan pemulihan",
)
ATTENDANCE_OUTCOMES = ("attended", "sick", "excused", "refused")
ABSENCE_NOTES = {
    "sick": "Klien tidak dapat hadir karena sakit (dirawat di poliklinik lapas).",
    "excused": "Klien berhalangan hadir karena jadwal sidang/kunjungan keluarga.",
    "refused": "Klien menolak mengikuti sesi hari ini.",
}
# The codes of the app's usual panel (pwa/src/client/session-form.ts URINE_PANEL), so the demo's
# results read in words ("THC", "Morfin") like those a counselor enters.
URINE_PANEL = (
    "amphetamine",
    "methamphetamine",
    "thc",
    "morphine",
    "benzodiazepine",
    "cocaine",
)
# URICA items per subscale (32-item version).
URICA_SCALES = {
    "precontemplation": (1, 5, 11, 13, 23, 26, 29, 31),
    "contemplation": (2, 4, 8, 12, 15, 19, 21, 24),
    "action": (3, 7, 10, 14, 17, 20, 25, 30),
    "maintenance": (6, 9, 16, 18, 22, 27, 28, 32),
}
URICA_MEANS = {"precontemplation": 2.2, "contemplation": 3.9, "action": 3.6, "maintenance": 3.1}
# Answer points per ASSIST level: 0 none, 1 low, 2 moderate, 3 high.
ASSIST_LEVELS: dict[int, dict[str, tuple[int, ...]]] = {
    0: {"q2": (0,), "q3": (0,), "q4": (0,), "q5": (0,), "q6": (0,), "q7": (0,)},
    1: {"q2": (2,), "q3": (0,), "q4": (0,), "q5": (0,), "q6": (0,), "q7": (0,)},
    2: {"q2": (3, 4), "q3": (3, 4, 5), "q4": (0, 4), "q5": (0, 5), "q6": (3,), "q7": (0, 3)},
    3: {"q2": (4, 6), "q3": (5, 6), "q4": (5, 6, 7), "q5": (6, 7, 8), "q6": (6,), "q7": (3, 6)},
}
PRIMARY_SUBSTANCES = (
    ("amphetamine", 72),
    ("cannabis", 16),
    ("sedatives", 4),
    ("inhalants", 3),
    ("opioids", 2),
    ("hallucinogens", 2),
    ("cocaine", 1),
)
