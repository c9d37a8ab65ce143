"""Cases keep their response times (first page, claim, first counsellor message) and their channel for the
figures page, and an index on (region, created_at) for figures of one region and period.

The columns are written by the operations themselves from now on (``crud.record_escalation_attempt``,
``crud.claim_case``, ``crud.note_staff_reply``); existing cases are filled from the pages, the audit log's
``claim`` rows and the counsellor messages already stored.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("first_paged_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("first_staff_reply_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_cases_region_created_at", "cases", ["region", "created_at"], unique=False)
    op.execute("UPDATE cases SET channel = (SELECT c.channel FROM conversations c WHERE c.id = cases.conversation_id)")
    op.execute("UPDATE cases SET first_paged_at = (SELECT min(p.sent_at) FROM escalation_attempts p "
               "WHERE p.case_id = cases.id)")
    op.execute("UPDATE cases SET claimed_at = (SELECT min(a.at) FROM audit_log a WHERE a.entity = 'case' "
               "AND a.action = 'claim' AND a.entity_id = CAST(cases.id AS VARCHAR(64)))")
    # After a claim the conversation is handed to the counsellor: its outbound messages are theirs (the bot's own
    # replies are not stored).
    op.execute("UPDATE cases SET first_staff_reply_at = (SELECT min(m.created_at) FROM messages m "
               "WHERE m.conversation_id = cases.conversation_id AND m.direction = 'out' "
               "AND m.created_at >= cases.claimed_at) WHERE claimed_at IS NOT NULL")


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_cases_region_created_at", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("first_staff_reply_at")
        batch.drop_column("claimed_at")
        batch.drop_column("first_paged_at")
        batch.drop_column("channel")
