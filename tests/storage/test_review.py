"""storage/review.py on SQLite and on a real PostgreSQL: the inbox from empty, merging reasons, who may review,
confirmed items as training examples, a correction's source message, and ``hapus`` / purging. Invented data."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import console as console_db
from storage import crud
from storage import review as db
from storage.models import AuditLog, Conversation, ReviewItem, Staff

PHONE = "+6281200000077"
VERDICT = {"urgency": "normal", "category": "other", "victim": "unknown", "intent": "report_other",
           "confidence": 0.41}


def message(session: Session, text: str, *, sender: str = f"wa:{PHONE}", ext: str = "m1",
            triage: dict[str, object] | None = None) -> tuple[Conversation, int]:
    conv = crud.get_or_create_conversation(session, sender_id=sender, channel="whatsapp")
    stored = crud.record_inbound(session, conversation=conv, channel="whatsapp", external_id=ext, text=text)
    assert stored is not None
    if triage is not None:
        crud.set_message_status(session, message_id=stored.id, status="processed", triage=triage)
    return conv, stored.id


def staff(session: Session, role: str, contact: str) -> Staff:
    return crud.add_staff(session, name=f"Staf Uji {contact}", role=role, region="32.76", channel="telegram",
                          contact_id=contact)


def test_empty_inbox_then_an_item_merged_and_confirmed_as_a_training_example(session: Session) -> None:
    editor = staff(session, "content_editor", "501")
    assert db.open_items(session, viewer=editor) == [] and db.count_open(session) == 0
    assert db.confirmed_examples(session) == []

    conv, mid = message(session, "saya mau cerita soal keluarga saya")
    assert db.inbound_text(session, message_id=mid) == (conv.id, "saya mau cerita soal keluarga saya")
    first = db.add_item(session, conversation_id=conv.id, message_id=mid, reasons=["weak_intent"],
                        text="saya mau cerita soal keluarga saya", redactions={}, verdict=VERDICT)
    again = db.add_item(session, conversation_id=conv.id, message_id=mid, reasons=["not_violence", "weak_intent"],
                        text="saya mau cerita soal keluarga saya", redactions={}, verdict=VERDICT)
    assert first is not None and again is not None and again.id == first.id
    assert again.reasons == ["weak_intent", "not_violence"]
    items = db.open_items(session, viewer=editor)
    assert items is not None and [i.id for i in items] == [first.id] and db.count_open(session) == 1

    done = db.review_item(session, viewer=editor, item_id=first.id, action="confirm", urgency="none",
                          category="none", victim="unknown", intent="out_of_scope")
    assert done is not None and done.status == "confirmed"
    examples = db.confirmed_examples(session)
    assert [(e.id, e.text, e.urgency, e.category, e.victim, e.intent, e.reviewed_by) for e in examples] == [
        (first.id, "saya mau cerita soal keluarga saya", "none", "none", "unknown", "out_of_scope", editor.id)]
    assert examples[0].reasons == ("weak_intent", "not_violence") and examples[0].reviewed_at is not None
    assert db.confirmed_examples(session, after_id=first.id) == []
    assert db.open_items(session, viewer=editor) == []
    recent = db.recent_examples(session, viewer=editor)
    assert recent is not None and recent[0][1] == editor.name

    # Audit rows hold ids and labels, never the text.
    details = [json.dumps(a.detail) for a in session.scalars(select(AuditLog).where(
        AuditLog.entity == "review_item"))]
    assert details and not any("keluarga" in d for d in details)


@pytest.mark.parametrize("role", ["counsellor", "supervisor", "statistician"])
def test_only_editors_and_admins_may_review(session: Session, role: str) -> None:
    conv, mid = message(session, "teks uji")
    item = db.add_item(session, conversation_id=conv.id, message_id=mid, reasons=["weak_intent"], text="teks uji",
                       redactions={}, verdict=VERDICT)
    assert item is not None
    other = staff(session, role, "601")
    assert db.open_items(session, viewer=other) is None
    assert db.get_item(session, viewer=other, item_id=item.id) is None
    assert db.recent_examples(session, viewer=other) is None
    assert db.review_item(session, viewer=other, item_id=item.id, action="confirm", urgency="none",
                          category="none", victim="unknown") is None
    assert session.get(ReviewItem, item.id).status == "open"  # type: ignore[union-attr]
    admin = staff(session, "admin", "602")
    assert db.get_item(session, viewer=admin, item_id=item.id) is not None


def test_labels_are_checked(session: Session) -> None:
    editor = staff(session, "content_editor", "701")
    conv, mid = message(session, "teks uji")
    item = db.add_item(session, conversation_id=conv.id, message_id=mid, reasons=["weak_intent"], text="teks uji",
                       redactions={}, verdict=VERDICT)
    assert item is not None
    for bad in ({"urgency": "panik", "category": "physical", "victim": "child"},
                {"urgency": "high", "category": "none", "victim": "child"},
                {"urgency": "none", "category": "sexual", "victim": "child"}):
        with pytest.raises(ValueError):
            db.review_item(session, viewer=editor, item_id=item.id, action="confirm", **bad)
    with pytest.raises(ValueError):
        db.add_item(session, conversation_id=conv.id, message_id=mid, reasons=["whatever"], text="x",
                    redactions={}, verdict=VERDICT)
    discarded = db.review_item(session, viewer=editor, item_id=item.id, action="discard")
    assert discarded is not None and discarded.status == "discarded" and db.confirmed_examples(session) == []


def test_correction_source_is_the_report_message(session: Session) -> None:
    counsellor = staff(session, "counsellor", "801")
    conv, _ = message(session, "halo", ext="m1", triage={"urgency": "none", "category": "none", "victim": "unknown",
                                                        "intent": "greet"})
    _, report_id = message(session, "suami saya Joko mukul saya", ext="m2",
                           triage={"urgency": "high", "category": "physical", "victim": "adult",
                                   "intent": "report_physical", "confidence": 0.93})
    case, _ = crud.create_case_with_outbox(session, conversation=conv, region="32.76", violence_type="physical",
                                           urgency="high", page_payload={})
    row = console_db.correct_triage(session, viewer=counsellor, code=case.code, urgency="emergency",
                                    violence_type="physical", victim_age_group="child")
    assert row is not None
    source = db.correction_source(session, correction_id=row.id)
    assert source is not None and source.message_id == report_id and source.case_id == case.id
    assert source.text == "suami saya Joko mukul saya"
    assert source.verdict["urgency"] == "high" and source.verdict["intent"] == "report_physical"
    assert source.correction == {"urgency": "emergency", "category": "physical", "victim": "child"}


def test_hapus_removes_the_items_and_examples_and_a_late_item_is_refused(session: Session) -> None:
    editor = staff(session, "content_editor", "901")
    conv, mid = message(session, "teks uji hapus")
    other_conv, other_mid = message(session, "teks orang lain", sender="wa:+6281200000078", ext="m9")
    item = db.add_item(session, conversation_id=conv.id, message_id=mid, reasons=["weak_intent"], text="teks uji",
                       redactions={}, verdict=VERDICT)
    kept = db.add_item(session, conversation_id=other_conv.id, message_id=other_mid, reasons=["weak_intent"],
                       text="teks orang lain", redactions={}, verdict=VERDICT)
    assert item is not None and kept is not None
    db.review_item(session, viewer=editor, item_id=item.id, action="confirm", urgency="high", category="physical",
                   victim="adult")
    conv_id = conv.id
    report = crud.erase_conversation(session, sender_id=f"wa:{PHONE}")
    assert report.found
    session.expire_all()
    assert session.get(ReviewItem, item.id) is None
    assert [e.id for e in db.confirmed_examples(session)] == []
    assert session.get(ReviewItem, kept.id) is not None  # someone else's item stays
    # An item landing after the erasure (a race with ``hapus``) finds no conversation and is not stored.
    assert db.add_item(session, conversation_id=conv_id, message_id=None, reasons=["weak_intent"], text="x",
                       redactions={}, verdict=VERDICT) is None
    assert db.inbound_text(session, message_id=mid) is None


def test_purged_message_leaves_the_redacted_item(session: Session) -> None:
    conv, mid = message(session, "teks uji lama")
    item = db.add_item(session, conversation_id=conv.id, message_id=mid, reasons=["weak_intent"],
                       text="teks uji lama", redactions={}, verdict=VERDICT)
    assert item is not None
    assert crud.purge_messages_older_than(session, days=0) >= 1
    session.expire_all()
    kept = session.get(ReviewItem, item.id)
    assert kept is not None and kept.message_id is None and kept.text == "teks uji lama"
