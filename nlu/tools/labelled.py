"""Training examples read at generation time from the labelled sets the team may train on.

Provenance: nlu/tools/labelled/{A,...,O,Q,R,...,Z}.jsonl, invented messages labelled by the team with
shared/triage/GUIDE.md, written independently of the code. Never shared/triage/dev.jsonl.
Each row becomes one example: a report (urgency != none) -> report_<first category>; a non-report -> the
conversation / FAQ intent chosen by ``nonreport_intent`` (keyword rules read off the texts, plus per-id
overrides where the rules would pick wrongly).

Set NLU_EXCLUDE_SETS=C (comma list) to leave sets out, e.g. to train a temporary model and measure on C.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

BLIND_DIR = Path(__file__).resolve().parent / "labelled"
SETS = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "R", "S", "T", "U", "V", "W", "X",
        "Y", "Z", "Q"]
REPORT_CATEGORIES = {"physical", "psychological", "sexual", "exploitation", "trafficking", "neglect", "other"}

# id -> intent, where the keyword rules below would choose wrongly (read off the text).
OVERRIDES: dict[str, str] = {
    "b012": "out_of_scope", "b034": "human", "b040": "out_of_scope", "b056": "greet", "b058": "out_of_scope",
    "b060": "faq/how_to_report", "b066": "faq/prevention", "b084": "faq/bot_identity", "b102": "out_of_scope",
    "b112": "thanks", "b152": "faq/how_to_report", "b162": "out_of_scope", "b196": "faq/bot_identity",
    "b204": "greet", "b216": "out_of_scope", "b234": "faq/how_to_report", "b238": "out_of_scope",
    "b007": "faq/bot_identity", "b047": "faq/how_to_report", "b069": "out_of_scope", "b071": "faq/bot_identity",
    "b075": "out_of_scope", "b081": "greet", "b093": "faq/how_to_report", "b115": "out_of_scope",
    "b147": "out_of_scope", "b149": "affirm", "b151": "faq/bot_identity", "b163": "faq/prevention",
    "b169": "faq/bot_identity", "b179": "faq/bot_identity", "b181": "out_of_scope", "b197": "faq/documents",
    "b229": "faq/how_to_report", "b231": "out_of_scope", "b237": "faq/satgas_ppa",
    "c006": "faq/how_to_report", "c008": "faq/documents", "c014": "faq/uptd_ppa", "c016": "greet",
    "c023": "faq/documents", "c026": "faq/documents", "c030": "faq/how_to_report", "c031": "faq/prevention",
    "c043": "out_of_scope", "c054": "out_of_scope", "c059": "faq/patbm", "c063": "stop", "c085": "thanks",
    "c087": "faq/bot_identity", "c095": "out_of_scope", "c096": "faq/legal_aid", "c100": "faq/bot_identity",
    "c105": "out_of_scope", "c115": "faq/safe_house", "c120": "faq/cost", "c125": "out_of_scope",
    "c129": "faq/confidentiality", "c131": "faq/puspaga", "c137": "ask_directory", "c138": "faq/legal_aid",
    "c153": "out_of_scope", "c157": "out_of_scope", "c158": "human", "c164": "faq/tppo", "c181": "out_of_scope",
    "c183": "faq/confidentiality", "c192": "out_of_scope", "c198": "affirm", "c200": "out_of_scope",
    "c205": "faq/legal_aid", "c208": "faq/opening_hours", "c215": "faq/bot_identity", "c228": "faq/puspaga",
    "c235": "ask_directory", "c244": "faq/opening_hours", "c247": "out_of_scope", "c250": "faq/prevention",
    "c268": "out_of_scope", "c270": "ask_directory", "c273": "faq/puspaga", "c282": "out_of_scope",
    "c285": "faq/how_to_report", "c292": "faq/cost", "c296": "faq/safe_house",
    "b008": "greet", "b107": "out_of_scope", "b195": "ask_directory", "c218": "out_of_scope",
    "c293": "out_of_scope",
    # Sets D, G, H, I (reviewed in a separate pass).
    "d1006": "faq/confidentiality", "d1031": "greet", "d1053": "out_of_scope", "d1061": "out_of_scope",
    "d1081": "out_of_scope", "d1121": "ask_directory", "d1139": "faq/how_to_report", "d1148": "faq/bot_identity",
    "d1166": "ask_directory", "d1173": "delete_data", "d1212": "faq/opening_hours", "d1233": "greet",
    "d1237": "ask_directory", "d1247": "faq/confidentiality", "d1293": "faq/bot_identity", "g003": "out_of_scope",
    "g022": "out_of_scope", "g025": "ask_directory", "g026": "faq/sapa129", "g027": "out_of_scope",
    "g066": "out_of_scope", "g093": "out_of_scope", "g177": "faq/how_to_report", "g193": "faq/confidentiality",
    "g196": "affirm", "g220": "faq/puspaga", "g258": "faq/what_is_violence", "g276": "faq/bot_identity",
    "g311": "faq/opening_hours", "g313": "greet", "g319": "faq/p2tp2a", "h011": "faq/what_is_violence",
    "h025": "faq/what_is_violence", "h026": "faq/legal_aid", "h035": "ask_directory", "h061": "faq/how_to_report",
    "h072": "faq/anonymous", "h089": "ask_directory", "h090": "faq/what_is_violence", "h092": "faq/documents",
    "h141": "faq/bot_identity", "h144": "faq/opening_hours", "h145": "faq/how_to_report", "h164": "out_of_scope",
    "h173": "faq/opening_hours", "h176": "ask_directory", "h184": "faq/how_to_report", "h185": "faq/legal_aid",
    "h189": "faq/how_to_report", "h201": "ask_directory", "h232": "faq/bot_identity", "h239": "faq/documents",
    "h319": "faq/prevention", "i005": "faq/prevention", "i024": "ask_directory", "i035": "faq/how_to_report",
    "i069": "faq/what_is_violence", "i071": "faq/opening_hours", "i079": "faq/bot_identity", "i102": "goodbye",
    "i113": "faq/opening_hours", "i141": "faq/cost", "i143": "faq/opening_hours", "i146": "out_of_scope",
    "i173": "out_of_scope", "i189": "faq/bot_identity", "i192": "out_of_scope", "i198": "thanks",
    "i199": "out_of_scope", "i219": "faq/confidentiality", "i232": "faq/how_to_report", "i248": "affirm",
    "i252": "faq/documents", "i256": "faq/bot_identity", "i268": "faq/confidentiality", "i272": "faq/bot_identity",
    "i274": "faq/bot_identity",
    # Set J (blind test set until its first measurement; reviewed in a separate pass).
    "j042": "thanks", "j049": "faq/puspaga", "j058": "faq/cost", "j072": "out_of_scope", "j082": "faq/prevention",
    "j086": "out_of_scope", "j106": "ask_directory", "j108": "faq/patbm", "j119": "faq/anonymous",
    "j120": "faq/documents", "j137": "faq/kbgo", "j145": "faq/what_is_violence", "j149": "faq/bot_identity",
    "j161": "greet", "j163": "stop", "j198": "out_of_scope", "j234": "out_of_scope", "j237": "faq/legal_aid",
    "j241": "faq/bot_identity", "j247": "faq/how_to_report", "j251": "faq/what_is_violence",
    "j254": "faq/bot_identity", "j275": "faq/confidentiality", "j283": "faq/opening_hours",
    # Sets L, N (blind until their first measurement; reviewed in a separate pass).
    "l025": "faq/what_is_violence", "l030": "greet", "l058": "faq/bot_identity", "l070": "faq/anonymous",
    "l094": "greet", "l108": "affirm", "l117": "faq/what_is_violence", "l120": "out_of_scope",
    "l124": "faq/what_is_violence", "l147": "delete_data", "l163": "faq/bot_identity", "l188": "out_of_scope",
    "l200": "faq/sapa129", "l205": "ask_directory", "l209": "faq/bot_identity", "l233": "faq/how_to_report",
    "l237": "faq/confidentiality", "l240": "faq/what_is_violence", "l269": "faq/bot_identity",
    "l280": "faq/what_is_violence", "l285": "faq/confidentiality", "l292": "faq/bot_identity",
    "n013": "faq/bot_identity", "n015": "out_of_scope", "n025": "faq/how_to_report", "n044": "faq/bot_identity",
    "n063": "faq/puspaga", "n074": "out_of_scope", "n081": "ask_directory", "n084": "delete_data",
    "n100": "faq/bot_identity", "n117": "out_of_scope", "n120": "out_of_scope", "n147": "faq/prevention",
    "n157": "ask_directory", "n166": "stop", "n173": "ask_directory", "n176": "faq/bot_identity",
    "n188": "faq/bot_identity", "n191": "faq/how_to_report", "n195": "faq/what_is_violence", "n214": "faq/puspaga",
    "n216": "delete_data", "n224": "out_of_scope", "n228": "faq/what_is_violence", "n239": "human",
    "n263": "faq/how_to_report", "n292": "out_of_scope",
    # Sets K, M (blind until their first measurement; reviewed in a separate pass).
    "k037": "faq/how_to_report", "k041": "faq/anonymous", "k047": "out_of_scope", "k049": "faq/bot_identity",
    "k087": "faq/confidentiality", "k088": "faq/satgas_ppa", "k090": "out_of_scope", "k093": "faq/what_is_violence",
    "k094": "faq/opening_hours", "k144": "out_of_scope", "k145": "ask_directory", "k185": "greet",
    "k186": "faq/bot_identity", "k187": "ask_directory", "k188": "faq/bot_identity", "k190": "out_of_scope",
    "k193": "out_of_scope", "k199": "faq/how_to_report", "k236": "faq/bot_identity", "k239": "faq/what_is_violence",
    "k240": "out_of_scope", "k243": "faq/legal_aid", "k244": "out_of_scope", "k291": "faq/opening_hours",
    "m000": "faq/bot_identity", "m007": "faq/opening_hours", "m010": "faq/bot_identity", "m042": "faq/how_to_report",
    "m049": "faq/patbm", "m050": "greet", "m058": "delete_data", "m075": "faq/opening_hours",
    "m078": "faq/what_is_violence", "m082": "faq/prevention", "m095": "faq/safe_house", "m100": "faq/how_to_report",
    "m121": "faq/confidentiality", "m129": "faq/documents", "m140": "out_of_scope", "m146": "out_of_scope",
    "m157": "ask_directory", "m160": "thanks", "m164": "faq/bot_identity", "m171": "out_of_scope",
    "m182": "faq/bot_identity", "m200": "greet", "m229": "faq/anonymous", "m232": "faq/puspaga",
    "m236": "faq/prevention", "m243": "out_of_scope", "m250": "faq/how_to_report", "m253": "faq/bot_identity",
    "m257": "faq/how_to_report", "m272": "faq/puspaga", "m276": "faq/bot_identity", "m288": "out_of_scope",
    # Set O, reviewed after its blind measurement.
    "o073": "faq/puspaga", "o086": "faq/how_to_report", "o088": "faq/how_to_report", "o101": "faq/cost",
    "o103": "faq/anonymous", "o110": "faq/legal_aid", "o114": "faq/how_to_report", "o134": "faq/prevention",
    "o147": "faq/how_to_report", "o158": "out_of_scope", "o161": "human", "o173": "delete_data",
    "o176": "faq/confidentiality", "o180": "faq/what_is_violence", "o195": "thanks", "o238": "faq/sapa129",
    "o258": "thanks", "o265": "faq/how_to_report", "o273": "faq/anonymous", "o279": "faq/how_to_report",
    # Set R, reviewed after its blind measurement.
    "r004": "faq/opening_hours", "r006": "faq/bot_identity", "r014": "human", "r035": "faq/confidentiality",
    "r048": "ask_directory", "r051": "faq/how_to_report", "r067": "faq/sapa129", "r077": "faq/opening_hours",
    "r142": "faq/how_to_report", "r155": "out_of_scope", "r185": "stop", "r192": "greet",
    "r254": "out_of_scope", "r259": "faq/bot_identity", "r261": "ask_directory", "r262": "faq/how_to_report",
    "r267": "faq/confidentiality", "r296": "human",
    # Set S, reviewed after its blind measurement.
    "s000": "out_of_scope", "s003": "out_of_scope", "s005": "faq/what_is_violence", "s019": "ask_directory",
    "s066": "delete_data", "s085": "faq/confidentiality", "s123": "faq/how_to_report", "s141": "faq/cost",
    "s145": "out_of_scope", "s163": "faq/how_to_report", "s168": "out_of_scope", "s171": "out_of_scope",
    "s214": "faq/how_to_report", "s218": "faq/bot_identity", "s235": "delete_data", "s249": "faq/bot_identity",
    "s257": "faq/what_is_violence", "s259": "faq/opening_hours", "s277": "faq/bot_identity",
    "s091": "faq/opening_hours", "s130": "human",
    # Sets T and U, reviewed after their blind measurement.
    "t003": "delete_data", "t012": "out_of_scope", "t034": "faq/how_to_report", "t037": "out_of_scope",
    "t043": "stop", "t048": "faq/tppo", "t053": "faq/legal_aid", "t095": "faq/anonymous", "t099": "faq/opening_hours",
    "t107": "out_of_scope", "t119": "out_of_scope", "t135": "greet", "t142": "out_of_scope",
    "t158": "faq/how_to_report", "t164": "faq/what_is_violence", "t181": "out_of_scope", "t219": "faq/opening_hours",
    "t241": "out_of_scope", "t258": "faq/how_to_report", "t270": "out_of_scope", "t280": "faq/bot_identity",
    "t284": "thanks", "u001": "faq/opening_hours", "u003": "faq/anonymous", "u036": "human",
    "u040": "faq/sapa129", "u052": "faq/uptd_ppa", "u063": "faq/documents", "u075": "faq/bot_identity",
    "u089": "stop", "u099": "faq/bot_identity", "u136": "human", "u153": "human", "u173": "faq/how_to_report",
    "u180": "deny", "u209": "out_of_scope", "u219": "delete_data", "u234": "faq/how_to_report",
    "u236": "faq/safe_house", "u240": "faq/opening_hours", "u263": "faq/puspaga", "u270": "faq/how_to_report",
    "u273": "stop", "u299": "thanks",
    # Sets V, W, X, Y (reviewed in a separate pass).
    "v039": "faq/cost", "v047": "faq/confidentiality", "v049": "out_of_scope", "v083": "out_of_scope",
    "v111": "faq/how_to_report", "v114": "faq/safe_house", "v118": "stop", "v125": "out_of_scope",
    "v179": "faq/how_to_report", "v183": "faq/bot_identity", "v186": "greet", "v197": "thanks",
    "v226": "out_of_scope", "v234": "delete_data", "v242": "ask_directory", "v289": "stop", "v295": "faq/legal_aid",
    "v299": "faq/prevention", "w020": "faq/confidentiality", "w032": "out_of_scope", "w082": "faq/opening_hours",
    "w091": "faq/anonymous", "w101": "faq/prevention", "w110": "faq/how_to_report", "w121": "ask_directory",
    "w132": "delete_data", "w137": "faq/patbm", "w139": "out_of_scope", "w144": "faq/cost", "w152": "faq/documents",
    "w171": "faq/bot_identity", "w224": "out_of_scope", "w229": "faq/confidentiality", "w247": "ask_directory",
    "w250": "faq/documents", "w257": "faq/prevention", "w258": "greet", "w279": "faq/legal_aid",
    "w291": "faq/how_to_report", "x020": "thanks", "x024": "faq/bot_identity", "x084": "faq/how_to_report",
    "x088": "out_of_scope", "x091": "ask_directory", "x122": "out_of_scope", "x130": "faq/sapa129",
    "x131": "out_of_scope", "x135": "delete_data", "x144": "faq/bot_identity", "x145": "thanks",
    "x153": "faq/prevention", "x159": "faq/puspaga", "x181": "out_of_scope", "x186": "out_of_scope",
    "x193": "delete_data", "x211": "thanks", "x224": "greet", "x229": "delete_data", "x237": "faq/bot_identity",
    "x266": "greet", "x287": "faq/bot_identity", "x290": "faq/safe_house", "y043": "ask_directory",
    "y086": "faq/bot_identity", "y089": "out_of_scope", "y090": "delete_data", "y096": "out_of_scope",
    "y138": "faq/what_is_violence", "y144": "faq/patbm", "y145": "faq/bot_identity", "y149": "faq/sapa129",
    "y188": "out_of_scope", "y193": "delete_data", "y240": "out_of_scope", "y247": "out_of_scope", "y248": "thanks",
    "y285": "faq/bot_identity",
    # Sets Z, Q (reviewed in a separate pass).
    "z006": "faq/how_to_report", "z091": "out_of_scope", "z127": "delete_data", "z137": "out_of_scope",
    "z150": "ask_directory", "z159": "faq/confidentiality", "z196": "goodbye", "z212": "faq/documents",
    "z229": "faq/bot_identity", "z234": "delete_data", "z245": "out_of_scope", "z250": "faq/how_to_report",
    "z254": "stop", "z257": "out_of_scope", "z291": "out_of_scope", "z299": "ask_directory", "q031": "ask_directory",
    "q099": "faq/p2tp2a", "q100": "greet", "q111": "thanks", "q142": "out_of_scope", "q148": "faq/opening_hours",
    "q154": "greet", "q200": "greet", "q207": "delete_data", "q211": "thanks", "q235": "faq/bot_identity",
    "q238": "out_of_scope", "q248": "faq/how_to_report", "q249": "faq/bot_identity", "q250": "greet",
    "q254": "faq/bot_identity", "q297": "out_of_scope", "q299": "faq/how_to_report",
}

# Ordered keyword rules for non-reports not in OVERRIDES: first match wins.
RULES: list[tuple[str, str]] = [
    (r"^(assalam|asalam|ass?alamu)", "greet"),
    (r"^(tes|test|p)( tes| test)*$", "greet"),
    (r"hapus nomor", "delete_data"),
    (r"\bunsubscribe\b", "stop"),
    (r"\b(trimakasih|tarimo kasih|makasi)", "thanks"),
    (r"^ga jadi\b", "deny"),
    # research, school work, events, jobs, media: out of scope even when they name a service or a crime
    (r"\b(skripsi|thesis|penelitian|riset|makalah|tugas|project|wawancara|novel|dokumenter|film|jurnal"
     r"|seminar|narasumber|pemateri|sosialisasi|penyuluhan|ngisi acara|brosur|poster|lowongan|magang"
     r"|wartawan|statistik)\b", "out_of_scope"),
    (r"\b(kantor\w*|dima kantua|di mane)\b", "ask_directory"),
    (r"\b(tanpa (sebut|nyebut) nama|ketauan nama\w*|anonim)\b", "faq/anonymous"),
    (r"\b(disimpan|identitas|dikasih tau|rahasia)\b", "faq/confidentiality"),
    (r"\b(ngajarin anak|pendidikan seks|sentuhan aman|berani bilang tidak)\b", "faq/prevention"),
    (r"\b(bawa ktp|bukti|nyandak|syarat lapor)\b", "faq/documents"),
    (r"\b(didampingi|pendampingan hukum|pengacara)\b", "faq/legal_aid"),
    (r"\b(english|bahasa jawa|layanan (buat|kanggo|untuk)|laki2 jg bisa lapor)\b", "faq/bot_identity"),
    (r"\blapor\w*\b.*\b(gimana|gmn|cara\w*|pripun|carane|prosedur|step|alur|lewat|proses|diproses|dicabut"
     r"|atas nama|luar kota)\b|\b(gimana|gmn|cara\w*|pripun|carane)\b.*\blapor", "faq/how_to_report"),
    (r"^(hapus|hapuss)\b|hapus (data|semua|riwayat)|hapus.*chat", "delete_data"),
    (r"^(berhenti|stop|unsubscribe)\b|stop kirim|jangan chat|jgn chat", "stop"),
    (r"\b(makasi+h?|terima kasih|thanks?|thx|matur nuwun|hatur nuhun|nuhun)\b", "thanks"),
    (r"\b(bye|dadah|sampai jumpa|udh dulu|udah dulu)\b", "goodbye"),
    (r"\b(jam|buka|bikak|piket|24 jam)\b", "faq/opening_hours"),
    (r"\b(bayar|gratis|biaya|pulsa)\b", "faq/cost"),
    (r"\b(anonim|tanpa nyebut nama|ketauan|nama sy|nama saya)\b", "faq/anonymous"),
    (r"\b(rahasia|disimpen|confidential|dibaca orang)\b", "faq/confidentiality"),
    (r"\b(rumah aman)\b", "faq/safe_house"),
    (r"\b(kbgo|berbasis gender online)\b", "faq/kbgo"),
    (r"\b(tppo|perdagangan orang|trafficking)\b", "faq/tppo"),
    (r"\b(patbm)\b", "faq/patbm"),
    (r"\b(sapa ?129)\b", "faq/sapa129"),
    (r"\b(satgas)\b", "faq/satgas_ppa"),
    (r"\b(p2tp2a)\b", "faq/p2tp2a"),
    (r"\b(uptd)\b", "faq/uptd_ppa"),
    (r"\b(puspaga|parenting|konseling\w*|psikolog)\b", "faq/puspaga"),
    (r"\b(bot|robot|chatbot)\b", "faq/bot_identity"),
    (r"\b(alamat|almat|dimana|di mana|nomor|nomer)\b", "ask_directory"),
    (r"\b(apa itu|bedanya|jenis)\b", "faq/what_is_violence"),
    (r"^(halo|hai|hi|p|pagi+|pagii|selamat|assalam|permisi|test|sugeng|wilujeng)\b", "greet"),
    (r"^(ok|oke|sip|siap)\b", "affirm"),
]


def nonreport_intent(row: dict) -> str:
    if row["id"] in OVERRIDES:
        return OVERRIDES[row["id"]]
    text = row["text"].lower().strip()
    for pattern, intent in RULES:
        if re.search(pattern, text):
            return intent
    return "out_of_scope"


def row_intent(row: dict) -> str:
    if row["urgency"] == ["none"]:
        return nonreport_intent(row)
    first = row["category"][0] if row["category"] else "other"
    return f"report_{first}" if first in REPORT_CATEGORIES else "report_other"


def labelled_rows() -> list[dict]:
    """Rows of every set in SETS (minus NLU_EXCLUDE_SETS), in order; each row also gets ``"set"``: its set's name."""
    excluded = {s.strip() for s in os.environ.get("NLU_EXCLUDE_SETS", "").split(",") if s.strip()}
    rows = []
    for name in SETS:
        path = BLIND_DIR / f"{name}.jsonl"
        if name in excluded or not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                rows.append({**json.loads(line), "set": name})
            except json.JSONDecodeError:  # a set still being written may end with a partial line
                continue
    return rows


def labelled_examples() -> dict[str, list[str]]:
    """intent -> texts (square brackets and newlines neutralised: they would read as entity markup)."""
    out: dict[str, list[str]] = {}
    for row in labelled_rows():
        text = " ".join(row["text"].split()).replace("[", "(").replace("]", ")")
        if text:
            out.setdefault(row_intent(row), []).append(text)
    return out


if __name__ == "__main__":
    for row in labelled_rows():
        if row["urgency"] == ["none"]:
            print(f"{row['id']}\t{nonreport_intent(row)}\t{row['text']}")
