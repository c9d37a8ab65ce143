"""Cases gain the Kemendagri code of where they happened and their SIMFONI-PPA entry.

``place_code`` is the most specific Kemendagri code known ("32.76" regency/city, "32.76.01" kecamatan,
"32.76.01.1001" desa/kelurahan); ``simfoni_ref`` is the number SIMFONI-PPA gave the case when staff entered it, so
nothing is entered twice.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("place_code", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("simfoni_ref", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("simfoni_entered_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("simfoni_entered_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_cases_simfoni_entered_by_staff"), "staff", ["simfoni_entered_by"], ["id"],
                                 ondelete="SET NULL")
    op.create_index("ix_cases_place_code", "cases", ["place_code"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_cases_place_code", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(op.f("fk_cases_simfoni_entered_by_staff"), type_="foreignkey")
        batch.drop_column("simfoni_entered_by")
        batch.drop_column("simfoni_entered_at")
        batch.drop_column("simfoni_ref")
        batch.drop_column("place_code")
