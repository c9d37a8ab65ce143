"""Storage fixtures: every test that uses ``db_url`` runs on SQLite (a temp file) and on a real PostgreSQL.

The schema comes from the Alembic migrations, applied once per backend into a template that each test copies
(a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL), so each test starts from a fresh,
migrated, empty database and the suite stays fast.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from storage.db import make_engine, make_session_factory, migrate
from tests.support.postgres import PostgresServer, postgres_server  # noqa: F401  (fixture)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
PG_TEMPLATE = "hotline_migrated"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, copied by each test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:  # noqa: F811
    """Name of a PostgreSQL database migrated to head, used as ``CREATE DATABASE`` template."""
    migrate(postgres_server.create_database(PG_TEMPLATE))
    return PG_TEMPLATE


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh database without any tables, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh migrated database, on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "hotline.db"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database(template=request.getfixturevalue("postgres_template"))


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
