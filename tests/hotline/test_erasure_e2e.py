"""``hapus`` leaves nothing: after it, a canary the person wrote and their sender id are found in no store the
hotline writes: the SQLite file and its WAL, Redis's keys and its append-only file after the rewrite ``hapus``
starts, the app's log and the audit rows; the review inbox no longer holds their message. And the erasure is
confirmed, on Telegram and on WhatsApp. A release folder written before the erasure (its labelled file of reviewed
messages and its Rasa data) no longer holds the person's redacted words either."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.settings import PROJECT_ROOT
from hotline.app import quiet_libraries
from hotline.release_reviewed import RASA_FILE, domain_intents, split_for_rasa, write_labelled, write_rasa
from hotline.services import RasaServer, RedisServer
from storage import crud, review
from storage.models import AuditLog, Message, ReviewItem
from tests.factories import telegram_text_update, twilio_text_form
from tests.hotline.conftest import Harness, new_chat_id, new_phone
from tests.hotline.test_review_inbox_e2e import REDACTED, VAGUE, items_of

pytestmark = pytest.mark.rasa

CANARY = "Kenari7Qx"


def files_under(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in ([root] if root.is_file() else root.rglob("*"))
            if p.is_file()]


def wait_for_aof_rewrite(r: redis.Redis) -> None:
    deadline = time.monotonic() + 20
    while True:
        info = r.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            return
        assert time.monotonic() < deadline, "append-only file rewrite did not finish"
        time.sleep(0.05)


@pytest.mark.parametrize("channel", ["telegram", "whatsapp"])
def test_hapus_leaves_no_trace(harness_factory: Callable[..., Harness], rasa_server: RasaServer,
                               redis_server: RedisServer, channel: str, tmp_path: Path,
                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # everything the app logs, at every level...
    quiet_libraries()  # ...with the libraries at the level production sets (hotline.app.configure_logging)
    tracker_url = redis_server.url.replace("/0", "/3")  # where the rasa_server fixture keeps its trackers
    h = harness_factory(redis_url=redis_server.url, rasa_url=rasa_server.url, rasa_tracker_redis_url=tracker_url)
    chat, phone = new_chat_id(), new_phone()
    sender_id = f"tg:{chat}" if channel == "telegram" else f"wa:{phone}"

    def send(text: str) -> None:
        if channel == "telegram":
            h.post_telegram(telegram_text_update(text, chat_id=chat))
        else:
            h.post_whatsapp(twilio_text_form(text, from_number=phone))

    def texts() -> list[str]:
        return h.telegram_texts(chat) if channel == "telegram" else h.whatsapp_texts(phone)

    fake = h.tg if channel == "telegram" else h.tw
    send("halo, apa itu puspaga?")
    fake.wait_until(lambda _: len(texts()) >= 1, 15)
    r3 = redis.Redis.from_url(tracker_url)
    deadline = time.monotonic() + 10
    while not r3.exists(f"hotline:tracker:{sender_id}"):  # the dialogue turn wrote Rasa's tracker
        assert time.monotonic() < deadline, "no Rasa tracker was written (the test would prove nothing)"
        time.sleep(0.05)
    # A message only Rasa reads as a report, then "tidak" to the question it brings: it is in the review inbox.
    n = len(texts())
    send(VAGUE)
    fake.wait_until(lambda _: len(texts()) > n and "kekerasan" in texts()[-1], 15)
    n = len(texts())
    send("tidak")
    fake.wait_until(lambda _: len(texts()) > n, 15)
    landed = h.wait_db(lambda s: [i.id for i in items_of(h, sender_id)])
    assert landed, "nothing landed in the review inbox (the test would prove nothing)"

    def confirm(s: Session) -> list[review.TrainingExample]:
        editor = crud.add_staff(s, name="Editor Uji", role="content_editor", region="32.76", channel="telegram",
                                contact_id=f"88{chat}")
        review.review_item(s, viewer=editor, item_id=landed[0], action="confirm", urgency="normal",
                           category="psychological", victim="adult", intent="report_psychological")
        return review.confirmed_examples(s)

    # A release prepared before the hapus exported the confirmed item: its folder holds the redacted words.
    folder = h.settings.var_dir / "releases" / "1"
    (folder / "data").mkdir(parents=True)
    reviewed = split_for_rasa(h.db(confirm), intents=domain_intents(PROJECT_ROOT / "nlu" / "domain.yml"),
                              topics=[], known=set())
    write_rasa(folder, reviewed)
    write_labelled(folder, reviewed.examples)
    assert REDACTED in (folder / "reviewed.jsonl").read_text(encoding="utf-8")
    trained = [line for lines in reviewed.rasa.values() for line in lines]  # placeholders dropped: another text
    assert trained and all(line in (folder / RASA_FILE).read_text(encoding="utf-8") for line in trained)
    send(f"nama saya {CANARY}, saya mau cerita soal suami saya")
    fake.wait_until(lambda _: any(CANARY in (m or "") for m in h.db(
        lambda s: list(s.scalars(select(Message.text))))), 15)
    n = len(texts())
    send("hapus")
    fake.wait_until(lambda _: any("dihapus" in t for t in texts()[n:]), 15)

    wait_for_aof_rewrite(r3)
    assert not any(line in (folder / RASA_FILE).read_text(encoding="utf-8") for line in trained)
    assert not r3.exists(f"hotline:tracker:{sender_id}") and not r3.exists(f"hotline:lock:{sender_id}")
    assert h.db(lambda s: [s.get(ReviewItem, i) for i in landed]) == [None] * len(landed)
    for db in range(16):
        keys = redis.Redis.from_url(redis_server.url.replace("/0", f"/{db}")).keys(f"*{sender_id}*")
        assert keys == [], f"redis db {db} still has keys of the sender"

    database = Path(h.settings.database_url.removeprefix("sqlite:///"))
    stores = files_under(database, database.with_name(database.name + "-wal"), redis_server.data_dir,
                         h.settings.var_dir)
    assert database in stores
    for path in stores:
        data = path.read_bytes()
        assert CANARY.encode() not in data, f"the canary is still in {path.name}"
        assert REDACTED.encode() not in data and VAGUE.encode() not in data, f"the inbox item is in {path.name}"
        assert sender_id.encode() not in data, f"the sender id is still in {path.name}"
        digits = str(chat) if channel == "telegram" else phone
        assert f'"{digits}"'.encode() not in data and f":{digits}".encode() not in data, path.name

    audit = h.db(lambda s: [json.dumps(a.detail or {}) + str(a.entity_id) for a in s.scalars(select(AuditLog))])
    assert audit and not any(CANARY in a or sender_id in a for a in audit)
    leaks = [line for line in caplog.text.splitlines() if CANARY in line or sender_id in line]
    assert leaks == []
