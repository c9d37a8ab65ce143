"""nginx in front of several app processes and Rasa servers, from ``deploy/nginx/hotline.conf.template``.

The same template serves docker-compose (the nginx image fills it with envsubst) and :class:`NginxProxy`, which
runs Debian's nginx as a child process for the scale-out test and local trials.
"""

from __future__ import annotations

import shutil
import socket
import string
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import PROJECT_ROOT
from hotline.services import _die_with_parent, _terminate, free_port

TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "hotline.conf.template"


def upstream_servers(addresses: Sequence[str]) -> str:
    """``server`` lines of an upstream block: a backend that fails 3 times within 5 s is skipped for 5 s.

    (One failure was too few: under load a single reset connection took a process out and, with both out, nginx
    answered 502 "no live upstreams". A request that fails still goes on to the next process at once.)
    """
    return " ".join(f"server {a} max_fails=3 fail_timeout=5s;" for a in addresses)


def render(*, app: Sequence[str], rasa: Sequence[str], app_listen: str, rasa_listen: str,
           template: Path = TEMPLATE) -> str:
    """The http-level snippet for the given backends (``host:port`` each) and listen addresses."""
    return render_env({"APP_SERVERS": upstream_servers(app), "RASA_SERVERS": upstream_servers(rasa),
                       "APP_LISTEN": app_listen, "RASA_LISTEN": rasa_listen}, template=template)


def render_env(env: Mapping[str, str], *, template: Path = TEMPLATE) -> str:
    """The template filled as envsubst fills it in the nginx image (docker-compose's ``environment``)."""
    return string.Template(template.read_text(encoding="utf-8")).safe_substitute(env)


def main_conf(work_dir: Path, snippet: Path) -> str:
    """A whole nginx.conf around ``snippet``, with every file nginx writes kept in ``work_dir``."""
    return f"""daemon off;
worker_processes 1;
pid {work_dir}/nginx.pid;
error_log {work_dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    # Bodies and responses stay in memory: workers may run as another user than the one owning work_dir.
    client_body_buffer_size 4m;
    proxy_max_temp_file_size 0;
    client_body_temp_path {work_dir}/body;
    proxy_temp_path {work_dir}/proxy;
    fastcgi_temp_path {work_dir}/fastcgi;
    uwsgi_temp_path {work_dir}/uwsgi;
    scgi_temp_path {work_dir}/scgi;
    include {snippet};
}}
"""


def nginx_binary() -> str | None:
    """Debian installs nginx in /usr/sbin, which is not on every user's PATH."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


@dataclass
class NginxProxy:
    """nginx as a child process: one port for the app processes, one for the Rasa servers."""

    work_dir: Path
    app: list[str]
    rasa: list[str]
    app_port: int = 0
    rasa_port: int = 0
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Where the app processes are reached (webhooks, web chat, console)."""
        return f"http://127.0.0.1:{self.app_port}"

    @property
    def rasa_url(self) -> str:
        """Where the Rasa servers are reached (the apps' ``RASA_URL``)."""
        return f"http://127.0.0.1:{self.rasa_port}"

    def start(self, timeout: float = 15.0) -> NginxProxy:
        """Write the configuration, check it (``nginx -t``), start nginx and wait until both ports accept."""
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx not found: run WITH_POSTGRES=1 scripts/setup.sh (it installs it)")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.app_port = self.app_port or free_port()
        self.rasa_port = self.rasa_port or free_port()
        snippet = self.work_dir / "hotline.conf"
        snippet.write_text(render(app=self.app, rasa=self.rasa, app_listen=f"127.0.0.1:{self.app_port}",
                                  rasa_listen=f"127.0.0.1:{self.rasa_port}"), encoding="utf-8")
        conf = self.work_dir / "nginx.conf"
        conf.write_text(main_conf(self.work_dir, snippet), encoding="utf-8")
        check = subprocess.run([binary, "-t", "-q", "-c", str(conf), "-p", str(self.work_dir)],
                               capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise RuntimeError(f"nginx configuration refused: {check.stderr.strip()}")
        self.proc = subprocess.Popen([binary, "-c", str(conf), "-p", str(self.work_dir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                     preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.proc.returncode}; see {self.work_dir}/error.log")
            if all(_accepts(port) for port in (self.app_port, self.rasa_port)):
                return self
            time.sleep(0.05)
        raise RuntimeError("nginx did not start in time")

    def stop(self) -> None:
        """Stop nginx."""
        if self.proc is not None:
            _terminate(self.proc)
            self.proc = None


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
