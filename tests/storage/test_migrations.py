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
    "directory_revisions",
    "escalation_attempts",
    "audit_log",
    "case_notes",
    "staff_credentials",
    "console_sessions",
    "triage_corrections",
    "staff_regions",
    "review_items",
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


def test_existing_staff_keep_their_region_in_the_set_and_email_only_accounts_come_and_go(empty_db_url: str) -> None:
    # Staff written before 0009 have one region: after it, that region is their set (and still the primary one);
    # an account without a contact can then be stored, and a downgrade keeps its row with a placeholder contact.
    migrate(empty_db_url, "0007")
    engine = make_engine(empty_db_url)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO staff (id, name, role, region, channel, contact_id, active, created_at) "
                              "VALUES (1001, 'Petugas Uji', 'counsellor', '32.76', 'telegram', '111', true, :t), "
                              "(1002, 'Petugas Dua', 'supervisor', '32', 'telegram', '222', true, :t)"), {"t": now})
            # Rows that point at staff: none may be lost or unlinked when the staff table is rebuilt (SQLite).
            conn.execute(text("INSERT INTO staff_credentials (staff_id, totp_enabled, failed_logins) "
                              "VALUES (1001, false, 0)"))
            conn.execute(text("INSERT INTO shifts (staff_id, starts_at) VALUES (1001, :t)"), {"t": now})
            conn.execute(text("INSERT INTO cases (id, code, region, violence_type, victim_age_group, urgency, "
                              "status, created_at, updated_at, assigned_staff_id) VALUES "
                              "(1, 'K-AAAAA', '32.76', 'physical', 'adult', 'high', 'claimed', :t, :t, 1001)"),
                         {"t": now})
        migrate(empty_db_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT staff_id, region FROM staff_regions ORDER BY staff_id")).all() == [
                (1001, "32.76"), (1002, "32")]
            assert conn.execute(text("SELECT staff_id FROM staff_credentials")).scalars().all() == [1001]
            assert conn.execute(text("SELECT staff_id FROM shifts")).scalars().all() == [1001]
            assert conn.execute(text("SELECT assigned_staff_id FROM cases")).scalars().all() == [1001]
        with Session(engine) as s:
            first = crud.get_staff(s, staff_id=1001)
            assert first is not None and first.regions == ("32.76",) and first.pageable
            crud.set_staff_regions(s, staff=first, regions=["32.76", "13.76"], actor="system")
            solo = crud.add_staff(s, name="Statistik Uji", role="statistician", region="32", channel=None,
                                  contact_id=None)
            assert not solo.pageable and solo.regions == ("32",)
            solo_id = solo.id
        with Session(engine) as s:
            again = crud.get_staff(s, staff_id=1001)
            assert again is not None and again.regions == ("32.76", "13.76")
        downgrade(empty_db_url, "0007")
        with engine.connect() as conn:
            assert "staff_regions" not in _tables(empty_db_url)
            rows = {r[0]: r[1:] for r in conn.execute(text("SELECT id, region, channel, contact_id FROM staff"))}
            assert rows == {1001: ("32.76", "telegram", "111"), 1002: ("32", "telegram", "222"),
                            solo_id: ("32", "telegram", f"none-{solo_id}")}
            assert conn.execute(text("SELECT staff_id FROM staff_credentials")).scalars().all() == [1001]
    finally:
        engine.dispose()


def test_existing_totp_secrets_are_encrypted_and_a_downgrade_decrypts_them(
        empty_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography.fernet import Fernet

    key = Fernet.generate_key()
    monkeypatch.setenv("POISON_KEY", key.decode())  # the app's key for encrypted files, as the app reads it
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # invented
    migrate(empty_db_url, "0007")
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO staff (id, name, role, region, channel, contact_id, active, created_at) "
                              "VALUES (2001, 'Petugas Uji', 'supervisor', '32.76', 'telegram', '333', true, :t)"),
                         {"t": datetime(2026, 12, 1, tzinfo=UTC)})
            conn.execute(text("INSERT INTO staff_credentials (staff_id, totp_secret, totp_enabled, failed_logins) "
                              "VALUES (2001, :s, true, 0)"), {"s": secret})
        migrate(empty_db_url)
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT totp_secret FROM staff_credentials")).scalar_one()
        assert secret not in stored and Fernet(key).decrypt(stored.encode()).decode() == secret
        migrate(empty_db_url)  # at head already: nothing encrypted twice
        with engine.connect() as conn:
            assert conn.execute(text("SELECT totp_secret FROM staff_credentials")).scalar_one() == stored
        downgrade(empty_db_url, "0007")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT totp_secret FROM staff_credentials")).scalar_one() == secret
    finally:
        engine.dispose()
