"""Hand-written (invented) examples aimed at the confusions measured on the labelled sets.

Imported by gen_nlu.py after examples.py; it appends to the same dicts. Nothing here is copied from
shared/triage/dev.jsonl.
"""

from __future__ import annotations

from examples import CONVERSATION, FAQ, REPORTS

# (2) hitting / strangling happening now: physical, not neglect ---------------------------------------------
REPORTS["report_physical"] += [
    "tolong [suami](relationship) lagi mukulin aku [sekarang](time_ref), aku ngunci diri di kamar mandi",
    "dia lagi nyekik aku barusan, aku kabur ke rumah tetangga",
    "[bapak](relationship) lagi ngamuk mukulin ibu pake kayu, [sekarang](time_ref) juga",
    "aku lagi dipukulin, tolong cepet",
    "[suami](relationship) masih di luar kamar bawa parang, tadi aku dicekik",
    "kakak lagi dihajar pacarnya di kos, kedengeran teriak2",
    "[skrg](time_ref) [laki](relationship) gw lagi mabok dan nendangin gw",
    "ibu dicekik [ayah](relationship) barusan sampai pingsan",
    "tetangga lagi mukulin anaknya pakai selang, anaknya jerit2 dari tadi",
    "dia lagi gedor2 pintu, tadi aku ditampar sampe bibir berdarah",
    "help my [husband](relationship) is hitting me right now",
    "barusan dibanting [suami](relationship), kepala kebentur lantai",
    "[mertua](relationship) lagi mukulin istriku, aku di jalan pulang",
    "anak kecil di sebelah dipukul terus dari tadi, suaranya kedengeran",
    # senior hazing: physical / psychological, not exploitation
    "aku dipukulin [kakak kelas](relationship) pas ospek, disuruh push up sampe muntah",
    "adikku di pesantren dihajar senior tiap malam, badannya memar",
    "anak saya ditendang [senior](relationship) waktu MOS, sekarang ga mau sekolah",
    "di asrama taruna adikku dipukuli senior kalau salah hormat",
    "junior disuruh berdiri semalaman dan ditampar senior di mess kampus",
    # legal help for divorce because of violence: a report
    "saya mau pendampingan hukum buat gugat cerai, suami sering mukul",
    "butuh pengacara untuk cerai karena KDRT, saya sering dipukuli",
    "mau cerai karena [suami](relationship) ringan tangan, bisa dibantu pendampingan?",
    # regional languages
    "ambo acok dipukua dek [suami](relationship) ambo, baa caro malapor?",
    "adiak ambo dipukua apak tirinyo, badannyo lubam-lubam",
    "abdi sok digebugan ku [salaki](relationship), kedah kumaha?",
    "budak abdi ditampiling ku guruna di sakola",
    "kulo asring dipun pukul kaliyan garwa kulo, nyuwun pitulungan",
    "anak kulo dipun gebugi [bapak](relationship) tirinipun, kedah lapor dateng pundi?",
    "aku diantemi bojoku wingi bengi, raiku bonyok",
]
REPORTS["report_psychological"] += [
    "[kakak kelas](relationship) ngancem aku kalau ga mau beliin rokok, tiap hari dipalak dan dikatain",
    "senior di kampus nyuruh junior jongkok sambil dimaki-maki, aku trauma",
    "anak saya dibully senior di pondok, dikucilkan dan diejek tiap hari",
    "kulo dipun sepelekaken lan dipun ancam kaliyan garwa kulo saben dinten",
    "ambo acok dimaki jo diancam dek [suami](relationship), alah indak tahan",
    "abdi sok dihina sareng diancam ku [salaki](relationship)",
    "aku dikata-katain goblok tiap hari sama [ibu](relationship), kadang pengen ngilang aja",
]

# sexual: forced sex, harassment by boss/client, intimate photos, sextortion, laps, filming ----------------
REPORTS["report_sexual"] += [
    "[suami](relationship) maksa berhubungan tiap malam walau saya nolak dan lagi sakit",
    "aku dipaksa ngeseks sama [pacar](relationship), kalau nolak dia ngamuk",
    "semalam aku dipaksa tidur sama [bos](relationship) di hotel pas dinas luar kota",
    "[atasan](relationship) sering pegang pinggang dan ngajak ngamar, kalau nolak diancam dipecat",
    "klien di kantor suka ngomong jorok dan pegang paha saya waktu meeting",
    "[bos](relationship) kirim chat mesum tiap malam dan minta foto",
    "customer di toko sering colek-colek dada saya, bos cuma ketawa",
    "[rekan kerja](relationship) ngirimin foto alat kelaminnya ke wa saya",
    "temen kantor kirim video porno ke saya terus, udah saya tegur tetep",
    "mantan ngancam nyebarin foto bugil aku kalau aku ga balikan",
    "ada akun yang minta uang, katanya kalau ga transfer video call aku disebar",
    "foto intim aku disebar [mantan](relationship) di grup wa kampus",
    "aku diperas orang yang kenal di ig, dia punya foto telanjangku",
    "video aku lagi mandi direkam diam-diam dan dikirim ke temen2nya",
    "anakku disuruh duduk di pangkuan guru ngaji dan dipeluk-peluk",
    "guru les nyuruh murid perempuan duduk di pangkuannya tiap pelajaran",
    "ada om-om ngerekam anak-anak mandi di sungai pakai hp",
    "anak saya difoto-foto tanpa baju sama [tetangga](relationship)",
    "[pelatih](relationship) sepak bola nyuruh anak saya pijitin dia di kamar ganti",
    "anak laki-laki saya dipaksa pelatih renang mijitin badannya sampai ke selangkangan",
    "[mertua](relationship) suka ngelus-ngelus paha saya kalau suami ga di rumah",
    "[ipar](relationship) sering raba-raba paha aku waktu duduk sebelahan",
    "adik saya korban pelecehan, mau minta konseling buat dia",
    "aku korban pelecehan [tahun lalu](time_ref), mau konseling sekarang",
    "anak saya dicabuli tahun lalu, masih trauma, butuh psikolog",
    "abdi dilecehkeun ku [bos](relationship) di pabrik, sok dirampa-rampa",
    "kulo dipun lecehaken kaliyan [juragan](relationship) kulo",
    "anak ambo dicabuli urang kampuang sabalah",
]

# suicide / self-harm: report_other (never neglect) ------------------------------------------------------
REPORTS["report_other"] += [
    "aku udah ga kuat, pengen mati aja",
    "aku mau bunuh diri malam ini",
    "udah nyiapin obat banyak, maaf semuanya",
    "aku barusan nyilet tangan lagi",
    "mending aku mati aja daripada gini terus",
    "saya sudah minum obat nyamuk, maaf",
    "pengen loncat dari jembatan rasanya",
    "adik saya bilang mau gantung diri, dia kurung diri di kamar",
    "temen aku posting surat perpisahan, katanya mau ngakhirin hidup",
    "aku capek hidup, ga ada yang peduli",
    "I want to end my life tonight",
    # past incident asking how to report
    "kejadiannya udah lama, dua tahun lalu, masih bisa lapor ga?",
    "kejadiannya setahun yang lalu, gimana cara lapornya kalau pelakunya masih deket rumah?",
    "saya mau lapor kejadian lama, dulu waktu SMP, apa masih bisa diproses?",
    "ado kakerasan di rumah tanggo ambo, baa caro mangadu?",
    "nyuwun sewu, kulo badhe lapor wonten kekerasan wonten griya kulo",
]
REPORTS["report_neglect"] += [
    "[suami](relationship) sudah tiga bulan ga pulang dan ga kirim uang buat anak",
    "bayi tetangga ditinggal sendirian di rumah seharian, nangis terus",
]
REPORTS["report_exploitation"] += [
    "[bos](relationship) ga bayar gaji 3 bulan dan nahan ijazah saya",
    "anak-anak di perempatan disuruh ngemis sampai tengah malam, uangnya disetor ke bosnya",
]

# (1) non-reports that mention children or violence -----------------------------------------------------
CONVERSATION["out_of_scope"] += [
    # civil paperwork / marriage rules
    "cara bikin kartu keluarga setelah menikah", "syarat pindah KK ke alamat suami apa aja",
    "cara ganti status di KTP setelah nikah", "usia minimal menikah buat perempuan berapa tahun",
    "umur berapa boleh nikah di KUA", "syarat dispensasi nikah apa aja", "cara bikin akta lahir anak yang baru lahir",
    "cara urus KIA kartu identitas anak", "urus surat pindah domisili di mana",
    # wrong message / small talk
    "maaf kak salah kirim", "eh sorry salah chat", "maaf ke-send", "maap salah nomor", "salah kirim wkwk",
    "kakak udah makan belum", "boleh minta nomor wa kakak", "mau kenalan dong min",
    # research / data / school assignments
    "saya dosen, butuh data jumlah kasus kekerasan anak tahun lalu untuk jurnal",
    "minta data statistik KDRT per kecamatan buat skripsi", "lagi riset ttg pernikahan anak, boleh wawancara?",
    "tugas PKn tentang perlindungan anak, boleh minta referensi", "wartawan, mau minta data kasus TPPO tahun ini",
    "bisa minta infografis angka kekerasan seksual buat presentasi?",
    # professionals asking about referral paths, speakers, partnerships
    "saya bidan desa, alur rujukan kasus kekerasan ke dinas gimana?",
    "saya guru BK, prosedur rujukan siswa korban ke UPTD seperti apa",
    "kami dari karang taruna mau undang pemateri tentang bullying",
    "bisa minta narasumber untuk seminar parenting di kantor?",
    "sekolah kami mau kerja sama sosialisasi anti kekerasan seksual",
    "saya perangkat desa, mau tanya SOP penanganan kasus anak",
    # sinetron / news / tiktok / animal videos / gossip
    "sinetron ikatan cinta semalem suaminya jahat banget nampar istrinya",
    "nonton drakor adegan pemerkosaannya bikin trauma nonton",
    "video di tiktok ada ibu mukulin anaknya, viral banget", "liat video di fb orang nyiksa anjing, kesel",
    "ada video monyet disiksa di youtube, bisa dilaporin ga", "berita hari ini ada kasus pembunuhan istri di tv",
    "tetangga pada ngerumpiin anak pak RT yg katanya hamil", "gosipnya sih artis itu KDRT ke istrinya",
    "dengar2 guru di sekolah sebelah dipecat gara2 cabul, bener ga ya",
    "kasus pelecehan di kampus itu udah diproses belum sih, penasaran",
    # martial arts / sport / play
    "anak saya mau ikut taekwondo, umur berapa boleh mulai", "suami saya ikut tinju amatir, suka memar",
    "anak2 main perang-perangan pake pedang kayu", "adek saya ikut karate, pulangnya biru2 kena tendang",
    "aku ikut latihan muay thai, ditendang pelatih pas sparring wkwk",
    # hyperbole and jokes
    "kubunuh kau kalau makan cokelatku lagi wkwk", "adekku minta ditabok, ngabisin mie instan gw",
    "pengen kucekik aja si bos kalo rapat molor terus haha", "rasanya pengen mati aja liat nilai ujian wkwk",
    "ibuku bakal bunuh aku kalau tau nilai raporku jelek wkwkwk", "temen gw digebukin emaknya gara2 pulang pagi wkwk bercanda",
    "aku dibully temen2 gara2 potongan rambut baru 😂", "pacarku ngancem ngambek kalau ga dibeliin boba haha",
    "bapak marah2 gara2 timnya kalah bola wkwk", "suami ngamuk gara2 wifi mati wkwk",
    # service questions that mention children or violence (non-reports) are FAQ below
]
FAQ["how_to_report"] += [
    "kalau mau lapor kekerasan anak prosedurnya gimana?", "alur pelaporan kasus kekerasan seperti apa",
    "lapor kekerasan bisa lewat wa aja?", "setelah lapor, apa yang terjadi selanjutnya?",
]
FAQ["documents"] += [
    "lapor kekerasan anak harus bawa akta kelahiran ga?", "dokumen apa aja buat lapor ke UPTD",
]
FAQ["cost"] += ["visum buat korban kekerasan bayar ga?", "konseling anak korban bayar berapa?"]
FAQ["prevention"] += [
    "gimana cara jelasin ke anak soal bagian tubuh yang ga boleh disentuh",
    "tips mencegah anak jadi korban bullying di sekolah",
]
FAQ["legal_aid"] += ["ada bantuan pengacara gratis ga buat korban?", "LBH yang kerja sama dengan dinas apa saja"]
CONVERSATION["greet"] += ["punten", "sugeng sonten", "wilujeng enjing", "assalamualaikum wr wb", "p min"]
CONVERSATION["thanks"] += ["matur suwun", "hatur nuhun", "tarimo kasih banyak yo"]

# --- second round: past incidents asking for help are reports; self-harm acts; stranger danger -------------
REPORTS["report_sexual"] += [
    "dulu aku pernah diperkosa mantan, sekarang mau tau hak hukumku",
    "waktu kecil saya pernah dicabuli sepupu, sekarang mau konseling",
    "anak saya korban pencabulan, kasusnya sudah disidang, butuh pendampingan psikolog",
    "video intim saya pernah disebar, sudah dihapus tapi saya takut muncul lagi",
    "aku diancam kenalan dari aplikasi kencan, dia minta duit kalau ga rekaman vcs kami disebar",
    "ada yang meras aku pakai screenshot video call telanjang",
    "tadi di bus ada bapak2 gesek2in badannya ke aku, aku masih gemeteran",
    "dipegang pantat sama orang asing di kereta tadi pagi",
    "anak perempuan saya 6 tahun ngeluh sakit di kemaluannya tiap pulang dari rumah pamannya",
    "anakku dijodohin sama om-om umur 40, dia masih SMP",
    "abdi bade dikawinkeun paksa ku kolot, abdi masih sakola",
    "kulo badhe dipun nikahaken peksa, kulo taksih 15 taun",
    "anak sy jadi saksi kasus pencabulan di sekolahnya, butuh pendamping",
    "ada orang asing ngikutin aku dari kampus sampai kos, sekarang dia nunggu di depan pintu",
]
REPORTS["report_physical"] += [
    "anak saya dicubit guru sampai biru-biru karena lupa bawa buku",
    "guru ngaji mukul tangan anak saya pakai penggaris sampai bengkak",
    "dulu suami pernah mukul sekali, sekarang saya masih takut, perlu konsultasi",
    "saya korban KDRT beberapa tahun lalu, apa masih bisa dilaporkan sekarang?",
    "kejadiannya tahun lalu, saya dipukuli mantan suami, masih bisa diproses?",
    "my sister's husband broke her nose, please help, I'm abroad",
]
REPORTS["report_psychological"] += [
    "tiap malam [bapak](relationship) teriak-teriak dan banting piring, kami semua ketakutan",
    "ibu saya dulu sering dimaki ayah, saya sekarang trauma dan butuh konseling",
    "[suami](relationship) suka ngomong kasar dan merendahkan, saya mau konseling",
    "anak saya dulu dibully di sekolah lama, sekarang masih murung, ada konseling?",
    "pacar ngancem bunuh diri kalau aku putusin dia",
]
REPORTS["report_other"] += [
    "saya sudah minum racun tikus, maaf",
    "aku udah nelen banyak pil tidur barusan",
    "aku lagi di atap gedung, mau lompat",
    "besok aku udah ga ada, titip adikku ya",
]
REPORTS["report_trafficking"] += [
    "saya dikunci di kamar sama majikan, tidak boleh keluar sudah 3 hari, ini pinjam hp teman",
    "ada anak SD dibawa orang asing naik motor, barusan, ke arah hutan",
    "keponakan saya kabur dari om yang mau bawa dia ke kota lain buat kerja, om nya nelpon terus",
]
REPORTS["report_neglect"] += [
    "saya ditinggal suami tanpa kabar dua tahun, tidak dinafkahi, mau gugat cerai",
    "ada murid saya tiap hari datang lapar dan bajunya kotor, orang tuanya ga pernah ada",
    "nemu bayi dibuang di depan masjid, masih hidup, harus lapor ke mana",
]
CONVERSATION["out_of_scope"] += [
    "mau nyumbang mainan buat anak-anak di panti, bisa lewat sini?",
    "mau donasi buku buat rumah aman bisa ga",
    "PR sekolah: jelaskan pengertian kekerasan seksual, bantu jawab dong",
    "tugas kelompok tentang hak anak, minta contoh soal",
    "gimana cara cek agen TKI resmi apa ngga",
]
FAQ["how_to_report"] += ["bisa lapor lewat telegram?", "lapor lewat chat aja bisa kan, ga usah telpon"]
FAQ["puspaga"] += ["konseling di puspaga bisa online lewat video call?", "puspaga ada kelas parenting buat bapak2?"]
FAQ["tppo"] += ["cara cek perusahaan penyalur pekerja migran resmi atau tidak"]
FAQ["safe_house"] += ["rumah aman di kota ini ada ga untuk korban?"]

# --- third round: keep boss/workplace non-sexual abuse, online selling and divorce paperwork apart ---------
REPORTS["report_psychological"] += [
    "[atasan](relationship) saya tiap hari membentak dan mengancam memecat kalau saya protes",
    "my manager screams at me every day and says he will fire me",
    "[bos](relationship) ngancem potong gaji dan maki-maki saya di depan karyawan lain",
    "[orang tua](relationship) ngancem ngusir aku dari rumah kalau aku ga nurut",
    "[bapak](relationship) bilang aku bakal diusir kalau ketahuan punya pacar",
]
REPORTS["report_exploitation"] += [
    "[bos](relationship) nyuruh lembur tiap hari tanpa bayaran, kalau nolak diancam dipecat",
]
REPORTS["report_trafficking"] += [
    "ada grup telegram yang menawarkan anak-anak perempuan untuk dijual",
    "people are selling young women through a facebook group here",
    "ada akun medsos yang jualan gadis di bawah umur ke om-om",
]
CONVERSATION["out_of_scope"] += [
    "cara urus akta cerai di pengadilan", "syarat daftar gugatan cerai online", "biaya sidang cerai berapa",
    "cara ambil salinan putusan cerai", "cara ganti nama di akta lahir anak",
]
