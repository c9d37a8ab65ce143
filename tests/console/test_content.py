"""The bot-text editor over HTTP: who may use it, refusals that store nothing, history, revert and the audit."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from console.content import content_router
from handlers import texts
from storage import crud
from storage.models import TextRevision
from tests.console.conftest import Account, ConsoleHarness

EDIT = "/console/content/faq/puspaga/id"
NEW_ANSWER = "Puspaga adalah layanan konsultasi keluarga gratis dari pemerintah daerah (teks uji)."


@pytest.fixture
async def cc(ch: ConsoleHarness) -> AsyncIterator[ConsoleHarness]:
    """The console with the content editor's routes, and this process's texts following the database."""
    ch.app.include_router(content_router(ch.console))
    live = texts.LiveTexts(ch.desk.store)
    previous = texts.use(live)
    yield ch
    texts.use(previous)


async def _revisions(h: ConsoleHarness) -> int:
    return int(await h.db(lambda s: s.scalar(select(func.count()).select_from(TextRevision))))


@pytest.mark.parametrize("role", ["counsellor", "statistician", "supervisor"])
async def test_other_roles_are_refused(cc: ConsoleHarness, role: str) -> None:
    account = await cc.account(role=role)
    b = await cc.signed_in(account)
    for path in ("/console/content", EDIT):
        page = await b.get(path)
        assert page.status_code == 404 and "Tidak ditemukan" in page.text
    assert b.csrf
    refused = await b.post(EDIT, {"body": NEW_ANSWER, "note": "coba", "action": "save"})
    assert refused.status_code == 404
    assert await _revisions(cc) == 0
    assert texts.faq("puspaga", "id") == texts.FAQ["puspaga"]["id"]


@pytest.mark.parametrize("role", ["content_editor", "admin"])
async def test_editors_edit_with_preview_and_it_is_live_at_once(cc: ConsoleHarness, role: str) -> None:
    b = await cc.signed_in(await cc.account(role=role))
    listing = await b.get("/console/content")
    assert listing.status_code == 200 and EDIT in listing.text and "Nomor darurat" in listing.text
    page = await b.get(EDIT)
    assert page.status_code == 200 and texts.FAQ["puspaga"]["id"] in page.text

    preview = await b.post(EDIT, {"body": NEW_ANSWER, "note": "", "action": "preview"})
    assert preview.status_code == 200 and 'id="preview"' in preview.text and NEW_ANSWER in preview.text
    assert await _revisions(cc) == 0  # a preview stores nothing

    saved = await b.post(EDIT, {"body": NEW_ANSWER, "note": "lebih jelas", "action": "save"}, follow=True)
    assert saved.status_code == 200 and "Tersimpan" in saved.text
    assert texts.faq("puspaga", "id") == NEW_ANSWER  # this process reloaded at once
    assert texts.faq("puspaga", "en") == texts.FAQ["puspaga"]["en"]
    assert "lebih jelas" in saved.text  # in the history
    audit = await cc.db(lambda s: crud.list_audit(s, entity="bot_text"))
    assert [(a.action, a.entity_id) for a in audit] == [("update", "faq:puspaga:id")]
    assert NEW_ANSWER not in str(audit[0].detail)


@pytest.mark.parametrize(("path", "body", "note", "message"), [
    (EDIT, NEW_ANSWER, "", "Tulis catatan perubahan"),
    (EDIT, "x" * 701, "panjang", "Teks terlalu panjang: 701 karakter, maksimal 700."),
    ("/console/content/text/report_done_high/id", "Laporanmu tercatat. Terima kasih.", "tanpa kode",
     "Penanda ini harus tetap ada: {code}."),
    ("/console/content/faq/sapa129/id", "SAPA 129 dari KemenPPPA.", "lebih pendek",
     "Nomor darurat/layanan ini tidak boleh dihapus: 021-129, 08111-129-129."),
])
async def test_a_bad_edit_is_refused_and_stores_nothing(cc: ConsoleHarness, path: str, body: str, note: str,
                                                        message: str) -> None:
    b = await cc.signed_in(await cc.account(role="content_editor"))
    await b.get(path)
    refused = await b.post(path, {"body": body, "note": note, "action": "save"})
    assert refused.status_code == 400
    assert message in refused.text.replace("&#34;", '"')
    assert body in refused.text  # the editor's text is kept in the form to fix it
    assert await _revisions(cc) == 0
    assert await cc.db(lambda s: crud.list_audit(s, entity="bot_text")) == []


async def test_a_post_without_the_csrf_token_is_refused(cc: ConsoleHarness) -> None:
    b = await cc.signed_in(await cc.account(role="content_editor"))
    await b.get(EDIT)
    refused = await b.post(EDIT, {"body": NEW_ANSWER, "note": "x", "action": "save"}, csrf="salah")
    assert refused.status_code == 403
    assert await _revisions(cc) == 0


async def test_history_and_one_click_revert(cc: ConsoleHarness) -> None:
    editor = await cc.account(role="content_editor")
    b = await cc.signed_in(editor)
    await b.get(EDIT)
    await b.post(EDIT, {"body": "Jawaban pertama (uji).", "note": "satu", "action": "save"})
    await b.post(EDIT, {"body": "Jawaban kedua (uji).", "note": "dua", "action": "save"})
    assert texts.faq("puspaga", "id") == "Jawaban kedua (uji)."
    page = await b.get(EDIT)
    ids = [int(i) for i in re.findall(r'/console/content/faq/puspaga/revert/(\d+)"', page.text)]
    assert len(ids) == 2 and ids[0] > ids[1]  # newest first
    assert page.text.index("dua") < page.text.index("satu")

    # Undo the second edit: the first is in force again.
    reverted = await b.post(f"/console/content/faq/puspaga/revert/{ids[0]}", follow=True)
    assert reverted.status_code == 200 and "Dikembalikan" in reverted.text
    assert texts.faq("puspaga", "id") == "Jawaban pertama (uji)."
    assert f"Membatalkan revisi #{ids[0]}" in reverted.text
    # Undo the first: back to the repo's default.
    await b.post(f"/console/content/faq/puspaga/revert/{ids[1]}")
    assert texts.faq("puspaga", "id") == texts.FAQ["puspaga"]["id"]
    audit = await cc.db(lambda s: crud.list_audit(s, entity="bot_text"))
    assert [a.action for a in audit] == ["revert", "revert", "update", "update"]
    assert all(a.actor == f"staff:{editor.staff_id}" for a in audit)

    # A revision of another key cannot be reverted through this key's URL.
    other = await b.post(f"/console/content/faq/cost/revert/{ids[0]}")
    assert other.status_code == 404


async def test_editor_pages_show_no_case_data_and_cases_stay_closed(cc: ConsoleHarness) -> None:
    editor: Account = await cc.account(role="content_editor")
    b = await cc.signed_in(editor)
    assert (await b.get("/console/queue")).status_code == 404
    home = await b.get("/console/")
    assert "/console/content" in home.text
