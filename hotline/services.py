"""Start, wait for and stop the local services the hotline needs: a Rasa server and a Redis server.

In production these run as their own containers (``docker-compose.yml``) and ``RASA_URL`` / ``REDIS_URL`` point
at them; for a first run and for the tests the hotline starts them itself, from the project's own files.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

from core.settings import PROJECT_ROOT

log = logging.getLogger(__name__)


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the hotline process dies, so no orphan keeps running."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _niced_child(niceness: int) -> Callable[[], None]:
    """A ``preexec_fn``: die with the parent, and run at a lower CPU priority by ``niceness``."""

    def setup() -> None:
        _die_with_parent()
        if niceness > 0:
            os.nice(niceness)

    return setup


def _terminate(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


@dataclass
class RedisServer:
    """A ``redis-server`` child process with append-only persistence in ``data_dir``."""

    data_dir: Path
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15.0) -> RedisServer:
        """Start the server (on a free port unless one was given) and wait until it answers PING."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server not found: run scripts/setup.sh (it installs it)")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.data_dir),
             "--appendonly", "yes", "--save", "", "--protected-mode", "yes", "--logfile", "redis.log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start in time")

    def stop(self) -> None:
        """Stop the server (data stays in ``data_dir``)."""
        if self.proc is not None:
            _terminate(self.proc)
            self.proc = None

    name = "redis"

    def alive(self) -> bool:
        """Whether the server process is running."""
        return self.proc is not None and self.proc.poll() is None

    def restart(self) -> None:
        """Start the server again on the same port and data (append-only file), after a crash."""
        self.stop()
        self.start()


def write_endpoints(path: Path, *, redis_url: str | None, nlg_url: str | None, nlg_token: str | None = None) -> Path:
    """Write a Rasa ``endpoints.yml``: tracker and lock store on Redis, response texts from the app (NLG).

    ``nlg_token`` is sent by Rasa as the ``token`` query parameter of every NLG request; the app's ``/nlg``
    answers only requests that carry it.
    """
    lines: list[str] = []
    if redis_url:
        u = httpx.URL(redis_url)
        db = (u.path or "/0").strip("/") or "0"
        for name, extra in (("tracker_store", "  key_prefix: hotline\n  record_exp: 2592000\n"),
                            ("lock_store", "  key_prefix: hotline\n")):
            lines.append(
                f"{name}:\n  type: redis\n  url: {u.host}\n  port: {u.port or 6379}\n  db: {db}\n{extra}"
            )
    if nlg_url:
        lines.append(f"nlg:\n  url: {nlg_url}\n" + (f"  token: {nlg_token}\n" if nlg_token else ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    # The file may hold the NLG token: readable by its owner only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("".join(lines) or "{}\n")
    return path


def rasa_pythonpath() -> str:
    """``PYTHONPATH`` for a Rasa child process: the custom components ``nlu/config.yml`` names
    (``nlu/hotline_*.py``) must import wherever a model is served or trained from (``nlu/``, a release's folder, a
    test's scratch project)."""
    return os.pathsep.join(p for p in (str(PROJECT_ROOT / "nlu"), os.environ.get("PYTHONPATH", "")) if p)


@dataclass
class RasaServer:
    """A ``rasa run --enable-api`` child process from the project's Python 3.10 env."""

    venv: Path
    project: Path
    work_dir: Path
    port: int = 0
    redis_url: str | None = None
    nlg_url: str | None = None
    workers: int = 1
    nlg_token: str | None = None
    # CPU priority below the app's (``nice``): under a surge the app's event loop (webhooks, the emergency
    # numbers, paging) gets the cores first and Rasa's parses take what is left.
    nice: int = 0
    # The model file to serve; unset, the project's trained model (``nlu/models/hotline.tar.gz``).
    model: Path | None = None
    # How long a start may take before it counts as failed (loading the model takes ~40 s on an idle machine).
    start_timeout_s: float = 240.0
    proc: subprocess.Popen[bytes] | None = None
    started_in_s: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def model_path(self) -> Path:
        """The model file this server serves."""
        return self.model if self.model is not None else self.project / "models" / "hotline.tar.gz"

    def start(self, timeout: float | None = None) -> RasaServer:
        """Start Rasa and block until ``/status`` reports the loaded model (``start_timeout_s`` by default)."""
        rasa = self.venv / "bin" / "rasa"
        if not rasa.exists():
            raise RuntimeError(f"{rasa} not found: run scripts/setup.sh")
        if not self.model_path.exists():
            raise RuntimeError(f"{self.model_path} not found: run scripts/setup.sh (it trains the model)")
        self.port = self.port or free_port()
        self.work_dir.mkdir(parents=True, exist_ok=True)
        endpoints = write_endpoints(
            self.work_dir / f"endpoints-{self.port}.yml", redis_url=self.redis_url, nlg_url=self.nlg_url,
            nlg_token=self.nlg_token,
        )
        env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3",
                   SANIC_REQUEST_TIMEOUT="30", LOG_LEVEL_LIBRARIES="ERROR", PYTHONPATH=rasa_pythonpath(),
                   # Rasa runs several Sanic workers only with a shared (Redis) lock and tracker store.
                   SANIC_WORKERS=str(self.sanic_workers))
        cmd = [str(rasa), "run", "--enable-api", "-m", str(self.model_path), "--port", str(self.port),
               "-i", "127.0.0.1", "--endpoints", str(endpoints), "--log-file", str(self.work_dir / "rasa.log")]
        t0 = time.monotonic()
        # Rasa's own output may contain message texts at debug level; it goes to a file, never to our log.
        with open(self.work_dir / f"rasa-{self.port}.out", "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=self.project, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True, preexec_fn=_niced_child(self.nice))
        self._wait_ready(timeout if timeout is not None else self.start_timeout_s)
        self.started_in_s = time.monotonic() - t0
        log.info("rasa ready on port %s in %.1f s", self.port, self.started_in_s)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                assert self.proc is not None
                if self.proc.poll() is not None:
                    raise RuntimeError(f"rasa exited with {self.proc.returncode}; see {self.work_dir}")
                try:
                    r = client.get(f"{self.url}/status")
                    if r.status_code == 200 and r.json().get("model_file"):
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("rasa did not become ready in time")

    def rss_bytes(self) -> int:
        """Resident memory of the Rasa process tree (Linux /proc)."""
        if self.proc is None:
            return 0
        return _tree_rss(self.proc.pid)

    def stop(self) -> None:
        """Stop the server."""
        if self.proc is not None:
            _terminate(self.proc, timeout=20.0)
            self.proc = None

    name = "rasa"

    @property
    def sanic_workers(self) -> int:
        """How many Sanic worker processes serve requests (several only with the Redis lock store)."""
        return self.workers if self.redis_url else 1

    def live_workers(self) -> int:
        """Worker processes serving now: Sanic forks them from the main process when there are several (a killed
        one is not replaced by Sanic and lingers as a zombie); a single worker is the main process itself."""
        if self.proc is None or self.proc.poll() is not None:
            return 0
        if self.sanic_workers <= 1:
            return 1
        return sum(1 for pid in _children(self.proc.pid) if _state(pid) not in ("Z", "X", ""))

    def alive(self) -> bool:
        """Whether the main process and every worker are running."""
        return self.live_workers() >= self.sanic_workers

    def restart(self) -> None:
        """Stop what is left (the main process and surviving workers) and start Rasa again on the same port."""
        self.stop()
        self.start()


def _children(pid: int) -> list[int]:
    """Child processes of ``pid``, whichever of its threads started them (Linux lists them per thread)."""
    out: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return out
    for task in tasks:
        try:
            out.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return out


def _state(pid: int) -> str:
    """The state letter of a process (R, S, Z, ...); empty when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


class Supervised(Protocol):
    """A child service the supervisor can watch and start again."""

    name: str

    def alive(self) -> bool: ...

    def restart(self) -> None: ...


class Supervisor:
    """Restarts dead child services (Redis, a Rasa server with a dead worker) of ``hotline run``.

    A thread checks every ``interval_s``; a dead service is restarted at once the first time, then with an
    exponential back-off (``min_backoff_s`` doubling to ``max_backoff_s``) while it keeps dying or failing to
    start, so a service that cannot start does not burn the CPU the app needs to answer people. A service that
    stayed up for ``stable_s`` is forgiven its past crashes. Restarts are counted in
    ``hotline_service_restarts_total`` and logged (service name only).

    A restarted service is a child of the supervisor's thread, and children get SIGTERM when their parent thread
    ends (``PR_SET_PDEATHSIG``, so that none outlives the hotline): stop the supervisor only when the services are
    being stopped too.
    """

    def __init__(self, services: Sequence[Supervised], *, interval_s: float = 1.0, min_backoff_s: float = 1.0,
                 max_backoff_s: float = 60.0, stable_s: float = 120.0) -> None:
        self.services = list(services)
        self.interval_s = interval_s
        self.min_backoff_s = min_backoff_s
        self.max_backoff_s = max_backoff_s
        self.stable_s = stable_s
        self.restarts: dict[str, int] = {svc.name: 0 for svc in self.services}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Per service: the back-off before the next attempt, when that attempt may happen, when it last came up.
        self._backoff = {svc.name: 0.0 for svc in self.services}
        self._next_try = {svc.name: 0.0 for svc in self.services}
        self._up_since = {svc.name: time.monotonic() for svc in self.services}

    def start(self) -> Supervisor:
        """Start watching in a daemon thread."""
        self._thread = threading.Thread(target=self._run, name="hotline-supervisor", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching (the services themselves are stopped by their owner)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def check_once(self) -> None:
        """One round: restart each dead service whose back-off has passed."""
        from core import metrics

        for svc in self.services:
            if self._stop.is_set():
                return
            now = time.monotonic()
            if svc.alive():
                if now - self._up_since[svc.name] >= self.stable_s:
                    self._backoff[svc.name] = 0.0
                continue
            if now < self._next_try[svc.name]:
                continue
            log.warning("%s is down; restarting it", svc.name)
            self.restarts[svc.name] += 1
            metrics.RESTARTS.labels(service=svc.name).inc()
            try:
                svc.restart()
                self._up_since[svc.name] = time.monotonic()
                log.info("%s restarted", svc.name)
            except Exception as exc:
                log.error("%s did not start again (%s)", svc.name, type(exc).__name__)
            backoff = self._backoff[svc.name]
            self._next_try[svc.name] = time.monotonic() + backoff
            self._backoff[svc.name] = min(max(backoff * 2, self.min_backoff_s), self.max_backoff_s)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check_once()
            except Exception as exc:  # the watcher must outlive any one failure
                log.error("supervisor round failed (%s)", type(exc).__name__)


def _tree_pids(pid: int) -> list[int]:
    out: list[int] = []
    pids = [pid]
    while pids:
        p = pids.pop()
        out.append(p)
        pids.extend(_children(p))
    return out


def _tree_rss(pid: int) -> int:
    total = 0
    for p in _tree_pids(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return total


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children still alive (Linux /proc), in seconds."""
    ticks = 0
    for p in _tree_pids(pid):
        try:
            # Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")
