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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Literal

from handlers.rules import cues

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
    "siki": "sekarang", "sakniki": "sekarang", "kiwari": "sekarang", "nembe": "barusan", "nembé": "barusan",
    "sakmenika": "sekarang", "saniki": "sekarang", "gebugi": "dipukuli",
    "digebugi": "dipukuli", "getihen": "berdarah", "sirahipun": "kepalanya", "sirahe": "kepalanya",
    "dirogahala": "dicabuli", "rogahala": "cabuli", "ngarogahala": "mencabuli",
    "mlm": "malam", "malem": "malam", "mlam": "malam", "bengi": "malam", "wengi": "malam",
    "td": "tadi", "tdi": "tadi", "mau": "mau", "kmrn": "kemarin", "kmrin": "kemarin", "kemaren": "kemarin",
    "kmaren": "kemarin", "kmarin": "kemarin", "wingi": "kemarin", "brusan": "barusan", "brsn": "barusan",
    "barusann": "barusan", "bsk": "besok", "besuk": "besok", "sesok": "besok", "isuk": "pagi",
    "sesuk": "besok", "esuk": "pagi", "budhal": "berangkat", "budal": "berangkat", "mangkat": "berangkat",
    "durung": "belum", "mulih": "pulang", "dipethuk": "dijemput", "dipetuk": "dijemput", "dijak": "diajak",
    "lungo": "pergi", "lanang": "laki laki", "mangakhiri": "mengakhiri", "sadonyo": "semuanya",
    "umua": "umur", "leutik": "kecil", "gadih": "gadis", "dhewekan": "sendirian", "dewekan": "sendirian",
    "kapungkur": "dulu", "mbiyen": "dulu", "biyen": "dulu", "riyin": "dulu", "rumiyin": "dulu", "limo": "lima",
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
    "laki": "suami", "laki saya": "suami saya", "lelakilaki": "laki laki",
    "lakinya": "suaminya", "lakinyo": "suaminya", "bini": "istri", "istriku": "istri saya",
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
    # more time words and regional function words (Minang, Sundanese, Javanese, Betawi)
    "semalem": "semalam", "smlm": "semalam", "smalam": "semalam", "smlem": "semalam", "sadang": "sedang",
    "bntr": "sebentar", "bentar": "sebentar", "bntar": "sebentar", "alun": "belum", "alum": "belum",
    "pai": "pergi", "inyo": "dia", "ado": "ada", "ketek": "kecil", "budak": "anak", "hoyong": "ingin",
    "tos": "sudah", "parantos": "sudah", "tere": "tiri", "terena": "tiri", "getihan": "berdarah",
    "getih": "darah", "pakdhe": "paman", "pakde": "paman", "mlebu": "masuk", "wedi": "takut",
    "mkn": "makan", "plg": "pulang", "brgkt": "berangkat", "dpn": "depan", "tmpt": "tempat",
    "nyekek": "mencekik", "dicekek": "dicekik", "ngiles": "menghilang",
    "ngilang": "menghilang", "ilang": "hilang", "dunya": "dunia", "ti": "dari", "abis": "habis",
    "ntar": "nanti", "entar": "nanti", "tar": "nanti", "gpp": "tidak apa apa", "adekku": "adik saya",
    "ponakan": "keponakan", "ponakanku": "keponakan saya", "paklik": "paman", "bulik": "bibi", "budhe": "bibi",
    "bude": "bibi", "anakku": "anak saya", "anakq": "anak saya",
    # Javanese krama and Minang words seen in reports
    "dipun": "di", "mboten": "tidak", "angsal": "boleh", "medal": "keluar", "sampun": "sudah", "dinten": "hari",
    "wonten": "di", "kaliyan": "sama", "juragan": "majikan", "surang": "sendirian", "ditinggaan": "ditinggalkan",
    "patang": "kemarin", "urang": "orang", "gaek": "tua", "gaeknyo": "tuanya", "pager": "pagar",
    "dijanjiin": "dijanjikan", "diberangkatin": "diberangkatkan", "mantanku": "mantan saya",
    "nyak": "ibu", "enyak": "ibu", "babe": "bapak", "amak": "ibu", "apak": "bapak", "lakinye": "suaminya",
    "kamari": "kemarin", "mum": "mother", "mom": "mother",
    # More Javanese krama (threats, presence, a child not home) and Minang time words.
    "badhe": "mau", "mejahi": "membunuh", "sapunika": "sekarang", "samenika": "sekarang",
    "ngajeng": "depan", "griya": "rumah", "kula": "saya", "dereng": "belum", "kondur": "pulang",
    "saking": "dari", "wau": "tadi", "tiyang": "orang", "jaler": "laki laki", "tepangi": "kenal",
    "bisuak": "besok", "garwa": "suami", "dtg": "datang", "dteng": "datang",
    # Minang and Javanese words met in blind reports (B): the family, not the line, is what generalises.
    "adiak": "adik", "dipaso": "dipaksa", "mamaso": "memaksa", "sakik": "sakit", "nio": "mau", "kalua": "keluar",
    "acok": "sering", "maagiah": "memberi", "agiah": "kasih", "balanjo": "belanja", "mintuo": "mertua",
    "manyuruah": "menyuruh", "disuruah": "disuruh", "manjua": "menjual", "tangah": "tengah", "gadang": "besar",
    "mahariak": "menghardik", "hariak": "hardik", "mamukua": "memukul", "dipukua": "dipukul", "takuik": "takut",
    "rumahnyo": "rumahnya", "meneh": "lagi", "maneh": "lagi", "maning": "lagi",
    "isih": "masih", "tasih": "masih", "mabok": "mabuk", "mendem": "mabuk", "kamarku": "kamar saya",
    "omahku": "rumah saya", "omah": "rumah", "kantos": "pernah",
    "ngalih": "pindah", "sakola": "sekolah", "guruna": "gurunya", "lahirin": "melahirkan",
    "nyubit": "mencubit", "dicubitin": "dicubit", "telanjng": "telanjang", "tlanjang": "telanjang",
    "im": "i am", "hes": "he is", "shes": "she is", "dont": "do not", "cant": "can not",
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
_KIN = frozenset("mertua ibu ayah bapak pacar mantan teman temen adik adek kakak anak suami istri om paman tante "
                 "guru majikan bos sekelas kakek nenek sepupu keponakan ponakan mama papa pakdhe pakde paklik "
                 "bude budhe bulik mbah ipar kamar rumah hp badan tubuh".split())
_KEEP_ALNUM = re.compile(r"^(?:p2tp2a|dp\w*|p2\w*|p3\w*|\w*\d+g|\d+[a-z]{1,2}\d*|kb\d*|pp\d+|uu\d+|[a-z]\d)$")
_TOKEN_SPLIT = re.compile(r"([a-z0-9]+|[.,?!])")
_RUN3 = re.compile(r"([a-z])\1{2,}")
_II_UU = re.compile(r"([iu])\1")
_NUM_UNIT = re.compile(r"^(\d+)([a-z]+)$")
_REDUP = re.compile(r"^([a-z]{2,})2$")
_REDUP_SUFFIX = re.compile(r"^([a-z]{2,})2(in|an|i|nya|kan)$")  # "ngapa2in" -> "ngapa ngapain"
# "ii"/"uu" at a morpheme boundary are real: "diikat", "diinjak", "matiin", "diuber" stay as they are.
_II_BOUNDARY = re.compile(r"^di[iu]|iin(?:nya)?$|uin$")
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


def collapse_runs(word: str) -> str:
    """A letter typed three or more times in a row, once ("tolonggg" -> "tolong", "depokkk" -> "depok").

    Shared with the place resolver (``handlers/places.py``), so places and danger words forgive the same typing.
    """
    return _RUN3.sub(r"\1", word)


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
        m = _REDUP_SUFFIX.match(tok)
        if m:
            return _fix_token(m.group(1)) + _fix_token(m.group(1) + m.group(2))
        m = _NUM_UNIT.match(tok)
        if m and m.group(2) in ("thn", "th", "tahun", "taun", "bln", "bulan", "yo", "hr", "hari", "mgg", "x"):
            return [m.group(1), *_fix_token(m.group(2))]
        if _KEEP_ALNUM.match(tok):
            return [tok]
        word = tok.translate(_LEET)
        if not word.isalpha():
            return [word]
    if word.isalpha():
        word = collapse_runs(word)
        if not _II_BOUNDARY.search(word):
            word = _II_UU.sub(r"\1", word)  # "sakiit" -> "sakit"; ii/uu occur only at a morpheme boundary
        if len(word) > 3 and word[-1] == word[-2] and word not in _KEEP_DOUBLE:
            word = word[:-1]  # "tolongg" -> "tolong"
        if word in SLANG:
            return SLANG[word].split()
        if len(word) > 4 and word.endswith("ku") and word[:-2] in _KIN:  # "mertuaku" -> "mertua saya"
            return [SLANG.get(word[:-2], word[:-2]), "saya"]
        if len(word) > 6 and word.endswith("keun"):  # Sundanese -keun is -kan: "dilecehkeun"
            word = word[:-4] + "kan"
        if len(word) > 5 and word[-3:] in ("nye", "nyo"):  # Betawi / Minang possessive: "kepalanye"
            word = word[:-3] + "nya"
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
    # "laki-laki" / "laki2" is a man; "laki" alone is a husband (Javanese, Banjar, Malay), mapped below.
    text = _LAKI_LAKI.sub(" lelakilaki ", text)
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
    for i, tok in enumerate(joined):
        if tok in ".,?!":
            tokens.append(tok)
            continue
        if tok in ("cowo", "cowok", "cwo") and i > 0 and joined[i - 1] in _SELF_OR_KIN:
            tokens.extend(("laki", "laki"))  # "aku cowo 17 th", "adikku cowo": a boy, not a boyfriend
            continue
        if tok == "smp" and i + 1 < len(joined) and joined[i + 1] in _AFTER_SAMPAI:
            tokens.append("sampai")  # "nyekik aku smp lemes": "smp" is "sampai" here, not a school
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
    result = _CHILDREN_FATHER.sub("suami", " ".join(out))
    result = _FIGURATIVE_HARM_ADJ.sub(r"\1 kena", _FIGURATIVE_HARM_SCORE.sub("kena ", result))
    if _GAME_CONTEXT.search(result):
        result = _GAME_KILL.sub("kena ", result)
    result = _FIGURATIVE_HARM.sub("kena ", _FIGURATIVE_RIVAL.sub("kena ", result))
    return _SPACES.sub(" ", result).strip()


_LAKI_LAKI = re.compile(r"\blaki(?:[\s_-]?2|[\s_-]laki)(?=\W|$)")
# A harm verb whose object is a task or the weather ("dihajar deadline", "ngehajar tugas akhir", "dibantai
# ujian"): the writer's figure of speech, read as the neutral "kena" so that no rule sees an act.
_FIGURATIVE_HARM = re.compile(
    r"\b(?:di|nge|meng|ng|me)?(?:hajar|bantai|hantam|gebuk|babat|siksa)\w* (?=(?:\S+ )?(?:deadline|tugas|"
    r"kerjaan|pekerjaan|skripsi|revisi|lembur|ujian|pr|macet|hujan|cucian|setrikaan|tugas akhir|target|"
    r"kuota|tagihan|cicilan|soal|pedes\w*|pedas\w*|panas\w*|dingin\w*)\b)"
)
_SPACES = re.compile(r" {2,}")
# In a game, killing the boss or a monster ("mau bunuh bos game ini dr semalem", "isinya bunuh2an").
_GAME_TITLES = r"game|gim|roblox|minecraft|pubg|free fire|mobile legend\w*"
_GAME_CONTEXT = re.compile(r"\b(?:" + _GAME_TITLES + r"|gta|valorant|ps5|playstation)\b")
_GAME_KILL = re.compile(r"\b(?:bunuh|membunuh|ngebunuh|bantai|tembak)\w* "
                        r"(?=(?:\S+ )?(?:bos|boss|musuh|monster|zombie|naga|"
                        r"karakter|level|game)\b)|\b(?:bunuh bunuhan|tembak tembakan|bunuh bunuh)\b")
# Beaten by a rival team, a supervisor, a chore ("ml gua dibantai mulu sama tim sebelah", "dibantai dosen
# pembimbing, revisi 30 halaman", "bunuh aku aja kalo harus ngerjain laporan lagi").
_FIGURATIVE_RIVAL = re.compile(
    r"\b(?:di)?bantai\w* (?=(?:\S+ ){0,2}(?:tim|lawan|musuh|dosen|dospem|pembimbing|penguji|bos|atasan)\b)"
    r"|(?<=\bingin )banting (?=(?:hp|handphone|hape|laptop|keyboard|stik)\b)"
    r"|\bbunuh (?:aku|saya|gue|gw) (?:aja|saja)(?: deh)? (?=(?:kalau|kalo|klo) (?:harus|disuruh) (?:\S+ )?"
    r"(?:ngerjain|mengerjakan|ngerjakan|belajar|ujian|revisi|lembur|kerja|masuk kerja|bikin)\b)"
)
# The same after its subject: "sambelnya pedesnya nyiksa", "tim voli dipukul telak 3-0".
_FIGURATIVE_HARM_ADJ = re.compile(r"\b((?:pedes|pedas|panas|dingin|macet|capek)\w*) "
                                  r"(?:menyiksa|nyiksa|membunuh|bunuh)\b")
_FIGURATIVE_HARM_SCORE = re.compile(r"\b(?:dipukul|dibantai|dihajar|digebuk|dilibas|digilas)\w* "
                                    r"(?=(?:telak )?\d+ (?:\d+|nol)\b)")
# "bapaknya anak-anak" is how a wife speaks of her husband.
_CHILDREN_FATHER = re.compile(r"\b(?:bapak|ayah|papa|papah|bapa|abah)(?:nya)? anak anak\b")
_SELF_OR_KIN = frozenset("aku aq gw gue gua sy saya ku adik adek adikku adekku anak anakku".split())
# Words after "smp" that make it the slang for "sampai" ("dipukul smp berdarah").
_AFTER_SAMPAI = frozenset(
    "lemes lemas pingsan berdarah darah memar bengkak biru mati nangis jatuh luka patah sekarang skrg sini jam "
    "pagi malam malem subuh sore siang besok hari ga gak nggak ngga tidak kepala muka mukanya hidung kaki "
    "tangan badan babak kejang sesak trauma takut lebam bonyok keluar rumah sakit rs dirawat masuk".split()
)


# ---------------------------------------------------------------------------------------------------------
# Morphology: verb stems behind affixed and slang surface forms
# ---------------------------------------------------------------------------------------------------------

# Harm families by stem. Matching works on stems so that dipukul / dipukuli / mukul / mukulin / memukuli /
# pukulin / dipukul2 / mamukuli (Minang) all reach "pukul" without listing every surface form.
HarmFamily = Literal["physical", "sexual", "confine", "abduct", "kill", "threat", "selfharm"]
_STEM_FAMILY: dict[str, HarmFamily] = {}
for _fam, _stems in (
    ("physical", "pukul pukua pukuh gebuk gebug hajar tendang tajong sepak tampar gampar tabok tempeleng tonjok "
                 "tinju jotos cekik cekek jambak siksa aniaya bacok tusuk banting injak sabet cambuk sundut "
                 "gorok keplak getok injek tampol teunggeul tenggeul keroyok jedot jedut bekap hantam timpuk "
                 "gaplok kemplang "
                 "tempiling tampiling pites gebok lempar seret pentung gibeng gampor cakar dorong bentur siram bakar "
                 "tindih setrum strum"),
    ("sexual", "perkosa cabul rudapaksa setubuh gagahi leceh grepe gerayang raba colek remas perkaos"),
    ("confine", "kurung sekap kunci rantai pasung sandera ikat gembok"),
    ("abduct", "culik"),
    ("physical", "hitting beating kicking punching choking strangling slapping stabbing kicked punched choked "
                 "strangled slapped stabbed"),
    ("sexual", "raped molested groped molesting groping"),
    ("kill", "bunuh habisi pateni paeh maeh"),
    ("threat", "ancam ancem"),
    ("selfharm", "silet sayat iris"),
):
    for _stem in _stems.split():
        _STEM_FAMILY[_stem] = _fam  # type: ignore[assignment]

# Stems that are ordinary words when bare ("pukul 3" is a time, "kunci" a key, "ikat pinggang" a belt,
# "habis" means finished): only an affixed form counts for these.
_AFFIX_ONLY = frozenset("kunci ikat habis raba seret dorong bentur siram bakar iris remas colek rantai gembok "
                        "pasung cakar sayat silet paeh maeh tinju sepak tindih setrum strum".split())
# "mematikan" / "matiin" only threaten a person when suffixed; handled by the kill regex, not here.
_PREFIXES = ("memper", "diper", "menge", "meng", "meny", "mem", "men", "nge", "ng", "ny", "di", "ter", "ke",
             "me", "mang", "many", "mam", "man", "ma", "ba", "m", "n")
_SUFFIXES = ("nya", "kan", "in", "an", "i", "na")
# Nasal prefixes replace the stem's first consonant: m+pukul -> mukul, n+tendang -> nendang,
# ny+siksa -> nyiksa, ng+kunci -> ngunci.
_NASAL_RESTORE: dict[str, tuple[str, ...]] = {
    "m": ("p",), "mem": ("p", ""), "mam": ("p",), "n": ("t",), "men": ("t", ""), "man": ("t",),
    "ny": ("s", "c"), "meny": ("s", "c"), "many": ("s", "c"), "ng": ("k", ""), "meng": ("k", ""),
    "mang": ("k", ""),
}


@lru_cache(maxsize=8192)
def harm_family(token: str) -> HarmFamily | None:
    """The harm family of one normalised token, found by stripping Indonesian/regional affixes.

    Handles di-/me(m/n/ng/ny)-/nge-/ng-/ny-/ter-/ke-/ma- (Minang) prefixes with nasal assimilation,
    -in/-i/-kan/-an/-nya suffixes and combinations ("dipukulinnya"). Bare stems that are ordinary words
    ("pukul 3", "kunci motor") only count for the stems not in ``_AFFIX_ONLY``.
    """
    if len(token) < 3 or len(token) > 24 or not token.isalpha():
        return None
    fam = _STEM_FAMILY.get(token)
    if fam is not None and token not in _AFFIX_ONLY:
        return fam
    bodies = [(token, False)]
    for suf in _SUFFIXES:
        if token.endswith(suf) and len(token) - len(suf) >= 3:
            body = token[: -len(suf)]
            bodies.append((body, True))
            for suf2 in ("in", "i", "kan"):  # "pukulinnya": -nya after -in
                if suf == "nya" and body.endswith(suf2) and len(body) - len(suf2) >= 3:
                    bodies.append((body[: -len(suf2)], True))
    for body, suffixed in bodies:
        if suffixed and body in _STEM_FAMILY:
            return _STEM_FAMILY[body]
        for pre in _PREFIXES:
            if not body.startswith(pre) or len(body) - len(pre) < 3:
                continue
            rest = body[len(pre):]
            if rest.startswith("nge"):  # "dingegebukin" style double prefixes
                rest = rest[3:]
            for cand in (rest, *(r + rest for r in _NASAL_RESTORE.get(pre, ()))):
                if cand in _STEM_FAMILY:
                    return _STEM_FAMILY[cand]
    return None


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
    "sodomi disodomi menyodomi "
    "disetubuhi menyetubuhi digagahi dinodai dilecehkan melecehkan pelecehan digerayangi "
    "raped rape sexually_assaulted molested"
)
WEAPON = _alt(
    "pisau golok parang senjata_tajam sajam senjata pistol clurit celurit arit sabit badik kapak samurai "
    "linggis pedang belati gunting_besar knife gun machete balok kayu_balok pentungan tongkat_besi besi palu "
    "pipa_besi batu_bata air_keras air_panas bensin minyak_panas soda_api acid gasoline petrol"
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
    "when_i_was used_to as_a_child last_year last_month last_week last_time_was last_time_it "
    "baheula kapungkur waktos_alit jaman_alit"
)
HABIT = _alt("sering selalu tiap setiap kadang suka biasanya often always every sometimes")
NEGATION = _alt("tidak bukan belum jangan never not dont don_t didn_t tanpa")
NEWS = _alt(
    "berita koran film sinetron drakor novel artikel penelitian riset skripsi makalah sosialisasi seminar "
    "webinar headline tayangan fiksi news movie article lagu judul lirik song podcast episode tiktok viral netizen "
    "hoaks hoax adegan"
)
ABUSE_CONTEXT = re.compile(
    r"\b(?:" + VIOLENCE[3:-1] + "|" + SEXUAL_ASSAULT[3:-1] + "|" + THREAT[3:-1]
    + r"|kdrt|kekerasan|dimarahi|dibentak|dimaki|disakiti|menyakiti|takut|abuse|abusive|violent|masuk kamar"
    + r"|mabuk|marah|drunk|pegang pegang|dipegang|meraba|diraba|digerayangi|dibawa kabur|diculik"
    + r"|teach (?:me|her|him|you) a lesson|(?:kasih|ngasih|memberi|kasi) (?:\S+ )?pelajaran)\b"
)

_RE_VIOLENCE = re.compile(r"\b" + VIOLENCE + r"\b")
_RE_SEX = re.compile(r"\b" + SEXUAL_ASSAULT + r"\b")
# A year gone by ("diperkosa tahun 2016") and remembering ("tadi pagi aku inget lagi kejadian ..."): the past.
# "A year gone by" is two or more calendar years back from the year the process starts in (in December
# "tahun ini" / last year may still be weeks ago); computed, so it does not go stale as years pass.
_YEAR_GONE = (r"(?:tahun|thn|th|in) (?:19\d\d|"
              + "|".join(str(y) for y in range(2000, date.today().year - 1)) + ")")
# "bulan Maret kemarin", "agustus lalu": a named month gone by, weeks or more ago.
_MONTH_GONE = (r"(?:bulan )?(?:januari|februari|maret|april|juni|juli|agustus|september|oktober|november|desember) "
               r"(?:kemarin|kemaren|kmrn|lalu|tahun lalu)")
_REMEMBERING = r"(?:inget|ingat|keinget|teringat) lagi"
_RE_PAST = re.compile(r"\b" + PAST + r"\b|\b(?:\d+|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|"
                      r"beberapa|bbrp) tahun (?:yang )?lalu\b|\b" + _YEAR_GONE + r"\b|\b" + _REMEMBERING + r"\b"
                      r"|\b" + _MONTH_GONE + r"\b")
_RE_HABIT = re.compile(r"\b" + HABIT + r"\b")
_RE_NEWS = re.compile(r"\b" + NEWS + r"\b")
_RE_NOW = re.compile(r"\b" + NOW + r"\b")
# "Now" about something other than the harm: "skrg hamil", "skrg dia lagi kerja", "skrg umur 20".
_RE_NOW_OTHER = (r"|(?:sekarang|saat ini) (?:saya |aku |dia |ia |kami |suami\w* |istri\w* |pelaku |bapak\w* )?"
                 r"(?:lagi |sedang |masih )?(?:hamil|kerja|bekerja|di kantor|ke kantor|dinas|merantau|sekolah|"
                 r"kuliah|tinggal|ngekost|ngekos|pindah|umur|usia|kelas|keluar kota|di luar kota|mondok|kost|\d+|"
                 # the aftermath, not the act: "sekarang dia tidak mau bicara", "sekarang kasusnya di polisi"
                 r"tidak mau (?:bicara|ngomong|cerita|makan|sekolah|keluar)|trauma|minta maaf|kasus\w*|murung|"
                 # changed, or marked by it: "sekarang dia baik", "sekarang jadi takut sekolah"
                 r"(?:sudah )?(?:baik|berubah|membaik|baikan|tobat|insaf|sepuh|tua|meninggal|almarhum\w*|pensiun)|"
                 r"depresi|stres|stress|sakit jiwa|gangguan jiwa|"
                 r"jadi (?:takut|trauma|pendiam|murung|minder|malas|males|penakut)|"
                 # the writer's plan now: "sekarang ingin ngadamel laporan", "sekarang mau konsultasi"
                 r"(?:ingin|mau|pengen|hoyong|arep|baru berani) (?:\S+ )?(?:lapor|melapor|laporan|ngadamel|konsultasi|"
                 r"konseling|cerita|bercerita|tanya|nanya|bertanya))\b")
_RE_NOW_FALSE = re.compile(r"\b(?:sekarang (?:saya |aku |kami |dia |mereka |ia )?(?:sudah|tidak lagi|aman|wis|alah)|"
                           r"sampai sekarang|hingga sekarang|"
                           r"sejak sekarang|dari dulu sampai sekarang|sampai saat ini|hingga saat ini|"
                           r"bukan (?:untuk |buat )?sekarang|mumpung (?:\S+ )?berani)\b"
                           + _RE_NOW_OTHER)
# "Now" in a neighbouring clause that tells the aftermath, not the act: "kemarin dipukul. sekarang di rsud",
# "sekarang saya bingung", "baru berani cerita sekarang". Removed from the window around an act only; in the
# act's own clause ("tadi malam diperkosa sekarang mau lapor") the act's own time words still decide.
_RE_NOW_STATE = re.compile(
    r"\b(?:sekarang|saat ini) (?:saya |aku |dia |ia |kami |ibu\w* |kakak\w* |adik\w* |anak\w* )?"
    r"(?:sudah |lagi |sedang )?"
    r"(?:(?:di|pulang ke|balik ke|ngungsi ke|mengungsi ke|kabur ke) (?:rs|rsud|rumah sakit|puskesmas|klinik|igd|"
    r"rumah (?:ibu|mama|mamak|emak|orang tua|nenek|kakak|saudara|keluarga|mertua)\w*)|dirawat|stabil|"
    r"bingung|jijik|malu|menyesal|baik baik saja|"
    r"(?:mau|ingin|pengen) (?:gugat|cerai|lapor|pisah|konseling|cerita)|tidak (?:mau |berani )?masuk sekolah|trauma)\b"
    r"|\b(?:baru )?(?:berani )?(?:cerita|ngomong|bilang|lapor) sekarang\b|\bbaru sekarang (?:berani|bisa) \w+"
)
# The writer hurts their own child and asks how to stop ("saya sering kelepasan mukul anak, saya menyesal"):
# a parent seeking help, not a child in danger within hours.
_RE_SELF_HITS = re.compile(r"\b(?:saya|aku|gue|gw) (?:\S+ ){0,3}(?:memukul|mukul|nyubit|mencubit|cubit|membentak|"
                           r"bentak|nampar|menampar|menjewer|jewer|kasar)\b")
_RE_REMORSE = re.compile(r"\b(?:menyesal|nyesel|nyesal|(?:ingin|pengen|mau) berubah|parenting|"
                         r"(?:tidak|gak) mau jadi (?:ibu|ayah|bapak|orang tua)|kelepasan)\b")
# The writer's own lasting anger ("sekarang saya 20, masih marah dan susah percaya orang"), not a perpetrator.
_RE_OWN_ANGER = re.compile(r"\b(?:masih|lagi) (?:marah|kesal) (?:dan|,) "
                           r"(?:susah|sulit|sedih|kecewa|trauma|benci|takut)"
                           r"|\b(?:saya|aku) (?:masih|lagi) (?:marah|kesal|benci|dendam) "
                           r"(?:sama|kepada|ke|pada|dengan)\b")
# A wife left by her husband ("ditinggal suaminya 2 tahun tanpa nafkah"): neglect, not a child left alone.
_RE_LEFT_BY_SPOUSE = re.compile(r"\b(?:ditinggal|ditinggalkan|ditinggalin) (?:oleh |sama |sm )?"
                                r"(?:suami|istri|bojo)\w*")
_RE_HELP = re.compile(r"\b" + HELP + r"\b")
_RE_HELP_POLITE = re.compile(
    r"\b(?:tolong|please|help) (?:info|informasi|tanya|jelaskan|jelasin|dijelaskan|kasih tahu|beritahu|"
    r"bantu jelaskan|dibantu info|minta info|share|bagikan|sebutkan|cek|cekin|koreksi|periksa|review|bacain)\b"
)
_RE_QUESTION_GENERIC = re.compile(
    r"\b(?:apakah|bagaimana cara|gimana cara|cara melapor|cara lapor|bisa dilaporkan|bisa dipidana|"
    r"hukumannya|pasal|termasuk kekerasan|apa itu|itu apa|artinya)\b"
)

_RE_PRESENT = re.compile(
    r"\b(?:masih|lagi|sedang|ada) (?:ada )?di (?:dalam |depan |luar |sekitar )?"
    r"(?:rumah|kamar|sini|kost|depan|luar|dapur|ruang)\b"
    r"|\bdi depan (?:rumah|kost|pintu|kamar|gerbang|pagar)\b"
    r"|\b(?:sekarang|masih|lagi|sedang) (?:\S+ )?(?:di )?(?:depan|luar) (?:rumah|kost|pintu|kamar|gerbang|pagar)\b"
    r"|\b(?:lagi|sedang|masih) (?:menunggu|nunggu|nungguin|mencari|nyari|cari|mengintai|gedor|menggedor)\b"
    r"|\bmenggedor\b|\bgedor gedor\b|\boutside my (?:door|house|room)\b|\bis (?:still )?(?:here|home|outside)\b"
)
_RE_HIDE = re.compile(
    r"\b(?:sembunyi|bersembunyi|menyembunyikan diri|dikejar|mengejar saya|kabur dari rumah sekarang|"
    r"hiding|chasing me|chased)\b"
)
_RE_GAME = re.compile(r"\b(?:petak umpet|main|permainan|game|hide and seek)\b")
_RE_HIDE_CTX = re.compile(r"\b(?:kabur\w*|lari\w*|melarikan|dicari\w*|nyari\w*|nyariin|mencari\w*|ngejar\w*|"
                          r"ketahuan|sieun|sekarang|skrg|ayeuna|saat ini|masih|sedang|keur)\b")
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
# A threat to kill (bunuh, habisi, beresin, English): data, with examples, in handlers/data/cues.yml (family
# kill_threat).
_RE_KILL = re.compile(cues.family_pattern("kill_threat"))
# A serious injury (fainted, bleeding, a broken bone, not breathing...): data, with examples, in
# handlers/data/cues.yml (family injury).
_RE_INJURY = re.compile(cues.family_pattern("injury"))
# Suicide said outright: data, with examples, in handlers/data/cues.yml (family suicide_outright).
_RE_SUICIDE = re.compile(cues.family_pattern("suicide_outright"))
# A death that belongs to a thing, to the person addressed, to an idiom or to a death penalty: data, with its
# examples, in handlers/data/cues.yml (family not_own_death).
_NOT_OWN_DEATH = cues.family_pattern("not_own_death")
_RE_SUICIDE_FALSE = re.compile(_NOT_OWN_DEATH)


def not_own_death(norm: str) -> bool:
    """A death named in a normalised text belongs to a thing, to someone else or to an idiom: a phone or the
    lights going out, a curse at the reader ("mati aja kamu"), a death penalty, "cinta mati". Triage keeps the
    statistical head from paging on these too."""
    return bool(_RE_SUICIDE_FALSE.search(norm))


# A partner's suicide threat used as a lever ("ngancem bunuh diri kalo aku ga nurut", "kalau sy putusin dia bakal
# bunuh diri") is coercive control (high), not the writer's own intent.
_RE_SUICIDE_LEVER = re.compile(
    r"\b(?:mengancam|ancam|ngancam)\w* (?:(?:mau|akan|bakal|untuk|terus|mulu|melulu) ){0,2}bunuh diri\b"
    r"|\bkalau (?:\S+ ){1,5}(?:dia|pacar\w*|suami\w*|istri\w*) (?:bakal|akan|mau) bunuh diri\b"
    r"|\bthreaten\w* (?:to )?(?:kill (?:him|her)self|suicide)\b"
)
# ... unless the threat comes with the means or a place to act on it now ("ngancam bunuh diri sambil megangin adek
# di atas jembatan"): then it is an emergency for everyone there.
_RE_LEVER_ACUTE = re.compile(r"\b(?:jembatan|atap|rooftop|tebing|rel|pisau|golok|racun|tali|megang\w*|memegang\w*|"
                             r"gendong\w*|bensin)\b")
_RE_RECENT72 = re.compile(
    r"\b(?:semalam|tadi|barusan|baru saja|kemarin|hari ini|pagi ini|malam ini|sekarang|sedang|"
    r"dua hari (?:yang )?lalu|2 hari (?:yang )?lalu|tiga hari (?:yang )?lalu|3 hari (?:yang )?lalu|"
    r"kemarin lusa|last night|yesterday|today|tonight|this morning|this afternoon|this evening|hours ago|"
    r"an hour ago|just now|earlier today|just)\b"
)
_RE_PRE_RECENT = re.compile(r"\b(?:baru|lagi|barusan|habis|abis)$")
_RE_INTRUDE = re.compile(
    r"\b(?:masuk (?:ke )?kamar|meraba|diraba|dipegang|memegang|menyentuh|disentuh|grepe|digerayangi|"
    r"tidur di kamar saya|mengintip|into my room|touch(?:es|ed)? me)\b"
)
_RE_TOUCH = re.compile(r"\b(?:pegang pegang|dipegang pegang|dipegang|diraba|meraba|digerayangi|"
                       r"menggerayangi|grepe|dicium paksa|touched me|groped)\b|"
                       # "memegang" is "to hold" as often ("sedang memegang bayi", "memegang jabatan"): a person or
                       # a part of the body must follow.
                       r"\bmemegang (?:\S+ )?(?:saya|kami|dia|tubuh|badan|anak|adik|murid|siswi|paha|dada|payudara|"
                       r"pantat|bokong|selangkangan|kemaluan|alat kelamin|kelamin)\b|"
                       # The everyday verbs ("pegang hp") only with an intimate part as their object (not "susu" or
                       # "anu", which are milk and "thingy" as often).
                       r"\b(?:pegang|megang|pegangin|megangin|raba|ngeraba|rabain|remas|meremas|ngeremes|ngeremas|"
                       r"diremas|remes|colek|nyolek|dicolek)\w* (?:\S+ )?(?:paha|dada|payudara|pantat|bokong|"
                       r"selangkangan|kemaluan|alat kelamin|kelamin)\b(?! (?:ayam|bebek|sapi|kambing|ikan)\b)")
# "lagi" or "masih" right before the verb tells it is going on ("bos lagi pegang pegang dada saya").
_RE_GOING_ON = re.compile(r"\b(?:lagi|masih) $")
# Someone taken away (kidnapped, run off with): data, with examples, in handlers/data/cues.yml (family abduction).
_RE_ABDUCT = re.compile(cues.family_pattern("abduction"))
# Someone held where they are (locked in, held captive, not allowed to leave): data, with examples, in
# handlers/data/cues.yml (family confinement).
_RE_CONFINED = re.compile(cues.family_pattern("confinement"))
# Identity papers held by an employer or an agent: data, with examples, in handlers/data/cues.yml (family
# documents_withheld).
_RE_PASSPORT = re.compile(cues.family_pattern("documents_withheld"))
_RE_CHILD_WORD = re.compile(r"\b(?:bayi|balita|batita|anak|anaknya|adik|bocah|baby|child|kid|kids|toddler|"
                            r"orok|bayinya|cucu)\b")
# A child left alone (at home, in a car, all day, nobody watching): data, with examples, in handlers/data/cues.yml
# (family child_left_alone).
_RE_LEFT_ALONE = re.compile(cues.family_pattern("child_left_alone"))
_RE_HANDOVER = re.compile(
    r"\b(?:dijemput|dibawa|diberangkatkan|dikirim|dijual|diculik|dibawa kabur|menjemput|membawa|menjual|"
    r"taken|picked up|sold)\b"
)
_RE_IMMINENT = re.compile(r"\b(?:malam ini|nanti malam|besok|hari ini|sekarang|sebentar lagi|pagi ini|"
                          r"nanti sore|tonight|tomorrow|today|right now)\b")
_RE_TRAFFICK_CTX = re.compile(
    r"\b(?:calo|sponsor|agen|agency|penyalur|tekong|mucikari|germo|luar negeri|malaysia|arab|saudi|abk|kapal ikan|"
    r"hongkong|hong kong|taiwan|kamboja|myanmar|batam|paksa|dipaksa|terpaksa|tidak mau|menolak|takut|"
    r"orang asing|tidak dikenal|tidak kenal|baru kenal|baru dikenal|kenalan|kenal di|dijual|diculik|"
    r"jalur tikus|tanpa dokumen|ilegal|trafficker|smuggler|sold)\b"
)


_RE_RE_RETURN_CTX = re.compile(r"\b(?:mabuk|marah|ancam|mengancam|bunuh|pukul|hajar|sering|tiap|lagi|"
                               r"masuk kamar|drunk|angry)\b")


# Structural rules on stems: a harm act plus a "now / within hours" marker in the same or an adjacent clause.
_RE_NOW_STRONG = re.compile(
    r"\b(?:sekarang|saat ini|detik ini|barusan|baru saja|tadi|semalam|malam ini|hari ini|pagi ini|siang ini|"
    r"sore ini|subuh ini|sebentar lagi|right now|just now|tonight|last night|this morning|currently|"
    r"at the moment|as we speak)\b"
)
# Right before the verb these mean "in progress" ("lagi mukulin"); after it, "lagi" means "again".
_PRE_NOW_TOKENS = frozenset("lagi sedang masih baru barusan keur is are keeps still tengah".split())
_RE_RECENT72_WIDE = re.compile(
    r"\b(?:semalam|tadi|barusan|baru saja|kemarin|hari ini|pagi ini|malam ini|sekarang|sedang|kemarin lusa|"
    r"(?:dua|2|tiga|3|satu|1) (?:hari|malam) (?:yang )?lalu|(?:two|three|2|3) (?:nights|days) ago|"
    r"last night|yesterday|today|tonight|this morning|just now|earlier today)\b"
)
_RE_OLDER = re.compile(
    r"\b(?:dulu|dahulu|tahun lalu|tahun yang lalu|waktu (?:kecil|sd|smp|sma|masih kecil|kuliah)|masa kecil|"
    r"(?:waktu|pas|saat|ketika) (?:saya |aku |dia |ia )?(?:masih )?(?:kecil|umur \d+|usia \d+|kelas \d+ sd)|"
    r"(?:\d+|dua|tiga|empat|lima|beberapa|berapa) (?:minggu|bulan|tahun) (?:yang )?lalu|minggu lalu|"
    # four days or more: past the ~72 hours of an emergency
    r"(?:[4-9]|\d\d+|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|beberapa) hari (?:yang )?lalu|"
    r"bulan lalu|sebulan lalu|seminggu lalu|years ago|last (?:year|month|week)|when i was|"
    + _YEAR_GONE + "|" + _REMEMBERING + r"|kepikiran lagi)\b"
)
_RE_BODY_CUT = re.compile(r"\b(?:tangan\w*|nadi\w*|lengan\w*|pergelangan\w*|diri|paha\w*|kulit\w*|wrist\w*|arm\w*)\b")
_RE_JOKE_RAW = re.compile(r"[\U0001F602\U0001F923\U0001F606\U0001F605]|\b(?:wk(?:wk)+\w*|w?k{2,}w\w*|"
                          r"(?:ha){2,}|(?:he){2,}|(?:hi){2,}|lol|lmao|canda\w*|becanda\w*|bercanda\w*|"
                          r"ngakak|kidding|jk)\b", re.IGNORECASE)
# Presence of the perpetrator, or a return within hours, beyond the literal "masih di rumah".
_RE_PRESENT_MORE = re.compile(
    r"\b(?:masih|lagi|sedang) (?:\S+ )?(?:nongkrong|duduk|tidur|mabuk|ngamuk|mengamuk|marah|teriak\w*|"
    r"nunggu\w*|di situ|di sana|disitu|disana|di sini|disini|di luar|diluar|ada di)\b"
    r"|\b(?:belum|tidak) (?:juga )?(?:pergi|keluar|pulang) dari\b"
    r"|\b(?:di ?luar|depan) (?:kamar|pintu|rumah|kost)\b (?:\S+ ){0,4}(?:gedor|teriak|marah|ngamuk|mengamuk|"
    r"maksa|memaksa|nunggu|mau)\w*"
    r"|\bgedor\w*|\bdobrak\w*|\b(?:nyoba|mencoba|coba) (?:\S+ )?buka pintu\b"
    r"|\b(?:sebentar lagi|nanti|bentar lagi) (?:\S+ )?(?:balik|pulang|datang|kesini|ke sini|sampai)\b"
    r"|\b(?:mau|akan|bakal|lagi) (?:\S+ )?(?:pulang|balik|datang|otw|on the way) (?:\S+ ){0,3}"
    r"(?:sekarang|malam ini|sebentar lagi|nanti)\b"
    r"|\b(?:otw|on the way|coming (?:for|after|back|home)|is coming|on his way|on her way|outside my)\b"
)
# Suicide said without a harm act, read clause by clause: data in handlers/data/cues.yml (family fires_in_clause).
_RE_IN_CLAUSE = re.compile(cues.family_pattern("fires_in_clause"))
_RE_FAREWELL = re.compile(r"\b(?:maaf|maafin|maafkan|sorry|selamat tinggal|pamit)\b")
_RE_PILLS_TAKEN = re.compile(r"\b(?:sudah|barusan|baru|tadi|habis) (?:\S+ ){0,2}(?:minum|telan|nelen|menelan) "
                             r"(?:\S+ ){0,2}(?:semua |banyak )?(?:obat|pil)\w*")
# A child out alone late at night or since hours.
_RE_CHILD_ALONE_LATE = re.compile(
    r"\b(?:sendirian|sendiri|seorang diri|alone) (?:\S+ ){0,8}(?:malam|subuh|dari sore|dari pagi|dari siang|"
    r"sejak sore|sejak pagi|berjam jam|seharian|jam \d+|night|hours)\b"
    r"|\b(?:malam|jam \d+ malam) (?:\S+ ){0,8}(?:sendirian|seorang diri|alone)\b"
    r"|\b(?:nangis|menangis|nyari|mencari|crying) (?:\S+ ){0,4}(?:ibu|mama|orang tua|ibunya|mamanya)\b"
)
# Being dragged into a vehicle / taken away right now.
_RE_DRAGGED = re.compile(
    r"\b(?:mobil|car|van|angkot|taksi|taxi) (?:\S+ ){0,6}(?:ditarik|diseret|dipaksa|dragged|pulled|forced) "
    r"(?:\S+ ){0,2}(?:masuk|into)\b|"
    r"\b(?:ditarik|diseret|dipaksa|didorong|digotong|diangkut|dimasukin|dimasukkan|dragged|pulled|forced)"
    r" (?:\S+ ){0,4}(?:masuk|ke dalam|ke|into) (?:\S+ ){0,2}(?:mobil|mobilnya|van|motor|truk|angkot|"
    r"car|taksi|taxi|rumah kosong|kebun|semak)\b"
)
_RE_TAKE_AWAY = re.compile(
    r"\b(?:bawa kabur|membawa kabur|dibawa kabur|bawa lari|dibawa lari|bawa pergi|membawa pergi|culik|"
    r"menculik|diculik|dijemput|menjemput|jemput|ambil paksa|dibawa (?:\S+ ){0,2}(?:ke arah|naik|ke kebun|ke hutan|"
    r"ke semak|ke mobil|ke tempat sepi)|(?:diajak|ngajak|mengajak) (?:\S+ ){0,2}(?:naik (?:motor|mobil)|ikut)|"
    r"take (?:my|the) (?:kids?|child|children|son|"
    r"daughter|baby)|pick (?:her|him) up|picked up)\b"
)
_RE_STRANGER_ONLINE = re.compile(
    r"\b(?:online|game|medsos|media sosial|sosmed|instagram|ig|fb|facebook|tiktok|discord|whatsapp|wa|"
    r"michat|dikenal di|kenal di|kenalan di|baru kenal|tidak dikenal|tidak (?:saya |kami |aku )?kenal|"
    r"orang asing|stranger|met online)\b"
)
_RE_IMMINENT_WIDE = re.compile(
    r"\b(?:malam ini|nanti malam|sekarang|sebentar lagi|hari ini|pagi ini|subuh ini|sore ini|besok subuh|"
    r"besok pagi|tonight|right now|now|today|lagi dijemput|sedang dijemput|barusan|baru saja|tadi|just now|just)\b"
)
# An abuser with access to the child tonight: visiting the child's room, calling the child to his room.
_RE_ROOM_TONIGHT = re.compile(
    r"\b(?:masuk (?:ke )?kamar|ke kamar\w*|panggil\w* (?:\S+ ){0,3}kamar|manggil (?:\S+ ){0,3}kamar|"
    r"memanggil (?:\S+ ){0,3}kamar|tidur (?:di kamar|bareng|sama|dengan)|ngapa ngapain\w*|apa apain\w*|"
    r"diapa apain|pegang pegang|nginep|menginap|into my room)\b"
)
_RE_TONIGHT = re.compile(r"\b(?:malam ini|nanti malam|tonight|sekarang|sebentar lagi|malam malam)\b")
_RE_SEX_INDIRECT = re.compile(
    r"\b(?:dipaksa|memaksa|maksa|paksa|forced) (?:\S+ ){0,4}(?:berhubungan|hubungan|begituan|ngelakuin|"
    r"melakukan|tidur|ml|gituan|layani|melayani|sex|have sex|buka baju)\w*"
    r"|\b(?:dipaksa|maksa|memaksa)(?: (?:saya|dia|kami|oleh|sama|adik|anak|orang|tu|itu|pacar\w*|suami\w*|"
    r"paman|om|bapak|ayah|teman\w*)){0,4} (?:tadi|semalam|kemarin|barusan)\b"
    r"|\bbaju\w* (?:\S+ ){0,2}(?:robek|dirobek|sobek|disobek)\b|\bsakit (?:\S+ )?(?:di )?(?:bawah|bagian bawah|"
    r"kemaluan|selangkangan)\w*|\bngapa ngapain\w*|\bdiapa apain\w*"
)
# Torn clothes from a fight or a shakedown ("dipalak senior, kemarin bajunya robek"), not a sign of assault.
_RE_TORN_IN_FIGHT = re.compile(r"\b(?:dipalak|malak|berantem|berkelahi|dikeroyok|keroyok\w*|tawuran|jatuh|dibully|"
                               r"dirundung|dijambret|jambret|dirampok)\b")
# When someone told of it ("baru cerita ke saya kemarin"), as opposed to when it happened.
_RE_TOLD_WHEN = re.compile(r"\b(?:cerita|bercerita|bilang|ngaku|mengaku|curhat|ngomong|terbuka|lapor|melapor)\w* "
                           r"(?:\S+ ){0,3}(?:kemarin|tadi|semalam|barusan|hari ini)\b")
_RE_HELD_NOW = re.compile(
    r"\b(?:tidak (?:boleh|bisa|dibolehkan|diizinkan|diijinkan|dikasih) (?:\S+ )?(?:keluar|pulang|pergi|kabur|turun)|"
    r"dilarang (?:keluar|pulang|pergi)|tidak dikasih makan (?:\S+ ){0,2}(?:\d+|dua|tiga|berapa) hari|"
    r"(?:\d+|dua|tiga|berapa) hari (?:tidak|belum) (?:dikasih|diberi) makan|"
    r"tidak (?:diberi|dikasih) makan (?:dari|sejak)|can ?not leave|can t leave|"
    r"tidak (?:boleh|bisa|dikasih) turun|(?:hp|handphone|ponsel)\w* (?:\S+ )?(?:diambil|disita|ditahan))\b"
)
_RE_LEAVING_TONIGHT = re.compile(r"\b(?:berangkat\w*|diberangkat\w*|dikirim\w*|dibawa|terbang|pergi|leaving|"
                                 r"leave|fly|flight) (?:\S+ ){0,3}(?:malam ini|nanti malam|sekarang|hari ini|"
                                 r"besok subuh|besok pagi|tonight|today)\b")


_RE_YESTERDAY = re.compile(r"\b(?:kemarin|kemarin malam|minggu lalu|minggu kemarin|"
                           r"(?:\d+|dua|tiga|beberapa) hari (?:yang )?lalu|"
                           r"yesterday|last week)\b")
# Stalked, a drunk partner, someone coming after the writer (a context of abuse, no cue by itself): data, with
# examples, in handlers/data/cues.yml (family stalking).
_RE_STALK = re.compile(cues.family_pattern("stalking"))
# Someone trying to get in or waiting outside the door: data, with examples, in handlers/data/cues.yml (family
# breaking_in).
_RE_TRYING_IN = re.compile(cues.family_pattern("breaking_in"))
# A threat to burn, douse or poison: data, with examples, in handlers/data/cues.yml (family burn_threat).
_RE_BURN_THREAT = re.compile(cues.family_pattern("burn_threat"))
_RE_ABANDONED = re.compile(
    r"\b(?:ninggalin|ninggal|meninggalkan|ditinggal|ditinggalin|ditinggalkan) (?:\S+ ){0,3}(?:anak|bayi|balita)\w*"
    r"(?: (?:\S+ ){0,10}(?:\d+|dua|tiga|empat|berapa|beberapa) (?:hari|malam) (?:tidak|belum) "
    r"(?:pulang|balik|ada kabar)"
    r"| (?:\S+ ){0,6}(?:tidak ada (?:yang|orang) (?:jaga|urus|ngurus|kasih makan)|tanpa (?:makanan|orang dewasa)))"
)
_RE_CHILD_MISSING = re.compile(
    r"\b(?:tidak|belum) pulang (?:\S+ ){0,2}(?:dari|sejak) (?:kemarin|semalam|tadi|pagi|siang|sore|malam)"
    r"|\b(?:hilang|menghilang|kabur|tidak ada kabar|tidak bisa dihubungi) (?:\S+ ){0,2}(?:dari|sejak) "
    r"(?:kemarin|semalam|tadi|pagi|siang|sore|malam)|\b(?:missing|has not come home|hasn t come home)\b"
)
_RE_CHILD_ALONE_STREET = re.compile(
    r"\b(?:sendirian|sendiri|alone) (?:\S+ ){0,8}(?:tidak ada (?:orang tua|ortu|yang (?:jaga|nyari|nyariin|cari|"
    r"mencari))|sudah (?:sejam|\d+ jam|berjam))"
    r"|\b(?:nemu|menemukan|ditemukan|ketemu|found|dibuang) (?:\S+ ){0,2}(?:bayi|baby|orok)\b"
    r"|\b(?:bayi|orok|baby)\w* (?:\S+ ){0,2}(?:dibuang|ditemukan|ditelantarkan|abandoned|dumped)\b"
)
_RE_SOLD_PERSON = re.compile(r"\b(?:dijual|menjual|jual|sold) (?:\S+ ){0,4}(?:mucikari|germo|om om|pria|laki laki|"
                             r"orang|calo|pimp)|\b(?:sebagai|sbg|jadi) ganti (?:\S+ )?(?:utang|hutang)|"
                             r"(?:dijadiin|dijadikan) istri")
_RE_CHILD_TAKEN_CTX = re.compile(r"\b(?:utang|hutang|dijadiin istri|dijadikan istri|dinikahkan|dinikahin|nikah|"
                                 r"kawin|ganti)\b")


_RE_BURN_OBJECT = re.compile(r"\b(?:saya|kami|dia|istri\w*|anak\w*|ibu\w*|adik\w*|kakak\w*|suami\w*|me|her|him|"
                             r"air (?:panas|keras|mendidih)|bensin|minyak|soda api|rumah)\b")
# "telp video cabul", "foto mesum": sexual content sent or shown (online abuse), not an assault on the body.
_CONTENT_NOUNS = frozenset("video vidio foto gambar telp telpon telepon vc chat pesan konten film situs stiker "
                           "grup status".split())
_LIKE = frozenset("kayak kaya seperti bagai bagaikan like macam ibarat layaknya".split())
_NUMBER_WORDS = frozenset("satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas dua belas".split())


_RE_AWAY = re.compile(
    r"\b(?:dia|suami\w*|istri\w*|pelaku|bapak\w*|ayah\w*|pacar\w*|orangnya|ia) (?:\S+ ){0,2}(?:lagi |sedang |sudah )?"
    r"(?:kerja|bekerja|berangkat kerja|di kantor|ke kantor|dinas|pergi|keluar kota|di luar kota|merantau|"
    r"tidak di rumah|tidak ada di rumah|ditangkap|ditahan polisi|kabur)\b"
    r"|\b(?:he|she) (?:s|is) (?:not (?:here|home|around)|away)\b"
    r"|\bsekarang (?:lagi |sedang )?tidak (?:ada )?di rumah\b"
)
# The writer's childhood, told by the adult they are now.
_RE_CHILDHOOD = re.compile(r"\b(?:masa kecil|waktu kecil|waktu masih kecil|semasa kecil|pas kecil|waktu sd|"
                           r"waktu smp)\b")
_RE_GROWN_NOW = re.compile(r"\b(?:sekarang|skrg|kini) (?:saya|aku) (?:sudah |udah )?(?:umur |usia )?(?:[2-9]\d|dewasa|"
                           r"menikah|nikah|punya anak|kuliah|kerja|bekerja|jadi ibu|jadi ayah)\b")
# A condition that has lasted months or years ("sudah setaon begitu"), with no lock, chain or cell named.
_RE_CHRONIC = re.compile(r"\b(?:sudah|udah|udh) (?:se(?:tahun|taun|taon|tahunan|bulan|bulanan)|"
                         r"\d+ (?:tahun|taun|bulan|bln|thn)\w*|berbulan bulan|bertahun tahun) (?:\S+ )?"
                         r"(?:begitu|gitu|gini|begini|kayak gini|seperti ini)\b")
_RE_LOCKED = re.compile(r"\b(?:dikunci\w*|dikurung\w*|disekap|dirantai|dipasung|digembok|diikat|sel|gudang)\b")
# The writer says the danger is over and they are safe.
_RE_SAFE_NOW = re.compile(r"\b(?:saya|kami) (?:sudah |sekarang )+(?:pulang|aman|di tempat aman|sampai rumah)\b"
                          r"|\bsaya (?:tidak apa apa|gapapa|baik baik saja)\b|\bi m (?:safe|ok|okay|fine) now\b")
# Away for weeks: a threat from someone who comes back "bulan depan" is serious (high), not danger within hours.
_RE_AWAY_LONG = re.compile(r"\b(?:sampai|hingga|baru pulang|pulang|balik) (?:\S+ ){0,2}(?:bulan|minggu|tahun) depan\b"
                           r"|\b(?:sedang|lagi|masih) merantau\b")
# When it last happened, a day or more ago.
_RE_LAST_TIME = re.compile(r"\blast time (?:was|it happened|he|she)\b|\bterakhir (?:kali )?(?:\S+ ){0,2}"
                           r"(?:kemarin|minggu|bulan|tanggal|senin|selasa|rabu|kamis|jumat|sabtu|\d+ hari)\b")
# A threat tied to telling or to a later life event, not to the next hours.
_RE_IF_I_TELL = re.compile(r"\b(?:kalau|kalo|jika|klo|kl) (?:saya|aku|kamu|dia) (?:\S+ ){0,2}(?:cerita|bilang|lapor|"
                           r"ngadu|mengadu|buka mulut|nikah lagi|menikah lagi|cerai)\w*"
                           r"|\b(?:kalau|kalo|jika|klo|kl) (?:\S+ ){0,2}(?:dilaporin|dilaporkan|dilapor|diadukan)\b"
                           r"|\b(?:kalau|kalo|jika|klo|kl) (?:\S+ )?(?:ketemu|bertemu|ketemuan|papasan)\b")
_RE_FIRST_PERSON = re.compile(r"\b(?:saya|kami|my|me|i)\b")
# The names a "lowers" entry of handlers/data/cues.yml may list under "unless" (each is a test of the message).
LOWER_PREDICATES = frozenset({"help_now", "now_strong", "kin_named", "kin_or_home_named", "someone_held",
                              "first_person"})
_HOME_WORDS = frozenset("kamar rumah hp badan tubuh".split())
_RE_SOMEONE_HELD = re.compile(r"\b(?:saya|kami|anak\w*|adik\w*|istri\w*|kakak\w*|ibu\w*|teman\w*|tetangga\w*)\b")
_RE_BACK_SOON = re.compile(r"\b(?:pulang|balik|datang|kembali|back)\b (?:\S+ ){0,3}"
                           r"(?:nanti|sebentar|malam ini|sore|jam)"
                           r"|\b(?:nanti|sebentar lagi|malam ini) (?:\S+ ){0,3}(?:pulang|balik|datang|kembali)\b")


# The abuser coming back within hours and the writer sure to be beaten then ("pulang jam 11, pasti dihajar").
_RE_FUTURE_HARM = re.compile(r"\b(?:pasti|bakal|akan|bisa bisa|nanti) (?:\S+ ){0,2}(?:di[a-z]{3,}|habis)\b")
_RE_DONT_LOOK = re.compile(r"\bjangan (?:cari|mencari|nyari)\w* (?:saya|aku|kami)\b|\bdon t (?:look|search) for me\b")
_RE_BRUISE = re.compile(r"\b(?:lebam|memar|biru biru|bruise\w*)\b")
# A child to be married off within a day or two (a sexual-violence crime, with no time left to act).
_RE_MARRY_SOON = re.compile(r"\b(?:dinikahkan|dinikahin|dikawinkan|dikawinin|nikah|kawin|married)\b (?:\S+ ){0,3}"
                            r"(?:besok|lusa|malam ini|hari ini|nanti malam|minggu ini|tomorrow|tonight)\b"
                            r"|\b(?:besok|lusa|malam ini|hari ini) (?:\S+ ){0,3}(?:dinikahkan|dinikahin|dikawinkan|"
                            r"dikawinin|akad|ijab)\b")
_RE_MINOR = re.compile(r"\b(?:keponakan|siswi|santriwati|umur (?:[1-9]|1[0-7])|(?:[1-9]|1[0-7]) (?:tahun|thn|th))\b")
# Sextortion with a meeting set for tonight: photos spread unless the victim comes.
_RE_MEET_TONIGHT = re.compile(r"\b(?:ketemuan|ketemu|bertemu|datang|ke hotel|ke kost|ke rumahnya|meet)\b (?:\S+ ){0,6}"
                              r"(?:malam ini|nanti malam|hari ini|sekarang|tonight|sore ini|jam \d+)\b")
# Someone older or unknown who asks a child for photos: a groomer, not a classmate.
_RE_GROOMER = re.compile(r"\b(?:minta (?:\S+ )?(?:foto|pap|video)|dewasa|dewa|om om|om|orang asing|tidak dikenal|"
                         r"baru kenal|adult|older|stranger|grooming)\b")
_RE_PEER = re.compile(r"\b(?:teman|temen) (?:sekelas|sekolah|satu kelas|satu sekolah)\b")
_RE_SEXTORT = re.compile(r"\b(?:disebar|menyebar|sebar|diviralkan|diviralin|upload|diupload|spread|leak)\w*\b")
# Held by a scam / trafficking ring abroad and hurt or about to be sold on: held now, not a past case.
_RE_SCAM_RING = re.compile(r"\b(?:perusahaan scam|scam|scammer|(?:kerja|dipekerjakan|disuruh) (?:\S+ ){0,2}judi online|"
                           r"nipu orang online|menipu orang online|"
                           r"online scam|kerja (?:\S+ ){0,2}(?:scam|nipu|menipu))\b")
_RE_HELD_HARM = re.compile(r"\b(?:dijual|mau dijual|dipukul\w*|disetrum|distrum|disiksa|dihajar\w*|dikurung|"
                           r"disekap|ditendang|tidak dikasih makan)\b")


def _tokens_family(tokens: list[str]) -> list[HarmFamily | None]:
    return [harm_family(t) for t in tokens]


_RE_RE_RETURN_CTX2 = re.compile(r"\b(?:kekerasan|kdrt|abuse\w*|takut|ketakutan|scared|afraid)\b")


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


_THREAT_WORDS = frozenset("mengancam ancam ngancam diancam bakal akan threatened threatens".split())


def _threatened(text: str, start: int) -> bool:
    """True when a threat word is among the three tokens before ``start`` ("mengancam bakal memperkosa")."""
    return any(t in _THREAT_WORDS for t in text[:start].split()[-3:])


def _structural(norm: str, clauses: list[str], fire: Callable[[str, bool], None], help_now: bool,
                hit: Callable[[re.Pattern[str], str], re.Match[str] | None]) -> None:
    """Stem-based cues: a harm act with a now/within-hours marker in its own or an adjacent clause, and the
    indirect families (self-harm euphemisms, child alone at night, abduction now, held now)."""
    toks_per = [cl.split() for cl in clauses]
    fams_per = [_tokens_family(t) for t in toks_per]
    any_harm = any(f is not None for fams in fams_per for f in fams)
    # Message-level facts, computed once (the loop below runs per clause; a long paste has hundreds).
    present_msg = bool(_RE_PRESENT.search(norm) or _RE_PRESENT_MORE.search(norm))
    harm_ctx = any_harm or bool(ABUSE_CONTEXT.search(norm))
    child_msg = bool(_RE_CHILD_WORD.search(norm))
    room_tonight_ctx = bool(_RE_ROOM_TONIGHT.search(norm)) and (
        child_msg or bool(re.search(r"\b(?:kelas|sd|smp|pesantren|santri\w*|sekolah)\b", norm))
    )
    farewell = bool(_RE_FAREWELL.search(norm))
    take_ctx = bool(_RE_STRANGER_ONLINE.search(norm) or _RE_THREAT.search(norm) or _RE_TRAFFICK_CTX.search(norm)
                    or any_harm)
    child_taken_ctx = bool(_RE_CHILD_TAKEN_CTX.search(norm))
    passport = bool(_RE_PASSPORT.search(norm))
    # "pulang tahun lalu", "sudah di rumah": a trafficking case that is over is not held now.
    told_long_ago = bool(_RE_TOLD_WHEN.search(norm)) and bool(_RE_OLDER.search(norm))
    msg_older = bool(_RE_OLDER.search(norm)) or bool(re.search(
        r"\b(?:sudah|berhasil|sempat) (?:\S+ )?(?:pulang|kabur|di rumah|di indonesia|bebas|keluar)\b", norm))
    for ci, cl in enumerate(clauses):
        toks, fams = toks_per[ci], fams_per[ci]
        # "sekarang sudah cerai" in the next clause is not a present marker, nor is "sekarang di rsud" there.
        window = " ".join(c if k == ci else _RE_NOW_STATE.sub(" ", c)
                          for k, c in enumerate(clauses[max(0, ci - 1) : ci + 2], start=max(0, ci - 1)))
        window = _RE_NOW_FALSE.sub(" ", window)
        habit_cl = bool(hit(_RE_HABIT, cl)) and not hit(_RE_NOW, cl)
        older = bool(hit(_RE_OLDER, cl))
        now_ctx = bool(hit(_RE_NOW_STRONG, window))
        recent72 = bool(hit(_RE_RECENT72_WIDE, window))
        if recent72 and told_long_ago:
            # "dia baru cerita ke saya kemarin, tapi kejadiannya 2 tahun lalu": yesterday is when she told
            recent72 = bool(_RE_RECENT72_WIDE.search(_RE_TOLD_WHEN.sub(" ", window)))
        for j, fam in enumerate(fams):
            if fam is None:
                continue
            pre = toks[max(0, j - 2) : j]
            if any(re.fullmatch(NEGATION, t) for t in pre):
                continue
            pre_now = any(t in _PRE_NOW_TOKENS for t in pre)
            burn = "iram" in toks[j] or "bakar" in toks[j]  # siram / nyiram / disiramin, bakar / dibakar
            if burn and not _RE_BURN_OBJECT.search(" ".join(toks[j + 1 : j + 3])):
                continue  # "nyiram tanaman", "bakar sampah": only a person or a burning liquid makes it harm
            if older and not pre_now:
                continue  # "tahun lalu dipukul": past violence is for the report urgency, not a page now
            if j + 1 < len(toks) and (toks[j + 1].isdigit() or toks[j + 1] in _NUMBER_WORDS):
                continue  # "pukul 3" / "pukul tujuh" is a time of day
            if fam in ("physical", "confine", "abduct") and (pre_now or now_ctx):
                cue = {"physical": "violence_now", "confine": "confined_now", "abduct": "abduction_now"}[fam]
                # "kadang dikunci di luar kalau anaknya marah. tadi sore ...": recurring, the "tadi" is elsewhere
                fire(cue, (older or habit_cl) and not pre_now)
            elif (fam == "sexual" and (pre_now or recent72) and not _threatened(cl, len(" ".join(toks[:j])))
                  and not (j and toks[j - 1] in _CONTENT_NOUNS)):
                fire("sexual_assault_recent", older and not pre_now)
            elif fam == "kill" and (pre_now or now_ctx or present_msg):
                if not re.search(r"\b(?:diri|myself)\b", " ".join(toks[j + 1 : j + 3])):
                    fire("kill_threat", older)
            elif fam == "selfharm" and _RE_BODY_CUT.search(" ".join(toks[j + 1 : j + 4])):
                fire("suicide_self_harm", older)
        if harm_ctx:
            if hit(_RE_PRESENT_MORE, cl) and not hit(_RE_OWN_ANGER, cl):
                fire("perpetrator_present", older or habit_cl)
        if (hit(_RE_SEX_INDIRECT, cl) and (recent72 or hit(_RE_TONIGHT, window))
                and not (_RE_TORN_IN_FIGHT.search(norm) and not _RE_SEX.search(norm))):
            fire("sexual_assault_recent", older)
        # Cues kept as data (handlers/data/cues.yml, family "fires_in_clause"): suicide said without a harm act.
        if hit(_RE_IN_CLAUSE, cl):  # one expression rules the family out for the whole message, then per clause
            for cue, start in cues.search("fires_in_clause", cl):
                if not hit(_RE_SUICIDE_FALSE, cl) and not _negated(cl, start):
                    fire(cue, older)
        if hit(_RE_PILLS_TAKEN, cl) and (farewell or "semua" in cl or "banyak" in cl):
            fire("suicide_self_harm", False)
        if hit(_RE_CHILD_ALONE_LATE, cl) and hit(_RE_CHILD_WORD, window) and not older:
            # "sering ditinggal sendirian sampai malam" is recurring neglect (high) unless it is tonight.
            fire("child_left_alone", bool(hit(_RE_HABIT, cl)) and not hit(_RE_NOW_STRONG, cl))
        if hit(_RE_DRAGGED, window) and not older:
            fire("abduction_now", False)
        tm = hit(_RE_TAKE_AWAY, cl)
        if tm and hit(_RE_IMMINENT_WIDE, window) and not older and not _negated(cl, tm.start()):
            if take_ctx:
                fire("abduction_now", False)
        # "suka manggil santriwati ke kamar malem2"; "sekarang kelas 10 dan sering disuruh nginep": a state
        # and a habit, not tonight.
        cl_now = _RE_NOW_FALSE.sub(" ", cl)
        if room_tonight_ctx and hit(_RE_TONIGHT, cl_now):
            fire("abuser_returning_now", older or (bool(hit(_RE_HABIT, cl)) and not _RE_NOW.search(cl_now)))
        if hit(_RE_HELD_NOW, cl) and (now_ctx or any(t in _PRE_NOW_TOKENS for t in toks)) and not older:
            fire("confined_now", False)
        if passport and hit(_RE_LEAVING_TONIGHT, window):
            fire("handover_imminent", False)
        if hit(_RE_TRYING_IN, cl):
            fire("perpetrator_present", older or (bool(hit(_RE_YESTERDAY, cl)) and not now_ctx))
        if hit(_RE_BURN_THREAT, cl):
            fire("kill_threat", older)
        if hit(_RE_ABANDONED, window) and not older:
            fire("child_left_alone", False)
        if hit(_RE_CHILD_MISSING, cl) and hit(_RE_CHILD_WORD, window):
            fire("child_missing_now", older)
        if hit(_RE_CHILD_ALONE_STREET, window) and (hit(_RE_CHILD_WORD, window) or "bayi" in cl) and not older:
            fire("child_left_alone", False)
        if hit(_RE_SOLD_PERSON, cl) and (recent72 or now_ctx or hit(_RE_IMMINENT_WIDE, window)) and not older:
            fire("handover_imminent", False)
        if tm and hit(_RE_IMMINENT_WIDE, window) and child_taken_ctx and not older:
            fire("handover_imminent", False)
        if farewell and hit(_RE_DONT_LOOK, cl):
            fire("suicide_self_harm", False)  # "maaf ya ma, aku pamit. jangan cari aku": a goodbye note
        if hit(_RE_BACK_SOON, cl) and hit(_RE_FUTURE_HARM, window) and harm_ctx and not older:
            fire("abuser_returning_now", False)
        if hit(_RE_MARRY_SOON, cl) and (child_msg or hit(_RE_MINOR, norm) or hit(_RE_TRAFFICK_CTX, norm)) and not older:
            fire("forced_marriage_imminent", False)
        if hit(_RE_MEET_TONIGHT, cl) and hit(_RE_SEXTORT, norm) and hit(_RE_THREAT, norm) and not older:
            fire("sextortion_meeting", False)
        if (hit(_RE_MEET_TONIGHT, cl) and child_msg and hit(_RE_STRANGER_ONLINE, norm) and not older
                and hit(_RE_GROOMER, norm) and not hit(_RE_PEER, norm)):
            fire("sextortion_meeting", False)  # a child meeting today someone met in an online game
        if hit(_RE_HELD_NOW, cl) and hit(_RE_TRAFFICK_CTX, norm) and not older and not msg_older:
            fire("confined_now", False)
        if (passport or hit(_RE_SCAM_RING, norm)) and hit(_RE_HELD_HARM, cl) and not msg_older:
            fire("held_abroad_harmed", False)


# Indirect and regional wordings of present danger, read off messages that the cues above missed (labelled
# sets D, G, H, I): a weapon in hand now, a covert chat with the perpetrator in the next room, a threatened
# visit tonight, farewell and "not feel anything any more", a person who does not move, mob violence, and
# Javanese, Sundanese and Makassar forms. Each needs a second signal, because each alone has an innocent
# reading ("bawa pisau buat masak", "jangan chat balik, lagi rapat", "surat buat mama").
_X_WEAPON_NOW = re.compile(r"\b(?:napegang|megang|memegang|pegang|bawa|membawa|nggowo|mbawa|holding)\w* (?:\S+ )?"
                           r"(?:" + WEAPON + r"|lading|peso|bedog|mandau)\b")
_X_HOLDING_NOW = re.compile(r"\b(?:sekarang|lagi|masih|sedang) (?:napegang|megang|memegang|pegang|nggowo|holding)")
_X_WEAPON_SEEK = re.compile(r"\b(?:" + WEAPON + r"|lading|peso|bedog) (?:\S+ ){0,6}(?:nggoleki|nyariin|nyari|mencari|"
                            r"tunggu (?:saya|aku) pulang|tunggu aja|awas (?:kamu|kau|lu))")
_X_CANT_TALK = re.compile(r"\b(?:tidak|gak|ga) bisa (?:ngomong|bicara|chat|bales|balas|nelpon|telpon) lama|"
                          r"\bjangan (?:chat|telepon|telpon|telfon|wa|sms|bales|balas|dibales|dibalas) balik")
_X_NEARBY = re.compile(r"\b(?:dia|suami\w*|pacar\w*|pelaku|bapak\w*|ayah\w*) (?:ada |lagi |masih )?di (?:sebelah|"
                       r"kamar sebelah|ruang tamu|luar kamar|depan kamar)\b")
_X_VISIT = re.compile(r"\b(?:mau|akan|bakal|bakalan|mo) (?:dateng|datang|ke|kesini|ke sini|nyamperin)\b "
                      r"(?:\S+ ){0,6}(?:ngajarin|ngasih pelajaran|kasih pelajaran|memberi pelajaran|hajar|habisin|"
                      r"menghabisi)")
_X_VISIT_THREAT = re.compile(r"\b(?:ancam|mengancam|ngancem|ngancam|diancam|bawa teman|bawa temen|takut)\w*")
_X_SOON = re.compile(r"\b(?:malam ini|nanti malam|nanti|sekarang|jam \d+|sebentar lagi|tonight|hari ini)\b")
_X_NOT_MOVING = re.compile(r"\b(?:tidak|gak|ga|nggak) (?:bisa )?(?:gerak|bergerak|bangun bangun|napas|bernapas|nafas|"
                           r"sadar|sadarkan diri)\b")
_X_MOB = re.compile(r"\b(?:diarak|dihakimi massa|diamuk massa|dikeroyok warga|dipersekusi)\b")
_X_NOISE_NOW = re.compile(r"\b(?:suara|terdengar|kedengeran|kedengaran) (?:\S+ ){0,3}"
                          r"(?:jerit|teriak|nangis|menangis)\w*\b "
                          r"(?:\S+ ){0,8}(?:dipukul\w*|dipukulin|disiksa|dihajar|digebukin)")
_X_WHEN = r"(?:kemarin|kamari|tadi|semalam|mau malam|wingi|last night|yesterday|this morning|tadi malam)"
_X_SEX_RECENT = re.compile(r"\b(?:diapa diapain|diapain|diapa apain|diperkosa|assaulted|raped)\b "
                           r"(?:\S+ ){0,8}" + _X_WHEN
                           + r"|\b" + _X_WHEN + r" (?:\S+ ){0,6}(?:diapa diapain|diapain|diperkosa|assaulted|raped)\b|"
                           r"\banu\w* (?:lara|sakit|perih|nyeri)\b")
_X_FORCED_PAIN = re.compile(r"\b" + _X_WHEN + r" (?:\S+ ){0,3}dipaksa\b (?:\S+ ){0,8}(?:nyeri|sakit|perih|berdarah)|"
                            r"\bdipaksa\b (?:\S+ ){0,4}" + _X_WHEN + r" (?:\S+ ){0,8}(?:nyeri|sakit|perih|berdarah)")
_X_FORCED_WORK = re.compile(r"\bdipaksa (?:\S+ ){0,3}(?:lembur|kerja|bekerja|makan|minum|belajar|puasa|sekolah)\b")
_X_NOT_WASHED = re.compile(r"\b(?:havent|haven t|have not|belum) (?:showered|mandi)\b")
_X_SEX_ANY = re.compile(r"\b(?:assaulted|raped|diperkosa|dipaksa|dilecehkan|dicabuli)\b")
_X_CONFINED = re.compile(r"\b(?:ngunci|mengunci|ngurung|mengurung|nyekap|menyekap) "
                         r"(?:saya|aku|kami|kita|dia|anak\w*) di\b|"
                         r"\b(?:tidak|teu) (?:boleh|kenging|bisa) (?:keluar|kaluar)\b (?:\S+ ){0,6}"
                         r"(?:ditahan|dikurung|dikunci)|\b(?:ditahan|dikurung|dikunci) (?:\S+ ){0,4}(?:tidak|teu) "
                         r"(?:boleh|kenging|bisa) (?:keluar|kaluar)\b")
_X_CHAINED = re.compile(r"\bdirante\b")
# A young child's words about a sexual act and a fresh physical sign today ("sering bilang 'ayah masukin jari'
# ... tadi pagi dia jalan kesakitan"): possible assault within hours, for a medical check.
_X_CHILD_SEX_ACT = re.compile(r"\b(?:masukin|masukkan|memasukkan|dimasukin|dimasukkan) (?:\S+ )?(?:jari|tangan)\w*"
                              r"|\b(?:dicabuli|dilecehkan|diperkosa|digerayangi|dipegang pegang|pegang pegang)\b")
_X_CHILD_SEX_SIGN = re.compile(r"\b(?:tadi|hari ini|barusan|pagi ini|semalam|kemarin)\b (?:\S+ ){0,4}(?:jalan (?:\S+ )?"
                               r"kesakitan|kesakitan|sakit (?:\S+ ){0,2}(?:pipis|kencing|bawah|kemaluan\w*|anus)|"
                               r"berdarah|ada darah|perih)")
_X_LIVE_ABUSE = re.compile(r"\blive ?stream\w* (?:\S+ ){0,3}(?:abuse|abusing|rape|raping|kekerasan|pelecehan)|"
                           r"\b(?:abuse|abusing|raping|hitting|beating)\b (?:\S+ ){0,8}right now\b")
_X_PAST = re.compile(r"\b(?:dulu|dahulu|waktu kecil|tahun lalu|bulan lalu|years ago|when i was|"
                     r"(?:[4-9]|empat|lima|enam|tujuh) hari (?:yang )?lalu)\b")
_X_STALK_NOW = re.compile(r"\b(?:tadi|barusan|td) (?:\S+ ){0,2}(?:lewat|mondar mandir|nungguin|menunggu|ngintai|"
                          r"mengintai) (?:\S+ ){0,2}(?:depan )?rumah")
_X_JUMP = re.compile(r"\b(?:mau|pengen|ingin|bakal|akan|mo) (?:loncat|lompat|terjun|jump)\b")
_X_JUMP_CTX = re.compile(r"\b(?:atap|jembatan|gedung|lantai|balkon|tebing|rooftop|roof|bridge|nangis|menangis|"
                         r"disebar|mati|capek|cape)\b")
_X_SERVE_TONIGHT = re.compile(r"\b(?:ngelayanin|melayani|layani|ngelayani|nemenin tamu|menemani tamu)\b (?:\S+ ){0,8}"
                              r"(?:malam ini|nanti malam|tonight)\b")
_X_STARTING = re.compile(r"\b(?:sudah |mulai )?mulai (?:banting\w*|membanting\w*|memukul\w*|mukul\w*|mengamuk|ngamuk|"
                         r"lempar\w*|melempar\w*|menendang\w*|nendang\w*|mecahin\w*|pecahin\w*|nyekik|mencekik)")
_X_RAGE = re.compile(r"\b(?:mabuk|marah|emosi|ngamuk|mengamuk|kalap|sakau|teriak\w*)\b")
# A child not home yet, taken by a man nobody knows ("durung mulih, dipethuk wong lanang sing ngaku sedulur").
_X_NOT_HOME = re.compile(r"\b(?:belum|tidak) (?:\S+ )?(?:pulang|balik|sampai rumah)\b")
_X_TAKEN_BY_STRANGER = re.compile(
    r"\b(?:dijemput|diajak|dibawa|dibonceng)\w* (?:\S+ ){0,3}(?:orang|wong|laki laki|pria|lelaki|om om|pacar) "
    r"(?:\S+ ){0,4}(?:mengaku|ngaku|tidak (?:saya |kami )?kenal|tidak dikenal|asing)"
)
# Leaving within hours with a recruiter who shows the signs of trafficking (online contact, no contract, scam
# compounds, karaoke work for a minor).
_X_DEPART_SOON = re.compile(
    r"\b(?:besok|malam ini|nanti malam|sekarang|hari ini|sebentar lagi|tomorrow|tonight)\b (?:\S+ ){0,3}"
    r"(?:berangkat|dijemput|dibawa|terbang|naik kapal|leaving|flying)\b"
    r"|\b(?:berangkat|dijemput|terbang)\b (?:\S+ ){0,3}(?:besok|malam ini|nanti malam|hari ini|tomorrow|tonight)\b"
)
_X_LURE_RISK = re.compile(
    r"\bkenal (?:di|dari|lewat) (?:ig|instagram|fb|facebook|medsos|media sosial|tiktok|online|game)\b"
    r"|\b(?:tanpa kontrak|tidak ada kontrak|tanpa dokumen|ilegal|jalur tikus|karaoke|kamboja|myanmar|scam|crypto)\b"
)
# On a bridge or a roof now, with a farewell or despair ("anak2 sudah saya titipkan ... saya di jembatan").
_X_HIGH_PLACE_NOW = re.compile(r"\b(?:sekarang|lagi|sedang) (?:\S+ ){0,2}di (?:atas )?"
                               r"(?:jembatan|atap|rooftop|tebing)\b")
_X_HIGH_PLACE_CTX = re.compile(r"\b(?:titip\w*|pamit|maaf|capek|cape|lelah|tidak kuat|utang|hutang|"
                               r"ada yang (?:tahu|tau))\b")
_X_UNSAFE_HOME = re.compile(r"\b(?:takut|tidak mau|gak mau|ga mau|nggak mau|ogah) pulang\b")
_X_PEOPLE = re.compile(r"\b(?:bocah|anak\w*|wong|orang|budak|istri\w*|bayi|balita|adik\w*|child|kid)\b")


# A livestream of abuse announced for tonight, in a group that sells images of children.
_X_LIVE_PLANNED = re.compile(r"\b(?:live|siaran langsung|streaming|livestream)\w* (?:\S+ ){0,6}"
                             r"(?:malam ini|nanti malam|jam \d+|sekarang|hari ini|tonight)\b")
_X_CHILD_CONTENT = re.compile(r"\b(?:foto|video|vidio|konten)\w* (?:\S+ ){0,2}(?:anak|bocah|bocil)\w*|\banak "
                              r"(?:\S+ )?(?:beneran|asli)\b|\bcp\b")
_X_FEAR_RECKLESS = re.compile(r"\btakut (?:dia|ia) (?:\S+ ){0,2}nekat\b")
# Made to drink, unconscious, woke up undressed ("dikon ngombe trus ora eling, tangi2 wis ora nganggo
# klambi").
_X_DRUGGED_UNDRESSED = re.compile(
    r"\b(?:ora eling|ora sadar|tidak eling|tidak sadar|tidak sadarkan diri|pingsan|tidak ingat apa apa|"
    r"blackout|passed out|teu sadar|teu emut) (?:\S+ ){0,8}(?:tangi|bangun|sadar|woke up|hudang|gugah)\w* "
    r"(?:\S+ ){0,4}(?:(?:ora|tidak) nganggo klambi|tanpa busana|telanjang|tidak (?:pakai|pake) (?:baju|celana)|"
    r"bajunya (?:sudah )?(?:lepas|kebuka|terbuka|berantakan)|celana\w* (?:sudah )?(?:lepas|kebuka|terbuka)|naked|"
    r"no clothes|teu nganggo baju)"
)
# The writer being taken now ("aku diculik??", "skrg di mobil gk tau mau dibawa kemana").
_X_SELF_ABDUCTED = re.compile(r"\b(?:saya|aku|kami|i m being|i am being|i was just) (?:lagi |sedang |mau |baru )?"
                              r"(?:diculik|dibawa kabur|dibawa lari|dibawa paksa|kidnapped|abducted)\b")
_X_UNKNOWN_DEST = re.compile(r"\b(?:tidak|gak|ga|nggak) (?:tau|tahu) (?:mau )?(?:dibawa )?(?:ke ?mana|kemana)\b"
                             r"|\bdon t know where (?:they|he|she) (?:is|are) taking\b")
_X_IN_VEHICLE = re.compile(r"\b(?:di|dalam|in) (?:\S+ )?(?:mobil|angkot|motor|truk|van|car|taksi|travel)\b")
# An infant or toddler left since last night or this morning ("bayi 2 bulan ditinggal ibunya sejak semalam").
_X_INFANT_LEFT = re.compile(r"\b(?:bayi|balita|batita|baby|infant)\b (?:\S+ ){0,6}(?:ditinggal|ditinggalin|"
                            r"ditinggalkan|left)\w* (?:\S+ ){0,4}(?:(?:sejak|since) (?:tadi |kemarin )?"
                            r"(?:semalam|tadi|pagi|subuh|siang|sore|kemarin|last night|this morning|yesterday)|"
                            r"dari (?:semalam|kemarin))\b")


def _indirect(norm: str, fire: Callable[[str, bool], None], *, harm: bool, act: bool, help_now: bool) -> None:
    past = bool(_X_PAST.search(norm))
    # Cues kept as data (handlers/data/cues.yml, family "fires"): the farewells before a suicide, and what comes next.
    for cue in cues.firing("fires", norm):
        fire(cue, False)
    if _X_LIVE_PLANNED.search(norm) and _X_CHILD_CONTENT.search(norm):
        fire("violence_now", False)  # a group announcing a "live" with a child tonight
    if _X_FEAR_RECKLESS.search(norm) and not harm:
        fire("suicide_self_harm", False)  # "takut dia nekat" of a friend in despair; of an abuser it is a threat
    if _X_DRUGGED_UNDRESSED.search(norm) and not past:
        fire("sexual_assault_recent", False)
    if (_X_SELF_ABDUCTED.search(norm) or (_X_UNKNOWN_DEST.search(norm) and _X_IN_VEHICLE.search(norm))) and not past:
        fire("abduction_now", False)
    if _X_INFANT_LEFT.search(norm) and not past:
        fire("child_left_alone", False)
    holding = bool(_X_WEAPON_NOW.search(norm)) and (harm or help_now or bool(_X_HOLDING_NOW.search(norm)))
    if holding or _X_WEAPON_SEEK.search(norm):
        fire("weapon_threat", False)
    if _X_CANT_TALK.search(norm) and (_X_NEARBY.search(norm) or harm):
        fire("perpetrator_present", False)
    if _X_VISIT.search(norm) and _X_SOON.search(norm) and (_X_VISIT_THREAT.search(norm) or harm):
        fire("abuser_returning_now", False)
    if _X_NOT_MOVING.search(norm) and harm:
        fire("serious_injury", past)
    if _X_MOB.search(norm) and (help_now or harm):
        fire("violence_now", past)
    if _X_NOISE_NOW.search(norm):
        fire("violence_now", False)
    forced_pain = bool(_X_FORCED_PAIN.search(norm)) and not _X_FORCED_WORK.search(norm)
    if not past and (_X_SEX_RECENT.search(norm) or forced_pain
                     or (_X_NOT_WASHED.search(norm) and _X_SEX_ANY.search(norm))):
        fire("sexual_assault_recent", False)
    if _X_CONFINED.search(norm) or (_X_CHAINED.search(norm) and _X_PEOPLE.search(norm)):
        fire("confined_now", past)
    if _X_JUMP.search(norm) and _X_JUMP_CTX.search(norm):
        fire("suicide_self_harm", past)
    if _X_SERVE_TONIGHT.search(norm):
        fire("handover_imminent", False)  # made to "serve" men again tonight
    if _X_UNSAFE_HOME.search(norm) and (act or _RE_TOUCH.search(norm) or _RE_SEX.search(norm)) and not past:
        fire("perpetrator_present", False)  # a child afraid to go home to the person who harms them
    if _X_LIVE_ABUSE.search(norm):
        fire("violence_now", False)
    if (_X_CHILD_SEX_ACT.search(norm) and _X_CHILD_SEX_SIGN.search(norm) and not past
            and (_X_PEOPLE.search(norm) or re.search(r"\b(?:murid|siswa|siswi|santri|tk|paud)\w*", norm))):
        fire("sexual_assault_recent", False)
    if _X_STARTING.search(norm) and _X_RAGE.search(norm) and not past:
        fire("violence_now", False)  # "suamiku mabuk lagi, udah mulai banting2": it is starting now
    if _X_NOT_HOME.search(norm) and _X_TAKEN_BY_STRANGER.search(norm) and _X_PEOPLE.search(norm):
        fire("abduction_now", past)
    if _X_DEPART_SOON.search(norm) and _X_LURE_RISK.search(norm):
        fire("handover_imminent", past)
    if _X_HIGH_PLACE_NOW.search(norm) and _X_HIGH_PLACE_CTX.search(norm):
        fire("suicide_self_harm", False)
    if _X_STALK_NOW.search(norm) and _RE_KILL.search(norm) and re.search(r"\b(?:lapas|penjara|bui)\b", norm):
        fire("kill_threat", False)  # "baru keluar dari lapas, tadi lewat depan rumah; dulu sumpah mau bunuh aku"


def detect_danger(text: str, norm: str | None = None) -> DangerReport:
    """Detect signs of danger now or within hours in a citizen's message.

    Returns ``level="emergency"`` when a cue of present danger fires (violence now, perpetrator present or
    returning, weapon with threat, threat to kill, serious injury, suicide/self-harm intent, rape within
    ~72 h, confinement now, a child left alone, imminent hand-over to traffickers), ``"high"`` when a cue
    fires but only with a past/negation marker and no present marker, else ``None``. Pure and deterministic.
    ``norm`` is ``normalise(text)`` when the caller already has it.
    """
    # A caller that has already normalised the whole text passes it, so it is not normalised twice.
    norm = normalise(text) if norm is None else norm
    # Words that only look like danger ("aku gak sadar" = unaware, "terikat kontrak", "kejebak macet") are blanked
    # before any cue reads the message: data, with examples, in handlers/data/cues.yml (family "not_danger").
    norm = cues.mask("not_danger", norm)
    if not norm:
        return DangerReport()
    found: dict[str, DangerLevel] = {}

    def fire(cue: str, lowered: bool) -> None:
        level: DangerLevel = "high" if lowered else "emergency"
        if found.get(cue) != "emergency":
            found[cue] = level

    abuse_ctx = bool(ABUSE_CONTEXT.search(norm)) or bool(_RE_STALK.search(norm))
    any_harm = any(harm_family(t) is not None for t in norm.split()[:4000])
    help_now = bool(_RE_HELP.search(norm)) and not _RE_HELP_POLITE.search(norm)
    if help_now and _RE_QUESTION_GENERIC.search(norm) and not _RE_NOW.search(norm):
        help_now = False  # "tolong, apakah KDRT bisa dilaporkan?" is a polite question, not a plea
    clauses = _clauses(norm)
    # Most rules match nowhere in a message: one search over the whole text rules them out for every clause,
    # which keeps a 4000-character message fast.
    whole: dict[int, bool] = {}

    def hit(rx: re.Pattern[str], part: str) -> re.Match[str] | None:
        key = id(rx)
        if key not in whole:
            whole[key] = rx.search(norm) is not None
        return rx.search(part) if whole[key] else None

    msg_past = bool(_RE_PAST.search(norm))

    for cl in clauses:
        past = bool(hit(_RE_PAST, cl))
        habit = bool(hit(_RE_HABIT, cl))
        now_false = bool(hit(_RE_NOW_FALSE, cl))
        now_marker = bool(hit(_RE_NOW, cl)) and not now_false and not habit

        # Violence happening now ("dipukuli sekarang", "lagi dicekik", "tolong ... dipukul").
        for m in _RE_VIOLENCE.finditer(cl):
            if _threatened(cl, m.start()):
                continue  # "kalau tidak dikasih diancam dipukul": a threat of a beating, the threat cues judge it
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
        if hit(_RE_PRESENT, cl) and abuse_ctx:
            # "kemarin dia nunggu di depan kos": yesterday's visit, unless the writer says he is there now
            fire("perpetrator_present", past or (bool(hit(_RE_YESTERDAY, cl)) and not now_marker))
        # Hiding counts when someone is to be hidden from: an act, a threat, a plea, fear, a flight or a search,
        # or hiding now ("pas orangnya nengok kita sembunyi", spying on a crush, is none of them).
        if hit(_RE_HIDE, cl) and not hit(_RE_GAME, cl) and (abuse_ctx or any_harm or help_now
                                                              or _RE_FEAR_RETURN.search(norm)
                                                              or _RE_HIDE_CTX.search(norm)):
            fire("hiding_or_chased", past)
        if hit(_RE_RETURNING, cl) and (abuse_ctx or _RE_INTRUDE.search(norm)):
            if _RE_FEAR_RETURN.search(norm) or _RE_RE_RETURN_CTX.search(norm):
                fire("abuser_returning_now", past)

        # Weapons with a threat or violence.
        if hit(_RE_WEAPON, cl) and (_RE_THREAT.search(norm) or _RE_VIOLENCE.search(norm)
                                      or _RE_KILL.search(norm)):
            fire("weapon_threat", past)

        km = hit(_RE_KILL, cl)
        if km:
            fire("kill_threat", past or _negated(cl, km.start()))

        # "sering dikurung kalau ibunya kerja", "sering datang dengan luka bakar": recurring, not happening now.
        habit_only = habit and not hit(_RE_NOW, cl)
        if hit(_RE_INJURY, cl) and (abuse_ctx or help_now or any_harm or _RE_BRUISE.search(norm)):
            # "kemarin hidungnya berdarah" is recent (high); bleeding now or today is an emergency.
            fire("serious_injury", past or habit_only or (bool(hit(_RE_YESTERDAY, cl)) and not now_marker
                                                          and not hit(_RE_NOW_STRONG, cl)))

        sm = hit(_RE_SUICIDE, cl)
        if sm and not hit(_RE_SUICIDE_FALSE, cl):
            lever = _RE_SUICIDE_LEVER.search(cl)
            fire("suicide_self_harm", (past and not now_marker) or _negated(cl, sm.start())
                 or (lever is not None and lever.start() <= sm.start() < lever.end()
                     and not _RE_LEVER_ACUTE.search(norm)))

        # Rape / sexual assault within ~72 hours.
        for m in _RE_SEX.finditer(cl):
            if _threatened(cl, m.start()) or cl[: m.start()].split()[-1:] in ([n] for n in _CONTENT_NOUNS):
                continue  # "kemarin ngancam bakal merkosa": a threat (report urgency), not an assault
            pre = cl[: m.start()].split()[-2:]
            recent = any(_RE_PRE_RECENT.search(t) for t in pre) or _near(_RE_RECENT72, cl, m.start(), m.end(), 7, 7)
            if recent and not now_false:
                fire("sexual_assault_recent", past and not any(_RE_PRE_RECENT.search(t) for t in pre))

        for m in _RE_TOUCH.finditer(cl):
            going_on = bool(_RE_GOING_ON.search(cl[: m.start()]))
            if (going_on or _near(_RE_RECENT72, cl, m.start(), m.end(), 6, 6)) and not now_false:
                fire("sexual_assault_recent", past and not going_on)
        am = hit(_RE_ABDUCT, cl)
        if am and (_near(_RE_RECENT72, cl, am.start(), am.end(), 6, 6) or help_now):
            fire("abduction_now", past)

        cm = hit(_RE_CONFINED, cl)
        if cm and cl[: cm.start()].split()[-1:] in ([w] for w in _LIKE):
            cm = None  # "sudah sebulan saya kayak disandera": a simile for coercion, not a cell
        if cm and re.match(r"\S* (?:diri|dirinya|diri sendiri)\b", cl[cm.start():]):
            cm = None  # "seminggu ngurung diri di kamar": withdrawal, not someone held
        if cm:
            # "kemarin diikat di kursi sama pengasuhnya": it happened yesterday, nobody says it goes on.
            fire("confined_now", past or habit_only or (bool(hit(_RE_YESTERDAY, cl)) and not now_marker))
        if hit(_RE_PASSPORT, cl):
            fire("passport_withheld", True)

        if hit(_RE_LEFT_ALONE, cl) and _RE_CHILD_WORD.search(norm) and not hit(_RE_LEFT_BY_SPOUSE, cl):
            fire("child_left_alone", past or habit_only)

        if hit(_RE_HANDOVER, cl) and hit(_RE_IMMINENT, cl) and _RE_TRAFFICK_CTX.search(norm):
            fire("handover_imminent", past)

    _structural(norm, clauses, fire, help_now, hit)
    _indirect(norm, fire, harm=abuse_ctx or any_harm, act=any_harm, help_now=help_now)

    # A laughing emoji or "wkwk" turns a light act into a joke ("istri galak, tadi saya dipukul pakai sendok
    # 😂"); injuries, weapons, sexual assault and self-harm are never discounted.
    if found and _RE_JOKE_RAW.search(text) and set(found) <= {"violence_now", "help_violence", "kill_threat"}:
        found = {}
    # News, films, research or a socialisation event merely mention violence (guide: urgency "none"),
    # unless the writer also asks for help.
    if found and _RE_NEWS.search(norm) and not help_now and not re.search(r"\b(?:saya|kami)\b", norm):
        found = {}
    for cue in ("violence_now", "perpetrator_present", "kill_threat"):
        if found.get(cue) == "emergency" and _RE_AWAY.search(norm) and not _RE_BACK_SOON.search(norm):
            # "sekarang bapak lagi kerja di luar kota"; "tiap mabok ngomong mau bunuh nyokap ... skrg lg gak di
            # rumah": not there now
            found[cue] = "high"
    if found.get("violence_now") == "emergency" and _RE_SELF_HITS.search(norm) and _RE_REMORSE.search(norm):
        found["violence_now"] = "high"
    if found.get("violence_now") == "emergency" and _RE_LAST_TIME.search(norm) and not _RE_NOW_STRONG.search(norm):
        found["violence_now"] = "high"  # "keeps slapping me ... last time was on sunday": recurring, not now
    if found.get("violence_now") == "emergency" and _RE_SAFE_NOW.search(norm) and not _RE_BACK_SOON.search(norm):
        found["violence_now"] = "high"  # "tadi ditampar di mall, sy udh pulang sendiri, sy gapapa": over, and safe
    for cue in ("kill_threat", "perpetrator_present", "abuser_returning_now"):
        if found.get(cue) == "emergency" and _RE_AWAY_LONG.search(norm) and not _RE_BACK_SOON.search(norm):
            found[cue] = "high"  # "ayah lagi kerja di luar kota sampai bulan depan"
    if _RE_IF_I_TELL.search(norm) and not _RE_NOW_STRONG.search(norm):
        for cue in ("kill_threat", "weapon_threat"):
            if found.get(cue) == "emergency":
                found[cue] = "high"  # "kalau saya cerita, dia bunuh ibu", "bakal nyiram air keras kalo ketemu"
    if (found.get("confined_now") == "emergency" and _RE_CHRONIC.search(norm)
            and not _RE_LOCKED.search(norm)):
        found["confined_now"] = "high"  # "tidak boleh keluar rumah ..., sudah setaon begitu": control for a year
    if _RE_CHILDHOOD.search(norm) and _RE_GROWN_NOW.search(norm):
        # "pengalaman masa kecil saya, ayah suka mengunci saya di gudang ... sekarang saya sudah 35"
        found = {cue: "high" for cue in found}
    # Contexts that lower cues (a dream, a screen, a story read, a game, a photo's scene, a rule discussed, ...):
    # data with examples in handlers/data/cues.yml, family "lowers"; the predicates below are what may keep a cue.
    if found:
        cues.lower("lowers", norm, found, {  # keys: LOWER_PREDICATES
            "help_now": lambda: help_now,
            "now_strong": lambda: bool(_RE_NOW_STRONG.search(norm)),
            "kin_named": lambda: any(t in _KIN and t not in _HOME_WORDS for t in norm.split()),
            "kin_or_home_named": lambda: any(t in _KIN for t in norm.split()),
            "someone_held": lambda: bool(_RE_SOMEONE_HELD.search(norm)),
            "first_person": lambda: bool(_RE_FIRST_PERSON.search(norm)),
        })
    if not found:
        return DangerReport()
    level: DangerLevel = "emergency" if "emergency" in found.values() else "high"
    return DangerReport(level=level, cues=sorted(found))
