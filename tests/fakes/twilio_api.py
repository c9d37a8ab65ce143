"""A local fake of Twilio's Messages API, served over real HTTP on 127.0.0.1 (ephemeral port).

Usage::

    with FakeTwilioAPI(account_sid="AC...", auth_token="...") as fake:
        settings = Settings(twilio_api_base_url=fake.base_url, ...)
        ...
        call = await fake.wait_for_call("Messages.create")

``sign_twilio_request`` computes the ``X-Twilio-Signature`` Twilio would send with a webhook.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from email.utils import formatdate
from typing import Any, Self

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from tests.fakes.telegram_api import Call, CallRecorder, ServerThread

TEST_ACCOUNT_SID = "AC" + "0" * 31 + "1"
TEST_AUTH_TOKEN = "test-auth-token-000000000000000001"
TEST_WHATSAPP_FROM = "whatsapp:+6281200000900"


def sign_twilio_request(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The ``X-Twilio-Signature`` for a webhook POST of ``params`` to ``url`` (full public URL)."""
    return str(RequestValidator(auth_token).compute_signature(url, dict(params)))


def _error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse(
        {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status},
        status,
    )


class FakeTwilioAPI(CallRecorder):
    """``POST /2010-04-01/Accounts/{sid}/Messages.json`` with HTTP basic auth, recording each send.

    Wrong credentials → 401 (Twilio error 20003), another account's path → 404 (20404), no Body /
    ContentSid / MediaUrl → 400 (21619). Successful sends answer 201 with a message resource whose sid is
    "SM" + 32 hex characters. ``fail_next(status, code, message)`` makes the next send fail.
    """

    def __init__(self, account_sid: str = TEST_ACCOUNT_SID, auth_token: str = TEST_AUTH_TOKEN) -> None:
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.unauthorized = 0
        self._failure: tuple[int, int, str] | None = None
        self._state_lock = threading.Lock()
        self._server = ServerThread(
            Starlette(routes=[Route("/2010-04-01/Accounts/{sid}/Messages.json", self._create, methods=["POST"])]),
            lifespan="off",
        )

    @property
    def base_url(self) -> str:
        """The value for ``TWILIO_API_BASE_URL``."""
        return self._server.base_url

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

    def fail_next(self, status: int = 400, code: int = 63016, message: str = "Outside the allowed window") -> None:
        """Make the next send answer with this Twilio error."""
        with self._state_lock:
            self._failure = (status, code, message)

    def sent(self) -> list[dict[str, Any]]:
        """The form params of every accepted send."""
        return [c.params for c in self.calls_to("Messages.create")]

    def _authorized(self, request: Request) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return secrets.compare_digest(user, self.account_sid) and secrets.compare_digest(password, self.auth_token)

    async def _create(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            with self._state_lock:
                self.unauthorized += 1
            return _error(401, 20003, "Authenticate")
        sid = request.path_params["sid"]
        if sid != self.account_sid:
            return _error(404, 20404, "The requested resource was not found")
        form = await request.form()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        with self._state_lock:
            failure, self._failure = self._failure, None
        if failure is not None:
            self.record(Call("Messages.failed", params))
            return _error(*failure)
        if "To" not in params:
            return _error(400, 21604, "A 'To' phone number is required.")
        if not (params.get("Body") or params.get("ContentSid") or params.get("MediaUrl")):
            return _error(400, 21619, "A text message body or media urls must be specified.")
        self.record(Call("Messages.create", params))
        message_sid = "SM" + secrets.token_hex(16)
        now = formatdate(usegmt=True)
        body = params.get("Body", "")
        return JSONResponse(
            {
                "account_sid": sid,
                "api_version": "2010-04-01",
                "body": body,
                "date_created": now,
                "date_sent": None,
                "date_updated": now,
                "direction": "outbound-api",
                "error_code": None,
                "error_message": None,
                "from": params.get("From"),
                "messaging_service_sid": params.get("MessagingServiceSid"),
                "num_media": "0",
                "num_segments": "1",
                "price": None,
                "price_unit": "USD",
                "sid": message_sid,
                "status": "queued",
                "subresource_uris": {
                    "media": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}/Media.json",
                    "feedback": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}/Feedback.json",
                },
                "to": params["To"],
                "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
            },
            201,
        )


@contextmanager
def fake_twilio_api(account_sid: str = TEST_ACCOUNT_SID, auth_token: str = TEST_AUTH_TOKEN) -> Iterator[FakeTwilioAPI]:
    """Context manager: a started ``FakeTwilioAPI``, stopped on exit."""
    with FakeTwilioAPI(account_sid, auth_token) as fake:
        yield fake
