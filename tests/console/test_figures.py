"""Figures and SIMFONI-PPA routes over HTTP: who gets what (statisticians aggregates only, never a case or the
export; counsellors no figures), bad input answered clearly, downloads protected like the page, all audited."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from console.figures import figures_router
from storage.models import AuditLog, Case, utcnow
from tests.console.conftest import ConsoleHarness
from tests.factories import make_case


@pytest.fixture
def fh(ch: ConsoleHarness) -> ConsoleHarness:
    ch.app.include_router(figures_router(ch.console))
    return ch


async def seed(h: ConsoleHarness) -> str:
    """Depok: Beji 6 physical + 2 sexual, Cilodong 3 physical; a Payakumbuh case. The code of a Depok case."""
    at = utcnow() - timedelta(days=10)

    def make(s: Session) -> str:
        for _ in range(6):
            make_case(s, place_code="32.76.01.1001", kecamatan="Beji", city="Kota Depok", created_at=at)
        for _ in range(2):
            make_case(s, place_code="32.76.01", kecamatan="Beji", city="Kota Depok", violence_type="sexual",
                      created_at=at)
        for _ in range(3):
            make_case(s, place_code="32.76.02", kecamatan="Cilodong", city="Kota Depok", created_at=at)
        make_case(s, region="13.76", place_code="13.76.01", kecamatan="Payakumbuh Barat", created_at=at)
        return str(s.scalars(select(Case.code).where(Case.region == "32.76")).first())

    return str(await h.db(make))


def _csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_statistician_sees_protected_figures_and_no_case(fh: ConsoleHarness) -> None:
    code = await seed(fh)
    b = await fh.signed_in(await fh.account(role="statistician"))
    home = await b.get("/console/")
    assert home.status_code == 303 and home.headers["location"] == "/console/figures"
    page = await b.get("/console/figures?regency=32.76")
    assert page.status_code == 200
    assert "Aturan angka kecil" in page.text and "&lt;5" in page.text and "<svg" in page.text
    assert code not in page.text and "/console/cases/" not in page.text
    rows = _csv((await b.get("/console/figures/kecamatan.csv?regency=32.76")).content)
    assert rows[0][0] == "Kecamatan" and rows[1][0] == "Beji (32.76.01)"
    assert "<5" in rows[1] and "×" in rows[1] and rows[-1][-1] == "11"
    assert not any(v.isdigit() and 0 < int(v) < 5 for row in rows for v in row)
    book = load_workbook(io.BytesIO((await b.get("/console/figures.xlsx?regency=32.76")).content))
    assert [c.value for c in book.worksheets[0][2]][:3] == ["Beji (32.76.01)", "×", "0"]
    for url in (f"/console/cases/{code}", "/console/queue", "/console/simfoni", "/console/simfoni/export.csv",
                "/console/simfoni/export.xlsx", "/console/board"):
        assert (await b.get(url)).status_code == 404, url
    marked = await b.post(f"/console/cases/{code}/simfoni", {"simfoni_ref": "123"})
    assert marked.status_code == 404
    actions = await fh.db(lambda s: [a.action for a in s.scalars(select(AuditLog).where(
        AuditLog.entity.in_(("figures", "case"))))])
    assert {"figures", "figures_csv", "figures_xlsx", "simfoni_export_denied", "simfoni_list_denied"} <= set(actions)


async def test_counsellor_sees_no_figures_and_other_regions_see_only_theirs(fh: ConsoleHarness) -> None:
    await seed(fh)
    counsellor = await fh.signed_in(await fh.account(role="counsellor"))
    assert (await counsellor.get("/console/figures")).status_code == 404
    assert (await counsellor.get("/console/figures/kecamatan.csv")).status_code == 404
    other = await fh.signed_in(await fh.account(role="statistician", region="13.76"))
    rows = _csv((await other.get("/console/figures/kecamatan.csv")).content)
    assert [r[0] for r in rows[1:]] == ["Payakumbuh Barat (13.76.01)"]


async def test_bad_input_is_answered_clearly(fh: ConsoleHarness) -> None:
    await seed(fh)
    b = await fh.signed_in(await fh.account(role="statistician"))
    page = await b.get("/console/figures?from=kemarin&to=2026-13-45&regency=DROP%20TABLE")
    assert page.status_code == 200 and "Tanggal tidak dikenali" in page.text
    assert (await b.get("/console/figures/tidak-ada.csv")).status_code == 404
    swapped = await b.get("/console/figures?from=2026-12-31&to=2026-01-01")
    assert swapped.status_code == 200 and 'value="2026-01-01"' in swapped.text


async def test_supervisor_exports_and_marks_entered(fh: ConsoleHarness) -> None:
    code = await seed(fh)
    b = await fh.signed_in(await fh.account(role="supervisor"))
    page = await b.get("/console/figures?regency=32.76")
    assert page.status_code == 200 and "&lt;5" not in page.text.split("Aturan")[0].split('id="t-kecamatan"')[-1]
    rows = _csv((await b.get("/console/simfoni/export.csv")).content)
    assert len(rows) == 1 + 11 and rows[0][0] == "Kode kasus hotline"
    assert all(r[2] == "" and r[14] == "" and r[15] == "" for r in rows[1:])  # not collected: empty
    book = load_workbook(io.BytesIO((await b.get("/console/simfoni/export.xlsx")).content))
    assert book.active is not None and book.active.max_row == 12
    todo = await b.get("/console/simfoni")
    assert todo.status_code == 200 and code in todo.text
    done = await b.post(f"/console/cases/{code}/simfoni", {"simfoni_ref": "3276-0001"}, follow=True)
    assert "sebagai #3276-0001" in done.text
    again = await b.post(f"/console/cases/{code}/simfoni", {"simfoni_ref": "3276-0002"}, follow=True)
    assert "sudah tercatat" in again.text and "3276-0002" not in again.text.split("sudah tercatat")[0]
    assert code not in (await b.get("/console/simfoni")).text.split("Belum dimasukkan")[1]
    forged = await b.post(f"/console/cases/{code}/simfoni", {"simfoni_ref": "9"}, csrf="palsu")
    assert forged.status_code == 403


async def test_a_real_claim_and_message_are_the_response_times_the_figures_show(fh: ConsoleHarness) -> None:
    counsellor = await fh.account(region="32.76", on_shift=True)
    code, _, citizen = await fh.desk.open(region="32.76")
    await fh.desk.pump()  # the page goes out to the counsellor on shift
    await fh.db(lambda s: crud_place(s, code))
    b = await fh.signed_in(counsellor)
    await b.get(f"/console/cases/{code}")
    await b.post(f"/console/cases/{code}/claim")
    await b.post(f"/console/cases/{code}/message", {"text": "Halo, saya konselor."})
    await b.post(f"/console/cases/{code}/message", {"text": "Kamu aman sekarang?"})
    case = await fh.db(lambda s: s.scalars(select(Case).where(Case.code == code)).one())
    assert case.claimed_at is not None and case.first_staff_reply_at is not None
    assert case.first_paged_at is not None and case.claimed_at <= case.first_staff_reply_at
    assert len([m for m in fh.desk.sent_to(citizen) if m["text"].startswith("Konselor:")]) == 2
    sup = await fh.signed_in(await fh.account(role="supervisor"))
    rows = _csv((await sup.get("/console/figures/respons.csv")).content)
    measured = {r[0]: r[3] for r in rows[1:4]}
    assert measured == {"Laporan → balasan pertama konselor": "1", "Panggilan → diambil petugas": "1",
                        "Diambil → pesan pertama konselor": "1"}


def crud_place(s: Session, code: str) -> None:
    s.execute(update(Case).where(Case.code == code).values(place_code="32.76.01"))
    s.commit()
