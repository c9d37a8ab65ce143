"""Default response texts written into the Rasa project.

The running hotline serves every text through Rasa's NLG endpoint (``POST /nlg`` on the app, from
``handlers/texts.py``), so these defaults only show when Rasa runs without the app (``rasa shell``,
``rasa test``) and, for the FAQ, they are what the ResponseSelector learns to match questions against.
Facts only from shared/PRODUCT.md: no invented addresses or phone numbers.
"""

from __future__ import annotations

EMERGENCY_LINE_ID = (
    "Kalau kamu dalam bahaya sekarang, hubungi 112 atau 110 (Polisi, gratis, 24 jam), 119 (medis), "
    "atau SAPA 129 (telepon 129, WhatsApp 08111-129-129)."
)
EMERGENCY_LINE_EN = (
    "If you are in danger now, call 112 or 110 (police, free, 24 h), 119 (medical), "
    "or SAPA 129 (call 129, WhatsApp 08111-129-129)."
)

# utter name -> (Bahasa Indonesia, English)
UTTERANCES: dict[str, tuple[str, str]] = {
    "utter_greet": (
        "Halo, terima kasih sudah menghubungi layanan ini. Ceritakan apa yang terjadi, atau tanyakan "
        "layanan yang kamu butuhkan. " + EMERGENCY_LINE_ID,
        "Hello, thank you for reaching out. Tell me what happened, or ask about a service you need. "
        + EMERGENCY_LINE_EN,
    ),
    "utter_thanks": (
        "Sama-sama. Kamu bisa menghubungi lagi kapan saja.",
        "You're welcome. You can message again at any time.",
    ),
    "utter_goodbye": (
        "Terima kasih sudah menghubungi. Jaga diri ya. Ketik 'hapus' kalau ingin menghapus percakapan ini.",
        "Thank you for reaching out. Take care. Type 'delete' to erase this conversation.",
    ),
    "utter_ack": ("Baik.", "Okay."),
    "utter_skip_ok": (
        "Tidak apa-apa, pertanyaan itu boleh dilewati.",
        "That's fine, you can skip that question.",
    ),
    "utter_ack_inform": ("Terima kasih, sudah dicatat.", "Thank you, noted."),
    "utter_report_received": (
        "Terima kasih sudah bercerita. Kamu tidak sendiri, dan ini bukan salahmu. Petugas kami akan "
        "membantu. " + EMERGENCY_LINE_ID,
        "Thank you for telling us. You are not alone and it is not your fault. Our staff will help. "
        + EMERGENCY_LINE_EN,
    ),
    "utter_directory": (
        "Layanan terdekat bisa dicari dari kecamatan atau kelurahanmu. Kalau belum ada di daftar kami, "
        "hubungi SAPA 129 (telepon 129, WhatsApp 08111-129-129).",
        "I can look up the nearest service from your district. If it is not listed, contact SAPA 129 "
        "(call 129, WhatsApp 08111-129-129).",
    ),
    "utter_delete_confirm": (
        "Data dan percakapanmu di layanan ini akan dihapus.",
        "Your data and this conversation will be deleted.",
    ),
    "utter_stop_confirm": (
        "Baik, kami tidak akan mengirim pesan lagi. Kirim pesan kapan saja kalau butuh bantuan.",
        "Okay, we will not message you again. Write any time if you need help.",
    ),
    "utter_handoff": (
        "Baik, kami sambungkan ke konselor. Mohon tunggu sebentar. " + EMERGENCY_LINE_ID,
        "Okay, connecting you with a counsellor. Please wait a moment. " + EMERGENCY_LINE_EN,
    ),
    "utter_out_of_scope": (
        "Maaf, layanan ini khusus untuk kekerasan terhadap perempuan dan anak. Kamu bisa bercerita atau "
        "bertanya tentang layanan perlindungan.",
        "Sorry, this service is for violence against women and children. You can tell us what happened "
        "or ask about protection services.",
    ),
    "utter_faq_answer": (
        "Ini informasi yang kamu tanyakan. Kalau masih ada pertanyaan, tanyakan saja.",
        "Here is the information you asked for. Ask if you have more questions.",
    ),
    "utter_default": (
        "Maaf, saya belum paham. Bisa ceritakan dengan kata lain? " + EMERGENCY_LINE_ID,
        "Sorry, I did not understand. Could you say it another way? " + EMERGENCY_LINE_EN,
    ),
}

# faq key -> default answer (Bahasa Indonesia). The ResponseSelector learns from these texts too.
FAQ_ANSWERS: dict[str, str] = {
    "puspaga": (
        "Puspaga (Pusat Pembelajaran Keluarga) adalah layanan konsultasi keluarga gratis: pengasuhan anak, "
        "hubungan suami istri, dan remaja, dengan psikolog atau konselor. Contohnya Puspaga Harmoni di Depok."
    ),
    "p2tp2a": (
        "P2TP2A (Pusat Pelayanan Terpadu Pemberdayaan Perempuan dan Anak) melayani korban kekerasan: "
        "pengaduan, konseling, pendampingan hukum, rujukan medis, dan rumah aman. Di banyak daerah kini "
        "menjadi UPTD PPA."
    ),
    "uptd_ppa": (
        "UPTD PPA (Unit Pelaksana Teknis Daerah Perlindungan Perempuan dan Anak) adalah layanan pemerintah "
        "daerah untuk perempuan dan anak korban kekerasan: menerima pengaduan, menjangkau korban, mengelola "
        "kasus, mendampingi, dan menyediakan rumah aman."
    ),
    "sapa129": (
        "SAPA 129 adalah layanan pengaduan nasional KemenPPPA: telepon 129 atau 021-129, WhatsApp "
        "08111-129-129. Laporan diteruskan ke UPTD PPA di daerahmu."
    ),
    "satgas_ppa": (
        "Satgas PPA (Satuan Tugas Perlindungan Perempuan dan Anak, juga Satgas PKDRT dan TPPO) ada di "
        "kelurahan dan kecamatan: mencegah kekerasan, menerima laporan warga, dan mendampingi korban ke "
        "layanan."
    ),
    "patbm": (
        "PATBM (Perlindungan Anak Terpadu Berbasis Masyarakat) adalah kelompok warga di desa atau kelurahan "
        "yang menjaga anak-anak di lingkungannya, mencegah kekerasan, dan membantu melapor."
    ),
    "tppo": (
        "TPPO adalah Tindak Pidana Perdagangan Orang. Waspadai tawaran kerja yang terlalu mudah, berangkat "
        "tanpa dokumen resmi, paspor atau KTP ditahan, utang yang tidak pernah lunas, atau dilarang pulang."
    ),
    "kbgo": (
        "KBGO (Kekerasan Berbasis Gender Online) misalnya menyebarkan atau mengancam menyebarkan foto dan "
        "video intim, sextortion, pelecehan lewat chat, dan doxing. Simpan bukti (tangkapan layar, tautan) "
        "dan jangan menuruti permintaan pelaku."
    ),
    "confidentiality": (
        "Ceritamu dijaga kerahasiaannya. Identitas korban dilindungi undang-undang (UU TPKS), dan hanya "
        "petugas yang menangani yang dapat membaca laporanmu."
    ),
    "anonymous": (
        "Kamu boleh bercerita tanpa menyebutkan nama. Untuk proses hukum nanti mungkin dibutuhkan identitas, "
        "tetapi itu dibicarakan dulu denganmu."
    ),
    "how_to_report": (
        "Kamu bisa langsung bercerita di sini: apa yang terjadi, di kecamatan mana, dan apakah kamu aman. "
        "Petugas akan menghubungi. Bisa juga lewat SAPA 129 atau datang ke UPTD PPA."
    ),
    "documents": (
        "Untuk bercerita dan meminta bantuan tidak perlu dokumen. Simpan bukti yang ada (foto luka, "
        "tangkapan layar chat). Visum dan berkas lain diurus bersama pendamping."
    ),
    "cost": (
        "Layanan pengaduan, konseling, dan pendampingan dari UPTD PPA, P2TP2A, Puspaga, dan SAPA 129 "
        "tidak dipungut biaya."
    ),
    "opening_hours": (
        "Layanan chat ini menerima pesan 24 jam. Kantor layanan buka pada jam kerja; jam pastinya ada di "
        "direktori daerahmu. Dalam keadaan darurat hubungi 112 atau 110."
    ),
    "safe_house": (
        "Rumah aman adalah tempat tinggal sementara yang dirahasiakan untuk korban yang tidak aman di rumah, "
        "disediakan lewat UPTD PPA. Anak boleh ikut bersama ibunya."
    ),
    "legal_aid": (
        "Korban bisa mendapat pendampingan hukum gratis lewat UPTD PPA atau lembaga bantuan hukum (LBH): "
        "dari melapor ke polisi sampai di pengadilan."
    ),
    "what_is_violence": (
        "Kekerasan bisa berupa fisik (memukul, menendang), psikis (menghina, mengancam, mengekang), seksual "
        "(pelecehan, pemerkosaan, pemaksaan perkawinan), penelantaran (tidak memberi nafkah atau perawatan), "
        "eksploitasi, dan perdagangan orang."
    ),
    "prevention": (
        "Ajarkan anak bahwa tubuhnya miliknya: sebut nama bagian tubuh dengan benar, bagian yang ditutup "
        "baju tidak boleh disentuh orang lain, boleh berkata tidak, dan tidak ada rahasia yang membuatnya "
        "takut. Dengarkan anak tanpa menghakimi."
    ),
    "bot_identity": (
        "Saya layanan chat otomatis dari layanan perlindungan perempuan dan anak. Saya bisa mencatat "
        "laporan, memberi informasi layanan, dan menyambungkan ke konselor manusia."
    ),
}
