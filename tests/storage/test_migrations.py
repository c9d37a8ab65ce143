"""Migrations and engine settings, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session

from storage import crud
from storage.db import downgrade, make_engine, migrate, normalize_url
from storage.models import Base

TABLES = {
    "conversations",
    "messages",
    "cases",
    "staff",
    "shifts",
    "outbox",
    "text_revisions",
    "escalation_attempts",
    "audit_log",
    "case_notes",
    "staff_credentials",
    "console_sessions",
    "triage_corrections",
    "faq_topics",
    "faq_examples",
    "model_releases",
}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_apply_from_empty_and_downgrade_to_base(empty_db_url: str) -> None:
    assert _tables(empty_db_url) == set()

    migrate(empty_db_url)
    assert _tables(empty_db_url) == TABLES | {"alembic_version"}

    # The migrations and the models describe the same schema (types, indexes, constraints, nullability).
    engine = make_engine(empty_db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()

    downgrade(empty_db_url, "base")
    assert _tables(empty_db_url) <= {"alembic_version"}

    migrate(empty_db_url)  # and back up again from nothing
    assert TABLES <= _tables(empty_db_url)


def test_migrate_is_idempotent(db_url: str) -> None:
    migrate(db_url)  # already at head: nothing to do, no error
    assert TABLES <= _tables(db_url)


def test_sqlite_engine_settings(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/sub/dir/x.db")  # parent folders are created
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()


def test_bare_postgresql_url_gets_psycopg_driver() -> None:
    assert normalize_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("sqlite:///x.db").drivername == "sqlite"


def test_timestamps_come_back_aware_utc(session: Session) -> None:
    jakarta = timezone(timedelta(hours=7))
    staff = crud.add_staff(
        session, name="Konselor Uji", role="counsellor", region="depok", channel="telegram", contact_id="9001"
    )
    shift = crud.start_shift(session, staff=staff, at=datetime(2025, 1, 6, 15, 0, tzinfo=jakarta))
    session.expire_all()
    row = crud.list_staff(session)[0]
    assert row.created_at.tzinfo is not None
    reread = session.get(type(shift), shift.id, populate_existing=True)
    assert reread is not None
    assert reread.starts_at == datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    assert reread.starts_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(session: Session) -> None:
    staff = crud.add_staff(
        session, name="Konselor Uji", role="counsellor", region="depok", channel="telegram", contact_id="9002"
    )
    with pytest.raises(Exception, match="naive datetime"):
        crud.start_shift(session, staff=staff, at=datetime(2025, 1, 6, 8, 0))


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(Exception, match="(?i)foreign key"):
        conn.execute(text("INSERT INTO shifts (staff_id, starts_at) VALUES (424242, '2025-01-06 08:00:00')"))
        conn.commit()


def test_processes_starting_together_migrate_one_at_a_time(empty_db_url: str) -> None:
    """Two app processes behind a proxy start at once on an empty database: neither fails, the schema is whole."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        for future in [pool.submit(migrate, empty_db_url) for _ in range(3)]:
            future.result()  # before the lock: "duplicate key ... alembic_version" on PostgreSQL
    assert TABLES <= _tables(empty_db_url)


def test_region_keys_become_codes(empty_db_url: str) -> None:
    # Rows written before 0006 with the gazetteer's keys: after it, the codes; a downgrade gives the keys back.
    migrate(empty_db_url, "0005")
    engine = make_engine(empty_db_url)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO staff (id, name, role, region, channel, contact_id, active, created_at) "
                              "VALUES (1, 'Petugas Uji', 'counsellor', 'depok', 'telegram', '111', true, :t), "
                              "(2, 'Petugas Dua', 'supervisor', 'nasional', 'telegram', '222', true, :t)"), {"t": now})
            conn.execute(text("INSERT INTO cases (id, code, region, violence_type, victim_age_group, urgency, "
                              "status, created_at, updated_at) VALUES "
                              "(1, 'K-AAAAA', 'kukar', 'physical', 'adult', 'high', 'new', :t, :t), "
                              "(2, 'K-BBBBB', 'nasional', 'physical', 'adult', 'high', 'new', :t, :t)"), {"t": now})
        migrate(empty_db_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT region FROM staff ORDER BY id")).scalars().all() == ["32.76", "nasional"]
            assert conn.execute(text("SELECT region, place_code, city FROM cases ORDER BY id")).all() == [
                ("64.02", "64.02", "Kabupaten Kutai Kartanegara"), ("nasional", None, None)]
        downgrade(empty_db_url, "0005")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT region FROM staff ORDER BY id")).scalars().all() == ["depok", "nasional"]
            assert conn.execute(text("SELECT region FROM cases ORDER BY id")).scalars().all() == ["kukar", "nasional"]
    finally:
        engine.dispose()
