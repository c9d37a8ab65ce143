"""The nginx template that docker-compose fills and the scale-out test runs is configuration nginx accepts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from core.settings import PROJECT_ROOT
from hotline.proxy import main_conf, nginx_binary, render_env
from tests.conftest import _missing


def test_the_compose_values_make_a_configuration_nginx_accepts(tmp_path: Path) -> None:
    binary = nginx_binary()
    if binary is None:
        _missing("nginx not installed (run WITH_POSTGRES=1 scripts/setup.sh)")
    assert binary is not None
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    env = compose["services"]["proxy"]["environment"]
    # docker's service names do not resolve here; the same lines with a local address do.
    local = {k: str(v).replace("app:", "127.0.0.1:").replace("rasa:", "127.0.0.1:") for k, v in env.items()}
    text = render_env(local)
    assert "${" not in text.split("\n# ", 1)[-1].split("upstream", 1)[1]  # every placeholder filled
    snippet = tmp_path / "hotline.conf"
    snippet.write_text(text)
    conf = tmp_path / "nginx.conf"
    conf.write_text(main_conf(tmp_path, snippet))
    check = subprocess.run([binary, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True,
                           check=False)
    assert check.returncode == 0, check.stderr
