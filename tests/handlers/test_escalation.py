"""Durable paging on real Redis, a real database and the fake Telegram API over real HTTP.

The claim time-out runs on a hand-moved clock: no test sleeps.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.cases import CaseService
from handlers.escalation import GROUP, Notifier, PagingConfig, ensure_groups, parse_hours, render_page
from hotline.services import RedisServer
from storage import crud
from storage.models import AuditLog, Case, Conversation, Outbox
from tests.handlers.conftest import Desk, paging_config

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


async def case_row(desk: Desk, code: str) -> Case:
    def get(session: Session) -> Case:
        case = session.scalars(select(Case).where(Case.code == code)).one()
        session.expunge(case)
        return case

    return await desk.store.run(get)


async def attempts(desk: Desk, code: str) -> list[tuple[int | None, int, bool]]:
    """(staff id, attempt no, timed out) of every page of a case."""
    def get(session: Session) -> list[tuple[int | None, int, bool]]:
        case = session.scalars(select(Case).where(Case.code == code)).one()
        return [(a.staff_id, a.attempt_no, a.timed_out_at is not None)
                for a in crud.list_escalation_attempts(session, case=case)]

    return await desk.store.run(get)


# --------------------------------------------------------------------------------------- page → claim → close


@pytest.mark.parametrize("db_kind", BACKENDS)
async def test_page_claim_relay_both_ways_close(desk: Desk, db_kind: str) -> None:
    counsellor, c_chat = await desk.add_staff(role="counsellor", region="32.76")
    await desk.add_staff(role="counsellor", region="13.76")  # another region: never paged
    code, conv_id, citizen = await desk.open(urgency="emergency", region="32.76", category="sexual")

    assert await desk.pump() == 2  # published, then delivered
    pages = desk.pages_to(c_chat)
    assert len(pages) == 1 and len(desk.sent()) == 1
    page = pages[0]
    assert code in page["text"] and "DARURAT" in page["text"] and "kekerasan seksual" in page["text"]
    assert "anak" in page["text"] and "UU TPKS" in page["text"]  # the 3x24 h police deadline is shown
    assert citizen.removeprefix("tg:") not in page["text"]
    assert page["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"claim:{code}"
    assert (await case_row(desk, code)).status == "paged"

    # Claim with the page's button.
    assert await desk.staff_says(c_chat, callback=f"claim:{code}")
    case = await case_row(desk, code)
    assert case.status == "claimed" and case.assigned_staff_id == counsellor
    joined = desk.sent_to(citizen)
    assert len(joined) == 1 and "konselor sudah bergabung" in joined[0]["text"].lower()
    assert (citizen, "pause") in desk.rasa.events
    assert any(f"Anda menangani kasus {code}" in m["text"] for m in desk.sent_to(c_chat))
    assert (await attempts(desk, code)) == [(counsellor, 1, False)]

    # Counsellor → citizen, through the bot.
    assert await desk.staff_says(c_chat, "Halo, saya konselor. Apakah kamu aman sekarang?")
    to_citizen = desk.sent_to(citizen)[-1]["text"]
    assert to_citizen == "Konselor: Halo, saya konselor. Apakah kamu aman sekarang?"
    assert (await case_row(desk, code)).status == "in_progress"

    # Citizen → counsellor, under the case code, never the number.
    assert await desk.staff.relay_to_staff(conversation_id=conv_id, sender_id=citizen, text="iya sudah aman")
    to_staff = desk.sent_to(c_chat)[-1]["text"]
    assert to_staff == f"💬 {code}: iya sudah aman"
    assert citizen.removeprefix("tg:") not in to_staff

    # Nobody is re-paged once the case is claimed, however long it waits.
    assert await desk.timeout(3600) == 0
    assert len(desk.pages_to(c_chat)) == 1

    # Close with an outcome: the bot takes the conversation back.
    assert await desk.staff_says(c_chat, f"/selesai {code} dirujuk")
    case = await case_row(desk, code)
    assert case.status == "closed" and case.outcome == "dirujuk" and case.closed_at is not None
    assert (citizen, "resume") in desk.rasa.events
    assert "menutup percakapan" in desk.sent_to(citizen)[-1]["text"]

    def handoff(session: Session) -> int | None:
        conv = session.get(Conversation, conv_id)
        assert conv is not None
        return conv.handoff_staff_id

    assert await desk.store.run(handoff) is None
    # After closing, the citizen's messages are no longer relayed.
    assert not await desk.staff.relay_to_staff(conversation_id=conv_id, sender_id=citizen, text="halo?")


async def test_a_second_claim_loses(desk: Desk) -> None:
    _, a_chat = await desk.add_staff(role="counsellor")
    _, b_chat = await desk.add_staff(role="supervisor")
    code, _, _ = await desk.open()
    await desk.pump()
    assert await desk.staff_says(a_chat, f"/ambil {code}")
    assert await desk.staff_says(b_chat, callback=f"claim:{code}")
    assert "sudah diambil petugas lain" in desk.sent_to(b_chat)[-1]["text"]


# ------------------------------------------------------------------------------------------------- the policy


async def test_no_claim_goes_to_next_counsellor_then_supervisor_then_citizen_fallback(desk: Desk) -> None:
    first, first_chat = await desk.add_staff(role="counsellor")
    second, second_chat = await desk.add_staff(role="counsellor")
    boss, boss_chat = await desk.add_staff(role="supervisor", on_shift=False)
    code, _, citizen = await desk.open(urgency="emergency")
    await desk.pump()
    assert len(desk.pages_to(first_chat)) == 1 and not desk.pages_to(second_chat)

    # Not yet due: nothing moves.
    assert await desk.timeout(desk.config.claim_timeout_s - 10) == 0
    assert not desk.pages_to(second_chat)

    assert await desk.timeout(20) == 1  # now past 2 minutes
    assert len(desk.pages_to(second_chat)) == 1 and not desk.pages_to(boss_chat)
    assert not desk.sent_to(citizen)

    assert await desk.timeout() == 1
    assert len(desk.pages_to(boss_chat)) == 1  # the region's supervisor, even off shift
    fallback = desk.sent_to(citizen)
    assert len(fallback) == 1 and "SAPA 129" in fallback[0]["text"]

    # The supervisor does not claim either: the national fallback (the citizen is not told twice).
    assert await desk.timeout() == 1
    assert len(desk.sent_to(citizen)) == 1
    assert await attempts(desk, code) == [(first, 1, True), (second, 2, True), (boss, 3, True), (None, 4, False)]
    # Nobody got the same page twice, and the chain ends there.
    assert await desk.timeout() == 0
    assert [len(desk.pages_to(c)) for c in (first_chat, second_chat, boss_chat)] == [1, 1, 1]

    # A page sent earlier still works: the first counsellor claims late.
    assert await desk.staff_says(first_chat, callback=f"claim:{code}")
    assert (await case_row(desk, code)).assigned_staff_id == first


async def test_claim_timeout_is_configurable(desk: Desk) -> None:
    desk.config = replace(desk.config, claim_timeout_s=30)
    desk.cases.workers.timer.config = desk.config
    _, a = await desk.add_staff()
    _, b = await desk.add_staff()
    await desk.open()
    await desk.pump()
    assert await desk.timeout(31) == 1
    assert len(desk.pages_to(b)) == 1 and len(desk.pages_to(a)) == 1


async def test_nobody_on_shift_national_fallback_at_once(desk: Desk) -> None:
    _, off_chat = await desk.add_staff(role="counsellor", region="32.76", on_shift=False)
    _, nat_chat = await desk.add_staff(role="counsellor", region="nasional")
    code, _, citizen = await desk.open(urgency="emergency", region="32.76")
    await desk.pump()
    assert not desk.pages_to(off_chat)
    national = desk.pages_to(nat_chat)
    assert len(national) == 1 and code in national[0]["text"] and "tim nasional" in national[0]["text"]
    assert len(desk.sent_to(citizen)) == 1 and "SAPA 129" in desk.sent_to(citizen)[0]["text"]
    # The national counsellor may claim a case of another region they were paged for.
    assert await desk.staff_says(nat_chat, callback=f"claim:{code}")
    assert (await case_row(desk, code)).status == "claimed"


async def test_outside_opening_hours_national_fallback(desk: Desk) -> None:
    desk.clock.now = datetime(2024, 5, 6, 13, 0, tzinfo=UTC)  # 20:00 WIB
    _, on_chat = await desk.add_staff(role="counsellor", region="32.76")  # on shift, but the office is closed
    desk.cases.workers.notifier.config = replace(desk.config, opening_hours=parse_hours("07:30-16:00"))
    _, _, citizen = await desk.open(urgency="emergency")
    await desk.pump()
    assert not desk.pages_to(on_chat)
    assert "SAPA 129" in desk.sent_to(citizen)[0]["text"]


async def test_unknown_region_goes_to_the_default_team(desk: Desk) -> None:
    _, nat_chat = await desk.add_staff(role="counsellor", region="nasional")
    code, _, citizen = await desk.open(region=None)
    assert (await case_row(desk, code)).region == "nasional"
    await desk.pump()
    assert len(desk.pages_to(nat_chat)) == 1
    assert not desk.sent_to(citizen)  # a counsellor was paged: no fallback text yet


async def test_emergencies_are_paged_before_other_cases(desk: Desk) -> None:
    _, chat = await desk.add_staff()
    for _ in range(3):
        await desk.add_staff()  # enough counsellors for every case
    high = [(await desk.open(urgency="high"))[0] for _ in range(3)]
    emergency = (await desk.open(urgency="emergency"))[0]
    await desk.cases.workers.dispatcher.run_once()
    await desk.cases.workers.notifier.run_once(count=1)
    assert emergency in desk.sent()[0]["text"]
    await desk.cases.workers.notifier.run_once()
    assert {m["text"].split("kasus ")[1].split("\n")[0] for m in desk.sent()} == {emergency, *high}


async def test_normal_cases_wait_in_the_queue_without_a_page(desk: Desk) -> None:
    await desk.add_staff()
    code, _, _ = await desk.open(urgency="normal")
    await desk.pump()
    assert not desk.sent()
    assert (await case_row(desk, code)).status == "new"
    assert await desk.cases.workers.reconciler.run_once() == 0  # the step has a result: not republished


async def test_escalate_pages_a_running_case(desk: Desk) -> None:
    _, a = await desk.add_staff()
    _, b = await desk.add_staff()
    code, _, _ = await desk.open(urgency="high")
    await desk.pump()
    assert "PENTING" in desk.pages_to(a)[0]["text"]
    await desk.cases.escalate(code=code)
    await desk.pump()
    assert "DARURAT" in desk.pages_to(b)[0]["text"]
    assert (await case_row(desk, code)).urgency == "emergency"
    await desk.cases.escalate(code=code)  # twice: one more step, to the next person, never a repeat
    await desk.pump()
    assert len(desk.pages_to(a)) == 1 and len(desk.pages_to(b)) == 1


# ------------------------------------------------------------------------------------ durability and dedup


async def test_worker_killed_between_read_and_ack_page_delivered_once(desk: Desk) -> None:
    _, chat = await desk.add_staff()
    code, _, _ = await desk.open()
    await desk.cases.workers.dispatcher.run_once()
    stream = desk.config.streams[0]
    await ensure_groups(desk.redis, desk.config)

    # Worker "dead" reads the entry and dies before paging or acknowledging.
    read = await desk.redis.xreadgroup(GROUP, "worker-dead", {stream: ">"}, count=10)
    assert len(read[0][1]) == 1
    pending = await desk.redis.xpending(stream, GROUP)
    assert pending["pending"] == 1
    assert await desk.cases.workers.notifier.run_once() == 0  # nothing new for the live worker
    assert not desk.pages_to(chat)

    # The live worker takes it over (min-idle 0 for the test) and pages once.
    assert await desk.cases.workers.notifier.reclaim_once(min_idle_ms=0) == 1
    assert len(desk.pages_to(chat)) == 1 and code in desk.pages_to(chat)[0]["text"]
    assert (await desk.redis.xpending(stream, GROUP))["pending"] == 0
    # Reclaiming again, or the reconciler republishing, never pages twice.
    assert await desk.cases.workers.notifier.reclaim_once(min_idle_ms=0) == 0
    desk.clock.advance(3600)
    assert await desk.cases.workers.reconciler.run_once() == 0
    await desk.cases.workers.notifier.run_once()
    assert len(desk.pages_to(chat)) == 1


async def test_worker_killed_after_sending_before_ack_not_paged_again(desk: Desk) -> None:
    _, chat = await desk.add_staff()
    await desk.open()
    await desk.cases.workers.dispatcher.run_once()
    stream = desk.config.streams[0]
    await ensure_groups(desk.redis, desk.config)
    [[_, [(entry_id, fields)]]] = await desk.redis.xreadgroup(GROUP, "worker-dead", {stream: ">"}, count=10)

    # The dead worker paged (its XACK never happened): simulate by running its processing without the ack.
    dead = Notifier(store=desk.store, redis=desk.redis, config=desk.config, sender=desk.sender, clock=desk.clock,
                    consumer="worker-dead")
    original_xack = desk.redis.xack

    async def no_ack(*args: Any) -> int:
        return 0

    desk.redis.xack = no_ack  # type: ignore[method-assign]
    try:
        assert await dead.process(stream, entry_id, fields, reclaimed=False) == "sent"
    finally:
        desk.redis.xack = original_xack  # type: ignore[method-assign]
    assert (await desk.redis.xpending(stream, GROUP))["pending"] == 1
    assert len(desk.pages_to(chat)) == 1

    assert await desk.cases.workers.notifier.reclaim_once(min_idle_ms=0) == 1
    assert (await desk.redis.xpending(stream, GROUP))["pending"] == 0
    assert len(desk.pages_to(chat)) == 1  # acknowledged now, and still paged once


async def test_worker_killed_after_recording_before_sending_is_resent(desk: Desk) -> None:
    _, chat = await desk.add_staff()
    code, _, _ = await desk.open()
    await desk.cases.workers.dispatcher.run_once()
    stream = desk.config.streams[0]
    await ensure_groups(desk.redis, desk.config)
    [[_, [(entry_id, fields)]]] = await desk.redis.xreadgroup(GROUP, "worker-dead", {stream: ">"}, count=10)
    # The dead worker recorded the attempt and died before its HTTP request left.
    dead = Notifier(store=desk.store, redis=desk.redis, config=desk.config, sender=None, clock=desk.clock,
                    consumer="worker-dead")
    assert await dead.process(stream, entry_id, fields, reclaimed=False) == "retry"
    assert not desk.pages_to(chat)

    # Taken over at once: the attempt is too fresh to tell a dead worker from a slow one, so it waits...
    assert await desk.cases.workers.notifier.reclaim_once(min_idle_ms=0) == 1
    assert not desk.pages_to(chat)
    # ...and once the lease is over, it is sent, once.
    desk.clock.advance(desk.config.resend_after_s + 1)
    assert await desk.cases.workers.notifier.reclaim_once(min_idle_ms=0) == 1
    assert len(desk.pages_to(chat)) == 1 and code in desk.pages_to(chat)[0]["text"]
    assert await desk.cases.workers.notifier.reclaim_once(min_idle_ms=0) == 0


async def test_duplicate_stream_entries_page_once(desk: Desk) -> None:
    _, chat = await desk.add_staff()
    await desk.open()

    def row(session: Session) -> tuple[int, int]:
        o = session.scalars(select(Outbox)).one()
        return o.id, o.case_id

    outbox_id, case_id = await desk.store.run(row)
    for _ in range(3):  # e.g. two dispatchers and a reconciler
        await desk.cases.workers.dispatcher.publish([(outbox_id, case_id, 1, "emergency")])
    await desk.cases.workers.notifier.run_once()
    assert len(desk.pages_to(chat)) == 1


async def test_undeliverable_page_moves_on_to_the_next_person(desk: Desk) -> None:
    a_id, a = await desk.add_staff()
    b_id, b = await desk.add_staff()
    code, _, _ = await desk.open()
    await desk.cases.workers.dispatcher.run_once()
    desk.tg.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await desk.cases.workers.notifier.run_once()
    await desk.pump()
    # (the fake records the refused request too: one call to a, refused; then b is paged at once)
    assert len(desk.pages_to(a)) == 1 and len(desk.pages_to(b)) == 1
    assert await attempts(desk, code) == [(a_id, 1, True), (b_id, 2, False)]


async def test_transient_failure_retried_by_reclaim(desk: Desk) -> None:
    _, a = await desk.add_staff()
    await desk.open()
    await desk.cases.workers.dispatcher.run_once()
    desk.tg.fail_next("sendMessage", 502, "Bad Gateway")
    assert await desk.cases.workers.notifier.run_once() == 1
    assert len(desk.pages_to(a)) == 1  # the refused request (the fake records it)
    stream = desk.config.streams[0]
    assert (await desk.redis.xpending(stream, GROUP))["pending"] == 1  # not acknowledged: not sent
    desk.clock.advance(desk.config.resend_after_s + 1)
    assert await desk.cases.workers.notifier.reclaim_once(min_idle_ms=0) == 1
    assert len(desk.pages_to(a)) == 2  # sent this time, to the same person (same step)
    assert (await desk.redis.xpending(stream, GROUP))["pending"] == 0


async def test_redis_down_case_kept_and_paged_after_recovery(desk: Desk, tmp_path: Path) -> None:
    _, chat = await desk.add_staff()
    own = RedisServer(data_dir=tmp_path / "redis-own").start()  # not the session's Redis: others keep theirs
    client = Redis.from_url(own.url, decode_responses=True, socket_connect_timeout=0.5, socket_timeout=1)
    config = paging_config(desk.cases.settings)
    cases = CaseService(store=desk.store, settings=desk.cases.settings, redis_url=None, redis=client,
                        sender=desk.sender, clock=desk.clock, config=config)
    desk.cases = cases
    try:
        own.stop()
        code, _, _ = await desk.open()  # the webhook path never touches Redis: the case is written anyway
        with pytest.raises(RedisError):
            await cases.workers.dispatcher.run_once()
        assert not await cases.redis_ok()

        def kept(session: Session) -> tuple[str, bool]:
            case = session.scalars(select(Case).where(Case.code == code)).one()
            outbox = session.scalars(select(Outbox).where(Outbox.case_id == case.id)).one()
            return case.status, outbox.published_at is None

        assert await desk.store.run(kept) == ("new", True)
        assert not desk.pages_to(chat)

        own.start()  # same port, same data directory
        assert await cases.redis_ok()
        assert await cases.workers.reconciler.run_once() == 1
        assert await cases.workers.notifier.run_once() == 1
        assert len(desk.pages_to(chat)) == 1 and code in desk.pages_to(chat)[0]["text"]
    finally:
        await client.aclose()
        own.stop()


async def test_reconciler_republishes_a_page_redis_lost(desk: Desk, redis: Redis) -> None:
    _, chat = await desk.add_staff()
    await desk.open()
    assert await desk.cases.workers.dispatcher.run_once() == 1
    for stream in desk.config.streams:  # Redis lost the stream (e.g. restarted without its data)
        await redis.delete(stream)
    desk.cases.workers.notifier._groups_ready = False
    assert await desk.cases.workers.notifier.run_once() == 0
    assert await desk.cases.workers.reconciler.run_once() == 0  # too early to call it lost
    desk.clock.advance(desk.config.republish_after_s + 1)
    assert await desk.cases.workers.reconciler.run_once() == 1
    await desk.cases.workers.notifier.run_once()
    assert len(desk.pages_to(chat)) == 1


async def test_background_loops_page_without_help(desk: Desk) -> None:
    """The real loops (as in the app): an emergency is paged within a second, no manual stepping."""
    _, chat = await desk.add_staff()
    config = paging_config(desk.cases.settings, block_ms=200)
    cases = CaseService(store=desk.store, settings=desk.cases.settings, redis_url=None, redis=desk.redis,
                        sender=desk.sender, config=config)
    desk.cases = cases
    await cases.start()
    try:
        code, _, _ = await desk.open()
        await desk.tg.await_until(lambda calls: any(code in c.params.get("text", "") for c in calls), within_s=3)
    finally:
        await cases.stop()
    assert len(desk.pages_to(chat)) == 1


# -------------------------------------------------------------------------------------------------- privacy


async def test_pages_and_outbox_hold_no_text_or_number(desk: Desk) -> None:
    _, chat = await desk.add_staff()
    code, _, citizen = await desk.open()
    await desk.pump()

    def payloads(session: Session) -> list[Any]:
        return [o.payload for o in session.scalars(select(Outbox))]

    for payload in await desk.store.run(payloads):
        assert set(payload) <= {"urgency", "region", "violence_type", "step", "case_id", "case_code"}
    text = desk.pages_to(chat)[0]["text"]
    assert citizen.removeprefix("tg:") not in text and "(uji)" not in text


def test_render_page_labels() -> None:
    text = render_page(code="K-ABCDE", urgency="high", violence_type="trafficking", region="nasional",
                       age_group="adult", police_due=None)
    assert "K-ABCDE" in text and "TPPO" in text and "dewasa" in text and "/ambil K-ABCDE" in text


def test_opening_hours() -> None:
    config = PagingConfig(opening_hours=parse_hours("07:30-16:00"))
    assert config.is_open(datetime(2024, 5, 6, 3, 0, tzinfo=UTC))  # 10:00 WIB
    assert not config.is_open(datetime(2024, 5, 6, 12, 0, tzinfo=UTC))  # 19:00 WIB
    assert PagingConfig().is_open(datetime(2024, 5, 6, 20, 0, tzinfo=UTC))
    night = PagingConfig(opening_hours=parse_hours("20:00-06:00"))
    assert night.is_open(datetime(2024, 5, 6, 20, 0, tzinfo=UTC))  # 03:00 WIB
    assert parse_hours("00:00-24:00") is None


async def test_every_page_is_audited(desk: Desk) -> None:
    await desk.add_staff()
    await desk.open()
    await desk.pump()

    def count(session: Session) -> int:
        return int(session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "page_done"))
                   or 0)

    assert await desk.store.run(count) == 1

    def details(session: Session) -> list[str]:
        return [json.dumps(a.detail) for a in session.scalars(select(AuditLog))]

    for detail in await desk.store.run(details):
        assert "(uji)" not in detail



# ------------------------------------------------------------------------------ regions: regency → province


async def test_a_regency_without_a_team_is_paged_to_its_province(desk: Desk) -> None:
    _, province = await desk.add_staff(role="counsellor", region="32")  # Jawa Barat
    _, elsewhere = await desk.add_staff(role="counsellor", region="33")  # Jawa Tengah: never
    code, _, _ = await desk.open(urgency="emergency", region="32.75")  # Kota Bekasi has nobody
    await desk.pump()
    pages = desk.pages_to(province)
    assert len(pages) == 1 and code in pages[0]["text"] and "Kota Bekasi" in pages[0]["text"]
    assert not desk.pages_to(elsewhere)


async def test_the_regency_team_comes_before_the_province(desk: Desk) -> None:
    _, regency = await desk.add_staff(role="counsellor", region="32.75")
    _, province = await desk.add_staff(role="counsellor", region="32")
    await desk.open(urgency="high", region="32.75")
    await desk.pump()
    assert len(desk.pages_to(regency)) == 1 and not desk.pages_to(province)


async def test_placing_an_unclaimed_case_routes_it_to_that_regency_and_pages_there(desk: Desk) -> None:
    _, province = await desk.add_staff(role="counsellor", region="32")
    _, bekasi = await desk.add_staff(role="counsellor", region="32.75")
    code, _, _ = await desk.open(urgency="emergency", region="32")  # "Bekasi": city or regency, not yet said
    await desk.pump()
    assert len(desk.pages_to(province)) == 1 and not desk.pages_to(bekasi)
    assert await desk.cases.place_case(code=code, place_code="32.75.01")  # the citizen chose Kota Bekasi
    await desk.pump()
    assert len(desk.pages_to(bekasi)) == 1
    case = await case_row(desk, code)
    assert (case.region, case.place_code, case.city, case.kecamatan) == ("32.75", "32.75.01", "Kota Bekasi",
                                                                        "Bekasi Timur")
    # A claimed case keeps its team; the place is still recorded. A code that does not exist changes nothing.
    assert await desk.staff_says(bekasi, callback=f"claim:{code}")
    assert not await desk.cases.place_case(code=code, place_code="32.76")
    assert not await desk.cases.place_case(code=code, place_code="99.99")
    case = await case_row(desk, code)
    assert (case.region, case.place_code, case.city) == ("32.75", "32.76", "Kota Depok")
