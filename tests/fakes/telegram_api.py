"""A local fake of the Telegram Bot API, served over real HTTP on 127.0.0.1 (ephemeral port).

Usage::

    with FakeTelegramAPI(token="123:TEST") as fake:
        settings = Settings(telegram_bot_token=fake.token, telegram_api_base_url=fake.api_base_url)
        ...
        call = await fake.wait_for_call("sendMessage")

Also home of ``ServerThread`` (run any ASGI app under uvicorn in a background thread) and
``CallRecorder`` (thread-safe call log with waiting helpers), used by the Twilio fake and the tests.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, Self

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

# --------------------------------------------------------------------------------------------------------
# Generic helpers


class ServerThread:
    """Serve an ASGI app with uvicorn on 127.0.0.1 in a daemon thread (its own event loop).

    The socket is bound before the thread starts, so ``base_url`` is known at once and no port race is
    possible. Use as a context manager or call ``start()`` / ``stop()``.
    """

    def __init__(self, app: Any, *, lifespan: Literal["auto", "on", "off"] = "auto") -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan=lifespan,
            timeout_graceful_shutdown=2,
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        """Start serving; return once uvicorn accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self.server.should_exit = True
        self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass(frozen=True)
class Call:
    """One request received by a fake."""

    method: str  # Bot API method ("sendMessage") or Twilio resource ("Messages.create")
    params: dict[str, Any]
    timestamp: float = field(default_factory=time.time)
    refused: bool = False  # the fake answered with an error (``fail_next``, a blocked chat)


class CallRecorder:
    """A thread-safe list of ``Call`` objects with helpers to wait for a condition.

    The fakes run in their own thread, so tests may block (``wait_until``) or await (``await_until``);
    use the async form when the code under test runs on the test's own event loop.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[Call] = []

    def record(self, call: Call) -> None:
        """Append a call (from the server thread)."""
        with self._lock:
            self._calls.append(call)

    @property
    def calls(self) -> list[Call]:
        """A snapshot of every recorded call, oldest first."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method."""
        return [c for c in self.calls if c.method == method]

    def clear(self) -> None:
        """Forget the recorded calls."""
        with self._lock:
            self._calls.clear()

    def wait_until(self, predicate: Callable[[list[Call]], bool], timeout: float = 5.0) -> list[Call]:
        """Block until ``predicate(calls)`` holds; raise ``TimeoutError`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            calls = self.calls
            if predicate(calls):
                return calls
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met; calls: {[c.method for c in calls]}")
            time.sleep(0.01)

    async def await_until(self, predicate: Callable[[list[Call]], bool], within_s: float = 5.0) -> list[Call]:
        """Like ``wait_until`` but yields to the event loop while waiting."""
        deadline = time.monotonic() + within_s
        while True:
            calls = self.calls
            if predicate(calls):
                return calls
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met; calls: {[c.method for c in calls]}")
            await asyncio.sleep(0.01)

    async def wait_for_call(self, method: str, count: int = 1, within_s: float = 5.0) -> Call:
        """Await the ``count``-th call of ``method`` and return it."""
        calls = await self.await_until(lambda cs: sum(c.method == method for c in cs) >= count, within_s)
        return [c for c in calls if c.method == method][count - 1]


# --------------------------------------------------------------------------------------------------------
# The Telegram fake

# Parameters python-telegram-bot sends JSON-encoded inside form fields (strings are sent as they are).
_JSON_PARAMS = frozenset(
    {"reply_markup", "message_ids", "allowed_updates", "link_preview_options", "entities", "reply_parameters"}
)
_INT_PARAMS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "max_connections", "cache_time"})
_BOOL_PARAMS = frozenset({"drop_pending_updates", "show_alert", "disable_notification", "protect_content"})

BOT_USER: dict[str, Any] = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Layanan Informasi",
    "username": "layanan_informasi_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}


def _coerce(name: str, value: str) -> Any:
    if name in _JSON_PARAMS:
        return json.loads(value)
    if name in _INT_PARAMS and value.lstrip("-").isdigit():
        return int(value)
    if name in _BOOL_PARAMS:
        return value.lower() == "true"
    return value


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _error(code: int, description: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"ok": False, "error_code": code, "description": description, **extra}, code)


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


class FakeTelegramAPI(CallRecorder):
    """The Bot API methods the hotline uses, with recorded calls and Telegram-shaped answers.

    Methods: getMe, sendMessage, editMessageText, deleteMessage, deleteMessages, answerCallbackQuery,
    setWebhook, deleteWebhook, getWebhookInfo, getUpdates (long polling over ``push_update``; refused
    with 409 while a webhook is set, like Telegram). Wrong token → 401; unknown method → 404.
    ``undeletable`` holds ``(chat_id, message_id)`` pairs that answer "message can't be deleted";
    ``fail_next(method, code, description)`` makes the next call of a method fail.
    """

    def __init__(self, token: str = "123456:TEST-TOKEN", *, max_poll_s: float = 2.0) -> None:
        super().__init__()
        self.token = token
        self.max_poll_s = max_poll_s
        self.undeletable: set[tuple[int, int]] = set()
        self.blocked: set[int] = set()  # chat ids of users who blocked the bot: sendMessage answers 403
        self.webhook: dict[str, Any] | None = None
        self._message_ids = itertools.count(1001)
        self._update_ids = itertools.count(500001)
        self._updates: list[dict[str, Any]] = []
        self._deleted: set[tuple[int, int]] = set()
        self._failures: dict[str, tuple[int, str]] = {}
        self.unauthorized = 0
        self._server = ServerThread(
            Starlette(routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                              Route("/_calls", self._calls_endpoint, methods=["GET", "DELETE"])]),
            lifespan="off",
        )

    # -- lifecycle -------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return self._server.base_url

    @property
    def api_base_url(self) -> str:
        """The value for ``TELEGRAM_API_BASE_URL`` (the token is appended by python-telegram-bot)."""
        return f"{self._server.base_url}/bot"

    def start(self) -> None:
        """Start serving."""
        self._server.start()

    def stop(self) -> None:
        """Stop serving."""
        self._server.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test controls ---------------------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates (an ``update_id`` is assigned if missing); return its id."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        with self._lock:
            self._updates.append(update)
        return int(update["update_id"])

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset."""
        with self._lock:
            return list(self._updates)

    def fail_next(self, method: str, code: int = 500, description: str = "Internal Server Error") -> None:
        """Make the next call of ``method`` answer with this Bot API error."""
        with self._lock:
            self._failures[method] = (code, description)

    def sent_messages(self) -> list[dict[str, Any]]:
        """The params of every sendMessage call."""
        return [c.params for c in self.calls_to("sendMessage")]

    def delivered_messages(self) -> list[dict[str, Any]]:
        """The params of every sendMessage call that was accepted (not refused by ``fail_next`` or a block)."""
        return [c.params for c in self.calls_to("sendMessage") if not c.refused]

    # -- HTTP ------------------------------------------------------------------------------------------

    async def _params(self, request: Request) -> dict[str, Any]:
        if request.headers.get("content-type", "").startswith("application/json"):
            body = await request.body()
            return dict(json.loads(body)) if body else {}
        form = await request.form()
        params = {k: _coerce(k, v) for k, v in form.items() if isinstance(v, str)}
        params.update({k: _coerce(k, v) for k, v in request.query_params.items()})
        return params

    async def _calls_endpoint(self, request: Request) -> JSONResponse:
        # Test control over HTTP, for a fake running in its own process (``python -m tests.fakes.telegram_api``):
        # GET lists the recorded calls, DELETE forgets them.
        if request.method == "DELETE":
            self.clear()
            return JSONResponse({"ok": True})
        return JSONResponse([{"method": c.method, "params": c.params, "timestamp": c.timestamp} for c in self.calls])

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            with self._lock:
                self.unauthorized += 1
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        params = await self._params(request)
        with self._lock:
            failure = self._failures.pop(method, None)
            if failure is None and method == "sendMessage" and _int_or_none(params.get("chat_id")) in self.blocked:
                failure = (403, "Forbidden: bot was blocked by the user")
        self.record(Call(method, params, refused=failure is not None))
        if failure is not None:
            return _error(*failure)
        result: JSONResponse = await handler(params)
        return result

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id < 0:
            return {"id": chat_id, "title": "Tim Uji", "type": "supergroup"}
        return {"id": chat_id, "first_name": "Uji", "type": "private"}

    def _message(self, chat_id: int, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id if message_id is not None else next(self._message_ids),
            "from": {k: BOT_USER[k] for k in ("id", "is_bot", "first_name", "username")},
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _m_getMe(self, params: dict[str, Any]) -> JSONResponse:
        return _ok(BOT_USER)

    async def _m_sendMessage(self, params: dict[str, Any]) -> JSONResponse:
        if "chat_id" not in params or not params.get("text"):
            return _error(400, "Bad Request: message text is empty")
        return _ok(self._message(int(params["chat_id"]), params))

    async def _m_editMessageText(self, params: dict[str, Any]) -> JSONResponse:
        if "chat_id" not in params or "message_id" not in params:
            return _error(400, "Bad Request: message to edit not found")
        message = self._message(int(params["chat_id"]), params, int(params["message_id"]))
        message["edit_date"] = int(time.time())
        return _ok(message)

    def _delete(self, chat_id: int, message_id: int) -> str | None:
        key = (chat_id, message_id)
        with self._lock:
            if key in self.undeletable:
                return "Bad Request: message can't be deleted"
            if key in self._deleted:
                return "Bad Request: message to delete not found"
            self._deleted.add(key)
        return None

    async def _m_deleteMessage(self, params: dict[str, Any]) -> JSONResponse:
        error = self._delete(int(params["chat_id"]), int(params["message_id"]))
        return _error(400, error) if error else _ok(True)

    async def _m_deleteMessages(self, params: dict[str, Any]) -> JSONResponse:
        ids = [int(i) for i in params.get("message_ids", [])]
        if not 1 <= len(ids) <= 100:
            return _error(400, "Bad Request: too many messages to delete")
        chat_id = int(params["chat_id"])
        with self._lock:
            if all((chat_id, i) in self.undeletable for i in ids):
                return _error(400, "Bad Request: message can't be deleted")
        # Telegram skips the ones it cannot find or delete and still answers true.
        for message_id in ids:
            self._delete(chat_id, message_id)
        return _ok(True)

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> JSONResponse:
        if not params.get("callback_query_id"):
            return _error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        return _ok(True)

    async def _m_setWebhook(self, params: dict[str, Any]) -> JSONResponse:
        url = params.get("url", "")
        with self._lock:
            self.webhook = dict(params) if url else None
        return JSONResponse({"ok": True, "result": True, "description": "Webhook was set"})

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> JSONResponse:
        with self._lock:
            existed = self.webhook is not None
            self.webhook = None
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return JSONResponse(
            {
                "ok": True,
                "result": True,
                "description": "Webhook was deleted" if existed else "Webhook is already deleted",
            }
        )

    async def _m_getWebhookInfo(self, params: dict[str, Any]) -> JSONResponse:
        with self._lock:
            hook = self.webhook
            pending = len(self._updates)
        return _ok(
            {"url": hook["url"] if hook else "", "has_custom_certificate": False, "pending_update_count": pending}
        )

    async def _m_getUpdates(self, params: dict[str, Any]) -> JSONResponse:
        with self._lock:
            if self.webhook is not None:
                return _error(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        wait = min(float(params.get("timeout") or 0), self.max_poll_s)
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                # An offset confirms (forgets) every update with a smaller id, as Telegram does.
                if offset:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                batch = self._updates[:limit]
            if batch or time.monotonic() >= deadline or self._server.server.should_exit:
                return _ok(batch)
            await asyncio.sleep(0.02)


@contextmanager
def fake_telegram_api(token: str = "123456:TEST-TOKEN") -> Iterator[FakeTelegramAPI]:
    """Context manager: a started ``FakeTelegramAPI``, stopped on exit."""
    with FakeTelegramAPI(token) as fake:
        yield fake


if __name__ == "__main__":
    # Serve a fake in its own process (the end-to-end benchmark does, so that the load generator and the fake
    # do not share an interpreter): print its URLs as one JSON line, serve until stdin closes.
    import sys

    with FakeTelegramAPI() as served:
        print(json.dumps({"token": served.token, "api_base_url": served.api_base_url, "base_url": served.base_url}),
              flush=True)
        sys.stdin.read()
