"""model_releases.reviewed: the ids of the confirmed review items (labelled real messages) a release trained on,
so the next release can say how many are new since the live one, and whether one left (erased) needs a full
training.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("model_releases") as batch:
        batch.add_column(sa.Column("reviewed", JSONType, nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("model_releases") as batch:
        batch.drop_column("reviewed")
