"""E-mail-only accounts from an empty database: ``hotline staff add --email`` without a Telegram or WhatsApp
contact, the one-time link, sign-in, and paging that skips them (and says so on the supervisor board)."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from console.figures import figures_router
from core.settings import Settings
from hotline.cli import build_parser
from hotline.staff_cli import main
from storage.models import Case, EscalationAttempt, Staff
from tests.console.conftest import PASSWORD, Account, Browser, ConsoleHarness

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
LINK = re.compile(r"https://hotline\.contoh\.test(/console/set-password/\S+)")


async def cli(settings: Settings, *argv: str) -> tuple[int, str, str]:
    def call() -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main(build_parser().parse_args(["staff", *argv]), settings, out=out, err=err)
        return code, out.getvalue(), err.getvalue()

    return await asyncio.to_thread(call)


async def set_password(b: Browser, out: str) -> None:
    link = LINK.search(out)
    assert link, out
    await b.get(link.group(1))
    done = await b.post(link.group(1), {"password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 200 and "Kata sandi tersimpan" in done.text


@pytest.mark.parametrize("db_kind", BACKENDS)
async def test_email_only_accounts_sign_in_and_are_never_paged(ch: ConsoleHarness, db_kind: str) -> None:
    ch.app.include_router(figures_router(ch.console))
    url = ch.desk.store.sessions.kw["bind"].url.render_as_string(hide_password=False)
    settings = ch.desk.staff.settings.model_copy(update={"database_url": url,
                                                         "public_base_url": "https://hotline.contoh.test"})
    assert await ch.db(lambda s: s.scalar(select(func.count(Staff.id)))) == 0  # an empty database

    code, out, err = await cli(settings, "add", "--name", "Statistik Uji", "--role", "statistician",
                               "--region", "32", "--email", "statistik@contoh.test")
    assert code == 0, err
    assert "console only, never paged" in out
    await set_password(ch.browser(), out)
    # A counsellor of Depok and Payakumbuh (repeated and comma-separated --region) with an e-mail only.
    code, out, err = await cli(settings, "add", "--name", "Konselor Konsol", "--role", "counsellor",
                               "--region", "Kota Depok,13.76", "--email", "konselor@contoh.test")
    assert code == 0, err
    await set_password(ch.browser(), out)
    code, out, err = await cli(settings, "add", "--name", "Supervisor Uji", "--role", "supervisor",
                               "--region", "32.76", "--telegram-id", "930991", "--email", "spv@contoh.test")
    assert code == 0, err
    await set_password(ch.browser(), out)
    # Neither a contact nor an e-mail: refused, nothing stored.
    code, _, err = await cli(settings, "add", "--name", "Tanpa Kontak", "--role", "counsellor", "--region", "32.76")
    assert code == 2 and "--email" in err
    code, out, _ = await cli(settings, "list")
    assert code == 0 and re.search(r"Konselor Konsol\s+counsellor\s+32\.76,13\.76\s+console\s+—", out), out

    staff = {s.name: s for s in await ch.db(lambda s: list(s.scalars(select(Staff))))}
    assert len(staff) == 3 and staff["Konselor Konsol"].regions == ("32.76", "13.76")
    stat = Account(staff["Statistik Uji"].id, 0, "statistik@contoh.test", "statistician", "32")
    counsellor = Account(staff["Konselor Konsol"].id, 0, "konselor@contoh.test", "counsellor", "32.76",
                         regions=("32.76", "13.76"))
    supervisor = Account(staff["Supervisor Uji"].id, 930991, "spv@contoh.test", "supervisor", "32.76")

    # The statistician signs in to the figures and sees no case.
    s = ch.browser()
    signed_in = await s.login(stat)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/console/"
    assert "Angka kasus" in (await s.get("/console/figures")).text
    assert (await s.get("/console/queue")).status_code == 404

    # The supervisor puts the console-only counsellor on shift from the board.
    b = await ch.signed_in(supervisor)
    await b.get("/console/board")
    started = await b.post("/console/board/shift", {"staff_id": str(counsellor.staff_id), "on": "1"}, follow=True)
    assert "dimulai" in started.text
    board = started.text.split('id="roster"')[1]
    row = board.split(f'data-staff="{counsellor.staff_id}"')[1].split("</tr>")[0]
    assert "sedang jaga" in row and "tidak menerima panggilan" in row
    assert 'id="console-only-note"' in board

    # An emergency in Depok: the on-shift counsellor has no Telegram, so the page goes to the supervisor, and the
    # counsellor sees the case in the console queue.
    ch.desk.clock.now = datetime.now(UTC) + timedelta(seconds=1)  # the paging clock after the board's shift start
    code_, _, _ = await ch.desk.open(urgency="emergency", region="32.76")
    await ch.desk.pump()
    paged = await ch.db(lambda s: list(s.scalars(select(EscalationAttempt.staff_id).join(Case).where(
        Case.code == code_))))
    assert paged == [supervisor.staff_id]
    assert len(ch.desk.pages_to(supervisor.chat)) == 1
    c = await ch.signed_in(counsellor)
    assert code_ in (await c.get("/console/queue")).text
