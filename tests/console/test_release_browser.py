"""An FAQ release end to end, in a real browser (Debian's Chromium driven by Playwright) on the whole hotline over
real HTTP (fake Telegram Bot API, real Redis, real Rasa servers, SQLite) with one real training:

an editor adds example questions to a topic, prepares a release (a fine-tune of the live model), watches its
progress reach the gate, sees the comparison and the real messages it would now send to the topic (masked), makes
it live (blue-green), and the next citizen message like the new examples gets that topic's answer. Then a release
whose gate fails (the model before, measured on the new held-out questions) shows why and cannot go live, even by
a hand-made POST.

One training (about 5 minutes on this 2-core machine, more while it is busy); the lock file is the test's own
unless ``RELEASE_LOCK_FILE`` is set (e.g. ``/work/rasa-train.lock`` on a machine shared with other trainings).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.settings import PROJECT_ROOT
from handlers import texts
from hotline.model_swap import ModelSwitch
from hotline.releases import ReleaseManager
from hotline.services import RasaServer, RedisServer
from storage import training
from storage.models import Staff
from tests.conftest import NLG_TOKEN
from tests.console.test_browser import add_account, browser, sign_in  # noqa: F401  (fixture)
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, harness_factory, new_chat_id  # noqa: F401  (fixture)

pytestmark = pytest.mark.rasa

MODEL = PROJECT_ROOT / "nlu" / "models" / "hotline.tar.gz"


def rasa_project_copy(tmp_path: Path) -> Path:
    """A copy of the repo's Rasa project with its trained model as ``models/hotline.tar.gz`` (skip without one)."""
    if not MODEL.exists():
        pytest.skip("no trained model (run scripts/setup.sh)")
    project = tmp_path / "nlu"
    shutil.copytree(PROJECT_ROOT / "nlu", project, ignore=shutil.ignore_patterns("models", ".rasa", "tools"))
    (project / "models").mkdir()
    shutil.copy(MODEL, project / "models" / "hotline.tar.gz")
    return project
TOPIC = "puspaga"
# Questions about a psychologist for a child or the family, which the repo's model sends elsewhere. Far from any
# report of danger on purpose: a first try with questions about waiting for a counsellor's reply ("kapan petugas
# membalas?") was refused by the gate: with it, triage no longer raised one of the 1,719 labelled emergencies.
# Every fifth example of a topic is held out of training (the seed's as well: nlu/tools/gen_nlu.py leaves them out
# of the repo's model), so the gate measures the release on questions neither model saw.
EXAMPLES = [
    "ada layanan psikolog untuk anak?",
    "mau konsultasi ke psikolog anak, bisa?",
    "psikolog anak gratis ada di mana?",
    "anak saya butuh psikolog, ke mana ya?",
    "ada psikolog untuk remaja?",
    "konsultasi psikolog anak bayar tidak?",
    "bisa ketemu psikolog keluarga?",
    "psikolog untuk masalah keluarga ada?",
    "saya mau konseling dengan psikolog",
    "ada konselor keluarga untuk orang tua?",
    "psikolog buat anak yang susah diatur ada?",
    "konsultasi psikolog untuk pasangan suami istri bisa?",
    "daftar konsultasi psikolog gimana?",
    "psikolog anak buka hari apa?",
    "ada layanan konseling keluarga gratis?",
    "anak remaja saya perlu konseling, bisa dibantu?",
    "psikolog untuk anak berkebutuhan khusus ada?",
    "ingin konsultasi masalah pengasuhan dengan psikolog",
    "tempat konsultasi psikolog keluarga di mana?",
    "ada psikolog yang bisa bantu orang tua?",
    "konseling remaja ada tidak?",
    "psikolog anak bisa online?",
    "saya ibu, mau tanya ke psikolog soal anak",
    "konsultasi psikologi keluarga di mana?",
    "butuh psikolog untuk anak saya yang pendiam",
    "ada psikolog anak di dekat sini?",
    "layanan psikolog keluarga jam berapa bukanya?",
    "bisa minta jadwal konsultasi psikolog anak?",
    "psikolog untuk anak yang sering cemas ada?",
    "saya ayah, ingin konsultasi psikolog soal pengasuhan",
    "konseling keluarga bisa lewat video call?",
    "psikolog anak usia sekolah dasar ada?",
    "mau tanya soal konsultasi psikolog untuk keluarga",
    "apakah ada psikolog yang bisa datang ke sekolah?",
    "psikolog remaja untuk masalah belajar ada tidak?",
    "konsultasi psikolog keluarga perlu daftar dulu?",
    "psikolog buat orang tua baru ada?",
    "ada kelas konseling untuk keluarga muda?",
    "psikolog anak bisa dipesan untuk minggu depan?",
    "tempat konseling psikolog untuk remaja di mana?",
    "kami suami istri ingin konseling keluarga",
    "ada psikolog untuk anak yang susah tidur?",
    "konsultasi psikolog anak perlu bawa apa?",
    "psikolog keluarga bisa konsultasi di hari sabtu?",
    "ada layanan psikolog untuk anak disabilitas?",
    "cara daftar konseling keluarga gimana?",
    "psikolog untuk anak yang malas sekolah ada?",
    "konsultasi psikolog gratis untuk keluarga ada?",
    "psikolog anak bisa konsultasi lewat telepon?",
    "mau ke psikolog keluarga, jamnya kapan?",
]
HELD_OUT = set(EXAMPLES[3::5])
QUESTION = "kak, ada psikolog buat anak saya gak?"
# Invented citizen messages with a name and a number: the release page lists them, masked. Each is a trained
# example plus a name and a number: two fine-tunes of the same data differed on looser paraphrases (one read
# "saya <name>, hp <number>. mau konsultasi psikolog anak bisa?" as FAQ at 0.52, the other as a report).
NAME, PHONE = "Siti Aminah", "081234567890"
REAL = [f"{EXAMPLES[0]} saya {NAME} {PHONE}",
        f"saya {NAME} {PHONE}, {EXAMPLES[2]}"]
TRAINING_TIMEOUT_MS = 40 * 60 * 1000  # a busy shared machine trains several times slower


def faq_key(url: str, text: str) -> str | None:
    parsed = httpx.post(f"{url}/model/parse", json={"text": text}, timeout=30).json()
    if parsed["intent"]["name"] != "faq":
        return None
    return str(parsed["response_selector"]["faq"]["response"]["intent_response_key"]).split("/", 1)[1]


def refused_shows_why_and_cannot_go_live(page: Page, h: Harness, release_id: int, why: str) -> None:
    """A release whose gate failed: the page says why and offers no button; a hand-made POST is refused (409) and
    the live model keeps serving."""
    assert h.rt.switch is not None
    page.goto(f"{h.base_url}/console/releases/{release_id}")
    expect(page.locator("#gate-verdict")).to_contain_text("Tidak lulus")
    expect(page.locator("#release-error")).to_contain_text(why)
    expect(page.get_by_role("button", name="Jalankan rilis ini")).to_have_count(0)
    live_before = h.rt.switch.live
    refused = page.request.post(f"{h.base_url}/console/releases/{release_id}/live",
                                form={"csrf": page.locator("input[name=csrf]").first.input_value()})
    assert refused.status == 409 and "lulus gerbang" in refused.text()
    assert h.rt.switch.live is live_before and not h.rt.switch.busy


def test_editor_adds_examples_releases_with_a_fine_tune_and_the_next_citizen_gets_the_topic(
        harness_factory: Callable[..., Harness], redis_server: RedisServer, browser: Browser,  # noqa: F811
        tmp_path: Path, nlg_port: int) -> None:
    project = rasa_project_copy(tmp_path)
    redis_url = redis_server.url.replace("/0", "/7")  # this test's own route key: no other test's app follows it
    blue = RasaServer(venv=PROJECT_ROOT / ".venv-rasa", project=project, work_dir=tmp_path / "rasa",
                      redis_url=redis_url, nlg_url=f"http://127.0.0.1:{nlg_port}/nlg", nlg_token=NLG_TOKEN).start()
    lock = Path(os.environ.get("RELEASE_LOCK_FILE") or tmp_path / "train.lock")
    try:
        h = harness_factory(redis_url=redis_url, rasa_url=blue.url, rasa_project=project, release_lock_file=lock)
        assert h.rt.route is not None
        h.rt.switch = ModelSwitch(blue, h.rt.route, drain_s=2)
        assert faq_key(blue.url, QUESTION) != TOPIC  # the live model does not know these questions yet

        for text in REAL:  # stored citizen messages, before any release
            chat = new_chat_id()
            h.post_telegram(telegram_text_update(text, chat_id=chat))
            h.wait_telegram(chat, 1)

        add_account(h, role="content_editor", region="32.76", email="editor.rilis@contoh.test")
        page = browser.new_context().new_page()
        page.set_default_timeout(30_000)
        sign_in(page, h.base_url, "editor.rilis@contoh.test")
        page.get_by_role("link", name="Pertanyaan FAQ").first.click()
        expect(page.locator("#topics")).to_contain_text("bot_identity")  # seeded from the repo on first use
        page.get_by_role("link", name=TOPIC, exact=True).click()
        page.get_by_label("Contoh pertanyaan (satu per baris)").fill("\n".join(EXAMPLES))
        page.get_by_role("button", name="Tambahkan").click()
        expect(page.locator("#flash")).to_contain_text("Contoh ditambahkan")
        expect(page.locator("#examples-table")).to_contain_text(EXAMPLES[-1])
        expect(page.locator("#examples-table")).to_contain_text("Petugas Uji")  # who added them
        held = h.db(lambda s: {e.text for e in training.examples(s, key=TOPIC) if e.holdout and e.source == "editor"})
        assert held == HELD_OUT

        page.get_by_role("link", name="Rilis model").first.click()
        expect(page.locator("#plan")).to_contain_text("40 contoh pelatihan ditambah")  # 10 of the 50 are held out
        expect(page.locator("#plan")).to_contain_text("fine-tune")
        page.get_by_label("Catatan rilis").fill("pertanyaan tentang psikolog anak dan keluarga")
        page.get_by_role("button", name="Siapkan rilis").click()
        expect(page.locator("#flash")).to_contain_text("pelatihan berjalan")
        # The progress bar moves while Rasa trains (the page refreshes itself), then the gate decides.
        expect(page.locator("#state")).to_have_text("dilatih", timeout=TRAINING_TIMEOUT_MS)
        expect(page.locator("#progress")).not_to_have_attribute("value", re.compile(r"^[01]$"),
                                                             timeout=TRAINING_TIMEOUT_MS)
        expect(page.locator("#log")).to_contain_text("Epochs", timeout=TRAINING_TIMEOUT_MS)
        expect(page.locator("#state")).to_have_text(re.compile("siap|gagal"), timeout=TRAINING_TIMEOUT_MS)
        release = h.db(lambda s: training.list_releases(s)[0])
        assert release.kind == "finetune" and release.base_model == str(blue.model_path)
        # Rasa's own featurizer grew the capped vocabularies on a fine-tune (every word the cap had left out) and DIET's
        # input layers with them: 57 MB from a 31 MB model. nlu/hotline_featurizers.py keeps the cap.
        size, base_size = Path(str(release.model_path)).stat().st_size, MODEL.stat().st_size
        assert size <= 50 * 1024 * 1024 and size < 1.2 * base_size, (size, base_size)
        gate = release.gate or {}
        learned = gate["faq"][TOPIC]
        print(f"\nrelease #{release.id}: fine-tune {release.train_seconds} s; {'; '.join(gate['summary'])}; "
              f"held-out {TOPIC} questions {learned[0]}: right live {learned[1]}, right release {learned[2]}")
        assert learned[2] > learned[1]  # the fine-tune learnt the new questions it never saw
        expect(page.locator("#gate")).to_contain_text("Akurasi topik FAQ")
        expect(page.locator("#gate")).to_contain_text("Darurat berlabel")
        expect(page.locator("#progress")).to_have_attribute("value", "100")
        # Which stored citizen messages it would now send to the changed topic: masked, never the name or number.
        expect(page.locator("#matches")).to_contain_text(TOPIC)
        shown = page.locator("#matches").inner_text()
        assert NAME not in shown and PHONE not in shown and "[PHONE_1]" in shown
        # Training on two threads is not bit-for-bit reproducible, so the gate must not hinge on a borderline Rasa
        # parse: every labelled emergency is one through the safety net or the emergency head, which only an
        # operational intent (delete, stop, FAQ, address) may veto. (A fresh-clone CI once lost a farewell that Rasa
        # read as "thanks" 0.9; before the safety net knew an English overdose, every fine-tune lost one.)
        assert release.gate_passed, gate.get("summary")
        expect(page.locator("#gate-verdict")).to_contain_text("Lulus")

        page.get_by_role("button", name="Jalankan rilis ini").click()
        expect(page.locator("#swap-status")).to_contain_text("melayani", timeout=10 * 60 * 1000)
        assert h.rt.switch.live is not blue and h.rt.switch.live.model_path == Path(str(release.model_path))
        assert h.db(lambda s: training.live_release(s)).id == release.id  # type: ignore[union-attr]

        citizen = new_chat_id()
        h.post_telegram(telegram_text_update("halo", chat_id=citizen))
        h.wait_telegram(citizen, 1)
        h.post_telegram(telegram_text_update(QUESTION, chat_id=citizen))
        replies = h.wait_telegram(citizen, 2, timeout=30)
        assert replies[-1] == texts.FAQ[TOPIC]["id"], replies

        # A release whose gate fails: the model before this one, on the new held-out questions, is worse.
        old = project / "models" / "hotline.tar.gz"
        folder = tmp_path / "old-release"
        folder.mkdir()

        def stale(s: Session) -> int:
            editor = s.scalars(select(Staff).where(Staff.role == "content_editor")).one()
            row = training.create_release(s, editor=editor, kind="finetune", note="model lama", base_model=None,
                                          topics=[], example_ids=[], changed_topics=[TOPIC])
            training.update_release(s, release_id=row.id, state="gating", model_path=str(old), folder=str(folder))
            return row.id

        stale_id = h.db(stale)
        assert h.rt.rasa is not None
        rasa = h.rt.rasa
        manager = ReleaseManager(store=h.rt.store, settings=h.settings, switch_of=lambda: h.rt.switch,
                                 live_url_of=lambda: rasa.base_url)
        # Playwright's sync API keeps an event loop in this thread: the gate runs on a loop of its own.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            assert pool.submit(lambda: asyncio.run(manager.gate(stale_id))).result() is False
        refused_shows_why_and_cannot_go_live(page, h, stale_id, "FAQ tidak lulus")
    finally:
        if "h" in locals() and h.rt.switch is not None and h.rt.switch.live is not blue:
            h.rt.switch.live.stop()
        blue.stop()
