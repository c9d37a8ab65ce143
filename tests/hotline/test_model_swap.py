"""Blue-green model swap from the console: messages keep flowing through the swap and the rollback, none fails.

The whole app over real HTTP (fake Bot API, real Redis and Rasa servers, SQLite). An admin presses "Ganti tanpa
jeda" on ``/console/models``: a second Rasa server loads the chosen model beside the live one, passes the probe
parses, the app moves to it, the old one drains and stops. Meanwhile citizens write; every message is answered
with Rasa (status ``processed``, never the local fallback) and nothing is lost.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console import auth
from core.settings import PROJECT_ROOT
from hotline.model_swap import ModelSwitch
from hotline.release_gate import GateReport, run_gate
from hotline.services import RasaServer, RedisServer
from storage import console as console_db
from storage import crud
from storage.models import Message, utcnow
from tests.conftest import NLG_TOKEN
from tests.console.conftest import PASSWORD, Account, Browser
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, new_chat_id

pytestmark = pytest.mark.rasa

MODEL = PROJECT_ROOT / "nlu" / "models" / "hotline.tar.gz"


def admin_account(h: Harness) -> Account:
    chat = new_chat_id()
    email = f"admin{chat}@contoh.test"

    def make(s: Session) -> int:
        staff = crud.add_staff(s, name="Admin Uji", role="admin", region="32.76", channel="telegram",
                               contact_id=str(chat))
        console_db.set_staff_email(s, staff=staff, email=email)
        console_db.issue_setup_token(s, staff=staff, token_hash=console_db.token_digest(email),
                                     expires_at=utcnow().replace(year=utcnow().year + 1))
        assert console_db.redeem_setup_token(s, token_hash=console_db.token_digest(email),
                                             password_hash=auth.hash_password(PASSWORD), now=utcnow())
        return staff.id

    return Account(h.db(make), chat, email, "admin", "32.76")


class Citizens:
    """Writes one greeting a second-fraction from a new chat each time, until stopped; remembers what it sent."""

    def __init__(self, h: Harness, per_s: float = 4.0) -> None:
        self.h, self.per_s = h, per_s
        self.sent: list[str] = []
        self.failed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self._stop.is_set():
                update = telegram_text_update("halo kak, selamat siang", chat_id=new_chat_id())
                r = client.post(f"{self.h.base_url}/webhooks/telegram", json=update,
                                headers={"X-Telegram-Bot-Api-Secret-Token": "tg-webhook-secret-test-0001"})
                if r.status_code == 200:
                    self.sent.append(str(update["update_id"]))
                else:
                    self.failed += 1
                self._stop.wait(1 / self.per_s)

    def __enter__(self) -> Citizens:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


async def swap(browser: Browser, action: str, data: dict[str, str], until: Callable[[str], bool], *,
               refusal: bool = False) -> str:
    await browser.get("/console/models")
    response = await browser.post(f"/console/models/{action}", data)
    assert response.status_code == 303
    deadline = time.monotonic() + 400  # a loaded 2-core machine takes minutes to load a model
    while True:
        page = (await browser.get("/console/models")).text
        if until(page):
            return page
        assert refusal or "ditolak" not in page, page
        assert time.monotonic() < deadline, "the swap did not finish"
        await asyncio.sleep(1)


async def test_swap_and_roll_back_through_the_console_lose_no_reply(
        harness_factory: Callable[..., Harness], redis_server: RedisServer, tmp_path: Path, nlg_port: int) -> None:
    if not MODEL.exists():
        pytest.skip("no trained model (run scripts/setup.sh)")
    project = tmp_path / "nlu"
    (project / "models").mkdir(parents=True)
    shutil.copy(MODEL, project / "models" / "hotline.tar.gz")
    shutil.copy(MODEL, project / "models" / "kandidat.tar.gz")  # the release to swap in
    # A Redis database of this test's own: the route it publishes must not reach other tests' apps.
    redis_url = redis_server.url.replace("/0", "/6")
    blue = RasaServer(venv=PROJECT_ROOT / ".venv-rasa", project=project, work_dir=tmp_path / "rasa",
                      redis_url=redis_url, nlg_url=f"http://127.0.0.1:{nlg_port}/nlg", nlg_token=NLG_TOKEN).start()
    green: RasaServer | None = None
    try:
        h = harness_factory(redis_url=redis_url, rasa_url=blue.url, rasa_project=project)
        assert h.rt.route is not None
        h.rt.switch = ModelSwitch(blue, h.rt.route, drain_s=3)
        browser = Browser(httpx.AsyncClient(base_url=h.base_url, timeout=30))
        assert (await browser.login(admin_account(h))).status_code == 303
        first = (await browser.get("/console/models")).text
        assert "hotline.tar.gz" in first and "kandidat.tar.gz" in first

        with Citizens(h) as citizens:
            # A candidate the gate finds worse (one labelled emergency lost) is refused; the live model serves on.
            async def worse(live_url: str, new_url: str) -> GateReport:
                assert live_url == blue.url and new_url != blue.url
                return GateReport(emergencies_live=10, emergencies_new=9, lost=("b001",), holdout_live=0.9,
                                  holdout_new=0.9, messages=70)

            h.rt.switch.gate = worse
            await swap(browser, "deploy", {"model": "kandidat.tar.gz"}, lambda page: "ditolak" in page,
                       refusal=True)
            assert h.rt.switch.live is blue and h.rt.rasa is not None and h.rt.rasa.base_url == blue.url
            h.rt.switch.gate = run_gate  # the real gate: the same model is not worse than itself

            await swap(browser, "deploy", {"model": "kandidat.tar.gz"},
                       lambda page: "kandidat.tar.gz melayani" in page and "gerbang lulus" in page)
            green = h.rt.switch.live
            assert green is not blue and green.model_path.name == "kandidat.tar.gz"
            assert h.rt.rasa is not None and h.rt.rasa.base_url == green.url
            assert not blue.alive()  # drained and stopped
            await asyncio.sleep(2)
            await swap(browser, "rollback", {}, lambda page: "hotline.tar.gz melayani" in page)
            assert h.rt.switch.live.model_path.name == "hotline.tar.gz" and not green.alive()
            await asyncio.sleep(2)
        await browser.http.aclose()

        sent = citizens.sent
        assert citizens.failed == 0 and len(sent) > 20

        def statuses(s: Session) -> dict[str, int]:
            rows = s.execute(select(Message.status, func.count()).where(
                Message.direction == "in", Message.external_id.in_(sent)).group_by(Message.status)).all()
            return {str(k): int(n) for k, n in rows}

        def settled(s: Session) -> dict[str, int] | None:
            # Every message stored and past "received" (a turn stores its message before Rasa answers it).
            now = statuses(s)
            return now if sum(now.values()) == len(sent) and not now.get("received") else None

        done = h.wait_db(settled, timeout=30)
        assert done == {"processed": len(sent)}, done  # every one answered by Rasa: none fell back, none lost
        audits = h.db(lambda s: [a.action for a in crud.list_audit(s, entity="model")])
        assert sorted(audits) == ["model_deploy", "model_deploy", "model_rollback"]
        print(f"model swap: {len(sent)} messages through a swap and a rollback, all processed by Rasa")
    finally:
        if green is not None:
            green.stop()
        blue.stop()
        if "h" in locals() and h.rt.switch is not None:
            h.rt.switch.live.stop()
