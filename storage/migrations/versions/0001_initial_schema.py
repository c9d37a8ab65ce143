"""Initial schema: conversations, messages, cases, staff, shifts, outbox, escalation attempts, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen copy of storage.models.JSONType: a migration must not change when the models do.
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", JSON_TYPE, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index("ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id"], unique=False)

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("channel IN ('telegram', 'whatsapp')", name=op.f("ck_staff_channel")),
        sa.CheckConstraint("role IN ('counsellor', 'supervisor', 'admin')", name=op.f("ck_staff_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("channel", "contact_id", name=op.f("uq_staff_channel_contact_id")),
    )
    op.create_index(op.f("ix_staff_region"), "staff", ["region"], unique=False)

    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("state", JSON_TYPE, nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("handoff_staff_id", sa.Integer(), nullable=True),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("channel IN ('telegram', 'whatsapp', 'web')", name=op.f("ck_conversations_channel")),
        sa.CheckConstraint("lang IN ('id', 'en')", name=op.f("ck_conversations_lang")),
        sa.ForeignKeyConstraint(
            ["handoff_staff_id"],
            ["staff.id"],
            name=op.f("fk_conversations_handoff_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("sender_id", name=op.f("uq_conversations_sender_id")),
    )
    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name=op.f("ck_shifts_ends_after_start")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_shifts_staff_id_staff"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
    )
    op.create_index(op.f("ix_shifts_staff_id"), "shifts", ["staff_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("kecamatan", sa.String(length=120), nullable=True),
        sa.Column("kelurahan", sa.String(length=120), nullable=True),
        sa.Column("violence_type", sa.String(length=16), nullable=False),
        sa.Column("victim_age_group", sa.String(length=8), nullable=False),
        sa.Column("victim_age", sa.Integer(), nullable=True),
        sa.Column("victim_sex", sa.String(length=8), nullable=True),
        sa.Column("relationship", sa.String(length=64), nullable=True),
        sa.Column("place", sa.String(length=16), nullable=True),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=True),
        sa.Column("assigned_staff_id", sa.Integer(), nullable=True),
        sa.Column("police_report_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("safe_contact", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "place IS NULL OR place IN "
            "('rumah_tangga', 'sekolah', 'tempat_kerja', 'fasilitas_umum', 'online', 'lainnya')",
            name=op.f("ck_cases_place"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'paged', 'claimed', 'in_progress', 'referred', 'closed')",
            name=op.f("ck_cases_status"),
        ),
        sa.CheckConstraint("urgency IN ('emergency', 'high', 'normal')", name=op.f("ck_cases_urgency")),
        sa.CheckConstraint("victim_age_group IN ('child', 'adult', 'unknown')", name=op.f("ck_cases_victim_age_group")),
        sa.CheckConstraint("victim_sex IS NULL OR victim_sex IN ('female', 'male')", name=op.f("ck_cases_victim_sex")),
        sa.CheckConstraint(
            "violence_type IN "
            "('physical', 'psychological', 'sexual', 'exploitation', 'trafficking', 'neglect', 'other')",
            name=op.f("ck_cases_violence_type"),
        ),
        sa.CheckConstraint(
            "victim_age IS NULL OR (victim_age >= 0 AND victim_age < 130)", name=op.f("ck_cases_victim_age")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_staff_id"],
            ["staff.id"],
            name=op.f("fk_cases_assigned_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_cases_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("code", name=op.f("uq_cases_code")),
    )
    op.create_index(op.f("ix_cases_conversation_id"), "cases", ["conversation_id"], unique=False)
    op.create_index(op.f("ix_cases_region"), "cases", ["region"], unique=False)
    op.create_index("ix_cases_status_urgency_created_at", "cases", ["status", "urgency", "created_at"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("media_count", sa.Integer(), nullable=False),
        sa.Column("chat_message_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("triage", JSON_TYPE, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("channel IN ('telegram', 'whatsapp', 'web')", name=op.f("ck_messages_channel")),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f("ck_messages_direction")),
        sa.CheckConstraint("status IN ('received', 'processed', 'pending_retry')", name=op.f("ck_messages_status")),
        sa.CheckConstraint("media_count >= 0", name=op.f("ck_messages_media_count")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_messages_channel_external_id")),
    )
    op.create_index(op.f("ix_messages_conversation_id"), "messages", ["conversation_id"], unique=False)
    op.create_index(op.f("ix_messages_created_at"), "messages", ["created_at"], unique=False)
    op.create_index("ix_messages_status_created_at", "messages", ["status", "created_at"], unique=False)

    op.create_table(
        "escalation_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("timed_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_escalation_attempts_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_escalation_attempts_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_attempts")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_escalation_attempts_dedup_key")),
    )
    op.create_index(op.f("ix_escalation_attempts_case_id"), "escalation_attempts", ["case_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", JSON_TYPE, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_outbox_case_id_cases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_outbox_dedup_key")),
    )
    op.create_index(op.f("ix_outbox_case_id"), "outbox", ["case_id"], unique=False)
    op.create_index("ix_outbox_published_at_created_at", "outbox", ["published_at", "created_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema: drop every table (their indexes go with them), children first."""
    for table in (
        "outbox",
        "escalation_attempts",
        "messages",
        "cases",
        "shifts",
        "conversations",
        "staff",
        "audit_log",
    ):
        op.drop_table(table)
