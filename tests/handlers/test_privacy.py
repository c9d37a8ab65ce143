from __future__ import annotations

import hashlib
import hmac

import pytest

from core.settings import Settings
from handlers import privacy


def test_configured_salt_makes_pseudonyms_stable_across_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(privacy, "_salt", b"random-per-process")
    monkeypatch.setenv("HOTLINE_LOG_SALT", "deployment-salt")
    privacy.configure(Settings().log_salt)
    expected = hmac.new(b"deployment-salt", b"tg:100000001", hashlib.sha256).hexdigest()[:12]
    assert privacy.pseudonym("tg:100000001") == expected


def test_without_a_salt_the_random_one_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(privacy, "_salt", b"random-per-process")
    privacy.configure(None)
    assert privacy.pseudonym("tg:1") == hmac.new(b"random-per-process", b"tg:1", hashlib.sha256).hexdigest()[:12]
