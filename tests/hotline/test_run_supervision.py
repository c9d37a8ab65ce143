"""``hotline run`` as a person starts it (a process of its own, Redis started by it): its Redis is killed, the
supervisor starts it again on the same port, /readyz says so throughout, and stopping the app leaves no Redis
behind. (The same supervisor restarting a Rasa with a dead worker: test_supervisor_rasa.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from hotline.services import _children, free_port


def _redis_child(app_pid: int) -> int | None:
    for pid in _children(app_pid):
        try:
            if "redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                return pid
        except OSError:
            continue
    return None


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.1)


@pytest.fixture
def hotline_run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    env = dict(os.environ, PORT=str(port), VAR_DIR=str(tmp_path / "var"),
               DATABASE_URL=f"sqlite:///{tmp_path / 'hotline.db'}",
               # Rasa is not this test's subject: an address where nothing listens (rules-only triage).
               RASA_URL=f"http://127.0.0.1:{free_port()}", TELEGRAM_BOT_TOKEN="", TWILIO_ACCOUNT_SID="")
    env.pop("REDIS_URL", None)
    with open(tmp_path / "app.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "hotline.cli", "run"], cwd=tmp_path, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.poll() is None, (tmp_path / "app.log").read_text()
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        _wait(up, 90, "hotline run did not start")
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_hotline_run_starts_a_killed_redis_again(hotline_run: tuple[subprocess.Popen[bytes], str]) -> None:
    proc, base = hotline_run
    ready = httpx.get(f"{base}/readyz", timeout=5).json()
    assert ready["redis"] is True and ready["redis_process"] is True
    first = _redis_child(proc.pid)
    assert first is not None

    os.kill(first, signal.SIGKILL)
    # Back within seconds, as a new process (the app's own Redis client reconnects to it).
    _wait(lambda: (pid := _redis_child(proc.pid)) is not None and pid != first, 20, "redis not restarted")
    _wait(lambda: httpx.get(f"{base}/readyz", timeout=5).json()["redis"] is True, 20, "readyz redis")
    assert httpx.get(f"{base}/readyz", timeout=5).json()["redis_process"] is True
    metrics = httpx.get(f"{base}/metrics", timeout=5).text
    assert 'hotline_service_restarts_total{service="redis"} 1.0' in metrics

    second = _redis_child(proc.pid)
    proc.send_signal(signal.SIGINT)
    proc.wait(30)
    assert second is not None and not Path(f"/proc/{second}").exists(), "no Redis left behind"
