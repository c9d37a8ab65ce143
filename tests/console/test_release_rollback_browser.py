"""Rolling a release back, in a real browser (Debian's Chromium driven by Playwright) on the whole hotline over real
HTTP (fake Telegram Bot API, real Redis, real Rasa servers, SQLite), with no training: the repo's trained model is
copied under two names, ``hotline.tar.gz`` (the model before) and ``release-1.tar.gz`` (a release whose gate
passed, stored as such). The editor makes the release live, then presses *Kembalikan model sebelumnya*: the
model before serves again (blue-green), the release is marked rolled back, and the citizens who wrote meanwhile,
during the rollback too, were all answered by Rasa (none lost, none on the local fallback).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.settings import PROJECT_ROOT
from hotline.model_swap import ModelSwitch
from hotline.services import RasaServer, RedisServer
from storage import crud, training
from storage.models import Message, Staff
from tests.conftest import NLG_TOKEN
from tests.console.test_browser import add_account, browser, sign_in  # noqa: F401  (fixture)
from tests.console.test_release_browser import MODEL, rasa_project_copy
from tests.hotline.conftest import Harness, harness_factory  # noqa: F401  (fixture)
from tests.hotline.test_model_swap import Citizens

pytestmark = pytest.mark.rasa

SWAP_TIMEOUT_MS = 10 * 60 * 1000  # loading a model on a busy 2-core machine takes minutes
# A gate verdict as a release stores it (counts and ids only), with the reviewed real messages it measured.
GATE = {"faq": {"puspaga": [5, 3, 4]}, "faq_live": 0.6, "faq_new": 0.8, "faq_total": 5, "faq_worse": [],
        "faq_passed": True,
        "triage": {"emergencies_live": 1719, "emergencies_new": 1719, "lost": [], "holdout_live": 0.9,
                   "holdout_new": 0.9, "messages": 1800},
        "triage_passed": True, "summary": ["FAQ lulus", "gerbang lulus"], "matches": [], "parsed_recent": 0,
        "reviewed": {"messages": 2, "urgency_live": 1, "urgency_new": 2, "summary": ""}}


def served_model(url: str) -> str:
    return str(httpx.get(f"{url}/status", timeout=10).json()["model_file"])


def test_editor_rolls_a_live_release_back_and_no_citizen_is_lost(
        harness_factory: Callable[..., Harness], redis_server: RedisServer, browser: Browser,  # noqa: F811
        tmp_path: Path, nlg_port: int) -> None:
    project = rasa_project_copy(tmp_path)
    release_model = project / "models" / "release-1.tar.gz"
    shutil.copy(MODEL, release_model)
    redis_url = redis_server.url.replace("/0", "/8")  # this test's own route key: no other test's app follows it
    blue = RasaServer(venv=PROJECT_ROOT / ".venv-rasa", project=project, work_dir=tmp_path / "rasa",
                      redis_url=redis_url, nlg_url=f"http://127.0.0.1:{nlg_port}/nlg", nlg_token=NLG_TOKEN).start()
    try:
        h = harness_factory(redis_url=redis_url, rasa_url=blue.url, rasa_project=project)
        assert h.rt.route is not None
        h.rt.switch = ModelSwitch(blue, h.rt.route, drain_s=2)
        add_account(h, role="content_editor", region="32.76", email="editor.kembali@contoh.test")

        def ready_release(s: Session) -> int:
            editor = s.scalars(select(Staff).where(Staff.role == "content_editor")).one()
            row = training.create_release(s, editor=editor, kind="finetune", note="rilis uji", base_model=None,
                                          topics=[], example_ids=[], changed_topics=["puspaga"])
            training.update_release(s, release_id=row.id, state="ready", gate_passed=True, gate=GATE,
                                    model_path=str(release_model), folder=str(tmp_path / "r1"))
            return row.id

        release_id = h.db(ready_release)
        page = browser.new_context().new_page()
        page.set_default_timeout(30_000)
        sign_in(page, h.base_url, "editor.kembali@contoh.test")
        page.goto(f"{h.base_url}/console/releases/{release_id}")
        expect(page.locator("#gate-reviewed")).to_contain_text("Pesan nyata yang ditinjau: 2")
        page.get_by_role("button", name="Jalankan rilis ini").click()
        expect(page.locator("#swap-status")).to_contain_text("melayani", timeout=SWAP_TIMEOUT_MS)
        green = h.rt.switch.live
        assert green is not blue and green.model_path == release_model and served_model(green.url) == release_model.name
        assert h.db(lambda s: training.live_release(s)).id == release_id  # type: ignore[union-attr]

        with Citizens(h) as citizens:
            page.goto(f"{h.base_url}/console/releases")
            expect(page.locator("#live-model")).to_have_text("release-1.tar.gz")
            page.wait_for_timeout(1_000)  # citizens writing before the rollback starts
            page.get_by_role("button", name="Kembalikan model sebelumnya").click()
            expect(page.locator("#flash")).to_contain_text("Pengembalian model dimulai")
            started = len(citizens.sent)
            # The page refreshes itself while the swap runs, and says so.
            expect(page.locator("#swap-status")).to_contain_text("dikembalikan", timeout=SWAP_TIMEOUT_MS)
            during = len(citizens.sent) - started
            expect(page.locator("#live-model")).to_have_text("hotline.tar.gz")
            page.wait_for_timeout(2_000)  # and after it
        sent = citizens.sent
        assert citizens.failed == 0 and during > 0 and len(sent) > during

        back = h.rt.switch.live
        assert back is not green and back.model_path.name == "hotline.tar.gz" and not green.alive()
        assert h.rt.rasa is not None and h.rt.rasa.base_url == back.url and served_model(back.url) == "hotline.tar.gz"
        row = h.db(lambda s: training.get_release(s, release_id=release_id))
        assert row is not None and row.state == "rolled_back" and h.db(training.live_release) is None
        expect(page.locator("#releases")).to_contain_text("dikembalikan")
        expect(page.get_by_role("button", name="Kembalikan model sebelumnya")).to_have_count(0)  # nothing before
        audits = h.db(lambda s: [a.action for a in crud.list_audit(s, entity="model_release")])
        assert "release_live" in audits and "release_rollback" in audits

        def settled(s: Session) -> dict[str, int] | None:
            rows = s.execute(select(Message.status, func.count()).where(
                Message.direction == "in", Message.external_id.in_(sent)).group_by(Message.status)).all()
            now = {str(k): int(n) for k, n in rows}
            return now if sum(now.values()) == len(sent) and not now.get("received") else None

        done = h.wait_db(settled, timeout=30)
        assert done == {"processed": len(sent)}, done  # every one answered by Rasa: none fell back, none lost
        print(f"\nrelease rollback: {len(sent)} citizen messages ({during} during the rollback), all processed")
    finally:
        if "h" in locals() and h.rt.switch is not None and h.rt.switch.live is not blue:
            h.rt.switch.live.stop()
        blue.stop()
