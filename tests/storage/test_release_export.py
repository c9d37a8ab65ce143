"""Reviewed real messages in a release, through the real storage on SQLite and PostgreSQL (no Rasa training):
the confirmed review items are written into the release's Rasa data under their intent (unknown intents skipped
and counted) and as a labelled JSONL file; the plan counts those new since the live release and decides between a
fine-tune and a full training; a citizen who wrote ``hapus`` is never exported, and ``scrub`` takes an item erased
later back out of a release folder. Invented data only."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import yaml
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.settings import PROJECT_ROOT, Settings
from handlers.store import Store
from hotline.release_data import read_seed, write_release
from hotline.release_reviewed import RASA_FILE, REVIEWED_FILE, scrub
from hotline.releases import ReleaseManager, make_plan
from storage import crud, training
from storage import review as db
from storage.db import make_session_factory
from storage.models import Staff

NLU = PROJECT_ROOT / "nlu"
LABELLED_FIELDS = set(json.loads((NLU / "tools" / "labelled" / "A.jsonl").read_text(encoding="utf-8")
                                 .splitlines()[0]))


def _staff(session: Session) -> Staff:
    return crud.add_staff(session, name="Editor Uji", role="content_editor", region="32.76", channel="telegram",
                          contact_id="990101")


def _reviewed(session: Session, editor: Staff, n: int, text: str, *, intent: str | None, urgency: str = "high",
              category: str = "physical", victim: str = "adult", confirm: bool = True) -> int:
    """A citizen message in the inbox (its text already redacted), confirmed with these labels; the item id."""
    conv = crud.get_or_create_conversation(session, sender_id=f"tg:7700{n:03d}", channel="telegram")
    stored = crud.record_inbound(session, conversation=conv, channel="telegram", external_id=f"r{n}", text=text)
    assert stored is not None
    item = db.add_item(session, conversation_id=conv.id, message_id=stored.id, reasons=["weak_intent"], text=text,
                       redactions={}, verdict={"urgency": "normal", "category": "other", "victim": "unknown",
                                               "intent": "report_other", "confidence": 0.4})
    assert item is not None
    if confirm:
        db.review_item(session, viewer=editor, item_id=item.id, action="confirm", urgency=urgency,
                       category=category, victim=victim, intent=intent)
    return item.id


def _erase(session: Session, n: int) -> None:
    assert crud.erase_conversation(session, sender_id=f"tg:7700{n:03d}").found


def _manager(engine: Engine, tmp_path: Path) -> ReleaseManager:
    settings = Settings(var_dir=tmp_path / "var", rasa_project=NLU)
    return ReleaseManager(store=Store(make_session_factory(engine)), settings=settings, switch_of=lambda: None,
                          live_url_of=lambda: None)


def _files(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


def test_the_repo_seed_holds_out_exactly_the_faq_questions_the_repo_model_never_trained_on(
        session: Session) -> None:
    """The gate compares the live model and a release on the held-out questions: for the repo's own model (trained
    by scripts/setup.sh on nlu/data) they must be unseen too, or the live model wins on questions it memorised."""
    training.seed_topics(session, read_seed(NLU / "data" / "nlu.yml"))
    trained_on = yaml.safe_load((NLU / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    faq = {b["intent"].removeprefix("faq/"): {line[2:] for line in b["examples"].splitlines()}
           for b in trained_on if str(b.get("intent", "")).startswith("faq/")}
    data = training.training_set(session)
    held = training.holdout(session)
    assert set(held) == set(faq) and sum(map(len, held.values())) >= 150
    for key, questions in held.items():
        assert not set(questions) & faq[key], key
        assert set(data.train[key]) == faq[key], key
    assert not make_plan(session).changed  # what the repo's model was trained on: nothing to release


def test_confirmed_reviews_go_into_the_rasa_data_and_a_labelled_file_and_an_erased_citizen_never(
        session: Session, engine: Engine, tmp_path: Path) -> None:
    training.seed_topics(session, read_seed(NLU / "data" / "nlu.yml"))
    editor = _staff(session)
    hit = _reviewed(session, editor, 1, "tolong [NAME_1] dipukul pacarnya tiap malam di kos", intent="report_physical")
    faq = _reviewed(session, editor, 2, "puspaga itu tempat konsultasi keluarga kah kak", intent="faq/puspaga",
                    urgency="none", category="none", victim="unknown")
    no_intent = _reviewed(session, editor, 3, "kami bingung harus bagaimana sekarang", intent=None,
                          urgency="normal", category="psychological")
    unknown = _reviewed(session, editor, 4, "kartu layanan bisa dipakai di mana", intent="faq/kartu_layanan",
                        urgency="none", category="none", victim="unknown")
    duplicate = _reviewed(session, editor, 5, "halo", intent="greet", urgency="none", category="none",
                          victim="unknown")
    _reviewed(session, editor, 6, "pesan yang belum ditinjau editor", intent=None, confirm=False)
    erased_before = _reviewed(session, editor, 7, "suami mengancam saya dengan pisau semalam", intent="report_physical",
                              urgency="emergency")
    erased_after_plan = _reviewed(session, editor, 8, "kakak ipar menampar anak saya kemarin sore",
                                  intent="report_physical", victim="child")
    _erase(session, 7)
    session.commit()

    plan = make_plan(session)
    # Reviewed messages only added, every intent known to the repo's model: a fine-tune is enough.
    assert plan.changed and plan.kind == "finetune" and plan.reviewed_new == 6 and plan.reviewed_gone == 0
    assert erased_before not in plan.reviewed_ids and "puspaga" in plan.changed_topics
    _erase(session, 8)  # hapus between the plan and the export
    session.commit()

    manager = _manager(engine, tmp_path)
    folder = write_release(tmp_path / "r1", project=NLU, train=training.training_set(session).train, answers={})
    exported = asyncio.run(manager.export_reviewed(folder, plan))
    assert exported == [hit, faq, no_intent, unknown, duplicate]

    rows = [json.loads(line) for line in (folder / REVIEWED_FILE).read_text(encoding="utf-8").splitlines()]
    assert all(set(r) == LABELLED_FIELDS for r in rows)  # the fields of the project's labelled sets
    assert [r["id"] for r in rows] == [f"review-{i}" for i in exported]
    assert rows[0] == {"id": f"review-{hit}", "text": "tolong [NAME_1] dipukul pacarnya tiap malam di kos",
                       "urgency": ["high"], "category": ["physical"], "victim": "adult"}

    # Rasa trains on those whose intent this release's domain knows: placeholders dropped, no duplicate.
    data = yaml.safe_load((folder / RASA_FILE).read_text(encoding="utf-8"))
    blocks = {b["intent"]: b["examples"] for b in data["nlu"]}
    assert blocks == {"report_physical": "- tolong dipukul pacarnya tiap malam di kos\n",
                      "faq/puspaga": "- puspaga itu tempat konsultasi keluarga kah kak\n"}
    # The citizens who wrote hapus are nowhere in the release folder.
    text = _files(folder)
    assert "mengancam saya dengan pisau semalam" not in text and "kakak ipar menampar anak saya" not in text
    assert f"review-{erased_before}" not in text and f"review-{erased_after_plan}" not in text


def test_the_plan_counts_reviews_since_the_live_release_and_an_erased_one_needs_a_full_training(
        session: Session, tmp_path: Path) -> None:
    training.seed_topics(session, read_seed(NLU / "data" / "nlu.yml"))
    editor = _staff(session)
    first = _reviewed(session, editor, 1, "pacar saya memukul kepala saya", intent="report_physical")
    second = _reviewed(session, editor, 2, "jam buka puspaga kapan ya kak", intent="faq/puspaga", urgency="none",
                       category="none", victim="unknown")
    plan = make_plan(session)
    row = training.create_release(session, editor=editor, kind=plan.kind, note="uji", base_model=None,
                                  topics=plan.topics, example_ids=plan.example_ids,
                                  changed_topics=plan.changed_topics, reviewed=plan.reviewed_ids)
    training.mark_live(session, editor=editor, release_id=row.id)
    assert training.get_release(session, release_id=row.id).reviewed == [first, second]  # type: ignore[union-attr]
    assert not make_plan(session).changed  # nothing new since the live release

    third = _reviewed(session, editor, 3, "ayah tiri sering memukul adik saya", intent="report_physical",
                      victim="child")
    plan = make_plan(session)
    assert (plan.kind, plan.reviewed_new, plan.reviewed_gone) == ("finetune", 1, 0)
    assert plan.reviewed_ids == [first, second, third]

    # The live model trained on the first citizen's words; after their hapus only a full training forgets them.
    _erase(session, 1)
    session.commit()
    plan = make_plan(session)
    assert (plan.kind, plan.reviewed_new, plan.reviewed_gone) == ("full", 1, 1)
    assert plan.reviewed_ids == [second, third]


def test_scrub_takes_an_item_erased_later_out_of_a_release_folder(session: Session, engine: Engine,
                                                                   tmp_path: Path) -> None:
    training.seed_topics(session, read_seed(NLU / "data" / "nlu.yml"))
    editor = _staff(session)
    kept = _reviewed(session, editor, 1, "pacar saya memukul kepala saya", intent="report_physical")
    gone = _reviewed(session, editor, 2, "om saya meraba anak saya di [VILLAGE_1]", intent="report_sexual",
                     category="sexual", victim="child")
    session.commit()
    folder = write_release(tmp_path / "r1", project=NLU, train=training.training_set(session).train, answers={})
    assert asyncio.run(_manager(engine, tmp_path).export_reviewed(folder, make_plan(session))) == [kept, gone]
    assert "om saya meraba anak saya" in _files(folder)

    assert scrub([folder, tmp_path / "missing"], [gone]) == 1
    assert "om saya meraba anak saya" not in _files(folder) and f"review-{gone}" not in _files(folder)
    assert "memukul kepala" in (folder / RASA_FILE).read_text(encoding="utf-8")
    assert "memukul kepala" in (folder / REVIEWED_FILE).read_text(encoding="utf-8")
    assert scrub([folder], [gone]) == 0
