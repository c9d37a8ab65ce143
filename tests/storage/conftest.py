"""Storage fixtures: every test that uses ``db_url`` runs on SQLite (a temp file) and on a real PostgreSQL.

The schema comes from the Alembic migrations, applied once per backend. Each test then starts from a migrated,
empty database: on SQLite a copy of the migrated file; on PostgreSQL one shared migrated database whose tables
are truncated after each test (``CREATE DATABASE ... TEMPLATE`` costs a checkpoint, ~0.3 s a test).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, NullPool, text
from sqlalchemy.orm import Session

from storage.db import make_engine, make_session_factory, migrate
from storage.models import Base
from tests.support.postgres import PostgresServer, postgres_server  # noqa: F401  (fixture)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
PG_DATABASE = "hotline_migrated"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, copied by each test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated(postgres_server: PostgresServer) -> str:  # noqa: F811
    """URL of a PostgreSQL database migrated to head, shared by the tests (emptied after each)."""
    url = postgres_server.create_database(PG_DATABASE)
    migrate(url)
    return url


def _truncate_all(url: str) -> None:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh database without any tables, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a migrated, empty database, on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "hotline.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    url: str = request.getfixturevalue("postgres_migrated")
    yield url
    # Runs after the engine fixture (which depends on this one) disposed its connections.
    _truncate_all(url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine made by ``storage.db.make_engine``."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session from ``storage.db.make_session_factory``."""
    factory = make_session_factory(engine)
    with factory() as s:
        yield s


@pytest.fixture
def new_session(engine: Engine) -> Iterator[Callable[[], Session]]:
    """A factory for extra sessions (a second worker, or reading back what another session committed)."""
    factory = make_session_factory(engine)
    opened: list[Session] = []

    def make() -> Session:
        s = factory()
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()
