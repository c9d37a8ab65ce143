"""Staff of several regions, accounts with an e-mail only, TOTP secrets encrypted at rest.

* ``staff_regions``: every region a staff member covers (a counsellor of two regencies, a supervisor of a
  province and a regency elsewhere). ``staff.region`` stays the primary region and is always one of the rows;
  existing staff get their one region copied.
* ``staff.channel`` and ``staff.contact_id`` may be NULL: a statistician, content editor or admin (or a
  counsellor who works in the console only) has no Telegram or WhatsApp. Such staff are never paged.
* ``staff_credentials.totp_secret`` holds a Fernet token of the secret (the project's key for encrypted files:
  ``POISON_KEY``, else ``var/poison.key``, created if missing), never the base32 secret: existing secrets are
  encrypted here, and a downgrade decrypts them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
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
    with op.batch_alter_table("staff_credentials") as batch:
        batch.alter_column("totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=255))
    _rewrite_totp_secrets(encrypt=True)


def _fernet() -> Any:
    # The app's key, read the way the app reads it (the same settings and key file).
    from cryptography.fernet import Fernet

    from bot.edge import load_key
    from core.settings import Settings

    settings = Settings()
    return Fernet(load_key(settings.poison_key, settings.var_dir / "poison.key"))


def _rewrite_totp_secrets(*, encrypt: bool) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT staff_id, totp_secret FROM staff_credentials "
                                "WHERE totp_secret IS NOT NULL")).all()
    if not rows:
        return  # no key file is created for nothing
    fernet = _fernet()
    for staff_id, stored in rows:
        sealed = stored.startswith("gAAAAA")  # a Fernet token's version byte and timestamp
        if encrypt == sealed:
            continue
        value = fernet.encrypt(stored.encode()).decode() if encrypt else fernet.decrypt(stored.encode()).decode()
        conn.execute(sa.text("UPDATE staff_credentials SET totp_secret = :v WHERE staff_id = :i"),
                     {"v": value, "i": staff_id})


def downgrade() -> None:
    """Downgrade schema. Staff without a contact get a placeholder that matches no Telegram chat (a chat id is
    digits), so their rows, cases and audit trail stay."""
    _rewrite_totp_secrets(encrypt=False)
    with op.batch_alter_table("staff_credentials") as batch:
        batch.alter_column("totp_secret", existing_type=sa.String(length=255), type_=sa.String(length=64))
    op.drop_index(op.f("ix_staff_regions_region"), table_name="staff_regions")
    op.drop_table("staff_regions")
    op.execute("UPDATE staff SET channel = 'telegram', contact_id = 'none-' || CAST(id AS VARCHAR(20)) "
               "WHERE channel IS NULL OR contact_id IS NULL")
    with op.batch_alter_table("staff") as batch:
        batch.alter_column("contact_id", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("channel", existing_type=sa.String(length=16), nullable=False)
