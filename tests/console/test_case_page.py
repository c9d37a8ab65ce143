"""The case page and its actions: the same operations as the Telegram commands, so either path sees the
other's result; chat from the browser (assignee only); triage corrections; masked contacts revealed with a
logged reason; every read and change audited without message text, names or numbers."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage import crud
from storage.models import AuditLog, Case, CaseNote, Conversation, Message, TriageCorrection
from tests.console.conftest import ConsoleHarness


def _case(code: str):  # type: ignore[no-untyped-def]
    return lambda s: s.scalars(select(Case).where(Case.code == code)).one()


async def test_claim_in_the_console_is_seen_by_telegram_and_a_telegram_note_by_the_console(
        ch: ConsoleHarness) -> None:
    counsellor = await ch.account(region="32.76")
    colleague = await ch.account(region="32.76")
    code, _, citizen = await ch.desk.open(region="32.76", category="sexual")
    b = await ch.signed_in(counsellor)

    page = await b.get(f"/console/cases/{code}")
    assert page.status_code == 200 and "Ambil kasus" in page.text
    assert "UU TPKS" in page.text  # sexual violence: the 3x24 h police-report deadline is shown
    assert citizen.removeprefix("tg:") not in page.text  # the citizen's Telegram id is masked

    claimed = await b.post(f"/console/cases/{code}/claim", follow=True)
    assert "Anda menangani kasus" in claimed.text
    case = await ch.db(_case(code))
    assert case.status == "claimed" and case.assigned_staff_id == counsellor.staff_id
    # The citizen was told through the bot (the fake Telegram API), as with /ambil.
    assert any("konselor" in m["text"].lower() for m in ch.desk.sent_to(citizen))

    # The Telegram path sees the console's claim ...
    await ch.desk.staff_says(colleague.chat, f"/ambil {code}")
    assert "sudah diambil petugas lain" in ch.desk.sent_to(colleague.chat)[-1]["text"]
    # ... and the console sees a note written with /catatan.
    await ch.desk.staff_says(counsellor.chat, f"/catatan {code} korban aman di rumah saudara")
    page = await b.get(f"/console/cases/{code}")
    assert "korban aman di rumah saudara" in page.text


async def test_note_transfer_and_close_from_the_console(ch: ConsoleHarness) -> None:
    counsellor = await ch.account(region="32.76")
    colleague = await ch.account(region="32.76")
    code, _, citizen = await ch.desk.open(region="32.76")
    b = await ch.signed_in(counsellor)
    await b.get(f"/console/cases/{code}")
    await b.post(f"/console/cases/{code}/claim")

    noted = await b.post(f"/console/cases/{code}/note", {"text": "sudah ditelepon balik"}, follow=True)
    assert "Catatan untuk" in noted.text and "sudah ditelepon balik" in noted.text

    moved = await b.post(f"/console/cases/{code}/transfer", {"staff_id": str(colleague.staff_id)}, follow=True)
    assert "dialihkan ke petugas" in moved.text
    assert (await ch.db(_case(code))).assigned_staff_id == colleague.staff_id
    assert any(code in m["text"] for m in ch.desk.sent_to(colleague.chat))  # told on Telegram, as /alihkan

    # The colleague closes it in the console; the bot takes the conversation back.
    b2 = await ch.signed_in(colleague)
    await b2.get(f"/console/cases/{code}")
    closed = await b2.post(f"/console/cases/{code}/close", {"outcome": "dirujuk"}, follow=True)
    assert "ditutup" in closed.text
    case = await ch.db(_case(code))
    assert case.status == "closed" and case.outcome == "dirujuk"
    conv = await ch.db(lambda s: s.get(Conversation, case.conversation_id))
    assert conv.handoff_staff_id is None

    # Reopened with /buka on Telegram: the console shows it in progress again, with the chat back on.
    assert "Buka kembali" in closed.text
    await ch.desk.staff_says(colleague.chat, f"/buka {code}")
    assert "dibuka kembali" in ch.desk.sent_to(colleague.chat)[-1]["text"]
    case = await ch.db(_case(code))
    assert (case.status, case.assigned_staff_id, case.outcome, case.closed_at) == (
        "in_progress", colleague.staff_id, None, None)
    conv = await ch.db(lambda s: s.get(Conversation, case.conversation_id))
    assert conv.handoff_staff_id == colleague.staff_id
    page = await b2.get(f"/console/cases/{code}")
    assert 'id="chat-form"' in page.text and "Tutup kasus" in page.text
    # Reopening a case that is not closed does nothing.
    again = await b2.post(f"/console/cases/{code}/reopen", follow=True)
    assert "belum ditutup" in again.text

    # Audit: who did what, with ids only.
    rows = await ch.db(lambda s: crud.list_audit(s, entity="case", entity_id=case.id, limit=200))
    actions = {r.action for r in rows}
    assert {"read", "claim", "note", "assign", "transition", "reopen"} <= actions
    blob = json.dumps([r.detail for r in rows])
    assert "sudah ditelepon" not in blob and citizen not in blob and "Petugas Uji" not in blob


async def test_only_the_assignee_writes_to_the_citizen_and_replies_are_in_the_transcript(
        ch: ConsoleHarness) -> None:
    counsellor = await ch.account(region="32.76")
    supervisor = await ch.account(role="supervisor", region="32.76")
    code, conv_id, citizen = await ch.desk.open(region="32.76")
    b = await ch.signed_in(counsellor)
    await b.get(f"/console/cases/{code}")
    await b.post(f"/console/cases/{code}/claim")

    sup = await ch.signed_in(supervisor)
    page = await sup.get(f"/console/cases/{code}")
    assert 'id="chat-form"' not in page.text  # the supervisor sees the case but may not write
    refused = await sup.post(f"/console/cases/{code}/message", {"text": "halo dari supervisor"}, follow=True)
    assert "Hanya petugas yang menangani" in refused.text
    assert not any("halo dari supervisor" in m["text"] for m in ch.desk.sent_to(citizen))

    page = await b.get(f"/console/cases/{code}")
    assert 'id="chat-form"' in page.text
    await b.post(f"/console/cases/{code}/message", {"text": "Halo, saya konselor. Kamu aman sekarang?"})
    sent = [m["text"] for m in ch.desk.sent_to(citizen)]
    assert "Konselor: Halo, saya konselor. Kamu aman sekarang?" in sent
    # Stored like any bot reply (erased by "hapus"), and the case moved on to "in progress".
    outs = await ch.db(lambda s: list(s.scalars(select(Message).where(Message.conversation_id == conv_id,
                                                                      Message.direction == "out"))))
    assert any(m.text == "Konselor: Halo, saya konselor. Kamu aman sekarang?" for m in outs)
    assert (await ch.db(_case(code))).status == "in_progress"
    # The citizen's answer (relayed to the counsellor's Telegram as before) is in the console's transcript.
    transcript = await ch.db(lambda s: crud.record_inbound(
        s, conversation=s.get(Conversation, conv_id), channel="telegram", external_id="reply-1",
        text="iya saya aman"))
    assert transcript is not None
    assert "iya saya aman" in (await b.get(f"/console/cases/{code}")).text


async def test_triage_correction_is_kept_beside_the_original_verdict(ch: ConsoleHarness) -> None:
    supervisor = await ch.account(role="supervisor", region="32.76")
    code, _, _ = await ch.desk.open(region="32.76", urgency="emergency", category="physical", victim="child")
    b = await ch.signed_in(supervisor)
    await b.get(f"/console/cases/{code}")

    done = await b.post(f"/console/cases/{code}/triage", {"urgency": "high", "violence_type": "psychological",
                                                          "victim_age_group": "adult"}, follow=True)
    assert "Koreksi triase tersimpan" in done.text
    bad = await b.post(f"/console/cases/{code}/triage", {"urgency": "x", "violence_type": "other",
                                                         "victim_age_group": "adult"}, follow=True)
    assert "tidak valid" in bad.text
    fixes = await ch.db(lambda s: list(s.scalars(select(TriageCorrection))))
    assert len(fixes) == 1
    fix = fixes[0]
    assert fix.original == {"urgency": "emergency", "violence_type": "physical", "victim_age_group": "child"}
    assert (fix.urgency, fix.violence_type, fix.victim_age_group, fix.staff_id) == (
        "high", "psychological", "adult", supervisor.staff_id)
    case = await ch.db(_case(code))
    assert (case.urgency, case.violence_type, case.victim_age_group) == ("high", "psychological", "adult")


async def test_revealing_a_contact_needs_a_reason_and_is_logged(ch: ConsoleHarness) -> None:
    counsellor = await ch.account(region="32.76")
    code, _, citizen = await ch.desk.open(region="32.76")
    b = await ch.signed_in(counsellor)
    await b.get(f"/console/cases/{code}")

    assert (await b.post(f"/console/cases/{code}/reveal", {"reason": ""})).status_code == 400
    shown = await b.post(f"/console/cases/{code}/reveal", {"reason": "keselamatan"})

    assert shown.status_code == 200 and citizen in shown.text
    case = await ch.db(_case(code))
    rows = await ch.db(lambda s: list(s.scalars(select(AuditLog).where(AuditLog.entity_id == str(case.id)))))
    assert ("reveal_reason", {"reason": "keselamatan"}) in [(r.action, r.detail) for r in rows]
    assert "reveal_contact" in [r.action for r in rows]
    assert citizen not in json.dumps([r.detail for r in rows])


async def test_queue_is_ranked_by_risk_then_waiting_and_shows_no_message_text(ch: ConsoleHarness) -> None:
    counsellor = await ch.account(region="32.76")
    normal, _, _ = await ch.desk.open(region="32.76", urgency="normal")
    emergency, _, _ = await ch.desk.open(region="32.76", urgency="emergency")
    high, _, _ = await ch.desk.open(region="32.76", urgency="high")
    other_region, _, _ = await ch.desk.open(region="13.76", urgency="emergency")
    b = await ch.signed_in(counsellor)

    page = (await b.get("/console/queue")).text

    positions = [page.index(code) for code in (emergency, high, normal)]
    assert positions == sorted(positions) and other_region not in page
    assert "(uji)" not in page  # the citizens' message text never appears in the queue
    assert 'data-emergencies="1"' in page
    notes = await ch.db(lambda s: list(s.scalars(select(CaseNote))))
    assert notes == []
