"""FAQ training data in the database and model releases: faq_topics, faq_examples (the repo's data is seeded
into them by the app on first use) and model_releases (training state, progress, gate verdict, model file).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "faq_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('seed', 'editor')", name=op.f("ck_faq_topics_source")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_faq_topics_staff_id_staff"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_topics")),
        sa.UniqueConstraint("key", name=op.f("uq_faq_topics_key")),
    )
    op.create_table(
        "faq_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("holdout", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_by", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("source IN ('seed', 'editor')", name=op.f("ck_faq_examples_source")),
        sa.ForeignKeyConstraint(["topic_id"], ["faq_topics.id"], name=op.f("fk_faq_examples_topic_id_faq_topics"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["added_by"], ["staff.id"], name=op.f("fk_faq_examples_added_by_staff"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["removed_by"], ["staff.id"], name=op.f("fk_faq_examples_removed_by_staff"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_examples")),
    )
    op.create_index("ix_faq_examples_topic_id_removed_at", "faq_examples", ["topic_id", "removed_at"], unique=False)
    op.create_table(
        "model_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("base_model", sa.String(length=500), nullable=True),
        sa.Column("model_path", sa.String(length=500), nullable=True),
        sa.Column("folder", sa.String(length=500), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("topics", JSONType, nullable=False),
        sa.Column("examples", JSONType, nullable=False),
        sa.Column("changed_topics", JSONType, nullable=False),
        sa.Column("gate", JSONType, nullable=True),
        sa.Column("gate_passed", sa.Boolean(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("train_seconds", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("live_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'training', 'gating', 'ready', 'failed', 'live', 'rolled_back')",
                           name=op.f("ck_model_releases_state")),
        sa.CheckConstraint("kind IN ('finetune', 'full')", name=op.f("ck_model_releases_kind")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_model_releases_staff_id_staff"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_releases")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("model_releases")
    op.drop_index("ix_faq_examples_topic_id_removed_at", table_name="faq_examples")
    op.drop_table("faq_examples")
    op.drop_table("faq_topics")
