"""The review inbox over HTTP: a counsellor's triage correction lands the case's report message in the inbox,
redacted; an editor confirms it and it is a training example; counsellors, supervisors and statisticians get the
same 404 as a missing page; bad labels are a clear 400; audit rows carry no text. Invented data only."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from console.review import review_router
from storage import crud
from storage import review as review_db
from storage.models import AuditLog, Conversation, ReviewItem
from tests.console.conftest import ConsoleHarness

REPORT = "suami saya Joko Santoso mukul saya, rumah di desa Sukatani, hp 0812-3456-7890"


async def corrected_case(ch: ConsoleHarness) -> tuple[str, int]:
    """A case whose report message is stored with its triage, corrected by a counsellor in the console."""
    ch.app.include_router(review_router(ch.console))
    code, conv_id, _ = await ch.desk.open(region="32.76", urgency="high", category="physical", victim="adult")

    def report(s):  # type: ignore[no-untyped-def]
        m = crud.record_inbound(s, conversation=s.get(Conversation, conv_id), channel="telegram",
                                external_id="review-report-1", text=REPORT)
        crud.set_message_status(s, message_id=m.id, status="processed", triage={
            "urgency": "high", "category": "physical", "victim": "adult", "intent": "report_physical",
            "confidence": 0.91})
        return m.id

    message_id = await ch.db(report)
    counsellor = await ch.account(region="32.76")
    b = await ch.signed_in(counsellor)
    await b.get(f"/console/cases/{code}")
    done = await b.post(f"/console/cases/{code}/triage", {"urgency": "emergency", "violence_type": "physical",
                                                          "victim_age_group": "adult"}, follow=True)
    assert "Koreksi triase tersimpan" in done.text
    return code, message_id


async def test_a_correction_lands_redacted_and_an_editor_confirms_it(ch: ConsoleHarness) -> None:
    _, message_id = await corrected_case(ch)
    items = await ch.db(lambda s: list(s.scalars(select(ReviewItem))))
    assert len(items) == 1
    item = items[0]
    assert item.reasons == ["corrected"] and item.message_id == message_id
    assert item.text == "suami saya [NAME_1] mukul saya, rumah di desa [VILLAGE_1], hp [PHONE_1]"
    assert item.correction == {"urgency": "emergency", "category": "physical", "victim": "adult"}

    editor = await ch.account(role="content_editor", region="32.76")
    b = await ch.signed_in(editor)
    listing = await b.get("/console/review")
    assert listing.status_code == 200 and f"Tinjau #{item.id}" in listing.text
    page = await b.get(f"/console/review/{item.id}")
    assert page.status_code == 200
    for raw in ("Joko", "Santoso", "Sukatani", "0812", "3456"):
        assert raw not in listing.text and raw not in page.text
    assert "[NAME_1]" in page.text and "Koreksi konselor" in page.text
    # The form starts from the counsellor's correction.
    assert '<option value="emergency" selected>' in page.text

    bad = await b.post(f"/console/review/{item.id}", {"action": "confirm", "urgency": "high", "category": "none",
                                                      "victim": "adult", "intent": ""})
    assert bad.status_code == 400 and "Label tidak cocok" in bad.text
    worse = await b.post(f"/console/review/{item.id}", {"action": "confirm", "urgency": "high",
                                                        "category": "physical", "victim": "adult",
                                                        "intent": "bukan_intent"})
    assert worse.status_code == 400
    ok = await b.post(f"/console/review/{item.id}", {"action": "confirm", "urgency": "emergency",
                                                     "category": "physical", "victim": "adult",
                                                     "intent": "report_physical"})
    assert ok.status_code == 303 and ok.headers["location"] == f"/console/review?done={item.id}"
    examples = await ch.db(review_db.confirmed_examples)
    assert [(e.id, e.urgency, e.category, e.victim, e.intent, e.reviewed_by) for e in examples] == [
        (item.id, "emergency", "physical", "adult", "report_physical", editor.staff_id)]
    listing = await b.get(f"/console/review?done={item.id}")
    assert "Contoh latih terkonfirmasi" in listing.text and "[VILLAGE_1]" in listing.text
    assert "Tidak ada pesan yang menunggu" in listing.text

    audit = await ch.db(lambda s: [json.dumps(a.detail) + str(a.entity_id) for a in s.scalars(select(AuditLog))])
    assert not any(w in a for a in audit for w in ("Joko", "Sukatani", "0812", "[NAME_1]"))


@pytest.mark.parametrize("role", ["counsellor", "supervisor", "statistician"])
async def test_other_roles_cannot_open_the_inbox(ch: ConsoleHarness, role: str) -> None:
    await corrected_case(ch)
    item_id = (await ch.db(lambda s: s.scalars(select(ReviewItem.id)).one()))
    other = await ch.account(role=role, region="32.76")
    b = await ch.signed_in(other)
    listing = await b.get("/console/review")
    assert listing.status_code == 404 and 'href="/console/review"' not in listing.text  # nor in the menu
    assert (await b.get(f"/console/review/{item_id}")).status_code == 404
    await b.get("/console/")  # a page with the session's CSRF token
    refused = await b.post(f"/console/review/{item_id}", {"action": "confirm", "urgency": "none",
                                                          "category": "none", "victim": "unknown"})
    assert refused.status_code == 404
    assert (await ch.db(lambda s: s.get(ReviewItem, item_id))).status == "open"


async def test_no_session_a_missing_item_and_a_forged_token(ch: ConsoleHarness) -> None:
    ch.app.include_router(review_router(ch.console))
    anonymous = await ch.browser().get("/console/review")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/console/login"
    editor = await ch.account(role="content_editor", region="32.76")
    b = await ch.signed_in(editor)
    empty = await b.get("/console/review")
    assert empty.status_code == 200 and "Tidak ada pesan yang menunggu" in empty.text  # the first time: empty
    assert (await b.get("/console/review/999")).status_code == 404
    forged = await b.post("/console/review/999", {"action": "confirm"}, csrf="palsu")
    assert forged.status_code == 403
