"""The case page's triage "why": the danger cues behind the urgency, what decided the category and the victim,
read from the report message's stored triage summary, which holds cue and rule names and never the message's
words. End to end with real Rasa and Redis: a Telegram report, the conversation core, the console page."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from console import auth
from console.why import CUE_LABEL, VICTIM_RULE_LABEL, explain, victim_label
from handlers.conversation import _summary
from handlers.triage import TriageResult
from storage import console as db
from storage import crud
from storage.models import Case, Message, utcnow
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, harness_factory, hotline, new_chat_id  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "sandi-konsol-uji-panjang"
REPORT = "tolong suami saya lagi mukulin saya sekarang di rumah, dia bawa pisau, kami di sukmajaya depok"


def _until(probe: Callable[[], Any], within_s: float = 10.0) -> Any:
    """Poll the database until ``probe`` returns something (the turn's commit), or fail after ``within_s``."""
    deadline = time.monotonic() + within_s
    while (found := probe()) is None:
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def _sign_in(h: Harness, email: str) -> httpx.Client:
    chat = new_chat_id()

    def make(s: Any) -> None:
        staff = crud.add_staff(s, name=f"Petugas Uji {chat}", role="counsellor", region="32.76",
                               channel="telegram", contact_id=str(chat))
        db.set_staff_email(s, staff=staff, email=email)
        db.issue_setup_token(s, staff=staff, token_hash=db.token_digest(email),
                             expires_at=utcnow().replace(year=utcnow().year + 1))
        db.redeem_setup_token(s, token_hash=db.token_digest(email), password_hash=auth.hash_password(PASSWORD),
                              now=utcnow())

    h.db(make)
    client = httpx.Client(base_url=h.base_url, timeout=10)
    page = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    done = client.post("/console/login", data={"csrf": csrf.group(1), "email": email, "password": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/console/", done.text
    return client


def test_the_case_page_shows_why_from_the_stored_triage_and_the_row_holds_no_words(hotline: Harness) -> None:  # noqa: F811
    client = _sign_in(hotline, "konselor.why@contoh.test")
    citizen = new_chat_id()
    hotline.post_telegram(telegram_text_update(REPORT, chat_id=citizen))
    # The turn ends with the intake's question; the message row's triage is written as the turn finishes.
    hotline.tg.wait_until(lambda _: any("Kapan dan lewat apa" in t for t in hotline.telegram_texts(citizen)), 15)
    code = hotline.db(lambda s: s.scalars(select(Case)).one().code)
    stored = _until(lambda: hotline.db(lambda s: s.scalars(select(Message.triage).where(
        Message.direction == "in", Message.triage.is_not(None))).first()))

    assert stored["danger_cues"] and set(stored["danger_cues"]) <= set(CUE_LABEL)
    assert stored["victim_evidence"] and stored["uncertain_report"] is False
    words = {w for w in re.findall(r"[a-z]{4,}", REPORT)}
    assert not words & set(re.findall(r"[a-z]+", json.dumps(stored).lower())), "no word of the message is kept"

    page = client.get(f"/console/cases/{code}")
    assert page.status_code == 200
    why = page.text.split('id="triage-why"', 1)[1].split("</dl>", 1)[0]
    for cue in stored["danger_cues"]:
        assert CUE_LABEL[cue] in why
    assert victim_label(stored["victim_evidence"]) in why
    category = why.split('id="why-category">', 1)[1].split("</dd>", 1)[0]
    assert stored["intent"] in category if str(stored["intent"]).startswith("report_") else "aturan" in category
    client.close()


def test_every_danger_cue_and_victim_rule_has_a_label() -> None:
    safety = (ROOT / "handlers" / "safety.py").read_text(encoding="utf-8")
    cues = set(re.findall(r'fire\("([a-z_]+)"', safety)) | set(re.findall(r'found\["([a-z_]+)"\]', safety))
    assert len(cues) > 10 and cues <= set(CUE_LABEL), cues - set(CUE_LABEL)
    triage = (ROOT / "handlers" / "triage.py").read_text(encoding="utf-8")
    rules = set(re.findall(r'return [^\n]*, "([a-z_]+)"', triage))
    assert len(rules) > 10 and rules <= set(VICTIM_RULE_LABEL), rules - set(VICTIM_RULE_LABEL)


def test_the_summary_keeps_only_plain_labels() -> None:
    result = TriageResult(urgency="emergency", category="physical", victim="adult", language="id",
                          intent="report_physical", confidence=0.91234, faq_key=None,
                          danger_cues=["weapon_threat", "Suami saya bawa pisau!"],
                          victim_evidence="model 0.81 over rule child_words")
    summary = _summary(result)
    assert summary is not None
    assert summary["danger_cues"] == ["weapon_threat"] and summary["confidence"] == 0.91
    assert summary["victim_evidence"] == "model 0.81 over rule child_words"
    assert summary["raised_by"] is None  # a hand-built result names no component
    result.victim_evidence = "Korbannya Ani, 15 tahun"
    assert _summary(result)["victim_evidence"] is None  # type: ignore[index]


def test_explain_model_evidence_and_summaries_stored_before_the_cues() -> None:
    assert victim_label("model 0.81 over rule child_words") == (
        "model statistik (keyakinan 0.81), mengganti aturan: kata-kata tentang anak")
    old = explain({"urgency": "high", "category": "physical", "victim": "adult", "intent": "report_physical"})
    assert old is not None and not old.recorded and "report_physical" in old.category
    new = explain({"urgency": "high", "category": "sexual", "victim": "child", "intent": None, "confidence": None,
                   "danger_cues": [], "victim_evidence": "age", "uncertain_report": True})
    assert new is not None and new.recorded and new.uncertain and new.victim == "usia korban disebut"
    assert "tanpa tanda bahaya" in new.urgency and "aturan" in new.category
    assert explain(None) is None


def test_explain_a_page_only_the_statistical_model_raised() -> None:
    paged = explain({"urgency": "emergency", "category": "other", "victim": "unknown", "intent": "out_of_scope",
                     "confidence": 0.4, "danger_cues": [], "victim_evidence": None, "raised_by": "emergency_model"})
    assert paged is not None and paged.urgency == "tanpa tanda bahaya langsung: model statistik menilai darurat"
    cue = explain({"urgency": "emergency", "category": "physical", "victim": "adult", "intent": None,
                   "confidence": None, "danger_cues": ["violence_now"], "raised_by": "safety_net"})
    assert cue is not None and cue.cues and "model statistik" not in cue.urgency
