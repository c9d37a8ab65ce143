"""A Rasa server with two Sanic workers, as ``hotline run`` starts it: one worker is killed, Sanic does not
replace it (the other still answers /status, so only the worker count shows it), the supervisor restarts the
server on the same port, and both workers serve again."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.settings import PROJECT_ROOT
from hotline.services import RasaServer, RedisServer, Supervisor, _children
from tests.conftest import _missing

pytestmark = pytest.mark.rasa


@pytest.fixture
def two_worker_rasa(tmp_path: Path, redis_server: RedisServer) -> Iterator[RasaServer]:
    venv = PROJECT_ROOT / ".venv-rasa"
    model = PROJECT_ROOT / "nlu" / "models" / "hotline.tar.gz"
    if not (venv / "bin" / "rasa").exists() or not model.exists():
        _missing("Rasa env or trained model missing (run scripts/setup.sh)")
    server = RasaServer(venv=venv, project=PROJECT_ROOT / "nlu", work_dir=tmp_path / "rasa",
                        redis_url=redis_server.url.replace("/0", "/4"), workers=2, nice=5,
                        # Two workers load the model side by side; on a busy 2-core machine that is slow.
                        start_timeout_s=600).start()
    yield server
    server.stop()


def test_a_killed_rasa_worker_is_noticed_and_rasa_restarted(two_worker_rasa: RasaServer) -> None:
    rasa = two_worker_rasa
    assert rasa.proc is not None and rasa.live_workers() == 2 and rasa.alive()
    port, main_pid = rasa.port, rasa.proc.pid
    victim = _children(main_pid)[0]
    # Rasa runs below the app's CPU priority (workers inherit it), so a surge leaves the cores to the webhooks.
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in (main_pid, *_children(main_pid))} == {min(ours + 5, 19)}
    supervisor = Supervisor([rasa], interval_s=0.2)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while rasa.live_workers() != 1:
        assert time.monotonic() < deadline, "the dead worker was not noticed"
        time.sleep(0.05)
    assert not rasa.alive()
    # What a plain /status health check sees: still fine, through the surviving worker.
    assert httpx.get(f"{rasa.url}/status", timeout=5).status_code == 200

    # The supervisor keeps running to the end: a service it restarted is a child of its thread and, like every
    # child of the hotline, gets SIGTERM when its parent (that thread) ends.
    supervisor.start()
    try:
        deadline = time.monotonic() + 600
        while not (supervisor.restarts["rasa"] >= 1 and rasa.alive()):
            assert time.monotonic() < deadline, "rasa was not restarted"
            time.sleep(0.2)
        assert rasa.port == port and rasa.proc is not None and rasa.proc.pid != main_pid
        # /status answered as soon as one worker had its model; the other may still be loading its own (a
        # request it takes then waits). Serving again means: four parses in a row succeed.
        deadline, in_a_row = time.monotonic() + 300, 0
        while in_a_row < 4:
            assert time.monotonic() < deadline, "rasa does not serve parses after the restart"
            try:
                parsed = httpx.post(f"{rasa.url}/model/parse", json={"text": "halo"}, timeout=120)
                ok = parsed.status_code == 200 and bool(parsed.json()["intent"]["name"])
            except httpx.TransportError:
                ok = False
            in_a_row = in_a_row + 1 if ok else 0
            if not ok:
                time.sleep(1)
        assert rasa.live_workers() == 2 and supervisor.restarts["rasa"] == 1
        assert os.getpriority(os.PRIO_PROCESS, rasa.proc.pid) == min(ours + 5, 19)
    finally:
        supervisor.stop()
