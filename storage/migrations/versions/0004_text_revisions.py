"""Bot texts edited in the console: text_revisions (the repo's texts are the defaults, the newest revision per
kind/key/language overrides them).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "text_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("reverts_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('text', 'faq')", name=op.f("ck_text_revisions_kind")),
        sa.CheckConstraint("lang IN ('id', 'en')", name=op.f("ck_text_revisions_lang")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_text_revisions_staff_id_staff"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_revisions")),
    )
    op.create_index("ix_text_revisions_kind_key_lang", "text_revisions", ["kind", "key", "lang"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_text_revisions_kind_key_lang", table_name="text_revisions")
    op.drop_table("text_revisions")
