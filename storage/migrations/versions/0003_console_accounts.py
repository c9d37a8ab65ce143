"""Staff console: e-mail sign-in, credentials (Argon2, TOTP, lock-out), sessions, triage corrections; two more
roles (content_editor, statistician).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of storage.models.JSONType: a migration must not change when the models do.
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
OLD_ROLES = "role IN ('counsellor', 'supervisor', 'admin')"
NEW_ROLES = "role IN ('counsellor', 'supervisor', 'content_editor', 'statistician', 'admin')"


def upgrade() -> None:
    """Upgrade schema."""
    # Batch mode: SQLite cannot alter a CHECK constraint in place (the table is copied).
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch.create_unique_constraint(op.f("uq_staff_email"), ["email"])
        batch.drop_constraint(op.f("ck_staff_role"), type_="check")
        batch.create_check_constraint(op.f("ck_staff_role"), NEW_ROLES)
    op.create_table(
        "staff_credentials",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_enabled", sa.Boolean(), nullable=False),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("setup_token_hash", sa.String(length=64), nullable=True),
        sa.Column("setup_token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("failed_logins >= 0", name=op.f("ck_staff_credentials_failed_logins")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_staff_credentials_staff_id_staff"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_staff_credentials")),
        sa.UniqueConstraint("setup_token_hash", name=op.f("uq_staff_credentials_setup_token_hash")),
    )
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stage IN ('password', 'full')", name=op.f("ck_console_sessions_stage")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_console_sessions_staff_id_staff"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_console_sessions_token_hash")),
    )
    op.create_index(op.f("ix_console_sessions_staff_id"), "console_sessions", ["staff_id"], unique=False)
    op.create_table(
        "triage_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("original", JSON_TYPE, nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("violence_type", sa.String(length=16), nullable=False),
        sa.Column("victim_age_group", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("urgency IN ('emergency', 'high', 'normal')", name=op.f("ck_triage_corrections_urgency")),
        sa.CheckConstraint(
            "violence_type IN ('physical', 'psychological', 'sexual', 'exploitation', 'trafficking', 'neglect', "
            "'other')", name=op.f("ck_triage_corrections_violence_type")),
        sa.CheckConstraint("victim_age_group IN ('child', 'adult', 'unknown')",
                           name=op.f("ck_triage_corrections_victim_age_group")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_triage_corrections_case_id_cases"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_triage_corrections_staff_id_staff"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_corrections")),
    )
    op.create_index(op.f("ix_triage_corrections_case_id"), "triage_corrections", ["case_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_triage_corrections_case_id"), table_name="triage_corrections")
    op.drop_table("triage_corrections")
    op.drop_index(op.f("ix_console_sessions_staff_id"), table_name="console_sessions")
    op.drop_table("console_sessions")
    op.drop_table("staff_credentials")
    op.execute("DELETE FROM staff WHERE role IN ('content_editor', 'statistician')")
    with op.batch_alter_table("staff") as batch:
        batch.drop_constraint(op.f("ck_staff_role"), type_="check")
        batch.create_check_constraint(op.f("ck_staff_role"), OLD_ROLES)
        batch.drop_constraint(op.f("uq_staff_email"), type_="unique")
        batch.drop_column("email")
