"""Shared fixtures: a real Redis server and a real Rasa server with the trained model.

Both are started by the tests themselves from the project's own files (``scripts/setup.sh`` installs them).
With CI set, a missing Redis or model is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT
from hotline.services import RasaServer, RedisServer, free_port

IN_CI = bool(os.environ.get("CI"))
# The token the session's Rasa sends with its NLG requests; the test apps' settings carry the same one.
NLG_TOKEN = "nlg-token-test-0001"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A real redis-server on a free port, for the whole test session."""
    if shutil.which("redis-server") is None:
        _missing("redis-server not installed (run scripts/setup.sh)")
    server = RedisServer(data_dir=tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def nlg_port() -> int:
    """The port test apps listen on, so Rasa's NLG endpoint can reach them."""
    return free_port()


@pytest.fixture(scope="session")
def rasa_server(
    tmp_path_factory: pytest.TempPathFactory, redis_server: RedisServer, nlg_port: int
) -> Iterator[RasaServer]:
    """The real trained Rasa model behind ``rasa run --enable-api``, tracker and lock store on Redis."""
    venv = PROJECT_ROOT / ".venv-rasa"
    model = PROJECT_ROOT / "nlu" / "models" / "hotline.tar.gz"
    if not (venv / "bin" / "rasa").exists() or not model.exists():
        _missing("Rasa env or trained model missing (run scripts/setup.sh)")
    server = RasaServer(
        venv=venv, project=PROJECT_ROOT / "nlu", work_dir=tmp_path_factory.mktemp("rasa"),
        redis_url=redis_server.url.replace("/0", "/3"), nlg_url=f"http://127.0.0.1:{nlg_port}/nlg",
        nlg_token=NLG_TOKEN,
    ).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the repository (the triage guide, dev set and scorer)."""
    path = PROJECT_ROOT.parent / "shared"
    if not path.exists():
        _missing("../shared not found beside the repository")
    return path
