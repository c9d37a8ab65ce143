"""The console in a real browser (Debian's Chromium driven by Playwright) against the whole hotline app over
real HTTP: an emergency reported on the fake Telegram API appears live in a supervisor's queue; they claim it,
chat with the citizen both ways, write a note and close it; a counsellor of another region never sees it.

Rasa is left out (the safety net opens emergencies without it) to keep this test fast; Redis is real.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select

from console import auth
from hotline.services import RedisServer
from storage import console as db
from storage import crud
from storage.models import Case, utcnow
from tests.conftest import _missing
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, harness_factory, new_chat_id  # noqa: F401  (fixture)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PASSWORD = "sandi-konsol-uji-panjang"
# CONSOLE_SCREENSHOTS=1 refreshes the README's screenshots (off by default: a test run leaves the tree clean).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" if os.environ.get(
    "CONSOLE_SCREENSHOTS") else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module (started once: about a second)."""
    if not Path(CHROMIUM).exists():
        _missing("chromium not installed (run scripts/setup.sh)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def add_account(h: Harness, *, role: str, region: str, email: str) -> None:
    chat = new_chat_id()

    def make(s: Any) -> None:
        staff = crud.add_staff(s, name=f"Petugas Uji {chat}", role=role, region=region, channel="telegram",
                               contact_id=str(chat))
        db.set_staff_email(s, staff=staff, email=email)
        db.issue_setup_token(s, staff=staff, token_hash=db.token_digest(email),
                             expires_at=utcnow().replace(year=utcnow().year + 1))
        db.redeem_setup_token(s, token_hash=db.token_digest(email), password_hash=auth.hash_password(PASSWORD),
                              now=utcnow())

    h.db(make)


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/console/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_supervisor_works_an_emergency_live_and_another_region_never_sees_it(
        harness_factory: Callable[..., Harness], redis_server: RedisServer, browser: Browser) -> None:  # noqa: F811
    h = harness_factory(redis_url=redis_server.url, rasa_url=None)
    add_account(h, role="supervisor", region="32.76", email="supervisor.depok@contoh.test")
    add_account(h, role="counsellor", region="payakumbuh", email="konselor.payakumbuh@contoh.test")
    citizen = new_chat_id()

    ctx = browser.new_context()
    page = ctx.new_page()
    # Sign in with TOTP enrolment (the supervisor's first time).
    sign_in(page, h.base_url, "supervisor.depok@contoh.test")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Kode").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading", name="Antrian kasus")).to_be_visible()
    page.locator("main").click()  # the first click allows the alert sound
    expect(page.locator("#sound-hint")).to_have_text("Bunyi peringatan aktif.")

    # A citizen reports an emergency on Telegram: it appears in the open queue without a reload.
    started = time.monotonic()
    h.post_telegram(telegram_text_update(
        "tolong suami saya lagi mukulin saya sekarang di rumah, kami di sukmajaya depok", chat_id=citizen))
    row = page.locator("#queue-rows tr.u-emergency")
    expect(row).to_have_count(1, timeout=10_000)
    live_s = time.monotonic() - started
    code = h.db(lambda s: s.scalars(select(Case)).one().code)
    expect(row.first).to_contain_text(code)
    expect(page).to_have_title(re.compile(r"^\(1\) DARURAT"))
    assert "mukulin" not in page.content()  # no message text in the queue or the title
    print(f"\nwebhook -> emergency visible in the open console: {live_s * 1000:.0f} ms")
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "console-queue.png"))

    # Open it, claim it.
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", name=re.compile(f"Kasus {code}"))).to_be_visible()
    page.get_by_role("button", name="Ambil kasus").click()
    expect(page.locator("#flash")).to_contain_text("Anda menangani kasus")
    h.tg.wait_until(lambda _: any("bergabung" in t.lower() for t in h.telegram_texts(citizen)), 10)

    # Chat both ways: Enter sends; the citizen's reply appears live.
    page.get_by_label(re.compile("Pesan ke pelapor")).fill("Halo, saya konselor. Apakah kamu aman sekarang?")
    page.get_by_label(re.compile("Pesan ke pelapor")).press("Enter")
    h.tg.wait_until(lambda _: "Konselor: Halo, saya konselor. Apakah kamu aman sekarang?"
                    in h.telegram_texts(citizen), 10)
    h.post_telegram(telegram_text_update("iya saya sudah di kamar terkunci", chat_id=citizen))
    expect(page.locator("#transcript")).to_contain_text("iya saya sudah di kamar terkunci", timeout=10_000)

    # A note, then close.
    page.get_by_label(re.compile("Catatan baru")).fill("pelapor aman, rujuk UPTD PPA besok pagi")
    page.get_by_role("button", name="Simpan catatan").click()
    expect(page.locator("#notes")).to_contain_text("rujuk UPTD PPA besok pagi")
    if SCREENSHOTS is not None:
        page.screenshot(path=str(SCREENSHOTS / "console-case.png"), full_page=True)
    page.get_by_label("Hasil").select_option("dirujuk")
    page.get_by_role("button", name="Tutup kasus").click()
    expect(page.locator("#case-status")).to_have_text("ditutup")
    assert h.db(lambda s: s.scalars(select(Case)).one().status) == "closed"

    # A counsellor of another region: not in the queue, and the case URL is a 404.
    other = browser.new_context().new_page()
    sign_in(other, h.base_url, "konselor.payakumbuh@contoh.test")
    expect(other.get_by_role("heading", name="Antrian kasus")).to_be_visible()
    expect(other.locator("#queue-rows")).not_to_contain_text(code)
    response = other.goto(f"{h.base_url}/console/cases/{code}")
    assert response is not None and response.status == 404
    ctx.close()


def test_slash_lists_the_regions_canned_replies_and_inserts_one_to_edit(
        harness_factory: Callable[..., Harness], redis_server: RedisServer, browser: Browser) -> None:  # noqa: F811
    from console.canned import for_region

    h = harness_factory(redis_url=redis_server.url, rasa_url=None)
    add_account(h, role="counsellor", region="32.76", email="konselor.depok@contoh.test")
    citizen = new_chat_id()
    page = browser.new_context().new_page()
    sign_in(page, h.base_url, "konselor.depok@contoh.test")
    expect(page.get_by_role("heading", name="Antrian kasus")).to_be_visible()
    h.post_telegram(telegram_text_update(
        "tolong suami saya lagi mukulin saya sekarang di rumah, kami di sukmajaya depok", chat_id=citizen))
    expect(page.locator("#queue-rows tr.u-emergency")).to_have_count(1, timeout=10_000)
    code = h.db(lambda s: s.scalars(select(Case)).one().code)
    page.get_by_role("link", name=code).click()
    page.get_by_role("button", name="Ambil kasus").click()
    expect(page.locator("#flash")).to_contain_text("Anda menangani kasus")

    box = page.get_by_label(re.compile("Pesan ke pelapor"))
    options = page.get_by_role("listbox", name="Balasan cepat").get_by_role("option")
    offered = for_region("32.76")
    expect(box).to_have_attribute("data-canned", str(len(offered)))  # the deferred script is listening
    box.press_sequentially("/")
    expect(options).to_have_count(len(offered))
    expect(options.first).to_contain_text("/uptd_depok")  # the region's own first, then the national ones
    expect(page.locator("#canned-list")).not_to_contain_text("uptd_payakumbuh")
    expect(box).to_have_attribute("aria-expanded", "true")

    # Filtered as you type; the arrows move, Enter inserts the text in place of "/ama" (and sends nothing).
    box.press_sequentially("ama")
    matching = [r for r in offered if "ama" in f"{r.key} {r.title} {r.text}".lower()]
    assert len(matching) >= 2
    expect(options).to_have_count(len(matching))
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(box).to_have_value(matching[1].text)
    expect(page.locator("#canned-list")).to_be_hidden()
    assert not any(t.startswith("Konselor:") for t in h.telegram_texts(citizen))

    # Edited, then sent with Enter once the list is closed. Escape closes a list without inserting anything.
    box.press_sequentially(" /salam")
    expect(options).to_have_count(sum("salam" in f"{r.key} {r.title} {r.text}".lower() for r in offered))
    box.press("Escape")
    expect(page.locator("#canned-list")).to_be_hidden()
    for _ in " /salam":
        box.press("Backspace")
    box.press_sequentially(" Saya tunggu ya.")
    box.press("Enter")
    sent = f"Konselor: {matching[1].text} Saya tunggu ya."
    h.tg.wait_until(lambda _: sent in h.telegram_texts(citizen), 10)
