"""Paging and the Telegram commands for staff of several regions, and for staff without a Telegram/WhatsApp
contact (e-mail-only accounts): real database, real Redis, the fake Telegram Bot API over real HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case, EscalationAttempt
from tests.handlers.conftest import Desk

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


async def _paged_staff(desk: Desk, code: str) -> list[int | None]:
    def read(s: Session) -> list[int | None]:
        case_id = s.scalars(select(Case.id).where(Case.code == code)).one()
        return list(s.scalars(select(EscalationAttempt.staff_id).where(EscalationAttempt.case_id == case_id)
                              .order_by(EscalationAttempt.id)))

    return await desk.store.run(read)


@pytest.mark.parametrize("db_kind", BACKENDS)
async def test_an_emergency_in_a_second_region_pages_the_counsellor_who_covers_it(desk: Desk, db_kind: str) -> None:
    # On shift: a Depok counsellor whose second region is Payakumbuh, and a counsellor of Bekasi only.
    both, both_chat = await desk.add_staff(region="32.76", regions=("13.76",))
    _, bekasi_chat = await desk.add_staff(region="32.75")
    code, _, _ = await desk.open(urgency="emergency", region="13.76")

    await desk.pump()

    pages = desk.pages_to(both_chat)
    assert len(pages) == 1 and code in pages[0]["text"] and "Payakumbuh" in pages[0]["text"]
    assert not desk.pages_to(bekasi_chat)
    assert await _paged_staff(desk, code) == [both]
    # The page's button claims it, as for a case of the primary region.
    assert await desk.staff_says(both_chat, callback=f"claim:{code}")
    assert await desk.store.run(lambda s: s.scalars(select(Case.assigned_staff_id).where(Case.code == code)).one()) \
        == both


async def test_antrian_and_shift_cover_every_region_of_the_counsellor(desk: Desk) -> None:
    _, chat = await desk.add_staff(region="32.76", regions=("13.76",), on_shift=False)
    depok, _, _ = await desk.open(urgency="high", region="32.76")
    payakumbuh, _, _ = await desk.open(urgency="emergency", region="13.76")
    bekasi, _, _ = await desk.open(urgency="emergency", region="32.75")

    assert await desk.staff_says(chat, "/antrian")
    queue = desk.sent_to(chat)[-1]["text"]
    assert depok in queue and payakumbuh in queue and bekasi not in queue
    assert queue.index(payakumbuh) < queue.index(depok)  # the emergency first, whichever region it is in
    assert await desk.staff_says(chat, "/shift on")
    said = desk.sent_to(chat)[-1]["text"]
    assert "Depok" in said and "Payakumbuh" in said


@pytest.mark.parametrize("db_kind", BACKENDS)
async def test_a_counsellor_without_telegram_is_never_paged_the_next_person_is(desk: Desk, db_kind: str) -> None:
    # The only counsellor on shift in Depok works in the console only; the Depok supervisor has Telegram.
    console_only, _ = await desk.add_staff(region="32.76", telegram=False)
    supervisor, supervisor_chat = await desk.add_staff(role="supervisor", region="32.76", on_shift=False)
    code, _, _ = await desk.open(urgency="emergency", region="32.76")

    await desk.pump()

    assert await _paged_staff(desk, code) == [supervisor]  # never a page attempt at the console-only account
    assert len(desk.pages_to(supervisor_chat)) == 1
    assert console_only not in await _paged_staff(desk, code)
    # Nobody with Telegram answers: the national fallback, never an attempt at the console-only counsellor.
    await desk.timeout()
    assert console_only not in await _paged_staff(desk, code)
    assert None in await _paged_staff(desk, code)
