"""The console's FAQ training data and model releases (content editors and admins).

``/console/faq``: the topics with their example questions (who added or removed each, when), adding and removing
examples, creating a topic (key, answers, at least N examples). ``/console/releases``: prepare a release (trained
in the background), watch its progress and log, see its gate and the real messages it would send to a changed
topic (masked), make it live, roll back. The work is ``hotline.releases.ReleaseManager``; storage is
``storage.training``. Anyone else gets a 404.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from lokal.samaran import mask_pii

from console.web import Console, Viewer
from handlers import texts
from hotline.release_data import KEY, check_examples
from hotline.release_train import log_tail
from hotline.releases import ReleaseManager, ReleaseRefused, make_plan
from storage import content, training
from storage.models import ModelRelease

RELEASE_ROLES = frozenset({"content_editor", "admin"})
STATE = {"queued": "menunggu giliran", "training": "dilatih", "gating": "diuji di gerbang", "ready": "siap",
         "failed": "gagal", "live": "melayani", "rolled_back": "dikembalikan"}
KIND = {"finetune": "penyesuaian (fine-tune)", "full": "pelatihan penuh"}
FLASH = {"added": "Contoh ditambahkan. Berlaku setelah rilis berikutnya.",
         "removed": "Contoh dihapus. Berlaku setelah rilis berikutnya.",
         "created": "Topik dibuat. Siapkan rilis supaya bot mengenalinya.",
         "prepared": "Rilis disiapkan: pelatihan berjalan di latar belakang.",
         "live": "Penggantian model dimulai: tanpa jeda, beberapa menit.",
         "rollback": "Pengembalian model dimulai."}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def mask(text: str) -> str:
    """A citizen message as the release page may show it: personal data masked (Samaran), at most 200 chars."""
    return mask_pii(text).text[:200]


def releases_router(console: Console, manager: ReleaseManager) -> APIRouter:
    """Routes under ``/console/faq`` and ``/console/releases``."""
    r = APIRouter(prefix="/console")

    async def editor(request: Request) -> Viewer | None:
        return await console.viewer_in(request, RELEASE_ROLES)

    async def not_found(request: Request, viewer: Viewer | None = None) -> HTMLResponse:
        return console.not_found(viewer or await console.viewer(request))

    # ------------------------------------------------------------------------------------------- topics
    async def topics_page(viewer: Viewer, *, errors: list[str] | None = None, form: dict[str, str] | None = None,
                          flash: str | None = None, status: int = 200) -> HTMLResponse:
        await manager.ensure_seeded()
        rows = await console.run(training.list_topics)
        return console.render("faq_topics.html", status, viewer=viewer, topics=rows, errors=errors or [],
                              form=form or {}, flash=flash, minimum=console.settings.release_min_examples)

    @r.get("/faq")
    async def topics(request: Request) -> HTMLResponse:
        viewer = await editor(request)
        if viewer is None:
            return await not_found(request)
        return await topics_page(viewer, flash=FLASH.get(request.query_params.get("done") or ""))

    @r.post("/faq/new")
    async def new_topic(request: Request) -> Response:
        viewer = await editor(request)
        if viewer is None:
            return await not_found(request)
        data = await console.form(request, viewer)
        await manager.ensure_seeded()
        key = data.get("key", "").strip().lower()
        answers = {"id": data.get("answer_id", "").replace("\r\n", "\n").strip(),
                   "en": data.get("answer_en", "").replace("\r\n", "\n").strip()}
        examples, errors = check_examples(data.get("examples", "").splitlines(),
                                          minimum=console.settings.release_min_examples)
        if not KEY.match(key):
            errors.insert(0, "Kunci topik: 3–41 huruf kecil, angka atau garis bawah, diawali huruf.")
        elif key in texts.FAQ or await console.run(lambda s: training.get_topic(s, key=key)) is not None:
            errors.insert(0, f"Topik {key} sudah ada.")
        for lang, label in (("id", "Bahasa Indonesia"), ("en", "English")):
            errors += [f"Jawaban ({label}): {e}" for e in texts.check_new_answer(answers[lang])]
        if errors:
            return await topics_page(viewer, errors=errors, form=data, status=400)

        def create(s: Any) -> None:
            training.create_topic(s, editor=viewer.staff, key=key, texts=examples)
            for lang in ("id", "en"):
                content.save_revision(s, editor=viewer.staff, kind="faq", key=key, lang=lang, body=answers[lang],
                                      note=f"topik baru {key}")

        await console.run(create)
        live = texts.active()
        if live is not None:
            await live.refresh()
        return _see_other(f"/console/faq/{key}?done=created")

    async def topic_page(viewer: Viewer, key: str, *, errors: list[str] | None = None, typed: str = "",
                         flash: str | None = None, status: int = 200) -> HTMLResponse:
        rows = await console.run(lambda s: training.examples(s, key=key))
        return console.render("faq_topic.html", status, viewer=viewer, key=key, examples=rows,
                              active=sum(1 for e in rows if e.removed_at is None), errors=errors or [],
                              typed=typed, flash=flash, answer=texts.faq(key, "id"))

    async def topic_or_none(key: str) -> bool:
        await manager.ensure_seeded()
        return await console.run(lambda s: training.get_topic(s, key=key)) is not None

    @r.get("/faq/{key}")
    async def topic(key: str, request: Request) -> HTMLResponse:
        viewer = await editor(request)
        if viewer is None or not await topic_or_none(key):
            return await not_found(request, viewer)
        return await topic_page(viewer, key, flash=FLASH.get(request.query_params.get("done") or ""))

    @r.post("/faq/{key}/add")
    async def add(key: str, request: Request) -> Response:
        viewer = await editor(request)
        if viewer is None or not await topic_or_none(key):
            return await not_found(request, viewer)
        data = await console.form(request, viewer)
        examples, errors = check_examples(data.get("examples", "").splitlines())
        if errors:
            return await topic_page(viewer, key, errors=errors, typed=data.get("examples", ""), status=400)
        await console.run(lambda s: training.add_examples(s, editor=viewer.staff, key=key, texts=examples))
        return _see_other(f"/console/faq/{key}?done=added")

    @r.post("/faq/{key}/remove/{example_id}")
    async def remove(key: str, example_id: int, request: Request) -> Response:
        viewer = await editor(request)
        if viewer is None:
            return await not_found(request)
        await console.form(request, viewer)
        if not await console.run(lambda s: training.remove_example(s, editor=viewer.staff, key=key,
                                                                  example_id=example_id)):
            return await not_found(request, viewer)
        return _see_other(f"/console/faq/{key}?done=removed")

    # ------------------------------------------------------------------------------------------- releases
    async def releases_page(viewer: Viewer, *, errors: list[str] | None = None, flash: str | None = None,
                            status: int = 200) -> HTMLResponse:
        await manager.ensure_seeded()
        await manager.reap()
        # The swap's state before the rows: a page that shows a swap ended also shows the rows it changed (read
        # after it), and a page read while it runs refreshes itself.
        swapping, last_swap = manager.swap is not None and not manager.swap.done(), manager.last_swap
        rows = await console.run(training.list_releases)
        plan = await console.run(make_plan)
        live = await console.run(training.live_release)
        switch = manager.switch_of()
        return console.render(
            "releases.html", status, viewer=viewer, releases=rows, plan=plan, busy=manager.busy, errors=errors or [],
            flash=flash, STATE=STATE, KIND=KIND, last_swap=last_swap, swapping=swapping,
            live_model=switch.live.model_path.name if switch is not None else None,
            can_rollback=live is not None and switch is not None and switch.previous_model is not None)

    @r.get("/releases")
    async def releases(request: Request) -> HTMLResponse:
        viewer = await editor(request)
        if viewer is None:
            return await not_found(request)
        return await releases_page(viewer, flash=FLASH.get(request.query_params.get("done") or ""))

    @r.post("/releases/prepare")
    async def prepare(request: Request) -> Response:
        viewer = await editor(request)
        if viewer is None:
            return await not_found(request)
        data = await console.form(request, viewer)
        try:
            release_id = await manager.prepare(viewer.staff, data.get("note", ""))
        except ReleaseRefused as exc:
            return await releases_page(viewer, errors=[str(exc)], status=409)
        return _see_other(f"/console/releases/{release_id}?done=prepared")

    @r.post("/releases/rollback")
    async def rollback(request: Request) -> Response:
        viewer = await editor(request)
        if viewer is None:
            return await not_found(request)
        await console.form(request, viewer)
        try:
            await manager.rollback(viewer.staff)
        except ReleaseRefused as exc:
            return await releases_page(viewer, errors=[str(exc)], status=409)
        return _see_other("/console/releases?done=rollback")

    async def release_page(viewer: Viewer, row: ModelRelease, *, errors: list[str] | None = None,
                           flash: str | None = None, status: int = 200) -> HTMLResponse:
        gate = row.gate or None
        matches: list[dict[str, Any]] = []
        if gate:
            found = gate.get("matches") or []
            stored = await console.run(lambda s: training.message_texts(s, ids=[m["id"] for m in found]))
            matches = [{"topic": m["topic"], "new": m["new"], "text": mask(stored[m["id"]])}
                       for m in found if m["id"] in stored]  # erased messages are gone from the list too
        log = log_tail(Path(row.folder) / "train.log") if row.folder else ""
        swapping = manager.swap is not None and not manager.swap.done()
        return console.render("release.html", status, viewer=viewer, r=row, gate=gate, matches=matches,
                              log=_strip_paths(log), busy=row.state in training.ACTIVE_STATES or swapping,
                              swapping=swapping, STATE=STATE, KIND=KIND, errors=errors or [], flash=flash,
                              last_swap=manager.last_swap)

    @r.get("/releases/{release_id}")
    async def release(release_id: int, request: Request) -> HTMLResponse:
        viewer = await editor(request)
        row = await console.run(lambda s: training.get_release(s, release_id=release_id)) if viewer else None
        if viewer is None or row is None:
            return await not_found(request, viewer)
        return await release_page(viewer, row, flash=FLASH.get(request.query_params.get("done") or ""))

    @r.post("/releases/{release_id}/live")
    async def make_live(release_id: int, request: Request) -> Response:
        viewer = await editor(request)
        row = await console.run(lambda s: training.get_release(s, release_id=release_id)) if viewer else None
        if viewer is None or row is None:
            return await not_found(request, viewer)
        await console.form(request, viewer)
        try:
            await manager.make_live(viewer.staff, release_id)
        except ReleaseRefused as exc:
            return await release_page(viewer, row, errors=[str(exc)], status=409)
        return _see_other(f"/console/releases/{release_id}?done=live")

    return r


_PATH = re.compile(r"/[\w.\-/]+/")


def _strip_paths(log: str) -> str:
    """Rasa's log without the machine's folder names (they say nothing to an editor)."""
    return _PATH.sub("…/", log)
