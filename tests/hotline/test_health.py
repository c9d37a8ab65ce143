"""Honest health and the routes around the core, over real HTTP against the whole app (rules-only triage, real
Redis, SQLite): /healthz (alive) apart from /readyz (database, Redis, Rasa, the child services), /metrics in
the Prometheus format, /nlg only for Rasa, and the supervisor of ``hotline run`` restarting a dead Redis."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from hotline.services import RedisServer, Supervisor
from tests.conftest import NLG_TOKEN
from tests.factories import telegram_text_update
from tests.hotline.conftest import Harness, new_chat_id
from tests.support.strategies import json_values


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(data_dir=tmp_path / "own-redis").start()
    yield server
    server.stop()


@pytest.fixture
def app(harness_factory: Callable[..., Harness], own_redis: RedisServer) -> Harness:
    """The hotline without Rasa (rules-only triage) on a Redis of its own, which the tests may kill."""
    return harness_factory(redis_url=own_redis.url, rasa_url=None)


def scrape(h: Harness) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """``/metrics`` parsed: (sample name, sorted labels) → value."""
    response = h.http.get(f"{h.base_url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.05)


def test_healthz_is_alive_while_readyz_tells_which_dependency_is_down(app: Harness, own_redis: RedisServer) -> None:
    ready = app.http.get(f"{app.base_url}/readyz")
    assert ready.status_code == 200
    assert ready.json() | {"spooled": 0} == {"ok": True, "database": True, "redis": True, "spooled": 0}

    own_redis.stop()
    ready = app.http.get(f"{app.base_url}/readyz")
    assert ready.status_code == 503 and ready.json()["redis"] is False and ready.json()["database"] is True
    # Alive all the same: the app still answers people (the safety net needs neither Redis nor Rasa).
    assert app.http.get(f"{app.base_url}/healthz").json() == {"ok": True}
    chat = new_chat_id()
    app.post_telegram(telegram_text_update("tolong suami sy mukulin sy skrg", chat_id=chat))
    assert "129" in app.wait_telegram(chat, 1)[0]


def test_supervisor_restarts_a_killed_redis_and_readyz_follows(app: Harness, own_redis: RedisServer) -> None:
    app.rt.services = [own_redis]
    client = redis.Redis.from_url(own_redis.url)
    client.set("hotline-test-key", "kept")
    client.bgrewriteaof()  # the append-only file holds the key before the crash
    until(lambda: client.info("persistence")["aof_rewrite_in_progress"] == 0, 10, "aof rewrite")
    port, pid = own_redis.port, own_redis.proc.pid if own_redis.proc else 0
    # Checked while the supervisor runs: what it restarted is a child of its thread and ends with it.
    supervisor = Supervisor([own_redis], interval_s=0.1).start()
    try:
        os.kill(pid, signal.SIGKILL)
        until(lambda: supervisor.restarts["redis"] >= 1, 10, "restart")
        until(lambda: app.http.get(f"{app.base_url}/readyz").status_code == 200, 15, "ready again")
        assert own_redis.port == port and own_redis.proc is not None and own_redis.proc.pid != pid
        assert redis.Redis.from_url(own_redis.url).get("hotline-test-key") == b"kept"
        body = app.http.get(f"{app.base_url}/readyz").json()
        assert body["redis"] is True and body["redis_process"] is True
        assert scrape(app)[("hotline_service_restarts_total", (("service", "redis"),))] >= 1
    finally:
        supervisor.stop()


def test_supervisor_backs_off_when_a_service_will_not_start() -> None:
    class Broken:
        name = "broken"
        attempts: list[float] = []

        def alive(self) -> bool:
            return False

        def restart(self) -> None:
            self.attempts.append(time.monotonic())
            raise RuntimeError("cannot start")

    svc = Broken()
    sup = Supervisor([svc], interval_s=0.01, min_backoff_s=0.2, max_backoff_s=0.4)
    sup.start()
    try:
        until(lambda: len(svc.attempts) >= 4, 5, "attempts")
    finally:
        sup.stop()
    gaps = [b - a for a, b in zip(svc.attempts, svc.attempts[1:], strict=False)]
    # First retry at once, then 0.2 s, then capped at 0.4 s: a service that cannot start costs little CPU.
    assert gaps[0] < 0.15 and 0.18 <= gaps[1] < 0.35 and 0.38 <= gaps[2] < 0.6, gaps


def test_metrics_count_messages_poison_and_queues(app: Harness) -> None:
    before = scrape(app)
    chat = new_chat_id()
    assert app.post_telegram(telegram_text_update("halo", chat_id=chat)).status_code == 200
    app.wait_telegram(chat, 1)
    assert app.post_telegram({"update_id": 5, "message": []}).status_code == 200
    danger = new_chat_id()
    assert app.post_telegram(telegram_text_update("tolong suami sy mukulin sy skrg", chat_id=danger)).status_code == 200
    app.wait_telegram(danger, 1)
    after: dict[Any, float] = {}

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    def replies_timed() -> bool:
        after.clear()
        after.update(scrape(app))
        return delta("hotline_reply_seconds_count", channel="telegram") == 2

    # Timed once the Bot API accepted each first reply: the emergency numbers count as a safety reply too.
    until(replies_timed, 5, "reply latencies recorded")
    assert delta("hotline_safety_reply_seconds_count", channel="telegram") == 1
    assert delta("hotline_messages_total", channel="telegram") == 2
    assert delta("hotline_poison_updates_total", channel="telegram", reason="invalid") == 1
    assert ("hotline_queue_depth", (("queue", "spool"),)) in after
    assert ("hotline_queue_depth", (("queue", "webhook_tasks"),)) in after
    for name in ("hotline_reply_seconds", "hotline_safety_reply_seconds", "hotline_page_seconds",
                 "hotline_send_retries", "hotline_service_restarts"):
        assert f"# TYPE {name}" in app.http.get(f"{app.base_url}/metrics").text
    [kept] = list((app.settings.var_dir / "poison").glob("*.bin"))
    assert b"update_id" not in kept.read_bytes()


# --------------------------------------------------------------------------------------------------------
# /nlg


def nlg(h: Harness, body: Any, *, token: str | None = NLG_TOKEN, raw: bytes | None = None) -> httpx.Response:
    params = {"token": token} if token is not None else {}
    content = raw if raw is not None else json.dumps(body).encode()
    return h.http.post(f"{h.base_url}/nlg", params=params, content=content)


def test_nlg_answers_rasa_only(app: Harness) -> None:
    request = {"response": "utter_faq", "tracker": {"slots": {"lang": "id", "faq_topic": "sapa129"}}}
    assert nlg(app, request, token=None).status_code == 403
    assert nlg(app, request, token="wrong").status_code == 403
    answered = nlg(app, request)
    assert answered.status_code == 200 and "129" in answered.json()["text"]
    by_header = app.http.post(f"{app.base_url}/nlg", json=request, headers={"X-Hotline-Nlg-Token": NLG_TOKEN})
    assert by_header.status_code == 200


def test_nlg_odd_bodies_get_4xx_never_5xx(app: Harness) -> None:
    slots = st.dictionaries(st.sampled_from(["lang", "faq_topic", "region", "other"]), json_values, max_size=4)
    bodies = st.one_of(
        json_values,
        st.fixed_dictionaries({}, optional={"response": json_values | st.text(max_size=30),
                                            "template": json_values,
                                            "tracker": json_values | st.fixed_dictionaries({"slots": slots})}),
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(body=bodies)
    def check(body: Any) -> None:
        status = nlg(app, body).status_code
        assert status in (200, 422), (status, body)

    check()
    assert nlg(app, None, raw=b"{" * 20_000).status_code == 422
    assert nlg(app, None, raw=b"\xff\xfe not json").status_code == 422
    assert nlg(app, None, raw=b'{"response": "' + b"a" * 3_000_000 + b'"}').status_code == 413
