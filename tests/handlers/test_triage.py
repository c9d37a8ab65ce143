"""Tests of the triage combiner (rules only and with hand-built Rasa parse dicts). Invented data only."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import pytest

from handlers import text_model
from handlers.privacy import pseudonym
from handlers.safety import detect_danger
from handlers.triage import TriageResult, triage

CASES = Path(__file__).parent / "data" / "triage_cases.jsonl"


def _cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def _parse(intent: str, confidence: float = 0.95, entities: list[dict[str, Any]] | None = None,
           faq_key: str | None = None) -> dict[str, Any]:
    parse: dict[str, Any] = {
        "text": "(invented)",
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "intent_ranking": [{"name": intent, "confidence": confidence}],
    }
    if faq_key:
        parse["response_selector"] = {
            "faq": {"response": {"intent_response_key": f"faq/{faq_key}", "confidence": 0.9}}
        }
    return parse


def test_invented_set_is_large_and_varied() -> None:
    cases = _cases()
    assert len(cases) >= 120
    urg = {c["urgency"][0] for c in cases}
    assert urg == {"emergency", "high", "normal", "none"}


def test_rules_only_safety_metrics_on_invented_set() -> None:
    cases = _cases()
    results = {c["id"]: triage(c["text"], None) for c in cases}
    emerg = [c for c in cases if c["urgency"] == ["emergency"]]
    calm = [c for c in cases if not {"emergency", "high"} & set(c["urgency"])]
    missed = [c["text"] for c in emerg if results[c["id"]].urgency != "emergency"]
    false = [c["text"] for c in calm if results[c["id"]].urgency == "emergency"]
    assert not missed, missed  # emergency recall must be 1.0
    assert len(false) / len(calm) <= 0.05, false
    # Not the target of this test, but a regression guard on the other labels.
    urgency_ok = sum(results[c["id"]].urgency in c["urgency"] for c in cases) / len(cases)
    assert urgency_ok >= 0.85
    scored = [c for c in cases if "none" not in c["urgency"]]
    category_ok = sum(results[c["id"]].category in c["category"] for c in scored) / len(scored)
    assert category_ok >= 0.80
    with_victim = [c for c in cases if c["victim"] in ("child", "adult")]
    victim_ok = sum(results[c["id"]].victim == c["victim"] for c in with_victim) / len(with_victim)
    assert victim_ok >= 0.85


def test_result_shape_matches_contract() -> None:
    names = [f.name for f in dataclasses.fields(TriageResult)]
    assert names == ["urgency", "category", "victim", "language", "intent", "confidence", "faq_key",
                     "entities", "danger_cues", "region", "relationship", "age", "victim_evidence",
                     "uncertain_report", "place_code", "place_candidates", "abroad", "raised_by"]


def test_rules_only_emergency_fields() -> None:
    r = triage("tlg istri sy d pukul kakak ipar smpe pingsan skrg di Sukmajaya", None)
    assert r.urgency == "emergency" and r.category == "physical" and r.victim == "adult"
    assert r.intent is None and r.confidence is None and r.faq_key is None
    assert r.region == "32.76" and r.place_code == "32.76.05" and "serious_injury" in r.danger_cues
    assert r.relationship == "kakak ipar"


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("suami sering mukul, terakhir kemarin", "high"),
        ("dulu waktu SD saya pernah dipukuli guru", "normal"),
        ("mertua sering menyindir saya, saya ingin konsultasi", "normal"),
        ("kantor UPTD PPA buka hari minggu?", "none"),
        ("suami saya tinju sama temennya di gym", "none"),
    ],
)
def test_rules_only_urgency(text: str, urgency: str) -> None:
    assert triage(text, None).urgency == urgency


@pytest.mark.parametrize(
    ("text", "victim", "age"),
    [
        ("keponakan saya dipukul pamannya, dia 10 tahun", "child", 10),
        ("umur 25, dipukul pacar kemarin", "adult", 25),
        ("sudah 8 tahun menikah, suami sering memukul", "adult", None),
        ("saya diperkosa 5 tahun lalu", "unknown", None),
        ("suami membentak saya di depan anak-anak", "adult", None),
        ("bayi tetangga ditinggal sendirian", "child", None),
        # Now versus then: an adult today, or still a child today.
        ("adik sy dinikahkan umur 16, skrg 19 dan mau cerai", "adult", 16),
        ("waktu SD aku dibully parah, sekarang kelas 11 masih takut ke sekolah", "child", None),
        ("sepupu saya dijual ke Batam 10 tahun lalu waktu umur 16", "adult", 16),
        # The first age named is the victim's, not a perpetrator's ("laki2 umur 30an").
        ("anak saya 14 th mau dijodohkan dgn laki2 umur 30an", "child", 14),
        ("anak laki2 sy 15 thn dipaksa pelatih mijetin dia", "child", 15),
        # A child writing about the mother; a married daughter.
        ("bapak nyekik mama, mama ga bangun. aku kelas 5", "adult", None),
        ("anak perempuan saya dipukuli suaminya semalam", "adult", None),
        ("ada cewek pake seragam smp dipaksa masuk mobil", "child", None),
        ("mama sering ninggalin kami ke rumah pacarnya, aku 12 th harus masakin adek2", "child", 12),
        ("my gf's dad beats her every weekend, she's 15", "child", 15),
        ("adikku cowo 12thn dipukuli kakak kelasnya", "child", 12),
        ("aku dipukul ayah tiri, aku kls 7. skrg dia lg kerja di luar kota", "child", None),
        ("mantan suami gak nafkahin anak sejak cerai, gimana nuntutnya", "child", None),
    ],
)
def test_victim_and_age(text: str, victim: str, age: int | None) -> None:
    r = triage(text, None)
    assert (r.victim, r.age) == (victim, age)


def test_report_intent_sets_category() -> None:
    # The rules alone would say physical ("dipukul"); a confident report_sexual intent wins.
    text = "om itu dulu sering pukul dan pegang saya"
    r = triage(text, _parse("report_sexual", 0.9))
    assert r.category == "sexual" and r.intent == "report_sexual" and r.confidence == 0.9
    assert r.urgency in ("high", "normal")


def test_low_confidence_report_intent_falls_back_to_lexicon() -> None:
    r = triage("majikan tidak bayar gaji saya 3 bulan", _parse("report_other", 0.3))
    assert r.category == "exploitation" and r.urgency == "high"


def test_non_report_intent_overridden_by_rules() -> None:
    r = triage("apakah suami yang tidak menafkahi bisa dilaporkan?", _parse("faq", 0.8, faq_key="how_to_report"))
    assert r.urgency == "normal" and r.category == "neglect"


def test_faq_intent_is_none_without_danger() -> None:
    r = triage("puspaga itu apa?", _parse("faq", 0.97, faq_key="puspaga"))
    assert (r.urgency, r.category, r.faq_key, r.intent) == ("none", "none", "puspaga", "faq")


def test_faq_intent_never_hides_danger() -> None:
    r = triage("bagaimana cara lapor, suami lagi mukulin saya sekarang", _parse("faq", 0.99, faq_key="how_to_report"))
    assert r.urgency == "emergency" and r.category == "physical"


def test_report_intent_on_calm_text_is_report() -> None:
    r = triage("saya mau cerita soal keluarga", _parse("report_psychological", 0.85))
    assert r.urgency in ("high", "normal") and r.category == "psychological"


def test_out_of_scope_mention_stays_none() -> None:
    r = triage("nonton film tentang penculikan anak tadi malam", _parse("out_of_scope", 0.9))
    assert r.urgency == "none" and r.category == "none"


def test_entities_are_used() -> None:
    entities = [
        {"entity": "relationship", "value": "ayah tiri", "start": 0, "end": 9, "extractor": "DIETClassifier"},
        {"entity": "location", "value": "Kedungwuni", "start": 20, "end": 30, "extractor": "DIETClassifier"},
        {"entity": "age", "value": "13", "start": 31, "end": 33, "extractor": "DIETClassifier"},
    ]
    r = triage("dia sering memukul adik", _parse("report_physical", 0.9, entities))
    assert r.relationship == "ayah tiri" and r.region == "33.26" and r.place_code == "33.26.13" and r.age == 13
    assert r.victim == "child" and r.entities == entities


def test_english_language() -> None:
    assert triage("please help, my husband is hitting me", None).language == "en"
    assert triage("tolong saya dipukul suami", None).language == "id"


def test_malformed_parse_is_tolerated() -> None:
    for parse in ({}, {"intent": None}, {"intent": {"name": 3}}, {"entities": "x"}, {"response_selector": 1}):
        r = triage("halo", parse)  # type: ignore[arg-type]
        assert r.urgency == "none"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😭🙏🏻😭",
        "\u200b\u200f\u202e\u2067tolong\u2069",
        "!!!???...",
        "'; DROP TABLE cases; -- OR 1=1",
        "a" * 20000,
        "suami mukul " * 1700,
        "ا" * 5000,
    ],
)
def test_bad_input_gives_valid_result_fast(text: str) -> None:
    t0 = time.perf_counter()
    r = triage(text, None)
    assert time.perf_counter() - t0 < 2.0
    assert r.urgency in ("emergency", "high", "normal", "none")
    assert r.category in ("physical", "psychological", "sexual", "exploitation", "trafficking", "neglect",
                          "other", "none")
    assert r.victim in ("child", "adult", "unknown") and r.language in ("id", "en")


def test_pseudonym_is_short_stable_and_not_the_id() -> None:
    a = pseudonym("tg:100000001")
    assert a == pseudonym("tg:100000001") and a != pseudonym("tg:100000002")
    assert len(a) == 12 and "100000001" not in a


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("tadi nonton sinetron, mertuanya jahat banget mukulin menantunya", "report_physical"),
        ("liat video orang nendang anjing di tiktok, bisa dilaporin?", "report_physical"),
        ("gmn cara bikin akta kelahiran anak", "report_other"),
        ("salah kirim kak maaf", "report_physical"),
        ("kalau mau lapor kdrt harus bawa surat nikah ga?", "report_physical"),  # how reporting works
        ("sy jurnalis, mau wawancara soal kasus kekerasan anak, hubungi siapa?", "report_other"),
        ("adik sy main game perang2an terus, bahaya ga?", "report_exploitation"),
    ],
)
def test_report_intent_on_mention_is_none(text: str, intent: str) -> None:
    # Invented: Rasa over-predicts report intents for media mentions and service questions.
    assert triage(text, _parse(intent, 0.9)).urgency == "none"


# Invented: abuse as a public topic (handlers/data/cues.yml, public_talk). Before, each raised a report.
PUBLIC_TALK = [
    "warganet malah rame nyalahin korban pelecehan itu, padahal pelakunya jelas",
    "orang yang menganggap pelecehan di kereta itu wajar kudu belajar empati",
    "budaya patriarki bikin korban kekerasan susah bersuara",
    "salut sama penyanyi itu berani speak up soal pelecehan yang dia terima",
    "mendidik anak dengan memukul itu warisan yang harus diputus",
]
# The same markers beside a case of the writer's own: still a report.
PUBLIC_TALK_OWN_CASE = [
    "netizen nyalahin aku, padahal aku dilecehkan atasan di kantor",
    "di keluarga suamiku mukul istri dianggap wajar, suamiku memukul aku tiap bertengkar",
    "aku mau speak up, dulu aku diperkosa pacarku",
    "suami saya mendidik anak dengan memukul pakai ikat pinggang",
]


@pytest.mark.parametrize("text", PUBLIC_TALK)
@pytest.mark.parametrize("parse", [None, _parse("report_sexual", 0.9)], ids=["rules", "rasa-report"])
def test_abuse_as_a_public_topic_is_no_report(text: str, parse: dict[str, Any] | None) -> None:
    r = triage(text, parse)
    assert (r.urgency, r.category) == ("none", "none"), text


@pytest.mark.parametrize("text", PUBLIC_TALK_OWN_CASE)
def test_a_case_of_ones_own_beside_public_talk_stays_a_report(text: str) -> None:
    assert triage(text, None).urgency in ("emergency", "high", "normal"), text


# Invented: complaints about a parcel, a network, a bank or an app with nobody at stake (cues.yml
# service_complaint). The statistical emergency head paged on each before ("tolong", "malam ini", "sekarang").
SERVICE_COMPLAINTS = [
    "tolong paketnya dipercepat, saya butuh malam ini",
    "sinyal hilang dari kemarin malam tolong dibantu sekarang",
    "tolong, saldo saya terpotong tadi malam, tolong segera dibantu",
    "aplikasinya error terus dari semalam, saya takut uangnya hilang, tolong",
]


@pytest.mark.parametrize("text", SERVICE_COMPLAINTS)
@pytest.mark.parametrize("parse", [None, _parse("out_of_scope", 0.6)], ids=["rules", "rasa"])
def test_a_service_complaint_pages_nobody(text: str, parse: dict[str, Any] | None) -> None:
    r = triage(text, parse)
    assert (r.urgency, r.category) == ("none", "none"), text


@pytest.mark.parametrize(("text", "urgencies"), [
    ("tolong kurir paket itu nyekap saya di gudang sekarang", {"emergency"}),  # a person does it: never a service
    ("paket dari mantan isinya ancaman mau bunuh saya malam ini", {"emergency"}),
    ("pernah dinikahkan umur 15, sekarang mau lanjut paket C, ada bantuan?", {"high", "normal"}),
])
def test_service_words_beside_danger_or_an_own_case_keep_the_verdict(text: str, urgencies: set[str]) -> None:
    assert triage(text, None).urgency in urgencies, text


@pytest.mark.parametrize(
    ("text", "victim"),
    [
        ("sy kerja di pabrik 3 thn ga digaji penuh", "adult"),  # a duration, not an age
        ("adik sy (13) dipukulin ayah tirinya", "child"),
        ("dulu waktu umur 14 sy dinikahkan paksa, skrg 23", "adult"),
        ("tetangga sebelah lg mukulin istrinya", "adult"),
        ("mertuaku nyiram aku pake air panas", "adult"),
        ("aku dipukul ibu pake sapu gara2 rapor jelek, aku 12", "child"),
        ("aku 14, kakakku (22) sering ditampar suaminya", "adult"),  # the adult sister is harmed
        ("suami nendang saya, saya lagi hamil 5 bulan", "adult"),  # months pregnant is not an age
        ("kakek sy ditinggal anak2nya sendirian, ga ada yg ngasih makan", "adult"),  # an elder
        ("suami ngamuk, sy sama anak2 ngunci diri di kamar", "adult"),  # the writer with her children
        ("aku kelas 12 tapi udh 18 thn, guru les ngirim chat mesum", "adult"),  # a pupil who turned 18
        ("i was hurt by my stepdad as a kid, i'm 31 now", "adult"),  # "i'm 31" is not a child's age
        ("anak perempuan saya 24 tahun kerja di hongkong, sering dipukuli majikannya", "adult"),
        ("he's shouting outside, i'm in the bathroom with the baby", "adult"),  # the writer with her baby
        ("suami nikah lagi, aku diusir sama anak2", "adult"),  # sent away together with the children
        ("saya sering marah sama anak saya sampai mukul dia pakai sapu", "child"),  # the child is harmed
        ("bocil 4 thn ditinggal sendirian di mobil, kacanya ketutup", "child"),  # "bocil" is a small child
        ("ponakanku masih SMP dipukulin ayah tirinya tiap malam", "child"),  # "masih SMP"
        ("tolong, aya budak leutik dikurung di kandang ku bapana", "child"),  # Sundanese: a small child
        ("mbahku wis sepuh, ditinggal anake dhewekan neng omah, lawange dikunci", "adult"),  # an elder left alone
        ("sy cowok 30 th. waktu umur 11 pernah dicabuli pelatih, baru berani cerita", "adult"),  # the age now wins
        ("ponakan sy (20) mau bersaksi soal pencabulan yg dia alami waktu umur 12", "adult"),
        ("adik perempuan 14 dibawa kabur cowok kenalan game online", "child"),  # "adik perempuan 14"
        ("aku ibu tunggal, mantan ngancam nyebar video kami", "adult"),
    ],
)
def test_victim_rules_generalise(text: str, victim: str) -> None:
    assert triage(text, None).victim == victim


@pytest.mark.parametrize("text", ["sy takut", "dia dtg lg", "aku takut banget"])
def test_short_alarm_is_a_high_report(text: str) -> None:
    result = triage(text, _parse("greet", 0.9))
    assert result.urgency in ("high", "emergency") and result.category != "none"


def test_long_message_is_fast() -> None:
    text = ("suami sy kemarin mukulin sy, tadi pagi ngancem lagi, skrg dia di luar kamar " * 60)[:4000]
    text_model.warm()  # the statistical heads train once per process (seconds); this measures triage alone
    triage(text, None)
    t0 = time.perf_counter()
    for _ in range(20):
        triage(text, None)
    # A guard against catastrophic regex backtracking (seconds to minutes per message), not a speed goal: the
    # speed is measured by `hotline bench triage` beside bare Rasa. ~30 ms on a quiet machine, 150 ms at load 5.
    assert (time.perf_counter() - t0) / 20 < 1.0


def _sure(intent: str) -> dict[str, Any]:
    return {"intent": {"name": intent, "confidence": 0.99}, "entities": []}


@pytest.mark.parametrize(
    ("text", "intent", "urgency"),
    [
        # A question Rasa is sure about: the act words belong to the question.
        ("min, kalau cowok jadi korban pelecehan bisa lapor juga gak?", "faq/bot_identity", "none"),
        ("apakah harus ada bukti visum kalau mau lapor pelecehan?", "faq/documents", "none"),
        # An own case stays a report, however sure Rasa is that it is a question.
        ("saya mau lapor KDRT yang saya alami bulan lalu, bawa apa saja?", "faq/documents", "high"),
        ("suami saya mukul saya tiap malam, apakah bisa lapor di sini?", "faq/how_to_report", "high"),
    ],
)
def test_sure_question_is_not_a_report_unless_it_is_own_case(text: str, intent: str, urgency: str) -> None:
    r = triage(text, _sure(intent))
    assert (r.urgency != "none") == (urgency != "none"), r


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        # Telling it only now, or months later, is past violence and a request for help: normal.
        ("waktu SMA aku pernah dilecehkan guru, baru sekarang berani cerita, bisa konseling?", "normal"),
        ("saya dipukul atasan 4 bulan lalu, sudah resign, mau konsultasi", "normal"),
        # Last month or last week is still recent: high.
        ("saya dipukul atasan bulan lalu, mau konsultasi", "high"),
        # "masih" back then, a school term ago, a childhood the safety net calls past: normal.
        ("dulu aku pernah ditampar mantan waktu masih pacaran, sekarang udah putus", "normal"),
        ("adikku pernah ditampar gurunya semester lalu, gurunya sudah pindah", "normal"),
        ("dulu waktu kecil aku sering dikunci di gudang sama nenek, sekarang udah 30", "normal"),
    ],
)
def test_late_telling_and_months_ago_are_past(text: str, urgency: str) -> None:
    assert triage(text, _sure("report_physical")).urgency == urgency


def test_the_perpetrators_joke_excuse_does_not_make_a_report_a_joke() -> None:
    r = triage("aku kelas 11, pacar suka cekik aku pas marah, katanya bercanda. kemarin aku sampe susah napas", None)
    assert r.urgency in ("high", "emergency") and r.victim == "child"
    assert triage("temen gw bercanda bilang mau nyekik gw wkwk", None).urgency == "none"


@pytest.mark.parametrize(
    ("text", "parse", "report"),
    [
        ("mau cerai, gak ada kekerasan apa2, cuma udah gak cocok. hak asuh anak gimana?", "report_other", False),
        # Only physical violence is denied.
        ("mau curhat, dari kecil dibanding2in terus, skrg minder. ga ada kekerasan fisik sih", "report_psychological",
         True),
        ("kalian keren, semoga makin banyak korban tertolong", "out_of_scope", False),
        ("apakah benar ada aturan baru perempuan tidak boleh keluar malam?", "faq/what_is_violence", False),
        ("kasus pencabulan di pesantren yang rame tahun lalu itu pelakunya udah dihukum?", "report_sexual", False),
        # Only asking, in general, or not the victim: a question, unless the writer's own story shows.
        ("secara umum, korban dipukul tanpa bekas luka masih bisa visum gak?", "report_physical", False),
        ("sy bukan korban ya, cuma pengen tau lapor kdrt perlu saksi gak", "report_physical", False),
        ("cuma mau nanya, hukuman buat pelaku pencabulan berapa tahun?", "report_sexual", False),
        ("dulu pernah dipukul mantan, cuma mau nanya chat lamanya bisa jadi bukti ga", "report_physical", True),
        # Someone selling child abuse videos is a report, even asked as "where do I report?".
        ("nemu akun yg jualan video anak2 di telegram, lapor kemana ya", "faq/how_to_report", True),
    ],
)
def test_denials_thanks_rules_and_news_are_not_reports(text: str, parse: str, report: bool) -> None:
    assert (triage(text, _sure(parse)).urgency != "none") == report


@pytest.mark.parametrize(
    ("text", "parse"),
    [
        ("apa bener kalo lapor pelecehan harus ada saksi? sy pengen lapor atasan sy", "faq/how_to_report"),
        ("gmn caranya lapor tanpa ketauan suami? hp sy sering dicek", "faq/how_to_report"),
        ("dosen minta saya datang ke hotel kalau mau skripsi saya di-ACC, sudah tiga kali", "report_sexual"),
        ("teman sekelas megang dada aku di bus, gurunya bilang cuma bercanda", "report_sexual"),
    ],
)
def test_own_case_inside_a_question_stays_a_report(text: str, parse: str) -> None:
    assert triage(text, _sure(parse)).urgency != "none"


def test_a_denied_act_is_not_the_violence_type() -> None:
    r = triage("suami tidak pernah memukul, tapi sering memaksa berhubungan", _sure("report_sexual"))
    assert r.category == "sexual"
    r = triage("suami saya bukan mukul, tapi tiap hari bilang saya jelek", _sure("report_psychological"))
    assert r.urgency != "none" and r.category == "psychological"


@pytest.mark.parametrize("text", ["lewat chat ini aja sore jam 4", "telpon aja besok pagi", "wa aja nanti malem",
                                  "chat aja kak jam 8 malam"])
def test_a_safe_time_to_call_is_not_an_emergency(text: str) -> None:
    # The statistical urgency model knows these time words from threats ("pulang nanti malam mau bunuh saya").
    assert triage(text, None).urgency == "none"
    assert triage(text, _sure("inform")).urgency == "none"


@pytest.mark.parametrize("text", ["silet udah di tangan. maaf", "tolong tolong tolong"])
def test_short_alarms_the_rules_miss_still_reach_emergency(text: str) -> None:
    assert triage(text, None).urgency == "emergency"


@pytest.mark.parametrize(
    ("text", "parse"),
    [
        ("maaf td saya cuma nyoba2 fitur chatnya", "report_sexual"),
        ("saya bukan korban kok, suami saya baik bgt malah. cuma mau tanya layanan konseling pranikah ada gk",
         "report_physical"),
        ("di novel yg lg aku baca tokohnya korban KDRT trus kabur ke rumah aman. emang beneran ada ya rumah aman?",
         "report_other"),
    ],
)
def test_trying_out_not_a_victim_and_novels_are_not_reports(text: str, parse: str) -> None:
    assert triage(text, _sure(parse)).urgency == "none"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ada laki2 yg suka ngikutin anak saya pulang sekolah udh seminggu ini", "psychological"),
        ("ada yg buka jasa titip anak di kampung kami tp anak2nya dipake buat minta2 di jalan", "exploitation"),
        ("back in uni a lecturer forced a kiss on me. i just need someone to talk to", "sexual"),
    ],
)
def test_stalking_begging_and_a_forced_kiss_are_reports(text: str, category: str) -> None:
    r = triage(text, None)
    assert r.urgency != "none" and r.category == category


def test_safe_at_parents_now_is_not_raised_by_the_statistical_model() -> None:
    text = "suami nyeret aku keluar rumah kmrn krn masakan keasinan, tangan lecet2. skrg aku di rumah ortu"
    assert triage(text, _sure("report_physical")).urgency == "high"


def test_durations_supervisors_and_spouses_are_not_child_cues() -> None:
    # Rasa tags "3" as an age; "selama 3 tahun" is how long, not how old.
    parse = {"intent": {"name": "report_neglect", "confidence": 0.99},
             "entities": [{"entity": "age", "value": "3", "start": 50, "end": 51}]}
    text = "apakah suami yg dulu nelantarin saya selama 3 tahun bisa dipidana? sekarang dia mau nikah lagi"
    assert triage(text, parse).age is None
    text = "my thesis supervisor asked me to stay at a hotel with him, if i refuse he'll hold my thesis"
    assert triage(text, _sure("report_sexual")).victim == "adult"
    text = "wife keeps slapping me when shes angry and tells my kids im useless"
    assert triage(text, _sure("report_physical")).victim == "adult"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("someone keeps sending me dick pics from different numbers every day", "sexual"),
        ("di kampung kami ada bapak2 yg suka manggil anak2 SD ke rumahnya, dikasih uang trus minta dipijat",
         "sexual"),
        ("mamah teu uih2, abdi sareng adi di bumi nyalira ti kamari, teu aya tuangeun", "neglect"),
    ],
)
def test_more_ways_to_say_sexual_harm_and_neglect(text: str, category: str) -> None:
    assert triage(text, None).category == category


@pytest.mark.parametrize(
    ("text", "victim"),
    [
        ("20 thn lalu guru ngaji di kampung sy melecehkan sy dan beberapa teman. sy mau lapor tp apakah masih bisa",
         "adult"),
        ("apakah kasus pencabulan yang terjadi tahun 2015 sudah kedaluwarsa? korbannya saya sendiri waktu umur 9",
         "adult"),
        ("anak angkat saya (15) waktu di panti dulu pernah dipukuli pengurusnya, tahun 2021", "child"),
    ],
)
def test_a_victim_then_is_an_adult_now_after_enough_years(text: str, victim: str) -> None:
    assert triage(text, _sure("report_sexual")).victim == victim


@pytest.mark.parametrize(
    "text",
    [
        "nomor hp sy disebar di grup2 dgn tulisan 'open BO', tiap hari ditelpon laki2 ga dikenal",
        "dosen pembimbing sy minta sy ke rumahnya, kemarin dia meluk sy dr belakang di ruangannya",
    ],
)
def test_open_bo_and_a_hug_from_behind_are_sexual_harassment(text: str) -> None:
    r = triage(text, None)
    assert r.urgency != "none" and r.category == "sexual"


def test_an_unsure_report_intent_with_no_act_is_not_a_report() -> None:
    parse = {"intent": {"name": "report_other", "confidence": 0.62}, "entities": []}
    assert triage("anak saya batuk pilek, obatnya apa ya", parse).urgency == "none"


@pytest.mark.parametrize(
    ("text", "victim"),
    [
        ("sa pu bapa ada pukul mama pake kayu skarang, mama su jatuh tra bangun, tolong kaka", "adult"),
        ("mau tanya kak, kejadiannya pas aku SMP 7 taun lalu, aku dicabuli guru les. skrg masih bisa dilaporin?",
         "adult"),
        ("is it still possible to file a report about my uncle who abused me as a kid? it was 15 years ago", "adult"),
    ],
)
def test_a_mother_hit_by_the_father_and_an_adult_telling_of_childhood(text: str, victim: str) -> None:
    assert triage(text, _sure("report_physical")).victim == victim


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ex-husband keeps sending me threats on whatsapp, says he will come to my office on the 20th",
         "psychological"),
        ("sy guru BK, ada siswi kelas 8 cerita disentuh2 sama pelatih voli pas latihan", "sexual"),
        ("ada org ngaku polisi cyber ngancem aku krn video call aku tersebar, minta 5jt paling lambat jumat", "sexual"),
    ],
)
def test_threats_touching_and_a_leaked_video_call(text: str, category: str) -> None:
    r = triage(text, None)
    assert r.urgency != "none" and r.category == category


@pytest.mark.parametrize(
    "text",
    [
        "makasih kak, adik saya sudah pulang ternyata main ke rumah temennya. maaf bikin panik ya",
        "anak sy suka nonton kartun yang banyak adegan pukul2an, bahaya gak ya?",
        "barusan baca thread twitter orang cerita kdrt, kesel bgt pelakunya bebas",
    ],
)
def test_a_false_alarm_called_off_and_cartoons_or_threads_are_not_reports(text: str) -> None:
    assert triage(text, None).urgency == "none"


def test_a_sure_deletion_request_is_never_raised_by_the_statistical_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from handlers import text_model

    monkeypatch.setattr(text_model, "emergency_probability", lambda norm: 0.99)
    parse = {"intent": {"name": "delete_data", "confidence": 0.97}, "entities": []}
    assert triage("tolong data saya dihapus semua ya", parse).urgency == "none"


@pytest.mark.parametrize("intent", ["thanks", "goodbye", "greet"])
def test_rasa_sure_of_a_thank_you_never_vetoes_the_emergency_model(monkeypatch: pytest.MonkeyPatch,
                                                                    intent: str) -> None:
    """A farewell says "makasih" and "pamit": Rasa sure of thanks or goodbye must not silence the emergency head."""
    from handlers import text_model

    monkeypatch.setattr(text_model, "emergency_probability", lambda norm: 0.99)
    parse = {"intent": {"name": intent, "confidence": 0.97}, "entities": []}
    assert triage("udah ya kak aku gak bisa lagi. makasih buat semuanya", parse).urgency == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "anak sy (4 thn) bilang pakdenya suka mainan burung dia kalau dititipin, sy curiga",
        "tetanggaku anaknya masih SD sering ga dikasih makan, bapaknya mabok terus",
        "sebulan ini ada akun yg DM aku terus, dia tau alamat kos aku dan kirim foto kosku",
        "ada yg ngirim video aku lagi ganti baju di ruang ganti gym, minta 3jt biar gak disebar",
    ],
)
def test_a_childs_word_a_possessive_neighbour_a_stalker_who_knows_the_address_and_a_gym_video_are_reports(
    text: str,
) -> None:
    parse = {"intent": {"name": "report_sexual", "confidence": 0.95}, "entities": []}
    assert triage(text, parse).urgency in ("high", "emergency")


def test_a_child_gone_with_an_online_stranger_is_trafficking_not_neglect() -> None:
    parse = {"intent": {"name": "report_neglect", "confidence": 0.9}, "entities": []}
    r = triage("anak sy 12 thn belum pulang dari kemarin, pamit ketemu temen kenalan dari game online, hp mati", parse)
    assert r.urgency == "emergency" and r.category == "trafficking"


@pytest.mark.parametrize(
    ("text", "victim"),
    [
        ("Bu, sy tadi pagi dipegang2 paksa sama penjaga sekolah, sy kelas 5, takut bilang ke emak", "child"),
        ("tetangga sering ngintip aku mandi, aku udh bilang ke mama tp ga dipercaya, aku 14 thn", "child"),
        ("aku udh nikah 3 thn, suami kalau cemburu suka nampar aku", "adult"),
    ],
)
def test_the_counsellor_addressed_an_unbelieved_report_and_years_married_are_not_misread(
    text: str, victim: str
) -> None:
    assert triage(text, None).victim == victim


@pytest.mark.parametrize(
    "text",
    [
        "seblak buatan ibu pedesnya nyiksa banget",
        "tim futsal kampung kami dibantai 5-0 semalam",
        "halo kak, aku cuma pengen ngobrol aja, lagi gabut",
        "berapa hukuman buat pelaku pelecehan seksual?",
    ],
)
def test_figures_of_speech_scores_small_talk_and_questions_about_sentences_are_not_reports(text: str) -> None:
    assert triage(text, None).urgency == "none"
    assert triage(text, {"intent": {"name": "out_of_scope", "confidence": 0.7}, "entities": []}).urgency == "none"


@pytest.mark.parametrize(
    "text",
    [
        "anak saya 11 thn dipaksa kakak kelasnya nonton video porno di hp",
        "adik saya 15 tahun mau dijodohin sama anak juragan kambing bulan depan",
        "guru olahraga anak saya suka jewer murid sampai telinganya merah",
    ],
)
def test_forced_viewing_a_marriage_beside_an_animal_word_and_a_sports_teacher_are_reports(text: str) -> None:
    parse = {"intent": {"name": "report_sexual", "confidence": 0.95}, "entities": []}
    assert triage(text, parse).urgency in ("high", "emergency")


def test_a_health_question_is_not_a_report_unless_care_is_withheld() -> None:
    parse = {"intent": {"name": "report_neglect", "confidence": 0.9}, "entities": []}
    assert triage("adik sy diare dari kemarin, obat apa yg aman ya", parse).urgency == "none"
    assert triage("anak tetangga demam tinggi, bapaknya gak mau bawa ke puskesmas", parse).urgency in (
        "high", "emergency", "normal")


@pytest.mark.parametrize(
    "text",
    [
        "main ml dibantai terus sama tim lawan, pengen banting hp rasanya",
        "bunuh aku aja deh kalo harus ngerjain revisi lagi",
        "selamat hari ibu kakak2 konselor semua",
        "alhamdulillah kasus adik saya sudah divonis, terima kasih banyak pendampingannya",
        "saya satpam mall, kalau nemu anak yg kayak korban kekerasan saya harus gimana? buat jaga2 aja",
    ],
)
def test_game_rage_chores_greetings_a_closed_case_and_a_what_if_are_not_reports(text: str) -> None:
    parse = {"intent": {"name": "out_of_scope", "confidence": 0.97}, "entities": []}
    assert triage(text, parse).urgency == "none"


def test_a_past_threat_asked_about_just_in_case_is_still_a_report() -> None:
    text = "dulu pernah diancam mantan mau nyebar foto, udah setahun ga kontak. perlu lapor buat jaga2?"
    parse = {"intent": {"name": "report_sexual", "confidence": 0.9}, "entities": []}
    assert triage(text, parse).urgency != "none"


@pytest.mark.parametrize(
    "text",
    [
        "seblak level 5 nya dihajar pedesnya sampe nangis",
        "obat asam urat yg bagus buat bapak apa ya",
        "anak saya 5 bulan sering muntah abis nyusu, normal gak ya",
        "tolong jangan simpan riwayat chat saya ya",
    ],
)
def test_games_food_health_questions_and_data_requests_are_not_reports(text: str) -> None:
    parse = {"intent": {"name": "report_other", "confidence": 0.95}, "entities": []}
    result = triage(text, parse)
    assert result.urgency == "none", result


@pytest.mark.parametrize(
    "text", ["gw mau bunuh monster game ini dari tadi ga mati2", "adikku main game isinya bunuh2an, aman gak?"]
)
def test_killing_in_a_game_is_neither_a_page_nor_a_report(text: str) -> None:
    # Not raised by the safety net; the statistical model is not gated by games (children groomed through
    # online games rely on it), so Rasa's reading decides the rest.
    assert detect_danger(text).level is None
    assert triage(text, {"intent": {"name": "out_of_scope", "confidence": 0.9}, "entities": []}).urgency == "none"


def test_a_childhood_told_by_the_adult_the_writer_is_now_is_not_a_page() -> None:
    text = "waktu kecil ibu suka ngurung saya di kamar mandi kalau nakal. sekarang saya sudah 30, mau konsultasi"
    assert triage(text, None).urgency != "emergency"


def test_uncertain_report_when_only_rasa_sees_a_report() -> None:
    # Rasa's intent alone, nothing in the text: a report the conversation may ask about before opening a case.
    weak = triage("saya mau cerita soal keluarga", _parse("report_psychological", 0.9))
    assert weak.urgency in ("high", "normal") and weak.uncertain_report
    # An act word, or a danger cue, marks a report as one.
    act = triage("suami saya sering memukul saya", _parse("report_physical", 0.9))
    assert act.urgency == "high" and not act.uncertain_report
    hot = triage("tolong suami lagi mukulin saya sekarang", _parse("report_physical", 0.9))
    assert hot.urgency == "emergency" and not hot.uncertain_report


@pytest.mark.parametrize("text", [
    "penyanyi itu dapat pelecehan seksual lewat dm, dari akun palsu katanya",  # a public figure's case
    "pemain bola itu dihajar suporter lawan sampai lebam",  # a public quarrel, nobody of the writer's
])
def test_a_report_about_nobody_concrete_is_asked_about_first(text: str) -> None:
    # Invented. The act words concern a topic or a public figure: the bot asks before opening a case.
    r = triage(text, None)
    assert r.urgency in ("high", "normal") and r.uncertain_report and r.raised_by == "rules"


@pytest.mark.parametrize("text", [
    "saya dilecehkan atasan di kantor minggu lalu",  # the writer harmed
    "tetangga saya sering mukulin anaknya",  # a witness, a child named
    "suami saya sering mukul",  # someone of the writer's
])
def test_a_report_with_someone_at_stake_opens_a_case_at_once(text: str) -> None:
    r = triage(text, None)
    assert r.urgency == "high" and not r.uncertain_report and r.raised_by == "rules"


def test_a_thing_as_the_object_of_an_act_is_no_report() -> None:
    # Invented: food burnt or thrown away (not_danger data, read by the lexicon too); a baby thrown away is.
    assert triage("nasi sisa semalam dibuang aja, udah basi", None).urgency == "none"
    assert triage("roti tawar yang dibakar pakai mentega enak banget", None).urgency == "none"
    assert triage("bayinya dibuang di tempat sampah tadi pagi", None).urgency == "emergency"


def test_raised_by_names_the_component() -> None:
    assert triage("tolong suami lagi mukulin saya sekarang", None).raised_by == "safety_net"
    assert triage("saya mau cerita soal keluarga", _parse("report_psychological", 0.9)).raised_by == "rasa"
    assert triage("makasih infonya kak", None).raised_by is None


def test_a_death_wished_on_someone_else_is_not_the_writers_intent() -> None:
    # Invented: a curse at the reader, a death penalty called for, an idiom of devotion; and the real thing.
    for text in ("udah kamu mati aja sana, nyebelin", "koruptor kayak gitu hukum mati aja",
                 "pokoknya aku udah cinta mati sama band itu"):
        assert "suicide_self_harm" not in detect_danger(text).cues, text
    assert detect_danger("aku udah capek, mending aku mati aja").level == "emergency"
    assert detect_danger("kamu jangan bunuh diri ya, aku takut").cues  # a friend at risk still counts


def test_hiding_needs_someone_to_hide_from() -> None:
    assert detect_danger("lagi main sama ponakan, aku sembunyi di balik lemari").level is None
    assert detect_danger("aku kabur dari rumah tadi pagi, sekarang sembunyi di masjid").level == "emergency"
    assert detect_danger("tolong, aku sembunyi di kamar mandi, dia di luar").level == "emergency"


def test_the_emergency_head_does_not_page_on_a_death_the_net_gave_to_something_else() -> None:
    # Invented: a phone dying, a power cut, a curse at the reader; the writer's own wish still pages.
    for text in ("hp ku mau mati, lupa bawa charger", "mati lampu lagi dari sore", "mending mati aja lu, berisik"):
        assert triage(text, None).urgency != "emergency", text
    assert triage("aku capek, mau mati aja", None).urgency == "emergency"


def test_a_game_and_an_unborn_babys_kicks_are_not_violence() -> None:
    game = triage("semalam main game, aku dibunuh terus sama musuh", None)
    assert game.urgency != "emergency" and not game.danger_cues
    assert triage("bayiku aktif banget nendang nendang di perut", None).urgency == "none"
    # The same words with a person of the writer's own stay danger.
    assert triage("tolong suami lagi mukulin aku, anak main game di kamar", None).urgency == "emergency"
    assert triage("suamiku nendang perutku tadi padahal aku hamil", None).urgency in ("emergency", "high")
