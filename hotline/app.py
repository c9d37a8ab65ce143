"""Wiring: settings → services → the core → the FastAPI app with its channels.

``build_runtime`` connects the parts (database, Rasa client, core, adapters); ``build_app`` exposes them over
HTTP; ``run`` is ``hotline run``: it starts a local Redis and Rasa when ``REDIS_URL`` / ``RASA_URL`` are unset.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import logging
import secrets
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import ValidationError

from bot.edge import TooLarge, read_limited, refuse
from bot.models import NlgRequest
from bot.types import IncomingMessage, OutgoingMessage, Sender
from console import install_console
from core import metrics
from core.rasa_client import RasaClient
from core.settings import Settings
from handlers import places, privacy, text_model
from handlers.aid_ledger import LocalLedger, RedisLedger
from handlers.cases import CaseService
from handlers.conversation import Hotline
from handlers.delivery import Delivery, RateLimits
from handlers.nlg import render
from handlers.regions import LiveDirectory
from handlers.staff import StaffDesk
from handlers.store import Journal, Spool, Store
from handlers.texts import LiveTexts
from hotline.erasure import RedisEraser
from hotline.model_swap import ModelSwitch
from hotline.rasa_route import RasaRoute
from hotline.release_reviewed import ReleaseScrubber
from storage import crud, lookups
from storage.db import make_engine, make_session_factory, migrate

log = logging.getLogger(__name__)


class ChannelSenders:
    """One ``Sender`` that delivers to whichever channel a recipient id belongs to (``tg:``, ``wa:``, ``web:``)."""

    def __init__(self) -> None:
        self.by_prefix: dict[str, Sender] = {}

    def register(self, prefix: str, sender: Sender) -> None:
        """Deliver recipients starting with ``prefix`` (e.g. ``"tg"``) through ``sender``."""
        self.by_prefix[prefix] = sender

    async def send(self, message: OutgoingMessage) -> str | None:
        """Send through the channel of ``message.recipient_id``; undeliverable ids are logged and dropped."""
        prefix = message.recipient_id.split(":", 1)[0]
        sender = self.by_prefix.get(prefix)
        if sender is None:
            log.warning("no sender for channel %s; message dropped", prefix)
            return None
        return await sender.send(message)

    def for_channel(self, channel: str) -> Sender:
        """The sender used to answer messages that arrived on ``channel``."""
        return self


@dataclass
class Runtime:
    """Everything one running hotline holds, built once in ``main()`` (or a test) and passed down."""

    settings: Settings
    store: Store
    spool: Spool
    rasa: RasaClient | None
    cases: CaseService
    core: Hotline
    senders: ChannelSenders
    http: httpx.AsyncClient
    background: list[asyncio.Task[Any]] = field(default_factory=list)
    extra_routers: list[Any] = field(default_factory=list)
    closers: list[Any] = field(default_factory=list)
    recover_journal: Callable[[], int] | None = None  # set when the channels start
    # Child services started by ``hotline run`` (``hotline.services.Supervised``): /readyz reports whether each is up.
    services: list[Any] = field(default_factory=list)
    # Which Rasa server the client talks to, followed in Redis (a model swap moves every app process).
    route: RasaRoute | None = None
    # The blue-green model swap, when this process started the Rasa server (``hotline run``).
    switch: ModelSwitch | None = None

    async def handle(self, msg: IncomingMessage, sender: Sender) -> None:
        """The adapters' entry point."""
        await self.core.handle(msg, sender)


def build_runtime(settings: Settings, *, rasa_url: str | None, redis_url: str | None) -> Runtime:
    """Connect database, Rasa client, case service and core. Channels are added in the app's lifespan."""
    migrate(settings.database_url)
    text_model.warm()
    places.warm()  # the place index (0.5-1 s) is built here, not inside the first citizen's message
    engine = make_engine(settings.database_url)
    store = Store(make_session_factory(engine))
    # One spool (and one journal) per process: processes sharing a folder never replay each other's file.
    spool_path = settings.var_dir / f"spool-{settings.port}.jsonl"
    legacy = settings.var_dir / "spool.jsonl"  # the name before several processes could share var/
    if legacy.exists() and not spool_path.exists():
        legacy.replace(spool_path)
    spool = Spool(spool_path)
    http = httpx.AsyncClient(timeout=settings.rasa_timeout_s)
    rasa = RasaClient(rasa_url, client=http, timeout=settings.rasa_timeout_s) if rasa_url else None
    senders = ChannelSenders()
    cases = CaseService(store=store, settings=settings, redis_url=redis_url, sender=senders)
    # Several app processes behind a proxy agree through Redis on who sends a delivery's emergency numbers and
    # on which one acts on a staff delivery; one process alone keeps the same promises in memory.
    ledger: RedisLedger | LocalLedger = RedisLedger.from_url(redis_url) if redis_url else LocalLedger()
    staff = StaffDesk(store=store, settings=settings, rasa=rasa, cases=cases, sender=senders, once=ledger.once)
    tracker_redis = settings.rasa_tracker_redis_url or redis_url
    eraser = RedisEraser(tracker_redis) if tracker_redis and rasa else None
    limits = RateLimits(
        channel_rates={"tg": (settings.telegram_max_per_s, settings.telegram_max_per_s),
                       "wa": (settings.whatsapp_max_per_s, settings.whatsapp_max_per_s)},
        chat_rates={p: (settings.chat_max_per_s, 10.0) for p in ("tg", "wa")})
    channels = {"tg": "telegram", "wa": "whatsapp", "web": "web"}
    delivery = Delivery(limits=limits, on_retry=lambda recipient: metrics.count_retry(
        channels.get(recipient.split(":", 1)[0], "other")))
    metrics.track_queue("send_retry", lambda: delivery.waiting)
    core = Hotline(store=store, spool=spool, rasa=rasa, cases=cases, staff=staff, delete_chat_messages=None,
                   forget_elsewhere=[eraser] if eraser else [], delivery=delivery, aid_ledger=ledger,
                   forget_review_items=[ReleaseScrubber(settings.var_dir / "releases")])
    rt = Runtime(settings=settings, store=store, spool=spool, rasa=rasa, cases=cases, core=core,
                 senders=senders, http=http)
    if rasa is not None and redis_url:
        rt.route = RasaRoute.from_url(rasa, redis_url)
        rt.closers.append(rt.route.close)
    if eraser is not None:
        rt.closers.append(eraser.close)
    if isinstance(ledger, RedisLedger):
        rt.closers.append(ledger.close)
    return rt


async def _recovery_loop(rt: Runtime, interval_s: float = 5.0) -> None:
    """Replay spooled messages and re-triage messages answered without Rasa, once services are back."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            if len(rt.spool):
                n = await rt.core.replay_spool(rt.senders.for_channel)
                if n:
                    log.info("replayed %d spooled messages", n)
            n = await rt.core.retry_pending(rt.senders.for_channel)
            if n:
                log.info("re-triaged %d messages after a Rasa outage", n)
        except Exception as exc:  # the loop must survive any outage it exists to recover from
            log.warning("recovery pass failed (%s)", type(exc).__name__)


async def _start_channels(rt: Runtime, app: FastAPI) -> None:
    from bot.telegram import PendingTasks
    from bot.webchat import WebChatOutbox, webchat_router

    s = rt.settings
    # Background handling of webhook deliveries: written to the journal before the webhook answers, the
    # emergency numbers started at once (first aid), then handled in order per conversation; drained on shutdown.
    journal = Journal(s.var_dir / f"inbox-{s.port}.jsonl")
    metrics.track_queue("journal", lambda: len(journal))
    tasks = PendingTasks(journal=journal, first_aid=rt.core.first_aid)
    shutdowns: list[Any] = []
    outbox = WebChatOutbox()
    rt.senders.register("web", outbox)
    app.include_router(webchat_router(rt.handle, outbox=outbox, fallback=rt.senders))

    if s.telegram_bot_token:
        from bot.telegram import TelegramSender, build_bot, run_polling, set_webhook, telegram_router

        bot = build_bot(s)
        await bot.initialize()
        tg = TelegramSender(bot)
        rt.senders.register("tg", tg)

        async def delete_chat(sender_id: str, ids: list[int]) -> int:
            if not sender_id.startswith("tg:"):
                return 0
            return await tg.delete_messages(sender_id.removeprefix("tg:"), ids)

        rt.core.delete_chat_messages = delete_chat
        if s.telegram_mode == "webhook":
            app.include_router(telegram_router(s, rt.handle, rt.senders, tasks=tasks))
            await set_webhook(bot, s)
        else:
            stop = asyncio.Event()
            polling = asyncio.create_task(run_polling(bot, rt.handle, rt.senders, stop, tasks=tasks))

            async def stop_polling() -> None:
                stop.set()
                await asyncio.wait({polling}, timeout=30)

            rt.closers.append(stop_polling)
        shutdowns.append(bot.shutdown)

    if s.twilio_account_sid and s.twilio_auth_token and s.twilio_whatsapp_from:
        from bot.whatsapp import WhatsAppSender, build_twilio_client, whatsapp_router

        client = build_twilio_client(s)

        async def last_inbound(recipient_id: str) -> datetime | None:
            conv = await rt.store.run(lambda sess: crud.get_conversation(sess, sender_id=recipient_id))
            return conv.last_inbound_at if conv is not None else None

        wa = WhatsAppSender(s, client, last_inbound)
        rt.senders.register("wa", wa)
        app.include_router(whatsapp_router(s, rt.handle, rt.senders, options=wa, tasks=tasks))
        shutdowns.append(client.http_client.close)  # type: ignore[union-attr]
    rt.recover_journal = functools.partial(_recover, rt, journal, tasks)
    # Closers run in order: stop polling, let running handlers finish (they may still send), close clients.
    rt.closers.append(lambda: tasks.drain(10))
    rt.closers.append(journal.close)
    rt.closers.extend(shutdowns)


def _recover(rt: Runtime, journal: Journal, tasks: Any) -> int:
    """Deliveries a killed process had accepted and not finished: handled again (de-duplicated by the database)."""
    recovered = journal.recover()
    for msg in recovered:
        tasks.spawn(msg.sender_id, msg.external_id, functools.partial(rt.handle, msg, rt.senders), msg=msg,
                    sender=rt.senders)
    if recovered:
        log.warning("%d deliveries accepted before a restart are handled again", len(recovered))
    return len(recovered)


def build_app(rt: Runtime) -> FastAPI:
    """The HTTP face of the hotline: webhooks, web chat, Rasa's NLG endpoint, health, readiness and metrics."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await _start_channels(rt, app)
        await rt.cases.start()
        if rt.recover_journal is not None:
            rt.recover_journal()
        rt.background.append(asyncio.create_task(_recovery_loop(rt)))
        rt.background.append(asyncio.create_task(LiveTexts(rt.store).serve()))  # editors' texts, ≤1 s old
        rt.background.append(asyncio.create_task(LiveDirectory(rt.store).serve()))  # and directory, ≤1 s old
        if rt.route is not None:
            switch = rt.switch
            if switch is not None:  # this process owns the live Rasa server: it says where it is
                rt.background.append(asyncio.create_task(rt.route.hold(lambda: switch.live.url)))
            else:
                rt.background.append(asyncio.create_task(rt.route.follow()))
        try:
            yield
        finally:
            for close in rt.closers:
                result = close()
                if asyncio.iscoroutine(result):
                    with contextlib.suppress(Exception):
                        await result
            for task in rt.background:
                task.cancel()
            await asyncio.gather(*rt.background, return_exceptions=True)
            await rt.cases.stop()
            await rt.http.aclose()

    app = FastAPI(title="hotline", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        # Alive: the event loop answers. Whether the services behind it work is /readyz's question; a liveness
        # probe that failed with the database would make an orchestrator restart an app that still sends the
        # emergency numbers without it.
        return JSONResponse({"ok": True})

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        checks = await _readiness(rt)
        ok = all(checks.values())
        return JSONResponse({"ok": ok, **checks, "spooled": len(rt.spool)}, status_code=200 if ok else 503)

    @app.post("/nlg")
    async def nlg(request: Request) -> Response:
        # Only Rasa knows the token (the app wrote it into the endpoints.yml of the Rasa it started, or the
        # operator set the same NLG_TOKEN on both sides).
        given = request.query_params.get("token") or request.headers.get(NLG_TOKEN_HEADER)
        if not _token_ok(rt.settings.nlg_token, given):
            metrics.REJECTED.labels(route="/nlg", status="403").inc()
            return refuse(403)
        try:
            body = NlgRequest.model_validate_json(await read_limited(request, NLG_MAX_BODY_BYTES))
        except TooLarge:
            metrics.REJECTED.labels(route="/nlg", status="413").inc()
            return refuse(413)
        except ValidationError:
            metrics.REJECTED.labels(route="/nlg", status="422").inc()
            return JSONResponse({"detail": "not an NLG request"}, status_code=422)
        slots = body.tracker.slots
        return JSONResponse({"text": render(body.name, {"lang": slots.lang, "faq_topic": slots.faq_topic,
                                                         "region": slots.region})})

    # Messages kept on disk while the database is down, read at scrape time.
    metrics.track_queue("spool", lambda: len(rt.spool))

    @app.get("/metrics")
    async def metrics_page() -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/")
    async def root() -> RedirectResponse:
        return RedirectResponse("/chat")

    install_console(app, rt)  # the staff console under /console (its own prefix; every route needs a session)

    return app


# Rasa's NLG request carries the whole tracker (every event of the conversation): allow for a long one.
NLG_MAX_BODY_BYTES = 2_000_000
NLG_TOKEN_HEADER = "X-Hotline-Nlg-Token"
# A readiness probe that waits on a hung database must still answer (with "not ready") within the probe's timeout.
_READY_TIMEOUT_S = 2.0


def _token_ok(configured: str | None, given: str | None) -> bool:
    if not configured or not given:
        return False
    return hmac.compare_digest(given.encode(), configured.encode())


async def _readiness(rt: Runtime) -> dict[str, bool]:
    """Each dependency: can it serve now? (database, Redis, Rasa, and each child service ``hotline run`` watches)."""

    async def check(name: str, probe: Any) -> tuple[str, bool]:
        try:
            result = await asyncio.wait_for(probe(), _READY_TIMEOUT_S)
            return name, result is not False
        except Exception:
            return name, False

    async def database() -> None:
        await rt.store.run(lookups.ping)

    probes: list[Any] = [check("database", database), check("redis", rt.cases.redis_ok)]
    if rt.rasa is not None:
        probes.append(check("rasa", rt.rasa.status))
    checks = dict(await asyncio.gather(*probes))
    for svc in rt.services:
        # e.g. "rasa_workers": every Sanic worker of the local Rasa is running (one dead worker still answers
        # /status through the other, but is not serving its share).
        checks[f"{svc.name}_process" if svc.name != "rasa" else "rasa_workers"] = bool(svc.alive())
    return checks


def configure_logging(verbose: bool = False, *, log_salt: str | None = None) -> None:
    """Application logs at INFO; libraries that would log message texts or tokens stay at WARNING.

    ``log_salt`` (``Settings.log_salt``) salts the sender pseudonyms the handlers log instead of sender ids.
    """
    privacy.configure(log_salt)
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    quiet_libraries()


# Libraries that log request URLs (which hold sender ids and the bot token) or parameters (message texts) below
# WARNING.
QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "twilio", "uvicorn.access", "aiohttp")


def quiet_libraries() -> None:
    """Keep the libraries that would log texts, sender ids or tokens at WARNING."""
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run(settings: Settings, *, terminal: bool = False) -> int:
    """``hotline run``: start what is missing (Redis, Rasa), then serve until interrupted."""
    import uvicorn

    from hotline.services import RasaServer, RedisServer, Supervisor

    configure_logging(log_salt=settings.log_salt)  # again: run() is also called without the CLI
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    if not settings.nlg_token:
        # Only the Rasa started below needs it; a fresh one per run keeps /nlg closed to everyone else.
        settings.nlg_token = secrets.token_urlsafe(32)
    started: list[Any] = []
    supervisor: Supervisor | None = None
    rt: Runtime | None = None
    try:
        redis_url = settings.redis_url
        if not redis_url:
            redis = RedisServer(data_dir=settings.var_dir / "redis", port=0).start()
            started.append(redis)
            redis_url = redis.url
            log.info("started a local Redis on port %s", redis.port)
        rasa_url = settings.rasa_url
        if not rasa_url:
            log.info("starting a local Rasa server (about a minute)")
            rasa = RasaServer(venv=settings.rasa_venv, project=settings.rasa_project,
                              work_dir=settings.var_dir / "rasa", redis_url=redis_url,
                              nlg_url=f"http://127.0.0.1:{settings.port}/nlg", nlg_token=settings.nlg_token,
                              workers=settings.rasa_workers, nice=settings.rasa_nice).start()
            started.append(rasa)
            rasa_url = rasa.url
        # A Redis or a Rasa worker that dies is started again (with back-off); /readyz shows it meanwhile.
        supervisor = Supervisor(started).start() if started else None
        rt = build_runtime(settings, rasa_url=rasa_url, redis_url=redis_url)
        rt.services = list(started)
        local_rasa = next((svc for svc in started if isinstance(svc, RasaServer)), None)
        if local_rasa is not None and rt.route is not None:
            rt.switch = ModelSwitch(local_rasa, rt.route, on_swap=functools.partial(_swapped, rt, supervisor))
        app = build_app(rt)
        if terminal:
            return asyncio.run(_terminal(rt, app, settings))
        print(f"\n  Hotline is running: open http://127.0.0.1:{settings.port}/chat to chat.\n"
              "  Press Ctrl+C to stop.\n", file=sys.stderr)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
        return 0
    finally:
        if supervisor is not None:
            supervisor.stop()
        for svc in reversed(started):
            svc.stop()
        if rt is not None and rt.switch is not None:
            rt.switch.live.stop()  # the server of the last model swap (the first one is in ``started``)


def _swapped(rt: Runtime, supervisor: Any, old: Any, new: Any) -> None:
    """After a model swap: /readyz, the supervisor and the shutdown look after the new Rasa server."""
    rt.services = [new if svc is old else svc for svc in rt.services]
    if supervisor is not None:
        supervisor.services = [new if svc is old else svc for svc in supervisor.services]


async def _terminal(rt: Runtime, app: FastAPI, settings: Settings) -> int:
    import uvicorn

    from bot.webchat import terminal_chat

    server = uvicorn.Server(uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        await terminal_chat(rt.handle)
    finally:
        server.should_exit = True
        await serving
    return 0
