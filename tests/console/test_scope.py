"""Who may see a case, through every console route: a property test over roles, regions and routes.

Deny by default: content editors, statisticians and admins never reach a case; counsellors and supervisors
only their regions' (a counsellor also a case assigned to them), where a province's staff ("32") have the cases
of its regencies and cities ("32.76", "32.75"), and staff of several regions have the cases of each. A case out
of scope answers 404 like a missing one, changes nothing and sends nothing; every attempt is audited.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from storage.models import AuditLog, Case, CaseNote, TriageCorrection
from tests.console.conftest import Account, Browser, ConsoleHarness

ROLES = ["counsellor", "supervisor", "content_editor", "statistician", "admin"]
# Kota Depok, Kota Payakumbuh, the province of Jawa Barat; then staff of several regions: Depok and Payakumbuh,
# Kota Padang with Kota Bekasi as a second region, Kota Pekalongan with the province of Jawa Barat.
REGION_SETS = [("32.76",), ("13.76",), ("32",), ("32.76", "13.76"), ("13.71", "32.75"), ("33.75", "32")]
CASE_REGIONS = ["32.76", "13.76", "32.75"]  # Kota Depok, Kota Payakumbuh, Kota Bekasi
ROUTES = ["page", "events", "claim", "note", "transfer", "close", "reopen", "message", "triage", "reveal"]


def in_scope(viewer: Account, case: Case) -> bool:
    """The rule restated independently of the code under test."""
    mine = any(case.region.split(".")[:len(r.split("."))] == r.split(".") for r in viewer.regions)
    if viewer.role == "supervisor":
        return mine
    if viewer.role == "counsellor":
        return mine or case.assigned_staff_id == viewer.staff_id
    return False


async def _snapshot(ch: ConsoleHarness, code: str) -> tuple[Any, ...]:
    def read(s: Any) -> tuple[Any, ...]:
        case = s.scalars(select(Case).where(Case.code == code)).one()
        notes = s.scalar(select(func.count(CaseNote.id)).where(CaseNote.case_id == case.id))
        fixes = s.scalar(select(func.count(TriageCorrection.id)).where(TriageCorrection.case_id == case.id))
        return case.status, case.assigned_staff_id, case.urgency, case.updated_at, notes, fixes

    return await ch.db(read)


async def _request(b: Browser, route: str, code: str, target: int) -> int:
    if route == "page":
        return (await b.get(f"/console/cases/{code}")).status_code
    if route == "events":
        return (await b.http.get(f"/console/cases/{code}/events")).status_code
    data = {"note": {"text": "catatan uji"}, "transfer": {"staff_id": str(target)},
            "close": {"outcome": "konseling"}, "message": {"text": "halo dari uji"},
            "triage": {"urgency": "normal", "violence_type": "other", "victim_age_group": "adult"},
            "reveal": {"reason": "hubungi_balik"}}.get(route, {})
    return (await b.post(f"/console/cases/{code}/{route}", data)).status_code


async def test_no_role_reaches_a_case_outside_its_scope_by_any_route(ch: ConsoleHarness) -> None:
    viewers: list[tuple[Account, Browser]] = []
    for role in ROLES:
        for regions in REGION_SETS:
            account = await ch.account(role=role, region=regions[0], regions=regions[1:])
            browser = await ch.signed_in(account)
            await browser.get("/console/queue")  # a page (queue or 404) with the session CSRF token
            viewers.append((account, browser))
    codes = [(await ch.desk.open(region=region))[0] for region in CASE_REGIONS for _ in range(2)]
    staff_ids = [a.staff_id for a, _ in viewers]

    loop = asyncio.get_running_loop()
    tried: list[tuple[str, str, str, str, int]] = []

    async def check(v: int, c: int, route: str, target: int) -> None:
        account, browser = viewers[v]
        code = codes[c]
        case = await ch.db(lambda s: s.scalars(select(Case).where(Case.code == code)).one())
        allowed = in_scope(account, case)
        if allowed and route == "events":
            return  # an allowed stream never ends; its refusal is what is tested here
        before = await _snapshot(ch, code)
        sent_before = len(ch.desk.tg.sent_messages())
        status = await _request(browser, route, code, target)
        tried.append((account.role, ",".join(account.regions), case.region, route, status))
        if allowed:
            assert status in (200, 303), tried[-1]
            return
        assert status == 404, tried[-1]
        assert await _snapshot(ch, code) == before, tried[-1]
        assert len(ch.desk.tg.sent_messages()) == sent_before, tried[-1]
        assert code not in (await browser.get("/console/queue")).text

    # Hypothesis drives (and shrinks) from a worker thread; each example runs on the test's event loop, where
    # the database, the fake Telegram sender and the app live.
    # Besides the random ones, always: a case in a viewer's second region (reachable) and one in neither of
    # their regions (refused). Viewers are role-major in REGION_SETS order; codes two per CASE_REGIONS entry.
    counsellor_two = ROLES.index("counsellor") * len(REGION_SETS) + REGION_SETS.index(("32.76", "13.76"))
    supervisor_two = ROLES.index("supervisor") * len(REGION_SETS) + REGION_SETS.index(("13.71", "32.75"))

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.integers(0, len(viewers) - 1), st.integers(0, len(codes) - 1), st.sampled_from(ROUTES),
           st.sampled_from(staff_ids))
    @example(counsellor_two, 2, "page", staff_ids[0])  # Payakumbuh: the counsellor's second region
    @example(counsellor_two, 3, "claim", staff_ids[0])
    @example(counsellor_two, 4, "note", staff_ids[0])  # Bekasi: neither of theirs
    @example(supervisor_two, 5, "close", staff_ids[0])  # Bekasi: the supervisor's second region
    @example(supervisor_two, 0, "page", staff_ids[0])  # Depok: neither of theirs
    def prop(v: int, c: int, route: str, target: int) -> None:
        asyncio.run_coroutine_threadsafe(check(v, c, route, target), loop).result(timeout=30)

    await asyncio.to_thread(prop)

    # Every refusal left an audit row naming who tried, never a name or number.
    denied = await ch.db(lambda s: list(s.scalars(select(AuditLog).where(AuditLog.action.like("%_denied")))))
    assert denied and all(r.actor.startswith("staff:") for r in denied)
    assert {t[0] for t in tried} == set(ROLES) and {t[3] for t in tried} >= {"page", "claim", "note", "reveal"}
    assert len(tried) >= 50 and any(t[4] == 404 for t in tried) and any(t[4] != 404 for t in tried)
    # Reached through a second region, and refused outside all of them.
    assert ("counsellor", "32.76,13.76", "13.76", "page", 200) in tried
    assert ("supervisor", "13.71,32.75", "32.75", "close", 303) in tried
    assert ("counsellor", "32.76,13.76", "32.75", "note", 404) in tried


async def test_a_province_supervisor_sees_its_regencies_and_a_regency_counsellor_only_its_own(
        ch: ConsoleHarness) -> None:
    bekasi, _, _ = await ch.desk.open(region="32.75")
    depok, _, _ = await ch.desk.open(region="32.76")
    padang, _, _ = await ch.desk.open(region="13.71")
    province = await ch.signed_in(await ch.account(role="supervisor", region="32"))
    counsellor = await ch.signed_in(await ch.account(role="counsellor", region="32.76"))
    queue = (await province.get("/console/queue")).text
    assert bekasi in queue and depok in queue and padang not in queue
    assert (await province.get(f"/console/cases/{bekasi}")).status_code == 200
    assert (await province.get(f"/console/cases/{padang}")).status_code == 404
    assert (await counsellor.get(f"/console/cases/{depok}")).status_code == 200
    assert (await counsellor.get(f"/console/cases/{bekasi}")).status_code == 404
    assert bekasi not in (await counsellor.get("/console/queue")).text


async def test_staff_of_several_regions_reach_the_cases_of_each_and_no_other(ch: ConsoleHarness) -> None:
    depok, _, _ = await ch.desk.open(region="32.76")
    payakumbuh, _, _ = await ch.desk.open(region="13.76", urgency="high")
    bekasi, _, _ = await ch.desk.open(region="32.75")
    padang, _, _ = await ch.desk.open(region="13.71")
    # A counsellor of Depok whose second region is Payakumbuh; a supervisor of Padang and the whole of Jawa Barat.
    both = await ch.account(role="counsellor", region="32.76", regions=("13.76",))
    wide = await ch.account(role="supervisor", region="13.71", regions=("32",))
    c = await ch.signed_in(both)
    queue = (await c.get("/console/queue")).text
    assert depok in queue and payakumbuh in queue and bekasi not in queue and padang not in queue
    assert (await c.get(f"/console/cases/{payakumbuh}")).status_code == 200
    assert (await c.get(f"/console/cases/{bekasi}")).status_code == 404
    claimed = await c.post(f"/console/cases/{payakumbuh}/claim")
    assert claimed.status_code == 303
    assert await ch.db(lambda s: s.scalars(select(Case.assigned_staff_id).where(Case.code == payakumbuh)).one()) \
        == both.staff_id
    assert (await c.post(f"/console/cases/{bekasi}/claim")).status_code == 404

    s = await ch.signed_in(wide)
    queue = (await s.get("/console/queue")).text
    assert padang in queue and bekasi in queue and depok in queue and payakumbuh not in queue
    board = (await s.get("/console/board")).text
    assert "Kota Padang" in board and "Jawa Barat" in board
    unclaimed = board.split('id="unclaimed"')[1].split("</ul>")[0]
    assert padang in unclaimed and bekasi in unclaimed and payakumbuh not in unclaimed
    roster = board.split('id="roster"')[1].split("</table>")[0]
    assert f'data-staff="{both.staff_id}"' in roster  # a Depok counsellor is on the Jawa Barat supervisor's roster
    assert (await s.get(f"/console/cases/{payakumbuh}")).status_code == 404
    assert "Kota Padang, Jawa Barat" in (await s.get("/console/queue")).text  # the header names both regions
