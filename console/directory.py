"""The console's services-directory editor: content editors (and admins) keep each region's services current.

Any regency/city or province (a Kemendagri code, or a name that resolves to one) can get entries: name, kind,
address, hours, phone, WhatsApp, active. The seed (``handlers/data/regions.yml``) lists the five seed regions;
an edit is stored as a revision (``storage.directory``) and wins over the seed from then on. Like the bot texts:
a preview of the bot's reply for the region, a required change note, a history (who, when, note) and a one-click
revert; live on the next reply (this process reloads at once, the others within a second). Input is checked by
a typed model at the edge (lengths, no HTML, Indonesian phone numbers normalised to +62); a bad form is shown
again with the reasons and stores nothing. Audit rows carry ids only. No page here reads case data.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from console.content import EDITOR_ROLES
from console.web import Console, Viewer
from handlers import nlg, phones
from handlers.regions import (
    LiveDirectory,
    Service,
    as_service,
    directory_for,
    editable_region,
    load_regions,
    merge,
    region_label,
    seed_of,
    with_entry,
)
from storage import directory as db
from storage.models import SERVICE_KINDS, ServiceKind

KIND_LABEL = {"uptd_ppa": "UPTD PPA", "puspaga": "Puspaga", "p2tp2a": "P2TP2A", "dinas": "Dinas",
              "police_ppa": "Unit PPA kepolisian", "hospital": "Rumah sakit", "shelter": "Rumah aman",
              "satgas": "Satgas", "other": "Lainnya"}
FIELD_LABEL = {"name": "Nama", "kind": "Jenis", "address": "Alamat", "hours": "Jam layanan", "phone": "Telepon",
               "whatsapp": "WhatsApp", "active": "Aktif"}
NEW = "baru"
_ENTRY_KEY = re.compile(r"^[a-z0-9_]{1,32}$")
# Tags, entities and control characters: the directory is plain text the bot sends as it is.
_MARKUP = re.compile(r"[<>]|&[#a-zA-Z0-9]+;|[\x00-\x1f\x7f]")


class EntryForm(BaseModel):
    """One directory entry as the editor's form sends it: trimmed, limited, plain text, numbers normalised."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    name: str = Field(min_length=2, max_length=120)
    kind: ServiceKind
    address: str = Field(default="", max_length=200)
    hours: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=40)
    whatsapp: str = Field(default="", max_length=40)
    active: bool = False

    @field_validator("name", "address", "hours")
    @classmethod
    def _plain(cls, value: str) -> str:
        if _MARKUP.search(value):
            raise ValueError("hanya teks biasa: tanpa tanda < >, kode HTML atau baris baru")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _number(value, whatsapp=False)

    @field_validator("whatsapp")
    @classmethod
    def _whatsapp(cls, value: str) -> str:
        return _number(value, whatsapp=True)

    def entry(self) -> db.Entry:
        """The stored form of the entry."""
        return db.Entry(name=self.name, kind=self.kind, address=self.address, hours=self.hours, phone=self.phone,
                        whatsapp=self.whatsapp, active=self.active)


def _number(value: str, *, whatsapp: bool) -> str:
    checked = phones.check(value, whatsapp=whatsapp)
    if checked.error:
        raise ValueError(checked.error)
    return checked.value


def form_errors(exc: ValidationError) -> list[str]:
    """The model's refusals as sentences in Bahasa Indonesia, one per field."""
    out: list[str] = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else ""
        label = FIELD_LABEL.get(field, field)
        ctx = err.get("ctx") or {}
        kind = err["type"]
        if kind == "string_too_long":
            out.append(f"{label}: paling banyak {ctx.get('max_length')} karakter.")
        elif kind in ("string_too_short", "missing"):
            out.append(f"{label} wajib diisi." if field != "name" else "Nama wajib diisi (minimal 2 huruf).")
        elif kind in ("literal_error", "enum"):
            out.append(f"{label}: pilih salah satu dari daftar.")
        elif kind == "value_error":
            out.append(f"{label}: {str(err['msg']).removeprefix('Value error, ')}")
        else:
            out.append(f"{label}: isian tidak valid.")
    return out


def _region_code(code: str) -> bool:
    """Whether ``code`` is exactly a regency/city or province code editors may edit (not "nasional")."""
    return len(code) <= 16 and editable_region(code) == code


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _reload() -> None:
    """This process's directory follows the change at once (other processes within a second)."""
    live = LiveDirectory.slot.active()
    if live is not None:
        await live.refresh()


def directory_router(console: Console) -> APIRouter:
    """The routes under ``/console/directory``: regions, a region's entries, edit (preview / save), revert."""
    r = APIRouter(prefix="/console/directory")

    async def editor(request: Request) -> Viewer | None:
        return await console.viewer_in(request, EDITOR_ROLES)

    async def not_found(request: Request, viewer: Viewer | None = None) -> HTMLResponse:
        return console.not_found(viewer or await console.viewer(request))

    async def entries(code: str) -> tuple[Service, ...]:
        """The region's entries in force, read from the database (the editor sees what is stored now)."""
        _, revisions = await console.run(lambda s: db.current_entries(s, code))
        return merge(seed_of(code), revisions)

    def bot_reply(code: str, services: tuple[Service, ...] | list[Service]) -> str:
        return nlg.directory(code, "id", services=directory_for(code, replace_region=(code, services)))

    @r.get("")
    async def index(request: Request) -> Response:
        viewer = await editor(request)
        if viewer is None:
            return await not_found(request)
        wanted = request.query_params.get("wilayah", "").strip()
        error = None
        if wanted:
            code = editable_region(wanted[:100])
            if code is not None:
                return _see_other(f"/console/directory/{code}")
            error = ("Wilayah tidak ditemukan. Tulis nama kabupaten/kota atau provinsi (misalnya \"Kota Bogor\", "
                     "\"Kab. Pekalongan\", \"Jawa Barat\") atau kodenya (32.71). Nama yang ada di beberapa daerah "
                     "perlu \"Kota\" atau \"Kab.\".")
        edited = await console.run(db.edited_regions)
        seeded = [reg.code for reg in load_regions().values() if reg.code != "nasional"]
        codes = sorted(set(seeded) | set(edited))
        rows = [(c, region_label(c), c in edited) for c in codes]
        return console.render("directory_list.html", 400 if error else 200, viewer=viewer, rows=rows, error=error,
                              wanted=wanted)

    @r.get("/{code}")
    async def region(code: str, request: Request) -> HTMLResponse:
        viewer = await editor(request)
        if viewer is None or not _region_code(code):
            return await not_found(request, viewer)
        current = await entries(code)
        history = await console.run(lambda s: db.history(s, region=code))
        saved = request.query_params.get("saved")
        return console.render("directory_region.html", viewer=viewer, code=code, label=region_label(code),
                              services=current, reply=bot_reply(code, current), history=history, KIND=KIND_LABEL,
                              flash=_flash(saved))

    async def edit_page(viewer: Viewer, code: str, key: str, *, values: dict[str, Any], note: str = "",
                        errors: list[str] | None = None, reply: str | None = None, status: int = 200,
                        flash: str | None = None) -> HTMLResponse:
        history = [] if key == NEW else await console.run(lambda s: db.history(s, region=code, entry=key))
        in_seed = any(s.entry == key for s in seed_of(code))
        return console.render("directory_edit.html", status, viewer=viewer, code=code, label=region_label(code),
                              key=key, new=key == NEW, values=values, note=note, errors=errors or [],
                              reply=reply, history=history, KIND=KIND_LABEL, kinds=SERVICE_KINDS,
                              in_seed=in_seed, flash=flash)

    def form_values(svc: Service | None) -> dict[str, Any]:
        if svc is None:
            return {"name": "", "kind": "uptd_ppa", "address": "", "hours": "", "phone": "", "whatsapp": "",
                    "active": True}
        return {"name": svc.name, "kind": svc.kind if svc.kind in SERVICE_KINDS else "other",
                "address": svc.address, "hours": svc.hours, "phone": svc.phone, "whatsapp": svc.whatsapp,
                "active": svc.active}

    async def target(request: Request, code: str, key: str) -> tuple[Viewer | None, Service | None, bool]:
        """The editor, the entry in force (None for a new one) and whether the URL names a real entry."""
        viewer = await editor(request)
        if viewer is None or not _region_code(code) or not _ENTRY_KEY.match(key):
            return viewer, None, False
        if key == NEW:
            return viewer, None, True
        found = next((s for s in await entries(code) if s.entry == key), None)
        return viewer, found, found is not None

    @r.get("/{code}/{key}")
    async def edit(code: str, key: str, request: Request) -> HTMLResponse:
        viewer, svc, ok = await target(request, code, key)
        if viewer is None or not ok:
            return await not_found(request, viewer)
        return await edit_page(viewer, code, key, values=form_values(svc),
                               flash=_flash(request.query_params.get("saved")))

    @r.post("/{code}/{key}")
    async def save(code: str, key: str, request: Request) -> Response:
        viewer, svc, ok = await target(request, code, key)
        if viewer is None or not ok:
            return await not_found(request, viewer)
        data = await console.form(request, viewer)
        values: dict[str, Any] = {k: data.get(k, "") for k in ("name", "kind", "address", "hours", "phone",
                                                                  "whatsapp")}
        values["active"] = data.get("active") == "on"
        note = data.get("note", "").strip()[:300]
        try:
            form = EntryForm.model_validate(values)
        except ValidationError as exc:
            return await edit_page(viewer, code, key, values=values, note=note, errors=form_errors(exc), status=400)
        entry_key = key if key != NEW else "e" + secrets.token_hex(4)
        candidate = as_service(form.entry(), entry_key)
        reply = bot_reply(code, with_entry(await entries(code), candidate))
        shown = {**form.model_dump(), "phone": candidate.phone, "whatsapp": candidate.whatsapp}
        if data.get("action") == "preview":
            return await edit_page(viewer, code, key, values=shown, note=note, reply=reply)
        if not note:
            return await edit_page(viewer, code, key, values=shown, note=note, reply=reply, status=400,
                                   errors=["Tulis catatan perubahan: apa yang diubah dan kenapa."])
        await console.run(lambda s: db.save_entry(s, editor=viewer.staff, region=code, entry=entry_key,
                                                  fields=form.entry(), note=note))
        await _reload()
        return _see_other(f"/console/directory/{code}/{entry_key}?saved=1")

    @r.post("/{code}/revert/{revision}")
    async def revert(code: str, revision: str, request: Request) -> Response:
        viewer = await editor(request)
        if viewer is None or not _region_code(code) or not revision.isdigit() or len(revision) > 12:
            return await not_found(request, viewer)
        await console.form(request, viewer)
        revision_id = int(revision)

        def undo(s: Any) -> str | None:
            rev = db.get_revision(s, revision_id=revision_id)
            if rev is None or rev.region != code:
                return None
            db.save_entry(s, editor=viewer.staff, region=code, entry=rev.key,
                          fields=db.previous(s, revision_id=rev.id), note=f"Membatalkan revisi #{rev.id}",
                          reverts_id=rev.id)
            return rev.key

        key = await console.run(undo)
        if key is None:
            return await not_found(request, viewer)
        await _reload()
        return _see_other(f"/console/directory/{code}?saved=revert")

    return r


def _flash(saved: str | None) -> str | None:
    return {"1": "Tersimpan. Bot memakai data ini mulai balasan berikutnya.",
            "revert": "Dikembalikan. Bot memakai data sebelumnya mulai balasan berikutnya."}.get(saved or "")


__all__ = ["EntryForm", "directory_router", "form_errors"]
