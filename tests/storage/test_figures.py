"""Figures and the SIMFONI-PPA export on SQLite and PostgreSQL: counts by GROUP BY within the viewer's scope,
the small-count rule for statisticians, percentiles by window functions, the export's fields, and the audit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import crud, simfoni
from storage import figures as fig
from storage.models import AuditLog, Staff
from tests.factories import make_case

NOW = datetime(2026, 6, 30, 5, 0, tzinfo=UTC)
PERIOD = fig.Period(date(2026, 1, 1), date(2026, 6, 30))
JAN = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)
MAR = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


def staff(session: Session, role: str, region: str = "32.76") -> Staff:
    n = session.scalar(select(Staff.id).order_by(Staff.id.desc())) or 0
    return crud.add_staff(session, name=f"Uji {role} {n + 1}", role=role, region=region, channel="telegram",
                          contact_id=f"99{n + 1:04d}")


def seed(session: Session) -> None:
    """Depok (region 32.76): Beji 6 physical + 2 sexual, Cilodong 3 physical, one case
    known only to the regency; Payakumbuh: a case with a Depok-looking code that must never count for Depok;
    and one Depok case before the period."""
    for _ in range(6):
        make_case(session, place_code="32.76.01.1001", kecamatan="Beji", city="Kota Depok", created_at=JAN,
                  victim_age_group="adult", victim_sex="female", channel="whatsapp")
    for _ in range(2):
        make_case(session, place_code="32.76.01", kecamatan="Beji", city="Kota Depok", violence_type="sexual",
                  created_at=MAR, victim_age_group="child", victim_sex="female")
    for _ in range(3):
        make_case(session, place_code="32.76.02", kecamatan="Cilodong", city="Kota Depok", created_at=MAR,
                  victim_age_group="child", victim_sex="male", channel=None)
    make_case(session, place_code="32.76", city="Kota Depok", created_at=MAR)
    make_case(session, region="13.76", place_code="32.76.01", kecamatan="Beji", created_at=MAR)
    make_case(session, place_code="32.76.01", kecamatan="Beji", created_at=datetime(2025, 12, 1, tzinfo=UTC))


def run(session: Session, viewer: Staff, regency: str | None = "32.76") -> fig.Figures:
    found = fig.figures(session, viewer=viewer, period=PERIOD, regency=regency, now=NOW)
    assert found is not None
    return found


def test_supervisor_sees_exact_counts_of_their_region(session: Session) -> None:
    seed(session)
    f = run(session, staff(session, "supervisor"))
    t = f.type_by_kecamatan
    assert f.kecamatan_codes == ["32.76.01", "32.76.02", None]
    assert t.rows[0] == "Beji (32.76.01)" and t.rows[1] == "Cilodong (32.76.02)"
    phys, sexual = t.cols.index("physical"), t.cols.index("sexual")
    assert (t.cells[0][phys], t.cells[0][sexual], t.cells[1][phys], t.cells[2][phys]) == ("6", "2", "3", "1")
    assert t.total == "12"  # the Payakumbuh case and the one before the period are not counted
    assert f.by_month.cells == [["6", "0", "6", "0", "0", "0"]]
    assert dict(zip(f.by_channel.cols, f.by_channel.cells[0], strict=True)) == {
        "telegram": "3", "whatsapp": "6", "web": "0", "unknown": "3"}
    age = {(r, c): f.age_sex.cells[i][j] for i, r in enumerate(f.age_sex.rows) for j, c in enumerate(f.age_sex.cols)}
    assert (age[("adult", "female")], age[("child", "female")], age[("child", "male")], age[("unknown", "unknown")]
            ) == ("6", "2", "3", "1")


def test_statistician_gets_only_protected_counts(session: Session) -> None:
    seed(session)
    f = run(session, staff(session, "statistician"))
    t = f.type_by_kecamatan
    phys, sexual = t.cols.index("physical"), t.cols.index("sexual")
    assert t.cells[0][phys] == "×"  # hidden so that Beji's total 8 does not give the "<5" of sexual back
    assert t.cells[0][sexual] == "<5" and t.cells[1][phys] == "<5" and t.cells[2][phys] == "<5"
    assert t.total == "12"
    assert f.by_month.cells == [["6", "0", "6", "0", "0", "0"]]
    shown = [v for row in t.cells for v in row] + t.row_totals + t.col_totals
    assert not any(v.isdigit() and 0 < int(v) < 5 for v in shown)


def test_region_filter_and_other_regions(session: Session) -> None:
    seed(session)
    other = run(session, staff(session, "statistician", "13.76"))
    assert other.type_by_kecamatan.total == "<5"
    assert run(session, staff(session, "supervisor"), regency="35.01").type_by_kecamatan.total == "0"
    everything = run(session, staff(session, "supervisor"), regency=None)
    assert everything.type_by_kecamatan.total == "12"
    assert fig.regencies(session, viewer=staff(session, "supervisor")) == [("32.76", "Kota Depok")]


@pytest.mark.parametrize("role", ["counsellor", "content_editor", "admin"])
def test_other_roles_get_no_figures_and_it_is_audited(session: Session, role: str) -> None:
    seed(session)
    viewer = staff(session, role)
    assert fig.figures(session, viewer=viewer, period=PERIOD, regency=None, now=NOW) is None
    assert crud.list_audit(session, entity="figures")[0].action == "figures_denied"


def test_empty_database_first_view(session: Session) -> None:
    viewer = staff(session, "supervisor")
    f = run(session, viewer)
    assert f.type_by_kecamatan.rows == [] and f.type_by_kecamatan.total == "0"
    assert all(p.p50 is None and p.n == "0" for p in f.response.durations)
    assert (f.response.timed_out_pages, f.response.past_deadline) == ("0", "0")
    row = crud.list_audit(session, entity="figures")[0]
    assert (row.action, row.actor, row.entity_id) == ("figures", f"staff:{viewer.id}", "32.76")


def test_response_times_percentiles_and_deadline(session: Session) -> None:
    for i in range(1, 11):  # paged at +5 s, claimed at +205 s, the counsellor's first message 30*i s later
        make_case(session, place_code="32.76.01", created_at=MAR, page_after_s=5, claim_after_s=205,
                  counsellor_after_s=205 + 30 * i, timed_out_pages=1 if i <= 2 else 0)
    make_case(session, place_code="32.76.01", violence_type="sexual", created_at=MAR)  # open, deadline passed
    f = run(session, staff(session, "supervisor"))
    first, page_claim, claim_msg = f.response.durations
    assert (first.p50, first.p90, first.n) == (pytest.approx(355, abs=0.01), pytest.approx(475, abs=0.01), "10")
    # The first page of cases 1 and 2 went out at +1 s (and timed out): 204 s to the claim; the others 200 s.
    assert (page_claim.p50, page_claim.p90) == (pytest.approx(200, abs=0.01), pytest.approx(204, abs=0.01))
    assert (claim_msg.p50, claim_msg.p90) == (pytest.approx(150, abs=0.01), pytest.approx(270, abs=0.01))
    assert (f.response.timed_out_pages, f.response.past_deadline, f.response.deadline_cases) == ("2", "1", "1")
    assert f.response.open_by_age.cells == [["0", "0", "0", "0", "11"]]
    protected = run(session, staff(session, "statistician"))
    assert protected.response.timed_out_pages == "<5" and protected.response.past_deadline == "<5"
    assert protected.response.durations[2].p50 == pytest.approx(150, abs=0.01)


def test_percentile_of_few_cases_is_hidden_from_statisticians(session: Session) -> None:
    for i in range(3):
        make_case(session, place_code="32.76.01", created_at=MAR, claim_after_s=60, counsellor_after_s=70 + i)
    f = run(session, staff(session, "statistician"))
    assert (f.response.durations[2].p50, f.response.durations[2].n) == (None, "<5")
    assert run(session, staff(session, "supervisor")).response.durations[2].p50 == pytest.approx(11, abs=0.01)


def test_the_operations_write_the_response_times_once(session: Session) -> None:
    case = make_case(session, place_code="32.76.01")
    counsellor = staff(session, "counsellor")
    first = crud.record_escalation_attempt(session, case=case, staff=counsellor, attempt_no=1)
    assert first is not None
    crud.record_escalation_attempt(session, case=case, staff=counsellor, attempt_no=2)
    claimed = crud.claim_case(session, case=case, staff=counsellor)
    assert claimed.first_paged_at == first.sent_at and claimed.claimed_at is not None
    crud.note_staff_reply(session, case_code=case.code)
    session.commit()
    session.refresh(case)
    replied = case.first_staff_reply_at
    assert replied is not None and replied >= claimed.claimed_at
    crud.note_staff_reply(session, case_code=case.code)  # a second message leaves the first time
    session.commit()
    session.refresh(case)
    assert case.first_staff_reply_at == replied


def test_simfoni_export_fields_and_who_may_export(session: Session) -> None:
    case = make_case(session, place_code="32.76.01.1001", kecamatan="Beji", city="Kota Depok",
                     violence_type="sexual", victim_age_group="child", victim_sex="female", relationship="paman",
                     place="rumah_tangga", created_at=MAR)
    make_case(session, region="13.76", place_code="13.76.01", created_at=MAR)
    supervisor = staff(session, "supervisor")
    rows = simfoni.export_rows(session, viewer=supervisor, period=PERIOD, regency=None)
    assert rows is not None and len(rows) == 1
    assert rows[0] == {
        "kode_kasus_hotline": case.code, "tanggal_pelaporan": "2026-03-10", "tanggal_kejadian": "",
        "kode_provinsi": "32", "kode_kabupaten_kota": "32.76", "kode_kecamatan": "32.76.01",
        "kode_desa_kelurahan": "32.76.01.1001", "kabupaten_kota": "Kota Depok", "kecamatan": "Beji",
        "tempat_kejadian": "Rumah Tangga", "jenis_kekerasan": "Seksual", "kelompok_umur_korban": "Anak (0-17 tahun)",
        "umur_korban": "", "jenis_kelamin_korban": "Perempuan", "pendidikan_korban": "", "disabilitas_korban": "",
        "hubungan_pelaku": "paman", "layanan": "Pengaduan", "nomor_simfoni": ""}
    audit = crud.list_audit(session, entity="case")[0]
    assert audit.action == "simfoni_export" and audit.detail["case_ids"] == [case.id]
    for role in ("statistician", "counsellor"):
        assert simfoni.export_rows(session, viewer=staff(session, role), period=PERIOD, regency=None) is None
        assert simfoni.not_entered(session, viewer=staff(session, role)) is None


def test_simfoni_mark_once_and_the_not_entered_list(session: Session) -> None:
    first = make_case(session, place_code="32.76.01", created_at=JAN)
    second = make_case(session, place_code="32.76.02", created_at=MAR)
    supervisor = staff(session, "supervisor")
    assert [c.code for c in simfoni.not_entered(session, viewer=supervisor) or []] == [first.code, second.code]
    bad = simfoni.mark_entered(session, viewer=supervisor, code=first.code, ref="<script>")
    assert bad is not None and not bad.ok
    done = simfoni.mark_entered(session, viewer=supervisor, code=first.code, ref="#3276-2026-0001")
    assert done is not None and done.ok
    again = simfoni.mark_entered(session, viewer=supervisor, code=first.code, ref="3276-2026-0002")
    assert again is not None and not again.ok and "3276-2026-0001" in again.message
    assert [c.code for c in simfoni.not_entered(session, viewer=supervisor) or []] == [second.code]
    marked = session.scalars(select(AuditLog).where(AuditLog.action == "simfoni_entered")).one()
    assert marked.entity_id == str(first.id) and marked.detail == {"simfoni_ref": "3276-2026-0001"}
    other = staff(session, "supervisor", "13.76")
    assert simfoni.mark_entered(session, viewer=other, code=second.code, ref="X1") is None
    assert simfoni.mark_entered(session, viewer=staff(session, "statistician"), code=second.code, ref="X1") is None

