"""The review inbox in the console (``/console/review``): content editors (and admins) label the messages the
triage was unsure of, one at a time, with single-key shortcuts or ordinary labelled selects and buttons.

The editor sees only the redacted text (``handlers/redaction.py`` ran before it was stored) and no case data;
who may open it is decided in ``storage`` (``crud.can_review``): any other role gets the same 404 as a missing
page. A confirmed item is a training example (``storage.review.confirmed_examples``).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console.web import Console, Viewer
from handlers.review import INTENTS, REASON_LABEL, suggested
from storage import review as db

# The labels and their single keys (shown on the page; console.js reads them from the selects' data-keys).
URGENCY_CHOICES = (("emergency", "darurat", "1"), ("high", "tinggi", "2"), ("normal", "biasa", "3"),
                   ("none", "bukan laporan", "4"))
CATEGORY_CHOICES = (("physical", "fisik", "f"), ("psychological", "psikis", "p"), ("sexual", "seksual", "s"),
                    ("exploitation", "eksploitasi", "e"), ("trafficking", "perdagangan orang (TPPO)", "t"),
                    ("neglect", "penelantaran", "n"), ("other", "lainnya", "l"), ("none", "bukan laporan", "b"))
VICTIM_CHOICES = (("child", "anak", "a"), ("adult", "dewasa", "d"), ("unknown", "tidak diketahui", "u"))
LABELS = {"urgency": dict((v, label) for v, label, _ in URGENCY_CHOICES),
          "category": dict((v, label) for v, label, _ in CATEGORY_CHOICES),
          "victim": dict((v, label) for v, label, _ in VICTIM_CHOICES)}


def _keys_json(choices: tuple[tuple[str, str, str], ...]) -> str:
    """A select's shortcut keys as JSON (``{"1": "emergency", ...}``) for console.js."""
    return json.dumps({key: value for value, _, key in choices})


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def review_router(console: Console) -> APIRouter:
    """The routes under ``/console/review``: the list (with the confirmed examples) and one item at a time."""
    r = APIRouter(prefix="/console/review")

    not_found = console.not_found

    def common(viewer: Viewer) -> dict[str, Any]:
        return {"viewer": viewer, "REASON": REASON_LABEL, "LABELS": LABELS}

    @r.get("")
    async def index(request: Request) -> HTMLResponse:
        viewer = await console.viewer(request)
        items = await console.run(lambda s: db.open_items(s, viewer=viewer.staff))
        examples = await console.run(lambda s: db.recent_examples(s, viewer=viewer.staff))
        if items is None or examples is None:
            return not_found(viewer)
        done = request.query_params.get("done", "")
        return console.render("review_list.html", items=items, examples=examples,
                              flash=f"Tersimpan: pesan #{done}." if done.isdigit() else None, **common(viewer))

    async def item_page(viewer: Viewer, item_id: int, *, status: int = 200, error: str | None = None,
                        flash: str | None = None) -> HTMLResponse:
        item = await console.run(lambda s: db.get_item(s, viewer=viewer.staff, item_id=item_id))
        if item is None:
            return not_found(viewer)
        before, after = await console.run(lambda s: db.neighbours(s, item_id=item_id))
        return console.render("review_item.html", status, item=item, labels=suggested(item), prev_id=before,
                              next_id=after, URGENCY_CHOICES=URGENCY_CHOICES, CATEGORY_CHOICES=CATEGORY_CHOICES,
                              VICTIM_CHOICES=VICTIM_CHOICES, INTENTS=INTENTS, error=error, flash=flash,
                              keys_json=_keys_json,
                              **common(viewer))

    @r.get("/{item_id}")
    async def show(item_id: int, request: Request) -> HTMLResponse:
        viewer = await console.viewer(request)
        done = request.query_params.get("done", "")
        return await item_page(viewer, item_id, flash=f"Tersimpan: pesan #{done}." if done.isdigit() else None)

    @r.post("/{item_id}")
    async def review(item_id: int, request: Request) -> Response:
        viewer = await console.viewer(request)
        data = await console.form(request, viewer)
        action = data.get("action", "confirm")
        intent = data.get("intent", "")
        try:
            if intent and intent not in INTENTS:
                raise ValueError("unknown intent")
            row = await console.run(lambda s: db.review_item(
                s, viewer=viewer.staff, item_id=item_id, action=action, urgency=data.get("urgency", ""),
                category=data.get("category", ""), victim=data.get("victim", ""), intent=intent or None))
        except ValueError:
            return await item_page(viewer, item_id, status=400, error=(
                "Label tidak cocok: laporan perlu jenis kekerasan, dan \"bukan laporan\" dipakai untuk urgensi "
                "dan jenis sekaligus."))
        if row is None:
            return not_found(viewer)
        _, after = await console.run(lambda s: db.neighbours(s, item_id=item_id))
        if after is None:  # wrap round to an older open item, else back to the list
            after, _ = await console.run(lambda s: db.neighbours(s, item_id=item_id))
        return _see_other(f"/console/review/{after}?done={item_id}" if after else f"/console/review?done={item_id}")

    return r
