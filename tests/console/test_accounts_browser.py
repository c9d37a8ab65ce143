"""The admin's accounts page in a real browser (Debian's Chromium, Playwright) against the whole app: a
counsellor's second region is added from the page, and the counsellor's queue then shows that region's
emergency, reported on the fake Telegram API."""

from __future__ import annotations

import re
from collections.abc import Callable

import pyotp
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from hotline.services import RedisServer
from storage.models import Case, Staff
from tests.console.test_browser import add_account, browser, sign_in  # noqa: F401  (fixture)
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, harness_factory, new_chat_id  # noqa: F401  (fixture)


def test_admin_adds_a_second_region_and_the_counsellor_sees_its_emergency(
        harness_factory: Callable[..., Harness], redis_server: RedisServer, browser: Browser) -> None:  # noqa: F811
    h = harness_factory(redis_url=redis_server.url, rasa_url=None)
    add_account(h, role="admin", region="nasional", email="admin@contoh.test")
    add_account(h, role="counsellor", region="32.76", email="konselor.depok@contoh.test")
    counsellor_id = h.db(lambda s: s.scalars(select(Staff.id).where(Staff.email == "konselor.depok@contoh.test"))
                         .one())

    c = browser.new_context().new_page()
    sign_in(c, h.base_url, "konselor.depok@contoh.test")
    expect(c.get_by_role("heading", name="Antrian kasus")).to_be_visible()
    h.post_telegram(telegram_text_update("tolong suami saya lagi mukulin saya sekarang, saya di payakumbuh",
                                         chat_id=new_chat_id()))
    h.tg.wait_until(lambda _: h.db(lambda s: s.scalars(select(Case.region)).all()) == ["13.76"], 10)
    code = h.db(lambda s: s.scalars(select(Case.code)).one())
    c.reload()
    expect(c.locator("#queue-rows")).not_to_contain_text(code)  # Payakumbuh is not (yet) theirs

    a = browser.new_context().new_page()
    sign_in(a, h.base_url, "admin@contoh.test")  # admins enrol TOTP at their first sign-in
    secret = a.locator("#totp-secret").inner_text()
    a.get_by_label("Kode").fill(pyotp.TOTP(secret).now())
    a.get_by_role("button", name="Lanjut").click()
    expect(a.get_by_role("heading", name="Akun petugas")).to_be_visible()
    row = a.locator(f'tr[data-staff="{counsellor_id}"]')
    expect(row.locator(".regions")).to_have_text("Kota Depok")
    row.get_by_label(re.compile("^Wilayah ")).fill("Kota Depok, Kota Payakumbuh")
    row.get_by_role("button", name="Simpan wilayah").click()
    expect(a.locator("#flash")).to_contain_text("Kota Payakumbuh")
    expect(a.locator(f'tr[data-staff="{counsellor_id}"] .regions')).to_have_text(
        "Kota Depok (utama), Kota Payakumbuh")

    c.reload()
    expect(c.locator("#queue-rows")).to_contain_text(code)
    response = c.goto(f"{h.base_url}/console/cases/{code}")
    assert response is not None and response.status == 200
