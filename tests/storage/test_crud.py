"""crud.py on SQLite and on a real PostgreSQL (the ``db_url`` fixture is parametrized). Invented data only."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import crud
from storage.models import AuditLog, Case, Conversation, Message, Outbox, Staff

T0 = datetime(2025, 1, 6, 1, 0, tzinfo=UTC)  # 08:00 WIB
PHONE_1 = "+6281200000001"
PHONE_2 = "+6281200000002"


def count(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def make_case(
    session: Session,
    conversation: Conversation | None = None,
    *,
    region: str = "depok",
    urgency: str = "normal",
    violence_type: str = "physical",
    now: datetime | None = None,
    **extra: Any,
) -> Case:
    case, _ = crud.create_case_with_outbox(
        session,
        conversation=conversation,
        region=region,
        violence_type=violence_type,
        urgency=urgency,
        page_payload={"urgency": urgency, "region": region},
        now=now,
        **extra,
    )
    return case


def make_staff(session: Session, *, role: str = "counsellor", region: str = "depok", contact: str = "1") -> Staff:
    return crud.add_staff(
        session, name=f"Staf Uji {contact}", role=role, region=region, channel="telegram", contact_id=contact
    )


# --------------------------------------------------------------------------------------------- conversations


def test_get_or_create_conversation_is_idempotent(session: Session) -> None:
    first = crud.get_or_create_conversation(session, sender_id=f"wa:{PHONE_1}", channel="whatsapp")
    again = crud.get_or_create_conversation(session, sender_id=f"wa:{PHONE_1}", channel="whatsapp")
    assert first.id == again.id
    assert (first.lang, first.state, first.opted_out) == ("id", {}, False)
    assert count(session, Conversation) == 1


def test_conversation_state_language_and_opt_out(session: Session) -> None:
    conv = crud.get_or_create_conversation(session, sender_id="tg:1001", channel="telegram")
    crud.update_conversation_state(session, conversation=conv, state={"step": "ask_place", "age": 14}, lang="en")
    crud.set_opted_out(session, conversation=conv, opted_out=True)
    session.expire_all()
    row = crud.get_conversation(session, sender_id="tg:1001")
    assert row is not None
    assert row.state == {"step": "ask_place", "age": 14}
    assert row.lang == "en"
    assert row.opted_out is True
    with pytest.raises(ValueError):
        crud.update_conversation_state(session, conversation=conv, state={}, lang="fr")


# ---------------------------------------------------------------------------------------------- messages


def test_duplicate_inbound_returns_none_and_stores_one_row(session: Session) -> None:
    conv = crud.get_or_create_conversation(session, sender_id="tg:1001", channel="telegram")
    first = crud.record_inbound(
        session,
        conversation=conv,
        channel="telegram",
        external_id="upd-1",
        text="halo",
        media_count=0,
        chat_message_id=11,
        received_at=T0,
    )
    assert first is not None and first.status == "received"
    again = crud.record_inbound(
        session,
        conversation=conv,
        channel="telegram",
        external_id="upd-1",
        text="halo",
        media_count=0,
        chat_message_id=11,
    )
    assert again is None
    assert count(session, Message) == 1
    # The same delivery id on another channel is another message.
    other = crud.record_inbound(
        session,
        conversation=conv,
        channel="whatsapp",
        external_id="upd-1",
        text="halo",
        media_count=0,
        chat_message_id=None,
    )
    assert other is not None
    refreshed = crud.get_conversation(session, sender_id="tg:1001")
    assert refreshed is not None and refreshed.last_inbound_at is not None


def test_duplicate_inbound_race_is_caught_by_the_unique_constraint(
    session: Session, new_session: Callable[[], Session]
) -> None:
    conv = crud.get_or_create_conversation(session, sender_id="tg:1001", channel="telegram")
    other_worker = new_session()
    assert (
        crud.record_inbound(
            other_worker,
            conversation=conv,
            channel="telegram",
            external_id="upd-7",
            text="tolong",
            media_count=1,
            chat_message_id=12,
        )
        is not None
    )
    # A second worker with its own session (another delivery of the same update) is stopped by the constraint.
    assert (
        crud.record_inbound(
            session,
            conversation=conv,
            channel="telegram",
            external_id="upd-7",
            text="tolong",
            media_count=1,
            chat_message_id=12,
        )
        is None
    )
    assert count(session, Message) == 1
    # The session is usable afterwards.
    assert crud.get_conversation(session, sender_id="tg:1001") is not None


def test_finish_turn_saves_state_and_status_together(session: Session) -> None:
    conv = crud.get_or_create_conversation(session, sender_id="tg:1001", channel="telegram")
    msg = crud.record_inbound(session, conversation=conv, channel="telegram", external_id="u1", text="a")
    assert msg is not None
    crud.finish_turn(session, conversation_id=conv.id, message_id=msg.id, state={"intake": {"step": "where"}},
                     lang="en", status="processed", triage={"urgency": "high", "category": "physical"})
    session.expire_all()
    saved = crud.get_conversation(session, sender_id="tg:1001")
    assert saved is not None and saved.state == {"intake": {"step": "where"}} and saved.lang == "en"
    row = session.get(Message, msg.id)
    assert row is not None and row.status == "processed" and row.triage == {"urgency": "high", "category": "physical"}
    # The same rules as set_message_status: no text in the triage summary, only known statuses; nothing written.
    with pytest.raises(ValueError):
        crud.finish_turn(session, conversation_id=conv.id, message_id=msg.id, state={}, lang=None,
                         status="processed", triage={"text": "a"})
    with pytest.raises(ValueError):
        crud.finish_turn(session, conversation_id=conv.id, message_id=msg.id, state={}, lang=None, status="done")
    session.expire_all()
    assert crud.get_conversation(session, sender_id="tg:1001").state == {"intake": {"step": "where"}}  # type: ignore[union-attr]


def test_outbound_status_pending_and_triage(session: Session) -> None:
    conv = crud.get_or_create_conversation(session, sender_id="tg:1001", channel="telegram")
    a = crud.record_inbound(
        session,
        conversation=conv,
        channel="telegram",
        external_id="u1",
        text="a",
        media_count=0,
        chat_message_id=1,
        received_at=T0,
    )
    b = crud.record_inbound(
        session,
        conversation=conv,
        channel="telegram",
        external_id="u2",
        text="b",
        media_count=0,
        chat_message_id=2,
        received_at=T0 + timedelta(minutes=1),
    )
    c = crud.record_inbound(
        session,
        conversation=conv,
        channel="telegram",
        external_id="u3",
        text="c",
        media_count=0,
        chat_message_id=3,
        received_at=T0 + timedelta(minutes=2),
    )
    out = crud.record_outbound(session, conversation=conv, channel="telegram", text="balasan", chat_message_id=4)
    assert a and b and c and out.direction == "out" and out.external_id is None

    crud.set_message_status(
        session, message_id=a.id, status="processed", triage={"urgency": "high", "category": "physical"}
    )
    crud.set_message_status(session, message_id=c.id, status="pending_retry")
    with pytest.raises(ValueError, match="text"):
        crud.set_message_status(session, message_id=b.id, status="processed", triage={"text": "b"})
    with pytest.raises(ValueError):
        crud.set_message_status(session, message_id=b.id, status="lost")

    assert [m.id for m in crud.list_pending_messages(session, limit=10)] == [c.id]
    # With a grace cut-off, messages stuck in "received" (processing died) come back too, oldest first.
    stuck = crud.list_pending_messages(session, limit=10, received_before=T0 + timedelta(minutes=5))
    assert [m.id for m in stuck] == [b.id, c.id]
    assert crud.list_pending_messages(session, limit=1, received_before=T0 + timedelta(minutes=5))[0].id == b.id
    reread = session.get(Message, a.id, populate_existing=True)
    assert reread is not None and reread.triage == {"urgency": "high", "category": "physical"}


def test_purge_messages_older_than(session: Session) -> None:
    conv = crud.get_or_create_conversation(session, sender_id="tg:1001", channel="telegram")
    now = datetime.now(UTC)
    crud.record_inbound(
        session,
        conversation=conv,
        channel="telegram",
        external_id="old",
        text="lama",
        media_count=0,
        chat_message_id=1,
        received_at=now - timedelta(days=40),
    )
    crud.record_inbound(
        session,
        conversation=conv,
        channel="telegram",
        external_id="new",
        text="baru",
        media_count=0,
        chat_message_id=2,
        received_at=now - timedelta(days=2),
    )
    assert crud.purge_messages_older_than(session, days=30) == 1
    assert [m.external_id for m in session.scalars(select(Message))] == ["new"]


# ------------------------------------------------------------------------------------------ case + outbox


def test_case_and_outbox_created_together(session: Session) -> None:
    conv = crud.get_or_create_conversation(session, sender_id=f"wa:{PHONE_1}", channel="whatsapp")
    case, outbox = crud.create_case_with_outbox(
        session,
        conversation=conv,
        region="depok",
        violence_type="sexual",
        urgency="high",
        victim_age_group="child",
        victim_age=12,
        kecamatan="Beji",
        kelurahan="Kemiri Muka",
        place="sekolah",
        page_payload={"urgency": "high"},
        now=T0,
    )
    assert case.code.startswith("K-") and len(case.code) == 7
    assert case.status == "new"
    assert case.police_report_due_at == T0 + timedelta(hours=72)  # UU TPKS
    assert outbox.case_id == case.id and outbox.published_at is None and outbox.kind == "page"
    assert outbox.payload == {"urgency": "high", "case_id": case.id, "case_code": case.code}

    other = make_case(session, conv, violence_type="physical")
    assert other.police_report_due_at is None
    assert other.code != case.code


def test_case_and_outbox_are_atomic(session: Session) -> None:
    conv = crud.get_or_create_conversation(session, sender_id=f"wa:{PHONE_1}", channel="whatsapp")
    # The case row is flushed first; the outbox payload then fails to serialise: nothing may remain.
    with pytest.raises(Exception, match="not JSON serializable"):
        crud.create_case_with_outbox(
            session,
            conversation=conv,
            region="depok",
            violence_type="physical",
            urgency="emergency",
            page_payload={"not_json": object()},
        )
    assert count(session, Case) == 0
    assert count(session, Outbox) == 0
    assert count(session, AuditLog) == 0
    # And the session still works.
    make_case(session, conv)
    assert (count(session, Case), count(session, Outbox)) == (1, 1)


def test_case_creation_is_idempotent_per_dedup_key(session: Session) -> None:
    conv = crud.get_or_create_conversation(session, sender_id="tg:1001", channel="telegram")
    first = make_case(session, conv, dedup_key="page:telegram:upd-9")
    again = make_case(session, conv, dedup_key="page:telegram:upd-9")
    assert first.id == again.id
    assert (count(session, Case), count(session, Outbox)) == (1, 1)


def test_invalid_case_values_are_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="violence_type"):
        make_case(session, violence_type="bullying")
    with pytest.raises(ValueError, match="place"):
        make_case(session, place="pasar")
    with pytest.raises(ValueError, match="victim_age"):
        make_case(session, victim_age=-1)
    assert count(session, Case) == 0


def test_outbox_publish_flow(session: Session) -> None:
    first = make_case(session, now=T0)
    make_case(session, now=T0 + timedelta(seconds=5))
    pending = crud.list_unpublished_outbox(session, limit=10)
    assert [o.case_id for o in pending] == [first.id, pending[1].case_id]
    assert crud.mark_outbox_published(session, outbox_id=pending[0].id) is True
    assert crud.mark_outbox_published(session, outbox_id=pending[0].id) is False  # another relay did it
    assert [o.id for o in crud.list_unpublished_outbox(session, limit=10)] == [pending[1].id]


# ---------------------------------------------------------------------------------------------- workflow


@pytest.mark.parametrize(
    ("path", "bad_next"),
    [
        (["paged", "claimed", "in_progress", "referred", "closed"], "in_progress"),
        (["claimed", "referred", "in_progress", "closed"], "paged"),
        (["paged", "claimed", "paged", "claimed"], "new"),
        (["closed"], "new"),
    ],
)
def test_status_transitions(session: Session, path: list[str], bad_next: str) -> None:
    case = make_case(session)
    for status in path:
        case = crud.transition_case(
            session,
            case=case,
            to_status=status,
            actor="system",
            outcome="rujuk_uptd_ppa" if status == "closed" else None,
        )
        assert case.status == status
    with pytest.raises(crud.InvalidTransition, match=f"'{path[-1]}' to '{bad_next}'"):
        crud.transition_case(session, case=case, to_status=bad_next, actor="system")
    reread = crud.get_case(session, case_id=case.id)
    assert reread is not None and reread.status == path[-1]
    if path[-1] == "closed":
        assert reread.closed_at is not None and reread.outcome == "rujuk_uptd_ppa"
    transitions = [a for a in crud.list_audit(session, entity="case", entity_id=case.id) if a.action == "transition"]
    assert len(transitions) == len(path)


def test_unknown_status_and_skipping_steps_are_refused(session: Session) -> None:
    case = make_case(session)
    with pytest.raises(ValueError):
        crud.transition_case(session, case=case, to_status="solved", actor="system")
    with pytest.raises(crud.InvalidTransition):
        crud.transition_case(session, case=case, to_status="in_progress", actor="system")


def test_transition_from_a_stale_object_uses_the_current_status(
    session: Session, new_session: Callable[[], Session]
) -> None:
    case = make_case(session)
    crud.transition_case(new_session(), case=case, to_status="closed", actor="system")
    # ``case`` still says "new" here; the database says "closed".
    with pytest.raises(crud.InvalidTransition, match="'closed'"):
        crud.transition_case(session, case=case, to_status="paged", actor="system")


def test_claim_race_has_one_winner(session: Session, new_session: Callable[[], Session]) -> None:
    a = make_staff(session, contact="11")
    b = make_staff(session, contact="12")
    case = make_case(session)
    crud.transition_case(session, case=case, to_status="paged", actor="system")
    won = crud.claim_case(new_session(), case=case, staff=a)
    assert won.status == "claimed" and won.assigned_staff_id == a.id
    with pytest.raises(crud.CaseAlreadyClaimed):
        crud.claim_case(new_session(), case=case, staff=b)
    final = session.get(Case, case.id, populate_existing=True)
    assert final is not None and final.assigned_staff_id == a.id


def test_assign_and_update_details(session: Session) -> None:
    supervisor = make_staff(session, role="supervisor", contact="21")
    counsellor = make_staff(session, contact="22")
    case = make_case(session, violence_type="physical")
    case = crud.assign_case(session, case=case, staff=counsellor, actor=supervisor)
    assert (case.status, case.assigned_staff_id) == ("claimed", counsellor.id)
    case = crud.update_case_details(
        session, case=case, actor=counsellor, changes={"violence_type": "sexual", "safe_contact": "sore hari"}
    )
    assert case.police_report_due_at == case.created_at + timedelta(hours=72)
    with pytest.raises(ValueError, match="not editable"):
        crud.update_case_details(session, case=case, actor=counsellor, changes={"status": "closed"})
    audit = crud.list_audit(session, entity="case", entity_id=case.id)[0]
    assert audit.action == "update" and audit.detail == {"fields": ["safe_contact", "violence_type"]}
    assert "sore hari" not in str(audit.detail)


# ------------------------------------------------------------------------------------------------ erasure


def test_erase_conversation_removes_texts_and_personal_fields_but_keeps_statistics(session: Session) -> None:
    conv = crud.get_or_create_conversation(session, sender_id="tg:5005", channel="telegram")
    other = crud.get_or_create_conversation(session, sender_id=f"wa:{PHONE_2}", channel="whatsapp")
    crud.record_inbound(
        session,
        conversation=conv,
        channel="telegram",
        external_id="e1",
        text="saya dipukul",
        media_count=0,
        chat_message_id=101,
    )
    crud.record_outbound(session, conversation=conv, channel="telegram", text="kamu aman?", chat_message_id=102)
    crud.record_inbound(
        session, conversation=conv, channel="telegram", external_id="e2", text=None, media_count=1, chat_message_id=None
    )
    crud.record_inbound(
        session,
        conversation=other,
        channel="whatsapp",
        external_id="SM1",
        text="halo",
        media_count=0,
        chat_message_id=None,
    )
    crud.update_conversation_state(session, conversation=conv, state={"step": "done", "kelurahan": "Beji"})
    case = make_case(
        session,
        conv,
        kecamatan="Beji",
        kelurahan="Beji Timur",
        victim_age=15,
        victim_age_group="child",
        victim_sex="female",
        safe_contact="setelah jam 5 sore",
        relationship="ayah_tiri",
        place="rumah_tangga",
        urgency="high",
    )

    report = crud.erase_conversation(session, sender_id="tg:5005")

    assert report.found is True
    assert report.messages_deleted == 3
    assert report.cases_anonymised == 1
    assert report.telegram_message_ids == (101, 102)
    session.expire_all()
    assert crud.get_conversation(session, sender_id="tg:5005") is None
    texts = list(session.scalars(select(Message.text)))
    assert texts == ["halo"]  # only the other citizen's message
    kept = crud.get_case(session, case_id=case.id)
    assert kept is not None
    assert (kept.kelurahan, kept.victim_age, kept.safe_contact, kept.conversation_id) == (None, None, None, None)
    assert kept.erased_at is not None
    # Anonymous statistics stay for SIMFONI-PPA and the map by kecamatan.
    assert (kept.region, kept.kecamatan, kept.violence_type, kept.victim_age_group, kept.urgency) == (
        "depok",
        "Beji",
        "physical",
        "child",
        "high",
    )
    assert kept.code == case.code
    outbox = session.scalars(select(Outbox).where(Outbox.case_id == case.id)).one()
    assert outbox.payload == {"erased": True}
    entry = crud.list_audit(session, entity="conversation")[0]
    assert (entry.actor, entry.action) == ("citizen", "erase")
    assert "tg:5005" not in str(entry.detail) and "dipukul" not in str(entry.detail)

    # Erasing again (or a stranger) is harmless.
    assert crud.erase_conversation(session, sender_id="tg:5005").found is False


# --------------------------------------------------------------------------------------------- visibility


def test_visibility_rules_and_audited_reads(session: Session) -> None:
    depok_counsellor = make_staff(session, region="depok", contact="31")
    payakumbuh_counsellor = make_staff(session, region="payakumbuh", contact="32")
    depok_supervisor = make_staff(session, role="supervisor", region="depok", contact="33")
    admin = make_staff(session, role="admin", region="nasional", contact="34")
    payakumbuh_case = make_case(session, region="payakumbuh")
    depok_case = make_case(session, region="depok")

    with pytest.raises(crud.AccessDenied):
        crud.get_case_by_code(session, code=payakumbuh_case.code, viewer=depok_counsellor)
    with pytest.raises(PermissionError):  # AccessDenied is a PermissionError
        crud.get_case_by_code(session, code=payakumbuh_case.code, viewer=depok_supervisor)
    denied = crud.list_audit(session, entity="case", entity_id=payakumbuh_case.id)
    assert [(a.action, a.actor) for a in denied[:2]] == [
        ("read_denied", f"staff:{depok_supervisor.id}"),
        ("read_denied", f"staff:{depok_counsellor.id}"),
    ]

    seen = crud.get_case_by_code(session, code=payakumbuh_case.code.lower(), viewer=payakumbuh_counsellor)
    assert seen is not None and seen.id == payakumbuh_case.id
    latest = crud.list_audit(session, entity="case", entity_id=payakumbuh_case.id)[0]
    assert (latest.action, latest.actor) == ("read", f"staff:{payakumbuh_counsellor.id}")

    assert crud.get_case_by_code(session, code=depok_case.code, viewer=depok_supervisor) is not None
    # Admins manage accounts only: no case data (deny by default for every role that does not work cases).
    with pytest.raises(crud.AccessDenied):
        crud.get_case_by_code(session, code=payakumbuh_case.code, viewer=admin)
    # Assigned to a counsellor of another region (e.g. a national fallback): they may read it.
    crud.assign_case(session, case=payakumbuh_case, staff=depok_counsellor, actor="system")
    assert crud.get_case_by_code(session, code=payakumbuh_case.code, viewer=depok_counsellor) is not None
    # Unknown codes are audited too, and answer None.
    assert crud.get_case_by_code(session, code="K-ZZZZZ", viewer=depok_counsellor) is None
    assert crud.list_audit(session, entity="case")[0].action == "read_not_found"
    # A deactivated staff member sees nothing.
    gone = crud.set_staff_active(session, staff=depok_supervisor, active=False)
    with pytest.raises(crud.AccessDenied):
        crud.get_case_by_code(session, code=depok_case.code, viewer=gone)
    # Staff may not change cases they cannot see.
    with pytest.raises(crud.AccessDenied):
        crud.transition_case(session, case=depok_case, to_status="closed", actor=payakumbuh_counsellor)


def test_queue_is_emergency_first_then_oldest_and_respects_visibility(session: Session) -> None:
    viewer = make_staff(session, region="depok", contact="41")
    normal_old = make_case(session, urgency="normal", now=T0)
    high_new = make_case(session, urgency="high", now=T0 + timedelta(minutes=30))
    emergency_new = make_case(session, urgency="emergency", now=T0 + timedelta(minutes=20))
    high_old = make_case(session, urgency="high", now=T0 + timedelta(minutes=10))
    emergency_old = make_case(session, urgency="emergency", now=T0 + timedelta(minutes=15))
    make_case(session, urgency="emergency", region="payakumbuh", now=T0)  # not visible to a Depok counsellor
    closed = make_case(session, urgency="emergency", now=T0)
    crud.transition_case(session, case=closed, to_status="closed", actor="system")

    queue = crud.list_queue(session, viewer=viewer)

    assert [c.id for c in queue] == [emergency_old.id, emergency_new.id, high_old.id, high_new.id, normal_old.id]
    entry = crud.list_audit(session, entity="case")[0]
    assert (entry.action, entry.actor) == ("list", f"staff:{viewer.id}")
    assert entry.detail == {"case_ids": [c.id for c in queue]}
    admin = make_staff(session, role="admin", region="nasional", contact="42")
    assert crud.list_queue(session, viewer=admin) == []


# ------------------------------------------------------------------------------------------ staff, shifts


def test_staff_registry(session: Session) -> None:
    supervisor = make_staff(session, role="supervisor", contact="51")
    counsellor = crud.add_staff(
        session, name="Konselor Uji", role="counsellor", region="depok", channel="whatsapp", contact_id=PHONE_1
    )
    with pytest.raises(crud.DuplicateStaff):
        crud.add_staff(session, name="Orang Lain", role="admin", region="depok", channel="whatsapp", contact_id=PHONE_1)
    with pytest.raises(ValueError):
        crud.add_staff(session, name="X", role="boss", region="depok", channel="telegram", contact_id="52")
    found = crud.get_staff_by_contact(session, channel="whatsapp", contact_id=PHONE_1)
    assert found is not None and found.id == counsellor.id
    assert crud.get_staff_by_contact(session, channel="telegram", contact_id=PHONE_1) is None
    assert [s.id for s in crud.list_staff(session)] == [counsellor.id, supervisor.id]
    crud.set_staff_active(session, staff=counsellor, active=False)
    assert [s.id for s in crud.list_staff(session, active_only=True)] == [supervisor.id]
    audit_text = str([a.detail for a in crud.list_audit(session, entity="staff")])
    assert PHONE_1 not in audit_text and "Konselor" not in audit_text


def test_on_call_staff_by_region_and_shift(session: Session) -> None:
    supervisor = make_staff(session, role="supervisor", region="depok", contact="61")
    c1 = make_staff(session, region="depok", contact="62")
    c2 = make_staff(session, region="depok", contact="63")
    off_duty = make_staff(session, region="depok", contact="64")
    elsewhere = make_staff(session, region="payakumbuh", contact="65")
    inactive = make_staff(session, region="depok", contact="66")
    for person in (supervisor, c2, c1, elsewhere, inactive):
        crud.start_shift(session, staff=person, at=T0)
    crud.set_staff_active(session, staff=inactive, active=False)
    crud.start_shift(session, staff=off_duty, at=T0)
    crud.end_shift(session, staff=off_duty, at=T0 + timedelta(hours=1))
    assert crud.start_shift(session, staff=c1, at=T0 + timedelta(hours=1)).starts_at == T0  # already open

    at = T0 + timedelta(hours=2)
    assert [s.id for s in crud.on_call_staff(session, region="depok", at=at)] == [c1.id, c2.id, supervisor.id]
    assert [s.id for s in crud.on_call_staff(session, region="payakumbuh", at=at)] == [elsewhere.id]
    assert crud.on_call_staff(session, region="kutai_kartanegara", at=at) == []
    # Before anyone started, and during the off-duty counsellor's hour.
    assert crud.on_call_staff(session, region="depok", at=T0 - timedelta(minutes=1)) == []
    during = [s.id for s in crud.on_call_staff(session, region="depok", at=T0 + timedelta(minutes=30))]
    assert off_duty.id in during
    ended = crud.end_shift(session, staff=c1, at=at + timedelta(minutes=1))
    assert ended is not None and ended.ends_at == at + timedelta(minutes=1)
    assert crud.end_shift(session, staff=c1) is None
    later = [s.id for s in crud.on_call_staff(session, region="depok", at=at + timedelta(minutes=2))]
    assert later == [c2.id, supervisor.id]


# --------------------------------------------------------------------------------------------- escalation


def test_escalation_attempts_are_deduplicated(session: Session, new_session: Callable[[], Session]) -> None:
    staff = make_staff(session, contact="71")
    case = make_case(session, urgency="emergency")
    first = crud.record_escalation_attempt(session, case=case, staff=staff, attempt_no=1, sent_at=T0)
    assert first is not None and first.dedup_key == f"{case.id}:{staff.id}:1"
    assert crud.record_escalation_attempt(new_session(), case=case, staff=staff, attempt_no=1) is None
    second = crud.record_escalation_attempt(session, case=case, staff=staff, attempt_no=2)
    assert second is not None
    national = crud.record_escalation_attempt(session, case=case, staff=None, attempt_no=1)
    assert national is not None and national.dedup_key == f"{case.id}:national:1"
    assert crud.record_escalation_attempt(session, case=case, staff=None, attempt_no=1) is None
    assert [a.id for a in crud.list_escalation_attempts(session, case=case)] == [first.id, national.id, second.id]

    assert crud.mark_escalation_timed_out(session, attempt_id=first.id) is True
    assert crud.acknowledge_escalation(session, attempt_id=first.id) is False  # too late
    assert crud.acknowledge_escalation(session, attempt_id=second.id) is True
    assert crud.acknowledge_escalation(session, attempt_id=second.id) is False


def test_escalation_race_is_caught_by_the_unique_constraint(
    session: Session, new_session: Callable[[], Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = make_staff(session, contact="81")
    case = make_case(session)
    assert crud.record_escalation_attempt(new_session(), case=case, staff=staff, attempt_no=1) is not None

    class NoLookup:
        """Makes the pre-insert lookup miss, as it would for two workers at the same instant."""

        def first(self) -> None:
            return None

    real_scalars = session.scalars
    state = {"first": True}

    def scalars(*args: Any, **kwargs: Any) -> Any:
        if state["first"]:
            state["first"] = False
            return NoLookup()
        return real_scalars(*args, **kwargs)

    monkeypatch.setattr(session, "scalars", scalars)
    assert crud.record_escalation_attempt(session, case=case, staff=staff, attempt_no=1) is None
    monkeypatch.undo()
    assert len(crud.list_escalation_attempts(session, case=case)) == 1


def test_audit_function(session: Session) -> None:
    row = crud.audit(session, actor="system", action="export", entity="case", entity_id=None, detail={"rows": 3})
    assert row.id is not None
    assert crud.list_audit(session)[0].detail == {"rows": 3}


def test_concurrent_duplicate_deliveries_store_one_message(
    session: Session, new_session: Callable[[], Session]
) -> None:
    """Eight threads (as ``asyncio.to_thread`` would run them) deliver the same update at once."""
    conv = crud.get_or_create_conversation(session, sender_id="tg:1001", channel="telegram")
    sessions = [new_session() for _ in range(8)]

    def deliver(s: Session) -> bool:
        return (
            crud.record_inbound(
                s,
                conversation=conv,
                channel="telegram",
                external_id="upd-42",
                text="tolong",
                media_count=0,
                chat_message_id=42,
            )
            is not None
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        stored = list(pool.map(deliver, sessions))
    assert stored.count(True) == 1
    assert count(session, Message) == 1


def test_case_notes_are_visible_audited_and_erased(session: Session) -> None:
    from storage import crud as c

    conv = c.get_or_create_conversation(session, sender_id="tg:990001", channel="telegram")
    case, _ = c.create_case_with_outbox(session, conversation=conv, region="depok", violence_type="physical",
                                        urgency="high", page_payload={})
    mine = c.add_staff(session, name="Konselor Uji", role="counsellor", region="depok", channel="telegram",
                       contact_id="990101")
    other = c.add_staff(session, name="Konselor Lain", role="counsellor", region="payakumbuh",
                        channel="telegram", contact_id="990102")
    note = c.add_case_note(session, case=case, staff=mine, text="sudah dihubungi, aman")
    assert [n.id for n in c.list_case_notes(session, case=case)] == [note.id]
    with pytest.raises(c.AccessDenied):
        c.add_case_note(session, case=case, staff=other, text="x")
    assert any(a.action == "note" for a in c.list_audit(session, entity="case", entity_id=case.id))
    c.erase_conversation(session, sender_id="tg:990001")
    assert [n.text for n in c.list_case_notes(session, case=case)] == [None]
