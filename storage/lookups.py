"""Small reads the handlers need by id or by code, outside the scoped reads of ``crud`` (system use: the
paging workers, the staff desk's own bookkeeping). Who may *see* a case is still decided only by
``crud.can_view_case`` / ``crud.case_scope``; callers that act for a staff member check it themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage.models import WORKED_STATUSES, Case, Conversation, Shift, Staff


def case_by_id(session: Session, case_id: int, *, fresh: bool = False) -> Case | None:
    """A case by id; ``fresh`` re-reads a row this session already holds (status after an action)."""
    return session.get(Case, case_id, populate_existing=fresh)


def case_by_code(session: Session, code: str) -> Case | None:
    """A case by its public code, unscoped (the caller decides what the actor may do with it)."""
    return session.scalars(select(Case).where(Case.code == code)).first()


def staff_by_id(session: Session, staff_id: int, *, fresh: bool = False) -> Staff | None:
    """A staff member by id; ``fresh`` re-reads a row this session already holds (active flag, region)."""
    return session.get(Staff, staff_id, populate_existing=fresh)


def conversation_by_id(session: Session, conversation_id: int | None) -> Conversation | None:
    """A conversation by id (None for None: a case whose citizen erased their conversation)."""
    return session.get(Conversation, conversation_id) if conversation_id is not None else None


def open_case_for(session: Session, *, conversation_id: int, staff_id: int, statuses: Iterable[str]) -> Case | None:
    """The newest case of a conversation assigned to ``staff_id`` in one of ``statuses``."""
    return session.scalars(
        select(Case).where(Case.conversation_id == conversation_id, Case.assigned_staff_id == staff_id,
                           Case.status.in_(tuple(statuses))).order_by(Case.created_at.desc(), Case.id.desc())
    ).first()


def other_worked_case(session: Session, *, conversation_id: int, not_case_id: int) -> Case | None:
    """Another case of the same conversation that a counsellor is working on."""
    return session.scalars(select(Case).where(
        Case.conversation_id == conversation_id, Case.id != not_case_id, Case.status.in_(WORKED_STATUSES),
        Case.assigned_staff_id.is_not(None))).first()


def handoff_conversations(session: Session, *, staff_id: int) -> list[Conversation]:
    """Conversations currently handed to ``staff_id`` (the counsellor talks to the citizen), oldest first."""
    return list(session.scalars(select(Conversation).where(Conversation.handoff_staff_id == staff_id)
                                .order_by(Conversation.id)))


def sender_ids(session: Session, conversation_ids: Iterable[int]) -> dict[int, str]:
    """Conversation id → channel-qualified sender id."""
    ids = set(conversation_ids)
    if not ids:
        return {}
    return {c.id: c.sender_id for c in session.scalars(select(Conversation).where(Conversation.id.in_(ids)))}


def staff_on_shift(session: Session) -> set[int]:
    """Ids of the staff with an open shift now."""
    return set(session.scalars(select(Shift.staff_id).where(Shift.ends_at.is_(None))))


def ping(session: Session) -> None:
    """One round trip to the database (readiness probe)."""
    session.execute(text("SELECT 1"))
