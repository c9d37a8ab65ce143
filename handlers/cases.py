"""Cases: opened by the intake, paged through the outbox, updated as the citizen answers.

The case row and its page (outbox row) are written in one transaction; the escalation workers
(``handlers/escalation.py``) publish and deliver pages. This module is the conversation's only door to them,
and owns the workers' lifecycle (``start`` / ``stop``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from redis.asyncio import Redis
from sqlalchemy.orm import Session

from bot.types import Sender
from core.settings import Settings
from handlers import places
from handlers.escalation import (
    PAGED_URGENCIES,
    Clock,
    EscalationWorkers,
    PagingConfig,
    add_page_step,
    next_step_no,
    page_payload,
    utc_now,
)
from handlers.store import Store
from storage import crud, lookups

if TYPE_CHECKING:
    from handlers.triage import TriageResult

log = logging.getLogger(__name__)

VIOLENCE_TYPES = ("physical", "psychological", "sexual", "exploitation", "trafficking", "neglect", "other")


class CaseService:
    """Opens and updates cases for the conversation; owns the escalation workers' lifecycle.

    ``redis`` (a ``redis.asyncio.Redis``) may be given instead of ``redis_url`` (tests, benchmarks); ``sender``
    may be set later (``service.sender = ...``) once the channels are up. ``clock`` drives the paging policy.
    """

    def __init__(self, *, store: Store, settings: Settings, redis_url: str | None, sender: Sender | None = None,
                 clock: Clock = utc_now, redis: Redis | None = None, config: PagingConfig | None = None,
                 consumer: str | None = None) -> None:
        self.store = store
        self.settings = settings
        self.redis_url = redis_url
        self.clock = clock
        self.config = config or PagingConfig.from_settings(settings)
        self._owns_redis = redis is None and redis_url is not None
        if redis is None and redis_url is not None:
            # Short timeouts: a dead Redis must not hold up the webhook; the outbox keeps the page meanwhile.
            redis = Redis.from_url(redis_url, decode_responses=True, socket_connect_timeout=1.0,
                                   socket_timeout=max(5.0, self.config.block_ms / 1000 + 2),
                                   health_check_interval=30)
        self.redis = redis
        self.workers = EscalationWorkers(store=store, redis=redis, config=self.config, sender=sender, clock=clock,
                                         consumer=consumer)

    # ----------------------------------------------------------------------------------------- lifecycle
    @property
    def sender(self) -> Sender | None:
        """Where pages (and the citizen fallback text) are sent."""
        return self.workers.sender

    @sender.setter
    def sender(self, value: Sender | None) -> None:
        self.workers.sender = value

    async def start(self) -> None:
        """Start background workers (dispatcher, notifier, reclaimer, claim timer, reconciler)."""
        await self.workers.start()

    async def stop(self) -> None:
        """Stop background workers and close the Redis connection this service opened."""
        await self.workers.stop()
        if self._owns_redis and self.redis is not None:
            await self.redis.aclose()

    async def redis_ok(self) -> bool:
        """Whether Redis answers (health check)."""
        if self.redis is None:
            return False
        try:
            return bool(await asyncio.wait_for(self.redis.ping(), timeout=1.0))
        except Exception:
            return False

    # ------------------------------------------------------------------------------------------- cases
    async def open_case(self, *, conversation_id: int, result: TriageResult) -> str:
        """Open a case for a report and queue its page (same transaction); returns the public case code."""
        region = result.region or self.settings.default_region
        names = places.names_for(result.place_code)
        violence_type = result.category if result.category in VIOLENCE_TYPES else "other"
        urgency = result.urgency if result.urgency in ("emergency", "high", "normal") else "normal"
        victim = result.victim if result.victim in ("child", "adult") else "unknown"
        now = self.clock()

        def write(session: Session) -> str:
            conv = lookups.conversation_by_id(session, conversation_id)
            case, _ = crud.create_case_with_outbox(
                session, conversation=conv, region=region, violence_type=violence_type, urgency=urgency,
                page_payload=page_payload(urgency=urgency, region=region, violence_type=violence_type, step=1),
                victim_age_group=victim, victim_age=result.age if result.age is None or 0 <= result.age < 130
                else None, relationship=result.relationship, now=now, place_code=result.place_code, **names,
            )
            return case.code

        code = await self.store.run(write)
        self.workers.nudge()  # publish now: an emergency page must not wait for the next poll
        log.info("case %s opened urgency=%s region=%s", code, urgency, region)
        return code

    async def update_case(self, *, code: str, fields: dict[str, Any]) -> None:
        """Fill in case fields collected by the intake (unknown region names fall back to the default)."""
        fields = dict(fields)
        if "region" in fields and not fields["region"]:
            fields["region"] = self.settings.default_region

        def write(session: Session) -> None:
            case = lookups.case_by_code(session, code)
            if case is not None:
                crud.update_case_details(session, case=case, actor="system", changes=fields)

        await self.store.run(write)

    async def place_case(self, *, code: str, place_code: str) -> bool:
        """The citizen said where (the answer to "which city or regency?"): record the place and, while nobody
        has claimed the case, move it to that place's team and page them (as a transfer does). True if moved."""
        if not places.exists(place_code):
            return False
        region = places.team_of(place_code)
        names = places.names_for(place_code)
        now = self.clock()

        def write(session: Session) -> bool:
            case = lookups.case_by_code(session, code)
            if case is None:
                return False
            moved = crud.place_case(session, case=case, place_code=place_code, region=region, names=names, now=now)
            if moved and case.urgency in PAGED_URGENCIES:
                add_page_step(session, case=case, step=next_step_no(session, case_id=case.id), now=now, restart=True)
                session.commit()
            return moved

        moved = await self.store.run(write)
        if moved:
            self.workers.nudge()
            log.info("case %s placed; routed to region %s", code, region)
        return moved

    async def escalate(self, *, code: str) -> None:
        """A running case became an emergency: queue a new page step now (durable, deduplicated by step)."""
        now = self.clock()

        def write(session: Session) -> bool:
            case = lookups.case_by_code(session, code)
            if case is None or case.status not in ("new", "paged"):
                return False  # already with a counsellor (or closed): the counsellor sees the new urgency
            if case.urgency != "emergency":
                crud.update_case_details(session, case=case, actor="system", changes={"urgency": "emergency"})
            queued = add_page_step(session, case=case, step=next_step_no(session, case_id=case.id), now=now)
            session.commit()
            return queued

        if await self.store.run(write):
            self.workers.nudge()
            log.info("case %s escalated to emergency; page queued", code)
