"""Keyword-only storage functions: one narrow function per thing the application does.

Transactions: every public function is one unit of work. It commits what it did before returning and rolls
back (then re-raises) on error, so a caller never has half a case or a page without its case. Use a fresh
session per call or per request (the async core runs each call in ``asyncio.to_thread``); sessions come from
``storage.db.make_session_factory`` (``expire_on_commit=False``, so returned rows stay readable).

Objects passed in (``conversation``, ``case``, ``staff``) are used for their ``id`` (and, for a viewer, their
role and region); functions re-read the row inside their own transaction and return the fresh one.

Privacy: nothing here logs. Audit details hold ids, statuses and field names, never message text, names or
phone numbers.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, TypeVar, cast

from sqlalchemy import CursorResult, Result, and_, delete, exists, false, func, literal, or_, select, text, update
from sqlalchemy import case as sql_case
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from storage.models import (
    AGE_GROUPS,
    CASE_STATUSES,
    CHANNELS,
    LANGS,
    MESSAGE_STATUSES,
    PLACES,
    ROLES,
    SEXES,
    STAFF_CHANNELS,
    URGENCIES,
    VIOLENCE_TYPES,
    AuditLog,
    Base,
    Case,
    CaseNote,
    Conversation,
    EscalationAttempt,
    Message,
    Outbox,
    ReviewItem,
    Shift,
    Staff,
    StaffRegion,
    utcnow,
)

__all__ = [
    "add_case_note",
    "ALLOWED_TRANSITIONS",
    "OPEN_STATUSES",
    "POLICE_REPORT_WINDOW",
    "AccessDenied",
    "CaseAlreadyClaimed",
    "DuplicateStaff",
    "ErasureReport",
    "InvalidTransition",
    "StorageError",
    "acknowledge_escalation",
    "actor_name",
    "add_staff",
    "assign_case",
    "move_case_to_region",
    "place_case",
    "in_region",
    "audit",
    "CASE_ROLES",
    "REVIEW_ROLES",
    "can_review",
    "FIGURES_ROLES",
    "note_staff_reply",
    "aggregate_scope",
    "can_view_case",
    "case_scope",
    "claim_case",
    "create_case_with_outbox",
    "end_shift",
    "erase_conversation",
    "escalation_dedup_key",
    "get_case",
    "get_case_by_code",
    "get_conversation",
    "get_or_create_conversation",
    "get_staff",
    "get_staff_by_contact",
    "list_audit",
    "list_escalation_attempts",
    "list_pending_messages",
    "list_queue",
    "list_staff",
    "list_unpublished_outbox",
    "mark_escalation_timed_out",
    "mark_outbox_published",
    "on_call_staff",
    "purge_messages_older_than",
    "record_escalation_attempt",
    "record_inbound",
    "reopen_case",
    "record_outbound",
    "set_handoff",
    "set_message_status",
    "set_opted_out",
    "set_staff_active",
    "set_staff_regions",
    "supervises",
    "roster_scope",
    "covers_region",
    "in_regions",
    "start_shift",
    "transition_case",
    "update_case_details",
    "update_conversation_state",
]

# --------------------------------------------------------------------------------------------------- rules

#: Case workflow. ``claimed -> paged`` puts a case back in the queue when a counsellor cannot continue;
#: ``referred -> in_progress`` when a referral comes back; ``closed`` is final.
ALLOWED_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    "new": frozenset({"paged", "claimed", "closed"}),
    "paged": frozenset({"claimed", "closed"}),
    "claimed": frozenset({"in_progress", "referred", "closed", "paged"}),
    "in_progress": frozenset({"referred", "closed"}),
    "referred": frozenset({"in_progress", "closed"}),
    "closed": frozenset(),
}
OPEN_STATUSES: Final[tuple[str, ...]] = tuple(s for s in CASE_STATUSES if s != "closed")
#: UU TPKS (Law 12/2022): sexual-violence cases are reported to the police within 3 x 24 hours.
POLICE_REPORT_WINDOW: Final = timedelta(hours=72)
# Personal fields of a case, cleared by erase_conversation; the rest is anonymous statistics.
_PERSONAL_CASE_FIELDS: Final = ("kelurahan", "victim_age", "safe_contact")
# Fields staff (or the intake) may fill in after the case exists.
_EDITABLE_CASE_FIELDS: Final = frozenset(
    {
        "city",
        "kecamatan",
        "kelurahan",
        "violence_type",
        "victim_age_group",
        "victim_age",
        "victim_sex",
        "relationship",
        "place",
        "urgency",
        "safe_contact",
        "region",
        "place_code",
    }
)
# No 0/O, 1/I/L or U: codes are read aloud and typed on phones.
_CODE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH: Final = 5

_T = TypeVar("_T", bound=Base)


# --------------------------------------------------------------------------------------------- exceptions


class StorageError(Exception):
    """Base class of the errors raised on purpose by this module."""


class InvalidTransition(StorageError, ValueError):
    """A case status change the workflow does not allow (or that lost a race with another change)."""

    def __init__(self, *, code: str, from_status: str, to_status: str, reason: str | None = None) -> None:
        self.code = code
        self.from_status = from_status
        self.to_status = to_status
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS.get(from_status, ()))) or "none, the case is closed"
        message = reason or f"case {code}: cannot go from {from_status!r} to {to_status!r} (allowed: {allowed})"
        super().__init__(message)


class CaseAlreadyClaimed(InvalidTransition):
    """Someone else claimed the case first (or it is no longer waiting to be claimed)."""


class AccessDenied(StorageError, PermissionError):
    """A staff member tried to read or change a case outside their visibility (the attempt is audited)."""


class DuplicateStaff(StorageError, ValueError):
    """A staff member with the same channel and contact id already exists."""


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What ``erase_conversation`` did, for the reply to the citizen and for deleting Telegram messages."""

    found: bool
    messages_deleted: int
    cases_anonymised: int
    #: Telegram ``message_id``s (in and out) of the erased chat that the bot may still try to delete.
    telegram_message_ids: tuple[int, ...]
    #: The review items deleted with it (ids): release folders written before may still hold their text.
    review_item_ids: tuple[int, ...] = ()


# ---------------------------------------------------------------------------------------------- helpers


@contextmanager
def _unit_of_work(session: Session) -> Iterator[None]:
    """Commit on success, roll back on any error, so each public function is all-or-nothing."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _check(value: str | None, allowed: Iterable[str], field: str, *, nullable: bool = False) -> None:
    if value is None and nullable:
        return
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{field} must be one of {', '.join(allowed)}; got {value!r}")


def _rowcount(result: Result[Any]) -> int:
    # DML results are CursorResults; the typed API returns the generic Result.
    return cast(CursorResult[Any], result).rowcount


def _load(session: Session, model: type[_T], row_id: int) -> _T:
    """The current row, re-read from the database even if this session already holds it."""
    row = session.get(model, row_id, populate_existing=True)
    if row is None:
        raise LookupError(f"{model.__tablename__} {row_id} not found")
    return row


def actor_name(actor: Staff | str) -> str:
    """The audit-log actor string: ``"staff:<id>"`` for a staff member, else the given name."""
    return f"staff:{actor.id}" if isinstance(actor, Staff) else actor


def _add_audit(
    session: Session,
    *,
    actor: Staff | str,
    action: str,
    entity: str,
    entity_id: int | str | None,
    detail: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditLog:
    row = AuditLog(
        actor=actor_name(actor),
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        at=at or utcnow(),
        detail=dict(detail or {}),
    )
    session.add(row)
    return row


def _deny(session: Session, *, viewer: Staff, action: str, case: Case) -> AccessDenied:
    """Record a refused access (committed even though the caller then raises) and build the exception."""
    with _unit_of_work(session):
        _add_audit(
            session,
            actor=viewer,
            action=f"{action}_denied",
            entity="case",
            entity_id=case.id,
            detail={"viewer_role": viewer.role, "viewer_region": viewer.region},
        )
    return AccessDenied(f"staff {viewer.id} ({viewer.role}, {viewer.region}) may not {action} case {case.code}")


def audit(
    session: Session,
    *,
    actor: Staff | str,
    action: str,
    entity: str,
    entity_id: int | str | None,
    detail: Mapping[str, Any] | None = None,
) -> AuditLog:
    """Write one audit-log row and commit it.

    ``actor`` is a ``Staff`` (stored as ``"staff:<id>"``), ``"system"`` or ``"citizen"``. ``detail`` must hold
    ids, statuses and field names only: never message text, names or phone numbers.
    """
    with _unit_of_work(session):
        row = _add_audit(session, actor=actor, action=action, entity=entity, entity_id=entity_id, detail=detail)
    return row


def list_audit(
    session: Session, *, entity: str | None = None, entity_id: int | str | None = None, limit: int = 100
) -> list[AuditLog]:
    """Audit rows, newest first, optionally for one entity (e.g. ``entity="case", entity_id=12``)."""
    stmt = select(AuditLog)
    if entity is not None:
        stmt = stmt.where(AuditLog.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditLog.entity_id == str(entity_id))
    return list(session.scalars(stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)))


# ----------------------------------------------------------------------------------------- conversations


def get_conversation(session: Session, *, sender_id: str) -> Conversation | None:
    """The conversation of ``sender_id`` (``"tg:123"``, ``"wa:+62..."``), or None."""
    return session.scalars(select(Conversation).where(Conversation.sender_id == sender_id)).first()


def get_or_create_conversation(session: Session, *, sender_id: str, channel: str) -> Conversation:
    """The conversation of ``sender_id``, created (language ``id``, empty state) on first contact.

    Safe when two deliveries of a first message race: the loser of the UNIQUE(sender_id) insert reads the
    winner's row.
    """
    _check(channel, CHANNELS, "channel")
    existing = get_conversation(session, sender_id=sender_id)
    if existing is not None:
        return existing
    conversation = Conversation(sender_id=sender_id, channel=channel, lang="id", state={}, opted_out=False)
    session.add(conversation)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = get_conversation(session, sender_id=sender_id)
        if existing is None:
            raise
        return existing
    return conversation


def update_conversation_state(
    session: Session, *, conversation: Conversation, state: Mapping[str, Any], lang: str | None = None
) -> Conversation:
    """Replace the intake state (step and collected fields) and optionally the language."""
    _check(lang, LANGS, "lang", nullable=True)
    with _unit_of_work(session):
        row = _load(session, Conversation, conversation.id)
        row.state = dict(state)  # a new object, so the JSON column is seen as changed
        if lang is not None:
            row.lang = lang
    return row


def set_opted_out(session: Session, *, conversation: Conversation, opted_out: bool = True) -> Conversation:
    """Record ``berhenti`` (or a return): an opted-out citizen gets no further unsolicited messages."""
    with _unit_of_work(session):
        row = _load(session, Conversation, conversation.id)
        row.opted_out = opted_out
        _add_audit(
            session,
            actor="citizen",
            action="opt_out" if opted_out else "opt_in",
            entity="conversation",
            entity_id=row.id,
        )
    return row


def set_handoff(session: Session, *, conversation: Conversation, staff: Staff | None) -> Conversation:
    """Hand the chat to ``staff`` (a counsellor talks through the bot), or back to the bot with None."""
    with _unit_of_work(session):
        row = _load(session, Conversation, conversation.id)
        row.handoff_staff_id = None if staff is None else staff.id
        _add_audit(
            session,
            actor=staff if staff is not None else "system",
            action="handoff" if staff is not None else "handback",
            entity="conversation",
            entity_id=row.id,
        )
    return row


def flush_erased(session: Session) -> bool:
    """After an erasure, move the write-ahead log into the database file and empty it (SQLite).

    With ``secure_delete`` the erased rows are zeroed in the database file, but their earlier versions stay in
    the WAL file until a checkpoint; TRUNCATE empties it. Returns False when readers kept it from completing
    (it is then done by the next erasure or SQLite's own checkpoints). PostgreSQL: nothing to do here.
    """
    if session.get_bind().dialect.name != "sqlite":
        return True
    busy = session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).first()
    return busy is None or int(busy[0]) == 0


def erase_conversation(session: Session, *, sender_id: str) -> ErasureReport:
    """Erase what the hotline holds about ``sender_id`` (``hapus``, UU PDP right to erasure), atomically.

    Deletes the conversation (state, language, opt-out, sender id) and all its messages; clears the personal
    fields of its cases (kelurahan, victim age, safe contact) and unlinks them, keeping the anonymous
    statistics (region, kecamatan, type, age group, urgency, status, dates); replaces the payload of their
    outbox rows; writes an audit row. Returns the Telegram message ids the bot may still delete in the chat.
    """
    with _unit_of_work(session):
        conversation = get_conversation(session, sender_id=sender_id)
        if conversation is None:
            return ErasureReport(found=False, messages_deleted=0, cases_anonymised=0, telegram_message_ids=())
        conv_id = conversation.id
        now = utcnow()
        telegram_ids = tuple(
            v
            for v in session.scalars(
                select(Message.chat_message_id)
                .where(Message.conversation_id == conv_id, Message.channel == "telegram")
                .order_by(Message.id)
            )
            if v is not None
        )
        # The review inbox and its training examples hold the person's words (redacted): they go first.
        review_ids = tuple(session.scalars(select(ReviewItem.id).where(ReviewItem.conversation_id == conv_id)
                                           .order_by(ReviewItem.id)))
        review_deleted = _rowcount(session.execute(delete(ReviewItem).where(ReviewItem.conversation_id == conv_id)))
        messages_deleted = _rowcount(session.execute(delete(Message).where(Message.conversation_id == conv_id)))
        case_ids = list(session.scalars(select(Case.id).where(Case.conversation_id == conv_id)))
        if case_ids:
            cleared: dict[str, Any] = dict.fromkeys(_PERSONAL_CASE_FIELDS)
            session.execute(
                update(Case)
                .where(Case.id.in_(case_ids))
                .values(**cleared, conversation_id=None, erased_at=now, updated_at=now)
            )
            # Counsellors' notes may hold what the citizen told them.
            session.execute(update(CaseNote).where(CaseNote.case_id.in_(case_ids)).values(text=None))
            # A page payload may repeat the location or a safe-contact hint; the notifier has the case id.
            session.execute(update(Outbox).where(Outbox.case_id.in_(case_ids)).values(payload={"erased": True}))
        session.delete(conversation)
        _add_audit(
            session,
            actor="citizen",
            action="erase",
            entity="conversation",
            entity_id=conv_id,
            detail={"messages_deleted": messages_deleted, "case_ids": case_ids, "review_items_deleted": review_deleted},
            at=now,
        )
    return ErasureReport(
        found=True,
        messages_deleted=messages_deleted,
        cases_anonymised=len(case_ids),
        telegram_message_ids=telegram_ids,
        review_item_ids=review_ids,
    )


# ---------------------------------------------------------------------------------------------- messages


def _find_message(session: Session, *, channel: str, external_id: str) -> Message | None:
    return session.scalars(
        select(Message).where(Message.channel == channel, Message.external_id == external_id)
    ).first()


def record_inbound(
    session: Session,
    *,
    conversation: Conversation,
    channel: str,
    external_id: str,
    text: str | None,
    media_count: int = 0,
    chat_message_id: int | None = None,
    received_at: datetime | None = None,
) -> Message | None:
    """Store an inbound message (status ``received``) and touch ``last_inbound_at``.

    Returns None when ``(channel, external_id)`` was already stored: the channel re-delivered it, and it must
    be processed once. The UNIQUE constraint decides, so two deliveries racing are caught too.
    """
    _check(channel, CHANNELS, "channel")
    # No lookup first: duplicates are rare, and the INSERT below meets the UNIQUE constraint for them anyway.
    at = received_at or utcnow()
    message = Message(
        conversation_id=conversation.id,
        direction="in",
        channel=channel,
        external_id=external_id,
        text=text,
        media_count=media_count,
        chat_message_id=chat_message_id,
        status="received",
        created_at=at,
    )
    try:
        session.add(message)
        session.flush()  # the INSERT meets UNIQUE(channel, external_id) here for a re-delivery
        session.execute(
            update(Conversation).where(Conversation.id == conversation.id).values(last_inbound_at=at, updated_at=at)
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        if _find_message(session, channel=channel, external_id=external_id) is not None:
            return None
        raise
    except BaseException:
        session.rollback()
        raise
    return message


def record_outbound(
    session: Session,
    *,
    conversation: Conversation,
    channel: str,
    text: str | None,
    chat_message_id: int | None = None,
    external_id: str | None = None,
    status: str = "processed",
) -> Message:
    """Store a reply sent to the citizen.

    ``chat_message_id``: Telegram's message id, so ``hapus`` can delete the bot's messages too.
    ``external_id``: only a globally unique delivery id (Twilio MessageSid); Telegram message ids are unique
    per chat only, so they go in ``chat_message_id``.
    """
    _check(channel, CHANNELS, "channel")
    _check(status, MESSAGE_STATUSES, "status")
    with _unit_of_work(session):
        message = Message(
            conversation_id=conversation.id,
            direction="out",
            channel=channel,
            external_id=external_id,
            text=text,
            media_count=0,
            chat_message_id=chat_message_id,
            status=status,
        )
        session.add(message)
    return message


def set_message_status(
    session: Session, *, message_id: int, status: str, triage: Mapping[str, Any] | None = None
) -> Message:
    """Set a message's status (``processed`` / ``pending_retry``) and optionally its triage summary.

    ``triage`` holds labels (urgency, category, victim, intent, confidence, cues); a ``text`` key is refused
    so message text never lands outside ``messages.text``.
    """
    _check(status, MESSAGE_STATUSES, "status")
    if triage is not None and "text" in triage:
        raise ValueError("triage must not contain the message text")
    with _unit_of_work(session):
        message = _load(session, Message, message_id)
        message.status = status
        if triage is not None:
            message.triage = dict(triage)
    return message


def finish_turn(
    session: Session,
    *,
    conversation_id: int,
    message_id: int,
    state: Mapping[str, Any],
    lang: str | None,
    status: str,
    triage: Mapping[str, Any] | None = None,
) -> None:
    """Save what one turn decided, in one transaction: the conversation's intake state and language, and the
    message's status and triage summary.

    Both rows are addressed by id and written with plain UPDATEs (no reads): this runs once per message, on the
    path every citizen waits on. ``triage`` follows :func:`set_message_status`'s rule (no ``text`` key).
    """
    _check(status, MESSAGE_STATUSES, "status")
    _check(lang, LANGS, "lang", nullable=True)
    if triage is not None and "text" in triage:
        raise ValueError("triage must not contain the message text")
    conversation_values: dict[str, Any] = {"state": dict(state)}
    if lang is not None:
        conversation_values["lang"] = lang
    message_values: dict[str, Any] = {"status": status}
    if triage is not None:
        message_values["triage"] = dict(triage)
    with _unit_of_work(session):
        session.execute(update(Conversation).where(Conversation.id == conversation_id).values(**conversation_values))
        session.execute(update(Message).where(Message.id == message_id).values(**message_values))


def list_pending_messages(session: Session, *, limit: int, received_before: datetime | None = None) -> list[Message]:
    """Inbound messages to process again after a Rasa/Redis outage, oldest first.

    Always the ``pending_retry`` ones; with ``received_before``, also ``received`` messages older than that
    (processing died half-way, e.g. a crash), so a caller passes "now minus a grace period".
    """
    pending: ColumnElement[bool] = Message.status == "pending_retry"
    if received_before is not None:
        pending = or_(pending, and_(Message.status == "received", Message.created_at < received_before))
    stmt = (
        select(Message).where(Message.direction == "in", pending).order_by(Message.created_at, Message.id).limit(limit)
    )
    return list(session.scalars(stmt))


def purge_messages_older_than(session: Session, *, days: int) -> int:
    """Delete messages older than ``days`` days (data minimisation); returns how many were deleted."""
    if days < 0:
        raise ValueError("days must be >= 0")
    cutoff = utcnow() - timedelta(days=days)
    with _unit_of_work(session):
        deleted = _rowcount(session.execute(delete(Message).where(Message.created_at < cutoff)))
        _add_audit(
            session,
            actor="system",
            action="purge",
            entity="message",
            entity_id=None,
            detail={"older_than_days": days, "deleted": deleted},
        )
    return deleted


# ------------------------------------------------------------------------------------------------- cases


def _new_case_code(session: Session) -> str:
    # 30^5 = 24 million codes; a lookup avoids the rare collision, UNIQUE(code) guards the race.
    for _ in range(20):
        code = "K-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
        if session.scalars(select(Case.id).where(Case.code == code)).first() is None:
            return code
    raise RuntimeError("could not find a free case code")


def _normalise_code(code: str) -> str:
    code = code.strip().upper()
    return code if code.startswith("K-") else f"K-{code}"


def _police_due(violence_type: str, created_at: datetime) -> datetime | None:
    return created_at + POLICE_REPORT_WINDOW if violence_type == "sexual" else None


def _validate_case_fields(fields: Mapping[str, Any]) -> None:
    for name, allowed, nullable in (
        ("violence_type", VIOLENCE_TYPES, False),
        ("victim_age_group", AGE_GROUPS, False),
        ("urgency", URGENCIES, False),
        ("victim_sex", SEXES, True),
        ("place", PLACES, True),
    ):
        if name in fields:
            _check(fields[name], allowed, name, nullable=nullable)
    age = fields.get("victim_age")
    if age is not None and not 0 <= age < 130:
        raise ValueError(f"victim_age out of range: {age}")
    if "region" in fields and not fields["region"]:
        raise ValueError("region must not be empty (use the default region when unknown)")


def _outbox_by_key(session: Session, dedup_key: str) -> Outbox | None:
    return session.scalars(select(Outbox).where(Outbox.dedup_key == dedup_key)).first()


def create_case_with_outbox(
    session: Session,
    *,
    conversation: Conversation | None,
    region: str,
    violence_type: str,
    urgency: str,
    page_payload: Mapping[str, Any],
    victim_age_group: str = "unknown",
    city: str | None = None,
    kecamatan: str | None = None,
    kelurahan: str | None = None,
    victim_age: int | None = None,
    victim_sex: str | None = None,
    relationship: str | None = None,
    place: str | None = None,
    safe_contact: str | None = None,
    dedup_key: str | None = None,
    now: datetime | None = None,
    place_code: str | None = None,
) -> tuple[Case, Outbox]:
    """Create a case (status ``new``) and its page in the outbox, in ONE transaction.

    ``region`` is the team's key: a regency/city or province Kemendagri code, or the default region when
    unknown; ``place_code`` the most specific code known (its names go in ``city`` / ``kecamatan`` /
    ``kelurahan``). ``police_report_due_at`` is set to
    created + 72 h for sexual violence (UU TPKS). The outbox payload is ``page_payload`` plus ``case_id`` and
    ``case_code``; it must hold no message text. ``dedup_key`` (e.g. ``"page:telegram:<update_id>"``) makes
    reprocessing the same message idempotent: if it exists, the existing case and page are returned.
    """
    fields: dict[str, Any] = {
        "region": region,
        "violence_type": violence_type,
        "urgency": urgency,
        "victim_age_group": victim_age_group,
        "victim_age": victim_age,
        "victim_sex": victim_sex,
        "place": place,
    }
    _validate_case_fields(fields)
    if dedup_key is not None:
        existing = _outbox_by_key(session, dedup_key)
        if existing is not None:
            return _load(session, Case, existing.case_id), existing
    created = now or utcnow()
    try:
        case = Case(
            code=_new_case_code(session),
            conversation_id=None if conversation is None else conversation.id,
            channel=None if conversation is None else conversation.channel,
            city=city,
            kecamatan=kecamatan,
            kelurahan=kelurahan,
            place_code=place_code,
            relationship=relationship,
            safe_contact=safe_contact,
            status="new",
            police_report_due_at=_police_due(violence_type, created),
            created_at=created,
            updated_at=created,
            **fields,
        )
        session.add(case)
        session.flush()  # the outbox row needs the case id
        outbox = Outbox(
            case_id=case.id,
            kind="page",
            payload={**page_payload, "case_id": case.id, "case_code": case.code},
            created_at=created,
            dedup_key=dedup_key or f"page:{case.code}",
        )
        session.add(outbox)
        _add_audit(
            session,
            actor="system",
            action="create",
            entity="case",
            entity_id=case.id,
            detail={"urgency": urgency, "violence_type": violence_type, "region": region},
            at=created,
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        if dedup_key is not None:
            existing = _outbox_by_key(session, dedup_key)
            if existing is not None:  # the same message processed concurrently: theirs won
                return _load(session, Case, existing.case_id), existing
        raise
    except BaseException:
        session.rollback()
        raise
    return case, outbox


def get_case(session: Session, *, case_id: int) -> Case | None:
    """A case by id, for the system (escalation, exports). Not audited: staff reads go through
    ``get_case_by_code`` / ``list_queue``."""
    return session.get(Case, case_id)


#: Roles that work cases. Content editors and statisticians never see case data; admins manage accounts only.
CASE_ROLES: Final[frozenset[str]] = frozenset({"counsellor", "supervisor"})


#: Roles that label the review inbox (redacted messages, no case data): content editors and admins.
REVIEW_ROLES: Final[frozenset[str]] = frozenset({"content_editor", "admin"})


def can_review(viewer: Staff) -> bool:
    """Who may open the review inbox and its training examples (deny by default; no case role may)."""
    return viewer.active and viewer.role in REVIEW_ROLES


def in_region(case_region: str, staff_region: str) -> bool:
    """Whether a case of ``case_region`` belongs to the team of ``staff_region``: the same key, or a regency of
    the staff's province ("32.76" is in "32"). Keys are Kemendagri codes (or ``nasional``, which matches only
    itself: national staff see national cases, and a case elsewhere through its page)."""
    return case_region == staff_region or case_region.startswith(staff_region + ".")


def in_regions(case_region: str, staff_regions: Iterable[str]) -> bool:
    """Whether a case of ``case_region`` belongs to any of ``staff_regions`` (the ``in_region`` rule for each)."""
    return any(in_region(case_region, r) for r in staff_regions)


def _region_clause(staff_region: str, column: Any = Case.region) -> ColumnElement[bool]:
    """SQL form of ``in_region`` for ``column`` (a case's region, or a staff member's)."""
    return or_(column == staff_region, column.startswith(staff_region + ".", autoescape=True))


def _regions_clause(viewer: Staff) -> ColumnElement[bool]:
    """SQL form of ``in_regions`` over every region of ``viewer``."""
    return or_(*(_region_clause(r) for r in viewer.regions))


def can_view_case(viewer: Staff, case: Case) -> bool:
    """Who may see a case, the one rule (``case_scope`` is its SQL form; both paths use them).

    Counsellor: a case in any of their regions, or assigned to them; supervisor: a case in any of their regions;
    every other role and inactive staff: nothing (deny by default). A region is a regency/city code, and a
    province's staff see its regencies' cases too (a supervisor of "32" sees the cases of "32.76"); a staff
    member of several regions (``Staff.regions``) sees the cases of each.
    """
    if not viewer.active or viewer.role not in CASE_ROLES:
        return False
    if viewer.role == "supervisor":
        return in_regions(case.region, viewer.regions)
    return in_regions(case.region, viewer.regions) or case.assigned_staff_id == viewer.id


def supervises(supervisor: Staff, target: Staff) -> bool:
    """Whether ``target`` is on ``supervisor``'s roster (board, shifts): an active supervisor, and one of the
    target's regions in one of the supervisor's (the ``in_region`` rule: a province's supervisor has its
    regencies' staff)."""
    return (supervisor.active and supervisor.role == "supervisor"
            and any(in_regions(r, supervisor.regions) for r in target.regions))


def roster_scope(supervisor: Staff) -> ColumnElement[bool]:
    """SQL form of ``supervises``: the staff rows on ``supervisor``'s board."""
    if not supervisor.active or supervisor.role != "supervisor":
        return false()
    return exists().where(StaffRegion.staff_id == Staff.id,
                          or_(*(_region_clause(r, StaffRegion.region) for r in supervisor.regions)))


def can_manage_case(viewer: Staff, case: Case) -> bool:
    """Who may transfer, close or reopen a case they can see: its assignee, a supervisor or an admin."""
    return viewer.active and (viewer.role in ("supervisor", "admin") or case.assigned_staff_id == viewer.id)


def get_case_to_claim(session: Session, *, code: str, viewer: Staff) -> Case | None:
    """The case ``viewer`` may claim: one they may see, or one they were paged for (a page sent to the national
    team, say, lets its recipient see and claim that case). Audited like ``get_case_by_code``; None when missing
    or denied."""
    case = session.scalars(select(Case).where(Case.code == _normalise_code(code))).first()
    if case is not None and not can_view_case(viewer, case) and viewer.active and session.scalars(
            select(EscalationAttempt.id).where(EscalationAttempt.case_id == case.id,
                                               EscalationAttempt.staff_id == viewer.id)).first() is not None:
        audit(session, actor=viewer, action="read", entity="case", entity_id=case.id, detail={"via": "page"})
        return case
    try:
        return get_case_by_code(session, code=code, viewer=viewer)
    except AccessDenied:
        return None


def case_scope(viewer: Staff) -> ColumnElement[bool]:
    """SQL form of ``can_view_case``: the WHERE clause every staff read of cases goes through."""
    if not viewer.active or viewer.role not in CASE_ROLES:
        return false()
    if viewer.role == "supervisor":
        return _regions_clause(viewer)
    return or_(_regions_clause(viewer), Case.assigned_staff_id == viewer.id)


#: Roles that see figures: supervisors (their region; they see its cases anyway) and statisticians (the region
#: their account is scoped to, aggregates only: never a case).
FIGURES_ROLES: Final[frozenset[str]] = frozenset({"supervisor", "statistician"})


def aggregate_scope(viewer: Staff) -> ColumnElement[bool]:
    """The WHERE clause of every aggregate over cases (figures, exports): the one rule of whose counts a viewer
    may see. Supervisors: exactly ``case_scope``; statisticians: their account's regions (a province's
    statistician its regencies too, as for case staff); anyone else: nothing."""
    if not viewer.active or viewer.role not in FIGURES_ROLES:
        return false()
    if viewer.role == "supervisor":
        return case_scope(viewer)
    return _regions_clause(viewer)


def get_case_by_code(session: Session, *, code: str, viewer: Staff) -> Case | None:
    """The case with public ``code`` (``"K-7F3A2"``; any case, prefix optional) if ``viewer`` may see it.

    Every attempt is audited: ``read``, ``read_denied`` or ``read_not_found``. Raises ``AccessDenied`` when
    the case exists but is outside the viewer's visibility; returns None when no such case exists.
    """
    normalised = _normalise_code(code)
    case = session.scalars(select(Case).where(Case.code == normalised)).first()
    if case is None:
        audit(
            session,
            actor=viewer,
            action="read_not_found",
            entity="case",
            entity_id=None,
            detail={"code": normalised},
        )
        return None
    if not can_view_case(viewer, case):
        raise _deny(session, viewer=viewer, action="read", case=case)
    audit(session, actor=viewer, action="read", entity="case", entity_id=case.id)
    return case


def list_queue(
    session: Session, *, viewer: Staff, limit: int = 50, statuses: Sequence[str] = OPEN_STATUSES
) -> list[Case]:
    """Open cases ``viewer`` may see: emergency first, then high, then normal; oldest first within each.

    The read is audited (one row listing the case ids shown).
    """
    for status in statuses:
        _check(status, CASE_STATUSES, "status")
    if not viewer.active:
        audit(session, actor=viewer, action="list_denied", entity="case", entity_id=None)
        raise AccessDenied(f"staff {viewer.id} is not active")
    rank = sql_case((Case.urgency == "emergency", 0), (Case.urgency == "high", 1), else_=2)
    stmt = (
        select(Case)
        .where(Case.status.in_(statuses), case_scope(viewer))
        .order_by(rank, Case.created_at, Case.id)
        .limit(limit)
    )
    cases = list(session.scalars(stmt))
    audit(
        session,
        actor=viewer,
        action="list",
        entity="case",
        entity_id=None,
        detail={"case_ids": [c.id for c in cases]},
    )
    return cases


def _change_status(
    session: Session,
    *,
    case: Case,
    to_status: str,
    actor: Staff | str,
    action: str,
    extra: Mapping[str, Any],
    allowed_from: Iterable[str],
    error: type[InvalidTransition] = InvalidTransition,
) -> Case:
    """Conditional UPDATE ... WHERE status IN (allowed_from): race-safe on SQLite too (no FOR UPDATE)."""
    now = utcnow()
    allowed_from = tuple(allowed_from)
    with _unit_of_work(session):
        result = session.execute(
            update(Case)
            .where(Case.id == case.id, Case.status.in_(allowed_from))
            .values(status=to_status, updated_at=now, **extra)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) != 1:
            current = _load(session, Case, case.id)
            raise error(code=current.code, from_status=current.status, to_status=to_status)
        detail = {
            "to": to_status,
            **{k: v for k, v in extra.items() if k in ("outcome", "assigned_staff_id")},
        }
        _add_audit(session, actor=actor, action=action, entity="case", entity_id=case.id, detail=detail, at=now)
    return _load(session, Case, case.id)


def transition_case(
    session: Session, *, case: Case, to_status: str, actor: Staff | str, outcome: str | None = None
) -> Case:
    """Move a case along its workflow (see ``ALLOWED_TRANSITIONS``), audited.

    Raises ``InvalidTransition`` for a move the workflow forbids (or one that lost a race), ``AccessDenied``
    when a staff actor may not see the case. Closing sets ``closed_at``; ``outcome`` (a short code) is stored
    when given. A staff member moving an unassigned case to ``claimed`` becomes its assignee.
    """
    _check(to_status, CASE_STATUSES, "status")
    current = _load(session, Case, case.id)
    if isinstance(actor, Staff) and not can_view_case(actor, current):
        raise _deny(session, viewer=actor, action="update", case=current)
    if to_status not in ALLOWED_TRANSITIONS[current.status]:
        session.rollback()  # end the read transaction; nothing was changed
        raise InvalidTransition(code=current.code, from_status=current.status, to_status=to_status)
    extra: dict[str, Any] = {}
    if outcome is not None:
        extra["outcome"] = outcome
    if to_status == "closed":
        extra["closed_at"] = utcnow()
    if to_status == "claimed" and isinstance(actor, Staff) and current.assigned_staff_id is None:
        extra["assigned_staff_id"] = actor.id
    return _change_status(
        session,
        case=current,
        to_status=to_status,
        actor=actor,
        action="transition",
        extra=extra,
        allowed_from=(current.status,),
    )


def note_staff_reply(session: Session, *, case_code: str, at: datetime | None = None) -> None:
    """Record the first message a counsellor sent the citizen of a case (later ones leave it); the caller commits."""
    session.execute(update(Case).where(Case.code == case_code, Case.first_staff_reply_at.is_(None))
                    .values(first_staff_reply_at=at or utcnow()).execution_options(synchronize_session=False))


def claim_case(session: Session, *, case: Case, staff: Staff) -> Case:
    """``staff`` claims a ``new`` or ``paged`` case (the claim button on a page); audited.

    Two counsellors pressing at once: exactly one wins, the other gets ``CaseAlreadyClaimed``. Region is not
    checked: the page went to this person (possibly a national fallback), and the assignee may see the case.
    """
    if not staff.active:
        raise AccessDenied(f"staff {staff.id} is not active")
    return _change_status(
        session,
        case=case,
        to_status="claimed",
        actor=staff,
        action="claim",
        # The first claim stays: a case claimed again after a reopen keeps its first response time.
        extra={"assigned_staff_id": staff.id,
               "claimed_at": func.coalesce(Case.claimed_at, literal(utcnow(), Case.claimed_at.type))},
        allowed_from=("new", "paged"),
        error=CaseAlreadyClaimed,
    )


def reopen_case(session: Session, *, case: Case, staff: Staff) -> Case:
    """Reopen a closed case (the citizen came back, a referral failed): ``in_progress`` with ``staff`` as
    assignee; outcome and closing time cleared; audited as ``reopen``.

    Not a workflow transition (``closed`` stays final for ``transition_case``): only a deliberate reopen by
    someone who may see the case. ``InvalidTransition`` if the case is not closed (or lost a race).
    """
    current = _load(session, Case, case.id)
    if not can_view_case(staff, current):
        raise _deny(session, viewer=staff, action="reopen", case=current)
    return _change_status(
        session,
        case=current,
        to_status="in_progress",
        actor=staff,
        action="reopen",
        extra={"assigned_staff_id": staff.id, "closed_at": None, "outcome": None},
        allowed_from=("closed",),
    )


def assign_case(session: Session, *, case: Case, staff: Staff, actor: Staff | str) -> Case:
    """Assign (or transfer) a case to ``staff``, audited. A ``new``/``paged`` case becomes ``claimed``.

    A staff ``actor`` must be able to see the case; a closed case cannot be assigned.
    """
    if not staff.active:
        raise ValueError(f"staff {staff.id} is not active")
    current = _load(session, Case, case.id)
    if isinstance(actor, Staff) and not can_view_case(actor, current):
        raise _deny(session, viewer=actor, action="assign", case=current)
    if current.status == "closed":
        session.rollback()
        raise InvalidTransition(
            code=current.code,
            from_status="closed",
            to_status="closed",
            reason=f"case {current.code} is closed and cannot be assigned",
        )
    now = utcnow()
    with _unit_of_work(session):
        current.assigned_staff_id = staff.id
        if current.status in ("new", "paged"):
            current.status = "claimed"
        current.updated_at = now
        _add_audit(
            session,
            actor=actor,
            action="assign",
            entity="case",
            entity_id=current.id,
            detail={"assigned_staff_id": staff.id, "status": current.status},
            at=now,
        )
    return current


def move_case_to_region(session: Session, *, case: Case, region: str, actor: Staff) -> Case:
    """Hand an open case to another region's team: the region changes, the assignee is cleared and the case is
    ``new`` again (waiting to be claimed there), audited as ``transfer_region`` (region keys and ids only).

    Who may see the case afterwards follows from ``can_view_case`` alone: the former assignee (outside the new
    region) no longer does. ``actor`` must see the case now; ``InvalidTransition`` for a closed case or when
    the case is already in ``region``. The caller queues the new region's page in the same transaction.
    """
    if not region:
        raise ValueError("region must not be empty")
    current = _load(session, Case, case.id)
    if not can_view_case(actor, current):
        raise _deny(session, viewer=actor, action="transfer_region", case=current)
    if current.status == "closed" or current.region == region:
        session.rollback()
        raise InvalidTransition(code=current.code, from_status=current.status, to_status=current.status,
                                reason=f"case {current.code} cannot move to region {region}")
    now = utcnow()
    detail = {"from_region": current.region, "to_region": region, "from_status": current.status,
              "from_staff_id": current.assigned_staff_id}
    with _unit_of_work(session):
        current.region = region
        current.assigned_staff_id = None
        current.status = "new"
        current.updated_at = now
        _add_audit(session, actor=actor, action="transfer_region", entity="case", entity_id=current.id,
                   detail=detail, at=now)
    return current


def place_case(session: Session, *, case: Case, place_code: str, region: str, names: Mapping[str, str | None],
               now: datetime | None = None) -> bool:
    """Record where a case happened once the citizen says (the system's answer to "which city?"), audited.

    Sets ``place_code`` and the name columns. A case still waiting to be claimed (``new``/``paged``, nobody
    assigned) also moves to ``region``'s team, and True is returned so the caller queues that team's page in the
    same session; a claimed case keeps its team (its counsellor has it). The audit names the fields and the
    region keys only (not the place code: a village can point at a person).
    """
    current = _load(session, Case, case.id)
    at = now or utcnow()
    moved = (current.region != region and current.status in ("new", "paged") and current.assigned_staff_id is None)
    detail: dict[str, Any] = {"fields": sorted(["place_code", *names]), "from_region": current.region,
                              "to_region": region if moved else current.region}
    with _unit_of_work(session):
        current.place_code = place_code
        for column, value in names.items():
            setattr(current, column, value)
        if moved:
            current.region = region
            current.status = "new"
        current.updated_at = at
        _add_audit(session, actor="system", action="place", entity="case", entity_id=current.id, detail=detail,
                   at=at)
    return moved


def update_case_details(session: Session, *, case: Case, actor: Staff | str, changes: Mapping[str, Any]) -> Case:
    """Fill in or correct case fields collected later (kelurahan, age, place, safe contact, ...), audited.

    Only the fields in ``_EDITABLE_CASE_FIELDS``; the audit row lists field names, not values. A change of
    violence type recomputes the police-report deadline from the case's creation time.
    """
    unknown = set(changes) - _EDITABLE_CASE_FIELDS
    if unknown:
        raise ValueError(f"fields not editable: {', '.join(sorted(unknown))}")
    _validate_case_fields(changes)
    current = _load(session, Case, case.id)
    if isinstance(actor, Staff) and not can_view_case(actor, current):
        raise _deny(session, viewer=actor, action="update", case=current)
    with _unit_of_work(session):
        for name, value in changes.items():
            setattr(current, name, value)
        if "violence_type" in changes:
            current.police_report_due_at = _police_due(current.violence_type, current.created_at)
        _add_audit(
            session,
            actor=actor,
            action="update",
            entity="case",
            entity_id=current.id,
            detail={"fields": sorted(changes)},
        )
    return current


# ---------------------------------------------------------------------------------------------- outbox


def list_unpublished_outbox(session: Session, *, limit: int) -> list[Outbox]:
    """Outbox rows not yet published to Redis, oldest first (the relay publishes, then marks them)."""
    stmt = select(Outbox).where(Outbox.published_at.is_(None)).order_by(Outbox.created_at, Outbox.id).limit(limit)
    return list(session.scalars(stmt))


def mark_outbox_published(session: Session, *, outbox_id: int, at: datetime | None = None) -> bool:
    """Mark an outbox row published. False if it was already marked (another relay did it) or is missing."""
    with _unit_of_work(session):
        result = session.execute(
            update(Outbox)
            .where(Outbox.id == outbox_id, Outbox.published_at.is_(None))
            .values(published_at=at or utcnow())
        )
    return _rowcount(result) == 1


# ----------------------------------------------------------------------------------------------- staff


def add_staff(
    session: Session,
    *,
    name: str,
    role: str,
    region: str,
    channel: str | None,
    contact_id: str | None,
    actor: Staff | str = "system",
    regions: Sequence[str] = (),
) -> Staff:
    """Add a staff member (audited, without name or contact); ``DuplicateStaff`` if the contact is taken.

    ``region`` is the primary region, ``regions`` any further ones. ``channel`` and ``contact_id`` are both None
    for an account with an e-mail only (never paged), else both set.
    """
    _check(role, ROLES, "role")
    if (channel is None) != (contact_id is None):
        raise ValueError("channel and contact_id go together (both None: an e-mail-only account)")
    if channel is not None:
        _check(channel, STAFF_CHANNELS, "channel")
    if not region or any(not r for r in regions):
        raise ValueError("region must not be empty")
    covered = list(dict.fromkeys([region, *regions]))
    staff = Staff(name=name, role=role, region=region, channel=channel, contact_id=contact_id, active=True,
                  region_rows=[StaffRegion(region=r) for r in covered])
    try:
        session.add(staff)
        session.flush()
        _add_audit(
            session,
            actor=actor,
            action="create",
            entity="staff",
            entity_id=staff.id,
            detail={"role": role, "region": region, "regions": covered, "channel": channel},
        )
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise DuplicateStaff(f"a staff member already uses this {channel} contact") from exc
    except BaseException:
        session.rollback()
        raise
    return staff


def set_staff_regions(session: Session, *, staff: Staff, regions: Sequence[str], actor: Staff | str) -> Staff:
    """Replace the regions a staff member covers; the first becomes the primary region. Audited with the codes
    before and after (region codes and ids only). ``ValueError`` for an empty list or an empty code."""
    covered = list(dict.fromkeys(r.strip() for r in regions))
    if not covered or any(not r for r in covered):
        raise ValueError("a staff member needs at least one region")
    with _unit_of_work(session):
        row = _load(session, Staff, staff.id)
        before = list(row.regions)
        row.region = covered[0]
        row.region_rows = [r for r in row.region_rows if r.region in covered]
        have = {r.region for r in row.region_rows}
        row.region_rows.extend(StaffRegion(region=r) for r in covered if r not in have)
        _add_audit(session, actor=actor, action="set_regions", entity="staff", entity_id=row.id,
                   detail={"from": before, "to": covered})
    return _load(session, Staff, staff.id)


def list_staff(session: Session, *, active_only: bool = False) -> list[Staff]:
    """All staff (or only active ones), by region, then role, then id."""
    stmt = select(Staff)
    if active_only:
        stmt = stmt.where(Staff.active.is_(True))
    return list(session.scalars(stmt.order_by(Staff.region, _role_rank(), Staff.id)))


def get_staff(session: Session, *, staff_id: int) -> Staff | None:
    """A staff member by id, or None."""
    return session.get(Staff, staff_id)


def get_staff_by_contact(session: Session, *, channel: str, contact_id: str) -> Staff | None:
    """The staff member behind a Telegram chat id / WhatsApp number, or None (then: a citizen)."""
    return session.scalars(select(Staff).where(Staff.channel == channel, Staff.contact_id == contact_id)).first()


def set_staff_active(session: Session, *, staff: Staff, active: bool, actor: Staff | str = "system") -> Staff:
    """Activate or deactivate a staff member (deactivated staff see nothing and are never paged)."""
    with _unit_of_work(session):
        row = _load(session, Staff, staff.id)
        row.active = active
        _add_audit(
            session,
            actor=actor,
            action="activate" if active else "deactivate",
            entity="staff",
            entity_id=row.id,
        )
    return row


def _role_rank() -> ColumnElement[int]:
    return sql_case((Staff.role == "counsellor", 0), (Staff.role == "supervisor", 1), else_=2)


def start_shift(session: Session, *, staff: Staff, at: datetime | None = None) -> Shift:
    """Put ``staff`` on call from ``at`` (now). Idempotent: an already open shift is returned as is."""
    with _unit_of_work(session):
        open_shift = session.scalars(
            select(Shift).where(Shift.staff_id == staff.id, Shift.ends_at.is_(None)).order_by(Shift.id.desc())
        ).first()
        if open_shift is not None:
            return open_shift
        shift = Shift(staff_id=staff.id, starts_at=at or utcnow(), ends_at=None)
        session.add(shift)
    return shift


def end_shift(session: Session, *, staff: Staff, at: datetime | None = None) -> Shift | None:
    """End the open shift(s) of ``staff`` at ``at`` (now); returns the latest one ended, or None."""
    ended: Shift | None = None
    with _unit_of_work(session):
        for shift in session.scalars(
            select(Shift).where(Shift.staff_id == staff.id, Shift.ends_at.is_(None)).order_by(Shift.id)
        ):
            shift.ends_at = max(at or utcnow(), shift.starts_at)
            ended = shift
    return ended


def covers_region(region: str) -> ColumnElement[bool]:
    """Staff whose regions include exactly ``region`` (a team's key: paging walks regency, then province)."""
    return exists().where(StaffRegion.staff_id == Staff.id, StaffRegion.region == region)


def on_call_staff(session: Session, *, region: str, at: datetime | None = None) -> list[Staff]:
    """Active staff covering ``region`` (primary or another of their regions) on shift at ``at`` (now):
    counsellors, then supervisors, then admins."""
    when = at or utcnow()
    on_shift = exists().where(
        Shift.staff_id == Staff.id,
        Shift.starts_at <= when,
        or_(Shift.ends_at.is_(None), Shift.ends_at > when),
    )
    stmt = (
        select(Staff).where(covers_region(region), Staff.active.is_(True), on_shift).order_by(_role_rank(), Staff.id)
    )
    return list(session.scalars(stmt))


# ------------------------------------------------------------------------------------------ escalation


def escalation_dedup_key(*, case_id: int, staff_id: int | None, attempt_no: int) -> str:
    """The unique key of one page: ``"<case>:<staff id or 'national'>:<attempt>"``."""
    return f"{case_id}:{'national' if staff_id is None else staff_id}:{attempt_no}"


def record_escalation_attempt(
    session: Session,
    *,
    case: Case,
    staff: Staff | None,
    attempt_no: int,
    sent_at: datetime | None = None,
) -> EscalationAttempt | None:
    """Record a page to ``staff`` (None: national fallback). None if that exact page was already recorded.

    Record before sending: a None answer means another worker owns this page, so nobody is paged twice.
    """
    key = escalation_dedup_key(case_id=case.id, staff_id=None if staff is None else staff.id, attempt_no=attempt_no)
    if session.scalars(select(EscalationAttempt.id).where(EscalationAttempt.dedup_key == key)).first():
        return None
    attempt = EscalationAttempt(
        case_id=case.id,
        staff_id=None if staff is None else staff.id,
        attempt_no=attempt_no,
        sent_at=sent_at or utcnow(),
        dedup_key=key,
    )
    session.add(attempt)
    try:
        # The case's first page (the figures' "page -> claim" starts here); later pages leave it. Inside the try:
        # this statement flushes the insert, where a concurrent duplicate page fails.
        session.execute(update(Case).where(Case.id == case.id, Case.first_paged_at.is_(None))
                        .values(first_paged_at=attempt.sent_at).execution_options(synchronize_session=False))
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    except BaseException:
        session.rollback()
        raise
    return attempt


def _close_attempt(session: Session, *, attempt_id: int, **values: datetime) -> bool:
    # An attempt ends once: acknowledged or timed out, whichever comes first (a conditional UPDATE, race-safe).
    with _unit_of_work(session):
        result = session.execute(
            update(EscalationAttempt)
            .where(
                EscalationAttempt.id == attempt_id,
                EscalationAttempt.acknowledged_at.is_(None),
                EscalationAttempt.timed_out_at.is_(None),
            )
            .values(**values)
        )
    return _rowcount(result) == 1


def acknowledge_escalation(session: Session, *, attempt_id: int, at: datetime | None = None) -> bool:
    """Mark a page acknowledged. False if it was already acknowledged or had timed out."""
    return _close_attempt(session, attempt_id=attempt_id, acknowledged_at=at or utcnow())


def mark_escalation_timed_out(session: Session, *, attempt_id: int, at: datetime | None = None) -> bool:
    """Mark a page timed out (time to re-page). False if it was acknowledged or timed out already."""
    return _close_attempt(session, attempt_id=attempt_id, timed_out_at=at or utcnow())


def list_escalation_attempts(session: Session, *, case: Case) -> list[EscalationAttempt]:
    """The pages sent for ``case``, in order."""
    return list(
        session.scalars(
            select(EscalationAttempt)
            .where(EscalationAttempt.case_id == case.id)
            .order_by(EscalationAttempt.attempt_no, EscalationAttempt.id)
        )
    )


# ------------------------------------------------------------------------------------------------ notes


def add_case_note(session: Session, *, case: Case, staff: Staff, text: str) -> CaseNote:
    """A counsellor's note on a case they may see (``/catatan``); audited without the note's text."""
    current = _load(session, Case, case.id)
    if not can_view_case(staff, current):
        raise _deny(session, viewer=staff, action="note", case=current)
    with _unit_of_work(session):
        note = CaseNote(case_id=current.id, staff_id=staff.id, text=text, created_at=utcnow())
        session.add(note)
        session.flush()
        _add_audit(session, actor=staff, action="note", entity="case", entity_id=current.id,
                   detail={"note_id": note.id})
    return note


def list_case_notes(session: Session, *, case: Case) -> list[CaseNote]:
    """Notes of a case, oldest first (the caller has already checked and audited the read)."""
    return list(session.scalars(select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id)))
