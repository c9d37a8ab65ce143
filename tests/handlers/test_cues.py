"""Every entry of the safety net's cue data (handlers/data/cues.yml) fires on its examples and on nothing else
of its own. Invented examples only."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.rules import cues
from handlers.safety import LOWER_PREDICATES, detect_danger, normalise

ENTRIES = [c for family in cues.load().values() for c in family]


def test_the_data_has_entries_with_examples() -> None:
    assert ENTRIES
    for c in ENTRIES:
        assert c.fires and c.does_not_fire, f"{c.family}/{c.id} needs examples of both kinds"


@pytest.mark.parametrize("cue", ENTRIES, ids=lambda c: f"{c.family}/{c.id}")
def test_entry_examples(cue: cues.Cue) -> None:
    for text in cue.fires:
        assert cue.id in cues.matches(cue.family, normalise(text)), f"{cue.id} must fire on: {text}"
    for text in cue.does_not_fire:
        assert cue.id not in cues.matches(cue.family, normalise(text)), f"{cue.id} must not fire on: {text}"


@pytest.mark.parametrize("cue", [c for c in ENTRIES if c.family == "not_own_death"], ids=lambda c: c.id)
def test_a_death_that_is_not_the_writers_raises_no_suicide_cue(cue: cues.Cue) -> None:
    for text in cue.fires:
        assert "suicide_self_harm" not in detect_danger(text).cues, text


def test_a_malformed_entry_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "cues.yml"
    bad.write_text("fam:\n  - id: x\n    what: y\n    patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad entry"):
        cues.load(bad)
    dup = tmp_path / "dup.yml"
    dup.write_text("fam:\n  - {id: x, what: y, patterns: [a]}\n  - {id: x, what: z, patterns: [b]}\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        cues.load(dup)


@pytest.mark.parametrize("cue", [c for c in ENTRIES if c.family == "not_danger"], ids=lambda c: c.id)
def test_words_that_only_look_like_danger_page_nobody(cue: cues.Cue) -> None:
    for text in cue.fires:
        assert detect_danger(text).level != "emergency", text


@pytest.mark.parametrize("cue", [c for c in ENTRIES if c.family == "lowers"], ids=lambda c: c.id)
def test_a_lowering_context_lowers_its_cues(cue: cues.Cue) -> None:
    assert set(cue.unless) <= LOWER_PREDICATES, f"{cue.id}: unknown predicate in unless"
    for text in cue.fires:
        found = dict.fromkeys(detect_danger(text).cues, "?")
        danger = detect_danger(text)
        for lowered in (set(found) if "*" in cue.lowers else set(cue.lowers)):
            if cue.to == "none":
                assert lowered not in danger.cues, f"{cue.id}: {lowered} still fires on: {text}"
            else:
                assert not (danger.level == "emergency" and lowered in danger.cues and len(danger.cues) == 1), (
                    f"{cue.id}: {lowered} still pages on: {text}")


def test_lowering_applies_the_entry_to_the_cues_it_names() -> None:
    # An invented family: one entry lowers kill_threat to high unless help is asked, another drops a lone cue.
    found: dict[str, str] = {"kill_threat": "emergency", "violence_now": "emergency"}
    cues.lower("lowers", normalise("nonton anime tadi ada adegan bunuh bunuhan"), found,
               dict.fromkeys(LOWER_PREDICATES, lambda: False))
    assert found == {"kill_threat": "high", "violence_now": "high"}
    kept = {"kill_threat": "emergency"}
    cues.lower("lowers", normalise("nonton anime tadi ada adegan bunuh bunuhan"), kept,
               {**dict.fromkeys(LOWER_PREDICATES, lambda: False), "help_now": lambda: True})
    assert kept == {"kill_threat": "emergency"}
    alone = {"weapon_threat": "emergency", "kill_threat": "emergency"}
    cues.lower("lowers", normalise("avatar aku bawa pedang"), alone, dict.fromkeys(LOWER_PREDICATES, lambda: False))
    assert alone == {"weapon_threat": "emergency", "kill_threat": "emergency"}  # not alone: weapon_in_a_game waits


def test_masking_keeps_the_same_words_elsewhere() -> None:
    masked = cues.mask("not_danger", normalise("aku gak sadar udah malam. adikku tidak sadar dari tadi"))
    assert "adik saya tidak sadar" in masked and not masked.startswith("saya tidak sadar")
    hurt = "aku gak sadar udah malam. adikku dipukul suaminya, tidak sadar dari tadi"
    assert detect_danger(hurt).level == "emergency"


@pytest.mark.parametrize("cue", [c for c in ENTRIES if c.family == "fires"], ids=lambda c: c.id)
def test_a_firing_entry_raises_its_cue_through_the_safety_net(cue: cues.Cue) -> None:
    for text in cue.fires:
        assert detect_danger(text).level == "emergency" and cue.cue in detect_danger(text).cues, text


def test_a_firing_entry_without_its_context_does_not_fire() -> None:
    letter = next(c for c in cues.load()["fires"] if c.id == "goodbye_letter")
    assert letter.context, "the letter needs a goodbye or exhaustion beside it"
    assert "goodbye_letter" not in cues.matches("fires", normalise("surat udah aku taro di meja ya"))
    assert "goodbye_letter" in cues.matches("fires", normalise("maaf ya, surat udah aku taro di meja"))


def test_a_firing_entry_must_name_its_cue(tmp_path: Path) -> None:
    bad = tmp_path / "cues.yml"
    bad.write_text("fires:\n  - {id: x, what: y, patterns: [a]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="names the cue"):
        cues.load(bad)


@pytest.mark.parametrize("cue", [c for c in ENTRIES if c.family == "suicide_outright"], ids=lambda c: c.id)
def test_suicide_said_outright_pages_and_a_negation_lowers_it(cue: cues.Cue) -> None:
    for text in cue.fires:
        assert "suicide_self_harm" in detect_danger(text).cues, text


def test_suicide_said_outright_is_lowered_by_a_negation_or_a_partners_lever() -> None:
    assert detect_danger("aku mau bunuh diri aja").level == "emergency"
    assert detect_danger("aku gak bunuh diri kok, tenang aja").level != "emergency"
    assert detect_danger("pacarku ngancam bunuh diri kalau aku putusin dia").level != "emergency"
    assert detect_danger("pacarku ngancam bunuh diri sambil megang pisau sekarang").level == "emergency"


# The cue families moved out of handlers/safety.py's regexes, and the danger cue detect_danger reports for each.
MOVED_CUE = {"confinement": "confined_now", "abduction": "abduction_now",
             "documents_withheld": "passport_withheld", "injury": "serious_injury",
             "kill_threat": "kill_threat", "child_left_alone": "child_left_alone",
             # Stalking raises no cue of its own: as a context of abuse it lets someone at the door count.
             "stalking": "perpetrator_present", "breaking_in": "perpetrator_present", "burn_threat": "kill_threat"}


@pytest.mark.parametrize("cue", [c for c in ENTRIES if c.family in MOVED_CUE], ids=lambda c: f"{c.family}/{c.id}")
def test_a_moved_family_raises_its_cue_through_the_safety_net(cue: cues.Cue) -> None:
    expected = MOVED_CUE[cue.family]
    for text in cue.fires:
        assert expected in detect_danger(text).cues, f"{cue.id}: {expected} must fire on: {text}"
    for text in cue.does_not_fire:
        assert expected not in detect_danger(text).cues, f"{cue.id}: {expected} must not fire on: {text}"


def test_confinement_pages_now_and_not_when_past_a_simile_or_withdrawal() -> None:
    assert detect_danger("tolong aku dikurung di gudang sama majikan").level == "emergency"
    # Yesterday's confinement nobody says goes on, a simile for coercion, shutting oneself in: no page.
    assert detect_danger("kemarin adikku diikat di kursi sama pengasuhnya").level != "emergency"
    assert "confined_now" not in detect_danger("sudah sebulan aku kayak disandera sama utang").cues
    assert "confined_now" not in detect_danger("seminggu ini dia mengurung diri di kamar").cues


def test_an_abduction_pages_only_when_recent_or_help_is_asked() -> None:
    assert detect_danger("anak saya dibawa kabur mantan suami tadi pagi").level == "emergency"
    # Taken away long ago, with no recent-time word and no plea: nothing to page for.
    assert "abduction_now" not in detect_danger("sepupuku diculik tahun lalu").cues


def test_documents_withheld_open_a_case_without_paging() -> None:
    danger = detect_danger("paspor saya ditahan majikan dari awal kerja")
    assert danger.cues == ["passport_withheld"] and danger.level == "high"


def test_an_injury_needs_harm_beside_it_and_pages_only_when_it_is_now() -> None:
    assert detect_danger("istri saya dihajar sampai koma").level == "emergency"
    # Fainting with no act of harm, no abuse and no plea is not the safety net's; a past or yesterday's injury
    # opens a case without paging.
    assert "serious_injury" not in detect_danger("tadi pagi aku pingsan di sekolah karena belum sarapan").cues
    for past in ("dulu aku pernah dipukul suami sampai pingsan", "kemarin hidung adikku berdarah habis ditampar"):
        danger = detect_danger(past)
        assert danger.cues == ["serious_injury"] and danger.level == "high", past


def test_a_kill_threat_pages_now_and_arms_a_weapon() -> None:
    assert detect_danger("suamiku teriak mau bunuh aku sekarang").level == "emergency"
    # A threat told in the past or negated opens a case without paging.
    for lowered in ("dulu dia pernah bilang mau bunuh aku", "dia gak bakal bunuh aku kok"):
        danger = detect_danger(lowered)
        assert danger.cues == ["kill_threat"] and danger.level == "high", lowered
    assert "weapon_threat" in detect_danger("mantan suami ngancam mau bunuh aku sekarang dia bawa pisau").cues


def test_a_child_left_alone_needs_a_child_and_is_lowered_when_a_habit() -> None:
    assert detect_danger("tolong, balita tetangga ditinggal sendirian di kontrakan").level == "emergency"
    # No child named, or the writer left by a spouse: nobody's child is alone.
    for nobody in ("aku ditinggal sendirian di kontrakan", "anakku rewel, aku ditinggal suami sendirian di rumah"):
        assert "child_left_alone" not in detect_danger(nobody).cues, nobody
    danger = detect_danger("dulu adikku sering ditinggal sendirian di rumah")
    assert danger.cues == ["child_left_alone"] and danger.level == "high"


def test_stalking_lets_someone_at_the_door_count_and_a_past_wait_is_lowered() -> None:
    assert "perpetrator_present" not in detect_danger("bapak sekarang ada di depan kamar").cues
    assert detect_danger("bapak mabuk, sekarang ada di depan kamar").level == "emergency"
    # Yesterday's wait at the door, or one told in the past, opens a case without paging.
    for lowered in ("kemarin mantan nunggu di depan rumah lama banget",
                    "dulu dia pernah berdiri di depan pintu kamar aku"):
        danger = detect_danger(lowered)
        assert danger.cues == ["perpetrator_present"] and danger.level == "high", lowered


def test_a_threat_to_burn_or_poison_is_a_kill_threat_lowered_when_past() -> None:
    assert detect_danger("suamiku ngancam mau bakar rumah").level == "emergency"
    danger = detect_danger("dulu dia pernah ngancam mau bakar rumah")
    assert danger.cues == ["kill_threat"] and danger.level == "high"
