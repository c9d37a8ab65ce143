"""The bot-text editor in a real browser (Debian's Chromium driven by Playwright) on the whole hotline app over
real HTTP: a content editor edits the welcome text with a preview, saves it with a note, a new citizen's first
reply on the fake Telegram API carries it, the history shows it, and one click reverts it.

Rasa is left out (the welcome needs none) to keep this test fast; Redis is real.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import Browser, expect

from handlers import texts
from hotline.services import RedisServer
from tests.console.test_browser import add_account, browser, sign_in  # noqa: F401  (fixture)
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, harness_factory, new_chat_id  # noqa: F401  (fixture)

WELCOME = "Halo, terima kasih sudah menghubungi kami. Kamu tidak sendiri; ceritakan pelan-pelan saja (uji)."


def test_editor_edits_with_preview_saves_sees_history_and_reverts(
        harness_factory: Callable[..., Harness], redis_server: RedisServer, browser: Browser) -> None:  # noqa: F811
    h = harness_factory(redis_url=redis_server.url, rasa_url=None)
    add_account(h, role="content_editor", region="depok", email="editor.konten@contoh.test")
    page = browser.new_context().new_page()
    sign_in(page, h.base_url, "editor.konten@contoh.test")
    page.get_by_role("link", name="Teks bot").first.click()
    page.get_by_role("link", name="Ubah welcome (id)").click()

    page.get_by_label("Teks").fill(WELCOME)
    page.get_by_role("button", name="Pratinjau").click()
    # The preview shows the message as sent: the text, then the emergency numbers the code appends.
    expect(page.locator("#preview")).to_contain_text(WELCOME)
    expect(page.locator("#preview")).to_contain_text("110 Polisi")
    page.get_by_label("Catatan perubahan").fill("sapaan lebih hangat")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#flash")).to_contain_text("Tersimpan")
    saved_at = time.monotonic()
    expect(page.locator("#history")).to_contain_text("sapaan lebih hangat")
    expect(page.locator("#in-force")).to_have_text(WELCOME)

    citizen = new_chat_id()
    h.post_telegram(telegram_text_update("halo", chat_id=citizen))
    first = h.wait_telegram(citizen, 1, timeout=5)[0]
    took = time.monotonic() - saved_at
    assert first.startswith(WELCOME) and texts.EMERGENCY_NUMBERS["id"] in first
    assert took < 1.0, took
    print(f"\nsaved -> the next citizen's first reply carries the new text: {took * 1000:.0f} ms")

    # One click reverts: the repo's text is in force again.
    page.get_by_role("button", name="Batalkan revisi").first.click()
    expect(page.locator("#flash")).to_contain_text("Dikembalikan")
    expect(page.locator("#in-force")).to_have_text(texts.TEXTS["welcome"]["id"])
    expect(page.locator("#history tbody tr")).to_have_count(2)
