"""Cases: opened by the intake, paged through the outbox, updated as the citizen answers.

The case row and its page (outbox row) are written in one transaction; the escalation workers
(``handlers/escalation.py``) publish and deliver pages. This module is the conversation's only door to them.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from bot.types import Sender
from handlers.store import Store
from handlers.triage import TriageResult
from hotline.settings import Settings
from storage import crud
from storage.models import Case, Conversation

log = logging.getLogger(__name__)

VIOLENCE_TYPES = ("physical", "psychological", "sexual", "exploitation", "trafficking", "neglect", "other")


class CaseService:
    """Opens and updates cases for the conversation; owns the escalation workers' lifecycle."""

    def __init__(self, *, store: Store, settings: Settings, redis_url: str | None) -> None:
        self.store = store
        self.settings = settings
        self.redis_url = redis_url
        self.sender: Sender | None = None

    async def start(self) -> None:
        """Start background workers (dispatcher, notifier, timers)."""

    async def stop(self) -> None:
        """Stop background workers."""

    async def redis_ok(self) -> bool:
        """Whether Redis answers (health check)."""
        return self.redis_url is not None

    async def open_case(self, *, conversation_id: int, result: TriageResult) -> str:
        """Open a case for a report and queue its page; returns the public case code."""
        region = result.region or self.settings.default_region
        violence_type = result.category if result.category in VIOLENCE_TYPES else "other"
        urgency = result.urgency if result.urgency in ("emergency", "high", "normal") else "normal"

        def write(session: Any) -> str:
            conv = session.get(Conversation, conversation_id)
            case, _ = crud.create_case_with_outbox(
                session, conversation=conv, region=region, violence_type=violence_type, urgency=urgency,
                page_payload={"urgency": urgency, "region": region, "violence_type": violence_type},
                victim_age_group=result.victim, victim_age=result.age, relationship=result.relationship,
            )
            return case.code

        code = await self.store.run(write)
        log.info("case %s opened urgency=%s region=%s", code, urgency, region)
        return code

    async def update_case(self, *, code: str, fields: dict[str, Any]) -> None:
        """Fill in case fields collected by the intake."""

        def write(session: Any) -> None:
            case = session.scalars(select(Case).where(Case.code == code)).first()
            if case is not None:
                crud.update_case_details(session, case=case, actor="system", changes=fields)

        await self.store.run(write)

    async def escalate(self, *, code: str) -> None:
        """A running case became an emergency: page now."""
