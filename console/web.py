"""The console's routes: sign-in, the live queue, the case page and its actions, accounts.

Routes only translate between HTTP and the shared operations: who may see a case is decided in ``storage``
(``storage.console`` / ``crud.case_scope``), case work goes through ``handlers.staff.StaffDesk`` (the same code
as the Telegram commands). Every route but sign-in needs a session; every POST needs the session's CSRF token.
A case outside the viewer's scope answers 404, exactly like a missing one.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session
from sse_starlette.sse import EventSourceResponse

from bot.edge import load_key
from console import auth, canned, why
from console.live import ChangeFeed
from core.settings import Settings
from handlers.escalation import AGE_LABEL, URGENCY_LABEL, VIOLENCE_LABEL, WIB, region_name
from handlers.privacy import mask
from handlers.regions import load_regions
from handlers.review import ReviewInbox
from handlers.staff import OUTCOMES, STATUS_LABEL, Outcome, StaffDesk, resolve_region
from handlers.store import Store
from storage import console as db
from storage import crud, lookups
from storage.models import ConsoleSession, Staff, utcnow

HERE = Path(__file__).resolve().parent
STATIC_FILES = {"console.js": "text/javascript", "console.css": "text/css"}
FLASH_COOKIE = "hc_flash"
WA_WINDOW = timedelta(hours=24)
T = TypeVar("T")

# Every console page: no framing, no referrer (the set-password link carries its token in the URL), only this
# origin's script and stylesheet (the favicon count is drawn into a data: URL), never cached (case data).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

ROLE_LABEL = {"counsellor": "konselor", "supervisor": "supervisor", "content_editor": "editor konten",
              "statistician": "statistisi", "admin": "admin"}


@dataclass(frozen=True)
class Viewer:
    """The signed-in staff member of a request."""

    staff: Staff
    session_id: int
    csrf: str
    stage: str
    token_hash: str


class Console:
    """The console's state: store, the staff desk, settings, templates, the cookie signer and the change feed."""

    def __init__(self, *, store: Store, desk: StaffDesk, settings: Settings) -> None:
        self.store = store
        self.desk = desk
        self.settings = settings
        self.signer = auth.CookieSigner(settings.console_secret_key())
        self.vault = auth.TotpVault(load_key(settings.poison_key, settings.var_dir / "poison.key"))
        self.feed = ChangeFeed(store)
        self.review = ReviewInbox(store)  # a corrected triage lands in the editors' review inbox
        self.session_s = settings.console_session_hours * 3600
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
        self.env.globals.update(URGENCY=URGENCY_LABEL, VIOLENCE=VIOLENCE_LABEL, AGE=AGE_LABEL,
                                STATUS=STATUS_LABEL, ROLE=ROLE_LABEL, region_name=region_name, wib=_wib,
                                OUTCOMES=OUTCOMES, REVEAL_REASONS=db.REVEAL_REASONS, mask=mask)

    # ------------------------------------------------------------------------------------------ rendering
    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A full page from ``templates/<name>``."""
        return HTMLResponse(self.env.get_template(name).render(**context), status_code=status,
                            headers=SECURITY_HEADERS)

    def fragment(self, name: str, **context: Any) -> str:
        """A partial (used by the live streams)."""
        return self.env.get_template(name).render(**context)

    async def run(self, fn: Callable[[Session], T]) -> T:
        """A storage call on the worker thread."""
        return await self.store.run(fn)

    # ------------------------------------------------------------------------------------------- sessions
    def _set_cookie(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict",
                            secure=self.settings.console_cookie_secure, path="/console")

    async def start_session(self, response: Response, staff: Staff, stage: str) -> None:
        """A new session (new token: no fixation) and its cookie."""
        token = auth.new_token()
        expires = utcnow() + timedelta(seconds=self.session_s)
        await self.run(lambda s: db.create_console_session(
            s, staff_id=staff.id, token_hash=db.token_digest(token), csrf_token=auth.new_token(), stage=stage,
            expires_at=expires))
        self._set_cookie(response, auth.SESSION_COOKIE, self.signer.sign(token, purpose="session"),
                         int(self.session_s))

    async def viewer(self, request: Request, *, stage: str = "full") -> Viewer:
        """The request's signed-in staff member; otherwise a redirect to the sign-in page."""
        token = self.signer.unsign(request.cookies.get(auth.SESSION_COOKIE), purpose="session",
                                   max_age_s=self.session_s)
        found: tuple[ConsoleSession, Staff] | None = None
        if token is not None:
            digest = db.token_digest(token)
            found = await self.run(lambda s: db.get_console_session(s, token_hash=digest, now=utcnow()))
        if found is None:
            raise HTTPException(303, headers={"Location": "/console/login"})
        row, staff = found
        if row.stage != stage:
            raise HTTPException(303, headers={"Location": "/console/" if row.stage == "full" else "/console/totp"})
        return Viewer(staff, row.id, row.csrf_token, row.stage, row.token_hash)

    async def viewer_in(self, request: Request, roles: Collection[str]) -> Viewer | None:
        """The signed-in staff member when their role is one of ``roles``; None for any other role."""
        viewer = await self.viewer(request)
        return viewer if viewer.staff.role in roles else None

    def not_found(self, viewer: Viewer) -> HTMLResponse:
        """The 404 page (also what a role without access to a page gets: it does not learn the page exists)."""
        return self.render("not_found.html", 404, viewer=viewer)

    async def alive(self, viewer: Viewer) -> bool:
        """Whether the viewer's session still holds (checked by open streams: sign-out or expiry ends them)."""
        found = await self.run(lambda s: db.get_console_session(s, token_hash=viewer.token_hash, now=utcnow()))
        return found is not None

    async def form(self, request: Request, viewer: Viewer) -> dict[str, str]:
        """The POSTed form, after checking its CSRF token against the session's."""
        data = await request.form()
        values = {k: v for k, v in data.items() if isinstance(v, str)}
        if not auth.same(values.get("csrf"), viewer.csrf):
            raise HTTPException(403, "CSRF token tidak valid")
        return values

    def login_nonce(self, request: Request) -> str | None:
        """The pre-session CSRF nonce of the sign-in and set-password forms (double-submit, signed cookie)."""
        return self.signer.unsign(request.cookies.get(auth.LOGIN_COOKIE), purpose="login", max_age_s=3600)

    def with_login_nonce(self, response: HTMLResponse, nonce: str) -> HTMLResponse:
        self._set_cookie(response, auth.LOGIN_COOKIE, self.signer.sign(nonce, purpose="login"), 3600)
        return response

    def flash(self, response: Response, outcome: Outcome) -> Response:
        """Carry an action's result to the next page (signed, short-lived)."""
        if outcome.reply:
            payload = json.dumps({"ok": outcome.ok, "text": outcome.reply[:500]})
            self._set_cookie(response, FLASH_COOKIE, self.signer.sign(payload, purpose="flash"), 60)
        return response

    def take_flash(self, request: Request, response: HTMLResponse) -> HTMLResponse:
        response.delete_cookie(FLASH_COOKIE, path="/console")
        return response

    def read_flash(self, request: Request) -> dict[str, Any] | None:
        raw = self.signer.unsign(request.cookies.get(FLASH_COOKIE), purpose="flash", max_age_s=60)
        return json.loads(raw) if raw else None


def _wib(value: datetime | None) -> str:
    return value.astimezone(WIB).strftime("%d-%m-%Y %H:%M") + " WIB" if value is not None else "—"


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _queue_rows(console: Console, cases: list[Any], now: datetime) -> str:
    return console.fragment("_queue_rows.html", cases=cases, now=now)


def build_router(console: Console) -> APIRouter:
    """Every console route, under ``/console``."""
    r = APIRouter(prefix="/console")

    # ------------------------------------------------------------------------------------------ static
    @r.get("/static/{name}")
    async def static(name: str) -> FileResponse:
        if name not in STATIC_FILES:
            raise HTTPException(404)
        return FileResponse(HERE / "static" / name, media_type=STATIC_FILES[name],
                            headers={"Cache-Control": "no-cache"})

    # ------------------------------------------------------------------------------------------ sign-in
    @r.get("/login")
    async def login_page(request: Request) -> HTMLResponse:
        nonce = auth.new_token()
        return console.with_login_nonce(console.render("login.html", csrf=nonce, error=None, viewer=None), nonce)

    @r.post("/login")
    async def login(request: Request) -> Response:
        data = await request.form()
        email = str(data.get("email", ""))[:254]
        password = str(data.get("password", ""))[:1024]
        if not auth.same(str(data.get("csrf", "")), console.login_nonce(request)):
            raise HTTPException(403, "CSRF token tidak valid")
        now = utcnow()

        def lookup(s: Session) -> tuple[Staff | None, Any]:
            staff = db.get_staff_by_email(s, email=email)
            cred = db.get_credential(s, staff_id=staff.id) if staff is not None else None
            return staff, cred

        staff, cred = await console.run(lookup)
        nonce = auth.new_token()

        def fail(message: str, status: int) -> HTMLResponse:
            return console.with_login_nonce(
                console.render("login.html", status, csrf=nonce, error=message, viewer=None), nonce)

        wrong = "Email atau kata sandi salah."
        if staff is None or not staff.active or cred is None or cred.password_hash is None:
            auth.verify_password(None, password)  # same time as a real check
            return fail(wrong, 401)
        locked = "Akun dikunci sementara karena terlalu banyak percobaan. Coba lagi nanti atau hubungi admin."
        if cred.locked_until is not None and cred.locked_until > now:
            await console.run(lambda s: db.record_login_refused_locked(s, staff_id=staff.id))
            return fail(locked, 423)
        if not auth.verify_password(cred.password_hash, password):
            after = await console.run(lambda s: db.record_login_failure(s, staff_id=staff.id, now=now))
            return fail(locked if after.locked_until is not None and after.locked_until > now else wrong,
                        423 if after.locked_until is not None and after.locked_until > now else 401)
        await console.run(lambda s: db.record_login_success(s, staff_id=staff.id, now=now))
        if auth.needs_rehash(cred.password_hash):
            new_hash = auth.hash_password(password)
            await console.run(lambda s: db.set_password_hash(s, staff_id=staff.id, password_hash=new_hash))
        second_factor = staff.role in auth.TOTP_ROLES or cred.totp_enabled
        response = _see_other("/console/totp" if second_factor else "/console/")
        response.delete_cookie(auth.LOGIN_COOKIE, path="/console")
        await console.start_session(response, staff, "password" if second_factor else "full")
        return response

    @r.get("/totp")
    async def totp_page(request: Request) -> HTMLResponse:
        viewer = await console.viewer(request, stage="password")
        return await _totp_render(viewer, None, 200)

    async def _totp_render(viewer: Viewer, error: str | None, status: int) -> HTMLResponse:
        cred = await console.run(lambda s: db.get_credential(s, staff_id=viewer.staff.id))
        # Enrolled is what is stored, not what opens: a secret the key no longer opens fails closed (no
        # re-enrolment with the password alone).
        enrolled = bool(cred is not None and cred.totp_enabled and cred.totp_secret)
        secret = console.vault.open(cred.totp_secret) if cred is not None else None
        if not enrolled and secret is None:
            secret = auth.new_totp_secret()
            sealed = console.vault.seal(secret)
            await console.run(lambda s: db.set_totp_secret(s, staff_id=viewer.staff.id, secret=sealed))
        uri = None if enrolled or secret is None else auth.totp_uri(secret, viewer.staff.email or "staf")
        return console.render("totp.html", status, viewer=None, csrf=viewer.csrf, enrolled=enrolled,
                              secret=None if enrolled else secret, uri=uri, error=error)

    @r.post("/totp")
    async def totp(request: Request) -> Response:
        viewer = await console.viewer(request, stage="password")
        data = await console.form(request, viewer)
        now = utcnow()
        cred = await console.run(lambda s: db.get_credential(s, staff_id=viewer.staff.id))
        if cred is None or cred.totp_secret is None:
            return _see_other("/console/totp")
        if cred.locked_until is not None and cred.locked_until > now:
            await console.run(lambda s: db.record_login_refused_locked(s, staff_id=viewer.staff.id))
            return await _totp_render(viewer, "Akun dikunci sementara. Coba lagi nanti.", 423)
        secret = console.vault.open(cred.totp_secret)
        step = auth.totp_step(secret, data.get("code", ""), now) if secret is not None else None
        enrol = not cred.totp_enabled
        ok = step is not None and await console.run(
            lambda s: db.use_totp_step(s, staff_id=viewer.staff.id, step=step, enable=enrol))
        if not ok:
            await console.run(lambda s: db.record_login_failure(s, staff_id=viewer.staff.id, now=now))
            return await _totp_render(viewer, "Kode salah atau sudah dipakai. Coba kode berikutnya.", 401)
        await console.run(lambda s: db.promote_console_session(s, session_id=viewer.session_id))
        return _see_other("/console/")

    @r.post("/logout")
    async def logout(request: Request) -> Response:
        token = console.signer.unsign(request.cookies.get(auth.SESSION_COOKIE), purpose="session",
                                      max_age_s=console.session_s)
        if token is None:
            return _see_other("/console/login")
        digest = db.token_digest(token)
        found = await console.run(lambda s: db.get_console_session(s, token_hash=digest, now=utcnow()))
        data = await request.form()
        if found is None or not auth.same(str(data.get("csrf", "")), found[0].csrf_token):
            raise HTTPException(403, "CSRF token tidak valid")
        await console.run(lambda s: db.end_console_session(s, token_hash=digest))
        response = _see_other("/console/login")
        response.delete_cookie(auth.SESSION_COOKIE, path="/console")
        return response

    @r.get("/set-password/{token}")
    async def set_password_page(token: str) -> HTMLResponse:
        staff = await console.run(lambda s: db.staff_for_setup_token(s, token_hash=db.token_digest(token),
                                                                     now=utcnow()))
        if staff is None:
            return console.render("message.html", 404, viewer=None, title="Tautan tidak berlaku",
                                  text="Tautan ini sudah dipakai atau kedaluwarsa. Minta tautan baru ke admin.")
        nonce = auth.new_token()
        return console.with_login_nonce(console.render("set_password.html", csrf=nonce, error=None, viewer=None,
                                                       minimum=auth.MIN_PASSWORD_CHARS), nonce)

    @r.post("/set-password/{token}")
    async def set_password(token: str, request: Request) -> Response:
        data = await request.form()
        if not auth.same(str(data.get("csrf", "")), console.login_nonce(request)):
            raise HTTPException(403, "CSRF token tidak valid")
        password = str(data.get("password", ""))
        nonce = auth.new_token()
        error = None
        if len(password) < auth.MIN_PASSWORD_CHARS:
            error = f"Kata sandi minimal {auth.MIN_PASSWORD_CHARS} karakter."
        elif password != str(data.get("confirm", "")):
            error = "Kedua kata sandi tidak sama."
        if error is not None:
            return console.with_login_nonce(console.render("set_password.html", 400, csrf=nonce, error=error,
                                                           viewer=None, minimum=auth.MIN_PASSWORD_CHARS), nonce)
        hashed = auth.hash_password(password)
        staff = await console.run(lambda s: db.redeem_setup_token(s, token_hash=db.token_digest(token),
                                                                  password_hash=hashed, now=utcnow()))
        if staff is None:
            return console.render("message.html", 404, viewer=None, title="Tautan tidak berlaku",
                                  text="Tautan ini sudah dipakai atau kedaluwarsa. Minta tautan baru ke admin.")
        return console.render("message.html", viewer=None, title="Kata sandi tersimpan",
                              text="Silakan masuk dengan email dan kata sandi baru Anda.", link="/console/login")

    # ------------------------------------------------------------------------------------------ pages
    @r.get("/")
    async def home(request: Request) -> Response:
        viewer = await console.viewer(request)
        if viewer.staff.role in crud.CASE_ROLES:
            return _see_other("/console/queue")
        if viewer.staff.role == "admin":
            return _see_other("/console/accounts")
        if viewer.staff.role == "statistician":
            return _see_other("/console/figures")
        return console.render("home.html", viewer=viewer)

    @r.get("/accounts")
    async def accounts(request: Request) -> HTMLResponse:
        viewer = await console.viewer(request)
        if viewer.staff.role != "admin":
            return console.not_found(viewer)
        rows = await console.run(db.list_console_staff)
        await console.run(lambda s: crud.audit(s, actor=viewer.staff, action="list", entity="staff",
                                               entity_id=None))
        return console.take_flash(request, console.render("accounts.html", viewer=viewer, staff=rows,
                                                          flash=console.read_flash(request)))

    @r.post("/accounts/{staff_id}/regions")
    async def account_regions(staff_id: int, request: Request) -> Response:
        viewer = await console.viewer(request)
        data = await console.form(request, viewer)
        if viewer.staff.role != "admin":  # refused and audited in storage, like any other staff member
            await console.run(lambda s: db.set_regions_by_admin(s, admin=viewer.staff, staff_id=staff_id,
                                                                regions=[]))
            return console.not_found(viewer)
        names = [n.strip() for n in data.get("regions", "").split(",") if n.strip()]
        keys = [resolve_region(n) for n in names]
        if not names or None in keys:
            bad = next((n for n, k in zip(names, keys, strict=True) if k is None), "")
            text = (f"Wilayah tidak dikenal atau ambigu: {bad[:40]}. Tulis kode Kemendagri (32.76) atau nama "
                    "(Kota Depok, Kab. Pekalongan, Jawa Barat), pisahkan dengan koma." if bad
                    else "Isi minimal satu wilayah.")
            return console.flash(_see_other("/console/accounts"), Outcome(text, ok=False))
        regions = [k for k in keys if k is not None]
        done = await console.run(lambda s: db.set_regions_by_admin(s, admin=viewer.staff, staff_id=staff_id,
                                                                   regions=regions))
        if done is None:
            return console.not_found(viewer)
        text = f"Wilayah #{done.id}: " + ", ".join(region_name(r) for r in done.regions) + "."
        return console.flash(_see_other("/console/accounts"), Outcome(text))

    @r.get("/board")
    async def board(request: Request) -> HTMLResponse:
        viewer = await console.viewer(request)
        now = utcnow()
        found = await console.run(lambda s: db.supervisor_board(s, viewer=viewer.staff, now=now))
        if found is None:
            return console.not_found(viewer)
        longest = max(((now - c.created_at).total_seconds() // 60 for c in found.unclaimed), default=None)
        return console.take_flash(request, console.render("board.html", viewer=viewer, b=found, now=now,
                                                          longest=longest, flash=console.read_flash(request)))

    @r.post("/board/shift")
    async def board_shift(request: Request) -> Response:
        viewer = await console.viewer(request)
        data = await console.form(request, viewer)
        target = int(data["staff_id"]) if data.get("staff_id", "").isdigit() else -1
        on = data.get("on") == "1"
        done = await console.run(lambda s: db.set_shift_for(s, supervisor=viewer.staff, staff_id=target, on=on,
                                                            now=utcnow()))
        if done is None:
            return console.not_found(viewer)
        text = f"Jaga {done.name} {'dimulai' if on else 'diakhiri'}."
        return console.flash(_see_other("/console/board"), Outcome(text))

    @r.get("/queue")
    async def queue(request: Request) -> HTMLResponse:
        viewer = await console.viewer(request)
        if viewer.staff.role not in crud.CASE_ROLES:
            return console.not_found(viewer)
        cases = await console.run(lambda s: db.visible_cases(s, viewer=viewer.staff))
        return console.take_flash(request, console.render(
            "queue.html", viewer=viewer, rows=_queue_rows(console, cases, utcnow()),
            emergencies=_unclaimed_emergencies(cases), flash=console.read_flash(request)))

    @r.get("/queue/events")
    async def queue_events(request: Request) -> Response:
        viewer = await console.viewer(request)
        if viewer.staff.role not in crud.CASE_ROLES:
            raise HTTPException(404)

        async def stream() -> AsyncIterator[dict[str, str]]:
            async with console.feed.listening() as feed:
                seen_version = -1
                shown_ids: list[int] = []
                last_html = None
                while True:
                    seen_version = await feed.wait_change(seen_version)
                    if not await console.alive(viewer):
                        return
                    cases = await console.run(lambda s: db.visible_cases(s, viewer=viewer.staff, audit=False))
                    ids = [c.id for c in cases]
                    if ids != shown_ids:  # audit what a browser is shown, once per change of the list
                        await console.run(lambda s, ids=ids: crud.audit(  # type: ignore[misc]
                            s, actor=viewer.staff, action="list", entity="case", entity_id=None,
                            detail={"case_ids": ids, "live": True}))
                        shown_ids = ids
                    html = _queue_rows(console, cases, utcnow())
                    if html != last_html:
                        last_html = html
                        yield {"event": "queue", "data": json.dumps(
                            {"html": html, "emergencies": _unclaimed_emergencies(cases), "open": len(cases)})}

        return EventSourceResponse(stream(), ping=15)

    @r.get("/cases/{code}")
    async def case_page(code: str, request: Request) -> HTMLResponse:
        viewer = await console.viewer(request)
        file = await console.run(lambda s: db.case_file(s, viewer=viewer.staff, code=code))
        if file is None:
            return console.not_found(viewer)
        peers = [s for s in await console.run(lambda s: crud.list_staff(s, active_only=True))
                 if crud.in_regions(file.case.region, s.regions) and s.role in crud.CASE_ROLES
                 and s.id != file.case.assigned_staff_id]
        others = [(r.code, r.label) for r in load_regions().values() if r.code != file.case.region]
        response = console.render("case.html", viewer=viewer, f=file, now=utcnow(), peers=peers,
                                  flash=console.read_flash(request), transcript=_transcript(console, file.messages),
                                  wa_open=_wa_window(file), revealed=None,
                                  regions=others,
                                  canned=[r.as_dict() for r in canned.for_region(file.case.region)],
                                  why=why.explain(file.triage))
        return console.take_flash(request, response)

    @r.get("/cases/{code}/events")
    async def case_events(code: str, request: Request) -> Response:
        viewer = await console.viewer(request)
        exists = await console.run(lambda s: db.get_visible_case(s, viewer=viewer.staff, code=code,
                                                                 action="watch"))
        if exists is None:
            raise HTTPException(404)

        async def stream() -> AsyncIterator[dict[str, str]]:
            async with console.feed.listening() as feed:
                seen_version = -1
                last_id = int(request.query_params.get("after", "0") or 0)
                while True:
                    seen_version = await feed.wait_change(seen_version)
                    if not await console.alive(viewer):
                        return
                    rows = await console.run(lambda s, after=last_id: db.transcript_since(  # type: ignore[misc]
                        s, viewer=viewer.staff, code=code, after_id=after))
                    if rows is None:  # the case left the viewer's scope (transferred away): stop
                        return
                    if rows:
                        last_id = rows[-1].id
                        yield {"event": "messages", "data": json.dumps(
                            {"html": console.fragment("_messages.html", messages=rows), "last": last_id})}

        return EventSourceResponse(stream(), ping=15)

    async def _act(code: str, request: Request, action: str,
                   op: Callable[[Viewer, dict[str, str], str], Any]) -> Response:
        viewer = await console.viewer(request)
        data = await console.form(request, viewer)
        case = await console.run(lambda s: db.get_visible_case(s, viewer=viewer.staff, code=code, action=action))
        if case is None:
            return console.not_found(viewer)
        outcome = await op(viewer, data, case.code)
        return console.flash(_see_other(f"/console/cases/{case.code}"), outcome)

    @r.post("/cases/{code}/claim")
    async def claim(code: str, request: Request) -> Response:
        return await _act(code, request, "console_claim",
                          lambda v, d, c: console.desk.claim(staff_id=v.staff.id, code=c))

    @r.post("/cases/{code}/note")
    async def note(code: str, request: Request) -> Response:
        return await _act(code, request, "console_note", lambda v, d, c: console.desk.add_note(
            staff_id=v.staff.id, code=c, text=d.get("text", "")))

    @r.post("/cases/{code}/transfer")
    async def transfer(code: str, request: Request) -> Response:
        return await _act(code, request, "console_transfer", lambda v, d, c: console.desk.transfer(
            staff_id=v.staff.id, code=c, target=d.get("staff_id", "")))

    @r.post("/cases/{code}/transfer-region")
    async def transfer_region(code: str, request: Request) -> Response:
        viewer = await console.viewer(request)
        data = await console.form(request, viewer)
        case = await console.run(lambda s: db.get_visible_case(s, viewer=viewer.staff, code=code,
                                                               action="console_transfer_region"))
        if case is None:
            return console.not_found(viewer)
        outcome = await console.desk.transfer_to_region(staff_id=viewer.staff.id, code=case.code,
                                                        region=data.get("region", ""))
        # The case may have left the viewer's scope (a counsellor moving their own case away): back to the queue.
        still = await console.run(lambda s: _still_visible(s, viewer.staff, case.id))
        return console.flash(_see_other(f"/console/cases/{case.code}" if still else "/console/queue"), outcome)

    @r.post("/cases/{code}/close")
    async def close(code: str, request: Request) -> Response:
        return await _act(code, request, "console_close", lambda v, d, c: console.desk.close(
            staff_id=v.staff.id, code=c, outcome=d.get("outcome", "")))

    @r.post("/cases/{code}/reopen")
    async def reopen(code: str, request: Request) -> Response:
        return await _act(code, request, "console_reopen",
                          lambda v, d, c: console.desk.reopen(staff_id=v.staff.id, code=c))

    @r.post("/cases/{code}/message")
    async def message(code: str, request: Request) -> Response:
        return await _act(code, request, "console_message", lambda v, d, c: console.desk.write_to_citizen(
            staff_id=v.staff.id, code=c, text=d.get("text", "")[:4000]))

    @r.post("/cases/{code}/triage")
    async def correct(code: str, request: Request) -> Response:
        async def op(v: Viewer, d: dict[str, str], c: str) -> Outcome:
            try:
                row = await console.run(lambda s: db.correct_triage(
                    s, viewer=v.staff, code=c, urgency=d.get("urgency", ""),
                    violence_type=d.get("violence_type", ""), victim_age_group=d.get("victim_age_group", "")))
            except ValueError:
                return Outcome("Pilihan triase tidak valid.", ok=False)
            if row is not None:
                await console.review.correction(row.id)
            return Outcome("Koreksi triase tersimpan." if row else "Kasus tidak ditemukan.", ok=row is not None)

        return await _act(code, request, "console_correct", op)

    @r.post("/cases/{code}/reveal")
    async def reveal(code: str, request: Request) -> HTMLResponse:
        viewer = await console.viewer(request)
        data = await console.form(request, viewer)
        reason = data.get("reason", "")
        if reason not in db.REVEAL_REASONS:
            raise HTTPException(400, "Pilih alasan")
        contact = await console.run(lambda s: db.reveal_contact(s, viewer=viewer.staff, code=code, reason=reason))
        if contact is None:
            return console.not_found(viewer)
        return console.render("message.html", viewer=viewer, title=f"Kontak pelapor {code.upper()}",
                              text=contact, link=f"/console/cases/{code.upper()}",
                              note="Akses ini tercatat. Jangan menyalin nomor ke tempat lain.")

    return r


def _still_visible(session: Session, staff: Staff, case_id: int) -> bool:
    """Where to go after an action (no data is shown, so no audit row): the decision is storage's."""
    case = lookups.case_by_id(session, case_id, fresh=True)
    return case is not None and crud.can_view_case(staff, case)


def _unclaimed_emergencies(cases: list[Any]) -> int:
    return sum(1 for c in cases if c.urgency == "emergency" and c.status in ("new", "paged"))


def _transcript(console: Console, messages: list[Any]) -> str:
    return console.fragment("_messages.html", messages=messages)


def _wa_window(file: db.CaseFile) -> dict[str, Any] | None:
    """WhatsApp allows free-form replies only within 24 h of the citizen's last message."""
    conv = file.conversation
    if conv is None or conv.channel != "whatsapp":
        return None
    last = conv.last_inbound_at
    if last is None:
        return {"open": False, "until": None}
    until = last + WA_WINDOW
    return {"open": until > utcnow(), "until": until}
