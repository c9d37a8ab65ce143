"""The console's model page: an admin sees which Rasa model serves, swaps in another blue-green, or rolls back.

The swap itself is ``hotline.model_swap.ModelSwitch`` (owned by the ``hotline run`` that started Rasa); this page
only lists the model files in ``nlu/models/`` and starts a swap or a rollback in the background, audited. Without
a switch (Rasa run elsewhere, as in docker-compose) the page says so and offers nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console.web import Console, Viewer
from hotline.model_swap import ModelSwitch, SwapRefused
from storage import crud

log = logging.getLogger(__name__)

MODEL_ROLES = frozenset({"admin"})


class SwapJobs:
    """The one swap running in the background and how the last one ended (shown on the page)."""

    def __init__(self) -> None:
        self.task: asyncio.Task[Any] | None = None
        self.last: str | None = None

    async def stop(self) -> None:
        """Cancel a swap still running (app shutdown)."""
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await self.task


def models_router(console: Console, switch_of: Callable[[], ModelSwitch | None], models_dir: Path,
                  jobs: SwapJobs) -> APIRouter:
    """Routes under ``/console/models``: the page, ``deploy`` (a file name) and ``rollback``.

    ``switch_of()`` gives the runtime's switch (set once ``hotline run`` has started Rasa, after the routes).
    """
    r = APIRouter(prefix="/console/models")

    async def admin(request: Request) -> Viewer | None:
        viewer = await console.viewer(request)
        return viewer if viewer.staff.role in MODEL_ROLES else None

    def files() -> list[str]:
        return sorted(p.name for p in models_dir.glob("*.tar.gz")) if models_dir.is_dir() else []

    @r.get("")
    async def page(request: Request) -> HTMLResponse:
        viewer = await admin(request)
        if viewer is None:
            return console.render("not_found.html", 404, viewer=await console.viewer(request))
        switch = switch_of()
        return console.render(
            "models.html", viewer=viewer, switch=switch, files=files(), last=jobs.last,
            running=jobs.task is not None and not jobs.task.done(),
            live=switch.live.model_path.name if switch else None,
            previous=switch.previous_model.name if switch and switch.previous_model else None)

    async def start(request: Request, action: str) -> Response:
        viewer = await admin(request)
        if viewer is None:
            return console.render("not_found.html", 404, viewer=await console.viewer(request))
        data = await console.form(request, viewer)
        switch = switch_of()
        if switch is None or (jobs.task is not None and not jobs.task.done()):
            return RedirectResponse("/console/models", status_code=303)
        name = data.get("model", "")
        if action == "deploy" and name not in files():  # only files of the models folder, by name
            return console.render("not_found.html", 404, viewer=viewer)
        await console.run(lambda s: crud.audit(s, actor=viewer.staff, action=f"model_{action}", entity="model",
                                               entity_id=name or None))

        async def run(switch: ModelSwitch) -> None:
            try:
                report = await (switch.deploy(models_dir / name) if action == "deploy" else switch.rollback())
                gate = f"; {report.gate}" if report.gate else ""
                jobs.last = f"{report.model} melayani ({report.probes_passed} uji parse lulus{gate})"
            except SwapRefused as exc:
                jobs.last = f"ditolak: {exc}"

        jobs.task = asyncio.create_task(run(switch))
        return RedirectResponse("/console/models", status_code=303)

    @r.post("/deploy")
    async def deploy(request: Request) -> Response:
        return await start(request, "deploy")

    @r.post("/rollback")
    async def rollback(request: Request) -> Response:
        return await start(request, "rollback")

    return r
