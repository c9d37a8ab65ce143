"""The services directory edited in the console: directory_revisions (``handlers/data/regions.yml`` is the seed,
the newest revision per region/entry overrides or adds an entry).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'uptd_ppa', 'puspaga', 'p2tp2a', 'dinas', 'police_ppa', 'hospital', 'shelter', 'satgas', 'other'"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "directory_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("entry", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("whatsapp", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("reverts_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_directory_revisions_kind")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_directory_revisions_staff_id_staff"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_revisions")),
    )
    op.create_index("ix_directory_revisions_region_entry", "directory_revisions", ["region", "entry"],
                    unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_directory_revisions_region_entry", table_name="directory_revisions")
    op.drop_table("directory_revisions")
