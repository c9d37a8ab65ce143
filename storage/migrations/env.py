"""Alembic environment for the hotline database.

Run through ``storage.db.migrate(url)``; from the command line the URL comes from ``-x url=...`` or the
``DATABASE_URL`` environment variable (read here, at migration time, never at import of the application).
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import pool

from storage.db import make_engine
from storage.models import Base

config = context.config

if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    # Only for the alembic command line; migrate() keeps the application's logging untouched.
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    url = url or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: use storage.db.migrate(url), -x url=..., or DATABASE_URL")
    return url


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (``alembic upgrade head --sql``)."""
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection."""
    connection = config.attributes.get("connection")
    if connection is not None:
        # A caller (e.g. a test) lends its own connection.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    engine = make_engine(_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                # Batch mode re-creates a table (copy, drop the old one, rename). With foreign keys on, that DROP
                # is a DELETE that cascades into every row pointing at the table (credentials, shifts, cases'
                # assignees). Off for the migrations (it must be set outside a transaction), checked after.
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            # render_as_batch: SQLite cannot ALTER constraints; future migrations copy-and-move tables there.
            context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                conn.commit()
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                if broken:
                    raise RuntimeError(f"migration left {len(broken)} rows pointing at missing rows")
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
