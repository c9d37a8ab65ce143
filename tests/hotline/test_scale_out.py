"""Scale-out on real engines: two ``hotline run`` processes and two Rasa servers behind nginx, one PostgreSQL and
one Redis (all started here from the project's own files, as ``deploy/`` and docker-compose describe).

- a delivery that lands on both processes (a webhook retried onto the other one) is stored once, answered with
  the emergency numbers once, opens one case and pages once;
- two messages of one person landing on the two processes at once take turns (one case, not two);
- two counsellors claiming the same case through different processes: one wins;
- ``kill -9`` of one process while deliveries stream in through nginx: every delivery that got a 200 is stored
  exactly once after the process is started again, every emergency got the numbers and a case.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core.settings import PROJECT_ROOT
from hotline.proxy import NginxProxy, nginx_binary
from hotline.services import RasaServer, RedisServer, free_port
from storage import crud
from storage.models import AuditLog, Case, Message
from tests.conftest import NLG_TOKEN, _missing
from tests.factories import telegram_callback_update, telegram_text_update
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.hotline.conftest import SECRET
from tests.support.app_process import AppProcess
from tests.support.postgres import PostgresServer, start_postgres

pytestmark = [pytest.mark.rasa, pytest.mark.postgres]

T = TypeVar("T")
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
DANGER = "tolong saya dipukuli suami sekarang di Depok"
_chats = itertools.count(960001)


@dataclass
class Cluster:
    """What the scale-out tests talk to and look at."""

    proxy: NginxProxy
    apps: list[AppProcess]
    tg: FakeTelegramAPI
    engine: Engine

    def direct(self, i: int) -> str:
        """The URL of app process ``i``, bypassing nginx (a redelivery that lands on a given process)."""
        return f"http://127.0.0.1:{self.apps[i].port}"

    def db(self, fn: Callable[[Session], T]) -> T:
        with Session(self.engine) as session:
            return fn(session)

    def texts_to(self, chat_id: int) -> list[str]:
        return [str(p.get("text")) for p in self.tg.sent_messages() if int(p.get("chat_id", 0)) == chat_id]

    def wait(self, predicate: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.1)

    def add_on_call(self, chat_id: int, name: str) -> None:
        def add(session: Session) -> None:
            staff = crud.add_staff(session, name=name, role="counsellor", region="32.76", channel="telegram",
                                   contact_id=str(chat_id))
            crud.start_shift(session, staff=staff)
            session.commit()
        self.db(add)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if nginx_binary() is None:
        _missing("nginx not installed (run WITH_POSTGRES=1 scripts/setup.sh)")
    if not (PROJECT_ROOT / "nlu" / "models" / "hotline.tar.gz").exists():
        _missing("trained Rasa model missing (run scripts/setup.sh)")
    work = tmp_path_factory.mktemp("scale")
    stack: list[Any] = []
    try:
        pg: PostgresServer = start_postgres()
        stack.append(pg)
        database_url = pg.create_database("hotline_scale")
        redis = RedisServer(data_dir=work / "redis").start()
        stack.append(redis)
        tg = FakeTelegramAPI()
        tg.start()
        stack.append(tg)
        app_ports, rasa_ports = [free_port(), free_port()], [free_port(), free_port()]
        proxy = NginxProxy(work / "nginx", app=[f"127.0.0.1:{p}" for p in app_ports],
                           rasa=[f"127.0.0.1:{p}" for p in rasa_ports]).start()
        stack.append(proxy)
        # Rasa answers its NLG requests through nginx too; tracker and lock store in the one Redis.
        rasas = [RasaServer(venv=PROJECT_ROOT / ".venv-rasa", project=PROJECT_ROOT / "nlu", work_dir=work / f"rasa{i}",
                            port=port, redis_url=redis.url.replace("/0", "/3"), nlg_url=f"{proxy.url}/nlg",
                            nlg_token=NLG_TOKEN) for i, port in enumerate(rasa_ports)]
        stack.extend(rasas)
        env = {"TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_MODE": "webhook", "TELEGRAM_API_BASE_URL": tg.api_base_url,
               "TELEGRAM_WEBHOOK_SECRET": SECRET, "PUBLIC_BASE_URL": "https://hotline.example.test",
               "DATABASE_URL": database_url, "REDIS_URL": redis.url.replace("/0", "/1"), "RASA_URL": proxy.rasa_url,
               "NLG_TOKEN": NLG_TOKEN, "VAR_DIR": str(work / "var"),  # one folder for both: as on one host
               "HOTLINE_CONSOLE_SECRET": "scale-out-test-secret", "HOTLINE_LOG_SALT": "scale-out-test-salt",
               "RASA_TIMEOUT_S": "3"}
        apps = [AppProcess({**env, "PORT": str(port)}, port, work / f"app{i}.log", start=False)
                for i, port in enumerate(app_ports)]
        with concurrent.futures.ThreadPoolExecutor(4) as pool:  # the slow starts overlap
            started = [pool.submit(r.start) for r in rasas]
            for app in apps:
                app.spawn()
                stack.append(app)
            for future in started:
                future.result()
            for app in apps:
                app.wait_ready()
        engine = create_engine(database_url)
        yield Cluster(proxy=proxy, apps=apps, tg=tg, engine=engine)
        engine.dispose()
    finally:
        for part in reversed(stack):
            part.stop()


def post(url: str, update: dict[str, Any], client: httpx.Client) -> int:
    try:
        return client.post(f"{url}/webhooks/telegram", json=update, headers=HEADERS).status_code
    except httpx.HTTPError:
        return 0


def numbers(texts: list[str]) -> int:
    """How many of ``texts`` are the emergency numbers block."""
    return sum(1 for t in texts if "110" in t and "129" in t)


def test_a_delivery_on_both_processes_is_handled_once(cluster: Cluster) -> None:
    counsellor = next(_chats)
    cluster.add_on_call(counsellor, "Konselor Uji Satu")
    chat = next(_chats)
    update = telegram_text_update(DANGER, chat_id=chat)
    with httpx.Client(timeout=10) as client, concurrent.futures.ThreadPoolExecutor(2) as pool:
        codes = list(pool.map(lambda url: post(url, update, client), [cluster.direct(0), cluster.direct(1)]))
    assert codes == [200, 200]

    def stored(session: Session) -> int:
        return session.scalar(select(func.count()).select_from(Message).where(
            Message.direction == "in", Message.external_id == str(update["update_id"]))) or 0

    cluster.wait(lambda: cluster.db(stored) >= 1, what="the message stored")
    cluster.wait(lambda: any("Ambil" in t or "K-" in t for t in cluster.texts_to(counsellor)), what="the page")
    time.sleep(4)  # longer than the aid ledger's wait: a wrong second send of the numbers would have happened
    assert cluster.db(stored) == 1
    assert numbers(cluster.texts_to(chat)) == 1
    cases = cluster.db(lambda s: list(s.scalars(select(Case.code).where(Case.urgency == "emergency"))))
    pages = [t for t in cluster.texts_to(counsellor) if any(code in t for code in cases)]
    assert len(pages) == 1, pages


def test_two_messages_of_one_chat_on_two_processes_take_turns(cluster: Cluster) -> None:
    """A person sends two messages a moment apart and each lands on another process: one case, not two."""
    counsellor = next(_chats)
    cluster.add_on_call(counsellor, "Konselor Uji Giliran")
    chat = next(_chats)
    updates = [telegram_text_update(DANGER, chat_id=chat),
               telegram_text_update("tolong, suami saya masih memukuli saya sekarang", chat_id=chat)]
    with httpx.Client(timeout=10) as client, concurrent.futures.ThreadPoolExecutor(2) as pool:
        codes = list(pool.map(lambda pair: post(cluster.direct(pair[0]), pair[1], client), enumerate(updates)))
    assert codes == [200, 200]

    def handled(session: Session) -> int:
        return session.scalar(select(func.count()).select_from(Message).where(
            Message.direction == "in", Message.status != "received",
            Message.external_id.in_([str(u["update_id"]) for u in updates]))) or 0

    def cases_of_chat(session: Session) -> list[str]:
        conv = crud.get_conversation(session, sender_id=f"tg:{chat}")
        return [] if conv is None else list(session.scalars(select(Case.code).where(Case.conversation_id == conv.id)))

    cluster.wait(lambda: cluster.db(handled) == 2, what="both messages handled")
    assert len(cluster.db(cases_of_chat)) == 1


def test_two_counsellors_claiming_through_two_processes_one_wins(cluster: Cluster) -> None:
    first, second = next(_chats), next(_chats)
    cluster.add_on_call(first, "Konselor Uji Dua")
    cluster.add_on_call(second, "Konselor Uji Tiga")
    chat = next(_chats)
    with httpx.Client(timeout=10) as client:
        assert post(cluster.proxy.url, telegram_text_update(DANGER, chat_id=chat), client) == 200

    def newest_case(session: Session) -> str | None:
        return session.scalar(select(Case.code).order_by(Case.id.desc()).limit(1))

    cluster.wait(lambda: numbers(cluster.texts_to(chat)) >= 1, what="the numbers")
    cluster.wait(lambda: cluster.db(newest_case) is not None, what="the case")
    code = cluster.db(newest_case)
    assert code is not None
    press = telegram_callback_update(f"claim:{code}", chat_id=first)
    command = telegram_text_update(f"/ambil {code}", chat_id=second)
    with httpx.Client(timeout=10) as client, concurrent.futures.ThreadPoolExecutor(3) as pool:
        codes = list(pool.map(lambda job: post(job[0], job[1], client),
                              [(cluster.direct(0), press), (cluster.direct(1), press), (cluster.direct(1), command)]))
    assert codes == [200, 200, 200]

    def claims(session: Session) -> list[int | None]:
        case = session.scalars(select(Case).where(Case.code == code)).one()
        audits = session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.entity == "case", AuditLog.entity_id == str(case.id), AuditLog.action == "claim"))
        return [case.assigned_staff_id] * (audits or 0)

    cluster.wait(lambda: bool(cluster.db(claims)), what="the claim")
    time.sleep(2)  # the losing claim has had time to be (wrongly) taken too
    assert len(cluster.db(claims)) == 1
    told_taken = [t for c in (first, second) for t in cluster.texts_to(c) if "sudah diambil" in t]
    assert len(told_taken) == 1


def test_kill_9_of_one_process_loses_nothing(cluster: Cluster, tmp_path: Path) -> None:
    counsellor = next(_chats)
    cluster.add_on_call(counsellor, "Konselor Uji Empat")
    ordinary_chats = [next(_chats) for _ in range(10)]
    accepted: dict[int, tuple[int, bool]] = {}  # update id -> (chat, emergency)
    deliveries: list[tuple[dict[str, Any], int, bool]] = []
    for i in range(120):
        if i % 6 == 0:  # each emergency from its own chat: its numbers can be counted
            chat, text, danger = next(_chats), DANGER, True
        else:
            chat, text, danger = ordinary_chats[i % 10], f"halo, saya mau tanya layanan konseling nomor {i}", False
        deliveries.append((telegram_text_update(text, chat_id=chat), chat, danger))

    def deliver(update: dict[str, Any], chat: int, danger: bool, client: httpx.Client) -> None:
        # As Telegram does: the same update again until it is answered 200.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if post(cluster.proxy.url, update, client) == 200:
                accepted[int(update["update_id"])] = (chat, danger)
                return
            time.sleep(0.5)

    with httpx.Client(timeout=10) as client, concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = []
        t0 = time.monotonic()
        for i, (update, chat, danger) in enumerate(deliveries):  # about 20 a second
            futures.append(pool.submit(deliver, update, chat, danger, client))
            if i == 40:
                cluster.apps[0].kill9()  # mid-stream: whatever it had accepted is in its journal only
            time.sleep(max(0.0, t0 + (i + 1) / 20 - time.monotonic()))
        for future in futures:
            future.result()
    assert len(accepted) == len(deliveries), "nginx passed every delivery to the surviving process"
    cluster.apps[0].start()  # recovers its journal

    def stored(session: Session) -> dict[str, int]:
        rows = session.execute(select(Message.external_id, func.count()).where(
            Message.direction == "in", Message.external_id.in_([str(u) for u in accepted]))
            .group_by(Message.external_id)).all()
        return {str(e): int(n) for e, n in rows}

    cluster.wait(lambda: len(cluster.db(stored)) == len(accepted), timeout=90, what="every delivery stored")
    assert set(cluster.db(stored).values()) == {1}  # exactly once each
    emergencies = [chat for chat, danger in accepted.values() if danger]
    cluster.wait(lambda: all(numbers(cluster.texts_to(c)) >= 1 for c in emergencies), what="numbers to all")
    sends = [numbers(cluster.texts_to(c)) for c in emergencies]
    assert all(1 <= n <= 2 for n in sends), sends
    opened = cluster.db(lambda s: s.scalar(select(func.count()).select_from(Case).join(
        Message, Message.conversation_id == Case.conversation_id).where(
        Message.external_id.in_([str(u) for u, (_, d) in accepted.items() if d]))))
    assert opened == len(emergencies)
    print(f"scale-out kill -9: {len(accepted)} deliveries accepted, all stored once; {len(emergencies)} "
          f"emergencies, numbers sent {sum(sends)} times ({sum(1 for n in sends if n > 1)} twice)")
