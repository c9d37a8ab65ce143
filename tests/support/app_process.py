"""``hotline run`` as a child process, the way production runs it (one per port)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from core.settings import PROJECT_ROOT
from hotline.bench_e2e import wait_app_ready


class AppProcess:
    """``hotline run`` with the given environment; ``start`` waits until ``/healthz`` answers."""

    def __init__(self, env: dict[str, str], port: int, log: Path, *, start: bool = True) -> None:
        self.env, self.port, self.log = env, port, log
        self.proc: subprocess.Popen[bytes] | None = None
        if start:
            self.start()

    def start(self, timeout: float = 240) -> AppProcess:
        """Start the process and wait until it answers."""
        return self.spawn().wait_ready(timeout)

    def spawn(self) -> AppProcess:
        """Start the process without waiting (several start in parallel); then ``wait_ready``."""
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "hotline.cli", "run"], cwd=PROJECT_ROOT,
                                         env={**os.environ, **self.env}, stdout=out, stderr=out)
        return self

    def wait_ready(self, timeout: float = 240) -> AppProcess:
        """Block until ``/healthz`` answers (a loaded 2-core machine can take a minute to train the text models)."""
        assert self.proc is not None
        assert wait_app_ready(self.port, self.proc, timeout), "hotline run did not start: " + \
            self.log.read_text()[-2000:]
        return self

    def kill9(self) -> None:
        """``kill -9``: no shutdown, no flush, whatever was in flight stays where it was."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        """A normal stop (SIGTERM), then SIGKILL if it hangs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
