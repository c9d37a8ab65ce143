"""Phone and WhatsApp numbers of the services directory: what is accepted, how it is stored and shown."""

from __future__ import annotations

import pytest

from handlers import phones


@pytest.mark.parametrize(("raw", "stored", "shown"), [
    ("0812-3456-7890", "+6281234567890", "0812-3456-7890"),
    ("+62 812 3456 7890", "+6281234567890", "0812-3456-7890"),
    ("6281234567890", "+6281234567890", "0812-3456-7890"),
    ("+62 (812) 3456.7890", "+6281234567890", "0812-3456-7890"),
    ("(021) 555-1234", "+62215551234", "(021) 5551234"),
    ("0251 8312345", "+622518312345", "(0251) 8312345"),
    ("129", "129", "129"),
    ("1500-771", "1500771", "1500-771"),
    ("14045", "14045", "14045"),
    ("0800-1-234567", "08001234567", "0800-1-234567"),
    ("", "", ""),
    ("   ", "", ""),
])
def test_accepted_phone_numbers(raw: str, stored: str, shown: str) -> None:
    checked = phones.check(raw)
    assert (checked.value, checked.error) == (stored, "")
    assert phones.shown(checked.value) == shown
    assert phones.check(shown).value == stored  # what the form shows again is read back the same


@pytest.mark.parametrize(("raw", "whatsapp", "reason"), [
    ("12345", False, "diawali 0, 62, atau +62"),
    ("+1 202 555 0100", False, "diawali 0, 62, atau +62"),
    ("0812-34", False, "10–13 digit"),
    ("0810-1234-5678", False, "0810 tidak dikenal"),  # no operator has 0810: a typo
    ("021-129", False, "tidak valid"),
    ("telp kantor", False, "diawali"),
    ("129", True, "nomor HP atau telepon lengkap"),
    ("1500-771", True, "nomor HP atau telepon lengkap"),
])
def test_refused_numbers_say_why(raw: str, whatsapp: bool, reason: str) -> None:
    checked = phones.check(raw, whatsapp=whatsapp)
    assert checked.value == "" and reason in checked.error, checked


def test_whatsapp_takes_a_full_number() -> None:
    assert phones.check("0812 3456 7890", whatsapp=True).value == "+6281234567890"
