"""``hotline quarantine``: list without opening, show one decrypted, purge; through the real command line."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from bot.edge import Quarantine
from core.settings import PROJECT_ROOT

CANARY = b'{"update_id": 7, "message": [], "text": "kanari-uji-karantina-0042"}'


def hotline(var_dir: Path, key: bytes, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VAR_DIR": str(var_dir), "POISON_KEY": key.decode()}
    return subprocess.run([sys.executable, "-m", "hotline.cli", "quarantine", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_list_show_purge(tmp_path: Path) -> None:
    key = Fernet.generate_key()
    box = Quarantine.from_settings(tmp_path, key.decode())
    assert "empty" in hotline(tmp_path, key, "list").stdout  # the first time: nothing there, no error
    asyncio.run(box.keep("telegram", "not-an-update", CANARY))
    asyncio.run(box.keep("whatsapp", "bad-form", b"Body=halo"))

    listed = hotline(tmp_path, key, "list")
    assert listed.returncode == 0
    assert "telegram" in listed.stdout and "not-an-update" in listed.stdout and "bad-form" in listed.stdout
    assert "kanari" not in listed.stdout + listed.stderr  # listing never opens an entry

    name = next(p.name for p in box.entries() if "-telegram-" in p.name)
    shown = hotline(tmp_path, key, "show", name)
    assert shown.returncode == 0 and shown.stdout.strip() == CANARY.decode()
    assert "kanari" not in shown.stderr  # the log line names the entry, not its contents

    assert hotline(tmp_path, Fernet.generate_key(), "show", name).returncode == 1  # another key: refused
    assert hotline(tmp_path, key, "show", "../poison.key").returncode == 2  # only entries of the quarantine

    kept = hotline(tmp_path, key, "purge", "--older-than-days", "1")
    assert "removed 0 of 2" in kept.stdout
    assert "removed 2 of 2" in hotline(tmp_path, key, "purge").stdout
    assert list(box.entries()) == []
