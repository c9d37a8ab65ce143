"""``hotline staff add --email`` prints a one-time set-password link that works once in the console."""

from __future__ import annotations

import io
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from console.figures import figures_router
from console.web import Console, build_router
from core.settings import Settings
from handlers.staff import StaffDesk
from handlers.store import Store
from hotline.cli import build_parser
from hotline.staff_cli import main
from storage.db import make_engine, make_session_factory

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def run(settings: Settings, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(build_parser().parse_args(["staff", *argv]), settings, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_add_with_email_prints_a_one_time_link_that_sets_the_password(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'h.db'}",  # type: ignore[call-arg]
                        var_dir=tmp_path, public_base_url="https://hotline.contoh.test")
    code, out, err = run(settings, "add", "--name", "Uji Email", "--role", "statistician", "--region", "Depok",
                         "--telegram-id", "900991", "--email", "Statistik@Contoh.test")
    assert code == 0, err
    link = re.search(r"https://hotline\.contoh\.test(/console/set-password/\S+)", out)
    assert link, out
    assert run(settings, "add", "--name", "Uji Lain", "--role", "counsellor", "--region", "Depok",
               "--telegram-id", "900992", "--email", "statistik@contoh.test")[0] == 1  # e-mail taken

    engine = make_engine(settings.database_url)
    store = Store(make_session_factory(engine))
    app = FastAPI()
    console = Console(store=store, settings=settings, desk=StaffDesk(store=store, settings=settings, rasa=None,
                                                                     cases=None))
    app.include_router(build_router(console))
    app.include_router(figures_router(console))
    with TestClient(app) as client:
        path = link.group(1)
        csrf = CSRF.search(client.get(path).text).group(1)  # type: ignore[union-attr]
        short = client.post(path, data={"csrf": csrf, "password": "pendek", "confirm": "pendek"})
        assert short.status_code == 400 and "minimal" in short.text
        csrf = CSRF.search(short.text).group(1)  # type: ignore[union-attr]
        ok = client.post(path, data={"csrf": csrf, "password": "sandi-statistik-uji", "confirm": "sandi-statistik-uji"})
        assert ok.status_code == 200 and "Kata sandi tersimpan" in ok.text
        assert client.get(path).status_code == 404  # one use

        csrf = CSRF.search(client.get("/console/login").text).group(1)  # type: ignore[union-attr]
        signed_in = client.post("/console/login", data={"csrf": csrf, "email": "statistik@contoh.test",
                                                        "password": "sandi-statistik-uji"}, follow_redirects=True)
        # A statistician signs in to the figures (aggregates, nothing yet on a first day) and sees no case data.
        assert signed_in.status_code == 200 and "Angka kasus" in signed_in.text
        assert str(signed_in.url).endswith("/console/figures")
        assert client.get("/console/queue").status_code == 404
    # A new link for a forgotten password.
    code, out, _ = run(settings, "link", "1")
    assert code == 0 and "/console/set-password/" in out
    # A lost phone: authenticator and password forgotten, a new link printed; an unknown id is refused.
    code, out, _ = run(settings, "reset-2fa", "1")
    assert code == 0 and "reset" in out and "/console/set-password/" in out
    assert run(settings, "reset-2fa", "999")[0] == 1
    with TestClient(app) as client:
        csrf = CSRF.search(client.get("/console/login").text).group(1)  # type: ignore[union-attr]
        refused = client.post("/console/login", data={"csrf": csrf, "email": "statistik@contoh.test",
                                                      "password": "sandi-statistik-uji"})
        assert refused.status_code == 401
    engine.dispose()
