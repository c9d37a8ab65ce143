"""Queries of the paging workers (``handlers/escalation.py`` decides, this module reads and writes).

Every function takes the caller's ``Session`` and leaves the transaction to it, except where a race is settled
here (``add_outbox_page``). Statuses and urgencies that count as "still waiting for a page" are passed in by the
policy, not decided here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import crud
from storage.models import WORKED_STATUSES, AuditLog, Case, EscalationAttempt, Outbox, Staff


def add_outbox_page(session: Session, *, case: Case, dedup_key: str, now: datetime,
                    payload: dict[str, Any]) -> bool:
    """Queue one page step as an outbox row; False when a row with ``dedup_key`` exists (or won a race)."""
    if session.scalars(select(Outbox.id).where(Outbox.dedup_key == dedup_key)).first() is not None:
        return False
    session.add(Outbox(case_id=case.id, kind="page", created_at=now, dedup_key=dedup_key, payload=payload))
    try:
        session.flush()
    except IntegrityError:  # two writers queued the same step: one row is enough
        session.rollback()
        return False
    return True


def page_payloads(session: Session, *, case_id: int) -> list[dict[str, Any]]:
    """The payloads of a case's page rows in the outbox."""
    return [p or {} for p in session.scalars(
        select(Outbox.payload).where(Outbox.case_id == case_id, Outbox.kind == "page"))]


def latest_attempt_no(session: Session, *, case_id: int) -> int:
    """The highest page step attempted for a case (0 when none)."""
    return int(session.scalar(select(func.max(EscalationAttempt.attempt_no))
                              .where(EscalationAttempt.case_id == case_id)) or 0)


def has_audit(session: Session, *, action: str, entity: str, entity_id: int) -> bool:
    """Whether the audit log holds ``action`` on that entity (durable markers of the paging workers)."""
    return session.scalars(select(AuditLog.id).where(
        AuditLog.entity == entity, AuditLog.entity_id == str(entity_id), AuditLog.action == action)).first() is not None


def time_out_step(session: Session, *, case_id: int, step: int, now: datetime) -> int:
    """Mark the open attempts of one step timed out; returns how many."""
    result = session.execute(
        update(EscalationAttempt)
        .where(EscalationAttempt.case_id == case_id, EscalationAttempt.attempt_no == step,
               EscalationAttempt.acknowledged_at.is_(None), EscalationAttempt.timed_out_at.is_(None))
        .values(timed_out_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


def fallback_attempted(session: Session, *, case_id: int, from_step: int) -> bool:
    """Whether the national fallback (an attempt without staff) was paged at ``from_step`` or later."""
    return session.scalars(select(EscalationAttempt.id).where(
        EscalationAttempt.case_id == case_id, EscalationAttempt.staff_id.is_(None),
        EscalationAttempt.attempt_no >= from_step)).first() is not None


def open_case_counts(session: Session, *, staff_ids: Sequence[int]) -> dict[int | None, int]:
    """Cases claimed or in progress per staff member."""
    return {k: v for k, v in session.execute(
        select(Case.assigned_staff_id, func.count()).where(
            Case.assigned_staff_id.in_(staff_ids), Case.status.in_(WORKED_STATUSES))
        .group_by(Case.assigned_staff_id)).all()}


def last_paged(session: Session, *, staff_ids: Sequence[int]) -> dict[int | None, int]:
    """The id of each staff member's latest page attempt (higher = paged more recently)."""
    return {k: v for k, v in session.execute(
        select(EscalationAttempt.staff_id, func.max(EscalationAttempt.id))
        .where(EscalationAttempt.staff_id.in_(staff_ids)).group_by(EscalationAttempt.staff_id)).all()}


def region_supervisors(session: Session, *, region: str) -> list[Staff]:
    """Active supervisors covering a region (primary or another of theirs), on shift or not: the escalation
    point of its unclaimed emergencies."""
    return list(session.scalars(select(Staff).where(
        crud.covers_region(region), Staff.role == "supervisor", Staff.active.is_(True)).order_by(Staff.id)))


def mark_published(session: Session, *, outbox_ids: Iterable[int], now: datetime, first_only: bool = True) -> None:
    """Stamp outbox rows published, in one statement; ``first_only`` keeps the first stamp when two race."""
    ids = list(outbox_ids)
    if not ids:
        return
    stmt = update(Outbox).where(Outbox.id.in_(ids))
    if first_only:
        stmt = stmt.where(Outbox.published_at.is_(None))
    session.execute(stmt.values(published_at=now))


def due_pages(session: Session, *, cutoff: datetime, statuses: Sequence[str],
              urgencies: Sequence[str]) -> list[tuple[int, int]]:
    """(case id, latest step) of cases still waiting whose open page attempts were sent before ``cutoff``."""
    rows = session.execute(
        select(EscalationAttempt.case_id, func.max(EscalationAttempt.attempt_no))
        .join(Case, Case.id == EscalationAttempt.case_id)
        .where(Case.status.in_(statuses), Case.urgency.in_(urgencies),
               EscalationAttempt.acknowledged_at.is_(None), EscalationAttempt.timed_out_at.is_(None),
               EscalationAttempt.sent_at <= cutoff)
        .group_by(EscalationAttempt.case_id)).all()
    return [(int(c), int(s)) for c, s in rows]


def stale_pages(session: Session, *, cutoff: datetime, done_action: str, statuses: Sequence[str],
                urgencies: Sequence[str], limit: int = 500) -> list[tuple[int, int, int, str]]:
    """(outbox id, case id, step, urgency) of page rows published before ``cutoff`` with no result yet."""
    done = exists().where(AuditLog.entity == "outbox", AuditLog.action == done_action,
                          AuditLog.entity_id == cast(Outbox.id, String))
    rows = session.execute(
        select(Outbox.id, Outbox.case_id, Outbox.payload, Case.urgency)
        .join(Case, Case.id == Outbox.case_id)
        .where(Outbox.kind == "page", Outbox.published_at.is_not(None), Outbox.published_at <= cutoff,
               Case.status.in_(statuses), Case.urgency.in_(urgencies), ~done)
        .order_by(Outbox.created_at).limit(limit)).all()
    return [(int(i), int(c), int((p or {}).get("step", 1)), str(u)) for i, c, p, u in rows]
