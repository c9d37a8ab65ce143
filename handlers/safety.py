"""Deterministic safety net: text normalisation and a danger lexicon (no ML, no I/O).

Every incoming message goes through :func:`detect_danger` before anything else, so the emergency reply and
the page to the on-call counsellor never depend on Rasa or any server. The design goal is recall first: a
missed emergency is the worst error the hotline can make, a false alarm costs a counsellor a few minutes.

All regexes work on the output of :func:`normalise` (lowercase ASCII words separated by single spaces,
punctuation kept as separate tokens) and use only bounded windows, so a 20,000-character paste is linear.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

DangerLevel = Literal["emergency", "high"]

# ---------------------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------------------

# Slang, abbreviations and regional variants -> the form the lexicon is written in. Applied per token.
SLANG: dict[str, str] = {
    # pronouns (Jakarta slang, Javanese, Sundanese, Minang)
    "sy": "saya", "sya": "saya", "aq": "saya", "aku": "saya", "ak": "saya", "gw": "saya", "gue": "saya",
    "gua": "saya", "ane": "saya", "ambo": "saya", "aing": "saya", "kulo": "saya", "abdi": "saya",
    "sayah": "saya", "akoh": "saya", "q": "saya",
    "km": "kamu", "kmu": "kamu", "lu": "kamu", "lo": "kamu", "loe": "kamu", "elu": "kamu",
    "dy": "dia", "dya": "dia", "doi": "dia",
    # time
    "skrg": "sekarang", "skg": "sekarang", "skr": "sekarang", "skrng": "sekarang", "skrang": "sekarang",
    "sekrang": "sekarang", "sekarng": "sekarang", "saiki": "sekarang", "ayeuna": "sekarang", "kini": "sekarang",
    "siki": "sekarang", "sakniki": "sekarang", "kiwari": "sekarang",
    "mlm": "malam", "malem": "malam", "mlam": "malam", "bengi": "malam", "wengi": "malam",
    "td": "tadi", "tdi": "tadi", "mau": "mau", "kmrn": "kemarin", "kmrin": "kemarin", "kemaren": "kemarin",
    "kmaren": "kemarin", "kmarin": "kemarin", "wingi": "kemarin", "brusan": "barusan", "brsn": "barusan",
    "barusann": "barusan", "bsk": "besok", "besuk": "besok", "sesok": "besok", "isuk": "besok",
    "thn": "tahun", "th": "tahun", "taun": "tahun", "thun": "tahun", "tahon": "tahun", "bln": "bulan",
    "mgg": "minggu", "mgu": "minggu", "hr": "hari", "jm": "jam", "sblm": "sebelum", "stlh": "setelah",
    "lg": "lagi", "lgi": "lagi", "lagii": "lagi", "msh": "masih", "masi": "masih", "mash": "masih",
    "sdg": "sedang", "lgsg": "langsung", "dl": "dulu", "dlu": "dulu", "duluu": "dulu",
    # function words
    "yg": "yang", "yng": "yang", "dgn": "dengan", "dg": "dengan", "dngn": "dengan", "sm": "sama",
    "ama": "sama", "ma": "sama", "udh": "sudah", "udah": "sudah", "dah": "sudah", "sdh": "sudah",
    "uda": "sudah", "wis": "sudah", "wes": "sudah", "gak": "tidak", "ga": "tidak", "gk": "tidak",
    "nggak": "tidak", "ngga": "tidak", "ngak": "tidak", "nggk": "tidak", "kagak": "tidak", "tdk": "tidak",
    "tak": "tidak", "enggak": "tidak", "engga": "tidak", "gag": "tidak", "ndak": "tidak", "nda": "tidak",
    "ora": "tidak", "teu": "tidak", "henteu": "tidak", "indak": "tidak", "ndk": "tidak", "kaga": "tidak",
    "tida": "tidak", "tdak": "tidak", "blm": "belum", "blom": "belum", "belom": "belum",
    "bgt": "banget", "bngt": "banget", "krn": "karena", "karna": "karena", "krna": "karena",
    "utk": "untuk", "buat": "untuk", "dr": "dari", "dri": "dari", "dlm": "dalam", "jg": "juga",
    "jgn": "jangan", "bs": "bisa", "bsa": "bisa", "org": "orang", "orng": "orang", "tp": "tapi",
    "tpi": "tapi", "klo": "kalau", "kalo": "kalau", "kl": "kalau", "klw": "kalau", "aja": "saja",
    "aj": "saja", "ae": "saja", "wae": "saja", "bae": "saja", "spt": "seperti", "kyk": "kayak",
    "smpe": "sampai", "sampe": "sampai", "ampe": "sampai", "smpai": "sampai",
    "sampek": "sampai", "nyampe": "sampai", "bnyk": "banyak", "byk": "banyak", "bnyak": "banyak",
    "pengen": "ingin", "pgn": "ingin", "pingin": "ingin", "pengin": "ingin", "kepingin": "ingin",
    "pen": "ingin", "hayang": "ingin", "arep": "mau", "mo": "mau", "mw": "mau", "rek": "mau",
    "kpn": "kapan", "gmn": "gimana", "gmna": "gimana", "bgmn": "bagaimana", "knp": "kenapa",
    "dmn": "dimana", "sdr": "saudara", "trs": "terus", "trus": "terus", "sllu": "selalu", "slalu": "selalu",
    "srg": "sering", "tiap2": "tiap", "tolongin": "tolong", "tlg": "tolong", "tlng": "tolong",
    "tulung": "tolong", "tulungan": "tolong", "tolongan": "tolong", "toloong": "tolong", "tulong": "tolong",
    "plis": "please", "pls": "please", "plz": "please", "hlp": "help",
    "bnuh": "bunuh", "bunh": "bunuh", "bundir": "bunuh diri", "pkl": "pukul",
    "rmh": "rumah", "rmah": "rumah", "kmr": "kamar", "kos": "kost", "kosan": "kost", "kostan": "kost",
    # family
    "ortu": "orang tua", "bpk": "bapak", "bapa": "bapak", "bpak": "bapak", "pak": "bapak", "ibuk": "ibu",
    "mak": "ibu", "emak": "ibu", "mamah": "mama", "bu": "ibu", "kk": "kakak", "adek": "adik", "ade": "adik",
    "dek": "adik", "ank": "anak", "anakk": "anak", "sodara": "saudara", "bojo": "pasangan",
    "laki": "suami", "laki saya": "suami saya", "bini": "istri", "istriku": "istri saya",
    "suamiku": "suami saya", "bojoku": "suami saya", "bapakku": "bapak saya", "ibuku": "ibu saya",
    "kakakku": "kakak saya", "adikku": "adik saya", "pacarku": "pacar saya", "cowok": "pacar",
    "cowo": "pacar", "cwo": "pacar", "cewek": "perempuan", "cewe": "perempuan", "cwe": "perempuan",
    "temen": "teman", "kls": "kelas", "salaki": "suami", "pamajikan": "istri", "keur": "sedang",
    "lakiku": "suami saya", "tmn": "teman", "tmen": "teman", "thn2": "tahun",
    # verbs written short or in dialect
    "dipukulin": "dipukuli", "dipukulan": "dipukuli", "dipukuan": "dipukuli", "dipukulu": "dipukul",
    "digebukin": "digebuki", "ngebukin": "nggebuki", "gebukin": "nggebuki", "ngegebukin": "nggebuki",
    "mukulin": "memukuli", "mukuli": "memukuli", "mukul": "memukul", "nampar": "menampar",
    "nendang": "menendang", "nyekik": "mencekik", "nonjok": "meninju", "ngancem": "mengancam",
    "ngancam": "mengancam", "diancem": "diancam", "nyiksa": "menyiksa", "nusuk": "menusuk",
    "ngejar": "mengejar", "ngumpet": "sembunyi", "ngumpet2": "sembunyi", "nyumput": "sembunyi",
    "ngurung": "mengurung", "ngunci": "mengunci", "nyekap": "menyekap", "dikunciin": "dikunci",
    "dikurungin": "dikurung", "nelen": "menelan", "diperkosah": "diperkosa", "perkosa": "perkosa",
    "dilecehin": "dilecehkan", "dicabulin": "dicabuli", "digerepe": "digerayangi", "digrepe": "digerayangi",
    "digrepein": "digerayangi", "ngamuk": "mengamuk", "dijambakin": "dijambak",
}

# Stems that make "di <stem>" / "d <stem>" one passive verb ("di pukul" -> "dipukul"). A closed list, so
# "di rumah" or "di kamar" are never joined.
VERB_STEMS = frozenset(
    "pukul pukuli pukulin hajar tendang tendangi tampar cekik gebuk gebuki gebukin tonjok tinju jambak siksa "
    "aniaya ancam ancem perkosa cabuli lecehkan lecehin raba grepe sekap kurung kunci kunciin usir tinggal "
    "tinggalkan tahan jual bawa jemput kejar bunuh bacok tusuk siram bakar sundut paksa nikahkan culik "
    "rudapaksa setubuhi gagahi remas cium banting seret lempar ikat sabet cambuk hina maki bentak "
    "telantarkan terlantarkan rundung bully palak sebar peras injak gampar tabok keplak getok cubit "
    "kekang larang marahi kasari pukulkan bekap gorok pegang pegangi intip rekam foto sentuh".split()
)

# Double letters that are part of real words; everything else doubled at the end of a word is emphasis.
_KEEP_DOUBLE = frozenset(
    "kill will all call still off stuff kiss miss less boss pass class guess address allah ass hell well "
    "tell sell fall small full ball".split()
)

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "6": "g", "9": "g"})
_KEEP_ALNUM = re.compile(r"^(?:p2tp2a|dp\w*|p2\w*|p3\w*|\w*\d+g|\d+[a-z]{1,2}\d*|kb\d*|pp\d+|uu\d+|[a-z]\d)$")
_TOKEN_SPLIT = re.compile(r"([a-z0-9]+|[.,?!])")
_RUN3 = re.compile(r"([a-z])\1{2,}")
_II_UU = re.compile(r"([iu])\1")
_NUM_UNIT = re.compile(r"^(\d+)([a-z]+)$")
_REDUP = re.compile(r"^([a-z]{2,})2$")
_D_PREFIX = re.compile(r"^d([bcdfghjklmnpqrstvwxyz][a-z]{3,})$")
_D_EXCEPT = frozenset("dll dkk dsb dst dlm dpt dgn dprd dpr dr drg dpo dp".split())


def _strip_format(text: str) -> str:
    """NFKC, drop format/control characters (zero-width, bidi marks) and accents; linear time."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Cc", "Co", "Cs") and ch not in "\n\t":
            continue
        if cat == "Mn":  # combining accents left after NFKD below
            continue
        out.append(ch)
    text = "".join(out)
    # Fold accented Latin letters (é -> e) without touching other scripts' meaning.
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def _fix_token(tok: str) -> list[str]:
    """Normalise one lowercase alphanumeric token into one or more tokens."""
    if tok in SLANG:
        return SLANG[tok].split()
    if tok.isdigit() or tok.isalpha():
        word = tok
    else:
        m = _REDUP.match(tok)
        if m:  # "malem2" -> "malem malem" (Indonesian reduplication written with a 2)
            base = _fix_token(m.group(1))
            return base + base
        m = _NUM_UNIT.match(tok)
        if m and m.group(2) in ("thn", "th", "tahun", "taun", "bln", "bulan", "yo", "hr", "hari", "mgg", "x"):
            return [m.group(1), *_fix_token(m.group(2))]
        if _KEEP_ALNUM.match(tok):
            return [tok]
        word = tok.translate(_LEET)
        if not word.isalpha():
            return [word]
    if word.isalpha():
        word = _RUN3.sub(r"\1", word)  # "tolonggg" -> "tolong"
        word = _II_UU.sub(r"\1", word)  # "sakiit" -> "sakit"; ii/uu do not occur in Indonesian words
        if len(word) > 3 and word[-1] == word[-2] and word not in _KEEP_DOUBLE:
            word = word[:-1]  # "tolongg" -> "tolong"
        if word in SLANG:
            return SLANG[word].split()
        m = _D_PREFIX.match(word)
        if m and word not in _D_EXCEPT:  # "dsekap" -> "disekap", "dpukul" -> "dipukul"
            return ["di" + m.group(1)]
    return [word]


def normalise(text: str) -> str:
    """Normalise a citizen's message for lexicon matching.

    Lowercase, NFKC, zero-width and bidi characters removed, repeated letters collapsed ("tolonggg"),
    digits inside words de-leeted ("t0l0ng"), reduplication ("malem2" -> "malam malam"), slang and
    abbreviations expanded (tlg, sy, skrg, udh, gak, ...), spaced-out letters joined ("t o l o n g") and a
    split passive verb joined ("di pukul", "d pukul" -> "dipukul"). Punctuation . , ? ! stays as separate
    tokens (it bounds clauses); everything else becomes a space. Linear in the length of the text.
    """
    text = _strip_format(text).lower()
    text = re.sub(r"(?<=[a-z])[-_'’](?=[a-z0-9])", " ", text)  # anak-anak, sanga-sanga, d'pukul
    text = re.sub(r"[;:\n\r]+", " . ", text)
    raw = _TOKEN_SPLIT.findall(text)
    # Join runs of >= 3 single letters: "t o l o n g" -> "tolong".
    joined: list[str] = []
    run: list[str] = []
    for tok in raw + [""]:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        if len(run) >= 3:
            joined.append("".join(run))
        else:
            joined.extend(run)
        run = []
        if tok:
            joined.append(tok)
    tokens: list[str] = []
    for tok in joined:
        if tok in ".,?!":
            tokens.append(tok)
            continue
        tokens.extend(_fix_token(tok))
    # "di pukul" / "d pukul" -> "dipukul": only for known verb stems, never "di rumah".
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in ("di", "d") and i + 1 < len(tokens) and tokens[i + 1] in VERB_STEMS:
            out.append("di" + tokens[i + 1])
            i += 2
            continue
        out.append("di" if tok == "d" else tok)
        i += 1
    return " ".join(out)


# ---------------------------------------------------------------------------------------------------------
# Danger lexicon
# ---------------------------------------------------------------------------------------------------------


def _alt(words: str) -> str:
    """A non-capturing alternation of space-separated words (multi-word entries use '_')."""
    items = sorted({w.replace("_", " ") for w in words.split()}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in items) + ")"


def _w(n: int) -> str:
    """A bounded window of up to ``n`` whole tokens (each followed by a space)."""
    return r"(?:\S+ ){0," + str(n) + "}"


VIOLENCE = _alt(
    "pukul dipukul dipukuli memukul memukuli pukuli hajar dihajar menghajar ngehajar tendang ditendang "
    "ditendangi menendang cekik dicekik mencekik gebuk digebuk digebuki nggebuki menggebuki digebug "
    "digebugan tampar ditampar menampar ditempeleng digampar ditabok nabok ditonjok meninju ditinju jambak "
    "dijambak menjambak disiksa menyiksa siksa dianiaya menganiaya aniaya dibacok membacok bacok ditusuk "
    "menusuk tusuk dibanting membanting diinjak menginjak disabet dicambuk disundut dibakar membakar "
    "disiram diseret dilempar dibekap digorok dikeplak digetok neunggeul diteunggeul ditajong nempiling "
    "mengamuk diamuk dikeroyok mengeroyok "
    "hitting beating beat_me hit_me hits_me punching punched_me kicking kicked_me choking choked_me "
    "strangling strangled_me attacking attacked_me hurting_me stabbed stabbing slapping slapped_me"
)
SEXUAL_ASSAULT = _alt(
    "diperkosa perkosa memperkosa perkosaan dicabuli mencabuli cabuli pencabulan dirudapaksa rudapaksa "
    "disetubuhi menyetubuhi digagahi dinodai dilecehkan melecehkan pelecehan digerayangi "
    "raped rape sexually_assaulted molested"
)
WEAPON = _alt(
    "pisau golok parang senjata_tajam sajam senjata pistol clurit celurit arit sabit badik kapak samurai "
    "linggis pedang belati gunting_besar knife gun machete"
)
THREAT = _alt(
    "ancam mengancam diancam ancaman acung mengacungkan diacungkan todong menodong ditodong todongkan "
    "mengayunkan bawa membawa teriak berteriak mengejar dikejar kejar threaten threatening threatened "
    "pointing waving"
)
NOW = _alt(
    "sekarang saat_ini detik_ini barusan baru_saja sedang malam_ini right_now now currently at_the_moment "
    "lagi_ini masih_berlangsung"
)
# Markers that only mean "now" when they come right before the verb ("lagi dicekik", not "dipukul lagi").
PRE_NOW = _alt("lagi sedang masih baru barusan lg is are keeps still")
HELP = _alt("tolong please_help help_me help tolongin sos darurat emergency")
PAST = _alt(
    "dulu dahulu tahun_lalu tahun_yang_lalu tahun_silam waktu_kecil waktu_sd waktu_smp waktu_sma "
    "waktu_masih_kecil ketika_kecil semasa masa_kecil pernah sudah_cerai udah_cerai bertahun_tahun "
    "minggu_lalu bulan_lalu bulan_kemarin minggu_kemarin beberapa_bulan beberapa_tahun years_ago "
    "when_i_was used_to as_a_child last_year last_month last_week"
)
HABIT = _alt("sering selalu tiap setiap kadang suka biasanya often always every sometimes")
NEGATION = _alt("tidak bukan belum jangan never not dont don_t didn_t tanpa")
NEWS = _alt(
    "berita koran film sinetron drakor novel artikel penelitian riset skripsi makalah sosialisasi seminar "
    "webinar headline tayangan fiksi news movie article lagu judul lirik song"
)
ABUSE_CONTEXT = re.compile(
    r"\b(?:" + VIOLENCE[3:-1] + "|" + SEXUAL_ASSAULT[3:-1] + "|" + THREAT[3:-1]
    + r"|kdrt|kekerasan|dimarahi|dibentak|dimaki|disakiti|menyakiti|takut|abuse|abusive|violent|masuk kamar"
    + r"|mabuk|marah|drunk|pegang pegang|dipegang|meraba|diraba|digerayangi|dibawa kabur|diculik)\b"
)

_RE_VIOLENCE = re.compile(r"\b" + VIOLENCE + r"\b")
_RE_SEX = re.compile(r"\b" + SEXUAL_ASSAULT + r"\b")
_RE_PAST = re.compile(r"\b" + PAST + r"\b|\b(?:\d+|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|"
                      r"beberapa|bbrp) tahun (?:yang )?lalu\b")
_RE_HABIT = re.compile(r"\b" + HABIT + r"\b")
_RE_NEWS = re.compile(r"\b" + NEWS + r"\b")
_RE_NOW = re.compile(r"\b" + NOW + r"\b")
_RE_NOW_FALSE = re.compile(r"\b(?:sekarang (?:sudah|tidak lagi|aman)|sampai sekarang|hingga sekarang|"
                           r"sejak sekarang|dari dulu sampai sekarang|sampai saat ini|hingga saat ini)\b")
_RE_HELP = re.compile(r"\b" + HELP + r"\b")
_RE_HELP_POLITE = re.compile(
    r"\b(?:tolong|please|help) (?:info|informasi|tanya|jelaskan|jelasin|dijelaskan|kasih tahu|beritahu|"
    r"bantu jelaskan|dibantu info|minta info|share|bagikan|sebutkan)\b"
)
_RE_QUESTION_GENERIC = re.compile(
    r"\b(?:apakah|bagaimana cara|gimana cara|cara melapor|cara lapor|bisa dilaporkan|bisa dipidana|"
    r"hukumannya|pasal|termasuk kekerasan|apa itu|itu apa|artinya)\b"
)

_RE_PRESENT = re.compile(
    r"\b(?:masih|lagi|sedang|ada) (?:ada )?di (?:dalam |depan |luar |sekitar )?"
    r"(?:rumah|kamar|sini|kost|depan|luar|dapur|ruang)\b"
    r"|\bdi depan (?:rumah|kost|pintu|kamar|gerbang|pagar)\b"
    r"|\b(?:lagi|sedang|masih) (?:menunggu|nunggu|nungguin|mencari|nyari|cari|mengintai|gedor|menggedor)\b"
    r"|\bmenggedor\b|\bgedor gedor\b|\boutside my (?:door|house|room)\b|\bis (?:still )?(?:here|home|outside)\b"
)
_RE_HIDE = re.compile(
    r"\b(?:sembunyi|bersembunyi|menyembunyikan diri|dikejar|mengejar saya|kabur dari rumah sekarang|"
    r"hiding|chasing me|chased)\b"
)
_RE_GAME = re.compile(r"\b(?:petak umpet|main|permainan|game|hide and seek)\b")
_RE_RETURNING = re.compile(
    r"\b(?:malam ini|nanti malam|sebentar lagi|hari ini|tonight|nanti)\b " + _w(5)
    + r"(?:di rumah|datang|pulang|ke rumah|menginap|nginep|tidur di|balik|kesini|ke sini|masuk)\b"
    r"|\b(?:mau|akan|bakal|otw|segera|will) " + _w(1)
    + r"(?:pulang|datang|balik|kesini|ke sini|kemari|be back|come back)\b"
    + _w(4) + r"(?:malam ini|nanti|sebentar lagi|tonight|soon)?"
    r"|\b(?:dia|pelaku|paman|om|bapak|ayah|suami|pacar|mantan) " + _w(3)
    + r"(?:di rumah|datang|pulang|menginap|nginep) " + _w(2) + r"(?:malam ini|nanti malam|lagi|sekarang)\b"
)
_RE_FEAR_RETURN = re.compile(r"\b(?:takut|khawatir|afraid|scared)\b")
_RE_WEAPON = re.compile(r"\b" + WEAPON + r"\b")
_RE_THREAT = re.compile(r"\b" + THREAT + r"\b")
_RE_KILL = re.compile(
    r"\b(?:mau|akan|ingin|bakal|mengancam|diancam|ancam|ancaman|teriak|bilang|janji|sumpah|siap|rek) "
    + _w(3) + r"(?:dibunuh|bunuh|membunuh|bunuhin|ngebunuh|mateni|dipateni|habisi|menghabisi|dihabisi|"
    r"matiin|dimatiin|maehan|dipaehan)\b(?! (?:diri|nyamuk|tikus|kecoa|waktu|serangga|hama|virus|kuman))"
    r"|\b(?:kill (?:me|you|her|him|us|my)|going to kill|will kill|gonna kill|threaten\w* to kill)\b"
)
_RE_INJURY = re.compile(
    r"\b(?:pingsan|semaput|kelenger|berdarah|bersimbah darah|keluar darah|muntah darah|darahnya|"
    r"patah (?:tulang|tangan|kaki|hidung|gigi|rusuk|leher)|(?:tulang|tangan|kaki|hidung|rusuk)\w* "
    + _w(2) + r"patah\b|tidak sadarkan diri|tidak sadar(?! (?:kalau|bahwa|jika|ternyata|apa|kenapa|diri))|"
    r"kritis|koma|sekarat|luka (?:parah|tusuk|bacok|berat|robek|bakar)|kepala\w* bocor|bocor kepala|"
    r"tidak bernapas|tidak bernafas|tidak bergerak|unconscious|bleeding|passed out|not breathing|"
    r"broken (?:arm|leg|bone|nose|rib)\w*)\b"
)
_RE_SUICIDE = re.compile(
    r"\b(?:bunuh diri|membunuh diri|akhiri hidup|mengakhiri hidup|akhiri semuanya|mengakhiri semuanya|"
    r"(?:mending|mendingan|lebih baik|rasanya|pokoknya) " + _w(2) + r"mati\b|"
    r"(?:ingin|mau|siap) mati\b|mati saja\b|"
    r"tidak (?:kuat|sanggup|mau|ingin|pengen) (?:\S+ )?hidup|(?:capek|capai|lelah|cape) hidup|"
    r"minum (?:racun|baygon|obat nyamuk|cairan pembersih|pembersih lantai|bayclin|porstex|pestisida|"
    r"obat serangga|portex)|"
    r"(?:minum|menelan|nelan|telan) (?:obat|pil|obat tidur) " + _w(2)
    + r"(?:banyak|sebanyak|sekaligus|semua|satu strip|sestrip|segenggam|sebotol|satu botol|overdosis)|"
    r"overdosis|gantung diri|menggantung diri|loncat dari|lompat dari (?:jembatan|gedung|atap|lantai)|"
    r"nyilet|menyilet|silet (?:tangan|nadi|lengan)|sayat (?:tangan|nadi|lengan)|menyayat|potong nadi|"
    r"iris nadi|menyakiti diri|self harm|selfharm|kill myself|killing myself|want to die|wanna die|"
    r"end my life|end it all|suicide|suicidal|take my life|overdose|cut myself|cutting myself|"
    r"hurt myself|paeh saja|hayang paeh|pengen mati|mati wae)"
)
_RE_SUICIDE_FALSE = re.compile(r"\b(?:hp|baterai|batre|batrai|lampu|listrik|motor|mesin|mobil|wifi|sinyal|"
                               r"tanaman|ikan|ayam) " + _w(2) + r"(?:mau|ingin) mati\b|\bmati lampu\b")
_RE_RECENT72 = re.compile(
    r"\b(?:semalam|tadi|barusan|baru saja|kemarin|hari ini|pagi ini|malam ini|sekarang|sedang|"
    r"dua hari (?:yang )?lalu|2 hari (?:yang )?lalu|tiga hari (?:yang )?lalu|3 hari (?:yang )?lalu|"
    r"kemarin lusa|last night|yesterday|today|tonight|this morning|just now|earlier today|just)\b"
)
_RE_PRE_RECENT = re.compile(r"\b(?:baru|lagi|barusan|habis|abis)$")
_RE_INTRUDE = re.compile(
    r"\b(?:masuk (?:ke )?kamar|meraba|diraba|dipegang|memegang|menyentuh|disentuh|grepe|digerayangi|"
    r"tidur di kamar saya|mengintip|into my room|touch(?:es|ed)? me)\b"
)
_RE_TOUCH = re.compile(r"\b(?:pegang pegang|dipegang pegang|dipegang|memegang|diraba|meraba|digerayangi|"
                       r"menggerayangi|grepe|dicium paksa|touched me|groped)\b")
_RE_ABDUCT = re.compile(r"\b(?:dibawa kabur|diculik|dibawa lari|membawa kabur|menculik|abducted|kidnapped|"
                        r"took my (?:child|son|daughter|baby))\b")
_RE_CONFINED = re.compile(
    r"\b(?:dikurung|terkurung|mengurung|disekap|menyekap|disandera|dipasung|dirantai|diikat|"
    r"(?:dikunci|terkunci|mengunci saya|mengunci kami) " + _w(2) + r"(?:di|dari) (?:dalam |luar )?"
    r"(?:kamar|rumah|gudang|kamar mandi|mobil|luar)|"
    r"(?:tidak|dilarang) (?:boleh |dibolehkan |diizinkan |diijinkan |dikasih )?(?:pulang|keluar|kabur|pergi)|"
    r"tidak dibiarkan (?:pulang|keluar|pergi)|"
    r"tidak bisa keluar dari (?:mes|mess|asrama|penampungan|tempat kerja|tempat karaoke|kamar|rumah|gudang)|"
    r"locked (?:me |her |him |us |them )?(?:in|up)|held (?:captive|hostage)|"
    r"(?:won ?t|doesn ?t|will not|does not) let (?:me|us|her|him) (?:leave|out|go)|"
    r"can ?t leave|cannot leave|tied (?:me )?up)\b"
)
_RE_PASSPORT = re.compile(r"\b(?:paspor|passport|dokumen|ktp)\w* " + _w(2)
                          + r"(?:ditahan|disita|diambil|dipegang|ditahan majikan|kept|taken|withheld)\b")
_RE_CHILD_WORD = re.compile(r"\b(?:bayi|balita|batita|anak|anaknya|adik|bocah|baby|child|kid|kids|toddler|"
                            r"orok|bayinya|cucu)\b")
_RE_LEFT_ALONE = re.compile(
    r"\b(?:ditinggal|ditinggalkan|ditinggalin|dibiarkan|terkunci|dikunci|sendirian|left) " + _w(3)
    + r"(?:sendiri|sendirian|seorang diri|di rumah|di mobil|dari pagi|dari kemarin|seharian|berhari|"
    r"tanpa|alone|tidak ada yang jaga|tidak ada orang)"
    r"|\b(?:tidak ada (?:yang jaga|yang menjaga|orang dewasa|orang tua)|left alone|home alone)\b"
    r"|\bsendirian (?:di rumah|dari pagi|seharian|nangis|menangis)\b"
)
_RE_HANDOVER = re.compile(
    r"\b(?:dijemput|dibawa|diberangkatkan|dikirim|dijual|diculik|dibawa kabur|menjemput|membawa|menjual|"
    r"taken|picked up|sold)\b"
)
_RE_IMMINENT = re.compile(r"\b(?:malam ini|nanti malam|besok|hari ini|sekarang|sebentar lagi|pagi ini|"
                          r"nanti sore|tonight|tomorrow|today|right now)\b")
_RE_TRAFFICK_CTX = re.compile(
    r"\b(?:calo|sponsor|agen|agency|penyalur|tekong|mucikari|germo|luar negeri|malaysia|arab|saudi|"
    r"hongkong|hong kong|taiwan|kamboja|myanmar|batam|paksa|dipaksa|terpaksa|tidak mau|menolak|takut|"
    r"orang asing|tidak dikenal|tidak kenal|baru kenal|baru dikenal|kenalan|kenal di|dijual|diculik|"
    r"jalur tikus|tanpa dokumen|ilegal|trafficker|smuggler|sold)\b"
)


_RE_RE_RETURN_CTX = re.compile(r"\b(?:mabuk|marah|ancam|mengancam|bunuh|pukul|hajar|sering|tiap|lagi|"
                               r"masuk kamar|drunk|angry)\b")


@dataclass
class DangerReport:
    """What the safety net found: the level and the name of every cue that fired."""

    level: DangerLevel | None = None
    cues: list[str] = field(default_factory=list)


_MAX_CLAUSE_TOKENS = 40


def _clauses(norm: str) -> list[str]:
    """Split normalised text into clauses on punctuation and contrast words.

    Clauses longer than 40 tokens are cut into overlapping chunks, so the per-match windows below stay
    bounded and a 20,000-character message without punctuation is still processed in linear time.
    """
    out: list[str] = []
    for part in re.split(r" ?[.,?!] ?| (?:tapi|namun|sedangkan|but|however) ", norm):
        toks = part.split()
        if len(toks) <= _MAX_CLAUSE_TOKENS:
            if toks:
                out.append(" ".join(toks))
            continue
        step = _MAX_CLAUSE_TOKENS - 10
        for i in range(0, len(toks), step):
            out.append(" ".join(toks[i : i + _MAX_CLAUSE_TOKENS]))
    return out


def _near(rx: re.Pattern[str], text: str, start: int, end: int, before: int, after: int) -> bool:
    """Whether ``rx`` matches within ``before`` tokens before or ``after`` tokens after text[start:end]."""
    left = text[:start].split()[-before:] if before else []
    right = text[end:].split()[:after] if after else []
    window = " ".join([*left, "#", *right])
    return bool(rx.search(window))


def _negated(text: str, start: int) -> bool:
    """A negation in the two tokens before position ``start``."""
    left = text[:start].split()[-2:]
    return any(re.fullmatch(NEGATION, t) for t in left)


def detect_danger(text: str) -> DangerReport:
    """Detect signs of danger now or within hours in a citizen's message.

    Returns ``level="emergency"`` when a cue of present danger fires (violence now, perpetrator present or
    returning, weapon with threat, threat to kill, serious injury, suicide/self-harm intent, rape within
    ~72 h, confinement now, a child left alone, imminent hand-over to traffickers), ``"high"`` when a cue
    fires but only with a past/negation marker and no present marker, else ``None``. Pure and deterministic.
    """
    norm = normalise(text)
    if not norm:
        return DangerReport()
    found: dict[str, DangerLevel] = {}

    def fire(cue: str, lowered: bool) -> None:
        level: DangerLevel = "high" if lowered else "emergency"
        if found.get(cue) != "emergency":
            found[cue] = level

    abuse_ctx = bool(ABUSE_CONTEXT.search(norm))
    help_now = bool(_RE_HELP.search(norm)) and not _RE_HELP_POLITE.search(norm)
    if help_now and _RE_QUESTION_GENERIC.search(norm) and not _RE_NOW.search(norm):
        help_now = False  # "tolong, apakah KDRT bisa dilaporkan?" is a polite question, not a plea
    clauses = _clauses(norm)
    msg_past = bool(_RE_PAST.search(norm))

    for cl in clauses:
        past = bool(_RE_PAST.search(cl))
        habit = bool(_RE_HABIT.search(cl))
        now_false = bool(_RE_NOW_FALSE.search(cl))
        now_marker = bool(_RE_NOW.search(cl)) and not now_false and not habit

        # Violence happening now ("dipukuli sekarang", "lagi dicekik", "tolong ... dipukul").
        for m in _RE_VIOLENCE.finditer(cl):
            pre = cl[: m.start()].split()[-2:]
            pre_now = any(re.fullmatch(PRE_NOW, t) for t in pre)
            near_now = now_marker and _near(_RE_NOW, cl, m.start(), m.end(), 8, 8)
            if pre_now or near_now:
                fire("violence_now", past and not pre_now and not near_now)
            elif help_now:
                # "tolong, suami sering mukul" asks for help with recurring violence: high, not a page now.
                fire("help_violence", past or msg_past or habit)
            elif past or _negated(cl, m.start()):
                continue

        # Perpetrator present / returning, hiding, being chased.
        if _RE_PRESENT.search(cl) and abuse_ctx:
            fire("perpetrator_present", past)
        if _RE_HIDE.search(cl) and not _RE_GAME.search(cl):
            fire("hiding_or_chased", past)
        if _RE_RETURNING.search(cl) and (abuse_ctx or _RE_INTRUDE.search(norm)):
            if _RE_FEAR_RETURN.search(norm) or _RE_RE_RETURN_CTX.search(norm):
                fire("abuser_returning_now", past)

        # Weapons with a threat or violence.
        if _RE_WEAPON.search(cl) and (_RE_THREAT.search(norm) or _RE_VIOLENCE.search(norm)
                                      or _RE_KILL.search(norm)):
            fire("weapon_threat", past)

        km = _RE_KILL.search(cl)
        if km:
            fire("kill_threat", past or _negated(cl, km.start()))

        if _RE_INJURY.search(cl) and (abuse_ctx or help_now):
            fire("serious_injury", past)

        sm = _RE_SUICIDE.search(cl)
        if sm and not _RE_SUICIDE_FALSE.search(cl):
            fire("suicide_self_harm", (past and not now_marker) or _negated(cl, sm.start()))

        # Rape / sexual assault within ~72 hours.
        for m in _RE_SEX.finditer(cl):
            pre = cl[: m.start()].split()[-2:]
            recent = any(_RE_PRE_RECENT.search(t) for t in pre) or _near(_RE_RECENT72, cl, m.start(), m.end(), 7, 7)
            if recent and not now_false:
                fire("sexual_assault_recent", past and not any(_RE_PRE_RECENT.search(t) for t in pre))

        for m in _RE_TOUCH.finditer(cl):
            if _near(_RE_RECENT72, cl, m.start(), m.end(), 6, 6) and not now_false:
                fire("sexual_assault_recent", past)
        am = _RE_ABDUCT.search(cl)
        if am and (_near(_RE_RECENT72, cl, am.start(), am.end(), 6, 6) or help_now):
            fire("abduction_now", past)

        cm = _RE_CONFINED.search(cl)
        if cm:
            fire("confined_now", past)
        if _RE_PASSPORT.search(cl):
            fire("passport_withheld", True)

        if _RE_LEFT_ALONE.search(cl) and _RE_CHILD_WORD.search(norm):
            fire("child_left_alone", past)

        if _RE_HANDOVER.search(cl) and _RE_IMMINENT.search(cl) and _RE_TRAFFICK_CTX.search(norm):
            fire("handover_imminent", past)

    # News, films, research or a socialisation event merely mention violence (guide: urgency "none"),
    # unless the writer also asks for help.
    if found and _RE_NEWS.search(norm) and not help_now and not re.search(r"\b(?:saya|kami)\b", norm):
        found = {}
    if not found:
        return DangerReport()
    level: DangerLevel = "emergency" if "emergency" in found.values() else "high"
    return DangerReport(level=level, cues=sorted(found))
