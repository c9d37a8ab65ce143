"""The services-directory editor over HTTP: who may use it (every route), typed validation that stores nothing,
CSRF, the preview, history and revert, new regions, the audit (ids only), and the bot's directory following each
change at once (the process's ``LiveDirectory``), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import func, select

from console.directory import EntryForm, directory_router
from handlers import nlg
from handlers.regions import LiveDirectory, directory_for
from storage import crud
from storage.models import SERVICE_KINDS, AuditLog, DirectoryRevision
from tests.console.conftest import ConsoleHarness

DEPOK_UPTD = "/console/directory/32.76/uptd_ppa"
PHONE = "0812-3456-7890"  # invented
FORM = {"name": "UPTD PPA Kota Depok", "kind": "uptd_ppa", "address": "", "hours": "Senin–Jumat 08.00–16.00",
        "phone": PHONE, "whatsapp": "", "active": "on", "action": "save", "note": "nomor dari dinas (uji)"}


@pytest.fixture
async def dc(ch: ConsoleHarness) -> AsyncIterator[ConsoleHarness]:
    """The console with the directory routes, and this process's directory following the database."""
    ch.app.include_router(directory_router(ch.console))
    live = LiveDirectory(ch.desk.store)
    previous = LiveDirectory.slot.use(live)
    await live.refresh()
    yield ch
    LiveDirectory.slot.use(previous)


async def _revisions(h: ConsoleHarness) -> int:
    return int(await h.db(lambda s: s.scalar(select(func.count()).select_from(DirectoryRevision))))


def _reply(region: str) -> str:
    return nlg.render("utter_directory", {"lang": "id", "region": region})


@pytest.mark.parametrize("role", ["counsellor", "supervisor", "statistician"])
async def test_other_roles_get_404_on_every_route_and_change_nothing(dc: ConsoleHarness, role: str) -> None:
    b = await dc.signed_in(await dc.account(role=role))
    for path in ("/console/directory", "/console/directory?wilayah=Kota+Bogor", "/console/directory/32.76",
                 DEPOK_UPTD, "/console/directory/32.76/baru", "/console/directory/32.71"):
        page = await b.get(path)
        assert page.status_code == 404 and "Tidak ditemukan" in page.text, path
        assert "Direktori layanan" not in page.text  # not in their menu either
    assert b.csrf  # a valid token of their own session: refused for the role, not for the token
    for path in (DEPOK_UPTD, "/console/directory/32.76/baru", "/console/directory/32.76/revert/1"):
        assert (await b.post(path, FORM)).status_code == 404, path
    assert await _revisions(dc) == 0
    assert await dc.db(lambda s: crud.list_audit(s, entity="directory_entry")) == []
    assert PHONE not in _reply("32.76")


async def test_signed_out_is_sent_to_sign_in(dc: ConsoleHarness) -> None:
    b = dc.browser()
    for path in ("/console/directory", DEPOK_UPTD):
        page = await b.get(path)
        assert page.status_code == 303 and page.headers["location"] == "/console/login"
    assert (await b.post(DEPOK_UPTD, FORM)).status_code == 303
    assert await _revisions(dc) == 0


@pytest.mark.parametrize("db_kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("role", ["content_editor", "admin"])
async def test_editor_adds_a_phone_with_preview_and_the_bot_uses_it_at_once(dc: ConsoleHarness, role: str) -> None:
    editor = await dc.account(role=role)
    b = await dc.signed_in(editor)
    # First time: an empty database, the seed's entry without numbers (SAPA 129 instead).
    assert "kontak lewat SAPA 129" in _reply("32.76") and PHONE not in _reply("32.76")
    listing = await b.get("/console/directory")
    assert listing.status_code == 200 and "/console/directory/32.76" in listing.text
    region = await b.get("/console/directory/32.76")
    assert region.status_code == 200 and DEPOK_UPTD in region.text and "Puspaga Harmoni" in region.text
    page = await b.get(DEPOK_UPTD)
    assert page.status_code == 200 and 'value="UPTD PPA Kota Depok"' in page.text

    # The preview shows the bot's reply for the region with the change, and stores nothing.
    preview = await b.post(DEPOK_UPTD, {**FORM, "phone": "+62 812 3456 7890", "action": "preview", "note": ""})
    assert preview.status_code == 200 and 'id="preview"' in preview.text
    shown = re.search(r'id="preview"[^>]*><span class="text">(.*?)</span>', preview.text, re.S)
    assert shown and "Layanan untuk wilayah Kota Depok" in shown.group(1)
    assert f"UPTD PPA Kota Depok — telp {PHONE} — Senin–Jumat 08.00–16.00" in shown.group(1)
    assert await _revisions(dc) == 0 and PHONE not in _reply("32.76")

    saved = await b.post(DEPOK_UPTD, FORM, follow=True)
    assert saved.status_code == 200 and "Tersimpan" in saved.text and "nomor dari dinas (uji)" in saved.text
    # This process reloaded at once: the next directory reply carries the number (shown as people write it).
    assert f"UPTD PPA Kota Depok — telp {PHONE}" in _reply("32.76")
    stored = await dc.db(lambda s: s.scalars(select(DirectoryRevision)).one())
    assert stored.phone == "+6281234567890" and stored.staff_id == editor.staff_id
    # The other entries and regions are untouched; the English reply uses English labels.
    assert "Puspaga Harmoni — kontak lewat SAPA 129" in _reply("32.76")
    assert PHONE not in _reply("13.76")
    assert f"UPTD PPA Kota Depok — phone {PHONE}" in nlg.render("utter_directory", {"lang": "en", "region": "32.76"})

    audit = await dc.db(lambda s: crud.list_audit(s, entity="directory_entry"))
    assert [(a.action, a.entity_id, a.actor) for a in audit] == [
        ("update", "32.76:uptd_ppa", f"staff:{editor.staff_id}")]
    everything = await dc.db(lambda s: [str((a.entity_id, a.detail)) for a in s.scalars(select(AuditLog))])
    assert not any(w in row for row in everything for w in ("812", "Depok", "Senin"))  # ids only


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "<b>UPTD PPA</b>", "Nama: hanya teks biasa"),
    ("name", "", "Nama wajib diisi"),
    ("name", "x" * 121, "Nama: paling banyak 120 karakter."),
    ("address", "Jl. Uji &amp; Coba", "Alamat: hanya teks biasa"),
    ("address", "a" * 201, "Alamat: paling banyak 200 karakter."),
    ("hours", "08.00\n16.00", "Jam layanan: hanya teks biasa"),
    ("phone", "12345", "Telepon: Nomor harus diawali 0, 62, atau +62."),
    ("phone", "0812-34", "Telepon: Nomor HP harus 10–13 digit"),
    ("phone", "0810-1234-5678", "Telepon: Awalan nomor HP 0810 tidak dikenal."),
    ("phone", "+1 202 555 0100", "Telepon: Nomor harus diawali 0, 62, atau +62."),
    ("whatsapp", "129", "WhatsApp: Nomor WhatsApp harus nomor HP atau telepon lengkap"),
    ("whatsapp", "nomor wa", "WhatsApp: Nomor harus diawali"),
    ("kind", "polisi", "Jenis: pilih salah satu dari daftar."),
    ("note", "", "Tulis catatan perubahan"),
])
async def test_bad_input_gets_a_clear_message_and_stores_nothing(dc: ConsoleHarness, field: str, value: str,
                                                                 message: str) -> None:
    b = await dc.signed_in(await dc.account(role="content_editor"))
    await b.get(DEPOK_UPTD)
    refused = await b.post(DEPOK_UPTD, {**FORM, field: value})
    assert refused.status_code == 400
    assert message in refused.text.replace("&#34;", '"'), refused.text
    assert await _revisions(dc) == 0
    assert await dc.db(lambda s: crud.list_audit(s, entity="directory_entry")) == []


@pytest.mark.parametrize(("phone", "shown"), [
    ("+62 812 3456 7890", "0812-3456-7890"), ("6281234567890", "0812-3456-7890"),
    ("(021) 555-1234", "(021) 5551234"), ("1500-771", "1500-771"), ("129", "129"),
])
async def test_numbers_are_normalised(dc: ConsoleHarness, phone: str, shown: str) -> None:
    b = await dc.signed_in(await dc.account(role="content_editor"))
    await b.get(DEPOK_UPTD)
    assert (await b.post(DEPOK_UPTD, {**FORM, "phone": phone})).status_code == 303
    assert f"telp {shown} —" in _reply("32.76")


async def test_a_forged_csrf_token_is_refused(dc: ConsoleHarness) -> None:
    b = await dc.signed_in(await dc.account(role="content_editor"))
    await b.get(DEPOK_UPTD)
    assert (await b.post(DEPOK_UPTD, FORM, csrf="palsu")).status_code == 403
    assert (await b.post("/console/directory/32.76/revert/1", csrf="palsu")).status_code == 403
    assert await _revisions(dc) == 0


async def test_history_and_one_click_revert_back_to_the_seed(dc: ConsoleHarness) -> None:
    b = await dc.signed_in(await dc.account(role="content_editor"))
    await b.get(DEPOK_UPTD)
    await b.post(DEPOK_UPTD, {**FORM, "note": "satu"})
    await b.post(DEPOK_UPTD, {**FORM, "phone": "0813-1111-2222", "whatsapp": "0813-1111-2222", "note": "dua"})
    assert "telp 0813-1111-2222 — WA 0813-1111-2222" in _reply("32.76")
    page = await b.get("/console/directory/32.76")
    ids = [int(i) for i in re.findall(r'/console/directory/32\.76/revert/(\d+)"', page.text)]
    assert len(ids) == 2 and ids[0] > ids[1]  # newest first
    assert page.text.index(">dua<") < page.text.index(">satu<")

    reverted = await b.post(f"/console/directory/32.76/revert/{ids[0]}", follow=True)
    assert reverted.status_code == 200 and "Dikembalikan" in reverted.text
    assert f"Membatalkan revisi #{ids[0]}" in reverted.text
    assert f"telp {PHONE}" in _reply("32.76") and "0813-1111-2222" not in _reply("32.76")
    await b.post(f"/console/directory/32.76/revert/{ids[1]}")
    assert PHONE not in _reply("32.76") and "UPTD PPA Kota Depok — kontak lewat SAPA 129" in _reply("32.76")
    audit = await dc.db(lambda s: crud.list_audit(s, entity="directory_entry"))
    assert [a.action for a in audit] == ["revert", "revert", "update", "update"]
    # A revision of another region cannot be reverted through this region's URL; nor can a made-up one.
    for bad in (f"/console/directory/13.76/revert/{ids[0]}", "/console/directory/32.76/revert/999999",
                "/console/directory/32.76/revert/abc", "/console/directory/32.76/revert/-1"):
        assert (await b.post(bad)).status_code == 404, bad


async def test_a_new_region_falls_back_then_gets_its_own_entries(dc: ConsoleHarness) -> None:
    b = await dc.signed_in(await dc.account(role="content_editor"))
    # First time, empty database: Kota Bogor has only its UPTD PPA by name and SAPA 129.
    assert [s.name for s in directory_for("32.71")] == ["UPTD PPA Kota Bogor", "SAPA 129 (KemenPPPA)"]
    found = await b.get("/console/directory?wilayah=Kota+Bogor")
    assert found.status_code == 303 and found.headers["location"] == "/console/directory/32.71"
    ambiguous = await b.get("/console/directory?wilayah=Pekalongan")
    assert ambiguous.status_code == 400 and "Wilayah tidak ditemukan" in ambiguous.text
    for bad in ("/console/directory/nasional", "/console/directory/99.99", "/console/directory/32.71.01",
                "/console/directory/32.76/tidak_ada", "/console/directory/32.76/Bad-Key"):
        assert (await b.get(bad)).status_code == 404, bad

    await b.get("/console/directory/32.71/baru")
    added = await b.post("/console/directory/32.71/baru", {
        **FORM, "name": "UPTD PPA Kota Bogor", "phone": "(0251) 8312345", "whatsapp": PHONE, "note": "baru"})
    assert added.status_code == 303
    key = added.headers["location"].split("/")[-1].split("?")[0]
    assert re.fullmatch(r"e[0-9a-f]{8}", key)
    assert "UPTD PPA Kota Bogor — telp (0251) 8312345 — WA 0812-3456-7890" in _reply("32.71")
    # A province entry reaches every regency of the province, after the regency's own.
    await b.post("/console/directory/32/baru", {**FORM, "name": "UPTD PPA Provinsi Jawa Barat", "phone": "",
                                                 "note": "provinsi"})
    assert [s.name for s in directory_for("32.71")] == ["UPTD PPA Kota Bogor", "UPTD PPA Provinsi Jawa Barat",
                                                        "SAPA 129 (KemenPPPA)"]
    assert "/console/directory/32.71" in (await b.get("/console/directory")).text

    # Deactivated: not sent; the region falls back to its UPTD PPA by name again (before the province's).
    await b.get(f"/console/directory/32.71/{key}")
    await b.post(f"/console/directory/32.71/{key}", {**FORM, "name": "UPTD PPA Kota Bogor", "active": "",
                                                      "note": "tutup sementara"})
    assert PHONE not in _reply("32.71")
    assert directory_for("32.71")[0].name == "UPTD PPA Kota Bogor" and not directory_for("32.71")[0].phone
    # Reverting the creation removes the entry altogether.
    page = await b.get("/console/directory/32.71")
    first = min(int(i) for i in re.findall(r'/console/directory/32\.71/revert/(\d+)"', page.text))
    await b.post(f"/console/directory/32.71/revert/{first}")
    listing = (await b.get("/console/directory/32.71")).text
    assert key not in listing.split("<h2>Riwayat")[0] and "Belum ada layanan di wilayah ini." in listing
    assert [s.name for s in directory_for("32.71")] == ["UPTD PPA Kota Bogor", "UPTD PPA Provinsi Jawa Barat",
                                                        "SAPA 129 (KemenPPPA)"]
    assert not directory_for("32.71")[0].phone


async def test_any_form_gets_a_clear_answer_never_a_5xx(dc: ConsoleHarness) -> None:
    """Generated forms (any text, any kind, numbers of any shape): saved (303) exactly when the typed model
    accepts them, else refused (400) with a message and nothing stored; stored text is always plain."""
    b = await dc.signed_in(await dc.account(role="content_editor"))
    await b.get(DEPOK_UPTD)
    loop = asyncio.get_running_loop()
    seen: set[int] = set()

    async def check(form: dict[str, str]) -> None:
        before = await _revisions(dc)
        response = await b.post(DEPOK_UPTD, {**form, "note": "uji", "action": "save"})
        seen.add(response.status_code)
        try:
            EntryForm.model_validate({**form, "active": form.get("active") == "on"})
            valid = True
        except ValidationError:
            valid = False
        assert response.status_code == (303 if valid else 400), (form, response.status_code)
        assert await _revisions(dc) == before + (1 if valid else 0)
        if not valid:
            assert 'id="errors"' in response.text
        else:
            row = await dc.db(lambda s: s.scalars(select(DirectoryRevision).order_by(DirectoryRevision.id.desc())
                                                   .limit(1)).one())
            assert not any(c in (row.name or "") + row.address + row.hours for c in "<>\n")
            assert row.phone == "" or row.phone.startswith("+62") or row.phone.isdigit()

    text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=130)
    number = st.one_of(st.from_regex(r"(\+62|62|0)?[0-9 ()\-.]{0,16}", fullmatch=True), text)

    plain = st.from_regex(r"[A-Za-z0-9 .,/()\-]{2,60}", fullmatch=True)
    good_number = st.sampled_from(["", "0812-3456-7890", "+62 21 555 1234", "129"])
    wild = st.fixed_dictionaries({"name": text, "kind": st.one_of(st.sampled_from(SERVICE_KINDS), text),
                                  "address": text, "hours": text, "phone": number, "whatsapp": number,
                                  "active": st.sampled_from(["on", ""])})
    # Plain forms beside the wild ones, so that both answers are exercised in every run.
    near = st.fixed_dictionaries({"name": plain, "kind": st.sampled_from(SERVICE_KINDS), "address": plain,
                                  "hours": plain, "phone": good_number, "whatsapp": st.just(""),
                                  "active": st.just("on")})

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.one_of(wild, near))
    def prop(form: dict[str, str]) -> None:
        asyncio.run_coroutine_threadsafe(check(form), loop).result(timeout=30)

    await asyncio.to_thread(prop)
    assert seen == {303, 400}  # both answers were exercised
