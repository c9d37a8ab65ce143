"""FAQ questions, topics and releases in the console over HTTP (no training here; the browser test trains one):
who may use them, a new topic's validation and its answer live at once, and the server refusing a release that
did not pass its gate."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.releases import releases_router
from handlers import texts
from handlers.nlg import nlg_response
from hotline.releases import ReleaseManager
from storage import crud, training
from storage.models import FaqExample, ModelRelease, Staff
from tests.console.conftest import ConsoleHarness

ANSWER_ID = "Kartu layanan adalah kartu uji untuk warga (teks uji)."
ANSWER_EN = "The service card is a test card for residents (test text)."
NEW = [f"kartu layanan uji itu apa {i}" for i in range(10)]


@pytest.fixture
async def rc(ch: ConsoleHarness) -> AsyncIterator[tuple[ConsoleHarness, ReleaseManager]]:
    """The console with the FAQ and release routes (no Rasa: no switch, no live server), this process's texts
    following the database."""
    manager = ReleaseManager(store=ch.desk.store, settings=ch.console.settings, switch_of=lambda: None,
                             live_url_of=lambda: None)
    ch.app.include_router(releases_router(ch.console, manager))
    live = texts.LiveTexts(ch.desk.store)
    previous = texts.use(live)
    yield ch, manager
    texts.use(previous)
    await manager.stop()


async def _count(h: ConsoleHarness, model: type) -> int:
    return int(await h.db(lambda s: s.scalar(select(func.count()).select_from(model))))


@pytest.mark.parametrize("role", ["counsellor", "supervisor", "statistician"])
async def test_other_roles_cannot_see_change_or_release(rc: tuple[ConsoleHarness, ReleaseManager],
                                                       role: str) -> None:
    h, _ = rc
    b = await h.signed_in(await h.account(role=role))
    for path in ("/console/faq", "/console/faq/puspaga", "/console/releases", "/console/releases/1"):
        page = await b.get(path)
        assert page.status_code == 404 and "Tidak ditemukan" in page.text, path
    assert b.csrf
    for path, form in (("/console/faq/puspaga/add", {"examples": "puspaga buka hari apa?"}),
                       ("/console/faq/new", {"key": "kartu", "answer_id": ANSWER_ID, "examples": "\n".join(NEW)}),
                       ("/console/releases/prepare", {"note": "coba"}), ("/console/releases/1/live", {}),
                       ("/console/releases/rollback", {})):
        assert (await b.post(path, form)).status_code == 404, path
    assert await _count(h, ModelRelease) == 0
    assert await h.db(lambda s: s.scalar(select(func.count()).select_from(FaqExample)
                                         .where(FaqExample.source == "editor"))) == 0


async def test_a_new_topic_needs_ten_examples_and_answers_and_its_answer_is_live(
        rc: tuple[ConsoleHarness, ReleaseManager]) -> None:
    h, _ = rc
    b = await h.signed_in(await h.account(role="content_editor"))
    page = await b.get("/console/faq")  # a fresh database: the repo's topics are seeded on first use
    assert page.status_code == 200 and "bot_identity" in page.text
    form = {"key": "kartu_layanan", "answer_id": ANSWER_ID, "answer_en": ANSWER_EN}
    short = await b.post("/console/faq/new", {**form, "examples": "\n".join(NEW[:9])})
    assert short.status_code == 400 and "minimal 10 contoh" in short.text
    for bad, message in (({"key": "puspaga"}, "sudah ada"), ({"key": "Kartu Layanan!"}, "Kunci topik"),
                         ({"answer_id": ""}, "Jawaban (Bahasa Indonesia): Teks tidak boleh kosong."),
                         ({"answer_en": "x" * 701}, "maksimal 700")):
        refused = await b.post("/console/faq/new", {**form, **bad, "examples": "\n".join(NEW)})
        assert refused.status_code == 400 and message in refused.text, bad
    assert await h.db(lambda s: training.get_topic(s, key="kartu_layanan")) is None

    made = await b.post("/console/faq/new", {**form, "examples": "\n".join(NEW)}, follow=True)
    assert made.status_code == 200 and "Topik dibuat" in made.text and ANSWER_ID in made.text
    # The answer is a bot text: live at once through the NLG endpoint, in both languages.
    for lang, answer in (("id", ANSWER_ID), ("en", ANSWER_EN)):
        reply = nlg_response({"response": "utter_faq/kartu_layanan", "tracker": {"slots": {"lang": lang}}})
        assert reply["text"] == answer
    releases = await b.get("/console/releases")
    assert "topik baru: kartu_layanan" in releases.text and "penuh" in releases.text
    audit = await h.db(lambda s: [a.action for a in crud.list_audit(s, entity="faq_topic")])
    assert audit == ["create_topic"]


async def test_nothing_changed_is_refused_and_a_failed_gate_cannot_go_live(
        rc: tuple[ConsoleHarness, ReleaseManager]) -> None:
    h, _ = rc
    b = await h.signed_in(await h.account(role="content_editor"))
    await b.get("/console/releases")
    nothing = await b.post("/console/releases/prepare", {"note": "kosong"})
    assert nothing.status_code == 409 and "Belum ada perubahan" in nothing.text
    assert await _count(h, ModelRelease) == 0

    def failed(s: Session) -> int:
        editor = s.scalars(select(Staff).where(Staff.role == "content_editor")).one()
        row = training.create_release(s, editor=editor, kind="finetune", note="", base_model=None, topics=[],
                                      example_ids=[], changed_topics=["puspaga"])
        training.update_release(s, release_id=row.id, state="failed", gate_passed=False, model_path="/x.tar.gz",
                                error="gerbang tidak lulus: FAQ tidak lulus: akurasi hold-out 0.950 → 0.900",
                                gate={"faq": {"puspaga": [5, 5, 3]}, "faq_live": 0.95, "faq_new": 0.9,
                                      "faq_total": 5, "faq_worse": ["puspaga"], "faq_passed": False,
                                      "triage": {"emergencies_live": 3, "emergencies_new": 3, "lost": [],
                                                 "holdout_live": 0.9, "holdout_new": 0.9, "messages": 9},
                                      "triage_passed": True, "summary": [], "matches": [], "parsed_recent": 0})
        return row.id

    release_id = await h.db(failed)
    page = await b.get(f"/console/releases/{release_id}")
    assert "Tidak lulus" in page.text and "Jalankan rilis ini" not in page.text and "puspaga" in page.text
    refused = await b.post(f"/console/releases/{release_id}/live", {})
    assert refused.status_code == 409 and "lulus gerbang" in refused.text
    assert (await b.post("/console/releases/999/live", {})).status_code == 404
    state = await h.db(lambda s: training.get_release(s, release_id=release_id).state)
    assert state == "failed"
