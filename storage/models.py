"""SQLAlchemy 2 models of the hotline's database.

The schema itself is created by the Alembic migrations in ``storage/migrations`` (never by ``create_all`` in
production); ``tests/storage`` checks that the models and the migrations agree.

Privacy: message text lives only in ``messages.text`` (erased by ``hapus`` and purged by age), and redacted in
``review_items.text`` (the review inbox; erased by ``hapus``). Everything
else (triage JSON, audit details, outbox payloads) must stay free of message text, names and phone numbers;
the only phone numbers held are ``conversations.sender_id`` (the conversation key) and ``staff.contact_id``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, Literal, get_args

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.orm import relationship as orm_relationship
from sqlalchemy.types import TypeDecorator

# Allowed values. The database enforces them with CHECK constraints (named by the convention below, so the
# migrations can refer to them); crud.py validates them first to raise a readable ValueError.
Channel = Literal["telegram", "whatsapp", "web"]
CHANNELS: Final[tuple[str, ...]] = get_args(Channel)
Lang = Literal["id", "en"]
LANGS: Final[tuple[str, ...]] = get_args(Lang)
Direction = Literal["in", "out"]
DIRECTIONS: Final[tuple[str, ...]] = get_args(Direction)
MessageStatus = Literal["received", "processed", "pending_retry"]
MESSAGE_STATUSES: Final[tuple[str, ...]] = get_args(MessageStatus)
ViolenceType = Literal["physical", "psychological", "sexual", "exploitation", "trafficking", "neglect", "other"]
VIOLENCE_TYPES: Final[tuple[str, ...]] = get_args(ViolenceType)
AgeGroup = Literal["child", "adult", "unknown"]
AGE_GROUPS: Final[tuple[str, ...]] = get_args(AgeGroup)
Sex = Literal["female", "male"]
SEXES: Final[tuple[str, ...]] = get_args(Sex)
# Place of incident, as SIMFONI-PPA groups it.
Place = Literal["rumah_tangga", "sekolah", "tempat_kerja", "fasilitas_umum", "online", "lainnya"]
PLACES: Final[tuple[str, ...]] = get_args(Place)
Urgency = Literal["emergency", "high", "normal"]
URGENCIES: Final[tuple[str, ...]] = get_args(Urgency)
CaseStatus = Literal["new", "paged", "claimed", "in_progress", "referred", "closed"]
CASE_STATUSES: Final[tuple[str, ...]] = get_args(CaseStatus)
# A counsellor is working on the case (claimed it, or talking with the citizen).
WORKED_STATUSES: Final[tuple[str, ...]] = ("claimed", "in_progress")
# Console roles: counsellors and supervisors work cases; content editors and statisticians never see case data;
# admins manage accounts only.
Role = Literal["counsellor", "supervisor", "content_editor", "statistician", "admin"]
ROLES: Final[tuple[str, ...]] = get_args(Role)
StaffChannel = Literal["telegram", "whatsapp"]
STAFF_CHANNELS: Final[tuple[str, ...]] = get_args(StaffChannel)

# Deterministic constraint names: Alembic needs names to drop or alter constraints later (SQLite batch mode
# included), and the initial migration spells exactly these.
NAMING_CONVENTION: Final = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the only kind of datetime this package stores)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware in UTC.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so values are stored as naive UTC and marked
    UTC again on the way out. Naive datetimes are refused: guessing their zone is how deadlines go wrong.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware (UTC) datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL (indexable, compact), plain JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def _in(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK constraint limiting ``column`` to ``values``."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    """Declarative base with the shared naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Staff(Base):
    """A staff member: counsellor, supervisor, content editor, statistician or admin.

    ``region`` is the primary region; ``region_rows`` holds every region covered (the primary one included),
    loaded with the row so a viewer's scope never needs another query. ``channel`` / ``contact_id`` are NULL for
    an account with an e-mail only (console sign-in, never paged).
    """

    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("channel", "contact_id"),
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint(_in("channel", STAFF_CHANNELS), name="channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str | None] = mapped_column(String(16))
    # Telegram chat id or a +62 number: personal data, never logged. NULL: console only, never paged.
    contact_id: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Console sign-in name (lower-case); NULL for staff who only use the Telegram / WhatsApp commands.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    region_rows: Mapped[list[StaffRegion]] = orm_relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="StaffRegion.region")

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region this staff member covers: the primary one first, then the others (sorted)."""
        others = sorted({r.region for r in self.region_rows} - {self.region})
        return (self.region, *others)

    @property
    def pageable(self) -> bool:
        """Whether a page can reach this person (a Telegram or WhatsApp contact is on file)."""
        return bool(self.channel and self.contact_id)


class StaffRegion(Base):
    """One region a staff member covers (a regency/city or province code, or ``nasional``)."""

    __tablename__ = "staff_regions"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Conversation(Base):
    """One citizen's chat with the bot, keyed by the channel-qualified sender id."""

    __tablename__ = "conversations"
    __table_args__ = (
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("lang", LANGS), name="lang"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128), unique=True)  # "tg:123", "wa:+62..."
    channel: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(2), default="id")
    # Intake step and collected fields; the handlers own its shape.
    state: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    handoff_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    # WhatsApp only allows free-form replies within 24 h of the citizen's last message.
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Message(Base):
    """One inbound or outbound message. ``text`` is kept only as long as needed (erasure, purge by age)."""

    __tablename__ = "messages"
    __table_args__ = (
        # Inbound de-duplication: a channel delivers the same update/MessageSid again after a timeout.
        UniqueConstraint("channel", "external_id"),
        CheckConstraint(_in("direction", DIRECTIONS), name="direction"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("status", MESSAGE_STATUSES), name="status"),
        CheckConstraint("media_count >= 0", name="media_count"),
        Index("ix_messages_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(128))
    text: Mapped[str | None] = mapped_column(Text)
    media_count: Mapped[int] = mapped_column(Integer, default=0)
    chat_message_id: Mapped[int | None] = mapped_column(Integer)  # Telegram message_id, for deletion
    status: Mapped[str] = mapped_column(String(16), default="received")
    triage: Mapped[dict[str, Any] | None] = mapped_column(JSONType)  # urgency, category, ...; never text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Case(Base):
    """A report taken by the bot, with fields aligned to SIMFONI-PPA and a status workflow."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("violence_type", VIOLENCE_TYPES), name="violence_type"),
        CheckConstraint(_in("victim_age_group", AGE_GROUPS), name="victim_age_group"),
        CheckConstraint(f"victim_sex IS NULL OR {_in('victim_sex', SEXES)}", name="victim_sex"),
        CheckConstraint(f"place IS NULL OR {_in('place', PLACES)}", name="place"),
        CheckConstraint(_in("urgency", URGENCIES), name="urgency"),
        CheckConstraint(_in("status", CASE_STATUSES), name="status"),
        CheckConstraint("victim_age IS NULL OR (victim_age >= 0 AND victim_age < 130)", name="victim_age"),
        Index("ix_cases_status_urgency_created_at", "status", "urgency", "created_at"),
        Index("ix_cases_region_created_at", "region", "created_at"),  # figures of one region and period
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # public code for staff commands: "K-7F3A2"
    # NULL once the citizen erased their conversation; the anonymous case row stays for statistics.
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"), index=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    city: Mapped[str | None] = mapped_column(String(120))
    kecamatan: Mapped[str | None] = mapped_column(String(120))
    kelurahan: Mapped[str | None] = mapped_column(String(120))
    violence_type: Mapped[str] = mapped_column(String(16))
    victim_age_group: Mapped[str] = mapped_column(String(8), default="unknown")
    victim_age: Mapped[int | None] = mapped_column(Integer)
    victim_sex: Mapped[str | None] = mapped_column(String(8))
    relationship: Mapped[str | None] = mapped_column(String(64))  # canonical Rasa entity value
    place: Mapped[str | None] = mapped_column(String(16))
    urgency: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="new")
    outcome: Mapped[str | None] = mapped_column(String(64))  # a short code, not free text
    assigned_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    # UU TPKS: sexual-violence cases are reported to the police within 3 x 24 h of intake.
    police_report_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    safe_contact: Mapped[str | None] = mapped_column(Text)  # a safe way/time to contact the citizen
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # personal fields cleared (``hapus``)
    # Most specific Kemendagri code known: "32.76" (regency/city), "32.76.01" (kecamatan), "32.76.01.1001" (village).
    place_code: Mapped[str | None] = mapped_column(String(16), index=True)
    # SIMFONI-PPA: the number the national system gave the case when staff entered it (so nothing is entered twice).
    simfoni_ref: Mapped[str | None] = mapped_column(String(32))
    simfoni_entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    simfoni_entered_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    # Response times, written once by the operations themselves (migration 0007), so the figures page reads one
    # row per case instead of joining pages, the audit log and messages for every case of a year.
    channel: Mapped[str | None] = mapped_column(String(16))  # the report's channel (figures; no join needed)
    first_paged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # crud.record_escalation_attempt
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # crud.claim_case
    first_staff_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # crud.note_staff_reply


class Shift(Base):
    """An on-call period of one staff member; ``ends_at`` NULL means still on call."""

    __tablename__ = "shifts"
    __table_args__ = (CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Outbox(Base):
    """A page (or other event) written in the same transaction as its case, published to Redis later."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_published_at_created_at", "published_at", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="page")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)


class EscalationAttempt(Base):
    """One page sent to one staff member (or to the national fallback when ``staff_id`` is NULL)."""

    __tablename__ = "escalation_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    attempt_no: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "<case>:<staff or national>:<attempt>": a string, as a composite UNIQUE treats NULL staff as distinct.
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)


class AuditLog(Base):
    """Who did what to which record. ``detail`` holds ids and field names, never message text."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))  # "staff:<id>", "system" or "citizen"
    action: Mapped[str] = mapped_column(String(32))  # read, update, delete, claim, ...
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class CaseNote(Base):
    """A counsellor's note on a case (``/catatan``). Personal data: erased with the citizen's data."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


SessionStage = Literal["password", "full"]
SESSION_STAGES: Final[tuple[str, ...]] = get_args(SessionStage)


class StaffCredential(Base):
    """A staff member's console credentials: Argon2 password hash, TOTP secret, lock-out state.

    The one-time set-password link is kept only as a SHA-256 of its token (the token itself is printed once).
    """

    __tablename__ = "staff_credentials"
    __table_args__ = (CheckConstraint("failed_logins >= 0", name="failed_logins"),)

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Encrypted (a Fernet token of the base32 secret, console.auth.TotpVault), never the secret itself.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a TOTP code is accepted once
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsoleSession(Base):
    """A signed-in browser. The cookie carries a signed random token; only its SHA-256 is stored here."""

    __tablename__ = "console_sessions"
    __table_args__ = (CheckConstraint(_in("stage", SESSION_STAGES), name="stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    # "password": the password was right, the second factor is still due; "full": signed in.
    stage: Mapped[str] = mapped_column(String(16))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TriageCorrection(Base):
    """A staff member's correction of a case's triage, kept beside the verdict it corrects (for retraining)."""

    __tablename__ = "triage_corrections"
    __table_args__ = (
        CheckConstraint(_in("urgency", URGENCIES), name="urgency"),
        CheckConstraint(_in("violence_type", VIOLENCE_TYPES), name="violence_type"),
        CheckConstraint(_in("victim_age_group", AGE_GROUPS), name="victim_age_group"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    # The verdict before the correction: {"urgency": ..., "violence_type": ..., "victim_age_group": ...}.
    original: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    urgency: Mapped[str] = mapped_column(String(16))
    violence_type: Mapped[str] = mapped_column(String(16))
    victim_age_group: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Which catalogue of handlers/texts.py a text belongs to: a service text (TEXTS) or an FAQ answer (FAQ).
TextKind = Literal["text", "faq"]
TEXT_KINDS: Final[tuple[str, ...]] = get_args(TextKind)


class TextRevision(Base):
    """One edit of a bot text made in the console: the repo's text is the default, the newest revision per
    (kind, key, lang) overrides it. ``body`` NULL means "back to the default". Rows are never updated: a revert
    is a new row, so the history is complete. Holds no case data."""

    __tablename__ = "text_revisions"
    __table_args__ = (
        CheckConstraint(_in("kind", TEXT_KINDS), name="kind"),
        CheckConstraint(_in("lang", LANGS), name="lang"),
        Index("ix_text_revisions_kind_key_lang", "kind", "key", "lang"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(2))
    body: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(300))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    # The revision this one undid (one-click revert), else NULL.
    reverts_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Kinds of service in the directory (the console's choice list; the seed's kinds are the same).
ServiceKind = Literal["uptd_ppa", "puspaga", "p2tp2a", "dinas", "police_ppa", "hospital", "shelter", "satgas",
                      "other"]
SERVICE_KINDS: Final[tuple[str, ...]] = get_args(ServiceKind)


class DirectoryRevision(Base):
    """One edit of a services-directory entry made in the console. ``handlers/data/regions.yml`` is the seed; the
    newest revision per (region, entry) overrides the seed's entry of that key, or adds an entry the seed does not
    have. ``name`` NULL means "as in the seed" (an entry the seed lacks is then gone). Rows are never updated: a
    revert is a new row. Holds no case data; the contact fields are the services' own (never citizens')."""

    __tablename__ = "directory_revisions"
    __table_args__ = (
        CheckConstraint(_in("kind", SERVICE_KINDS), name="kind"),
        Index("ix_directory_revisions_region_entry", "region", "entry"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Kemendagri code of a regency/city ("32.76") or a province ("32").
    region: Mapped[str] = mapped_column(String(16))
    # The entry's key within its region: the seed's id ("uptd_ppa") or a generated one ("e3f9a0c1").
    entry: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(200), default="")
    hours: Mapped[str] = mapped_column(String(100), default="")
    # E.164 (+62...) or a short service number (129, 1500771); WhatsApp: E.164 of a mobile number.
    phone: Mapped[str] = mapped_column(String(20), default="")
    whatsapp: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(String(300))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    reverts_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Why a message landed in the review inbox (handlers/review.py decides; the order is the page's).
ReviewReason = Literal["weak_intent", "report_vetoed", "emergency_by_model", "category_overruled", "victim_by_model",
                       "not_violence", "corrected"]
REVIEW_REASONS: Final[tuple[str, ...]] = get_args(ReviewReason)
ReviewStatus = Literal["open", "confirmed", "discarded"]
REVIEW_STATUSES: Final[tuple[str, ...]] = get_args(ReviewStatus)
# The labels an editor gives (the triage's own values, "none" included: "not a report" is a label too).
LabelUrgency = Literal["emergency", "high", "normal", "none"]
LABEL_URGENCIES: Final[tuple[str, ...]] = get_args(LabelUrgency)
LabelCategory = Literal["physical", "psychological", "sexual", "exploitation", "trafficking", "neglect", "other",
                        "none"]
LABEL_CATEGORIES: Final[tuple[str, ...]] = get_args(LabelCategory)


class ReviewItem(Base):
    """A citizen message the triage was unsure of (or a counsellor corrected), for a content editor to label.

    ``text`` is the message already redacted (handlers/redaction.py): the raw text stays only in ``messages``.
    A confirmed item is a training example (``storage.review.confirmed_examples``). Every item belongs to its
    conversation and goes with it on ``hapus`` (deleted by ``crud.erase_conversation``, and by the foreign key).
    """

    __tablename__ = "review_items"
    __table_args__ = (
        CheckConstraint(_in("status", REVIEW_STATUSES), name="status"),
        CheckConstraint(f"urgency IS NULL OR {_in('urgency', LABEL_URGENCIES)}", name="urgency"),
        CheckConstraint(f"category IS NULL OR {_in('category', LABEL_CATEGORIES)}", name="category"),
        CheckConstraint(f"victim IS NULL OR {_in('victim', AGE_GROUPS)}", name="victim"),
        Index("ix_review_items_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    # The message it came from; NULL once that message is purged by age (the redacted text stays).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)
    text: Mapped[str] = mapped_column(Text)  # redacted
    # How many values of each kind redaction replaced ({"NAME": 1}); kinds and counts, never values.
    redactions: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)
    # The bot's triage: {"urgency", "category", "victim", "intent", "confidence"}; labels only.
    verdict: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # A counsellor's correction on the case: {"urgency", "category", "victim"}, else NULL.
    correction: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(12), default="open")
    urgency: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(16))
    victim: Mapped[str | None] = mapped_column(String(8))
    intent: Mapped[str | None] = mapped_column(String(64))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Where an FAQ example question came from: the repo's generated training data (the seed) or an editor.
ExampleSource = Literal["seed", "editor"]
EXAMPLE_SOURCES: Final[tuple[str, ...]] = get_args(ExampleSource)
# A release's life: queued -> training -> gating -> ready | failed; ready -> live -> rolled_back.
ReleaseState = Literal["queued", "training", "gating", "ready", "failed", "live", "rolled_back"]
RELEASE_STATES: Final[tuple[str, ...]] = get_args(ReleaseState)
TrainingKind = Literal["finetune", "full"]
TRAINING_KINDS: Final[tuple[str, ...]] = get_args(TrainingKind)


class FaqTopic(Base):
    """An FAQ topic the ResponseSelector picks (Rasa's retrieval intent ``faq/<key>``). Its answer is a bot text
    (``text_revisions`` kind ``faq``, or ``handlers/texts.py`` for the repo's topics). Holds no case data."""

    __tablename__ = "faq_topics"
    __table_args__ = (CheckConstraint(_in("source", EXAMPLE_SOURCES), name="source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(8))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FaqExample(Base):
    """One example question of an FAQ topic. Removing one stamps ``removed_at`` (the history stays). Every fifth
    example of a topic is held out of training for the release gate, fixed when it is added."""

    __tablename__ = "faq_examples"
    __table_args__ = (
        CheckConstraint(_in("source", EXAMPLE_SOURCES), name="source"),
        Index("ix_faq_examples_topic_id_removed_at", "topic_id", "removed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("faq_topics.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(300))
    holdout: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(8))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ModelRelease(Base):
    """A Rasa model trained from the database's FAQ data: its state, progress, gate verdict and model file.
    ``examples`` and ``topics`` snapshot what it was trained on (ids and keys: no text); ``gate`` holds counts
    and ids only."""

    __tablename__ = "model_releases"
    __table_args__ = (
        CheckConstraint(_in("state", RELEASE_STATES), name="state"),
        CheckConstraint(_in("kind", TRAINING_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    kind: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(300), default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    base_model: Mapped[str | None] = mapped_column(String(500))
    model_path: Mapped[str | None] = mapped_column(String(500))
    folder: Mapped[str | None] = mapped_column(String(500))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    topics: Mapped[list[str]] = mapped_column(JSONType, default=list)
    examples: Mapped[list[int]] = mapped_column(JSONType, default=list)
    changed_topics: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The confirmed review items (labelled real messages) it trained on: ids only, the texts stay in review_items.
    reviewed: Mapped[list[int]] = mapped_column(JSONType, default=list)
    gate: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    gate_passed: Mapped[bool | None] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(String(500))
    train_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    live_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Renewed by the job preparing it (any app process): an active release whose beat stopped lost its job.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
