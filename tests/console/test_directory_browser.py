"""The services directory end to end: a content editor adds a phone number to UPTD PPA Kota Depok in a real
browser (Debian's Chromium driven by Playwright) on the whole hotline app over real HTTP; a citizen in Depok who
asks for services on the fake Telegram API gets it in the very next reply, through the real Rasa model and the
NLG endpoint, within a second; one click reverts it and the next reply no longer has it. A region with no
entries (first time: an empty database) falls back to its UPTD PPA by name and SAPA 129."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, expect

from hotline.services import RasaServer, RedisServer
from tests.console.test_browser import add_account, browser, sign_in  # noqa: F401  (fixture)
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, harness_factory, new_chat_id  # noqa: F401  (fixture)

pytestmark = pytest.mark.rasa

PHONE = "0812-3456-7890"  # invented
ASK_DEPOK = "kak mau tanya, layanan pengaduan kekerasan di kota depok di mana ya?"
ASK_BOGOR = "kak mau tanya, layanan pengaduan kekerasan di kota bogor di mana ya?"


def _ask(h: Harness, chat: int, text: str, count: int) -> tuple[str, float]:
    started = time.monotonic()
    h.post_telegram(telegram_text_update(text, chat_id=chat))
    replies = h.wait_telegram(chat, count, timeout=20)
    return replies[-1], time.monotonic() - started


def test_editor_adds_a_phone_the_next_reply_has_it_and_a_revert_takes_it_back(
        harness_factory: Callable[..., Harness], rasa_server: RasaServer,  # noqa: F811
        redis_server: RedisServer, browser: Browser) -> None:  # noqa: F811
    h = harness_factory(redis_url=redis_server.url, rasa_url=rasa_server.url)
    add_account(h, role="content_editor", region="32.76", email="editor.direktori@contoh.test")
    depok, bogor = new_chat_id(), new_chat_id()
    for chat in (depok, bogor):
        h.post_telegram(telegram_text_update("halo", chat_id=chat))
        h.wait_telegram(chat, 1)

    # First time, an empty database: Bogor has no entries, so its UPTD PPA by name and SAPA 129; Depok the seed's
    # entries, whose contact is SAPA 129.
    reply, _ = _ask(h, bogor, ASK_BOGOR, 2)
    assert "Layanan untuk wilayah Kota Bogor" in reply, reply
    assert "UPTD PPA Kota Bogor — kontak lewat SAPA 129 (telp 129 / 021-129, WA 08111-129-129)" in reply
    reply, _ = _ask(h, depok, ASK_DEPOK, 2)
    assert "UPTD PPA Kota Depok — kontak lewat SAPA 129" in reply and PHONE not in reply, reply

    page = browser.new_context().new_page()
    sign_in(page, h.base_url, "editor.direktori@contoh.test")
    page.get_by_role("link", name="Direktori layanan").first.click()
    page.get_by_role("link", name="Kota Depok").click()
    page.get_by_role("link", name="Ubah UPTD PPA Kota Depok").click()
    page.get_by_label("Telepon").fill("+62 812 3456 7890")
    page.get_by_role("button", name="Pratinjau").click()
    # The preview is the bot's reply for Depok with the change, the number as people write it.
    expect(page.locator("#preview")).to_contain_text(f"UPTD PPA Kota Depok — telp {PHONE}")
    expect(page.locator("#preview")).to_contain_text("Puspaga Harmoni")
    page.get_by_label("Catatan perubahan").fill("nomor layanan dari dinas")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#flash")).to_contain_text("Tersimpan")
    saved_at = time.monotonic()

    reply, turn = _ask(h, depok, ASK_DEPOK, 3)
    took = time.monotonic() - saved_at
    assert f"UPTD PPA Kota Depok — telp {PHONE}" in reply, reply
    assert took < 1.0, took
    print(f"\nsaved -> the next directory reply carries the number: {took * 1000:.0f} ms "
          f"(the turn {turn * 1000:.0f} ms)")

    # The history shows the change; one click reverts it and the next reply has no number again.
    expect(page.locator("#history")).to_contain_text("nomor layanan dari dinas")
    page.get_by_role("button", name="Batalkan revisi").first.click()
    expect(page.locator("#flash")).to_contain_text("Dikembalikan")
    expect(page.locator("#entries")).not_to_contain_text(PHONE)
    reply, _ = _ask(h, depok, ASK_DEPOK, 4)
    assert PHONE not in reply and "UPTD PPA Kota Depok — kontak lewat SAPA 129" in reply, reply
