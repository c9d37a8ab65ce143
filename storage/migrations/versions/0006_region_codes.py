"""Region keys become Kemendagri codes: ``staff.region`` and ``cases.region`` hold a regency/city code ("32.76")
or a province code ("32") instead of the hand-written gazetteer's keys ("depok"); ``nasional`` stays.

Existing rows are rewritten with the mapping below (a frozen copy of ``handlers/data/places.yml`` ``legacy_keys``,
so this migration means the same thing whatever that file later says). Cases of a seed region that have no
``place_code`` get their regency's code, and an empty ``city`` its name. Downgrade maps the five codes back.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: former key -> (Kemendagri code, official name of the regency/city)
LEGACY: dict[str, tuple[str, str]] = {
    "depok": ("32.76", "Kota Depok"),
    "payakumbuh": ("13.76", "Kota Payakumbuh"),
    "pekalongan_kota": ("33.75", "Kota Pekalongan"),
    "pekalongan_kab": ("33.26", "Kabupaten Pekalongan"),
    "kukar": ("64.02", "Kabupaten Kutai Kartanegara"),
}

staff = sa.table("staff", sa.column("region", sa.String))
cases = sa.table("cases", sa.column("region", sa.String), sa.column("place_code", sa.String),
                 sa.column("city", sa.String))


def upgrade() -> None:
    """Upgrade data: former keys to codes."""
    for key, (code, name) in LEGACY.items():
        op.execute(cases.update().where(cases.c.region == key, cases.c.place_code.is_(None))
                   .values(place_code=code))
        op.execute(cases.update().where(cases.c.region == key, cases.c.city.is_(None)).values(city=name))
        op.execute(cases.update().where(cases.c.region == key).values(region=code))
        op.execute(staff.update().where(staff.c.region == key).values(region=code))


def downgrade() -> None:
    """Downgrade data: the five seed codes back to their keys (other codes have no key and stay)."""
    for key, (code, _name) in LEGACY.items():
        op.execute(cases.update().where(cases.c.region == code).values(region=key))
        op.execute(staff.update().where(staff.c.region == code).values(region=key))
