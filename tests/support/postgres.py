"""A throwaway real PostgreSQL server for tests.

``PostgresServer`` runs ``initdb`` + ``pg_ctl start`` in a temporary folder, on a free port on 127.0.0.1 with
its unix socket inside that folder, and removes everything on ``stop()``. PostgreSQL refuses to run as root, so
as root the server runs as the ``postgres`` OS user if it exists, else as a system user ``hotlinepg`` created
on first use.

Fixtures (session-scoped): ``postgres_server`` (the server; ``create_database()`` gives fresh databases) and
``postgres_url`` (a ``postgresql+psycopg://`` URL of a database created for the session). Import them into a
``conftest.py``::

    from tests.support.postgres import postgres_server, postgres_url  # noqa: F401

Without PostgreSQL binaries the fixtures skip, unless ``CI`` is set (then they fail: CI never skips silently).
Binaries are looked up in ``$PG_BIN``, ``pg_config --bindir``, ``/usr/lib/postgresql/<version>/bin`` (newest
first), then ``PATH``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

SUPERUSER = "hotline"
DEFAULT_OS_USER = "hotlinepg"


def in_ci() -> bool:
    """True when the ``CI`` environment variable is set to something other than a false-ish value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(reason: str) -> None:
    """Skip the test for a missing dependency, or fail it under CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def _has_server_binaries(bindir: Path) -> bool:
    return all((bindir / name).is_file() for name in ("initdb", "pg_ctl", "postgres"))


def find_bindir() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None."""
    candidates: list[Path] = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10)
            candidates.append(Path(out.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass

    def version_key(path: Path) -> tuple[int, str]:
        # Numeric order, so 15 comes after 9.6.
        head = path.parent.name.split(".")[0]
        return (int(head) if head.isdigit() else -1, path.parent.name)

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version_key, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    return next((c for c in candidates if _has_server_binaries(c)), None)


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _os_user() -> str | None:
    """The unprivileged user to run PostgreSQL as (None: the current user is not root and runs it itself)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", DEFAULT_OS_USER):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", DEFAULT_OS_USER],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return DEFAULT_OS_USER


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder, owned by an unprivileged user; see the module docstring."""

    def __init__(self, bindir: Path, base_dir: Path | None = None) -> None:
        self.bindir = bindir
        self.os_user = _os_user()
        self.root = Path(tempfile.mkdtemp(prefix="hotline-pg-", dir=base_dir))
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log_file = self.root / "postgres.log"
        self.port = 0
        self._started = False
        self._db_counter = 0

    # -- process control -------------------------------------------------------------------------------

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.os_user is not None:
            cmd = ["runuser", "-u", self.os_user, "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if result.returncode != 0:
            raise RuntimeError(
                f"{Path(args[0]).name} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n"
                + self._log_tail()
            )
        return result

    def _log_tail(self) -> str:
        try:
            return "postgres.log:\n" + "\n".join(self.log_file.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    def start(self) -> PostgresServer:
        """initdb, then start on a free port (retrying if another process grabbed the port)."""
        self.socket_dir.mkdir()
        if self.os_user is not None:
            entry = pwd.getpwnam(self.os_user)
            for path in (self.root, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        os.chmod(self.root, 0o700)
        # Trust auth on a private socket dir and loopback only: the server lives as long as the test session.
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        last_error: Exception | None = None
        for _ in range(3):
            self.port = free_port()
            # Durability off: a test database is thrown away, and fsync dominates the run time otherwise.
            options = (
                f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
            )
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                )
                self._started = True
                return self
            except RuntimeError as exc:
                last_error = exc
        raise RuntimeError(f"PostgreSQL did not start: {last_error}")

    def pause(self) -> None:
        """Stop the server but keep its data, to simulate a database outage (``resume`` starts it again)."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        self._started = False

    def resume(self) -> None:
        """Start a paused server again on the same port."""
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options,
                  "-w", "-t", "60", "start")
        self._started = True

    def _cluster_pids(self) -> list[int]:
        """The postmaster and every process below it (backends, background workers)."""
        postmaster = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        found, frontier = [postmaster], [postmaster]
        while frontier:
            children = [pid for pid, ppid in parents.items() if ppid in frontier]
            found.extend(children)
            frontier = children
        return found

    def freeze(self) -> None:
        """SIGSTOP the whole cluster: a database that hangs (connections and queries wait) rather than refuses."""
        self._frozen = self._cluster_pids()
        for pid in self._frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT what ``freeze`` stopped."""
        for pid in getattr(self, "_frozen", []):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self._frozen = []

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its folder."""
        try:
            if self._started:
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
                self._started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- databases -------------------------------------------------------------------------------------

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        """A SQLAlchemy URL for ``database`` on this server."""
        return f"{driver}://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """Create a database (optionally copied from ``template``) and return its SQLAlchemy URL."""
        if name is None:
            self._db_counter += 1
            name = f"test_{os.getpid()}_{self._db_counter}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        conninfo = f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(statement)
        return self.url(name)


def start_postgres(base_dir: Path | None = None) -> PostgresServer:
    """Start a server, or skip (fail under CI) when PostgreSQL is not installed."""
    bindir = find_bindir()
    if bindir is None:
        missing("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; set PG_BIN or install them")
        raise AssertionError("unreachable")  # pytest.skip/fail raise
    return PostgresServer(bindir, base_dir=base_dir).start()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole test session, removed at the end."""
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """URL (``postgresql+psycopg://...``) of an empty database created for the test session."""
    deadline = time.monotonic() + 10
    while True:  # the server accepts connections once pg_ctl -w returns, but be tolerant of slow machines
        try:
            return postgres_server.create_database("hotline_test")
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
