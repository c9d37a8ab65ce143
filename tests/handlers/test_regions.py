"""Tests of the gazetteer and services directory."""

from __future__ import annotations

import pytest

from handlers.regions import directory_for, find_region, load_regions, region_label, resolve_region_name


@pytest.mark.parametrize(
    ("text", "region", "level"),
    [
        ("saya tinggal di Sukmajaya", "depok", "kecamatan"),
        ("rumah saya di kelurahan Abadijaya", "depok", "kelurahan"),
        ("di kecamatan Limo", "depok", "kecamatan"),
        ("di Beji dekat stasiun", "depok", "kecamatan"),
        ("saya di Kota Depok", "depok", "city"),
        ("payakumbuh utara", "payakumbuh", "kecamatan"),
        ("Lamposi Tigo Nagori", "payakumbuh", "kecamatan"),
        ("kec. Pekalongan Barat", "pekalongan_kota", "kecamatan"),
        ("saya di Kajen", "pekalongan_kab", "kecamatan"),
        ("desa di kecamatan Doro", "pekalongan_kab", "kecamatan"),
        ("kab. pekalongan", "pekalongan_kab", "city"),
        ("tinggal di Tenggarong Seberang", "kukar", "kecamatan"),
        ("Sanga-Sanga", "kukar", "kecamatan"),
        ("Muara Wis", "kukar", "kecamatan"),
        ("orang kukar", "kukar", "city"),
        ("KUTAI KARTANEGARA", "kukar", "city"),
    ],
)
def test_find_region(text: str, region: str, level: str) -> None:
    match = find_region(text)
    assert match is not None, text
    assert (match.region, match.level) == (region, level)


@pytest.mark.parametrize(
    "text",
    ["limo ribu rupiah", "doro", "bojong aja", "talun", "", "😭", "saya di Jakarta", "a" * 20000],
)
def test_common_words_and_unknown_places_do_not_match(text: str) -> None:
    assert find_region(text) is None


def test_most_specific_place_wins() -> None:
    match = find_region("Kota Depok, kelurahan Kemiri Muka")
    assert match is not None and match.level == "kelurahan" and match.place == "Kemiri Muka"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Depok", "depok"),
        ("Kota Depok", "depok"),
        ("Kota Payakumbuh", "payakumbuh"),
        ("Kukar", "kukar"),
        ("Kutai Kartanegara", "kukar"),
        ("Kab. Pekalongan", "pekalongan_kab"),
        ("Kabupaten Pekalongan", "pekalongan_kab"),
        ("Kota Pekalongan", "pekalongan_kota"),
        ("pekalongan_kota", "pekalongan_kota"),
        ("nasional", "nasional"),
        ("Pekalongan", None),  # ambiguous: city or regency
        ("Bandung", None),
        ("", None),
    ],
)
def test_resolve_region_name(name: str, key: str | None) -> None:
    assert resolve_region_name(name) == key


def test_directory_has_no_invented_contacts_and_falls_back_to_sapa() -> None:
    regions = load_regions()
    assert set(regions) == {"depok", "payakumbuh", "pekalongan_kota", "pekalongan_kab", "kukar", "nasional"}
    for key, region in regions.items():
        for svc in region.services:
            if key != "nasional":
                assert not svc.phone and not svc.whatsapp and not svc.address
    depok = directory_for("depok")
    names = [s.name for s in depok]
    assert "DP3AP2KB Kota Depok" in names and "Puspaga Harmoni" in names
    assert "SAPA 129" in str(depok[0])  # empty fields fall back to SAPA 129
    assert depok[-1].whatsapp == "08111-129-129"
    assert [s.name for s in directory_for(None)] == [s.name for s in directory_for("nasional")]
    assert directory_for("pekalongan_kab")[-1].phone == "129 / 021-129"
    assert region_label("kukar") == "Kabupaten Kutai Kartanegara"
