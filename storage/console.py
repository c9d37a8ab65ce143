"""Storage for the staff console: accounts, sign-in state, sessions, and the case file a console page shows.

Every read of case data here goes through ``crud.case_scope`` / ``crud.can_view_case`` (the one rule of who may
see a case) and is audited; a case outside the viewer's scope is reported exactly like a missing one (None),
so a URL never tells another region that a case exists. Audit rows hold ids, codes and field names only.

Secrets are never stored in the clear: passwords as Argon2 hashes (made by the caller), the set-password
token and the session token as SHA-256 hex digests (``token_digest``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import case as sql_case
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import crud
from storage.models import (
    AGE_GROUPS,
    SESSION_STAGES,
    URGENCIES,
    VIOLENCE_TYPES,
    AuditLog,
    Case,
    CaseNote,
    ConsoleSession,
    Conversation,
    EscalationAttempt,
    Message,
    Shift,
    Staff,
    StaffCredential,
    TriageCorrection,
    utcnow,
)

#: Failed sign-ins before the account locks; each further failure doubles the lock, up to LOCK_MAX.
LOCK_AFTER: Final = 5
LOCK_BASE: Final = timedelta(seconds=30)
LOCK_MAX: Final = timedelta(hours=1)
#: Why a staff member may reveal a citizen's number (a code, so no free text lands in the audit log).
REVEAL_REASONS: Final[dict[str, str]] = {
    "hubungi_balik": "menghubungi balik pelapor",
    "rujukan": "rujukan ke layanan / polisi",
    "keselamatan": "memastikan keselamatan pelapor",
}


def token_digest(token: str) -> str:
    """SHA-256 hex digest of a random token (what the database keeps instead of the token)."""
    return hashlib.sha256(token.encode()).hexdigest()


def lock_duration(failures: int) -> timedelta | None:
    """The back-off after ``failures`` consecutive failed sign-ins (None: not locked)."""
    if failures < LOCK_AFTER:
        return None
    return min(LOCK_MAX, LOCK_BASE * (2 ** (failures - LOCK_AFTER)))


# --------------------------------------------------------------------------------------------- accounts


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively."""
    return email.strip().lower()


def set_staff_email(session: Session, *, staff: Staff, email: str, actor: Staff | str = "system") -> Staff:
    """Give a staff member a console sign-in address; ``DuplicateStaff`` if another account uses it."""
    value = normalise_email(email)
    if "@" not in value or len(value) > 254:
        raise ValueError("not an e-mail address")
    row = session.get(Staff, staff.id, populate_existing=True)
    if row is None:
        raise LookupError(f"staff {staff.id} not found")
    try:
        row.email = value
        crud.audit(session, actor=actor, action="set_email", entity="staff", entity_id=row.id)
    except IntegrityError as exc:
        session.rollback()
        raise crud.DuplicateStaff("another account uses this e-mail address") from exc
    return row


def get_staff_by_email(session: Session, *, email: str) -> Staff | None:
    """The staff member who signs in with ``email``, or None."""
    return session.scalars(select(Staff).where(Staff.email == normalise_email(email))).first()


def _credential(session: Session, staff_id: int) -> StaffCredential:
    row = session.get(StaffCredential, staff_id, populate_existing=True)
    if row is None:
        row = StaffCredential(staff_id=staff_id, totp_enabled=False, failed_logins=0)
        session.add(row)
        session.flush()
    return row


def get_credential(session: Session, *, staff_id: int) -> StaffCredential | None:
    """The console credentials of a staff member, or None if they never had a set-password link."""
    return session.get(StaffCredential, staff_id, populate_existing=True)


def issue_setup_token(session: Session, *, staff: Staff, token_hash: str, expires_at: datetime,
                      actor: Staff | str = "system") -> None:
    """Store the digest of a one-time set-password token (replacing an earlier one); audited."""
    cred = _credential(session, staff.id)
    cred.setup_token_hash = token_hash
    cred.setup_token_expires_at = expires_at
    crud.audit(session, actor=actor, action="issue_setup_link", entity="staff", entity_id=staff.id)


def staff_for_setup_token(session: Session, *, token_hash: str, now: datetime) -> Staff | None:
    """The active staff member a still-valid set-password token belongs to, or None."""
    cred = session.scalars(select(StaffCredential).where(StaffCredential.setup_token_hash == token_hash)).first()
    if cred is None or cred.setup_token_expires_at is None or cred.setup_token_expires_at <= now:
        return None
    staff = session.get(Staff, cred.staff_id)
    return staff if staff is not None and staff.active else None


def redeem_setup_token(session: Session, *, token_hash: str, password_hash: str, now: datetime) -> Staff | None:
    """Set the password of the token's owner and burn the token (one use); unlocks the account; audited."""
    staff = staff_for_setup_token(session, token_hash=token_hash, now=now)
    if staff is None:
        return None
    cred = _credential(session, staff.id)
    cred.password_hash = password_hash
    cred.password_set_at = now
    cred.setup_token_hash = None
    cred.setup_token_expires_at = None
    cred.failed_logins = 0
    cred.locked_until = None
    crud.audit(session, actor=staff, action="set_password", entity="staff", entity_id=staff.id)
    return staff


def set_password_hash(session: Session, *, staff_id: int, password_hash: str) -> None:
    """Replace a password hash (an Argon2 re-hash with newer parameters; same password)."""
    _credential(session, staff_id).password_hash = password_hash
    session.commit()


def record_login_failure(session: Session, *, staff_id: int, now: datetime) -> StaffCredential:
    """Count a failed sign-in and lock the account with back-off from the LOCK_AFTER-th failure; audited."""
    # One UPDATE, so two wrong passwords at the same moment both count.
    session.execute(update(StaffCredential).where(StaffCredential.staff_id == staff_id)
                    .values(failed_logins=StaffCredential.failed_logins + 1))
    cred = _credential(session, staff_id)
    lock = lock_duration(cred.failed_logins)
    if lock is not None:
        cred.locked_until = now + lock
    crud.audit(session, actor=f"staff:{staff_id}", action="login_failed", entity="staff", entity_id=staff_id,
               detail={"failures": cred.failed_logins, "locked": lock is not None})
    return cred


def record_login_refused_locked(session: Session, *, staff_id: int) -> None:
    """Audit a sign-in refused because the account is locked (the password is not even checked)."""
    crud.audit(session, actor=f"staff:{staff_id}", action="login_locked", entity="staff", entity_id=staff_id)


def record_login_success(session: Session, *, staff_id: int, now: datetime) -> None:
    """Reset the failure count after a right password; audited."""
    cred = _credential(session, staff_id)
    cred.failed_logins = 0
    cred.locked_until = None
    cred.last_login_at = now
    crud.audit(session, actor=f"staff:{staff_id}", action="login", entity="staff", entity_id=staff_id)


def set_totp_secret(session: Session, *, staff_id: int, secret: str) -> None:
    """Keep a new (not yet confirmed) TOTP secret for enrolment: ``secret`` is the sealed (encrypted) form
    (``console.auth.TotpVault.seal``), never the base32 secret itself."""
    cred = _credential(session, staff_id)
    cred.totp_secret = secret
    cred.totp_enabled = False
    session.commit()


def reset_second_factor(session: Session, *, staff_id: int, actor: str) -> None:
    """A lost or changed phone: forget the TOTP secret and the password, and end every console session of the
    staff member, so the next sign-in goes through a new set-password link and a new enrolment (a stolen
    password alone then opens nothing). Audited without any secret."""
    cred = _credential(session, staff_id)
    cred.totp_secret = None
    cred.totp_enabled = False
    cred.totp_last_step = None
    cred.password_hash = None
    cred.failed_logins = 0
    cred.locked_until = None
    session.execute(delete(ConsoleSession).where(ConsoleSession.staff_id == staff_id))
    crud.audit(session, actor=actor, action="second_factor_reset", entity="staff", entity_id=staff_id)
    session.commit()


def use_totp_step(session: Session, *, staff_id: int, step: int, enable: bool = False) -> bool:
    """Accept a TOTP time step once (a replayed or older code is refused); ``enable`` confirms enrolment."""
    result = session.execute(
        update(StaffCredential)
        .where(StaffCredential.staff_id == staff_id,
               (StaffCredential.totp_last_step.is_(None)) | (StaffCredential.totp_last_step < step))
        .values(totp_last_step=step, **({"totp_enabled": True} if enable else {}))
    )
    ok = crud._rowcount(result) == 1
    crud.audit(session, actor=f"staff:{staff_id}", action="totp_enrol" if enable else "totp",
               entity="staff", entity_id=staff_id, detail={"ok": ok})
    return ok


# --------------------------------------------------------------------------------------------- sessions


def create_console_session(session: Session, *, staff_id: int, token_hash: str, csrf_token: str, stage: str,
                           expires_at: datetime) -> ConsoleSession:
    """A new browser session (the caller sets the signed cookie)."""
    crud._check(stage, SESSION_STAGES, "stage")
    row = ConsoleSession(token_hash=token_hash, staff_id=staff_id, stage=stage, csrf_token=csrf_token,
                         created_at=utcnow(), expires_at=expires_at)
    session.add(row)
    session.commit()
    return row


def get_console_session(session: Session, *, token_hash: str, now: datetime) -> tuple[ConsoleSession, Staff] | None:
    """The live session of a cookie and its staff member; None when expired, unknown or the staff inactive."""
    row = session.scalars(select(ConsoleSession).where(ConsoleSession.token_hash == token_hash)).first()
    if row is None or row.expires_at <= now:
        return None
    staff = session.get(Staff, row.staff_id, populate_existing=True)
    if staff is None or not staff.active:
        return None
    return row, staff


def promote_console_session(session: Session, *, session_id: int) -> None:
    """The second factor passed: the session is fully signed in."""
    session.execute(update(ConsoleSession).where(ConsoleSession.id == session_id).values(stage="full"))
    session.commit()


def end_console_session(session: Session, *, token_hash: str) -> None:
    """Sign out (and drop expired sessions while at it)."""
    session.execute(delete(ConsoleSession).where(
        (ConsoleSession.token_hash == token_hash) | (ConsoleSession.expires_at <= utcnow())))
    session.commit()


# ------------------------------------------------------------------------------------------- case reads


def visible_cases(session: Session, *, viewer: Staff, limit: int = 200, audit: bool = True) -> list[Case]:
    """Open cases in ``viewer``'s scope, by risk (emergency, high, normal) then waiting time (oldest first).

    The listing is audited (one row with the ids shown) unless ``audit`` is False; the live queue passes False
    for a refresh that shows exactly the ids it already audited.
    """
    if audit:
        return crud.list_queue(session, viewer=viewer, limit=limit)
    rank = sql_case((Case.urgency == "emergency", 0), (Case.urgency == "high", 1), else_=2)
    return list(session.scalars(select(Case).where(Case.status.in_(crud.OPEN_STATUSES), crud.case_scope(viewer))
                                .order_by(rank, Case.created_at, Case.id).limit(limit)))


def get_visible_case(session: Session, *, viewer: Staff, code: str, action: str = "read") -> Case | None:
    """The case with ``code`` if it is in ``viewer``'s scope, else None (missing and denied look the same).

    Audited either way: ``<action>``, ``<action>_denied`` or ``<action>_not_found``.
    """
    normalised = crud._normalise_code(code)
    case = session.scalars(select(Case).where(Case.code == normalised)).first()
    if case is None:
        crud.audit(session, actor=viewer, action=f"{action}_not_found", entity="case", entity_id=None,
                   detail={"code": normalised[:16]})
        return None
    if not crud.can_view_case(viewer, case):
        crud.audit(session, actor=viewer, action=f"{action}_denied", entity="case", entity_id=case.id,
                   detail={"viewer_role": viewer.role, "viewer_region": viewer.region})
        return None
    crud.audit(session, actor=viewer, action=action, entity="case", entity_id=case.id)
    return case


@dataclass
class CaseFile:
    """Everything a case page shows, read in one audited transaction."""

    case: Case
    conversation: Conversation | None
    messages: list[Message]
    notes: list[tuple[CaseNote, str | None]]  # note, author name
    audit: list[AuditLog]
    attempts: list[EscalationAttempt]
    corrections: list[TriageCorrection]
    assignee: Staff | None
    triage: dict[str, Any] | None  # the first report message's triage summary (no text)


def case_file(session: Session, *, viewer: Staff, code: str, max_messages: int = 200) -> CaseFile | None:
    """The case page's data, or None when the case is missing or outside the viewer's scope (audited)."""
    case = get_visible_case(session, viewer=viewer, code=code)
    if case is None:
        return None
    conv = session.get(Conversation, case.conversation_id) if case.conversation_id is not None else None
    messages: list[Message] = []
    if conv is not None:
        messages = list(reversed(list(session.scalars(
            select(Message).where(Message.conversation_id == conv.id)
            .order_by(Message.id.desc()).limit(max_messages)))))
    notes: list[tuple[CaseNote, str | None]] = [(n, name) for n, name in session.execute(
        select(CaseNote, Staff.name).outerjoin(Staff, Staff.id == CaseNote.staff_id)
        .where(CaseNote.case_id == case.id).order_by(CaseNote.id))]
    triage = next((m.triage for m in messages if m.direction == "in" and m.triage
                   and m.triage.get("urgency") not in (None, "none")), None)
    return CaseFile(
        case=case, conversation=conv, messages=messages, notes=notes,
        audit=crud.list_audit(session, entity="case", entity_id=case.id, limit=50),
        attempts=crud.list_escalation_attempts(session, case=case),
        corrections=list(session.scalars(select(TriageCorrection).where(TriageCorrection.case_id == case.id)
                                         .order_by(TriageCorrection.id))),
        assignee=session.get(Staff, case.assigned_staff_id) if case.assigned_staff_id is not None else None,
        triage=triage,
    )


def transcript_since(session: Session, *, viewer: Staff, code: str, after_id: int) -> list[Message] | None:
    """Messages of the case's conversation newer than ``after_id`` (the live chat), or None if out of scope.

    Audited as ``read_messages`` only when there is something new, so an idle open page writes nothing.
    """
    case = session.scalars(select(Case).where(Case.code == crud._normalise_code(code))).first()
    if case is None or not crud.can_view_case(viewer, case) or case.conversation_id is None:
        return None
    rows = list(session.scalars(select(Message).where(Message.conversation_id == case.conversation_id,
                                                      Message.id > after_id).order_by(Message.id)))
    if rows:
        crud.audit(session, actor=viewer, action="read_messages", entity="case", entity_id=case.id,
                   detail={"message_ids": [m.id for m in rows][:50]})
    return rows


def chat_target(session: Session, *, staff: Staff, code: str) -> tuple[str, int, str, str, str] | None:
    """(case code, conversation id, citizen sender id, channel, case status) when ``staff`` may write to the
    citizen of ``code``: they can see it, it is assigned to them, open, and its conversation is handed to them."""
    case = session.scalars(select(Case).where(Case.code == crud._normalise_code(code))).first()
    if (case is None or not crud.can_view_case(staff, case) or case.assigned_staff_id != staff.id
            or case.status not in crud.OPEN_STATUSES or case.conversation_id is None):
        return None
    conv = session.get(Conversation, case.conversation_id)
    if conv is None or conv.handoff_staff_id != staff.id:
        return None
    return case.code, conv.id, conv.sender_id, conv.channel, case.status


def reveal_contact(session: Session, *, viewer: Staff, code: str, reason: str) -> str | None:
    """The citizen's sender id, for a listed ``reason``; audited with the reason code. None if out of scope."""
    if reason not in REVEAL_REASONS:
        raise ValueError("unknown reason")
    case = get_visible_case(session, viewer=viewer, code=code, action="reveal_contact")
    if case is None or case.conversation_id is None:
        return None
    conv = session.get(Conversation, case.conversation_id)
    if conv is None:
        return None
    crud.audit(session, actor=viewer, action="reveal_reason", entity="case", entity_id=case.id,
               detail={"reason": reason})
    return conv.sender_id


def correct_triage(session: Session, *, viewer: Staff, code: str, urgency: str, violence_type: str,
                   victim_age_group: str) -> TriageCorrection | None:
    """Store a triage correction beside the verdict it corrects, and apply it to the case; audited.

    None when the case is out of the viewer's scope.
    """
    crud._check(urgency, URGENCIES, "urgency")
    crud._check(violence_type, VIOLENCE_TYPES, "violence_type")
    crud._check(victim_age_group, AGE_GROUPS, "victim_age_group")
    case = get_visible_case(session, viewer=viewer, code=code, action="correct_triage")
    if case is None:
        return None
    original = {"urgency": case.urgency, "violence_type": case.violence_type,
                "victim_age_group": case.victim_age_group}
    row = TriageCorrection(case_id=case.id, staff_id=viewer.id, original=original, urgency=urgency,
                           violence_type=violence_type, victim_age_group=victim_age_group, created_at=utcnow())
    session.add(row)
    session.flush()
    crud.update_case_details(session, case=case, actor=viewer, changes={
        "urgency": urgency, "violence_type": violence_type, "victim_age_group": victim_age_group})
    return row


def change_token(session: Session) -> tuple[Any, ...]:
    """A cheap fingerprint of everything a console page shows; it changes when a case, message or note does.

    The live queue and chat poll it (one shared poller per process) instead of re-reading every page.
    """
    cases = session.execute(select(func.max(Case.updated_at), func.max(Case.id), func.count(Case.id))).one()
    last_message = session.scalar(select(func.max(Message.id)))
    last_note = session.scalar(select(func.max(CaseNote.id)))
    return (*tuple(cases), last_message, last_note)


def list_console_staff(session: Session) -> list[Staff]:
    """Every staff member, for an admin's account list (names and roles; contacts stay masked)."""
    return crud.list_staff(session)


def set_regions_by_admin(session: Session, *, admin: Staff, staff_id: int, regions: list[str]) -> Staff | None:
    """An admin replaces a staff member's regions (the first is the primary one); audited as ``set_regions``
    with the codes and ids only. None (and a ``set_regions_denied`` audit row) when ``admin`` is not an active
    admin or the staff member does not exist."""
    target = session.get(Staff, staff_id)
    if not admin.active or admin.role != "admin" or target is None:
        crud.audit(session, actor=admin, action="set_regions_denied", entity="staff", entity_id=staff_id)
        return None
    return crud.set_staff_regions(session, staff=target, regions=regions, actor=admin)


# ------------------------------------------------------------------------------------------ supervisor


@dataclass
class Board:
    """A supervisor's view of their regions: the roster with who is on shift, unclaimed cases, missed pages."""

    regions: tuple[str, ...]
    roster: list[tuple[Staff, bool]]  # staff of the regions (active first), on shift now
    unclaimed: list[Case]  # new / paged, by risk then waiting time
    timed_out: list[tuple[EscalationAttempt, str, str | None]]  # page, case code, staff name; last 24 h


def supervisor_board(session: Session, *, viewer: Staff, now: datetime) -> Board | None:
    """The board of all of ``viewer``'s regions (supervisors only; None for anyone else); audited as one
    listing. The roster is ``crud.roster_scope``; cases are ``crud.case_scope``."""
    if not viewer.active or viewer.role != "supervisor":
        crud.audit(session, actor=viewer, action="board_denied", entity="staff", entity_id=None)
        return None
    on_shift = set(session.scalars(select(Shift.staff_id).where(Shift.starts_at <= now, (Shift.ends_at.is_(None))
                                                                | (Shift.ends_at > now))))
    roster = [(s, s.id in on_shift) for s in session.scalars(
        select(Staff).where(crud.roster_scope(viewer)).order_by(Staff.active.desc(), Staff.role, Staff.id))]
    rank = sql_case((Case.urgency == "emergency", 0), (Case.urgency == "high", 1), else_=2)
    unclaimed = list(session.scalars(
        select(Case).where(Case.status.in_(("new", "paged")), crud.case_scope(viewer))
        .order_by(rank, Case.created_at, Case.id).limit(200)))
    timed_out: list[tuple[EscalationAttempt, str, str | None]] = [(a, code, name) for a, code, name in
                                                                  session.execute(
        select(EscalationAttempt, Case.code, Staff.name)
        .join(Case, Case.id == EscalationAttempt.case_id)
        .outerjoin(Staff, Staff.id == EscalationAttempt.staff_id)
        .where(EscalationAttempt.timed_out_at.is_not(None), EscalationAttempt.timed_out_at > now - timedelta(hours=24),
               crud.case_scope(viewer))
        .order_by(EscalationAttempt.timed_out_at.desc()).limit(50))]
    crud.audit(session, actor=viewer, action="board", entity="case", entity_id=None,
               detail={"case_ids": [c.id for c in unclaimed]})
    return Board(viewer.regions, roster, unclaimed, timed_out)


def set_shift_for(session: Session, *, supervisor: Staff, staff_id: int, on: bool, now: datetime) -> Staff | None:
    """A supervisor starts or ends the shift of an active staff member of their roster (``crud.supervises``);
    audited.

    None when the supervisor may not (another region, not a supervisor, unknown or inactive staff).
    """
    target = session.get(Staff, staff_id)
    if target is None or not target.active or not crud.supervises(supervisor, target):
        crud.audit(session, actor=supervisor, action="shift_denied", entity="staff", entity_id=staff_id)
        return None
    if on:
        crud.start_shift(session, staff=target, at=now)
    else:
        crud.end_shift(session, staff=target, at=now)
    crud.audit(session, actor=supervisor, action="shift_on" if on else "shift_off", entity="staff",
               entity_id=target.id)
    return target
