"""Gazetteer of the seed regions (city / kecamatan / kelurahan names -> region key) and services directory.

The data lives in ``handlers/data/regions.yml`` and is loaded once, lazily (:func:`load_regions`), never at
import time. Region keys: ``depok``, ``payakumbuh``, ``pekalongan_kota``, ``pekalongan_kab``, ``kukar`` and
``nasional`` (the default: SAPA 129).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

DATA_FILE = Path(__file__).parent / "data" / "regions.yml"
DEFAULT_REGION = "nasional"

Level = Literal["city", "kecamatan", "kelurahan"]
_LEVEL_RANK = {"city": 0, "kecamatan": 1, "kelurahan": 2}

# Facts the bot may always state (PRODUCT.md): the national fallback for any empty directory field.
SAPA_PHONE = "129 / 021-129"
SAPA_WHATSAPP = "08111-129-129"

# Words that make a short, ambiguous place name ("Limo", "Beji", "Doro") count as a place.
_CONTEXT = r"(?:kecamatan|kec|kelurahan|kel|desa|di|daerah|wilayah|dekat|sekitar|kampung|dusun)"


@dataclass(frozen=True)
class RegionMatch:
    """A place found in a message: the region key, the place as written in the gazetteer, and its level."""

    region: str
    place: str
    level: Level


@dataclass(frozen=True)
class Service:
    """One entry of a region's services directory. Empty contact fields fall back to SAPA 129."""

    name: str
    kind: str = ""
    phone: str = ""
    whatsapp: str = ""
    address: str = ""
    hours: str = ""

    def __str__(self) -> str:
        parts = [self.name]
        if self.address:
            parts.append(self.address)
        if self.phone or self.whatsapp:
            if self.phone:
                parts.append(f"telp {self.phone}")
            if self.whatsapp:
                parts.append(f"WA {self.whatsapp}")
        else:
            # No invented numbers: point to the national line that routes to the region's UPTD PPA.
            parts.append(f"kontak lewat SAPA 129 (telp {SAPA_PHONE}, WA {SAPA_WHATSAPP})")
        if self.hours:
            parts.append(self.hours)
        return " — ".join(parts)


@dataclass(frozen=True)
class Region:
    """A region of the gazetteer."""

    key: str
    label: str
    names: tuple[str, ...]
    kecamatan: tuple[str, ...]
    kelurahan: tuple[str, ...]
    strict: frozenset[str]
    services: tuple[Service, ...]


def _simple(text: str) -> str:
    """Lowercase ASCII words separated by single spaces (no slang expansion: "Muara Wis" must survive)."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Cf", "Cc"))
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@lru_cache(maxsize=1)
def load_regions(path: str | None = None) -> dict[str, Region]:
    """Load the gazetteer (once; cached). ``path`` overrides the packaged ``regions.yml`` for tests."""
    raw: dict[str, Any] = yaml.safe_load(Path(path or DATA_FILE).read_text(encoding="utf-8"))
    regions: dict[str, Region] = {}
    for key, r in (raw.get("regions") or {}).items():
        services = tuple(
            Service(**{k: str(v or "") for k, v in s.items() if k in Service.__dataclass_fields__})
            for s in r.get("services") or []
        )
        regions[key] = Region(
            key=key,
            label=str(r.get("label") or key),
            names=tuple(r.get("names") or ()),
            kecamatan=tuple(r.get("kecamatan") or ()),
            kelurahan=tuple(r.get("kelurahan") or ()),
            strict=frozenset(_simple(n) for n in r.get("strict") or ()),
            services=services,
        )
    return regions


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern[str]
    strict_pattern: re.Pattern[str] | None
    table: dict[str, tuple[str, str, Level]]


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    """One alternation of all place names, longest first ("pekalongan barat" before "pekalongan")."""
    table: dict[str, tuple[str, str, Level]] = {}
    strict: set[str] = set()
    for region in load_regions().values():
        for level, names in (("city", region.names), ("kecamatan", region.kecamatan),
                             ("kelurahan", region.kelurahan)):
            for name in names:
                norm = _simple(name)
                if norm and norm not in table:
                    table[norm] = (region.key, name, level)  # type: ignore[assignment]
                    if norm in region.strict:
                        strict.add(norm)
    loose = sorted((n for n in table if n not in strict), key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in loose) + r")\b")
    strict_pattern = None
    if strict:
        alternation = "|".join(re.escape(n) for n in sorted(strict, key=len, reverse=True))
        strict_pattern = re.compile(r"\b" + _CONTEXT + r" (" + alternation + r")\b")
    return _Matcher(pattern, strict_pattern, table)


def find_region(text: str) -> RegionMatch | None:
    """The most specific seed-region place named in ``text`` (kelurahan > kecamatan > city), or None.

    Short names that are also common words (Limo, Beji, Doro, Talun, Bojong...) only count after a context
    word such as "kecamatan", "kelurahan", "desa" or "di".
    """
    norm = _simple(text)
    if not norm:
        return None
    m = _matcher()
    hits: list[RegionMatch] = []
    for found in m.pattern.finditer(norm):
        key, place, level = m.table[found.group(1)]
        hits.append(RegionMatch(key, place, level))
    if m.strict_pattern is not None:
        for found in m.strict_pattern.finditer(norm):
            key, place, level = m.table[found.group(1)]
            hits.append(RegionMatch(key, place, level))
    if not hits:
        return None
    # Prefer the most specific level; among equals, the first mentioned (stable sort keeps order).
    return max(hits, key=lambda h: _LEVEL_RANK[h.level])


_KAB = {"kab", "kabupaten", "pemkab", "regency"}
_KOTA = {"kota", "pemkot", "city", "kotamadya"}


def resolve_region_name(name: str) -> str | None:
    """Resolve a region as staff write it ("Depok", "Kota Payakumbuh", "Kukar", "kab. pekalongan") to its key.

    Returns None when the name is unknown or ambiguous: a bare "Pekalongan" could be the city or the regency,
    so staff must say "Kota Pekalongan" or "Kab. Pekalongan".
    """
    norm = _simple(name)
    if not norm:
        return None
    regions = load_regions()
    key_form = norm.replace(" ", "_")
    if key_form in regions:
        return key_form
    if norm in ("national", "nasional", "sapa", "sapa 129", "pusat"):
        return DEFAULT_REGION
    words = norm.split()
    if "pekalongan" in words:
        if _KAB & set(words):
            return "pekalongan_kab"
        if _KOTA & set(words):
            return "pekalongan_kota"
        return None
    for region in regions.values():
        for city in region.names:
            if _simple(city) == norm:
                return region.key
    stripped = " ".join(w for w in words if w not in _KAB | _KOTA)
    for region in regions.values():
        for city in region.names:
            if _simple(city) == stripped:
                return region.key
    return None


def region_label(key: str) -> str:
    """Human label of a region key ("Kota Depok"); the key itself when unknown."""
    region = load_regions().get(key)
    return region.label if region else key


def directory_for(key: str | None) -> list[Service]:
    """Services of a region, always ending with the national SAPA 129 entry (the fallback for empty fields)."""
    regions = load_regions()
    national = list(regions[DEFAULT_REGION].services) if DEFAULT_REGION in regions else []
    region = regions.get(key or DEFAULT_REGION)
    if region is None or region.key == DEFAULT_REGION:
        return national
    return [*region.services, *national]
