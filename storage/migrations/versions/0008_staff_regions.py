"""Staff of several regions, and accounts with an e-mail only.

* ``staff_regions``: every region a staff member covers (a counsellor of two regencies, a supervisor of a
  province and a regency elsewhere). ``staff.region`` stays the primary region and is always one of the rows;
  existing staff get their one region copied.
* ``staff.channel`` and ``staff.contact_id`` may be NULL: a statistician, content editor or admin (or a
  counsellor who works in the console only) has no Telegram or WhatsApp. Such staff are never paged.

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


def upgrade() -> None:
    """Upgrade schema."""
    # staff first: SQLite's batch mode re-creates the table, and dropping the old one would cascade into
    # staff_regions if it already existed.
    with op.batch_alter_table("staff") as batch:
        batch.alter_column("channel", existing_type=sa.String(length=16), nullable=True)
        batch.alter_column("contact_id", existing_type=sa.String(length=64), nullable=True)
    op.create_table(
        "staff_regions",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_staff_regions_staff_id_staff"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("staff_id", "region", name=op.f("pk_staff_regions")),
    )
    op.create_index(op.f("ix_staff_regions_region"), "staff_regions", ["region"], unique=False)
    op.execute("INSERT INTO staff_regions (staff_id, region) SELECT id, region FROM staff")


def downgrade() -> None:
    """Downgrade schema. Staff without a contact get a placeholder that matches no Telegram chat (a chat id is
    digits), so their rows, cases and audit trail stay."""
    op.drop_index(op.f("ix_staff_regions_region"), table_name="staff_regions")
    op.drop_table("staff_regions")
    op.execute("UPDATE staff SET channel = 'telegram', contact_id = 'none-' || CAST(id AS VARCHAR(20)) "
               "WHERE channel IS NULL OR contact_id IS NULL")
    with op.batch_alter_table("staff") as batch:
        batch.alter_column("contact_id", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("channel", existing_type=sa.String(length=16), nullable=False)
