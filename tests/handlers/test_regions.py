"""Tests of the services directory and of the region keys staff type (place finding: test_places.py)."""

from __future__ import annotations

import pytest

from handlers.regions import directory_for, load_regions, region_label, resolve_region_name


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Depok", "32.76"),
        ("Kota Depok", "32.76"),
        ("depok", "32.76"),  # the former key
        ("32.76", "32.76"),
        ("32.76.08", "32.76"),  # a kecamatan code: its regency's team
        ("kec. Cilodong", "32.76"),
        ("Kota Payakumbuh", "13.76"),
        ("Kukar", "64.02"),
        ("Kutai Kartanegara", "64.02"),
        ("Kab. Pekalongan", "33.26"),
        ("Kabupaten Pekalongan", "33.26"),
        ("Kota Pekalongan", "33.75"),
        ("pekalongan_kota", "33.75"),
        ("Jawa Barat", "32"),  # a province's team
        ("32", "32"),
        ("nasional", "nasional"),
        ("Pekalongan", None),  # ambiguous: city or regency
        ("Bandung", None),
        ("99.99", None),  # not a code of the list
        ("Malaysia", None),
        ("", None),
    ],
)
def test_resolve_region_name(name: str, key: str | None) -> None:
    assert resolve_region_name(name) == key


def test_directory_has_no_invented_contacts_and_falls_back_to_sapa() -> None:
    regions = load_regions()
    assert set(regions) == {"depok", "payakumbuh", "pekalongan_kota", "pekalongan_kab", "kukar", "nasional"}
    assert {r.code for r in regions.values()} == {"32.76", "13.76", "33.75", "33.26", "64.02", "nasional"}
    for key, region in regions.items():
        for svc in region.services:
            if key != "nasional":
                assert not svc.phone and not svc.whatsapp and not svc.address
    depok = directory_for("32.76")
    names = [s.name for s in depok]
    assert "DP3AP2KB Kota Depok" in names and "Puspaga Harmoni" in names
    assert "SAPA 129" in str(depok[0])  # empty fields fall back to SAPA 129
    assert depok[-1].whatsapp == "08111-129-129"
    assert [s.name for s in directory_for("depok")] == names  # the former key still works
    assert [s.name for s in directory_for("32.76.08.1001")] == names  # a village of Depok: Depok's directory
    assert [s.name for s in directory_for(None)] == [s.name for s in directory_for("nasional")]
    assert directory_for("33.26")[-1].phone == "129 / 021-129"
    assert region_label("64.02") == "Kabupaten Kutai Kartanegara"
    assert region_label("kukar") == "Kabupaten Kutai Kartanegara"


def test_other_places_get_their_uptd_ppa_by_name_and_sapa_129() -> None:
    garut = directory_for("32.05.01")
    assert [s.name for s in garut] == ["UPTD PPA Kabupaten Garut", "SAPA 129 (KemenPPPA)"]
    assert "kontak lewat SAPA 129" in str(garut[0]) and not garut[0].phone  # no invented number
    assert [s.name for s in directory_for("32")][0] == "UPTD PPA Provinsi Jawa Barat"
    for bad in ("99.99", "unknown", "", "abroad"):
        assert [s.name for s in directory_for(bad)] == ["SAPA 129 (KemenPPPA)"]
