"""A new FAQ topic in a real browser (Debian's Chromium driven by Playwright) on the whole hotline app over real
HTTP, with no training: an editor creates a topic (key, answers, at least ``release_min_examples`` questions;
fewer are refused), it appears in the list with every fifth question held out, and the release plan says it needs
a full training (Rasa 3.6 cannot fine-tune a new FAQ key) and counts the reviewed real messages new since the live
model. A counsellor has no link to the releases and gets the 404 page for them, even by a hand-made POST.

Rasa is left out (the plan needs none), so the test does not wait for a model; Redis is real.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.services import RedisServer
from storage import crud, training
from storage import review as review_db
from storage.models import ModelRelease
from tests.console.test_browser import add_account, browser, sign_in  # noqa: F401  (fixture)
from tests.hotline.conftest import Harness, harness_factory  # noqa: F401  (fixture)

KEY = "kartu_layanan"
ANSWER_ID = "Kartu layanan adalah kartu uji untuk warga (teks uji)."
ANSWER_EN = "The service card is a test card for residents (test text)."
QUESTIONS = [f"kartu layanan uji itu apa {i}" for i in range(12)]


def confirm_a_reviewed_message(s: Session) -> None:
    """A citizen's message (invented, already redacted) that an editor confirmed in the review inbox."""
    editor = crud.add_staff(s, name="Editor Tinjau", role="content_editor", region="32.76", channel="telegram",
                            contact_id="7701999")
    conv = crud.get_or_create_conversation(s, sender_id="tg:7701998", channel="telegram")
    stored = crud.record_inbound(s, conversation=conv, channel="telegram", external_id="rv1",
                                 text="kartu layanan uji dipakai di mana")
    assert stored is not None
    item = review_db.add_item(s, conversation_id=conv.id, message_id=stored.id, reasons=["weak_intent"],
                              text="kartu layanan uji dipakai di mana", redactions={},
                              verdict={"urgency": "none", "category": "none", "victim": "unknown",
                                       "intent": "out_of_scope", "confidence": 0.3})
    assert item is not None
    review_db.review_item(s, viewer=editor, item_id=item.id, action="confirm", urgency="none", category="none",
                          victim="unknown", intent=f"faq/{KEY}")


def test_editor_creates_a_topic_the_plan_needs_a_full_training_and_a_counsellor_cannot_release(
        harness_factory: Callable[..., Harness], redis_server: RedisServer, browser: Browser) -> None:  # noqa: F811
    h = harness_factory(redis_url=redis_server.url, rasa_url=None)
    add_account(h, role="content_editor", region="32.76", email="editor.topik@contoh.test")
    add_account(h, role="counsellor", region="32.76", email="konselor.topik@contoh.test")

    page = browser.new_context().new_page()
    page.set_default_timeout(20_000)
    sign_in(page, h.base_url, "editor.topik@contoh.test")
    page.get_by_role("link", name="Pertanyaan FAQ").first.click()
    expect(page.locator("#topics")).to_contain_text("bot_identity")  # the repo's topics, seeded on first use
    expect(page.locator("#topics")).not_to_contain_text(KEY)

    def fill(questions: list[str]) -> None:
        page.get_by_label("Kunci topik").fill(KEY)
        page.get_by_label("Jawaban (Bahasa Indonesia)").fill(ANSWER_ID)
        page.get_by_label("Jawaban (English)").fill(ANSWER_EN)
        page.get_by_label("Contoh pertanyaan (satu per baris, minimal").fill("\n".join(questions))
        page.get_by_role("button", name="Buat topik").click()

    minimum = h.settings.release_min_examples
    fill(QUESTIONS[:minimum - 1])  # one short of the minimum: refused, nothing stored, the form kept
    expect(page.locator("#errors")).to_contain_text(f"minimal {minimum} contoh")
    expect(page.get_by_label("Kunci topik")).to_have_value(KEY)
    assert h.db(lambda s: training.get_topic(s, key=KEY)) is None

    fill(QUESTIONS)
    expect(page.locator("#flash")).to_contain_text("Topik dibuat")
    expect(page.locator("#examples-table")).to_contain_text(QUESTIONS[-1])
    page.get_by_role("link", name="Pertanyaan FAQ").first.click()
    row = page.locator("#topics tr", has_text=KEY)
    expect(row).to_have_count(1)
    # 12 questions, every fifth (the 5th and the 10th) held out of training for the gate; made by an editor.
    expect(row.locator("td")).to_have_text([KEY, "12", "2", "12", "editor"])

    page.get_by_role("link", name="Rilis model").first.click()
    plan = page.locator("#plan")
    expect(plan).to_contain_text(f"topik baru: {KEY}")
    expect(plan).to_contain_text("10 contoh pelatihan ditambah")
    expect(plan).to_contain_text("Pelatihan: penuh")
    expect(plan).not_to_contain_text("fine-tune")
    expect(page.locator("#reviewed-new")).to_have_text("0 pesan nyata baru yang ditinjau sejak rilis yang melayani")
    expect(page.get_by_role("button", name="Siapkan rilis")).to_be_enabled()

    # A reviewed real message confirmed under the new topic: counted, and still a full training.
    h.db(confirm_a_reviewed_message)
    page.reload()
    expect(page.locator("#reviewed-new")).to_have_text("1 pesan nyata baru yang ditinjau sejak rilis yang melayani")
    expect(page.locator("#plan")).to_contain_text("Pelatihan: penuh")

    counsellor = browser.new_context().new_page()
    counsellor.set_default_timeout(20_000)
    sign_in(counsellor, h.base_url, "konselor.topik@contoh.test")
    expect(counsellor.get_by_role("heading", name="Antrian kasus")).to_be_visible()
    expect(counsellor.get_by_role("link", name="Rilis model")).to_have_count(0)
    expect(counsellor.get_by_role("link", name="Pertanyaan FAQ")).to_have_count(0)
    for path in ("/console/releases", "/console/faq", f"/console/faq/{KEY}"):
        response = counsellor.goto(f"{h.base_url}{path}")
        assert response is not None and response.status == 404, path
        expect(counsellor.locator("main")).to_contain_text("Tidak ditemukan")
    counsellor.goto(f"{h.base_url}/console/queue")
    csrf = counsellor.locator("input[name=csrf]").first.input_value()
    for path in ("/console/releases/prepare", "/console/releases/rollback"):
        refused = counsellor.request.post(f"{h.base_url}{path}", form={"csrf": csrf, "note": "coba"})
        assert refused.status == 404, path

    assert h.db(lambda s: s.scalar(select(func.count()).select_from(ModelRelease))) == 0  # nothing trained
