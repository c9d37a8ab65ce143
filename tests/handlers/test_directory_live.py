"""The services directory as the bot reads it: the seed with editors' revisions on top, from a real database
(SQLite and PostgreSQL) through ``LiveDirectory``, as Rasa's NLG endpoint renders it; the snapshot survives a
database outage; a region with no entries falls back to its UPTD PPA by name and SAPA 129."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from handlers import nlg
from handlers.regions import LiveDirectory, Service, directory_for, entries_of, load_regions, merge
from handlers.store import Store
from storage import crud
from storage import directory as db
from storage.models import SERVICE_KINDS, Staff

PHONE = "+6281234567890"  # invented


def _editor(s: Session) -> Staff:
    return crud.add_staff(s, name="Editor Uji", role="content_editor", region="32.76", channel="telegram",
                          contact_id="700002")


def _reply(region: str, live: LiveDirectory | None = None) -> str:
    if live is not None:
        previous = LiveDirectory.slot.use(live)
        try:
            return nlg.render("utter_directory", {"lang": "id", "region": region})
        finally:
            LiveDirectory.slot.use(previous)
    return nlg.render("utter_directory", {"lang": "id", "region": region})


def test_the_seed_names_every_entry_once_and_uses_the_console_kinds() -> None:
    for key, region in load_regions().items():
        ids = [s.entry for s in region.services]
        assert all(ids) and len(set(ids)) == len(ids), key
        if key != "nasional":
            assert {s.kind for s in region.services} <= set(SERVICE_KINDS), key


def test_merge_keeps_the_seed_order_replaces_edited_entries_and_appends_new_ones() -> None:
    seed = (Service("A", entry="a"), Service("B", entry="b"))

    def rev(key: str, entry: db.Entry | None, first: int) -> db.EntryRevision:
        return db.EntryRevision(first, "32.76", key, entry, "n", None, datetime.now(UTC), None, first)

    merged = merge(seed, [rev("b", db.Entry("B2", "other", phone=PHONE), 1), rev("x", db.Entry("X", "shelter"), 2),
                          rev("a", None, 3), rev("gone", None, 4)])
    assert [(s.entry, s.name, s.phone) for s in merged] == [("a", "A", ""), ("b", "B2", "0812-3456-7890"),
                                                            ("x", "X", "")]


@pytest.mark.parametrize("db_kind", ["sqlite", "postgres"])
async def test_revisions_come_from_the_database_and_revert_to_the_seed(store: Store) -> None:
    live = LiveDirectory(store)
    assert await live.refresh()  # first load on an empty database: the seed alone
    assert live.regions == {} and entries_of("32.76", live) == load_regions()["depok"].services
    assert "UPTD PPA Kota Depok — kontak lewat SAPA 129" in _reply("32.76", live)

    editor = await store.run(_editor)
    first = await store.run(lambda s: db.save_entry(
        s, editor=editor, region="32.76", entry="uptd_ppa", note="nomor baru",
        fields=db.Entry("UPTD PPA Kota Depok", "uptd_ppa", phone=PHONE, whatsapp=PHONE)))
    assert await live.refresh()
    assert "UPTD PPA Kota Depok — telp 0812-3456-7890 — WA 0812-3456-7890" in _reply("32.76", live)
    assert not await live.refresh()  # nothing changed: no reload

    # A region the seed lacks gets its own entry; an inactive entry is not sent.
    await store.run(lambda s: db.save_entry(s, editor=editor, region="35.78", entry="e00000001", note="baru",
                                            fields=db.Entry("Rumah Aman Uji", "shelter", hours="24 jam")))
    await store.run(lambda s: db.save_entry(s, editor=editor, region="35.78", entry="e00000002", note="baru",
                                            fields=db.Entry("Layanan Tutup", "other", active=False)))
    assert await live.refresh()
    assert [s.name for s in directory_for("35.78.01", live)] == ["Rumah Aman Uji", "SAPA 129 (KemenPPPA)"]

    # Back to the seed: a revision without fields.
    await store.run(lambda s: db.save_entry(s, editor=editor, region="32.76", entry="uptd_ppa", fields=None,
                                            note="kembali", reverts_id=first.id))
    assert await live.refresh()
    assert "0812-3456-7890" not in _reply("32.76", live)
    rows = await store.run(lambda s: crud.list_audit(s, entity="directory_entry"))
    assert [(r.action, r.entity_id) for r in rows] == [("revert", "32.76:uptd_ppa"), ("update", "35.78:e00000002"),
                                                       ("update", "35.78:e00000001"), ("update", "32.76:uptd_ppa")]
    assert all(set(r.detail) <= {"revision", "reverts"} for r in rows)  # ids only, never names or numbers


async def test_serve_installs_the_directory_and_keeps_it_fresh(store: Store) -> None:
    assert LiveDirectory.slot.active() is None
    live = LiveDirectory(store, interval_s=0.05)
    task = asyncio.create_task(live.serve())
    try:
        editor = await store.run(_editor)
        await store.run(lambda s: db.save_entry(s, editor=editor, region="13.76", entry="uptd_ppa", note="x",
                                                fields=db.Entry("UPTD PPA Kota Payakumbuh", "uptd_ppa", phone=PHONE)))
        async with asyncio.timeout(5):
            while "0812-3456-7890" not in _reply("13.76"):
                live.reloaded.clear()
                await live.reloaded.wait()
        assert LiveDirectory.slot.active() is live
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert LiveDirectory.slot.active() is None  # uninstalled on shutdown: the seed again
    assert "0812-3456-7890" not in _reply("13.76")


async def test_a_database_outage_keeps_the_last_directory() -> None:
    failed = asyncio.Event()

    class Down:
        calls = 0

        async def run(self, fn: object) -> object:
            self.calls += 1
            if self.calls >= 3:
                failed.set()
            raise ConnectionError("database down")

    live = LiveDirectory(Down(), interval_s=0.01,
                         regions={"32.76": (Service("UPTD PPA Kota Depok", "uptd_ppa", phone="0812-3456-7890",
                                                    entry="uptd_ppa"),)})
    task = asyncio.create_task(live.serve())
    await asyncio.wait_for(failed.wait(), 5)
    try:
        assert "UPTD PPA Kota Depok — telp 0812-3456-7890" in _reply("32.76")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@pytest.mark.parametrize("region", ["32.71", "32.71.01", "91.71"])
async def test_a_new_region_on_an_empty_database_falls_back_to_sapa_129(store: Store, region: str) -> None:
    live = LiveDirectory(store)
    await live.refresh()
    services = directory_for(region, live)
    assert services[0].name.startswith("UPTD PPA ") and not services[0].phone
    assert services[-1].whatsapp == "08111-129-129" and len(services) == 2
    assert "kontak lewat SAPA 129 (telp 129 / 021-129, WA 08111-129-129)" in _reply(region, live)
