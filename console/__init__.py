"""The staff console: a second front door beside ``bot/``, served under ``/console`` by ``hotline run``.

``install_console(app, runtime)`` adds its routes to the hotline's FastAPI app; ``console.web`` has the routes,
``console.auth`` sign-in, ``console.live`` the live updates.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI


def install_console(app: FastAPI, runtime: Any) -> None:
    """Mount the console on ``app`` for a hotline ``Runtime`` (its store, staff desk and settings)."""
    from console.content import content_router
    from console.directory import directory_router
    from console.figures import figures_router
    from console.models import SwapJobs, models_router
    from console.releases import releases_router
    from console.review import review_router
    from console.web import Console, build_router
    from hotline.releases import ReleaseManager

    desk = runtime.core.staff
    if desk is None:
        raise RuntimeError("the console needs the staff desk")
    console = Console(store=runtime.store, desk=desk, settings=runtime.settings)
    app.state.console = console
    app.include_router(build_router(console))
    app.include_router(content_router(console))  # bot texts, for content editors
    app.include_router(directory_router(console))  # the services directory, for content editors
    app.include_router(review_router(console))  # the review inbox, for content editors
    jobs = SwapJobs()
    app.include_router(models_router(console, lambda: runtime.switch, runtime.settings.rasa_project / "models",
                                  jobs))
    runtime.closers.append(jobs.stop)
    releases = ReleaseManager(store=runtime.store, settings=runtime.settings, switch_of=lambda: runtime.switch,
                              live_url_of=lambda: runtime.rasa.base_url if runtime.rasa is not None else None)
    app.state.releases = releases
    app.include_router(releases_router(console, releases))  # FAQ questions, topics and model releases
    runtime.closers.append(releases.stop)
    app.include_router(figures_router(console))  # figures and the SIMFONI-PPA export
    runtime.closers.append(console.feed.stop)


__all__ = ["install_console"]
