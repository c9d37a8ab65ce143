"""Bot texts edited by content editors: validation of an edit, and the lookup of overrides from a real database
(SQLite and PostgreSQL) through ``LiveTexts``, as the core and Rasa's NLG endpoint see them."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.orm import Session

from handlers import nlg, texts
from handlers.store import Store
from storage import content, crud
from storage.models import Staff


def _editor(s: Session) -> Staff:
    return crud.add_staff(s, name="Editor Uji", role="content_editor", region="depok", channel="telegram",
                          contact_id="700001")


# ------------------------------------------------------------------------------------------ validation

def test_a_fine_edit_passes() -> None:
    assert texts.check_edit("faq", "puspaga", "id", "Puspaga membantu konsultasi keluarga, gratis.") == []


@pytest.mark.parametrize(("kind", "key", "body", "fragment"), [
    ("faq", "puspaga", "   ", "tidak boleh kosong"),
    ("faq", "puspaga", "x" * (texts.MAX_CHARS + 1), "terlalu panjang"),
    ("text", "confirm_yes", "Ya, saya setuju sekali", "maksimal 20"),
    ("text", "report_done_high", "Terima kasih, laporanmu tercatat.", "{code}"),
    ("text", "report_done_high", "Kode {code} untuk {name}.", "tidak dikenal: {name}"),
    ("text", "report_done_high", "Kode {code.__class__}.", "Tanda { }"),
    ("text", "report_done_high", "Kode {code!r}.", "Tanda { }"),
    ("text", "report_done_high", "Kode {code:>999999}.", "Tanda { }"),
    ("text", "report_done_high", "Kode {code} {", "Tanda { }"),
    ("faq", "sapa129", "SAPA 129 dari KemenPPPA: telepon 129.", "08111-129-129"),
    ("text", "nobody_claimed", "Maaf, petugas belum bisa merespons. Hubungi SAPA 129 atau 021-129, WhatsApp "
                               "08111-129-129.", "110, 112"),
    ("faq", "opening_hours", "Chat ini 24 jam. Untuk darurat hubungi 110 atau SAPA 129.", "112"),
])
def test_a_bad_edit_is_refused_with_a_clear_reason(kind: str, key: str, body: str, fragment: str) -> None:
    errors = texts.check_edit(kind, key, "id", body)
    assert errors and any(fragment in e for e in errors), errors


def test_every_default_passes_its_own_rules() -> None:
    # Otherwise saving a text unchanged, or a revert to the default, would be refused.
    for kind, catalogue in (("text", texts.TEXTS), ("faq", texts.FAQ)):
        for key, entry in catalogue.items():
            for lang, body in entry.items():
                assert texts.check_edit(kind, key, lang, body) == [], (kind, key, lang)


def test_the_numbers_block_cannot_be_edited_away() -> None:
    # The emergency sentence is editable; the numbers are appended by code whatever it says.
    live = texts.LiveTexts(overrides={("text", "emergency", "id"): "Kamu dalam bahaya? Telepon sekarang:"})
    previous = texts.use(live)
    try:
        block = texts.emergency_block("id")
    finally:
        texts.use(previous)
    assert block.startswith("Kamu dalam bahaya? Telepon sekarang:\n")
    assert texts.EMERGENCY_NUMBERS["id"] in block
    assert texts.EMERGENCY_NUMBERS["id"] in texts.preview("text", "emergency", "id", "Telepon sekarang:")


def test_preview_fills_placeholders() -> None:
    assert texts.preview("text", "report_done_high", "en", "Your code is {code}.") == "Your code is AB12CD."


# ------------------------------------------------------------------------------------------ lookup

@pytest.mark.parametrize("db_kind", ["sqlite", "postgres"])
async def test_overrides_come_from_the_database_and_revert_to_the_default(store: Store) -> None:
    live = texts.LiveTexts(store)
    default_id = texts.faq("puspaga", "id")
    assert await live.refresh()  # first load (version 0: nothing edited)
    assert texts.faq("puspaga", "id", live=live) == default_id

    editor = await store.run(_editor)
    await store.run(lambda s: content.save_revision(s, editor=editor, kind="faq", key="puspaga", lang="id",
                                                    body="Puspaga: konsultasi keluarga gratis (uji).",
                                                    note="lebih singkat"))
    assert await live.refresh()
    assert texts.faq("puspaga", "id", live=live) == "Puspaga: konsultasi keluarga gratis (uji)."
    assert texts.faq("puspaga", "en", live=live) == texts.FAQ["puspaga"]["en"]  # the other language untouched
    assert nlg.render("utter_faq", {"lang": "id", "faq_topic": "puspaga"}, live) == \
        "Puspaga: konsultasi keluarga gratis (uji)."
    assert not await live.refresh()  # nothing changed: no reload

    await store.run(lambda s: content.save_revision(s, editor=editor, kind="text", key="report_done_high",
                                                    lang="en", body="Saved as {code}. Thank you.", note="x"))
    assert await live.refresh()
    assert texts.text("report_done_high", "en", live=live, code="K1") == "Saved as K1. Thank you."

    # Back to the default: a NULL body.
    await store.run(lambda s: content.save_revision(s, editor=editor, kind="faq", key="puspaga", lang="id",
                                                    body=None, note="kembali"))
    assert await live.refresh()
    assert texts.faq("puspaga", "id", live=live) == default_id
    rows = await store.run(lambda s: crud.list_audit(s, entity="bot_text"))
    assert [r.entity_id for r in rows] == ["faq:puspaga:id", "text:report_done_high:en", "faq:puspaga:id"]
    assert all(set(r.detail) <= {"revision", "reverts"} for r in rows)  # ids only, never the text


async def test_serve_installs_the_texts_for_the_module_functions_and_keeps_them_fresh(store: Store) -> None:
    assert texts.active() is None
    live = texts.LiveTexts(store, interval_s=0.05)
    task = asyncio.create_task(live.serve())
    try:
        editor = await store.run(_editor)
        await store.run(lambda s: content.save_revision(s, editor=editor, kind="text", key="greet", lang="id",
                                                        body="Halo, ada yang bisa kami bantu hari ini?",
                                                        note="sapaan baru"))
        async with asyncio.timeout(5):
            while True:
                live.reloaded.clear()
                if texts.text("greet", "id") == "Halo, ada yang bisa kami bantu hari ini?":
                    break
                await live.reloaded.wait()
        assert texts.active() is live
        assert nlg.render("utter_greet", {"lang": "id"}) == "Halo, ada yang bisa kami bantu hari ini?"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert texts.active() is None  # uninstalled on shutdown
    assert texts.text("greet", "id") == texts.TEXTS["greet"]["id"]


async def test_a_database_outage_keeps_the_last_texts() -> None:
    failed = asyncio.Event()

    class Down:
        calls = 0

        async def run(self, fn: object) -> object:
            self.calls += 1
            if self.calls >= 3:
                failed.set()
            raise ConnectionError("database down")

    live = texts.LiveTexts(Down(), interval_s=0.01,
                           overrides={("faq", "cost", "id"): "Semua layanan gratis."})
    task = asyncio.create_task(live.serve())
    await asyncio.wait_for(failed.wait(), 5)  # several failed passes, and the loop still runs
    try:
        assert texts.faq("cost", "id") == "Semua layanan gratis."
        assert texts.emergency_block("id").endswith(texts.EMERGENCY_NUMBERS["id"])
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_two_apps_in_one_process_leave_no_stopped_texts_behind() -> None:
    a = texts.LiveTexts(overrides={("text", "ack", "id"): "Oke (A)."})
    b = texts.LiveTexts(overrides={("text", "ack", "id"): "Oke (B)."})
    task_a = asyncio.create_task(a.serve())
    await asyncio.sleep(0)  # A installs itself
    task_b = asyncio.create_task(b.serve())
    await asyncio.sleep(0)
    assert texts.text("ack", "id") == "Oke (B)."
    for task in (task_a, task_b):  # A stops first, then B: B must not put the stopped A back
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert texts.active() is None and texts.text("ack", "id") == texts.TEXTS["ack"]["id"]
