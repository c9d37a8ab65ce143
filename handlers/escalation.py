"""Durable paging: outbox → Redis Stream → notifier, the claim time-out policy, and the reconciler.

The database is the source of truth. A case and its first page (an ``outbox`` row) are written in one
transaction by ``handlers/cases.py``; everything here moves that page on:

* :class:`Dispatcher` publishes unpublished outbox rows to a Redis Stream (``XADD``) and marks them published.
  Emergencies go to their own stream, read first: the risk-ranked queue starts in Redis.
* :class:`Notifier` reads the streams through a consumer group (``XREADGROUP``), decides who to page (next
  on-call counsellor of the case's region, then the region's supervisors, then the national fallback),
  records the attempt (``crud.record_escalation_attempt``: its unique key means nobody is paged twice for the
  same step), sends the page, marks it done (an audit row) and only then acknowledges the entry (``XACK``).
  Entries of a worker that died are taken over with ``XAUTOCLAIM``.
* :class:`ClaimTimer` times out pages nobody claimed within ``claim_timeout_s`` and queues the next step as a new
  outbox row, so re-pages are as durable as first pages.
* :class:`Reconciler` republishes outbox rows that were never published (Redis was down) or whose page never
  got a result (Redis lost the entry), so Redis is never the only copy of a page.

Every worker has a ``run_once()`` step and an injected clock: tests drive them without sleeping;
:class:`EscalationWorkers` runs them as background loops in the app.

Pages carry the case code, urgency, violence type, region and the victim's age group: never the citizen's
words or phone number. Logs hold ids, steps and timings only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time as time_mod
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError
from sqlalchemy.orm import Session

from bot.types import Button, OutgoingMessage, Sender
from core.settings import Settings
from handlers import places, texts
from handlers.delivery import is_transient
from handlers.store import Store
from storage import crud, lookups, paging
from storage.models import Case, EscalationAttempt, Staff

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: Urgencies that page someone; ``normal`` cases wait in the queue (``/antrian``).
PAGED_URGENCIES = ("emergency", "high")
PAGEABLE_STATUSES = ("new", "paged")
GROUP = "notifiers"
#: Audit actions used as durable markers (the audit log is append-only and already indexed by entity).
PAGE_DONE = "page_done"  # entity "outbox": this step has a result (sent, queued, skipped, failed)
CITIZEN_FALLBACK = "citizen_fallback"  # entity "case": the citizen got the SAPA 129 fallback text

VIOLENCE_LABEL = {
    "physical": "kekerasan fisik", "psychological": "kekerasan psikis", "sexual": "kekerasan seksual",
    "exploitation": "eksploitasi", "trafficking": "perdagangan orang (TPPO)", "neglect": "penelantaran",
    "other": "lainnya",
}
URGENCY_LABEL = {"emergency": "DARURAT", "high": "PENTING", "normal": "biasa"}
AGE_LABEL = {"child": "anak", "adult": "dewasa", "unknown": "belum diketahui"}
WIB = ZoneInfo("Asia/Jakarta")


def utc_now() -> datetime:
    """The real clock (timezone-aware UTC); tests inject their own."""
    return datetime.now(UTC)


def region_name(key: str) -> str:
    """Human label of a region key (the gazetteer's, else the key)."""
    try:
        from handlers.regions import region_label

        return region_label(key)
    except Exception:  # a broken gazetteer file must never stop a page
        return key


# ------------------------------------------------------------------------------------------------ config


def parse_hours(value: str | None) -> tuple[time, time] | None:
    """``"07:30-16:00"`` → (start, end) in local time; None / "" / ``"00:00-24:00"`` means always open."""
    if not value or value.strip() in ("00:00-24:00", "24h", "always"):
        return None
    start_s, end_s = value.strip().split("-", 1)

    def parse(s: str) -> time:
        hh, mm = s.strip().split(":")
        return time(23, 59, 59) if int(hh) == 24 else time(int(hh), int(mm))

    return parse(start_s), parse(end_s)


@dataclass(frozen=True)
class PagingConfig:
    """Paging policy and worker tuning. Build with :meth:`from_settings`; tests override fields."""

    claim_timeout_s: float = 120.0
    default_region: str = "nasional"
    #: Opening hours in local time (``tz``); None: always open (the on-call roster decides).
    opening_hours: tuple[time, time] | None = None
    tz: str = "Asia/Jakarta"
    #: Stream key prefix: ``<prefix>:0`` holds emergencies, ``<prefix>:1`` everything else.
    stream_prefix: str = "hotline:pages"
    #: An entry pending this long belongs to a dead worker and is taken over (XAUTOCLAIM).
    min_idle_ms: int = 30_000
    #: An attempt recorded but never marked sent is sent again after this (its worker died mid-send).
    resend_after_s: float = 30.0
    #: The reconciler republishes a published page still without a result after this.
    republish_after_s: float = 60.0
    #: Transient send failures are retried this many deliveries before the page moves on.
    max_deliveries: int = 3
    batch: int = 50
    concurrency: int = 16
    block_ms: int = 1000
    #: Twilio Content SID of the approved WhatsApp page template (variables 1..5); None: free-form message.
    wa_template_sid: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> PagingConfig:
        """The policy from ``Settings`` (``claim_timeout_s``, ``default_region``; optional fields when present)."""
        values: dict[str, Any] = {
            "claim_timeout_s": float(settings.claim_timeout_s),
            "default_region": settings.default_region,
            # Optional settings the lead may add; absent ones keep the defaults above.
            "opening_hours": parse_hours(settings.opening_hours),
            "wa_template_sid": settings.whatsapp_page_template_sid,
        }
        values.update(overrides)
        return cls(**values)

    @property
    def streams(self) -> tuple[str, str]:
        """(emergency stream, other stream), in reading priority."""
        return f"{self.stream_prefix}:0", f"{self.stream_prefix}:1"

    def stream_for(self, urgency: str | None) -> str:
        """The stream a page of ``urgency`` goes to."""
        return self.streams[0] if urgency == "emergency" else self.streams[1]

    def is_open(self, now: datetime) -> bool:
        """Whether ``now`` falls within opening hours (always, when none are set)."""
        if self.opening_hours is None:
            return True
        local = now.astimezone(ZoneInfo(self.tz)).time()
        start, end = self.opening_hours
        return start <= local < end if start <= end else (local >= start or local < end)


class TemplateSender(Protocol):
    """A channel that sends approved templates (``bot.whatsapp.WhatsAppSender``)."""

    async def send_template(self, to: str, content_sid: str, variables: Mapping[str, str]) -> str: ...


def template_sender(sender: Sender | None) -> TemplateSender | None:
    """The WhatsApp template sender behind ``sender`` (itself, or the ``wa`` channel of ``ChannelSenders``)."""
    if sender is None:
        return None
    if hasattr(sender, "send_template"):
        return sender  # type: ignore[return-value]
    by_prefix = getattr(sender, "by_prefix", None)
    wa = by_prefix.get("wa") if isinstance(by_prefix, dict) else None
    return wa if wa is not None and hasattr(wa, "send_template") else None


# ------------------------------------------------------------------------------------------ storage helpers
# Functions storage/crud.py does not have; plain SQLAlchemy, one transaction each (Store.run commits).


def page_payload(*, urgency: str, region: str, violence_type: str, step: int) -> dict[str, Any]:
    """The outbox payload of a page: labels and the step number only, never text or contacts."""
    return {"urgency": urgency, "region": region, "violence_type": violence_type, "step": step}


def add_page_step(session: Session, *, case: Case, step: int, now: datetime, restart: bool = False) -> bool:
    """Queue page step ``step`` of ``case`` as an outbox row; False when that step is already queued.

    ``restart``: the case moved to another region's team, so the chain starts afresh from this step (earlier
    attempts, including a national fallback, belong to the old region: see :func:`chain_start`).
    """
    # The timer and an escalation may race for the same step: the dedup key keeps one row.
    return paging.add_outbox_page(
        session, case=case, dedup_key=f"page:{case.code}:{step}", now=now,
        payload={**page_payload(urgency=case.urgency, region=case.region, violence_type=case.violence_type,
                                step=step),
                 "case_id": case.id, "case_code": case.code, **({"restart": True} if restart else {})})


def next_step_no(session: Session, *, case_id: int) -> int:
    """One more than the highest page step queued or attempted for a case."""
    steps = [int(p.get("step", 1)) for p in paging.page_payloads(session, case_id=case_id)]
    attempted = paging.latest_attempt_no(session, case_id=case_id)
    return max([0, attempted, *steps]) + 1


def chain_start(session: Session, *, case_id: int) -> int:
    """The step the case's current paging chain started at: 1, or the last ``restart`` step (region transfer)."""
    steps = [int(p.get("step", 1)) for p in paging.page_payloads(session, case_id=case_id) if p.get("restart")]
    return max(steps, default=1)


def hand_on(session: Session, *, case_id: int, step: int, now: datetime) -> bool:
    """Step ``step`` of a case got no claim (or could not be delivered): time it out, queue the next step.

    One transaction; returns True when a next step was queued (False: case no longer waits, already handed on,
    or the national fallback was the last step).
    """
    paging.time_out_step(session, case_id=case_id, step=step, now=now)
    case = lookups.case_by_id(session, case_id)
    if case is None or case.status not in PAGEABLE_STATUSES or case.urgency not in PAGED_URGENCIES:
        return False
    if paging.fallback_attempted(session, case_id=case_id, from_step=chain_start(session, case_id=case_id)):
        return False
    return add_page_step(session, case=case, step=step + 1, now=now)


# ------------------------------------------------------------------------------------------------ the page


def render_page(*, code: str, urgency: str, violence_type: str, region: str, age_group: str,
                police_due: datetime | None, fallback_from: str | None = None) -> str:
    """The page text for staff (Indonesian): labels only, no words of the citizen, no contact."""
    head = "🚨 DARURAT" if urgency == "emergency" else f"⚠️ {URGENCY_LABEL.get(urgency, urgency)}"
    lines = [f"{head} · kasus {code}",
             f"Jenis: {VIOLENCE_LABEL.get(violence_type, violence_type)}",
             f"Wilayah: {region_name(region)}",
             f"Korban: {AGE_LABEL.get(age_group, age_group)}"]
    if police_due is not None:
        lines.append(f"Batas lapor polisi (UU TPKS): {police_due.astimezone(WIB):%d-%m-%Y %H:%M} WIB")
    if fallback_from is not None:
        lines.append(f"Tidak ada petugas {region_name(fallback_from)} yang mengambil: mohon tim nasional bantu.")
    lines.append(f"Tekan tombol untuk mengambil kasus ini, atau ketik /ambil {code}")
    return "\n".join(lines)


def claim_button(code: str) -> Button:
    """The inline button under a page; its data is what ``StaffDesk`` handles."""
    return Button(label=f"✋ Ambil kasus {code}", data=f"claim:{code}")


@dataclass(frozen=True)
class Recipient:
    """One staff member to page (contact details stay inside the process, never logged)."""

    staff_id: int
    channel: str
    contact_id: str

    @classmethod
    def of(cls, staff: Staff) -> Recipient | None:
        """The page address of ``staff``; None for an account with an e-mail only (console only, never paged)."""
        if not staff.channel or not staff.contact_id:
            return None
        return cls(staff.id, staff.channel, staff.contact_id)


@dataclass
class PagePlan:
    """What the notifier decided for one stream entry, inside one transaction."""

    action: Literal["send", "skip", "wait"]
    outbox_id: int
    case_id: int
    step: int
    reason: str = ""
    code: str = ""
    urgency: str = ""
    violence_type: str = ""
    region: str = ""
    age_group: str = "unknown"
    police_due: datetime | None = None
    recipients: list[Recipient] = field(default_factory=list)
    fallback: bool = False
    citizen_id: str | None = None  # sender id of the citizen to tell "nobody claimed" (fallback text)
    citizen_lang: str = "id"


def _chain(session: Session, *, case: Case, now: datetime) -> tuple[list[Staff], bool]:
    """(who to page in order, whether anyone is on shift): the team of the case's regency/city, else its
    province's (the first of them with anyone on shift or a supervisor), else nobody (the national fallback)."""
    for region in places.team_chain(case.region):
        chain, anyone_on_shift = _team_chain(session, region=region, case=case, now=now)
        if chain:
            return chain, anyone_on_shift
    return [], False


def _team_chain(session: Session, *, region: str, case: Case, now: datetime) -> tuple[list[Staff], bool]:
    """The chain of one team: on-call counsellors (fewest open cases first), then the team's supervisors.

    Staff without a Telegram or WhatsApp contact are never paged (they see the case in the console queue), but
    they count as on shift: a team whose only on-shift counsellor works in the console pages its supervisors
    next, then the national fallback.
    """
    everyone = crud.on_call_staff(session, region=region, at=now)
    on_call = [s for s in everyone if s.pageable]
    counsellors = [s for s in on_call if s.role == "counsellor"]
    if len(counsellors) > 1:
        # Spread the load: fewest open cases first, then the one paged longest ago (a round robin).
        ids = [s.id for s in counsellors]
        open_cases = paging.open_case_counts(session, staff_ids=ids)
        last_paged = paging.last_paged(session, staff_ids=ids)
        counsellors.sort(key=lambda s: (open_cases.get(s.id, 0), last_paged.get(s.id, 0), s.id))
    supervisors = [s for s in on_call if s.role == "supervisor"]
    # A supervisor off shift is still the escalation point for an unclaimed emergency of their region.
    supervisors += [s for s in paging.region_supervisors(session, region=region)
                    if s not in supervisors and s.pageable]
    anyone_on_shift = any(s.role in ("counsellor", "supervisor") for s in everyone)
    return counsellors + supervisors, anyone_on_shift


def plan_page(session: Session, *, outbox_id: int, case_id: int, step: int, now: datetime,
              config: PagingConfig) -> PagePlan:
    """Decide and record (before sending) the page of one step. See the module docstring for the policy."""
    plan = PagePlan(action="skip", outbox_id=outbox_id, case_id=case_id, step=step)
    case = lookups.case_by_id(session, case_id)
    if case is None or case.status not in PAGEABLE_STATUSES:
        plan.reason = "not_waiting"
        return plan
    plan.code, plan.urgency, plan.violence_type = case.code, case.urgency, case.violence_type
    plan.region, plan.age_group, plan.police_due = case.region, case.victim_age_group, case.police_report_due_at
    if case.urgency not in PAGED_URGENCIES:
        plan.reason = "queued"
        return plan
    if paging.has_audit(session, action=PAGE_DONE, entity="outbox", entity_id=outbox_id):
        plan.reason = "duplicate"
        return plan
    start = chain_start(session, case_id=case.id)
    attempts = [a for a in crud.list_escalation_attempts(session, case=case) if a.attempt_no >= start]
    mine = [a for a in attempts if a.attempt_no == step]
    if mine:
        # Recorded but not marked sent: its worker is sending right now, or died before it could.
        if now - max(a.sent_at for a in mine) < timedelta(seconds=config.resend_after_s):
            plan.action, plan.reason = "wait", "in_flight"
            return plan
        return _resend(session, plan, case, mine)
    if any(a.staff_id is None for a in attempts):
        plan.reason = "fallback_done"
        return plan

    chain, anyone_on_shift = _chain(session, case=case, now=now)
    paged = {a.staff_id for a in attempts}
    target = next((s for s in chain if s.id not in paged), None)
    if config.is_open(now) and anyone_on_shift and target is not None:
        if crud.record_escalation_attempt(session, case=case, staff=target, attempt_no=step, sent_at=now) is None:
            plan.action, plan.reason = "wait", "in_flight"  # another worker recorded this very page
            return plan
        plan.action, plan.reason = "send", "staff"
        plan.recipients = [r for r in (Recipient.of(target),) if r is not None]
        if target.role == "supervisor" and case.urgency == "emergency":
            _tell_citizen(session, plan, case)  # past the counsellors: give the citizen SAPA 129 now
        return plan
    if case.urgency != "emergency":
        plan.reason = "queued"  # a high case nobody can take now waits in the queue (/antrian)
        return plan
    # National fallback: closed, nobody on shift, or everyone in the chain was paged without a claim.
    if crud.record_escalation_attempt(session, case=case, staff=None, attempt_no=step, sent_at=now) is None:
        plan.action, plan.reason = "wait", "in_flight"
        return plan
    plan.action, plan.reason, plan.fallback = "send", "fallback", True
    if case.region != config.default_region:
        for s in crud.on_call_staff(session, region=config.default_region, at=now):
            recipient = Recipient.of(s)
            if s.role in ("counsellor", "supervisor") and s.id not in paged and recipient is not None:
                if crud.record_escalation_attempt(session, case=case, staff=s, attempt_no=step, sent_at=now):
                    plan.recipients.append(recipient)
    _tell_citizen(session, plan, case)
    return plan


def _resend(session: Session, plan: PagePlan, case: Case, mine: Sequence[EscalationAttempt]) -> PagePlan:
    plan.action, plan.reason = "send", "resend"
    for a in mine:
        if a.staff_id is None:
            plan.fallback = True
            _tell_citizen(session, plan, case)
            continue
        staff = lookups.staff_by_id(session, a.staff_id)
        recipient = Recipient.of(staff) if staff is not None and staff.active else None
        if recipient is not None:
            plan.recipients.append(recipient)
    return plan


def _tell_citizen(session: Session, plan: PagePlan, case: Case) -> None:
    if case.conversation_id is None or paging.has_audit(session, action=CITIZEN_FALLBACK, entity="case",
                                                        entity_id=case.id):
        return
    conv = lookups.conversation_by_id(session, case.conversation_id)
    if conv is not None and not conv.opted_out:
        plan.citizen_id, plan.citizen_lang = conv.sender_id, conv.lang


def finish_page(session: Session, *, plan: PagePlan, result: str, now: datetime, citizen_told: bool) -> None:
    """Mark a step done (durable marker for dedup and the reconciler); a first page moves the case to paged."""
    crud.audit(session, actor="system", action=PAGE_DONE, entity="outbox", entity_id=plan.outbox_id,
               detail={"case_id": plan.case_id, "step": plan.step, "result": result,
                       "staff_ids": [r.staff_id for r in plan.recipients]})
    if citizen_told:
        crud.audit(session, actor="system", action=CITIZEN_FALLBACK, entity="case", entity_id=plan.case_id)
    if result == "sent":
        case = lookups.case_by_id(session, plan.case_id)
        if case is not None and case.status == "new":
            with contextlib.suppress(crud.InvalidTransition):  # claimed in the meantime: fine
                crud.transition_case(session, case=case, to_status="paged", actor="system")


# ----------------------------------------------------------------------------------------------- workers


async def ensure_groups(redis: Redis, config: PagingConfig) -> None:
    """Create the consumer group on both streams (from the start, so nothing published earlier is missed)."""
    for stream in config.streams:
        try:
            await redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise


class Dispatcher:
    """Outbox → Redis Stream: publishes unpublished rows (XADD), then marks them published."""

    def __init__(self, *, store: Store, redis: Redis | None, config: PagingConfig, clock: Clock = utc_now) -> None:
        self.store, self.redis, self.config, self.clock = store, redis, config, clock

    async def publish(self, rows: Sequence[tuple[int, int, int, str]]) -> list[int]:
        """XADD ``(outbox_id, case_id, step, urgency)`` rows; returns the ids published (stops at a Redis error)."""
        done: list[int] = []
        if self.redis is None:
            raise RedisError("no Redis configured")
        for outbox_id, case_id, step, urgency in rows:
            # Ids only: the page content is read from the case when it is sent, so it is always current.
            try:
                await self.redis.xadd(self.config.stream_for(urgency),
                                      {"outbox_id": outbox_id, "case_id": case_id, "step": step})
            except RedisError:
                if not done:
                    raise
                break  # mark what went out; the rest stays unpublished for the next pass
            done.append(outbox_id)
        return done

    async def run_once(self, limit: int = 100) -> int:
        """Publish every unpublished outbox row (oldest first, emergencies first); returns how many."""
        def pending(session: Session) -> list[tuple[int, int, int, str]]:
            rows = crud.list_unpublished_outbox(session, limit=limit)
            out = [(r.id, r.case_id, int((r.payload or {}).get("step", 1)), str((r.payload or {}).get("urgency")))
                   for r in rows if r.kind == "page"]
            return sorted(out, key=lambda r: r[3] != "emergency")

        rows = await self.store.run(pending)
        if not rows:
            return 0
        published = await self.publish(rows)
        now = self.clock()
        # One statement for the batch (a commit per row would queue behind the webhooks' writes in a burst);
        # "published_at IS NULL" keeps the first stamp when two dispatchers race, as mark_outbox_published does.
        await self.store.run(lambda s: paging.mark_published(s, outbox_ids=published, now=now))
        return len(published)


class Notifier:
    """Consumer-group reader: page, mark done, then XACK. Takes over entries of dead workers (XAUTOCLAIM)."""

    def __init__(self, *, store: Store, redis: Redis | None, config: PagingConfig, sender: Sender | None,
                 clock: Clock = utc_now, consumer: str | None = None,
                 on_hand_on: Callable[[], None] | None = None) -> None:
        self.store, self.redis, self.config, self.sender, self.clock = store, redis, config, sender, clock
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.on_hand_on = on_hand_on
        self._groups_ready = False
        self._sem = asyncio.Semaphore(config.concurrency)
        #: perf_counter() when each page was sent, by case code (benchmarks read it; bounded).
        self.sent_at: dict[str, float] = {}

    async def _ready(self) -> Redis:
        if self.redis is None:
            raise RedisError("no Redis configured")
        if not self._groups_ready:
            await ensure_groups(self.redis, self.config)
            self._groups_ready = True
        return self.redis

    async def run_once(self, *, block_ms: int | None = None, count: int | None = None) -> int:
        """Read new entries (emergency stream first) and page them; returns how many entries were handled.

        ``block_ms=None`` does not block (tests); the background loop blocks ``config.block_ms``.
        """
        redis = await self._ready()
        count = count or self.config.batch
        emergency, other = self.config.streams
        try:
            # Emergencies first: read their stream alone, without blocking; only then both streams.
            resp = await redis.xreadgroup(GROUP, self.consumer, {emergency: ">"}, count=count)
            if not resp:
                # BLOCK 0 would wait forever: only a positive block time blocks.
                resp = await redis.xreadgroup(GROUP, self.consumer, {emergency: ">", other: ">"}, count=count,
                                              block=block_ms if block_ms and block_ms > 0 else None)
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            self._groups_ready = False  # Redis lost its data (restart without persistence): recreate
            return 0
        entries = _entries(resp, order=self.config.streams)
        await self._process_all(entries, reclaimed=False)
        return len(entries)

    async def reclaim_once(self, *, min_idle_ms: int | None = None) -> int:
        """Take over entries pending longer than ``min_idle_ms`` (their worker died) and page them."""
        redis = await self._ready()
        idle = self.config.min_idle_ms if min_idle_ms is None else min_idle_ms
        handled = 0
        for stream in self.config.streams:
            start = "0-0"
            while True:
                resp = await redis.xautoclaim(stream, GROUP, self.consumer, idle, start_id=start,
                                              count=self.config.batch)
                start, claimed = resp[0], resp[1]
                # Entries deleted from the stream while pending come back as None: nothing left to do.
                live = [(stream, eid, fields) for eid, fields in claimed if fields]
                gone = [eid for eid, fields in claimed if not fields]
                if gone:
                    await redis.xack(stream, GROUP, *gone)
                await self._process_all(live, reclaimed=True)
                handled += len(live)
                if start in ("0-0", b"0-0") or not claimed:
                    break
        return handled

    async def _process_all(self, entries: list[tuple[str, str, dict[str, str]]], *, reclaimed: bool) -> None:
        async def one(entry: tuple[str, str, dict[str, str]]) -> None:
            async with self._sem:
                try:
                    await self.process(*entry, reclaimed=reclaimed)
                except Exception as exc:  # one bad entry must not stop the others; it stays pending
                    log.error("page entry %s failed: %s", entry[1], type(exc).__name__)

        # Tasks start in order, so with the semaphore emergencies (listed first) are sent first.
        await asyncio.gather(*(one(e) for e in entries))

    async def process(self, stream: str, entry_id: str, fields: Mapping[str, str], *, reclaimed: bool) -> str:
        """Page one entry; XACK only once the page is sent (or nothing is to be sent). Returns the outcome."""
        redis = await self._ready()
        outbox_id, case_id, step = int(fields["outbox_id"]), int(fields["case_id"]), int(fields.get("step", 1))
        now = self.clock()
        plan = await self.store.run(lambda s: plan_page(s, outbox_id=outbox_id, case_id=case_id, step=step,
                                                         now=now, config=self.config))
        if plan.action == "wait":
            if not reclaimed:
                await redis.xack(stream, GROUP, entry_id)  # a duplicate entry: the original is pending elsewhere
            log.info("page step %d of case %d in flight elsewhere", step, case_id)
            return plan.reason
        if plan.action == "skip":
            if plan.reason != "duplicate":  # a durable result, so the reconciler leaves this step alone
                await self.store.run(lambda s: finish_page(s, plan=plan, result=plan.reason, now=now,
                                                           citizen_told=False))
            await redis.xack(stream, GROUP, entry_id)
            return plan.reason
        ok, told, permanent = await self._send(plan)
        if not ok and not permanent:
            delivered = await self._deliveries(stream, entry_id)
            if delivered < self.config.max_deliveries:
                log.warning("page step %d of case %d not sent; left pending for a retry", step, case_id)
                return "retry"  # no XACK: reclaimed and retried after min_idle_ms
        result = "sent" if ok else "failed"
        await self.store.run(lambda s: finish_page(s, plan=plan, result=result, now=now, citizen_told=told))
        if not ok and not plan.fallback:
            # Undeliverable (blocked bot, unknown chat, repeated network errors): the next person at once.
            if await self.store.run(lambda s: hand_on(s, case_id=case_id, step=step, now=self.clock())):
                if self.on_hand_on is not None:
                    self.on_hand_on()
        await redis.xack(stream, GROUP, entry_id)
        if ok:
            self.sent_at[plan.code] = time_mod.perf_counter()
            if len(self.sent_at) > 10_000:
                self.sent_at.pop(next(iter(self.sent_at)))
        log.info("page case %d step %d %s (%s, %d staff)", case_id, step, result, plan.reason,
                 len(plan.recipients))
        return result

    async def _deliveries(self, stream: str, entry_id: str) -> int:
        assert self.redis is not None
        rows = await self.redis.xpending_range(stream, GROUP, min=entry_id, max=entry_id, count=1)
        return int(rows[0]["times_delivered"]) if rows else 1

    async def _send(self, plan: PagePlan) -> tuple[bool, bool, bool]:
        """Send the page; returns (anything delivered, citizen told, failure was permanent)."""
        if self.sender is None:
            return False, False, False
        sent_any, permanent = False, True
        text = render_page(code=plan.code, urgency=plan.urgency, violence_type=plan.violence_type,
                           region=plan.region, age_group=plan.age_group, police_due=plan.police_due,
                           fallback_from=plan.region if plan.fallback else None)
        for r in plan.recipients:
            try:
                await self._send_staff(r, plan, text)
                sent_any = True
            except Exception as exc:
                permanent = permanent and not is_transient(exc)
                log.warning("page to staff %d failed: %s", r.staff_id, type(exc).__name__)
        told = False
        if plan.citizen_id is not None:
            lang: texts.Lang = "en" if plan.citizen_lang == "en" else "id"
            try:
                await self.sender.send(OutgoingMessage(recipient_id=plan.citizen_id, urgent=True,
                                                       text=texts.text("nobody_claimed", lang)))
                told = True
            except Exception as exc:
                permanent = permanent and not is_transient(exc)
                log.warning("fallback text to citizen failed: %s", type(exc).__name__)
        if plan.fallback and not plan.recipients and plan.citizen_id is None:
            return True, False, False  # the national fallback with nobody to tell: recorded, nothing to send
        return sent_any or told, told, permanent

    async def _send_staff(self, r: Recipient, plan: PagePlan, text: str) -> None:
        assert self.sender is not None
        if r.channel == "whatsapp":
            templates = template_sender(self.sender)
            if templates is not None and self.config.wa_template_sid:
                # A template reaches a counsellor who has not written to the bot within 24 hours.
                await templates.send_template(
                    f"wa:{r.contact_id}", self.config.wa_template_sid,
                    {"1": plan.code, "2": URGENCY_LABEL.get(plan.urgency, plan.urgency),
                     "3": VIOLENCE_LABEL.get(plan.violence_type, plan.violence_type),
                     "4": region_name(plan.region), "5": AGE_LABEL.get(plan.age_group, plan.age_group)})
                return
            recipient = f"wa:{r.contact_id}"
        else:
            recipient = f"tg:{r.contact_id}"
        await self.sender.send(OutgoingMessage(recipient_id=recipient, text=text, buttons=(claim_button(plan.code),),
                                               urgent=plan.urgency == "emergency"))


def _entries(resp: Any, *, order: Sequence[str]) -> list[tuple[str, str, dict[str, str]]]:
    """Flatten an XREADGROUP reply into (stream, id, fields), emergency stream first."""
    out: list[tuple[str, str, dict[str, str]]] = []
    items = resp.items() if isinstance(resp, dict) else resp or []
    for stream, messages in items:
        name = stream.decode() if isinstance(stream, bytes) else stream
        for eid, fields in messages:
            if fields:
                out.append((name, eid, dict(fields)))
    return sorted(out, key=lambda e: order.index(e[0]) if e[0] in order else len(order))


class ClaimTimer:
    """The paging policy's clock: pages unclaimed after ``claim_timeout_s`` move on to the next step."""

    def __init__(self, *, store: Store, config: PagingConfig, clock: Clock = utc_now) -> None:
        self.store, self.config, self.clock = store, config, clock

    async def run_once(self) -> int:
        """Time out due pages and queue the next step of each case; returns how many steps were queued."""
        now = self.clock()
        cutoff = now - timedelta(seconds=self.config.claim_timeout_s)

        def due(session: Session) -> list[tuple[int, int]]:
            return paging.due_pages(session, cutoff=cutoff, statuses=PAGEABLE_STATUSES, urgencies=PAGED_URGENCIES)

        queued = 0
        for case_id, step in await self.store.run(due):
            def move(session: Session, case_id: int = case_id, step: int = step) -> bool:
                if paging.latest_attempt_no(session, case_id=case_id) > step:
                    # A newer page (an escalation) is still running: only close the old one.
                    paging.time_out_step(session, case_id=case_id, step=step, now=now)
                    return False
                return hand_on(session, case_id=case_id, step=step, now=now)

            if await self.store.run(move):
                queued += 1
                log.info("case %d: page step %d unclaimed after %.0f s; next step queued", case_id, step,
                         self.config.claim_timeout_s)
        return queued


class Reconciler:
    """Redis is never the only copy: republish outbox rows never published, or published without a result."""

    def __init__(self, *, store: Store, dispatcher: Dispatcher, config: PagingConfig, clock: Clock = utc_now) -> None:
        self.store, self.dispatcher, self.config, self.clock = store, dispatcher, config, clock

    async def run_once(self) -> int:
        """Publish unpublished rows and republish stale ones; returns how many entries were (re)published."""
        count = await self.dispatcher.run_once(limit=500)
        now = self.clock()
        cutoff = now - timedelta(seconds=self.config.republish_after_s)

        def stale(session: Session) -> list[tuple[int, int, int, str]]:
            return paging.stale_pages(session, cutoff=cutoff, done_action=PAGE_DONE, statuses=PAGEABLE_STATUSES,
                                      urgencies=PAGED_URGENCIES)

        rows = await self.store.run(stale)
        if rows:
            republished = await self.dispatcher.publish(rows)
            # Stamp them again so the next pass waits another period before republishing.
            await self.store.run(lambda s: paging.mark_published(s, outbox_ids=republished, now=now,
                                                                 first_only=False))
            if republished:
                log.warning("republished %d pages without a result", len(republished))
            count += len(republished)
        return count


# --------------------------------------------------------------------------------------------- the loops


class EscalationWorkers:
    """All four workers with their background loops; ``nudge()`` wakes the dispatcher at once."""

    def __init__(self, *, store: Store, redis: Redis | None, config: PagingConfig, sender: Sender | None,
                 clock: Clock = utc_now, consumer: str | None = None) -> None:
        self.config = config
        self._wake = asyncio.Event()
        self.dispatcher = Dispatcher(store=store, redis=redis, config=config, clock=clock)
        self.notifier = Notifier(store=store, redis=redis, config=config, sender=sender, clock=clock,
                                 consumer=consumer, on_hand_on=self.nudge)
        self.timer = ClaimTimer(store=store, config=config, clock=clock)
        self.reconciler = Reconciler(store=store, dispatcher=self.dispatcher, config=config, clock=clock)
        self.redis = redis
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def sender(self) -> Sender | None:
        """The sender pages go through (set once the channels are up)."""
        return self.notifier.sender

    @sender.setter
    def sender(self, value: Sender | None) -> None:
        self.notifier.sender = value

    def nudge(self) -> None:
        """A new outbox row exists: publish now rather than at the next poll."""
        self._wake.set()

    async def start(self) -> None:
        """Start the loops (no-op without Redis: cases are still written and paged once Redis is configured)."""
        if self.redis is None or self._tasks:
            return
        self._tasks = [asyncio.create_task(self._loop("dispatcher", self._dispatch_step)),
                       asyncio.create_task(self._loop("notifier", self._notify_step)),
                       asyncio.create_task(self._loop("reclaim", self._reclaim_step)),
                       asyncio.create_task(self._loop("timer", self._timer_step)),
                       asyncio.create_task(self._loop("reconciler", self._reconcile_step))]

    async def stop(self) -> None:
        """Cancel the loops and wait for them."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _loop(self, name: str, step: Callable[[], Awaitable[None]]) -> None:
        backoff = 0.5
        while True:
            try:
                await step()
                backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis or the database down: keep trying, never die
                log.warning("%s: %s; retrying in %.1f s", name, type(exc).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _dispatch_step(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=1.0)
        self._wake.clear()
        while await self.dispatcher.run_once() > 0:
            pass

    async def _notify_step(self) -> None:
        await self.notifier.run_once(block_ms=self.config.block_ms)

    async def _reclaim_step(self) -> None:
        await asyncio.sleep(max(1.0, self.config.min_idle_ms / 4000))
        await self.notifier.reclaim_once()

    async def _timer_step(self) -> None:
        await asyncio.sleep(1.0)
        if await self.timer.run_once():
            self.nudge()

    async def _reconcile_step(self) -> None:
        await asyncio.sleep(min(10.0, self.config.republish_after_s / 2))
        await self.reconciler.run_once()


def with_overrides(config: PagingConfig, **changes: Any) -> PagingConfig:
    """A copy of ``config`` with some fields changed (tests, benchmarks)."""
    return replace(config, **changes)


__all__ = [
    "GROUP", "PAGED_URGENCIES", "ClaimTimer", "Clock", "Dispatcher", "EscalationWorkers", "Notifier",
    "PagePlan", "PagingConfig", "Reconciler", "add_page_step", "claim_button", "ensure_groups", "hand_on",
    "next_step_no", "page_payload", "parse_hours", "plan_page", "render_page", "utc_now", "with_overrides",
]
