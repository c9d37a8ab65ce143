"""Transfer to a region: from the console and with ``/alihkan <kode> <wilayah>``, through the same shared
operation; the new region's on-call counsellors are paged through the escalation outbox, the citizen's chat goes
back to the bot until someone there claims it, the former assignee loses sight of the case, all audited."""

from __future__ import annotations

import json

from sqlalchemy import select

from handlers.staff import CITIZEN_MOVED
from storage.models import AuditLog, Case, Conversation
from tests.console.conftest import ConsoleHarness


def _case(code: str):  # type: ignore[no-untyped-def]
    return lambda s: s.scalars(select(Case).where(Case.code == code)).one()


async def test_console_transfer_to_a_region_repages_there_and_the_former_assignee_loses_the_case(
        ch: ConsoleHarness) -> None:
    counsellor = await ch.account(region="32.76", on_shift=True)
    there = await ch.account(region="64.02", on_shift=True)
    code, conv_id, citizen = await ch.desk.open(region="32.76", urgency="emergency")
    await ch.desk.pump()
    assert ch.desk.pages_to(counsellor.chat) and not ch.desk.pages_to(there.chat)

    b = await ch.signed_in(counsellor)
    await b.get(f"/console/cases/{code}")
    await b.post(f"/console/cases/{code}/claim")
    page = await b.get(f"/console/cases/{code}")
    assert 'id="transfer-region"' in page.text and 'value="64.02"' in page.text
    assert 'value="32.76"' not in page.text.split('id="transfer-region"', 1)[1].split("</select>", 1)[0]

    moved = await b.post(f"/console/cases/{code}/transfer-region", {"region": "kukar"})
    assert moved.status_code == 303 and moved.headers["location"] == "/console/queue"
    queue = await b.get("/console/queue")
    assert "dialihkan ke tim jaga" in queue.text and code not in queue.text.split('<table id="queue"', 1)[1]

    case = await ch.db(_case(code))
    assert (case.region, case.assigned_staff_id, case.status) == ("64.02", None, "new")
    conv = await ch.db(lambda s: s.get(Conversation, conv_id))
    assert conv.handoff_staff_id is None  # the bot keeps the citizen company until someone there claims it
    assert ch.desk.sent_to(citizen)[-1]["text"] == CITIZEN_MOVED["id"]

    # The former assignee (depok) no longer sees it: one visibility rule, in storage.
    assert (await b.get(f"/console/cases/{code}")).status_code == 404
    # Kukar's on-call counsellor is paged through the escalation outbox, and claims on Telegram.
    await ch.desk.pump()
    assert ch.desk.pages_to(there.chat)
    await ch.desk.staff_says(there.chat, f"/ambil {code}")
    case = await ch.db(_case(code))
    assert (case.status, case.assigned_staff_id) == ("claimed", there.staff_id)

    rows = await ch.db(lambda s: list(s.scalars(select(AuditLog).where(
        AuditLog.entity == "case", AuditLog.entity_id == str(case.id), AuditLog.action == "transfer_region"))))
    assert len(rows) == 1 and rows[0].detail["from_region"] == "32.76" and rows[0].detail["to_region"] == "64.02"
    assert rows[0].detail["from_staff_id"] == counsellor.staff_id
    assert citizen not in json.dumps(rows[0].detail) and "Petugas Uji" not in json.dumps(rows[0].detail)


async def test_telegram_alihkan_to_a_region_by_name_and_its_refusals(ch: ConsoleHarness) -> None:
    supervisor = await ch.account(role="supervisor", region="32.76")
    other = await ch.account(region="32.76")
    there = await ch.account(region="13.76", on_shift=True)
    code, _, _ = await ch.desk.open(region="32.76", urgency="high")

    # Only the assignee, a supervisor or an admin may move a case.
    await ch.desk.staff_says(other.chat, f"/alihkan {code} payakumbuh")
    assert "Hanya petugas yang menangani" in ch.desk.sent_to(other.chat)[-1]["text"]
    await ch.desk.staff_says(supervisor.chat, f"/alihkan {code} Atlantis")
    assert "tidak dikenal" in ch.desk.sent_to(supervisor.chat)[-1]["text"]
    await ch.desk.staff_says(supervisor.chat, f"/alihkan {code} Depok")
    assert "sudah berada di wilayah" in ch.desk.sent_to(supervisor.chat)[-1]["text"]
    assert (await ch.db(_case(code))).region == "32.76"

    await ch.desk.staff_says(supervisor.chat, f"/alihkan {code} Kota Payakumbuh")
    assert "dialihkan ke tim jaga" in ch.desk.sent_to(supervisor.chat)[-1]["text"]
    assert (await ch.db(_case(code))).region == "13.76"
    await ch.desk.pump()
    assert ch.desk.pages_to(there.chat)
    # The console of the new region shows it; the depok supervisor's gets 404 (scope is the region).
    b = await ch.signed_in(there)
    assert (await b.get(f"/console/cases/{code}")).status_code == 200
    sup = await ch.signed_in(supervisor)
    assert (await sup.get(f"/console/cases/{code}")).status_code == 404
    # A closed case cannot move.
    await ch.desk.staff_says(there.chat, f"/ambil {code}")
    await ch.desk.staff_says(there.chat, f"/selesai {code} dirujuk")
    await ch.desk.staff_says(there.chat, f"/alihkan {code} depok")
    assert "sudah ditutup" in ch.desk.sent_to(there.chat)[-1]["text"]


async def test_a_case_the_national_team_took_after_a_fallback_is_paged_afresh_in_its_region(
        ch: ConsoleHarness) -> None:
    national = await ch.account(region="nasional", on_shift=True)
    code, _, _ = await ch.desk.open(region="32.76", urgency="emergency")
    await ch.desk.pump()  # nobody on shift in Depok: the national fallback pages the national team
    assert ch.desk.pages_to(national.chat)
    await ch.desk.staff_says(national.chat, f"/ambil {code}")
    assert (await ch.db(_case(code))).assigned_staff_id == national.staff_id

    # The citizen turns out to live in Kutai Kartanegara: the national counsellor hands the case to that team.
    # The earlier fallback belongs to the old chain: the new chain starts with Kukar's on-call counsellor.
    local = await ch.account(region="64.02", on_shift=True)
    await ch.desk.staff_says(national.chat, f"/alihkan {code} kukar")
    assert "dialihkan ke tim jaga" in ch.desk.sent_to(national.chat)[-1]["text"]
    await ch.desk.pump()
    assert ch.desk.pages_to(local.chat)
    case = await ch.db(_case(code))
    assert (case.region, case.status, case.assigned_staff_id) == ("64.02", "paged", None)
