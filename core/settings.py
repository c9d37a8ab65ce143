"""One typed settings object for the whole application.

Built once in ``main()`` (or a test fixture) and passed down; nothing reads the environment at import time.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Environment variables (and a ``.env`` file) that configure the hotline."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Channels
    telegram_bot_token: str | None = None
    telegram_mode: str = "polling"  # "polling" or "webhook"
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_secret: str | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    public_base_url: str = "http://localhost:8080"
    port: int = 8080
    host: str = "127.0.0.1"

    # Salt of the sender pseudonyms in logs (HOTLINE_LOG_SALT). Set it in production so pseudonyms are stable
    # across restarts and workers; unset, each process uses a random salt (still safe, not correlatable).
    log_salt: str | None = Field(default=None, validation_alias="HOTLINE_LOG_SALT")

    # Rasa's NLG requests carry this token (``?token=``); ``/nlg`` refuses requests without it. Unset, ``hotline
    # run`` makes a random one for the Rasa server it starts; with an external Rasa (RASA_URL) set the same value
    # here and in Rasa's endpoints.yml (``nlg: token:``).
    nlg_token: str | None = None
    # Fernet key (``Fernet.generate_key()``) of the encrypted quarantine of unprocessable authenticated deliveries
    # in ``var/poison/``. Unset, one is generated into ``var/poison.key`` (mode 0600) on first use.
    poison_key: str | None = None

    # Services. Unset REDIS_URL / RASA_URL means "hotline run starts its own".
    database_url: str = Field(default_factory=lambda: f"sqlite:///{PROJECT_ROOT / 'var' / 'hotline.db'}")
    redis_url: str | None = None
    rasa_url: str | None = None
    # The Redis database of Rasa's tracker and lock stores (unset: REDIS_URL, as `hotline run` configures Rasa);
    # `hapus` deletes the sender's keys there.
    rasa_tracker_redis_url: str | None = None

    # Rasa process management (used when the hotline starts Rasa itself)
    rasa_venv: Path = PROJECT_ROOT / ".venv-rasa"
    rasa_project: Path = PROJECT_ROOT / "nlu"
    rasa_port: int = 5005
    rasa_timeout_s: float = 3.0
    # Rasa worker processes (Sanic); more than one needs the Redis lock store, which the hotline always sets up.
    # Two on a 2-core machine: at 20 msg/s one worker queues (bench e2e: first reply p50 4.0x bare Rasa with
    # one worker, 2.3x with two; emergency reply p99 285 -> 45 ms). Each worker holds its own model (~1.5 GB).
    rasa_workers: int = 2
    # Niceness of a locally started Rasa: the app's event loop (webhooks, the emergency numbers, pages) is served
    # first when the cores are busy; Rasa's parses wait (they are paced by the channels' send limits anyway).
    rasa_nice: int = 5

    # Outbound pacing (messages a second): Telegram accepts about 30 a second from one bot and about one a second
    # into one chat; a Twilio WhatsApp sender 80 by default (more on request). Urgent sends are served first.
    telegram_max_per_s: float = 30.0
    whatsapp_max_per_s: float = 80.0
    chat_max_per_s: float = 1.0

    # Escalation
    claim_timeout_s: float = 120.0
    default_region: str = "nasional"
    # Office hours of the regional teams in WIB, e.g. "07:30-16:00"; unset means staff are on call around the clock.
    opening_hours: str | None = None
    # Twilio Content SID of the approved WhatsApp template used to page staff outside the 24-hour window.
    whatsapp_page_template_sid: str | None = None

    # Where local state (SQLite file, Redis data, logs) lives
    var_dir: Path = PROJECT_ROOT / "var"

    # Staff console (/console). The key signs session cookies (HOTLINE_CONSOLE_SECRET); unset, one is generated
    # once into var/console_secret, so sessions survive a restart. Several app workers must share one key.
    console_secret: str | None = Field(default=None, validation_alias="HOTLINE_CONSOLE_SECRET")
    console_session_hours: float = 12.0
    # Set behind TLS in production (the embedded default is plain http://127.0.0.1).
    console_cookie_secure: bool = False
    console_setup_link_hours: float = 72.0

    # FAQ releases trained from the console (hotline/releases.py). One training at a time per machine: every
    # process that trains Rasa takes this lock file (unset: var/rasa-train.lock; point it at a lock other tools
    # on the machine share, e.g. /work/rasa-train.lock, to take turns with them too).
    release_lock_file: Path | None = None
    # A fine-tune trains this share of the config's epochs, from the live model's weights.
    release_epoch_fraction: float = 0.2
    # A new topic needs at least this many example questions.
    release_min_examples: int = 10

    def release_lock_path(self) -> Path:
        """The training lock file (``release_lock_file``, else one in ``var_dir``)."""
        return self.release_lock_file or self.var_dir / "rasa-train.lock"

    def console_secret_key(self) -> str:
        """The console's signing key: the setting, or a random one kept in ``var_dir`` (created once, mode 0600)."""
        if self.console_secret:
            return self.console_secret
        import os
        import secrets

        path = self.var_dir / "console_secret"
        if not path.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first
                pass
            else:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_urlsafe(48))
        return path.read_text().strip()
