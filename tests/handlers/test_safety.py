"""Tests of the deterministic safety net (invented messages only)."""

from __future__ import annotations

import time

import pytest

from handlers.safety import detect_danger, harm_family, normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("TOLONGGG", "tolong"),
        ("sakiiit", "sakit"),
        ("t o l o n g", "tolong"),
        ("tlg sy d pukul skrg", "tolong saya dipukul sekarang"),
        ("di pukul", "dipukul"),
        ("di rumah", "di rumah"),
        ("malem2", "malam malam"),
        ("gak udh gw", "tidak sudah saya"),
        ("t0l0ng", "tolong"),
        ("sy dsekap", "saya disekap"),
        ("14thn", "14 tahun"),
        ("to\u200blong\u202e", "tolong"),
        ("ｔｏｌｏｎｇ", "tolong"),
        ("anak-anak", "anak anak"),
        ("P2TP2A", "p2tp2a"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


EMERGENCIES = {
    "violence_now": [
        "tolong saya dipukuli suami sekarang",
        "ibu saya lagi dicekik bapak",
        "tulung bapakku nggebuki ibuku saiki",
        "tolong ambo dipukuan suami kini",
        "he is hitting me right now",
        "sakiiit, dipukulin suamiii lagiii skrggg",
    ],
    "help_violence": ["tlg, aku ditendang"],
    "perpetrator_present": ["tadi dipukul, dia masih di dalam rumah"],
    "hiding_or_chased": ["saya sembunyi di kamar mandi, suami ngamuk"],
    "weapon_threat": ["suami mengancam pakai golok", "mantan bawa pisau dan teriak"],
    "kill_threat": ["pacar ngancem mau bunuh saya", "he said he will kill me"],
    "serious_injury": ["istri dipukul sampai pingsan", "kepala anak berdarah ditendang ayahnya"],
    "suicide_self_harm": [
        "mau bunuh diri",
        "mending mati aja",
        "minum racun aja",
        "barusan minum obat banyak banget",
        "udah ga kuat hidup",
        "pengen mati",
        "pengen nyilet tangan",
        "i want to kill myself",
        "i want to die",
        # An overdose told in English (invented wordings; the gate of a release lost one such labelled message).
        "i just took a whole bottle of sleeping pills",
        "she swallowed all her pills an hour ago",
        "took too many painkillers and i feel weird",
    ],
    "sexual_assault_recent": [
        "saya diperkosa semalam",
        "anak saya barusan dicabuli",
        "dirudapaksa kemarin",
        "i was raped last night",
    ],
    "confined_now": [
        "saya dikurung suami",
        "sy dsekap majikan",
        "dikunci di kamar sama pacar",
        "tidak boleh pulang sama majikan",
        "my boyfriend locked me in",
    ],
    "child_left_alone": ["bayi tetangga ditinggal sendirian dari pagi"],
    "handover_imminent": ["besok adik saya dibawa calo ke malaysia", "mau dijemput calo malam ini, aku takut"],
    "abuser_returning_now": ["paman sering masuk kamar, malam ini dia di rumah lagi"],
    "abduction_now": ["anak saya barusan dibawa kabur ayahnya"],
}

# Indirect and regional wordings (handlers.safety._indirect); invented messages.
INDIRECT_EMERGENCIES = [
    ("weapon_threat", "itu bapaknya mamuku didorong jatuh, sekarang napegang badik di dapur"),
    ("weapon_threat", "suami kirim foto golok, tulisannya 'tunggu aku pulang'"),
    ("perpetrator_present", "aku ga bisa ngomong lama, dia di sebelah. jgn chat balik ya"),
    ("abuser_returning_now", "mantan ngancem mau dateng ke kos nanti malam buat ngasih pelajaran"),
    ("suicide_self_harm", "aku cuma mau pamit. makasih udh pernah bales chatku"),
    ("suicide_self_harm", "udah siap. surat udh di meja"),
    ("suicide_self_harm", "ya udah aku pamit ya. suratnya udh aku taruh di meja"),
    ("suicide_self_harm", "gimana caranya biar ga ngerasain apa2 lagi"),
    ("serious_injury", "mama dipukul papa pake kursi terus mama ga gerak"),
    ("violence_now", "tolong segera, ada perempuan diarak warga di gang sebelah"),
    ("violence_now", "ada suara anak jerit2 dr rumah sebelah dari tadi kayak dipukulin"),
    ("sexual_assault_recent", "temenku diapa2in sm kakak kelas kemarin, skrg diem terus"),
    ("sexual_assault_recent", "I was raped at a party last night and I havent showered"),
    ("confined_now", "pacar ngunci aku di apartemen trs pergi bawa hp aku"),
    ("confined_now", "ana bocah cilik dirante neng mburi omah"),
    ("violence_now", "someone is abusing a small child on a live stream right now"),
    ("suicide_self_harm", "temen kos nangis di atap, bilang mau loncat"),
    ("handover_imminent", "aku dipaksa om ngelayanin temen2nya, malam ini disuruh lagi"),
    ("perpetrator_present", "murid saya cerita ayahnya sering pegang2 dia, dia takut pulang nanti siang"),
    ("abduction_now", "anakku kelas 2 SD durung mulih, dijemput wong lanang sing ngaku omnya, kami ga kenal"),
    ("handover_imminent", "ponakan umur 16 besok subuh berangkat ke batam, kerja karaoke katanya, kenal di fb"),
    ("suicide_self_harm", "anak2 udah aku titipin ke tetangga. aku sekarang lagi di jembatan"),
    ("suicide_self_harm", "my cousin texted 'tell my mom i love her' and now her phone is off"),
    ("kill_threat", "mantan bilang malam ini mau nyelesaiin aku kalo ketemu"),
    ("sexual_assault_recent", "my sister was raped at a party this afternoon"),
    ("suicide_self_harm", "suami ngancam bunuh diri sambil megang pisau di dapur"),
    ("confined_now", "anak tetangga sering dikurung, sekarang lagi dikunci di gudang dari pagi"),
    ("violence_now", "bapak mabuk lagi, udah mulai lempar2 piring"),
    ("suicide_self_harm", "my friend says she doesn't want to live anymore and she's standing on the roof"),
    ("suicide_self_harm", "aku sering kepikiran nyakitin anak sendiri, aku takut sama diriku sendiri"),
    ("suicide_self_harm", "makasih ya semuanya, besok pagi aku udah gak ada"),
    ("sexual_assault_recent", "murid TK saya bilang om nya suka masukin jari, tadi siang dia jalan kesakitan"),
    # The act's own time words decide even when "sekarang" tells the aftermath in the same clause.
    ("sexual_assault_recent", "tadi malam aku diperkosa sekarang mau lapor gimana"),
    # The everyday verbs of touching, with an intimate part as their object, now or just now.
    ("sexual_assault_recent", "tolong drivernya pegang paha saya sekarang"),
    ("sexual_assault_recent", "tadi di angkot ada bapak2 megang pantat aku"),
    ("abduction_now", "sopir travel sekarang bawa aku ke jalan yang sepi, tolong"),
    ("sexual_assault_recent", "tolong, bos lagi pegang pegang dada saya di ruangannya"),  # "lagi": going on
]


@pytest.mark.parametrize(
    ("cue", "text"), [(cue, t) for cue, texts in EMERGENCIES.items() for t in texts] + INDIRECT_EMERGENCIES
)
def test_emergency_cue_fires(cue: str, text: str) -> None:
    report = detect_danger(text)
    assert report.level == "emergency", (text, report)
    assert cue in report.cues


@pytest.mark.parametrize(
    "text",
    [
        "tahun lalu saya dipukul suami sampai pingsan",
        "dulu waktu kecil saya pernah dikurung ayah",
        "tahun lalu dia pernah ngancam bunuh saya",
        "saya tidak mau bunuh diri kok, cuma capek",
    ],
)
def test_past_or_negated_lowers_to_high(text: str) -> None:
    assert detect_danger(text).level == "high"


def test_present_marker_wins_over_past() -> None:
    assert detect_danger("dulu sering, sekarang dia lagi mukulin saya lagi").level == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "puspaga itu apa ya?",
        "dua tahun lalu saya ditendang suami, sekarang sudah cerai",
        "apakah KDRT bisa dilaporkan?",
        "tolong info alamat UPTD PPA",
        "baca berita kekerasan anak di koran, kasihan ya",
        "suami saya tinju sama temennya di gym tiap sabtu",
        "anak saya batuk pilek, obat batuk anak apa ya",
        "hp saya mau mati baterainya",
        "tadi aku pegang dada ayam buat dimasak",  # a touching verb, a cut of meat
        "tadi aku pegang susu kotak buat adik",
        "ibu sedang memegang bayi di teras",  # "memegang" is "to hold"
        "sekarang saya memegang jabatan ketua rt",
        "tadi aku pegang hp terus sampai lupa makan",
        "pisau dapur saya tumpul",
        "besok anak saya dijemput sekolah jam 12",
        "lagu yang judulnya bunuh diri itu siapa penyanyinya",
        "saya tidak sadar kalau pesannya sudah terkirim",
        "patah hati diputusin pacar",
        "selamat malam kak",
        "i took my pills this morning",
        "forgot to take my meds again",
        "my mother took all the medicine boxes to the clinic",
        "the doctor said take two pills a day",
        "",
    ],
)
def test_calm_messages_do_not_fire(text: str) -> None:
    assert detect_danger(text).level is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "😭😭😭",
        "\u200b\u200e\u202e\u2066",
        "?!?!...,,,",
        "'; DROP TABLE cases; --",
        "a" * 20000,
        "dipukul " * 2500,
        "tolong " * 3000,
        "x y " * 10000,
    ],
)
def test_bad_input_is_fast_and_safe(text: str) -> None:
    t0 = time.perf_counter()
    report = detect_danger(text)
    assert report.level in (None, "high", "emergency")
    assert time.perf_counter() - t0 < 2.0


@pytest.mark.parametrize(
    ("token", "family"),
    [
        ("dipukulin", "physical"), ("mukulin", "physical"), ("nonjok", "physical"), ("digampar", "physical"),
        ("mamukuli", "physical"), ("diteunggeulan", "physical"), ("ngunci", "confine"), ("disekap", "confine"),
        ("dilecehin", "sexual"), ("nyolek", "sexual"), ("ngebunuh", "kill"), ("nyilet", "selfharm"),
        ("kunci", None), ("ikat", None), ("makan", None), ("kehabisan", None), ("membantu", None),
    ],
)
def test_harm_family_strips_affixes(token: str, family: str | None) -> None:
    assert harm_family(token) == family


# Invented examples of each emergency family the stem rules must generalise to (not copied from any set).
STRUCTURAL_EMERGENCIES = [
    "bapak tiri barusan nampar adek aku sampe jatoh",  # act + barusan
    "abang ipar lg nonjokin kakak sy di teras",  # pre-verb "lagi"
    "laki ambo sadang mamukuli anak ambo",  # Minang
    "pacar nyeret aku keluar kos td malem, skrg dia nunggu di bawah",
    "istriku dikunciin di gudang sm ibunya sejak pagi ini",
    "udah siapin tali di kamar, maafin aku ma",  # self-harm euphemism
    "mending tidur aja trs ga bangun lagi selamanya",
    "aku barusan nelen obat tidur sepapan",
    "kalo besok aku udah ga ada, tolong jagain kucingku",
    "om tetangga semalem maksa aku ngelakuin itu di gudang",  # sexual within 72 h, indirect
    "she was raped two nights ago at a party",
    "ada bocah sendirian nangis di halte dari sore, udah jam 10 malam",
    "ada cewek ditarik2 masuk ke mobil box di depan minimarket",
    "mantan ngancem mau nyiram aku pake air keras, dia lg di depan kos",
    "my uncle is drunk and trying to open my door",
    "anak sy 13 thn belum pulang dari kemarin, terakhir chat sama orang dari game online",
    "tkw di sana paspornya dipegang agen, mau diberangkatin malam ini",
    "mbak kulo dipun kunci wonten kamar kaliyan juragan",  # Javanese krama
    # Families found missing on blind sets E and F (invented wordings, not the lines themselves):
    "kakak lg ditindih pacarnya, dia udah ga bisa napas",  # pinned down, cannot breathe
    "bojo kula ngancam badhe mejahi kula, sapunika wonten ngajeng griya",  # Javanese krama threat, present
    "bapak pulang jam 9 nanti, kalo tau aku cerita pasti dihajar lagi",  # back within hours, sure beating
    "keponakan sy umur 13 mau dinikahkan besok sama juragan",  # child married off tomorrow
    "anakku diancam fotonya disebar kalo ga mau ketemuan di kost nanti malam",  # sextortion meeting tonight
    "di travel, dijemput calo, hp kami disita dan ga boleh turun",  # held in transit by a recruiter
    "maafin aku ya bu, aku pamit. jangan cari aku lagi",  # goodbye note
    "ada bayi dibuang di semak2 belakang pasar, masih nangis",  # baby abandoned now
    "kakakku kerja di perusahaan scam di laos, paspornya disita, kemarin disetrum",  # held abroad and hurt
    "he said he is coming back tonight to teach me a lesson",
]


@pytest.mark.parametrize("text", STRUCTURAL_EMERGENCIES)
def test_structural_emergency_families(text: str) -> None:
    assert detect_danger(text).level == "emergency", (text, detect_danger(text))


@pytest.mark.parametrize(
    "text",
    [
        "suami sy dulu sering mukulin, skrg udah cerai dan aman",
        "ayah sering mukul ibu, terakhir minggu lalu",
        "istri gw galak, td gw dipukul pake centong 😂",
        "jam pukul 3 sore ada sosialisasi di balai desa",
        "kunci motor saya hilang tadi pagi",
        "lagi nyiram tanaman sama anak",
        "sepupu saya nikah besok, boleh minta info katering?",  # a wedding, no child, no force
        "sy mantan ABK, paspor dulu ditahan agen, sekarang sudah pulang ke rumah",  # held in the past, over
        "minta maaf ya kak, aku pamit dulu mau makan",  # a goodbye in chat, not a note
        # Indirect cues (handlers.safety._indirect) need a second signal.
        "mau pamit dulu ya kak, makasih",
        "jangan chat balik ya, aku lagi di kantor",
        "pengantin diarak keliling kampung tadi sore",
        "aku belum mandi dari pagi",
        "temen mau datang ke rumah nanti malam buat ngajarin matematika",
        "sepeda dirante di depan toko",
        "dipaksa sama bos lembur kemarin sampai sakit kepala",
        "aku dijak kancaku nonton mau bengi",
        "suami saya di ruang tamu lagi nonton tv, saya gak bisa chat lama",
        "aku takut pulang kemalaman",
        "mau loncat ke kolam renang",
        "episode podcast kemarin tentang sekte yang nyekap anggotanya",
        "pas SMA aku pernah dipaksa pacar, sekarang aku sudah kuliah, mau konseling",
        # Recurring, over, far away, a lever, a threat, a dream: high or lower, not a page now.
        "keponakan sering dikurung di kamar mandi sama ibunya kalau rewel",
        "anak tetangga sering ditinggal sendirian seharian kalau ibunya kerja",
        "adikku kemarin dikunci di gudang sama ayah tiri, sekarang udah dikeluarin",
        "pacarku suka ngancem bunuh diri kalo aku main sama temen",
        "kata dia kalau aku putusin dia bakal bunuh diri",
        "ibunya teriak mati aja kamu ke anaknya tiap hari",
        "suami ngancam mau bunuh aku, tapi dia kerja di papua sampai bulan depan",
        "preman kemarin ngancam bakal merkosa kakakku kalau ga bayar utang",
        "suami nyekik aku 5 hari lalu, sekarang dia minta maaf terus",
        "aku pernah dipukul ayah waktu SMP, sekarang aku 30",
        "td mimpi dikejar orang bawa golok, untung cuma mimpi",
        "ada video hoaks anak dipukul guru tadi di grup, beneran ga ya",
        "tolong cek cerpen aku, ceritanya anak yang dipukul ayahnya",
        "besok berangkat ke malaysia lewat agen resmi, kontraknya sudah saya baca",
        "anak saya mulai mukul temannya di sekolah, gimana ngajarinnya",
        "tadi pacar nampar aku di mall, aku udah pulang sendiri, aku gapapa cuma malu",
        "apakah benar ada aturan baru perempuan tidak boleh keluar malam?",
        "kapungkur abdi kantos dipukul ku salaki, ayeuna tos cerai",
        # "Now" in the next clause tells the aftermath; a habit or a remorseful parent is not a page now.
        "kemarin kakakku dipukul suaminya sampai tangannya patah. sekarang di rumah sakit",
        "waktu aku kecil sepupu pernah maksa aku ngelakuin gituan. sekarang aku bingung",
        "waktu umur 10 aku pernah dilecehkan guru ngaji. baru berani cerita sekarang",
        "nenek kadang dikunci di luar rumah kalau anaknya marah. tadi siang nenek minta makan ke tetangga",
        "kemarin anak saya diikat di kursi sama pengasuh daycare, ada rekaman cctv nya",
        "kakak saya 30 tahun ditinggal suaminya setahun tanpa kabar, mau gugat cerai",
        "saya sering kelepasan mukul anak kalau capek, tadi pagi juga. saya menyesal, ada kelas parenting?",
        "dulu disuruh ngamen sama ayah. sekarang aku 22, masih marah dan susah percaya orang",
    ],
)
def test_structural_calm_or_past_not_emergency(text: str) -> None:
    assert detect_danger(text).level != "emergency", (text, detect_danger(text))


def test_laki_laki_is_a_man_and_smp_can_mean_sampai() -> None:
    assert normalise("dijodohkan dgn laki2 umur 30an") == "dijodohkan dengan laki laki umur 30an"
    assert normalise("lakinya mukul") == "suaminya memukul"
    assert normalise("nyekik aku smp lemes") == "mencekik saya sampai lemes"
    assert normalise("aku SMP") == "saya smp"
    assert normalise("bapaknya anak-anak ngamuk lagi").startswith("suami")


@pytest.mark.parametrize(
    "text",
    [
        "wife keeps slapping me when shes angry and tells my kids im useless. last time was on sunday",
        "bapak sy tiap hari blg sy anak haram, sy gk boleh keluar rumah selain sekolah, hp dicek trs",
        "di grup alumni ada yg nyebarin foto aku lg tidur di kosan yg diambil diem2, dikasih caption cabul",
    ],
)
def test_recurring_restricted_or_pictured_is_not_a_page(text: str) -> None:
    assert detect_danger(text).level != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "he keeps slapping me right now, please help",
        "sy dikunci di kamar sama bapak, gk boleh keluar rumah sama sekali, skrg",
    ],
)
def test_the_same_acts_now_are_still_a_page(text: str) -> None:
    assert detect_danger(text).level == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "i don't think i'll be here tomorrow. thank you for everything. he won't stop hitting me anyway",
        "teh, budak abdi nembe dirogahala ku tatangga, umurna 6 taun, kumaha ieu",
    ],
)
def test_english_farewell_and_sundanese_recent_assault_are_pages(text: str) -> None:
    assert detect_danger(text).level == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "aku 15 thn, ayah kandung aku sering pegang2 aku. ayah lg kerja di luar kota sampe bulan depan",
        "anak sy 15 di pondok cerita ustadznya suka manggil santriwati ke kamar malem2",
        "ayah tiri sy bilang kalo sy cerita ke siapa2 soal 'itu' dia bakal bunuh ibu. sy kls 1 SMA",
        "sinetron tadi malem suaminya jahat bgt sm istrinya, mukulin terus, gemes aku nontonnya",
    ],
)
def test_away_for_weeks_habits_secrecy_threats_and_soaps_are_not_pages(text: str) -> None:
    assert detect_danger(text).level != "emergency"


def test_a_secrecy_threat_with_a_now_marker_is_still_a_page() -> None:
    assert detect_danger("kalo aku cerita dia bunuh aku, dia sekarang di depan kamar bawa pisau").level == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "adek aku 12 th janjian ketemu 'kakak' dari game online di mall jam 4 sore ini, orangnya sering minta foto",
        "nyuwun tulung, anak kula taksih SD dipun gebugi bapakipun sakmenika, sirahipun ngantos getihen",
        "temen aku baru chat 'makasih udah jadi temen baik, maaf ya' terus ga bisa dihubungi. aku takut dia nekat",
    ],
)
def test_a_groomer_meeting_today_krama_and_a_friends_goodbye_are_pages(text: str) -> None:
    assert detect_danger(text).level == "emergency"


def test_a_child_meeting_a_classmate_is_not_a_page() -> None:
    text = "anak saya main game online sama temen sekelas, besok mau ketemuan di sekolah jam 7"
    assert detect_danger(text).level is None


@pytest.mark.parametrize(
    "text",
    [
        "suamiku sering ngatain aku, hpku dicek tiap hari, aku ga boleh keluar rumah tanpa izin. udah 3 tahun gini",
        "min td sy liat video viral guru mukul murid di tiktok, itu udah ditangani blm ya?",
        "td di arisan ibu2 pada gosipin bu Sari katanya dipukul suaminya, tp ternyata cuma gosip",
        "aku dipukulin bapak tiap dia pulang mabuk, terakhir 3 hari lalu. sekarang bapak lagi kerja di luar kota",
    ],
)
def test_rules_at_home_videos_gossip_and_an_absent_father_are_not_pages(text: str) -> None:
    assert detect_danger(text).level != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "kak temenku chat aku 'makasih udh jd temen terbaik, titip kucingku ya'. hpnya skrg gk aktif",
        "Pak, saya ABK di kapal ikan perairan Somalia, kapten pukul kami tiap hari, kami tidak bisa turun",
    ],
)
def test_a_pet_given_away_and_crew_held_at_sea_are_pages(text: str) -> None:
    assert detect_danger(text).level == "emergency"


def test_a_thank_you_to_a_friend_is_not_a_goodbye() -> None:
    assert detect_danger("makasih udah jadi temen baik selama ini, sampai ketemu di reuni ya").level is None


@pytest.mark.parametrize("text", [
    "surat izin sudah saya taruh di meja bu guru, saya pamit pulang dulu",
    "suratnya udah di meja pak, saya pamit",
    "surat lamaran sudah aku taro di meja, capek banget hari ini",
])
def test_a_document_left_on_a_desk_is_not_a_goodbye_letter(text: str) -> None:
    assert detect_danger(text).level is None


def test_a_friend_who_thanks_gives_things_away_and_goes_unreachable_is_a_page() -> None:
    text = ("kak temenku dr td siang chat aneh2, bilang makasih udah jd temen paling baik, trus kucing sama hp lamanya "
            "dikasih ke aku. skrg ga bisa ditelpon sama sekali")
    assert detect_danger(text).level == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "kak tolong aku diculik, tadi dijemput orang ngaku om aku, skrg di mobil gak tau mau dibawa kemana",
        "bayi tetangga umur 3 bulan ditinggal ibunya sejak tadi subuh, nangis terus di kamar",
        "mbak aku semalam dicekoki minum trus ga sadar, bangun2 udah ga pake baju di kamar kos orang",
        "adhiku sing isih SMP jare arep ngendat, wis pamitan neng grup",
        "temenku bikin status wa 'selamat tinggal semuanya', skrg hpnya mati",
    ],
)
def test_abduction_an_infant_left_since_last_night_a_drugged_assault_and_javanese_hanging_are_pages(
    text: str,
) -> None:
    assert detect_danger(text).level == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "minggu ini aku dihajar deadline kantor parah bgt",
        "malam ini mau ngehajar revisi skripsi sampe kelar",
        "sy korban pelecehan di bus bulan agustus kemarin, masih bisa lapor ga",
        "istri tetangga gak boleh keluar rumah sama suaminya, hpnya dipegang, udah setahun gitu",
        "ada orang yg nyebarin nomor saya di grup mesum, skrg tiap hari ada yg telp video cabul",
        "pacarku ngancam nyebarin foto kalau aku putusin, udah sebulan aku kayak disandera",
        "anak sy dipalak kakak kelas, kemarin bajunya robek dan pipinya memar",
        "ayah tiap mabok ngomong mau bunuh ibu, udah berbulan2. skrg lagi gak di rumah",
        "tetangga ngancam mau bakar rumah kami kalo anaknya dilaporin lagi ke polisi",
        "kemarin cowok itu nunggu di depan kos aku lagi, dia sering nguntit",
        "saya sudah pisah dari suami yang suka nyiksa, sekarang mau lapor, kejadiannya sudah 2 tahun",
        "keponakan sy kelas 9, sekarang kelas 10 dan sering disuruh nginep di kos pacarnya yg om2",
    ],
)
def test_figures_of_speech_months_gone_chronic_control_content_and_conditional_threats_are_not_pages(
    text: str,
) -> None:
    assert detect_danger(text).level != "emergency"


def test_a_toddler_left_every_day_is_neglect_not_a_page() -> None:
    text = "balita tetangga sering ditinggal sendirian di rumah dari pagi sampai sore, ibunya kerja"
    assert detect_danger(text).level != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "suami pernah nampar saya 2 tahun lalu, sekarang dia sudah berubah. masih bisa lapor?",
        "temen aku baru cerita ke aku tadi kalau dia pernah diperkosa, tapi kejadiannya 3 tahun lalu",
        "adik sy sering dipalak, kalau gak ngasih diancam dipukul. sekarang jadi takut sekolah",
        "anakku udah 3 hari ngurung diri di kamar gara2 dibully di grup kelas",
        "suami gak bolehin sy keluar rumah kecuali sama dia, hp sy dicek tiap hari",
        "aku difoto pas lagi tidur trus disebar di grup kelas, itu minggu lalu",
        "mantan pacar istri saya ngancam bakal nyiram air keras kalo ketemu dia",
        "suami main judi online, perhiasan sy dijual paksa, kalau gak dikasih dia banting barang",
        "anak sy main game pake karakter bawa pedang sama pistol, aman ga ya",
        "cowokku bilang mau bunuh diri kalo aku putusin dia, aku jadi takut ninggalin",
        "kucing gw gigit tangan gw sampe berdarah parah",
        "anak sy dipukul guru pakai penggaris besi sampai bengkak, kejadiannya rabu kemarin",
    ],
)
def test_aftermath_disclosure_dates_threats_control_games_and_pets_are_not_pages(text: str) -> None:
    assert detect_danger(text).level != "emergency"


def test_fear_that_a_despairing_friend_does_something_reckless_is_still_a_page() -> None:
    assert detect_danger("temenku dari tadi bilang udah capek hidup, hpnya mati, aku takut dia nekat").level == (
        "emergency")


def test_a_year_gone_by_follows_the_calendar() -> None:
    from datetime import date

    gone = date.today().year - 2
    assert detect_danger(f"saya diperkosa mantan pacar tahun {gone}, sekarang baru berani cerita").level != (
        "emergency")
    assert detect_danger("tolong saya diperkosa tadi malam, sekarang masih di kamar dia").level == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "maaf ya semua, aku udah capek banget. titip kucingku ya, dia suka makan jam 7",
        "ada grup yg jual video anak2, adminnya bilang mau live nanti malam jam 9 sama anak beneran",
    ],
)
def test_a_writers_own_goodbye_and_a_planned_live_abuse_of_a_child_are_pages(text: str) -> None:
    assert detect_danger(text).level == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "tadi nonton kartun sama anak sy ada adegan bunuh2an, aman gak ya buat umur 7",
        "baheula abdi sok digebugan ku bapa, ayeuna bapa tos sepuh tapi abdi masih sieun",
        "bapak dulu sering mukul ibu, sekarang udah akur, tapi saya masih marah sama bapak",
    ],
)
def test_cartoons_sundanese_past_and_the_writers_own_anger_are_not_pages(text: str) -> None:
    assert detect_danger(text).level != "emergency"


@pytest.mark.parametrize("text", [
    "maaf kak aku udah gak kuat lagi di rumah ini. ini pesan terakhir aku. makasih udh ada",
    "aku pamit ya kak, mungkin ini chat terakhirku",
])
def test_a_last_message_with_a_goodbye_is_a_page(text: str) -> None:
    assert detect_danger(text).level == "emergency"


@pytest.mark.parametrize("text", [
    "ini pesan terakhir saya soal tagihan ini, tolong dibalas",
    "maaf ini chat terakhir aku malam ini ya kak, makasih udah dengerin, besok aku lanjut cerita",
    "chat terakhir kamu jam berapa sih?",
])
def test_a_last_message_of_the_day_or_a_complaint_is_not_a_goodbye(text: str) -> None:
    assert detect_danger(text).level is None
