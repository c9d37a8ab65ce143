"""The admin's accounts page: every member's regions shown and edited (audited with ids and codes only)."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models import AuditLog, Staff
from tests.console.conftest import ConsoleHarness


async def test_admin_edits_regions_and_the_counsellor_then_reaches_the_second_region(ch: ConsoleHarness) -> None:
    admin = await ch.signed_in(await ch.account(role="admin", region="nasional"))
    counsellor = await ch.account(role="counsellor", region="32.76")
    payakumbuh, _, _ = await ch.desk.open(region="13.76")
    c = await ch.signed_in(counsellor)
    assert (await c.get(f"/console/cases/{payakumbuh}")).status_code == 404

    page = await admin.get("/console/accounts")
    row = page.text.split(f'data-staff="{counsellor.staff_id}"')[1].split("</tr>")[0]
    assert "Kota Depok" in row and 'name="regions" value="32.76"' in row

    # Names or codes, comma-separated; the first stays the primary region.
    saved = await admin.post(f"/console/accounts/{counsellor.staff_id}/regions",
                             {"regions": "Kota Depok, Kota Payakumbuh"}, follow=True)
    assert saved.status_code == 200 and "Kota Payakumbuh" in saved.text.split('id="flash"')[1].split("</p>")[0]
    staff = await ch.db(lambda s: s.get(Staff, counsellor.staff_id))
    assert staff.region == "32.76" and staff.regions == ("32.76", "13.76")
    assert (await c.get(f"/console/cases/{payakumbuh}")).status_code == 200  # the next request, no new sign-in
    rows = await ch.db(lambda s: list(s.scalars(select(AuditLog).where(AuditLog.action == "set_regions"))))
    assert [(r.entity_id, r.detail) for r in rows] == [
        (str(counsellor.staff_id), {"from": ["32.76"], "to": ["32.76", "13.76"]})]
    assert "Petugas" not in json.dumps(rows[0].detail) and rows[0].actor.startswith("staff:")

    # An unknown or ambiguous name changes nothing and says which one.
    bad = await admin.post(f"/console/accounts/{counsellor.staff_id}/regions", {"regions": "Depok, Pekalongan"},
                           follow=True)
    assert "Pekalongan" in bad.text.split('id="flash"')[1].split("</p>")[0]
    empty = await admin.post(f"/console/accounts/{counsellor.staff_id}/regions", {"regions": " , "}, follow=True)
    assert "minimal satu" in empty.text
    assert (await ch.db(lambda s: s.get(Staff, counsellor.staff_id))).regions == ("32.76", "13.76")
    assert (await admin.post("/console/accounts/999999/regions", {"regions": "32.76"})).status_code == 404

    # Nobody but an admin: 404, audited, nothing changed.
    await c.get("/console/queue")
    assert (await c.post(f"/console/accounts/{counsellor.staff_id}/regions", {"regions": "32"})).status_code == 404
    assert (await c.get("/console/accounts")).status_code == 404
    assert (await ch.db(lambda s: s.get(Staff, counsellor.staff_id))).regions == ("32.76", "13.76")
    denied = await ch.db(lambda s: list(s.scalars(select(AuditLog.actor).where(
        AuditLog.action == "set_regions_denied"))))
    assert f"staff:{counsellor.staff_id}" in denied
    # A forged CSRF token is refused.
    assert (await admin.post(f"/console/accounts/{counsellor.staff_id}/regions", {"regions": "32"},
                             csrf="palsu")).status_code == 403
