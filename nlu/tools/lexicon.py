"""Entity vocabularies shared by the NLU data generator.

Canonical value -> surface forms. The surface forms become training annotations, synonyms (so
``EntitySynonymMapper`` maps e.g. ``bokap`` to ``ayah``) and lookup tables (so ``RegexFeaturizer`` knows the
words even in sentences DIET has not seen).
"""

from __future__ import annotations

RELATIONSHIP: dict[str, list[str]] = {
    "suami": ["suami", "suamiku", "laki saya", "lakiku", "misua", "pak suami", "husband", "salaki", "laki", "bojoku"],
    "istri": ["istri", "istriku", "bini", "wife"],
    "pacar": ["pacar", "pacarku", "cowok", "cowokku", "cowo", "cewek", "cewekku", "boyfriend",
              "girlfriend"],
    "mantan": ["mantan", "mantanku", "mantan pacar", "mantan suami", "mantan istri", "ex", "ex-boyfriend"],
    "ayah": ["ayah", "bapak", "bapakku", "ayahku", "papa", "papaku", "bokap", "abah", "babe", "father", "dad",
             "bapake"],
    "ibu": ["ibu", "ibuku", "mama", "mamaku", "nyokap", "emak", "umi", "mother", "mom"],
    "ayah tiri": ["ayah tiri", "bapak tiri", "papa tiri", "ayah tiriku", "bapak tiriku", "stepfather",
                  "stepdad"],
    "ibu tiri": ["ibu tiri", "mama tiri", "ibu tiriku", "stepmother"],
    "orang tua": ["orang tua", "ortu", "orangtua", "ortuku", "orang tuaku", "parents"],
    "kakak": ["kakak", "kakakku", "kakak laki-laki", "abang", "abangku", "kakak perempuan"],
    "adik": ["adik", "adikku", "adek"],
    "paman": ["paman", "pamanku", "om", "omku", "pakde", "paklik", "uncle"],
    "bibi": ["bibi", "tante", "bulik", "budhe", "aunt"],
    "kakek": ["kakek", "kakekku", "mbah kakung", "grandfather"],
    "nenek": ["nenek", "mbah putri"],
    "sepupu": ["sepupu", "sepupuku", "cousin"],
    "mertua": ["mertua", "ibu mertua", "bapak mertua", "mertuaku", "mother-in-law"],
    "ipar": ["ipar", "kakak ipar", "adik ipar", "iparku"],
    "tetangga": ["tetangga", "tetanggaku", "tetangga sebelah", "neighbour", "neighbor"],
    "majikan": ["majikan", "majikanku", "bos", "bosku", "juragan", "employer"],
    "atasan": ["atasan", "atasanku", "manajer", "mandor", "supervisor", "boss"],
    "rekan kerja": ["rekan kerja", "teman kerja", "temen kerja", "temen kantor", "coworker"],
    "guru": ["guru", "guruku", "wali kelas", "ustadz", "ustad", "pelatih", "guru les", "teacher"],
    "dosen": ["dosen", "dosenku", "pembimbing skripsi", "lecturer"],
    "teman": ["teman", "temen", "temanku", "kawan", "sahabat", "friend"],
    "kakak kelas": ["kakak kelas", "senior", "teman sekelas", "teman sekolah"],
    "kenalan": ["kenalan", "kenalan online", "orang yang baru kenal"],
    "orang asing": ["orang asing", "orang tak dikenal", "orang tidak dikenal", "stranger"],
    "sopir": ["sopir", "supir", "sopir angkot", "tukang ojek", "driver ojol"],
    "agen": ["agen", "sponsor", "calo", "penyalur", "agent"],
    "pengasuh": ["pengasuh", "babysitter", "ART", "pembantu"],
}

LOCATIONS: list[str] = [
    # Depok: kecamatan and a few kelurahan
    "Depok", "Beji", "Pancoran Mas", "Cipayung", "Sukmajaya", "Cilodong", "Limo", "Cinere", "Cimanggis",
    "Tapos", "Sawangan", "Bojongsari", "Abadijaya", "Mekarsari", "Depok Jaya", "Kukusan", "Tanah Baru",
    "Rangkapan Jaya", "Pondok Cina", "Kemiri Muka", "Cisalak", "Kalimulya", "Sukatani", "Bedahan",
    # Payakumbuh
    "Payakumbuh", "Payakumbuh Barat", "Payakumbuh Timur", "Payakumbuh Utara", "Payakumbuh Selatan",
    "Lamposi Tigo Nagori", "Koto Nan Ampek",
    # Pekalongan
    "Pekalongan", "Pekalongan Barat", "Pekalongan Timur", "Pekalongan Utara", "Pekalongan Selatan", "Degayu",
    "Kraton", "Medono", "Kajen", "Wiradesa", "Kedungwuni",
    # Kutai Kartanegara
    "Kutai Kartanegara", "Kukar", "Tenggarong", "Tenggarong Seberang", "Loa Janan", "Loa Kulu", "Muara Badak",
    "Sanga-Sanga", "Samboja", "Anggana",
    # other cities people name
    "Jakarta", "Bogor", "Bekasi", "Samarinda", "Bandung", "Semarang", "Padang", "Bukittinggi",
]

TIME_REFS: dict[str, list[str]] = {
    "sekarang": ["sekarang", "skrg", "skrang", "saat ini", "sekarang juga", "right now", "now", "saiki", "ayeuna", "kini"],
    "barusan": ["barusan", "baru saja", "tadi", "just now"],
    "tadi malam": ["tadi malam", "tadi malem", "semalam", "semalem", "last night"],
    "hari ini": ["hari ini", "pagi ini", "siang ini", "sore ini", "malam ini", "today", "tonight"],
    "kemarin": ["kemarin", "kemaren", "yesterday"],
    "minggu lalu": ["minggu lalu", "seminggu lalu", "minggu kemarin", "last week", "beberapa hari lalu",
                    "tiga hari lalu", "dua hari lalu"],
    "bulan lalu": ["bulan lalu", "sebulan lalu", "bulan kemarin", "last month", "beberapa bulan lalu"],
    "tahun lalu": ["tahun lalu", "setahun lalu", "tahun kemarin", "last year", "dua tahun lalu",
                   "bertahun-tahun lalu", "lima tahun lalu"],
    "dulu": ["waktu kecil", "waktu SD", "waktu SMP", "dulu", "dulu sekali", "years ago"],
    "sering": ["tiap hari", "setiap hari", "sering", "tiap malam", "tiap minggu", "every day", "terus-terusan", "saben dina", "unggal poe"],
}

# Contact-time answers used by `inform` ("kapan boleh dihubungi?")
CONTACT_TIMES: list[str] = [
    "besok pagi", "nanti sore", "jam 9 pagi", "jam 2 siang", "setelah jam 5", "malam jam 8", "hari senin",
    "siang aja", "pagi", "sore", "kapan saja", "jam 10", "besok", "tomorrow morning", "after 5 pm",
]

# Third-person forms ("dipukuli bapaknya"): one token each for the whitespace tokenizer, so they need their own
# surface form to map to the canonical value.
_NYA = {
    "suami": ["suami"], "istri": ["istri"], "pacar": ["pacar", "cowok"], "mantan": ["mantan"],
    "ayah": ["ayah", "bapak", "papa", "abah"], "ibu": ["ibu", "mama", "emak"], "ayah tiri": ["ayah tiri", "bapak tiri"],
    "ibu tiri": ["ibu tiri"], "orang tua": ["orang tua", "ortu"], "kakak": ["kakak", "abang"], "paman": ["paman", "om"],
    "bibi": ["tante"], "kakek": ["kakek"], "nenek": ["nenek"], "mertua": ["mertua"], "majikan": ["majikan", "bos"],
    "guru": ["guru"], "tetangga": ["tetangga"], "teman": ["teman", "temen"], "pengasuh": ["pengasuh"],
    "sepupu": ["sepupu"], "atasan": ["atasan"],
}
THIRD_PERSON: dict[str, list[str]] = {canon: [f + "nya" for f in forms] for canon, forms in _NYA.items()}
for _canon, _forms in THIRD_PERSON.items():
    RELATIONSHIP[_canon].extend(_forms)
