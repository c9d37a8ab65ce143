"""Poison input against the whole app (rules-only triage, real Redis, SQLite, the fakes of the Bot API and
Twilio): hypothesis-generated Telegram updates and WhatsApp forms, authenticated, never get a 5xx, never fail
in the background, and leave no message half-stored (every stored message reaches a final status)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from hotline.services import RedisServer
from storage.models import Message
from tests.hotline.conftest import SECRET, Harness
from tests.hotline.test_health import scrape, until
from tests.support.strategies import telegram_updates, twilio_forms

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def test_fuzzed_deliveries_are_answered_processed_and_never_half_stored(
    harness_factory: Callable[..., Harness], redis_server: RedisServer
) -> None:
    h = harness_factory(redis_url=redis_server.url, rasa_url=None)
    before = scrape(h)
    statuses: list[int] = []

    @FUZZ
    @given(update=telegram_updates())
    def telegram(update: Any) -> None:
        response = h.http.post(f"{h.base_url}/webhooks/telegram", content=json.dumps(update).encode(),
                               headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        statuses.append(response.status_code)

    @FUZZ
    @given(form=twilio_forms())
    def whatsapp(form: dict[str, str]) -> None:
        statuses.append(h.post_whatsapp(form).status_code)

    telegram()
    whatsapp()
    # The issue's own examples, on top.
    for body in (b'{"update_id":2,"message":[]}', b"[" * 50_000 + b"]" * 50_000,
                 b'{"update_id":3,"message":{"chat":{"id":900001},"date":1e20,"from":7,"text":"halo"}}'):
        statuses.append(h.http.post(f"{h.base_url}/webhooks/telegram", content=body,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}).status_code)
    assert statuses and all(s == 200 for s in statuses), sorted(set(statuses))

    # Background work done: the webhooks' task queue is empty.
    until(lambda: scrape(h).get(("hotline_queue_depth", (("queue", "webhook_tasks"),))) == 0, 60, "tasks drained")
    after = scrape(h)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    accepted = delta("hotline_messages_total", channel="telegram") + delta("hotline_messages_total", channel="whatsapp")
    poison = sum(v for (name, _), v in after.items() if name == "hotline_poison_updates_total") - sum(
        v for (name, _), v in before.items() if name == "hotline_poison_updates_total")
    assert accepted > 10 and poison > 10, (accepted, poison)
    assert delta("hotline_processing_failures_total", channel="telegram") == 0
    assert delta("hotline_processing_failures_total", channel="whatsapp") == 0
    assert len(list((h.settings.var_dir / "poison").glob("*.bin"))) == poison
    # Nothing half-stored: every stored inbound message reached a final status.
    deadline = time.monotonic() + 10
    while True:
        stuck = h.db(lambda s: s.scalars(select(Message.id).where(Message.direction == "in",
                                                                  Message.status == "received")).all())
        if not stuck or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert stuck == []
    assert h.db(lambda s: s.scalars(select(Message.id).where(Message.direction == "in")).first()) is not None

