"""Engines, sessions and migrations.

Nothing here reads the environment: the database URL comes from ``core.settings.Settings`` via the caller.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, pool, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

PACKAGE_DIR = Path(__file__).resolve().parent
ALEMBIC_INI = PACKAGE_DIR / "alembic.ini"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def normalize_url(url: str | URL) -> URL:
    """Parse ``url``; a bare ``postgresql://`` gets the psycopg 3 driver (psycopg2 is not installed)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Per connection, because SQLite forgets these pragmas between connections. WAL lets the webhook
    # threads read while one writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster than FULL
        # Deleted rows are overwritten with zeros, not left in free pages: `hapus` must leave no text on disk.
        cursor.execute("PRAGMA secure_delete=ON")
    finally:
        cursor.close()


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """Create an engine for SQLite or PostgreSQL with the settings this application needs.

    SQLite: WAL journal, foreign keys on, ``check_same_thread=False`` (the async core calls storage
    through ``asyncio.to_thread``, so a pooled connection moves between threads), a busy timeout, and the
    parent folder of a file database is created. PostgreSQL: ``pool_pre_ping`` so a restarted server does not
    fail the first request. Extra ``kwargs`` go to ``create_engine``.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("check_same_thread", False)
        connect_args.setdefault("timeout", 30)  # seconds to wait for another writer's lock
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay usable after commit.

    ``expire_on_commit=False`` because crud functions commit and return ORM objects that the caller reads
    afterwards, often in another thread, where a lazy refresh would be surprising.
    """
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config(url: str | URL) -> Config:
    """An Alembic ``Config`` for ``url`` that works from an installed package (no current-directory files)."""
    cfg = Config(str(ALEMBIC_INI))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    rendered = normalize_url(url).render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    # The application configures logging itself; env.py must not replace its handlers.
    cfg.attributes["configure_logging"] = False
    return cfg


# Key of the PostgreSQL advisory lock held while migrating (any constant shared by every app process).
MIGRATION_LOCK_KEY = 129_0005


def migrate(url: str | URL, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (``alembic upgrade head`` by default).

    Several app processes starting at once migrate one at a time (a PostgreSQL advisory lock, or a file lock
    beside a SQLite file); the later ones then find the database at head and do nothing.
    """
    with _migration_lock(normalize_url(url)):
        command.upgrade(alembic_config(url), revision)


@contextlib.contextmanager
def _migration_lock(url: URL) -> Iterator[None]:
    if url.get_backend_name() == "postgresql":
        engine = make_engine(url, poolclass=pool.NullPool)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                    conn.commit()
        finally:
            engine.dispose()
    elif url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        lock_path = Path(str(url.database)).with_suffix(".migrate-lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        yield


def downgrade(url: str | URL, revision: str = "base") -> None:
    """Downgrade the database at ``url`` to ``revision`` (everything removed by default)."""
    command.downgrade(alembic_config(url), revision)
