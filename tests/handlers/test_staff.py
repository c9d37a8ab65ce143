"""The staff desk: who is staff (by sender id only), commands, visibility and audit, transfer, handoff relay."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.types import IncomingMessage
from handlers.staff import contact_of, normalise_code
from storage import crud
from storage.models import AuditLog, Case, Conversation, Shift
from tests.handlers.conftest import Desk, new_chat_id


async def audit_actions(desk: Desk, staff_id: int) -> list[str]:
    def get(session: Session) -> list[str]:
        return [a.action for a in session.scalars(
            select(AuditLog).where(AuditLog.actor == f"staff:{staff_id}").order_by(AuditLog.id))]

    return await desk.store.run(get)


async def status_of(desk: Desk, code: str) -> tuple[str, int | None]:
    def get(session: Session) -> tuple[str, int | None]:
        case = session.scalars(select(Case).where(Case.code == code)).one()
        return case.status, case.assigned_staff_id

    return await desk.store.run(get)


def last_text(desk: Desk, chat: int | str) -> str:
    return str(desk.sent_to(chat)[-1]["text"])


# --------------------------------------------------------------------------------------------- who is staff


async def test_citizen_sending_staff_commands_learns_nothing(desk: Desk) -> None:
    await desk.add_staff()
    code, _, citizen = await desk.open()
    chat = int(citizen.removeprefix("tg:"))
    for text in ("/antrian", f"/ambil {code}", "/shift on", f"/selesai {code} konseling", "/bantuan"):
        assert not await desk.staff_says(chat, text)  # the core answers as to anyone else
    assert not await desk.staff_says(chat, callback=f"claim:{code}")
    assert not desk.sent_to(chat)
    assert await status_of(desk, code) == ("new", None)


async def test_staff_is_known_by_sender_id_never_by_text(desk: Desk) -> None:
    staff_id, chat = await desk.add_staff()
    stranger = new_chat_id()
    # Naming a staff member or their id in the text gives nothing.
    assert not await desk.staff_says(stranger, f"/antrian saya staf #{staff_id} chat {chat}")
    msg = IncomingMessage(channel="web", sender_id=f"web:{chat}", external_id="w1", text="/antrian")
    assert not await desk.staff.try_handle(msg, desk.sender)  # same number on another channel: not staff
    assert await desk.staff_says(chat, "/antrian")


async def test_deactivated_staff_is_a_citizen(desk: Desk) -> None:
    staff_id, chat = await desk.add_staff()

    def deactivate(session: Session) -> None:
        staff = crud.get_staff(session, staff_id=staff_id)
        assert staff is not None
        crud.set_staff_active(session, staff=staff, active=False)

    await desk.store.run(deactivate)
    assert not await desk.staff_says(chat, "/antrian")


def test_helpers() -> None:
    assert normalise_code("k-7f3a2") == "K-7F3A2"
    assert normalise_code("7F3A2") == "K-7F3A2"
    assert normalise_code("K-10OIL") is None  # letters not used in codes
    msg = IncomingMessage(channel="whatsapp", sender_id="wa:+6281200000099", external_id="x")
    assert contact_of(msg) == ("whatsapp", "+6281200000099")


# -------------------------------------------------------------------------------------------------- commands


async def test_shift_on_off(desk: Desk) -> None:
    staff_id, chat = await desk.add_staff(on_shift=False)
    assert await desk.staff_says(chat, "/shift on")
    assert "jaga" in last_text(desk, chat) and "Depok" in last_text(desk, chat)

    def open_shifts(session: Session) -> int:
        return len(list(session.scalars(select(Shift).where(Shift.staff_id == staff_id, Shift.ends_at.is_(None)))))

    assert await desk.store.run(open_shifts) == 1
    # On shift now: the next emergency pages this person.
    code, _, _ = await desk.open()
    await desk.pump()
    assert len(desk.pages_to(chat)) == 1
    assert await desk.staff_says(chat, "/shift off")
    assert await desk.store.run(open_shifts) == 0
    assert await desk.staff_says(chat, "/shift")
    assert "/shift on" in last_text(desk, chat)


async def test_queue_emergencies_first_own_region_and_assigned_only_audited(desk: Desk) -> None:
    staff_id, chat = await desk.add_staff(region="32.76", on_shift=False)
    normal, _, _ = await desk.open(urgency="normal", region="32.76")
    emergency, _, _ = await desk.open(urgency="emergency", region="32.76")
    high, _, _ = await desk.open(urgency="high", region="32.76")
    elsewhere, _, _ = await desk.open(urgency="emergency", region="13.76")
    assigned_elsewhere, _, _ = await desk.open(urgency="normal", region="64.02")

    def assign(session: Session) -> None:
        case = session.scalars(select(Case).where(Case.code == assigned_elsewhere)).one()
        staff = crud.get_staff(session, staff_id=staff_id)
        assert staff is not None
        crud.assign_case(session, case=case, staff=staff, actor="system")

    await desk.store.run(assign)
    assert await desk.staff_says(chat, "/antrian")
    text = last_text(desk, chat)
    assert elsewhere not in text
    order = [text.index(c) for c in (emergency, high, normal)]
    assert order == sorted(order) and assigned_elsewhere in text
    assert text.splitlines()[1].startswith("🔴")
    assert "list" in await audit_actions(desk, staff_id)


async def test_supervisor_sees_own_region(desk: Desk) -> None:
    _, chat = await desk.add_staff(role="supervisor", region="64.02")
    mine, _, _ = await desk.open(region="64.02")
    other, _, _ = await desk.open(region="32.76")
    await desk.staff_says(chat, "/antrian")
    assert mine in last_text(desk, chat) and other not in last_text(desk, chat)


async def test_counsellor_cannot_read_another_regions_case(desk: Desk) -> None:
    staff_id, chat = await desk.add_staff(region="32.76")
    code, _, citizen = await desk.open(region="13.76", category="sexual")
    for command in (f"/kasus {code}", f"/ambil {code}", f"/catatan {code} sudah ditelepon",
                    f"/selesai {code} konseling", f"/alihkan {code} {staff_id}"):
        assert await desk.staff_says(chat, command)
        reply = last_text(desk, chat)
        assert reply == f"Kasus {code} tidak ditemukan atau bukan wewenang Anda."
        assert "seksual" not in reply and "Payakumbuh" not in reply
    assert await desk.staff_says(chat, callback=f"claim:{code}")  # a button they were never sent
    assert "tidak ditemukan" in last_text(desk, chat)
    assert await status_of(desk, code) == ("new", None)
    actions = await audit_actions(desk, staff_id)
    assert actions.count("read_denied") == 6 and "read" not in actions
    assert not desk.sent_to(citizen)


async def test_show_case_is_audited_and_has_no_personal_data(desk: Desk) -> None:
    staff_id, chat = await desk.add_staff()
    code, _, citizen = await desk.open(category="sexual")
    await desk.staff_says(chat, f"/kasus {code.lower()}")
    text = last_text(desk, chat)
    assert code in text and "UU TPKS" in text and citizen.removeprefix("tg:") not in text
    assert "read" in await audit_actions(desk, staff_id)
    await desk.staff_says(chat, "/kasus K-ZZZZZ")
    assert "tidak ditemukan" in last_text(desk, chat)
    assert "read_not_found" in await audit_actions(desk, staff_id)


async def test_usage_and_help(desk: Desk) -> None:
    _, chat = await desk.add_staff()
    await desk.staff_says(chat, "/ambil")
    assert "Format: /ambil <kode>" in last_text(desk, chat)
    await desk.staff_says(chat, "/selesai K-ABCDE")
    assert "/selesai <kode> <hasil>" in last_text(desk, chat)
    await desk.staff_says(chat, "/apa")
    assert "/antrian" in last_text(desk, chat)
    await desk.staff_says(chat, "halo")  # free text without a handoff
    assert "Tidak ada percakapan aktif" in last_text(desk, chat)


async def test_note_is_checked_and_audited(desk: Desk) -> None:
    staff_id, chat = await desk.add_staff()
    code, _, _ = await desk.open()
    await desk.staff_says(chat, f"/catatan {code} sudah dihubungi, aman")
    reply = last_text(desk, chat)
    assert reply == f"Catatan untuk {code} tersimpan."
    assert "note" in await audit_actions(desk, staff_id)


async def test_close_needs_a_known_outcome_and_the_right_person(desk: Desk) -> None:
    owner, owner_chat = await desk.add_staff()
    _, colleague_chat = await desk.add_staff()
    code, _, _ = await desk.open()
    await desk.staff_says(owner_chat, f"/ambil {code}")
    await desk.staff_says(colleague_chat, f"/selesai {code} konseling")
    assert "Hanya petugas yang menangani" in last_text(desk, colleague_chat)
    await desk.staff_says(owner_chat, f"/selesai {code} entahlah")
    assert "Hasil tidak dikenal" in last_text(desk, owner_chat)
    assert await status_of(desk, code) == ("claimed", owner)
    await desk.staff_says(owner_chat, f"/selesai {code} lapor_polisi")
    assert await status_of(desk, code) == ("closed", owner)
    await desk.staff_says(owner_chat, f"/selesai {code} lapor_polisi")
    assert "sudah ditutup" in last_text(desk, owner_chat)


# --------------------------------------------------------------------------------------- handoff and transfer


async def test_transfer_moves_the_conversation(desk: Desk) -> None:
    first, first_chat = await desk.add_staff()
    second, second_chat = await desk.add_staff()
    code, conv_id, citizen = await desk.open()
    await desk.pump()
    await desk.staff_says(first_chat, callback=f"claim:{code}")
    await desk.staff_says(first_chat, f"/alihkan {code} #{second}")
    assert f"dialihkan ke petugas #{second}" in last_text(desk, first_chat)
    assert "dialihkan kepada Anda" in last_text(desk, second_chat)
    assert await status_of(desk, code) == ("claimed", second)

    # The citizen now talks to the second counsellor; the first one no longer relays.
    assert await desk.staff.relay_to_staff(conversation_id=conv_id, sender_id=citizen, text="halo")
    assert last_text(desk, second_chat) == f"💬 {code}: halo"
    assert await desk.staff_says(first_chat, "masih di sana?")
    assert "Tidak ada percakapan aktif" in last_text(desk, first_chat)
    assert await desk.staff_says(second_chat, "Saya yang melanjutkan ya.")
    assert last_text(desk, citizen) == "Konselor: Saya yang melanjutkan ya."

    await desk.staff_says(second_chat, f"/alihkan {code} 999999")
    assert "tidak ditemukan atau tidak aktif" in last_text(desk, second_chat)
    _ = first


async def test_counsellor_with_two_chats_names_the_case(desk: Desk) -> None:
    _, chat = await desk.add_staff()
    await desk.add_staff(role="supervisor")
    one, _, citizen_one = await desk.open()
    two, _, citizen_two = await desk.open()
    await desk.staff_says(chat, f"/ambil {one}")
    await desk.staff_says(chat, f"/ambil {two}")
    await desk.staff_says(chat, "halo")
    assert "Awali pesan dengan kode kasus" in last_text(desk, chat)
    await desk.staff_says(chat, f"{two.lower()} halo kamu yang kedua")
    assert last_text(desk, citizen_two) == "Konselor: halo kamu yang kedua"
    await desk.staff_says(chat, f"[{one}]: dan kamu yang pertama")
    assert last_text(desk, citizen_one) == "Konselor: dan kamu yang pertama"


async def test_relayed_messages_are_kept_for_hapus(desk: Desk) -> None:
    _, chat = await desk.add_staff()
    code, conv_id, _ = await desk.open()
    await desk.staff_says(chat, f"/ambil {code}")
    await desk.staff_says(chat, "Apakah kamu aman?")

    def outbound(session: Session) -> list[int | None]:
        from storage.models import Message

        return [m.chat_message_id for m in session.scalars(
            select(Message).where(Message.conversation_id == conv_id, Message.direction == "out"))]

    ids = await desk.store.run(outbound)
    assert len(ids) == 1 and ids[0] is not None  # the Telegram message id, so "hapus" can delete it


async def test_erased_citizen_claim_without_chat(desk: Desk) -> None:
    _, chat = await desk.add_staff()
    code, _, citizen = await desk.open()
    await desk.store.run(lambda s: crud.erase_conversation(s, sender_id=citizen))
    await desk.staff_says(chat, f"/ambil {code}")
    assert "menghapus datanya" in last_text(desk, chat)
    assert not desk.sent_to(citizen)


async def test_handoff_flag_set_on_claim(desk: Desk) -> None:
    staff_id, chat = await desk.add_staff()
    code, conv_id, _ = await desk.open()
    await desk.staff_says(chat, f"/ambil {code}")

    def handoff(session: Session) -> int | None:
        conv = session.get(Conversation, conv_id)
        assert conv is not None
        return conv.handoff_staff_id

    assert await desk.store.run(handoff) == staff_id
    await desk.staff_says(chat, f"/ambil {code}")
    assert "sudah Anda tangani" in last_text(desk, chat)
