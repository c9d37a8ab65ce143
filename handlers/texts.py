"""Every text the hotline says to a citizen, in Bahasa Indonesia and English.

Short, warm, plain, never blaming. The bot never repeats back what a person told it (the phone may be read by
the abuser), and the emergency numbers here never depend on a server being up.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from handlers.live import Live, Slot

Lang = Literal["id", "en"]

EMERGENCY_NUMBERS = {
    "id": ("Nomor darurat (gratis, 24 jam):\n"
           "• 112 darurat (belum aktif di semua daerah)\n"
           "• 110 Polisi\n"
           "• 119 Ambulans\n"
           "• SAPA 129: telepon 129 atau 021-129, WhatsApp 08111-129-129\n"
           "• TePSA (anak) 1500-771"),
    "en": ("Emergency numbers (free, 24 h):\n"
           "• 112 emergency (not yet active everywhere)\n"
           "• 110 Police\n"
           "• 119 Ambulance\n"
           "• SAPA 129: call 129 or 021-129, WhatsApp 08111-129-129\n"
           "• TePSA (children) 1500-771"),
}

TEXTS: dict[str, dict[Lang, str]] = {
    "welcome": {
        "id": ("Halo, terima kasih sudah menghubungi Layanan Informasi. Kamu tidak sendiri. "
               "Percakapan ini rahasia; kamu boleh tidak menyebut nama.\n"
               "Apakah kamu aman untuk chat sekarang? Kalau tidak aman, ketik *hapus* kapan saja "
               "untuk menghapus data kamu di layanan ini."),
        "en": ("Hello, thank you for reaching the Information Service. You are not alone. "
               "This chat is confidential; you don't have to give your name.\n"
               "Are you safe to chat right now? If not, type *hapus* (delete) at any time to erase "
               "your data from this service."),
    },
    "emergency": {
        "id": ("Kamu dalam bahaya sekarang? Utamakan keselamatanmu: kalau bisa, pergi ke tempat aman "
               "atau dekati orang yang kamu percaya. Telepon sekarang:"),
        "en": ("Are you in danger now? Your safety comes first: if you can, go somewhere safe or near "
               "someone you trust. Call now:"),
    },
    "emergency_paged": {
        "id": "Petugas kami sudah diberi tahu dan akan segera menghubungimu di chat ini.",
        "en": "Our on-call staff have been alerted and will contact you in this chat soon.",
    },
    "confirm_report": {
        "id": ("Terima kasih sudah bercerita. Supaya kami bisa membantu dengan tepat: apakah ini tentang "
               "kekerasan yang kamu atau orang lain alami?"),
        "en": ("Thank you for telling us. So that we can help in the right way: is this about violence that you "
               "or someone else is experiencing?"),
    },
    "confirm_yes": {"id": "Ya", "en": "Yes"},
    "confirm_no": {"id": "Tidak", "en": "No"},
    "confirm_report_no": {
        "id": ("Baik, terima kasih. Kalau ada yang ingin kamu tanyakan tentang layanan kami, tulis saja di sini. "
               "Kalau suatu saat kamu atau orang lain mengalami kekerasan, kami siap mendengarkan."),
        "en": ("All right, thank you. If you have a question about our services, just write it here. If you or "
               "someone else ever experiences violence, we are here to listen."),
    },
    "busy": {
        "id": ("Pesanmu sudah kami terima. Layanan sedang ramai, jadi balasan kami agak lambat; mohon tunggu "
               "sebentar. Kalau kamu dalam bahaya, jangan menunggu:"),
        "en": ("We have your message. The service is very busy right now, so our answer is a little slow; please "
               "wait a moment. If you are in danger, don't wait:"),
    },
    "fallback_service_down": {
        "id": ("Maaf, layanan kami sedang ada gangguan. Pesanmu sudah kami simpan dan akan kami "
               "balas. Kalau kamu dalam bahaya, jangan menunggu:"),
        "en": ("Sorry, our service has a problem right now. Your message is saved and we will answer it. "
               "If you are in danger, don't wait:"),
    },
    "empty": {
        "id": "Maaf, pesannya belum terbaca. Ceritakan dengan kata-kata ya, pelan-pelan saja.",
        "en": "Sorry, I couldn't read that. Please tell me in words, take your time.",
    },
    "media_only": {
        "id": ("Terima kasih, kiriman fotomu/suaramu sudah kami catat. Maaf, saya hanya bisa membaca "
               "teks. Bisa ceritakan dengan tulisan?"),
        "en": "Thank you, we noted your photo/voice message. I can only read text: could you write it?",
    },
    "too_long": {
        "id": "Pesanmu panjang sekali; kami simpan bagian awalnya. Boleh lanjutkan dengan pesan yang lebih pendek.",
        "en": "Your message is very long; we kept its beginning. Feel free to continue in shorter messages.",
    },
    "ask_what": {
        "id": "Boleh ceritakan apa yang terjadi? Ceritakan sebisanya saja.",
        "en": "Can you tell me what happened? Only what you feel able to share.",
    },
    "ask_victim": {
        "id": "Siapa yang mengalami kekerasan, dan berapa umurnya? (ketik *lewati* kalau tidak mau menjawab)",
        "en": "Who is being harmed, and how old are they? (type *skip* if you prefer not to say)",
    },
    "ask_location": {
        "id": ("Supaya kami bisa menghubungkan dengan petugas terdekat: di kota/kecamatan atau kelurahan "
               "mana kejadiannya? (ketik *lewati* kalau tidak mau menjawab)"),
        "en": ("So we can connect you with the nearest team: in which city, district (kecamatan) or "
               "village (kelurahan) did it happen? (type *skip* if you prefer not to say)"),
    },
    "ask_place": {
        "id": ("Nama tempat itu ada di beberapa daerah. Di kota atau kabupaten mana kejadiannya? Pilih salah satu, "
               "atau ketik nama kota/kabupatennya (ketik *lewati* kalau tidak mau menjawab)."),
        "en": ("That place name exists in several areas. Which city or regency is it in? Choose one, or type "
               "the city or regency (type *skip* if you prefer not to say)."),
    },
    "place_unknown": {
        "id": ("Terima kasih. Kami belum menemukan wilayah itu, jadi laporanmu kami teruskan ke tim nasional "
               "SAPA 129. Laporanmu tetap tercatat."),
        "en": ("Thank you. We could not find that area, so your report goes to the national team, SAPA 129. "
               "It is still recorded."),
    },
    "place_abroad": {
        "id": ("Terima kasih sudah memberi tahu. Karena kejadiannya di luar Indonesia, laporanmu kami teruskan ke "
               "tim nasional SAPA 129 (telepon 129, WhatsApp 08111-129-129). Laporanmu tetap tercatat."),
        "en": ("Thank you for telling us. As it happened outside Indonesia, your report goes to the national team, "
               "SAPA 129 (call 129, WhatsApp 08111-129-129). It is still recorded."),
    },
    "ask_nearby": {
        "id": "Apakah pelaku ada di dekatmu sekarang? (ya / tidak / lewati)",
        "en": "Is the person who did this near you right now? (yes / no / skip)",
    },
    "ask_contact": {
        "id": ("Kapan dan lewat apa petugas aman menghubungimu? Misalnya: \"chat ini saja, sore jam 4\". "
               "(ketik *lewati* kalau tidak mau menjawab)"),
        "en": ("When and how is it safe for our staff to contact you? E.g. \"this chat, 4 pm\". "
               "(type *skip* if you prefer not to say)"),
    },
    "report_done_high": {
        "id": ("Terima kasih sudah bercerita, itu tidak mudah. Laporanmu tercatat dengan kode {code}. "
               "Konselor akan menghubungimu dalam 24 jam lewat chat ini."),
        "en": ("Thank you for telling us; that is not easy. Your report is recorded as {code}. "
               "A counsellor will contact you within 24 hours in this chat."),
    },
    "report_done_normal": {
        "id": ("Terima kasih sudah bercerita. Laporanmu tercatat dengan kode {code}. Petugas Puspaga / "
               "UPTD PPA akan menghubungimu untuk jadwal konsultasi."),
        "en": ("Thank you for telling us. Your report is recorded as {code}. Puspaga / UPTD PPA staff will "
               "contact you to schedule a consultation."),
    },
    "report_done_emergency": {
        "id": "Laporanmu tercatat dengan kode {code}. Petugas sedang dihubungi. Tetap utamakan keselamatanmu.",
        "en": "Your report is recorded as {code}. Staff are being contacted. Keep yourself safe first.",
    },
    "tpks_note": {
        "id": ("Untuk kekerasan seksual, layanan wajib melapor ke polisi dalam 3×24 jam (UU TPKS); "
               "identitasmu dirahasiakan."),
        "en": ("For sexual violence, services must report to the police within 3×24 hours (UU TPKS); "
               "your identity stays confidential."),
    },
    "skip_ok": {"id": "Tidak apa-apa, kita lewati.", "en": "That's fine, let's skip it."},
    "deleted": {
        "id": ("Data kamu di layanan ini sudah dihapus, termasuk pesan yang masih bisa kami hapus dari chat "
               "ini. Pesan lain yang masih terlihat di HP-mu perlu kamu hapus sendiri (tahan pesan → Hapus). "
               "Kamu bisa menghubungi kami lagi kapan saja."),
        "en": ("Your data in this service has been deleted, including the messages we could still delete from "
               "this chat. Messages still visible on your phone need to be deleted by you (long-press → "
               "Delete). You can contact us again any time."),
    },
    "stopped": {
        "id": ("Baik, kami tidak akan mengirim pesan lagi. Kalau butuh bantuan, kirim pesan apa saja "
               "dan kami akan menjawab."),
        "en": "Okay, we won't message you again. If you need help, send any message and we'll answer.",
    },
    "greet": {
        "id": "Halo! Ada yang bisa kami bantu? Kamu bisa bercerita atau bertanya tentang layanan.",
        "en": "Hello! How can we help? You can tell us what happened or ask about our services.",
    },
    "thanks": {
        "id": "Sama-sama. Jaga diri ya, kami ada di sini kalau kamu butuh.",
        "en": "You're welcome. Take care, we're here when you need us.",
    },
    "goodbye": {
        "id": "Terima kasih sudah menghubungi kami. Jaga diri ya.",
        "en": "Thank you for reaching out. Take care.",
    },
    "out_of_scope": {
        "id": ("Maaf, saya hanya bisa membantu soal kekerasan terhadap perempuan dan anak: melapor, "
               "konseling, dan info layanan (Puspaga, UPTD PPA, SAPA 129)."),
        "en": ("Sorry, I can only help with violence against women and children: reporting, counselling "
               "and service information (Puspaga, UPTD PPA, SAPA 129)."),
    },
    "human": {
        "id": "Baik, kami sambungkan dengan konselor. Mohon tunggu, petugas akan membalas di chat ini.",
        "en": "Okay, we'll connect you with a counsellor. Please wait; staff will reply in this chat.",
    },
    "ack": {"id": "Baik, terima kasih.", "en": "Okay, thank you."},
    "counsellor_joined": {
        "id": "Seorang konselor sudah bergabung di chat ini. Kamu bisa langsung bercerita.",
        "en": "A counsellor has joined this chat. You can talk to them directly.",
    },
    "counsellor_left": {
        "id": "Konselor sudah menutup percakapan. Terima kasih, jaga diri ya.",
        "en": "The counsellor has closed the conversation. Thank you, take care.",
    },
    "nobody_claimed": {
        "id": ("Maaf, petugas kami belum bisa merespons sekarang. Silakan hubungi SAPA 129: telepon 129 "
               "atau WhatsApp 08111-129-129. Kalau dalam bahaya, telepon 110 atau 112."),
        "en": ("Sorry, our staff cannot respond right now. Please contact SAPA 129: call 129 or WhatsApp "
               "08111-129-129. If you are in danger, call 110 or 112."),
    },
    "directory_header": {"id": "Layanan untuk wilayah {region}:", "en": "Services for {region}:"},
    "directory_ask_region": {
        "id": "Kamu tinggal di kota/kecamatan mana? Saya carikan layanan terdekat.",
        "en": "Which city or district do you live in? I'll find the nearest services.",
    },
}

FAQ: dict[str, dict[Lang, str]] = {
    "puspaga": {
        "id": ("Puspaga (Pusat Pembelajaran Keluarga) adalah layanan pemerintah daerah untuk konsultasi "
               "keluarga dan pengasuhan anak, gratis, misalnya Puspaga Harmoni di Depok."),
        "en": ("Puspaga (family learning centre) is a free local-government service for family and "
               "parenting counselling, e.g. Puspaga Harmoni in Depok."),
    },
    "p2tp2a": {
        "id": ("P2TP2A adalah pusat pelayanan terpadu bagi perempuan dan anak korban kekerasan: konseling, "
               "pendampingan hukum, rujukan medis, dan rumah aman. Kini banyak yang menjadi UPTD PPA."),
        "en": ("P2TP2A is the integrated service centre for women and child victims of violence: counselling, "
               "legal aid, medical referral and safe houses. Many are now called UPTD PPA."),
    },
    "uptd_ppa": {
        "id": ("UPTD PPA (Unit Pelaksana Teknis Daerah Perlindungan Perempuan dan Anak) menerima laporan "
               "kekerasan dan memberi pendampingan: konseling, hukum, medis, dan rumah aman. Gratis."),
        "en": ("UPTD PPA is the regional unit for the protection of women and children: it takes reports and "
               "provides counselling, legal, medical support and safe houses. Free of charge."),
    },
    "sapa129": {
        "id": "SAPA 129 dari KemenPPPA: telepon 129 atau 021-129, WhatsApp 08111-129-129.",
        "en": "SAPA 129 (KemenPPPA): call 129 or 021-129, WhatsApp 08111-129-129.",
    },
    "satgas_ppa": {
        "id": ("Satgas PPA adalah satuan tugas di kelurahan/kecamatan yang membantu mencegah dan menangani "
               "kekerasan terhadap perempuan dan anak, serta menghubungkan korban dengan UPTD PPA."),
        "en": ("Satgas PPA are local task forces in villages and districts that help prevent and handle "
               "violence against women and children and connect victims with UPTD PPA."),
    },
    "patbm": {
        "id": ("PATBM (Perlindungan Anak Terpadu Berbasis Masyarakat) adalah gerakan warga untuk melindungi "
               "anak di lingkungannya."),
        "en": "PATBM is a community-based child-protection movement run by residents.",
    },
    "tppo": {
        "id": ("TPPO adalah Tindak Pidana Perdagangan Orang: merekrut atau membawa orang dengan tipu daya "
               "atau paksaan untuk dieksploitasi, misalnya janji kerja di luar negeri lalu paspor ditahan."),
        "en": ("TPPO means the crime of human trafficking: recruiting or moving people by deception or force "
               "to exploit them, e.g. a job promise abroad and then the passport is withheld."),
    },
    "kbgo": {
        "id": ("KBGO (kekerasan berbasis gender online) misalnya ancaman menyebar foto/video pribadi, "
               "pemerasan seksual, atau pelecehan lewat chat. Simpan bukti (tangkapan layar) dan laporkan."),
        "en": ("Online gender-based violence (KBGO) includes threats to share private photos/videos, sextortion "
               "or harassment by chat. Keep evidence (screenshots) and report it."),
    },
    "confidentiality": {
        "id": ("Identitas pelapor dan korban dirahasiakan (UU TPKS dan UU PDP). Kami hanya meminta yang "
               "perlu untuk membantu, dan kamu bisa ketik *hapus* untuk menghapus datamu."),
        "en": ("The identity of reporters and victims is kept confidential (UU TPKS, UU PDP). We only ask what "
               "we need to help, and you can type *hapus* to delete your data."),
    },
    "anonymous": {
        "id": "Ya, kamu boleh melapor tanpa menyebut nama.",
        "en": "Yes, you can report without giving your name.",
    },
    "how_to_report": {
        "id": ("Kamu bisa langsung bercerita di chat ini: apa yang terjadi, siapa korbannya, dan di mana. "
               "Atau hubungi SAPA 129 (WhatsApp 08111-129-129)."),
        "en": ("You can tell us right here: what happened, who was harmed and where. Or contact SAPA 129 "
               "(WhatsApp 08111-129-129)."),
    },
    "documents": {
        "id": ("Untuk melapor di sini tidak perlu dokumen. Kalau ada, simpan bukti seperti foto luka, "
               "tangkapan layar chat, atau hasil visum; petugas akan membantu langkah selanjutnya."),
        "en": ("You need no documents to report here. If you have them, keep evidence such as photos of "
               "injuries, chat screenshots or a medical report; staff will help with the next steps."),
    },
    "cost": {
        "id": "Layanan pengaduan, konseling dan pendampingan di UPTD PPA / P2TP2A dan Puspaga gratis.",
        "en": "Reporting, counselling and support at UPTD PPA / P2TP2A and Puspaga are free of charge.",
    },
    "opening_hours": {
        "id": ("Chat ini bisa dipakai 24 jam. Kantor layanan biasanya buka hari kerja; jam pastinya "
               "berbeda tiap daerah. Untuk darurat di luar jam kantor hubungi 110, 112 atau SAPA 129."),
        "en": ("This chat is open 24 hours. Service offices are usually open on working days; hours differ by "
               "region. For emergencies outside office hours call 110, 112 or SAPA 129."),
    },
    "safe_house": {
        "id": ("Rumah aman adalah tempat tinggal sementara yang dirahasiakan bagi korban yang tidak aman di "
               "rumah. Aksesnya lewat UPTD PPA / P2TP2A setelah penilaian petugas."),
        "en": ("A safe house is a confidential temporary shelter for victims who are not safe at home, "
               "arranged through UPTD PPA / P2TP2A after an assessment."),
    },
    "legal_aid": {
        "id": ("UPTD PPA / P2TP2A bisa mendampingi proses hukum (melapor ke polisi, sidang, perceraian karena "
               "KDRT) tanpa biaya."),
        "en": ("UPTD PPA / P2TP2A can support legal processes (police report, court, divorce because of domestic "
               "violence) free of charge."),
    },
    "what_is_violence": {
        "id": ("Kekerasan bukan hanya pukulan: juga hinaan dan ancaman (psikis), pelecehan dan pemaksaan "
               "seksual, penelantaran seperti tidak diberi nafkah, dan eksploitasi. Semuanya bisa dilaporkan."),
        "en": ("Violence is not only hitting: insults and threats (psychological), sexual harassment and "
               "coercion, neglect such as withholding support, and exploitation can all be reported."),
    },
    "prevention": {
        "id": ("Ajarkan anak nama bagian tubuhnya, bahwa bagian pribadi tidak boleh disentuh orang lain, "
               "berani bilang \"tidak\", dan selalu cerita ke orang tua. Puspaga bisa membantu konsultasi."),
        "en": ("Teach children the names of their body parts, that private parts are not to be touched, to say "
               "\"no\", and to always tell a parent. Puspaga offers free parenting advice."),
    },
    "bot_identity": {
        "id": ("Ini layanan informasi dan pengaduan untuk perempuan dan anak. Pesanmu dibaca oleh sistem "
               "dan petugas terlatih, dan dijaga kerahasiaannya."),
        "en": ("This is an information and reporting service for women and children. Your messages are read "
               "by the system and trained staff, and kept confidential."),
    },
}


# ------------------------------------------------------------------------------------------ live overrides
# Content editors change texts in the console (``console/content.py``); the database holds their overrides and
# these repo texts stay the defaults. Lookups never touch the database: they read an in-memory snapshot that
# ``LiveTexts.serve`` refreshes in the background (a version check at most once a second per process), so a
# database that is down or slow never delays a reply, least of all the emergency numbers.


@dataclass
class LiveTexts(Live):
    """The texts in force in this process: the defaults above with the database's overrides on top."""

    overrides: Mapping[tuple[str, str, str], str] = field(default_factory=dict)

    slot: ClassVar[Slot[LiveTexts]] = Slot()
    label: ClassVar[str] = "bot texts"

    def get(self, kind: str, key: str, lang: str) -> str | None:
        """The override of one text, or None (use the default)."""
        return self.overrides.get((kind, key, lang))

    def _version_query(self) -> Callable[[Any], int]:
        from storage import content

        return content.overrides_version

    def _load_query(self) -> Callable[[Any], tuple[int, Any]]:
        from storage import content

        return content.current_overrides

    def _keep(self, loaded: Any) -> None:
        self.overrides = loaded


# The process's texts: installed by ``LiveTexts.serve`` when an app starts (never at import); None means the
# repo's defaults only (tests, the CLI, an app whose database is not reachable yet).
_active = LiveTexts.slot


def use(live: LiveTexts | None) -> LiveTexts | None:
    """Make ``live`` the texts of this process; returns the previous ones."""
    return _active.use(live)


def active() -> LiveTexts | None:
    """The texts installed in this process, if any."""
    return _active.active()


def _lookup(kind: str, key: str, lang: Lang, default: str, live: LiveTexts | None) -> str:
    live = live if live is not None else _active.live
    if live is None:
        return default
    return live.get(kind, key, lang) or default


def text(key: str, lang: Lang = "id", *, live: LiveTexts | None = None, **values: str) -> str:
    """The text ``key`` in ``lang`` (Indonesian when no translation exists), formatted with ``values``.

    A content editor's override wins over the default (``live``, else the process's installed texts).
    """
    entry = TEXTS[key]
    lang_used: Lang = lang if lang in entry else "id"
    return _lookup("text", key, lang_used, entry[lang_used], live).format(**values)


def faq(key: str | None, lang: Lang = "id", *, live: LiveTexts | None = None) -> str | None:
    """The FAQ answer for ``key`` (e.g. ``"puspaga"``), or ``None`` if there is none.

    A topic editors created in the console has no default here: its answer is only an override (Indonesian
    when it has no English one).
    """
    if key is None:
        return None
    entry = FAQ.get(key)
    if entry is None:
        live = live if live is not None else _active.live
        if live is None:
            return None
        return live.get("faq", key, lang) or live.get("faq", key, "id")
    lang_used: Lang = lang if lang in entry else "id"
    return _lookup("faq", key, lang_used, entry[lang_used], live)


def emergency_block(lang: Lang = "id") -> str:
    """The emergency message with the numbers: never depends on Rasa, Redis or the database.

    The numbers themselves are not editable; the sentence before them may be (an in-memory override).
    """
    return text("emergency", lang) + "\n" + EMERGENCY_NUMBERS[lang]


def default(kind: str, key: str, lang: Lang) -> str | None:
    """The repo's text (the default) of one editable text, or None if there is no such text."""
    entry = (TEXTS if kind == "text" else FAQ if kind == "faq" else {}).get(key)
    return None if entry is None else entry.get(lang)


# ------------------------------------------------------------------------------------------ validation
# WhatsApp delivers at most 1,600 characters per message; a text may be sent with the numbers block (about 220)
# or another answer after it, so each editable text stays well below.
MAX_CHARS = 700
# Button labels (Ya / Tidak): WhatsApp and Telegram show short labels only.
BUTTON_KEYS = frozenset({"confirm_yes", "confirm_no"})
MAX_BUTTON_CHARS = 20
# Emergency and service numbers: a text whose default gives one must keep giving it.
_NUMBER = re.compile(r"(?<![\d-])(?:08111-129-129|021-129|1500-771|110|112|119|129)(?![\d-])")
# Texts the code always sends followed by the numbers block (so their numbers cannot be edited away).
NUMBERS_APPENDED = frozenset({"emergency", "busy", "fallback_service_down", "welcome"})


def emergency_numbers_in(body: str) -> set[str]:
    """The emergency / service numbers (110, 112, 129, 08111-129-129...) written in ``body``."""
    return set(_NUMBER.findall(body))


def placeholders(body: str) -> set[str]:
    """The ``{name}`` placeholders of ``body``; ValueError for broken braces, ``{a.b}``, ``{a!r}`` or ``{a:>9}``."""
    names: set[str] = set()
    for _, name, spec, conversion in string.Formatter().parse(body):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(name)
        names.add(name)
    return names


def check_edit(kind: str, key: str, lang: Lang, body: str) -> list[str]:
    """Why ``body`` cannot replace the text ``key`` (empty list: it can). Messages in Bahasa Indonesia."""
    base = default(kind, key, lang)
    if base is None:
        return ["Teks ini tidak ada."]
    errors: list[str] = []
    if not body.strip():
        return ["Teks tidak boleh kosong."]
    limit = MAX_BUTTON_CHARS if kind == "text" and key in BUTTON_KEYS else MAX_CHARS
    if len(body) > limit:
        errors.append(f"Teks terlalu panjang: {len(body)} karakter, maksimal {limit}.")
    try:
        found = placeholders(body)
    except ValueError:
        errors.append("Tanda { } hanya boleh dipakai untuk penanda seperti {code}, persis seperti di teks asli.")
    else:
        wanted = placeholders(base)
        if missing := sorted(wanted - found):
            errors.append("Penanda ini harus tetap ada: " + ", ".join("{" + m + "}" for m in missing) + ".")
        if extra := sorted(found - wanted):
            errors.append("Penanda ini tidak dikenal: " + ", ".join("{" + e + "}" for e in extra) + ".")
    if missing_numbers := sorted(emergency_numbers_in(base) - emergency_numbers_in(body)):
        errors.append("Nomor darurat/layanan ini tidak boleh dihapus: " + ", ".join(missing_numbers) + ".")
    return errors


def check_new_answer(body: str) -> list[str]:
    """Why ``body`` cannot be the answer of a new FAQ topic (no default to keep numbers or placeholders of)."""
    if not body.strip():
        return ["Teks tidak boleh kosong."]
    errors = []
    if len(body) > MAX_CHARS:
        errors.append(f"Teks terlalu panjang: {len(body)} karakter, maksimal {MAX_CHARS}.")
    if "{" in body or "}" in body:
        errors.append("Tanda { } tidak boleh dipakai di jawaban FAQ.")
    return errors


SAMPLE_VALUES = {"code": "AB12CD", "region": "Depok"}


def preview(kind: str, key: str, lang: Lang, body: str) -> str:
    """``body`` as the citizen would receive it: placeholders filled with examples, the numbers block where the
    code appends it. Only for a body that passed ``check_edit``."""
    shown = body.format(**{name: SAMPLE_VALUES.get(name, name) for name in placeholders(body)})
    if kind == "text" and key in NUMBERS_APPENDED:
        shown += ("\n\n" if key == "welcome" else "\n") + EMERGENCY_NUMBERS[lang]
    return shown
