"""The review inbox in a real browser (Debian's Chromium driven by Playwright) on the whole hotline app over real
HTTP: citizens write on the fake Telegram API, their messages land in the inbox (through ``handlers.review``, as
the conversation does when triage is unsure), and a content editor reviews them with the keyboard only: j / k
and Enter on the list, digit and letter keys for the labels, Enter to confirm, x to discard. The editor sees only
redacted text; the confirmed items are listed as training examples; a counsellor gets a 404.

Rasa is left out (the messages are landed directly, so the test does not wait for a model); Redis is real.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from handlers.review import ReviewInbox
from hotline.services import RedisServer
from storage import review as review_db
from storage.models import Message
from tests.console.test_browser import SCREENSHOTS, add_account, browser, sign_in  # noqa: F401  (fixture)
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, harness_factory, new_chat_id  # noqa: F401  (fixture)

# Invented messages with invented personal data (an address at a real mail domain: Samaran rightly leaves the
# reserved test domains such as contoh.test unmasked, RFC 2606).
MESSAGES = [
    ("nama saya Rina Kartika, suami saya mukul, rumah di Gg. Mawar no 7 desa Sukatani", ["Rina", "Kartika",
                                                                                         "Mawar", "Sukatani"]),
    ("anak saya di SDN Cilodong 3 dipukul gurunya, hp saya 081234567890", ["Cilodong", "081234567890"]),
    ("bu Utami tetangga saya marah-marah terus, emailnya utami.tetangga.uji@yahoo.co.id", ["Utami", "tetangga.uji"]),
]
RAW = [word for _, words in MESSAGES for word in words]


def land_messages(h: Harness) -> list[int]:
    """Each message arrives from its own citizen on the fake Telegram API, then lands in the inbox."""
    for text, _ in MESSAGES:
        chat = new_chat_id()
        h.post_telegram(telegram_text_update(text, chat_id=chat))
        h.wait_telegram(chat, 1)
    def inbound(s: object) -> list[int]:
        found = list(s.scalars(select(Message.id).where(Message.direction == "in").order_by(Message.id)))  # type: ignore[attr-defined]
        return found if len(found) == len(MESSAGES) else []

    ids = h.wait_db(inbound)
    inbox = ReviewInbox(h.rt.store)
    verdict = {"urgency": "normal", "category": "other", "victim": "unknown", "intent": "report_other",
               "confidence": 0.42}

    async def land() -> list[int | None]:
        return [await inbox.land(message_id=i, reasons=["weak_intent"], verdict=verdict) for i in ids]

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API already runs an event loop in this thread
        landed = pool.submit(asyncio.run, land()).result()
    assert all(landed)
    return [i for i in landed if i is not None]


def no_raw_words(page: Page) -> None:
    body = page.locator("body").inner_text()
    leaked = [w for w in RAW if w in body]
    assert leaked == [], leaked


def test_editor_reviews_with_the_keyboard_only_and_sees_redacted_text(
        harness_factory: Callable[..., Harness], redis_server: RedisServer, browser: Browser) -> None:  # noqa: F811
    h = harness_factory(redis_url=redis_server.url, rasa_url=None)
    add_account(h, role="content_editor", region="32.76", email="editor.tinjau@contoh.test")
    add_account(h, role="counsellor", region="32.76", email="konselor.tinjau@contoh.test")
    first, second, third = land_messages(h)

    page = browser.new_context().new_page()
    sign_in(page, h.base_url, "editor.tinjau@contoh.test")
    page.goto(f"{h.base_url}/console/review")
    expect(page.locator("#review-items")).to_have_attribute("data-ready", "1")
    expect(page.locator("#review-items tbody tr")).to_have_count(3)
    no_raw_words(page)

    # The list: j selects the first message, Enter opens it.
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/console/review/{first}$"))
    expect(page.locator("#review-form")).to_have_attribute("data-ready", "1")
    expect(page.locator("#review-text")).to_contain_text("nama saya [NAME_1]")
    expect(page.locator("#review-text")).to_contain_text("desa [VILLAGE_1]")
    expect(page.locator("#shortcuts")).to_contain_text("darurat")  # the keys are shown on the page
    no_raw_words(page)
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "console-review.png"), full_page=True)

    # Labels by single keys, announced; Enter confirms and the next open message opens.
    page.keyboard.press("2")
    page.keyboard.press("f")
    page.keyboard.press("d")
    expect(page.locator("#review-status")).to_have_text("Korban: dewasa (d)")
    expect(page.locator("#urgency")).to_have_value("high")
    expect(page.locator("#category")).to_have_value("physical")
    page.keyboard.press("i")  # the intent select takes the focus: its own type-ahead applies there, no shortcut
    expect(page.locator("#intent")).to_be_focused()
    page.keyboard.type("report_ph")
    expect(page.locator("#intent")).to_have_value("report_physical")
    expect(page.locator("#urgency")).to_have_value("high")  # "r", "p", "h" typed in the select changed no label
    page.keyboard.press("Tab")  # to the labelled "Konfirmasi" button; Enter presses it
    expect(page.locator("#confirm")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/console/review/{second}\?done={first}$"))
    expect(page.locator("#flash")).to_contain_text(f"#{first}")
    no_raw_words(page)

    # j / k move between the open messages.
    page.keyboard.press("j")
    expect(page).to_have_url(re.compile(rf"/console/review/{third}$"))
    expect(page.locator("#review-form")).to_have_attribute("data-ready", "1")
    page.keyboard.press("k")
    expect(page).to_have_url(re.compile(rf"/console/review/{second}$"))
    expect(page.locator("#review-form")).to_have_attribute("data-ready", "1")
    expect(page.locator("#review-text")).to_contain_text("SDN [SCHOOL_1]")
    page.keyboard.press("1")
    page.keyboard.press("f")
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/console/review/{third}\?done={second}$"))
    expect(page.locator("#review-form")).to_have_attribute("data-ready", "1")
    expect(page.locator("#review-text")).to_contain_text("bu [NAME_1]")
    page.keyboard.press("x")  # not worth a training example
    expect(page).to_have_url(re.compile(rf"/console/review\?done={third}$"))

    # The confirmed messages are listed as training examples, redacted, with their labels and reviewer.
    expect(page.locator("#review-empty")).to_be_visible()
    rows = page.locator("#examples tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("darurat")
    expect(rows.nth(0)).to_contain_text("SDN [SCHOOL_1]")
    expect(rows.nth(1)).to_contain_text("tinggi")
    expect(rows.nth(1)).to_contain_text("report_physical")
    no_raw_words(page)
    examples = h.db(review_db.confirmed_examples)
    assert [(e.id, e.urgency, e.category, e.victim, e.intent) for e in examples] == [
        (first, "high", "physical", "adult", "report_physical"), (second, "emergency", "physical", "child",
                                                                  "report_other")]

    # A counsellor cannot open the inbox or an item, and has no menu entry for it.
    other = browser.new_context().new_page()
    sign_in(other, h.base_url, "konselor.tinjau@contoh.test")
    expect(other.get_by_role("heading", name="Antrian kasus")).to_be_visible()
    assert other.get_by_role("link", name="Kotak tinjauan").count() == 0
    response = other.goto(f"{h.base_url}/console/review")
    assert response is not None and response.status == 404
    response = other.goto(f"{h.base_url}/console/review/{first}")
    assert response is not None and response.status == 404
