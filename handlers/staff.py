"""The staff desk: staff commands, claim buttons, and the counsellor's side of a human handoff.

Who is staff is decided by the sender id alone (a Telegram chat id or a WhatsApp number looked up in the
``staff`` table), never by anything in the message text. A citizen who types ``/antrian`` is not staff:
``try_handle`` returns False and the core gives an ordinary reply, so nothing is learned.

Commands (Indonesian, for staff only)::

    /shift on|off              go on / off call
    /antrian                   the queue: emergencies first (counsellors: own region or assigned; audited)
    /kasus <kode>              one case (audited)
    /ambil <kode>              claim a case (also the "Ambil kasus" button of a page)
    /catatan <kode> <teks>     add a note to a case
    /alihkan <kode> <id staf>  transfer a case to another staff member
    /alihkan <kode> <wilayah>  transfer a case to another region's on-call team (re-paged there)
    /selesai <kode> <hasil>    close a case with an outcome code; the bot takes the conversation back
    /buka <kode>               reopen a closed case (the assignee or a supervisor); the counsellor has the chat again

During a handoff, anything else a counsellor writes goes to the citizen through the bot ("K-7F3A2 <text>" picks
the case when the counsellor has several), and what the citizen writes comes to the counsellor under the case
code: the citizen's number is never shown. Rasa's dialogue is paused for the conversation while a counsellor
has it and resumed when the case is closed.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from bot.types import IncomingMessage, OutgoingMessage, Sender
from core.rasa_client import RasaClient, RasaUnavailable
from core.settings import Settings
from handlers import texts
from handlers.aid_ledger import delivery_key
from handlers.escalation import (
    AGE_LABEL,
    URGENCY_LABEL,
    VIOLENCE_LABEL,
    WIB,
    add_page_step,
    next_step_no,
    region_name,
    utc_now,
)
from handlers.privacy import pseudonym
from handlers.regions import load_regions, resolve_region_name
from handlers.store import Store
from storage import console as console_db
from storage import crud, lookups
from storage.models import Case, Staff

log = logging.getLogger(__name__)

#: Outcome codes for ``/selesai`` (short codes, as SIMFONI-PPA exports need them; never free text).
OUTCOMES: dict[str, str] = {
    "konseling": "konseling selesai",
    "dirujuk": "dirujuk ke layanan lain (UPTD PPA, Puspaga, RS, LBH)",
    "lapor_polisi": "dilaporkan / didampingi ke polisi",
    "rumah_aman": "ditempatkan di rumah aman",
    "tidak_merespons": "pelapor tidak merespons",
    "bukan_kasus": "bukan kasus kekerasan / salah sambung",
    "lainnya": "lainnya",
}
STATUS_LABEL = {"new": "baru", "paged": "dipanggil", "claimed": "diambil", "in_progress": "ditangani",
                "referred": "dirujuk", "closed": "ditutup"}
_CODE = re.compile(r"^(?:K-)?([23456789ABCDEFGHJKMNPQRSTVWXYZ]{5})$", re.I)
_LEADING_CODE = re.compile(r"^\s*\[?(K-[0-9A-Z]{5})\]?[:\s]+(.+)$", re.I | re.S)
MAX_NOTE_CHARS = 2000
CITIZEN_CACHE_S = 30.0
CITIZEN_CACHE_MAX = 50_000

# Staff-facing texts (Indonesian).
T: dict[str, str] = {
    "help": ("Perintah petugas:\n"
             "/shift on | /shift off — mulai / akhiri jaga\n"
             "/antrian — daftar kasus (darurat dulu)\n"
             "/kasus <kode> — detail kasus\n"
             "/ambil <kode> — ambil kasus\n"
             "/catatan <kode> <teks> — tambah catatan\n"
             "/alihkan <kode> <id staf | wilayah> — alihkan kasus ke petugas atau ke wilayah lain\n"
             "/selesai <kode> <hasil> — tutup kasus\n"
             "/buka <kode> — buka kembali kasus yang sudah ditutup\n"
             "Hasil: {outcomes}\n"
             "Saat menangani kasus, pesan biasa diteruskan ke pelapor (awali dengan kode kasus jika lebih dari "
             "satu)."),
    "shift_on": "Anda sekarang jaga (on call) untuk wilayah {region}. Halaman darurat akan dikirim ke sini.",
    "shift_off": "Jaga Anda sudah diakhiri. Terima kasih.",
    "shift_usage": "Gunakan /shift on atau /shift off.",
    "queue_empty": "Tidak ada kasus terbuka yang bisa Anda lihat.",
    "queue_head": "Antrian ({n} kasus, darurat dulu):",
    "not_found": "Kasus {code} tidak ditemukan atau bukan wewenang Anda.",
    "usage": "Format: {usage}",
    "claimed": ("Anda menangani kasus {code}. Pesan Anda di chat ini diteruskan ke pelapor lewat bot "
                "(nomor pelapor tidak ditampilkan). Tutup dengan /selesai {code} <hasil>."),
    "claimed_no_chat": "Anda menangani kasus {code}. Pelapor sudah menghapus datanya, jadi chat tidak tersedia.",
    "already_yours": "Kasus {code} sudah Anda tangani.",
    "taken": "Kasus {code} sudah diambil petugas lain.",
    "closed_already": "Kasus {code} sudah ditutup.",
    "note_saved": "Catatan untuk {code} tersimpan.",
    "not_allowed": "Hanya petugas yang menangani, supervisor, atau admin yang boleh melakukan ini untuk {code}.",
    "no_staff": "Petugas #{staff} tidak ditemukan atau tidak aktif.",
    "transferred": "Kasus {code} dialihkan ke petugas #{staff} ({name}).",
    "transferred_to_you": "Kasus {code} dialihkan kepada Anda. {claimed}",
    "no_region": ("Wilayah \"{region}\" tidak dikenal atau ada di beberapa tempat. Tulis nama lengkap kota/"
                  "kabupaten atau kode Kemendagri (mis. 32.76), misalnya: {regions}"),
    "same_region": "Kasus {code} sudah berada di wilayah {region}.",
    "transferred_region": ("Kasus {code} dialihkan ke tim jaga {region}. Petugas jaga di sana dipanggil; "
                           "kasus ini tidak lagi Anda tangani."),
    "bad_outcome": "Hasil tidak dikenal. Pilih salah satu: {outcomes}",
    "closed": "Kasus {code} ditutup (hasil: {outcome}). Bot kembali melayani pelapor.",
    "reopened": "Kasus {code} dibuka kembali dan Anda yang menangani. Pesan Anda diteruskan ke pelapor lewat bot.",
    "not_closed": "Kasus {code} belum ditutup.",
    "no_handoff": "Tidak ada percakapan aktif. Ketik /antrian untuk melihat kasus, atau /bantuan.",
    "pick_case": "Anda menangani beberapa percakapan ({codes}). Awali pesan dengan kode kasus, mis. {first} Halo.",
    "relay_failed": "Pesan belum terkirim ke pelapor ({code}). Coba lagi sebentar lagi.",
    "from_citizen": "💬 {code}: {text}",
    "counsellor_prefix": "Konselor: {text}",
}


#: Told to the citizen when their case moves to another region's team (the bot keeps them company meanwhile).
CITIZEN_MOVED: dict[texts.Lang, str] = {
    "id": "Ceritamu kami teruskan ke tim pendamping di wilayahmu. Mereka akan segera menyapamu di chat ini.",
    "en": "We have passed your story to the support team in your area. They will reach you in this chat soon.",
}


def _t(key: str, **values: Any) -> str:
    return T[key].format(**values)


@dataclass(frozen=True)
class StaffRef:
    """The bits of a staff row the desk needs outside a session."""

    id: int
    role: str
    region: str
    name: str


@dataclass
class CaseView:
    """A case as shown to staff: labels only (no names, no numbers)."""

    code: str
    urgency: str
    status: str
    violence_type: str
    region: str
    age_group: str
    assigned_staff_id: int | None
    police_due: datetime | None
    kecamatan: str | None
    created_at: datetime

    @classmethod
    def of(cls, case: Case) -> CaseView:
        return cls(case.code, case.urgency, case.status, case.violence_type, case.region, case.victim_age_group,
                   case.assigned_staff_id, case.police_report_due_at, case.kecamatan, case.created_at)

    def line(self, now: datetime) -> str:
        """One queue line."""
        mark = {"emergency": "🔴", "high": "🟠"}.get(self.urgency, "⚪")
        minutes = max(0, int((now - self.created_at).total_seconds() // 60))
        who = f" · staf #{self.assigned_staff_id}" if self.assigned_staff_id else ""
        return (f"{mark} {self.code} {URGENCY_LABEL.get(self.urgency, self.urgency)} · "
                f"{VIOLENCE_LABEL.get(self.violence_type, self.violence_type)} · {region_name(self.region)} · "
                f"{AGE_LABEL.get(self.age_group, self.age_group)} · {STATUS_LABEL.get(self.status, self.status)}"
                f"{who} · {minutes} mnt")

    def detail(self) -> str:
        """The case card."""
        lines = [f"Kasus {self.code} ({URGENCY_LABEL.get(self.urgency, self.urgency)})",
                 f"Status: {STATUS_LABEL.get(self.status, self.status)}",
                 f"Jenis: {VIOLENCE_LABEL.get(self.violence_type, self.violence_type)}",
                 f"Wilayah: {region_name(self.region)}" + (f", kec. {self.kecamatan}" if self.kecamatan else ""),
                 f"Korban: {AGE_LABEL.get(self.age_group, self.age_group)}",
                 f"Masuk: {self.created_at.astimezone(WIB):%d-%m-%Y %H:%M} WIB"]
        if self.police_due is not None:
            lines.append(f"Batas lapor polisi (UU TPKS): {self.police_due.astimezone(WIB):%d-%m-%Y %H:%M} WIB")
        return "\n".join(lines)


@dataclass
class Outcome:
    """The result of a staff action computed in one transaction, acted on (messages, Rasa) afterwards."""

    reply: str
    case: CaseView | None = None
    ok: bool = True  # False when nothing was done (not found, not allowed, wrong state): shown as an error
    citizen_id: str | None = None  # the citizen's sender id (used to send, never shown or logged)
    citizen_lang: texts.Lang = "id"
    citizen_text_key: str | None = None  # "counsellor_joined" / "counsellor_left"
    citizen_text: str | None = None  # a text of this module instead of a ``texts`` key
    rasa: Literal["pause", "resume"] | None = None
    notify_staff: tuple[str | None, str] | None = None  # (recipient id, text) for a transfer; None: console only


def contact_of(msg: IncomingMessage) -> tuple[str, str] | None:
    """(staff channel, contact id) of a sender: ``tg:123`` → telegram/123, ``wa:+62…`` → whatsapp/+62…."""
    if msg.channel == "telegram" and msg.sender_id.startswith("tg:"):
        return "telegram", msg.sender_id.removeprefix("tg:")
    if msg.channel == "whatsapp" and msg.sender_id.startswith("wa:"):
        return "whatsapp", msg.sender_id.removeprefix("wa:")
    return None  # the web chat has no staff


def recipient_of(staff: Staff) -> str | None:
    """The sender id to reach a staff member on their channel; None for an e-mail-only account (console only)."""
    if not staff.channel or not staff.contact_id:
        return None
    return f"tg:{staff.contact_id}" if staff.channel == "telegram" else f"wa:{staff.contact_id}"


def resolve_region(raw: str) -> str | None:
    """A region key from a key (``pekalongan_kota``) or a name (``Kota Depok``); None when unknown."""
    return resolve_region_name(raw)


def normalise_code(raw: str) -> str | None:
    """``k-7f3a2`` / ``7F3A2`` → ``K-7F3A2``; None if it is not a case code."""
    m = _CODE.match(raw.strip())
    return f"K-{m.group(1).upper()}" if m else None


def _lang(value: str | None) -> texts.Lang:
    return "en" if value == "en" else "id"


def _load_staff(session: Session, staff_id: int) -> Staff:
    staff = lookups.staff_by_id(session, staff_id, fresh=True)
    if staff is None:
        raise LookupError("staff vanished")
    return staff


def _visible_case(session: Session, staff: Staff, code: str) -> Case | None:
    """The case if ``staff`` may see it (audited read); None when missing or denied (the denial is audited)."""
    try:
        return crud.get_case_by_code(session, code=code, viewer=staff)
    except crud.AccessDenied:
        return None


def _open_case_for(session: Session, conversation_id: int, staff_id: int) -> Case | None:
    return lookups.open_case_for(session, conversation_id=conversation_id, staff_id=staff_id,
                                 statuses=crud.OPEN_STATUSES)


class StaffDesk:
    """Implements ``handlers.conversation.StaffDesk``: commands, claim buttons, both sides of a handoff."""

    def __init__(self, *, store: Store, settings: Settings, rasa: RasaClient | None, cases: Any,
                 sender: Sender | None = None, clock: Callable[[], datetime] | None = None,
                 once: Callable[[str], Awaitable[bool]] | None = None) -> None:
        self.store = store
        # Whether a delivery is seen for the first time (``AidLedger.once``): staff deliveries are not stored, so
        # the database cannot de-duplicate them as it does citizens' messages.
        self.once = once
        self.settings = settings
        self.rasa = rasa
        self.cases = cases
        self.sender = sender
        self.clock: Callable[[], datetime] = clock or getattr(cases, "clock", None) or utc_now
        # Contacts recently found not to be staff, with the monotonic time their entry expires: it keeps a
        # database round trip out of every citizen message, in front of the emergency reply. A citizen who is
        # made staff is recognised once the entry expires (CITIZEN_CACHE_S).
        self._citizens: dict[tuple[str, str], float] = {}

    # ------------------------------------------------------------------------------------------ entry points
    async def _staff_ref(self, msg: IncomingMessage) -> StaffRef | None:
        """The active staff member behind ``msg``'s sender, or None; a sender found not to be staff is remembered
        for CITIZEN_CACHE_S, so their next messages cost no database query."""
        who = contact_of(msg)
        if who is None or self._citizens.get(who, 0.0) > time.monotonic():
            return None
        channel, contact = who

        def lookup(session: Session) -> StaffRef | None:
            staff = crud.get_staff_by_contact(session, channel=channel, contact_id=contact)
            if staff is None or not staff.active:
                return None
            return StaffRef(staff.id, staff.role, staff.region, staff.name)

        ref = await self.store.run(lookup)
        if ref is None:
            if len(self._citizens) >= CITIZEN_CACHE_MAX:
                self._citizens.clear()
            self._citizens[who] = time.monotonic() + CITIZEN_CACHE_S
        return ref

    async def is_staff(self, msg: IncomingMessage) -> bool:
        """Whether the sender is active staff (no side effects; a known citizen costs no database query)."""
        return await self._staff_ref(msg) is not None

    async def try_handle(self, msg: IncomingMessage, sender: Sender) -> bool:
        """Handle a message from active staff (True), or leave it to the citizen path (False)."""
        ref = await self._staff_ref(msg)
        if ref is None:
            return False
        if self.once is not None and msg.external_id and not await self.once(delivery_key(msg)):
            # A channel's retry (possibly onto another app process): a command or a claim acts once.
            log.info("duplicate staff delivery ignored (%s)", msg.channel)
            return True
        out = self.sender or sender
        text = (msg.text or "").strip()
        data = msg.callback_data
        if data:
            if data.startswith("claim:"):
                await self._act(out, msg.sender_id, lambda s: self._claim(s, ref.id, data.removeprefix("claim:")))
            return True
        if text.startswith("/"):
            await self._command(out, msg.sender_id, ref, text)
            return True
        await self._relay_from_staff(out, msg.sender_id, ref, text)
        return True

    async def relay_to_staff(self, *, conversation_id: int, sender_id: str, text: str) -> bool:
        """Citizen → counsellor during a handoff, under the case code (never the citizen's number)."""
        def target(session: Session) -> tuple[str | None, str] | None:
            conv = lookups.conversation_by_id(session, conversation_id)
            if conv is None or conv.handoff_staff_id is None:
                return None
            staff = lookups.staff_by_id(session, conv.handoff_staff_id)
            if staff is None or not staff.active:
                return None
            case = _open_case_for(session, conversation_id, staff.id)
            if case is None:
                return None
            return recipient_of(staff), case.code

        found = await self.store.run(target)
        if found is not None and found[0] is None:
            return True  # a console-only counsellor: the stored message reaches them in the case page's chat
        if found is None or self._sender_or_none() is None:
            return False
        recipient, code = found
        assert recipient is not None
        try:
            await self._out().send(OutgoingMessage(recipient_id=recipient, text=_t("from_citizen", code=code,
                                                                                   text=text)))
        except Exception as exc:
            log.warning("relay to counsellor failed for %s: %s", pseudonym(sender_id), type(exc).__name__)
            return False
        return True

    # ---------------------------------------------------------------------------------------------- helpers
    def _sender_or_none(self) -> Sender | None:
        return self.sender

    def _out(self) -> Sender:
        if self.sender is None:
            raise RuntimeError("StaffDesk has no sender")
        return self.sender

    async def _reply(self, out: Sender, to: str, text: str) -> None:
        await out.send(OutgoingMessage(recipient_id=to, text=text))

    async def _act(self, out: Sender, reply_to: str, fn: Callable[[Session], Outcome]) -> Outcome:
        """A Telegram/WhatsApp command: the shared operation, then the reply to the staff member's chat."""
        result = await self._perform(out, fn)
        await self._reply(out, reply_to, result.reply)
        return result

    async def _perform(self, out: Sender, fn: Callable[[Session], Outcome]) -> Outcome:
        """Run one staff action in a transaction, then send what it decided (citizen, Rasa, other staff)."""
        result = await self.store.run(fn)
        if result.rasa is not None and result.citizen_id is not None and self.rasa is not None:
            try:
                await (self.rasa.pause if result.rasa == "pause" else self.rasa.resume)(result.citizen_id)
            except RasaUnavailable as exc:
                # The core checks the handoff before any dialogue turn, so the bot stays quiet regardless.
                log.warning("rasa %s failed (%s)", result.rasa, exc)
        if result.citizen_id is not None and (result.citizen_text_key or result.citizen_text):
            body = result.citizen_text or texts.text(result.citizen_text_key or "", result.citizen_lang)
            try:
                await out.send(OutgoingMessage(recipient_id=result.citizen_id, text=body))
            except Exception as exc:
                log.warning("message to citizen %s failed: %s", pseudonym(result.citizen_id), type(exc).__name__)
        if result.notify_staff is not None and result.notify_staff[0] is not None:
            try:
                await out.send(OutgoingMessage(recipient_id=result.notify_staff[0], text=result.notify_staff[1]))
            except Exception as exc:
                log.warning("message to staff failed: %s", type(exc).__name__)
        return result

    # ------------------------------------------------------------------ shared operations (commands, console)
    # The Telegram/WhatsApp commands and the staff console call these same functions, so either path sees the
    # other's result; each returns the Outcome whose ``reply`` the command sends and the console shows.
    async def claim(self, *, staff_id: int, code: str) -> Outcome:
        """``/ambil``: claim a case; the citizen is told a counsellor joined and Rasa pauses."""
        return await self._perform(self._out(), lambda s: self._claim(s, staff_id, code))

    async def add_note(self, *, staff_id: int, code: str, text: str) -> Outcome:
        """``/catatan``: a note on a case the staff member may see."""
        note = text.strip()[:MAX_NOTE_CHARS]
        if not note:
            return Outcome(_t("usage", usage="/catatan <kode> <teks>"), ok=False)
        return await self._perform(self._out(), lambda s: self._note(s, staff_id, code, note))

    async def transfer(self, *, staff_id: int, code: str, target: str) -> Outcome:
        """``/alihkan``: hand a case to another staff member (by id)."""
        return await self._perform(self._out(), lambda s: self._transfer(s, staff_id, code, target))

    async def transfer_to_region(self, *, staff_id: int, code: str, region: str) -> Outcome:
        """``/alihkan <kode> <wilayah>``: hand a case to another region's on-call team.

        The case becomes unassigned and ``new`` in that region, its next page step is queued through the
        escalation outbox (so that region's on-call counsellors are paged as for a new report), the citizen's
        chat goes back to the bot until someone there claims it, and the former assignee loses sight of it
        (``crud.can_view_case`` decides).
        """
        key = resolve_region(region)
        result = await self._perform(self._out(), lambda s: self._transfer_region(s, staff_id, code, key, region))
        if result.ok and result.case is not None:
            nudge = getattr(getattr(self.cases, "workers", None), "nudge", None)
            if callable(nudge):
                nudge()  # publish the page now, as for a new emergency
        return result

    async def close(self, *, staff_id: int, code: str, outcome: str) -> Outcome:
        """``/selesai``: close a case with an outcome code; the bot takes the conversation back."""
        return await self._perform(self._out(), lambda s: self._close(s, staff_id, code, outcome.lower()))

    async def reopen(self, *, staff_id: int, code: str) -> Outcome:
        """``/buka``: reopen a closed case; the staff member has the citizen's chat again (Rasa pauses)."""
        return await self._perform(self._out(), lambda s: self._reopen(s, staff_id, code))

    async def write_to_citizen(self, *, staff_id: int, code: str, text: str) -> Outcome:
        """The counsellor writes to the citizen of ``code`` through the bot. Only the case's assignee may."""
        body = text.strip()
        if not body:
            return Outcome(_t("no_handoff"), ok=False)

        found = await self.store.run(lambda s: console_db.chat_target(s, staff=_load_staff(s, staff_id), code=code))
        if found is None:
            return Outcome(_t("not_allowed", code=code), ok=False)
        if not await self._deliver(self._out(), found, body):
            return Outcome(_t("relay_failed", code=code), ok=False)
        return Outcome("")

    # --------------------------------------------------------------------------------------------- commands
    async def _command(self, out: Sender, reply_to: str, ref: StaffRef, text: str) -> None:
        head, _, rest = text.partition(" ")
        name = head[1:].split("@", 1)[0].lower()  # "/antrian@hotline_bot" in groups
        rest = rest.strip()
        args = rest.split()
        now = self.clock()
        usage = {"ambil": "/ambil <kode>", "kasus": "/kasus <kode>", "buka": "/buka <kode>",
                 "catatan": "/catatan <kode> <teks>",
                 "alihkan": "/alihkan <kode> <id staf | wilayah>", "selesai": "/selesai <kode> <hasil>"}
        if name in usage:
            code = normalise_code(args[0]) if args else None
            if code is None or (name in ("catatan", "alihkan", "selesai") and len(args) < 2):
                await self._reply(out, reply_to, _t("usage", usage=usage[name]))
                return
            if name == "ambil":
                await self._act(out, reply_to, lambda s: self._claim(s, ref.id, code))
            elif name == "kasus":
                await self._act(out, reply_to, lambda s: self._show(s, ref.id, code))
            elif name == "buka":
                await self._act(out, reply_to, lambda s: self._reopen(s, ref.id, code))
            elif name == "catatan":
                note = rest.split(None, 1)[1][:MAX_NOTE_CHARS]
                await self._act(out, reply_to, lambda s: self._note(s, ref.id, code, note))
            elif name == "alihkan":
                target = args[1].lstrip("#")
                if target.isdigit():
                    await self._act(out, reply_to, lambda s: self._transfer(s, ref.id, code, target))
                else:  # a region key or name ("bogor", "Kota Depok"): the rest of the line
                    moved = await self.transfer_to_region(staff_id=ref.id, code=code,
                                                          region=rest.split(None, 1)[1])
                    await self._reply(out, reply_to, moved.reply)
            else:
                await self._act(out, reply_to, lambda s: self._close(s, ref.id, code, args[1].lower()))
            return
        if name == "shift":
            mode = args[0].lower() if args else ""
            if mode not in ("on", "off", "mulai", "selesai"):
                await self._reply(out, reply_to, _t("shift_usage"))
                return
            on = mode in ("on", "mulai")

            def shift(session: Session) -> Outcome:
                staff = _load_staff(session, ref.id)
                if on:
                    crud.start_shift(session, staff=staff, at=now)
                    return Outcome(_t("shift_on", region=", ".join(region_name(r) for r in staff.regions)))
                crud.end_shift(session, staff=staff, at=now)
                return Outcome(_t("shift_off"))

            await self._act(out, reply_to, shift)
            return
        if name == "antrian":
            await self._act(out, reply_to, lambda s: self._queue(s, ref.id, now))
            return
        await self._reply(out, reply_to, _t("help", outcomes=", ".join(OUTCOMES)))

    def _queue(self, session: Session, staff_id: int, now: datetime) -> Outcome:
        staff = _load_staff(session, staff_id)
        cases = crud.list_queue(session, viewer=staff, limit=30)  # audited: one row listing the ids shown
        if not cases:
            return Outcome(_t("queue_empty"))
        lines = [_t("queue_head", n=len(cases))] + [CaseView.of(c).line(now) for c in cases]
        return Outcome("\n".join(lines))

    def _show(self, session: Session, staff_id: int, code: str) -> Outcome:
        staff = _load_staff(session, staff_id)
        case = _visible_case(session, staff, code)
        if case is None:
            return Outcome(_t("not_found", code=code), ok=False)
        return Outcome(CaseView.of(case).detail(), case=CaseView.of(case))

    def _claim(self, session: Session, staff_id: int, raw_code: str) -> Outcome:
        code = normalise_code(raw_code) or raw_code.strip().upper()
        staff = _load_staff(session, staff_id)
        case = crud.get_case_to_claim(session, code=code, viewer=staff)
        if case is None:
            return Outcome(_t("not_found", code=code), ok=False)
        if case.status == "closed":
            return Outcome(_t("closed_already", code=code), ok=False)
        try:
            case = crud.claim_case(session, case=case, staff=staff)
        except crud.CaseAlreadyClaimed:
            current = crud.get_case(session, case_id=case.id)
            if current is not None and current.assigned_staff_id == staff.id:
                return Outcome(_t("already_yours", code=code))
            return Outcome(_t("taken", code=code), ok=False)
        now = self.clock()
        for attempt in crud.list_escalation_attempts(session, case=case):
            if attempt.staff_id == staff.id:
                crud.acknowledge_escalation(session, attempt_id=attempt.id, at=now)
        view = CaseView.of(case)
        conv = lookups.conversation_by_id(session, case.conversation_id)
        if conv is None:
            return Outcome(view.detail() + "\n\n" + _t("claimed_no_chat", code=code), case=view)
        crud.set_handoff(session, conversation=conv, staff=staff)
        log.info("case %s claimed by staff %d; handoff on", code, staff.id)
        return Outcome(view.detail() + "\n\n" + _t("claimed", code=code), case=view, citizen_id=conv.sender_id,
                       citizen_lang=_lang(conv.lang), citizen_text_key="counsellor_joined", rasa="pause")

    def _note(self, session: Session, staff_id: int, code: str, note: str) -> Outcome:
        staff = _load_staff(session, staff_id)
        case = _visible_case(session, staff, code)
        if case is None:
            return Outcome(_t("not_found", code=code), ok=False)
        crud.add_case_note(session, case=case, staff=staff, text=note)
        return Outcome(_t("note_saved", code=code))

    def _transfer(self, session: Session, staff_id: int, code: str, target_raw: str) -> Outcome:
        staff = _load_staff(session, staff_id)
        case = _visible_case(session, staff, code)
        if case is None:
            return Outcome(_t("not_found", code=code), ok=False)
        if not crud.can_manage_case(staff, case):
            return Outcome(_t("not_allowed", code=code), ok=False)
        target = lookups.staff_by_id(session, int(target_raw)) if target_raw.isdigit() else None
        if target is None or not target.active:
            return Outcome(_t("no_staff", staff=target_raw), ok=False)
        try:
            case = crud.assign_case(session, case=case, staff=target, actor=staff)
        except crud.InvalidTransition:
            return Outcome(_t("closed_already", code=code), ok=False)
        view = CaseView.of(case)
        conv = lookups.conversation_by_id(session, case.conversation_id)
        citizen: dict[str, Any] = {}
        if conv is not None:
            crud.set_handoff(session, conversation=conv, staff=target)
            citizen = {"citizen_id": conv.sender_id, "citizen_lang": _lang(conv.lang),
                       "citizen_text_key": "counsellor_joined", "rasa": "pause"}
        claimed = _t("claimed", code=code) if conv is not None else _t("claimed_no_chat", code=code)
        return Outcome(_t("transferred", code=code, staff=target.id, name=target.name), case=view,
                       notify_staff=(recipient_of(target), view.detail() + "\n\n" +
                                     _t("transferred_to_you", code=code, claimed=claimed)), **citizen)

    def _transfer_region(self, session: Session, staff_id: int, code: str, key: str | None, raw: str) -> Outcome:
        if key is None:
            examples = ", ".join(r.label for r in load_regions().values())
            return Outcome(_t("no_region", region=raw.strip()[:40], regions=examples), ok=False)
        staff = _load_staff(session, staff_id)
        case = _visible_case(session, staff, code)
        if case is None:
            return Outcome(_t("not_found", code=code), ok=False)
        if not crud.can_manage_case(staff, case):
            return Outcome(_t("not_allowed", code=code), ok=False)
        if case.region == key:
            return Outcome(_t("same_region", code=code, region=region_name(key)), ok=False)
        try:
            case = crud.move_case_to_region(session, case=case, region=key, actor=staff)
        except crud.InvalidTransition:
            return Outcome(_t("closed_already", code=code), ok=False)
        # The same page path as a new report: the new region's on-call counsellors, then its supervisors.
        add_page_step(session, case=case, step=next_step_no(session, case_id=case.id), now=self.clock(),
                      restart=True)
        view = CaseView.of(case)
        reply = _t("transferred_region", code=code, region=region_name(key))
        conv = lookups.conversation_by_id(session, case.conversation_id)
        log.info("case %s moved to region %s by staff %d", code, key, staff.id)
        if conv is None or conv.handoff_staff_id is None:
            return Outcome(reply, case=view)
        crud.set_handoff(session, conversation=conv, staff=None)
        return Outcome(reply, case=view, citizen_id=conv.sender_id, citizen_lang=_lang(conv.lang),
                       citizen_text=CITIZEN_MOVED[_lang(conv.lang)], rasa="resume")

    def _close(self, session: Session, staff_id: int, code: str, outcome: str) -> Outcome:
        if outcome not in OUTCOMES:
            return Outcome(_t("bad_outcome", outcomes=", ".join(OUTCOMES)), ok=False)
        staff = _load_staff(session, staff_id)
        case = _visible_case(session, staff, code)
        if case is None:
            return Outcome(_t("not_found", code=code), ok=False)
        if not crud.can_manage_case(staff, case):
            return Outcome(_t("not_allowed", code=code), ok=False)
        try:
            case = crud.transition_case(session, case=case, to_status="closed", actor=staff, outcome=outcome)
        except crud.InvalidTransition:
            return Outcome(_t("closed_already", code=code), ok=False)
        conv = lookups.conversation_by_id(session, case.conversation_id)
        reply = _t("closed", code=code, outcome=outcome)
        if conv is None or conv.handoff_staff_id is None:
            return Outcome(reply, case=CaseView.of(case))
        # Another open case of the same citizen may still be with a counsellor: hand that one back instead.
        other = lookups.other_worked_case(session, conversation_id=conv.id, not_case_id=case.id)
        if other is not None and other.assigned_staff_id is not None:
            other_staff = lookups.staff_by_id(session, other.assigned_staff_id)
            if other_staff is not None and other_staff.active:
                crud.set_handoff(session, conversation=conv, staff=other_staff)
                return Outcome(reply, case=CaseView.of(case))
        crud.set_handoff(session, conversation=conv, staff=None)
        log.info("case %s closed by staff %d; handoff off", code, staff.id)
        return Outcome(reply, case=CaseView.of(case), citizen_id=conv.sender_id, citizen_lang=_lang(conv.lang),
                       citizen_text_key="counsellor_left", rasa="resume")

    def _reopen(self, session: Session, staff_id: int, code: str) -> Outcome:
        staff = _load_staff(session, staff_id)
        case = _visible_case(session, staff, code)
        if case is None:
            return Outcome(_t("not_found", code=code), ok=False)
        if not crud.can_manage_case(staff, case):
            return Outcome(_t("not_allowed", code=code), ok=False)
        try:
            case = crud.reopen_case(session, case=case, staff=staff)
        except crud.InvalidTransition:
            return Outcome(_t("not_closed", code=code), ok=False)
        view = CaseView.of(case)
        conv = lookups.conversation_by_id(session, case.conversation_id)
        if conv is None:
            return Outcome(view.detail() + "\n\n" + _t("claimed_no_chat", code=code), case=view)
        crud.set_handoff(session, conversation=conv, staff=staff)
        log.info("case %s reopened by staff %d; handoff on", code, staff.id)
        return Outcome(_t("reopened", code=code), case=view, citizen_id=conv.sender_id, citizen_lang=_lang(conv.lang),
                       citizen_text_key="counsellor_joined", rasa="pause")

    # ------------------------------------------------------------------------------------------------ relay
    async def _relay_from_staff(self, out: Sender, reply_to: str, ref: StaffRef, text: str) -> None:
        """Counsellor → citizen: to the one active handoff, or to the case named first ("K-7F3A2 ...")."""
        if not text:
            await self._reply(out, reply_to, _t("no_handoff"))
            return
        m = _LEADING_CODE.match(text)
        wanted = m.group(1).upper() if m else None
        body = m.group(2).strip() if m else text

        def targets(session: Session) -> list[tuple[str, int, str, str, str]]:
            rows = []
            for conv in lookups.handoff_conversations(session, staff_id=ref.id):
                case = _open_case_for(session, conv.id, ref.id)
                if case is not None:
                    rows.append((case.code, conv.id, conv.sender_id, conv.channel, case.status))
            return rows

        active = await self.store.run(targets)
        chosen = [t for t in active if t[0] == wanted] if wanted else []
        if not chosen:
            if len(active) == 1 and not wanted:
                chosen = active
            elif not active:
                await self._reply(out, reply_to, _t("no_handoff"))
                return
            else:
                codes = ", ".join(t[0] for t in active)
                await self._reply(out, reply_to, _t("pick_case", codes=codes, first=active[0][0]))
                return
        if wanted is None:
            body = text
        if not await self._deliver(out, chosen[0], body):
            await self._reply(out, reply_to, _t("relay_failed", code=chosen[0][0]))

    async def _deliver(self, out: Sender, target: tuple[str, int, str, str, str], body: str) -> bool:
        """Send a counsellor's words to the citizen through the bot and keep them like any bot reply."""
        code, conv_id, citizen_id, channel, status = target
        relayed = _t("counsellor_prefix", text=body)
        try:
            message_id = await out.send(OutgoingMessage(recipient_id=citizen_id, text=relayed))
        except Exception as exc:
            log.warning("relay to citizen %s failed: %s", pseudonym(citizen_id), type(exc).__name__)
            return False

        def record(session: Session) -> None:
            conv = lookups.conversation_by_id(session, conv_id)
            if conv is None:
                return
            # Kept like any bot reply: erased by "hapus", and its Telegram id lets "hapus" delete it in the chat.
            chat_id = int(message_id) if channel == "telegram" and message_id and message_id.isdigit() else None
            crud.note_staff_reply(session, case_code=code)  # committed with the message below
            crud.record_outbound(session, conversation=conv, channel=channel, text=relayed, chat_message_id=chat_id,
                                 external_id=message_id if channel == "whatsapp" else None)
            if status == "claimed":
                case = lookups.case_by_code(session, code)
                if case is not None:
                    try:
                        crud.transition_case(session, case=case, to_status="in_progress", actor="system")
                    except crud.InvalidTransition:
                        pass

        await self.store.run(record)
        return True
