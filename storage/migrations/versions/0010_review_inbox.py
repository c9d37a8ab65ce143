"""The review inbox (issue 14): citizen messages the triage was unsure of, or a counsellor corrected, redacted,
for content editors to label; confirmed items are the training examples of the next release.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of storage.models.JSONType: a migration must not change when the models do.
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("reasons", JSON_TYPE, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("redactions", JSON_TYPE, nullable=False),
        sa.Column("verdict", JSON_TYPE, nullable=False),
        sa.Column("correction", JSON_TYPE, nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("victim", sa.String(length=8), nullable=True),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open', 'confirmed', 'discarded')", name=op.f("ck_review_items_status")),
        sa.CheckConstraint("urgency IS NULL OR urgency IN ('emergency', 'high', 'normal', 'none')",
                           name=op.f("ck_review_items_urgency")),
        sa.CheckConstraint("category IS NULL OR category IN ('physical', 'psychological', 'sexual', 'exploitation', "
                           "'trafficking', 'neglect', 'other', 'none')", name=op.f("ck_review_items_category")),
        sa.CheckConstraint("victim IS NULL OR victim IN ('child', 'adult', 'unknown')",
                           name=op.f("ck_review_items_victim")),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"],
                                name=op.f("fk_review_items_conversation_id_conversations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_review_items_message_id_messages"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_review_items_case_id_cases"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reviewed_by"], ["staff.id"], name=op.f("fk_review_items_reviewed_by_staff"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
        sa.UniqueConstraint("message_id", name=op.f("uq_review_items_message_id")),
    )
    op.create_index(op.f("ix_review_items_conversation_id"), "review_items", ["conversation_id"], unique=False)
    op.create_index("ix_review_items_status_id", "review_items", ["status", "id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_review_items_status_id", table_name="review_items")
    op.drop_index(op.f("ix_review_items_conversation_id"), table_name="review_items")
    op.drop_table("review_items")
