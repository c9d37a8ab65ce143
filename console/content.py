"""The console's bot-text editor: content editors (and admins) change FAQ answers and service texts live.

Every text of ``handlers/texts.py`` (TEXTS, FAQ) in both languages, with a preview, a required change note, a
history and a one-click revert. The repo's texts are the defaults; saves go to ``storage.content`` and are live
on the next message: this process reloads at once, every other app process within a second (``LiveTexts``
polls the newest revision id). No page here reads case data; every change is audited (editor, key, revision).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console.web import Console, Viewer
from handlers import texts
from handlers.texts import Lang
from storage import content as db

EDITOR_ROLES = frozenset({"content_editor", "admin"})
KIND_LABEL = {"faq": "Jawaban FAQ", "text": "Teks layanan"}
LANG_LABEL = {"id": "Bahasa Indonesia", "en": "English"}


def _catalogue(kind: str) -> dict[str, dict[Lang, str]]:
    return texts.FAQ if kind == "faq" else texts.TEXTS if kind == "text" else {}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def content_router(console: Console) -> APIRouter:
    """The routes under ``/console/content``: list, edit (preview / save), history and revert."""
    r = APIRouter(prefix="/console/content")

    async def editor(request: Request) -> Viewer | None:
        return await console.viewer_in(request, EDITOR_ROLES)

    not_found = console.not_found

    @r.get("")
    async def index(request: Request) -> HTMLResponse:
        viewer = await editor(request)
        if viewer is None:
            return not_found(await console.viewer(request))
        live = texts.active()
        edited = set(live.overrides) if live is not None else set()
        if live is None:  # an app without the background reload (tests): read the database directly
            edited = set((await console.run(db.current_overrides))[1])
        return console.render("content_list.html", viewer=viewer, faq=sorted(texts.FAQ), text=sorted(texts.TEXTS),
                              edited=edited, KIND=KIND_LABEL, numbers=texts.EMERGENCY_NUMBERS)

    async def edit_page(viewer: Viewer, kind: str, key: str, lang: Lang, *, body: str | None = None,
                        note: str = "", errors: list[str] | None = None, preview: str | None = None,
                        status: int = 200, flash: str | None = None) -> HTMLResponse:
        base = texts.default(kind, key, lang)
        assert base is not None
        current = await console.run(lambda s: db.latest(s, kind=kind, key=key, lang=lang))
        in_force = current.body if current is not None and current.body is not None else base
        rows = await console.run(lambda s: db.history(s, kind=kind, key=key))
        return console.render(
            "content_edit.html", status, viewer=viewer, kind=kind, key=key, lang=lang, base=base,
            body=in_force if body is None else body, in_force=in_force, note=note, errors=errors or [],
            preview=preview, history=rows, KIND=KIND_LABEL, LANG=LANG_LABEL, limit=_limit(kind, key),
            numbers_appended=kind == "text" and key in texts.NUMBERS_APPENDED, flash=flash)

    def valid_target(kind: str, key: str, lang: str) -> bool:
        return lang in ("id", "en") and key in _catalogue(kind)

    @r.get("/{kind}/{key}/{lang}")
    async def edit(kind: str, key: str, lang: str, request: Request) -> HTMLResponse:
        viewer = await editor(request)
        if viewer is None or not valid_target(kind, key, lang):
            return not_found(viewer or await console.viewer(request))
        saved = request.query_params.get("saved")
        return await edit_page(viewer, kind, key, _lang(lang), flash={
            "1": "Tersimpan. Bot memakai teks ini mulai pesan berikutnya.",
            "revert": "Dikembalikan. Bot memakai teks sebelumnya mulai pesan berikutnya."}.get(saved or ""))

    @r.post("/{kind}/{key}/{lang}")
    async def save(kind: str, key: str, lang: str, request: Request) -> Response:
        viewer = await editor(request)
        if viewer is None or not valid_target(kind, key, lang):
            return not_found(viewer or await console.viewer(request))
        data = await console.form(request, viewer)
        language = _lang(lang)
        # Browsers send CRLF line ends from a textarea; the bot's texts use LF.
        body = data.get("body", "").replace("\r\n", "\n")
        note = data.get("note", "").strip()
        errors = texts.check_edit(kind, key, language, body)
        shown = texts.preview(kind, key, language, body) if not errors else None
        if data.get("action") == "preview" or errors:
            return await edit_page(viewer, kind, key, language, body=body, note=note, errors=errors,
                                   preview=shown, status=400 if errors else 200)
        if not note:
            return await edit_page(viewer, kind, key, language, body=body, note=note, preview=shown, status=400,
                                   errors=["Tulis catatan perubahan: apa yang diubah dan kenapa."])
        # Saving the default's very words goes back to the default (NULL), so later repo fixes reach the bot.
        stored = None if body == texts.default(kind, key, language) else body
        await console.run(lambda s: db.save_revision(s, editor=viewer.staff, kind=kind, key=key, lang=language,
                                                     body=stored, note=note))
        await _reload()
        return _see_other(f"/console/content/{kind}/{key}/{lang}?saved=1")

    @r.post("/{kind}/{key}/revert/{revision_id}")
    async def revert(kind: str, key: str, revision_id: int, request: Request) -> Response:
        viewer = await editor(request)
        if viewer is None or key not in _catalogue(kind):
            return not_found(viewer or await console.viewer(request))
        await console.form(request, viewer)

        def undo(s: Any) -> str | None:
            rev = db.get_revision(s, revision_id=revision_id)
            if rev is None or rev.kind != kind or rev.key != key:
                return None
            before = db.previous_body(s, revision=rev)
            # A text in force earlier may no longer pass today's rules; then it goes back to the default.
            if before is not None and texts.check_edit(kind, key, _lang(rev.lang), before):
                before = None
            db.save_revision(s, editor=viewer.staff, kind=kind, key=key, lang=rev.lang, body=before,
                             note=f"Membatalkan revisi #{rev.id}", reverts_id=rev.id)
            return rev.lang

        lang = await console.run(undo)
        if lang is None:
            return not_found(viewer)
        await _reload()
        return _see_other(f"/console/content/{kind}/{key}/{lang}?saved=revert")

    return r


async def _reload() -> None:
    """This process's texts follow the change at once (other processes within a second)."""
    live = texts.active()
    if live is not None:
        await live.refresh()


def _lang(value: str) -> Lang:
    return "en" if value == "en" else "id"


def _limit(kind: str, key: str) -> int:
    return texts.MAX_BUTTON_CHARS if kind == "text" and key in texts.BUTTON_KEYS else texts.MAX_CHARS
