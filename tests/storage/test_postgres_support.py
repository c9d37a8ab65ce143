"""The PostgreSQL test helper: never a silent skip under CI."""

from __future__ import annotations

import pytest

from tests.support import postgres


def test_missing_binaries_skip_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(postgres, "find_bindir", lambda: None)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL server binaries"):
        postgres.start_postgres()


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_missing_binaries_fail_in_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    monkeypatch.setattr(postgres, "find_bindir", lambda: None)
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        postgres.start_postgres()


def test_ci_false_counts_as_not_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "false")
    assert postgres.in_ci() is False


@pytest.mark.postgres
def test_server_runs_unprivileged_on_loopback(postgres_server: postgres.PostgresServer) -> None:
    url = postgres_server.url("postgres")
    assert url.startswith("postgresql+psycopg://") and "@127.0.0.1:" in url
    assert postgres_server.socket_dir.parent == postgres_server.root
