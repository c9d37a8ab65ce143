"""SIMFONI-PPA: the case-level export staff re-enter into the ministry's system, and the "entered as #…" mark.

The export is case-level data, so only supervisors get it, for cases of their own region (``crud.case_scope``);
a statistician gets aggregates only (``storage.figures``). Fields the hotline does not collect (date of the
incident, education, disability) are left empty, never guessed. Every export, mark and listing is audited with
case ids only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import crud
from storage.console import get_visible_case
from storage.figures import WIB, Period, valid_regency
from storage.models import Case, Staff, utcnow

EXPORT_ROLES: Final = frozenset({"supervisor"})
REF_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./-]{0,31}$")
MAX_EXPORT_ROWS: Final = 50_000

# SIMFONI-PPA's categories for the hotline's values.
VIOLENCE: Final = {"physical": "Fisik", "psychological": "Psikis", "sexual": "Seksual", "exploitation": "Eksploitasi",
                   "trafficking": "Trafficking", "neglect": "Penelantaran", "other": "Lainnya"}
AGE_GROUP: Final = {"child": "Anak (0-17 tahun)", "adult": "Dewasa (18+ tahun)"}
SEX: Final = {"female": "Perempuan", "male": "Laki-laki"}
PLACE: Final = {"rumah_tangga": "Rumah Tangga", "sekolah": "Sekolah", "tempat_kerja": "Tempat Kerja",
                "fasilitas_umum": "Fasilitas Umum", "online": "Online / Media Sosial", "lainnya": "Lainnya"}
# Services given, from the case's outcome. Every case had a complaint taken (Pengaduan).
SERVICE: Final = {"konseling": "Konseling", "dirujuk": "Rujukan", "lapor_polisi": "Penegakan Hukum",
                  "rumah_aman": "Rumah Aman"}

#: (column key, header) of the export, in SIMFONI-PPA's order of entry.
COLUMNS: Final = (
    ("kode_kasus_hotline", "Kode kasus hotline"),
    ("tanggal_pelaporan", "Tanggal pelaporan"),
    ("tanggal_kejadian", "Tanggal kejadian"),
    ("kode_provinsi", "Kode provinsi"),
    ("kode_kabupaten_kota", "Kode kabupaten/kota"),
    ("kode_kecamatan", "Kode kecamatan"),
    ("kode_desa_kelurahan", "Kode desa/kelurahan"),
    ("kabupaten_kota", "Kabupaten/kota"),
    ("kecamatan", "Kecamatan"),
    ("tempat_kejadian", "Tempat kejadian"),
    ("jenis_kekerasan", "Jenis kekerasan"),
    ("kelompok_umur_korban", "Kelompok umur korban"),
    ("umur_korban", "Umur korban"),
    ("jenis_kelamin_korban", "Jenis kelamin korban"),
    ("pendidikan_korban", "Pendidikan korban"),
    ("disabilitas_korban", "Disabilitas korban"),
    ("hubungan_pelaku", "Hubungan pelaku dengan korban"),
    ("layanan", "Layanan yang diberikan"),
    ("nomor_simfoni", "Nomor SIMFONI-PPA"),
)
#: Columns SIMFONI-PPA records that the hotline never collects: always empty.
NOT_COLLECTED: Final = frozenset({"tanggal_kejadian", "pendidikan_korban", "disabilitas_korban"})


def _codes(place_code: str | None) -> list[str]:
    """Province, regency, kecamatan, village codes of a Kemendagri code (empty where less specific)."""
    parts = (place_code or "").split(".") if place_code else []
    return [".".join(parts[:i]) if len(parts) >= i else "" for i in (1, 2, 3, 4)]


def row_of(case: Case) -> dict[str, str]:
    """One export row; empty strings for everything unknown or not collected."""
    province, regency, kecamatan, village = _codes(case.place_code)
    services = ["Pengaduan"] + ([SERVICE[case.outcome]] if case.outcome in SERVICE else [])
    return {
        "kode_kasus_hotline": case.code,
        "tanggal_pelaporan": case.created_at.astimezone(WIB).date().isoformat(),
        "tanggal_kejadian": "",
        "kode_provinsi": province,
        "kode_kabupaten_kota": regency,
        "kode_kecamatan": kecamatan,
        "kode_desa_kelurahan": village,
        "kabupaten_kota": case.city or "",
        "kecamatan": case.kecamatan or "",
        "tempat_kejadian": PLACE.get(case.place or "", ""),
        "jenis_kekerasan": VIOLENCE.get(case.violence_type, ""),
        "kelompok_umur_korban": AGE_GROUP.get(case.victim_age_group, ""),
        "umur_korban": str(case.victim_age) if case.victim_age is not None else "",
        "jenis_kelamin_korban": SEX.get(case.victim_sex or "", ""),
        "pendidikan_korban": "",
        "disabilitas_korban": "",
        "hubungan_pelaku": case.relationship or "",
        "layanan": "; ".join(services),
        "nomor_simfoni": case.simfoni_ref or "",
    }


def may_export(viewer: Staff) -> bool:
    """Supervisors export their region's cases; no one else (a statistician gets aggregates only)."""
    return viewer.active and viewer.role in EXPORT_ROLES


def export_rows(session: Session, *, viewer: Staff, period: Period, regency: str | None
                ) -> list[dict[str, str]] | None:
    """The export rows of the viewer's cases reported in ``period`` (one regency/city when given), oldest
    first; None when the viewer may not export. Audited with the case ids exported."""
    if not may_export(viewer):
        crud.audit(session, actor=viewer, action="simfoni_export_denied", entity="case", entity_id=None)
        return None
    lo, hi = period.bounds()
    stmt = select(Case).where(crud.case_scope(viewer), Case.created_at >= lo, Case.created_at < hi)
    regency = valid_regency(regency)
    if regency is not None:
        stmt = stmt.where(Case.place_code.like(f"{regency}.%") | (Case.place_code == regency))
    cases = list(session.scalars(stmt.order_by(Case.created_at, Case.id).limit(MAX_EXPORT_ROWS)))
    crud.audit(session, actor=viewer, action="simfoni_export", entity="case", entity_id=None,
               detail={"case_ids": [c.id for c in cases], "from": period.start.isoformat(),
                       "to": period.end.isoformat(), "regency": regency})
    return [row_of(c) for c in cases]


@dataclass(frozen=True)
class MarkResult:
    """What happened to a "entered in SIMFONI-PPA as #…" request."""

    ok: bool
    message: str


def mark_entered(session: Session, *, viewer: Staff, code: str, ref: str, now: datetime | None = None
                 ) -> MarkResult | None:
    """Record that the case was entered in SIMFONI-PPA as ``ref``; None if the case is outside the viewer's scope.

    A case is entered once: a second mark is refused (it names the number already recorded). Audited.
    """
    ref = ref.strip().lstrip("#")
    case = get_visible_case(session, viewer=viewer, code=code, action="simfoni_mark")
    if case is None:
        return None
    if not REF_PATTERN.match(ref):
        return MarkResult(False, "Nomor SIMFONI-PPA tidak valid (huruf, angka, titik, garis miring; maks. 32).")
    if case.simfoni_ref is not None:
        return MarkResult(False, f"Kasus ini sudah tercatat di SIMFONI-PPA sebagai #{case.simfoni_ref}.")
    case.simfoni_ref = ref
    case.simfoni_entered_at = now or utcnow()
    case.simfoni_entered_by = viewer.id
    crud.audit(session, actor=viewer, action="simfoni_entered", entity="case", entity_id=case.id,
               detail={"simfoni_ref": ref})
    return MarkResult(True, f"Tercatat: kasus {case.code} sudah masuk SIMFONI-PPA sebagai #{ref}.")


def not_entered(session: Session, *, viewer: Staff, limit: int = 200) -> list[Case] | None:
    """The viewer's cases not yet entered in SIMFONI-PPA, oldest first (supervisors only; None otherwise).

    Audited as one listing with the ids shown.
    """
    if not may_export(viewer):
        crud.audit(session, actor=viewer, action="simfoni_list_denied", entity="case", entity_id=None)
        return None
    cases = list(session.scalars(select(Case).where(crud.case_scope(viewer), Case.simfoni_ref.is_(None))
                                 .order_by(Case.created_at, Case.id).limit(limit)))
    crud.audit(session, actor=viewer, action="simfoni_list", entity="case", entity_id=None,
               detail={"case_ids": [c.id for c in cases]})
    return cases
