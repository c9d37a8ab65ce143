"""The figures page in a real browser (Debian's Chromium driven by Playwright) against the whole hotline app:
a statistician sees tables, server-drawn charts and the kecamatan tile grid with the small-count rule, downloads
CSV and XLSX (opened and checked here), and reaches no case; a supervisor exports for SIMFONI-PPA and marks a
case entered; a counsellor gets no figures."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pyotp
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from hotline.services import RedisServer
from storage.models import Case, utcnow
from tests.console.test_browser import add_account, browser, sign_in  # noqa: F401  (fixture)
from tests.factories import make_case
from tests.hotline.conftest import Harness, harness_factory  # noqa: F401  (fixture)


def seed(h: Harness) -> str:
    at = utcnow() - timedelta(days=3)

    def make(s: object) -> str:
        for _ in range(6):
            make_case(s, place_code="32.76.01.1001", kecamatan="Beji", city="Kota Depok", created_at=at)
        for _ in range(2):
            make_case(s, place_code="32.76.01", kecamatan="Beji", city="Kota Depok", violence_type="sexual",
                      victim_age_group="child", victim_sex="female", created_at=at)
        for _ in range(3):
            make_case(s, place_code="32.76.02", kecamatan="Cilodong", city="Kota Depok", created_at=at)
        return str(s.scalars(select(Case.code).order_by(Case.id)).first())  # type: ignore[attr-defined]

    return h.db(make)


def download(page: Page, link: str, tmp: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).first.click()
    target = tmp / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_statistician_sees_protected_figures_charts_and_downloads_but_no_case(
        harness_factory: Callable[..., Harness], redis_server: RedisServer, browser: Browser,  # noqa: F811
        tmp_path: Path) -> None:
    h = harness_factory(redis_url=redis_server.url, rasa_url=None)
    code = seed(h)
    add_account(h, role="statistician", region="32.76", email="statistisi.depok@contoh.test")
    add_account(h, role="counsellor", region="32.76", email="konselor.depok@contoh.test")
    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, h.base_url, "statistisi.depok@contoh.test")
    expect(page.get_by_role("heading", name="Angka kasus Kota Depok")).to_be_visible()
    page.get_by_label("Kabupaten/kota").select_option("32.76")
    page.get_by_role("button", name="Tampilkan").click()

    # The rule is stated, and applied in the table, the chart and the tile grid alike.
    expect(page.locator("#small-count-rule")).to_contain_text("<5")
    beji = page.locator("#t-kecamatan tbody tr").first
    expect(beji).to_contain_text("Beji")
    expect(beji.locator("td").nth(0)).to_have_text("×")  # physical 6: hidden to protect sexual 2
    expect(beji.locator("td").nth(2)).to_have_text("<5")
    expect(page.locator("#c-kecamatan svg")).to_be_visible()
    expect(page.locator("#c-kecamatan svg")).to_contain_text("<5")
    for chart in ("umur-jenis-kelamin", "kanal", "bulan", "kasus-terbuka"):
        expect(page.locator(f"#c-{chart} svg")).to_be_visible()
    expect(page.locator("#tiles .tile")).to_have_count(2)
    # Cilodong's 3 is small; Beji's 8 is hidden too, or 11 - 8 would give Cilodong's count back.
    expect(page.locator("#tiles .tile-hidden", has_text="Cilodong").locator(".tile-count")).to_have_text("<5")
    expect(page.locator("#tiles .tile-hidden", has_text="Beji").locator(".tile-count")).to_have_text("×")
    assert code not in page.content()

    rows = list(csv.reader(io.StringIO(download(page, "Unduh CSV", tmp_path).read_text("utf-8-sig"))))
    assert rows[1][:4] == ["Beji (32.76.01)", "×", "0", "<5"]
    assert not any(v.isdigit() and 0 < int(v) < 5 for row in rows for v in row)
    book = load_workbook(download(page, "Unduh semua tabel (XLSX)", tmp_path))
    assert book.sheetnames[0] == "Jenis kekerasan per kecamatan" and "Respons" in book.sheetnames
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert "<5" in cells and not any(v.isdigit() and 0 < int(v) < 5 for v in cells)

    # No case, no case-level export.
    for url in (f"/console/cases/{code}", "/console/simfoni", "/console/queue"):
        response = page.goto(f"{h.base_url}{url}")
        assert response is not None and response.status == 404, url

    counsellor = browser.new_context().new_page()
    sign_in(counsellor, h.base_url, "konselor.depok@contoh.test")
    expect(counsellor.get_by_role("heading", name="Antrian kasus")).to_be_visible()
    response = counsellor.goto(f"{h.base_url}/console/figures")
    assert response is not None and response.status == 404


def test_supervisor_sees_exact_figures_exports_and_marks_a_case_entered(
        harness_factory: Callable[..., Harness], redis_server: RedisServer, browser: Browser,  # noqa: F811
        tmp_path: Path) -> None:
    h = harness_factory(redis_url=redis_server.url, rasa_url=None)
    code = seed(h)
    add_account(h, role="supervisor", region="32.76", email="supervisor.depok@contoh.test")
    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, h.base_url, "supervisor.depok@contoh.test")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Kode").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Lanjut").click()
    page.get_by_role("link", name="Angka").click()
    expect(page.locator("#t-kecamatan tbody tr").first.locator("td").nth(2)).to_have_text("2")

    page.get_by_role("link", name="SIMFONI-PPA").first.click()
    expect(page.get_by_role("heading", name="SIMFONI-PPA", exact=True)).to_be_visible()
    book = load_workbook(download(page, "Unduh XLSX", tmp_path))
    sheet = book.active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Kode kasus hotline" and len(rows) == 12
    header = rows[0]
    sexual = [r for r in rows[1:] if r[header.index("Jenis kekerasan")] == "Seksual"]
    assert len(sexual) == 2 and all(r[header.index("Kode kecamatan")] == "32.76.01" for r in sexual)
    assert all(r[header.index("Pendidikan korban")] in (None, "") for r in rows[1:])
    exported = list(csv.reader(io.StringIO(download(page, "Unduh CSV", tmp_path).read_text("utf-8-sig"))))
    assert len(exported) == 12

    page.get_by_label(f"Nomor SIMFONI-PPA untuk {code}").fill("3276-2026-0001")
    page.locator("#simfoni-todo tr", has_text=code).get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("status")).to_contain_text("#3276-2026-0001")
    expect(page.locator("#simfoni-todo")).not_to_contain_text(code)
    page.goto(f"{h.base_url}/console/cases/{code}")
    expect(page.locator("#case-simfoni")).to_contain_text("sebagai #3276-2026-0001")
