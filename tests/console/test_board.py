"""The supervisor board: the region's roster and shifts, unclaimed cases and their wait, pages that timed out."""

from __future__ import annotations

from storage import crud
from tests.console.conftest import ConsoleHarness


async def test_board_shows_roster_unclaimed_and_missed_pages_and_runs_shifts(ch: ConsoleHarness) -> None:
    supervisor = await ch.account(role="supervisor", region="32.76")
    counsellor = await ch.account(region="32.76", on_shift=True)
    elsewhere = await ch.account(region="13.76", on_shift=True)
    code, _, _ = await ch.desk.open(region="32.76", urgency="emergency")
    await ch.desk.pump()  # the page goes to the on-call Depok counsellor ...
    assert ch.desk.pages_to(counsellor.chat)
    await ch.desk.timeout()  # ... who does not answer in time: the next person is paged
    b = await ch.signed_in(supervisor)

    page = await b.get("/console/board")

    assert page.status_code == 200
    roster = page.text.split('id="roster"')[1].split("</table>")[0]
    assert f'data-staff="{counsellor.staff_id}"' in roster and "sedang jaga" in roster
    assert f'data-staff="{elsewhere.staff_id}"' not in roster  # another region's staff are not on this board
    assert code in page.text.split('id="unclaimed"')[1].split("</ul>")[0]
    assert code in page.text.split('id="timed-out"')[1].split("</ul>")[0]

    # End the counsellor's shift for them: they are no longer paged.
    done = await b.post("/console/board/shift", {"staff_id": str(counsellor.staff_id), "on": "0"}, follow=True)
    assert "diakhiri" in done.text
    on_call = await ch.db(lambda s: [x.id for x in crud.on_call_staff(s, region="32.76")])
    assert counsellor.staff_id not in on_call
    # Not for another region's staff, and not for a counsellor.
    refused = await b.post("/console/board/shift", {"staff_id": str(elsewhere.staff_id), "on": "0"})
    assert refused.status_code == 404
    assert elsewhere.staff_id in await ch.db(lambda s: [x.id for x in crud.on_call_staff(s, region="13.76")])
    c = await ch.signed_in(counsellor)
    assert (await c.get("/console/board")).status_code == 404
    await c.get("/console/queue")
    assert (await c.post("/console/board/shift", {"staff_id": str(counsellor.staff_id), "on": "1"})).status_code == 404
