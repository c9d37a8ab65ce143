"""The services directory of the seed regions, and the region keys staff and routing use.

``handlers/data/regions.yml`` holds the detailed directory of the four seed regions (Kota Depok, Kota
Payakumbuh, Kota and Kabupaten Pekalongan, Kabupaten Kutai Kartanegara) and of the national line, each with its
Kemendagri code; it is loaded once, lazily (:func:`load_regions`), never at import time. Every other place of
Indonesia comes from the Kemendagri list (:mod:`handlers.places`): its directory is its regency's UPTD PPA (name
only: contact through SAPA 129) and SAPA 129.

Region keys (``cases.region``, ``staff.region``) are Kemendagri codes of a regency/city ("32.76") or a province
("32"), or ``nasional`` (the default: SAPA 129). The former keys (``depok``, ``pekalongan_kab``...) are still
accepted where a region is typed and mean their code (``places.yml`` ``legacy_keys``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from handlers import places

DATA_FILE = Path(__file__).parent / "data" / "regions.yml"
DEFAULT_REGION = places.NATIONAL

# Facts the bot may always state (PRODUCT.md): the national fallback for any empty directory field.
SAPA_PHONE = "129 / 021-129"
SAPA_WHATSAPP = "08111-129-129"


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
    """A seed region of the directory: its former key, its code (``nasional`` for the national line)."""

    key: str
    code: str
    label: str
    services: tuple[Service, ...]


@lru_cache(maxsize=1)
def load_regions(path: str | None = None) -> dict[str, Region]:
    """The seed regions by former key (once; cached). ``path`` overrides the packaged ``regions.yml`` for tests."""
    raw: dict[str, Any] = yaml.safe_load(Path(path or DATA_FILE).read_text(encoding="utf-8"))
    regions: dict[str, Region] = {}
    for key, r in (raw.get("regions") or {}).items():
        services = tuple(
            Service(**{k: str(v or "") for k, v in s.items() if k in Service.__dataclass_fields__})
            for s in r.get("services") or []
        )
        code = str(r.get("code") or key)
        if code != DEFAULT_REGION and not places.exists(code):
            raise ValueError(f"regions.yml: {key} has no Kemendagri code ({code!r})")
        regions[key] = Region(key=key, code=code, label=str(r.get("label") or key), services=services)
    return regions


def _by_code() -> dict[str, Region]:
    return {r.code: r for r in load_regions().values()}


def resolve_region_name(name: str) -> str | None:
    """The region key staff mean ("Depok", "Kota Payakumbuh", "Kukar", "kab. pekalongan", "32.76", "depok").

    A place below a regency (a kecamatan code or name) gives its regency/city: teams are regencies/cities and
    provinces. None when the name is unknown, abroad or ambiguous: a bare "Pekalongan" could be the city or the
    regency, so staff must say "Kota Pekalongan" or "Kab. Pekalongan".
    """
    key = places.region_key(name)
    if key is None or key == DEFAULT_REGION:
        return key
    return places.team_of(key)


def region_label(key: str) -> str:
    """Human label of a region key or place code ("Kota Depok"); the key itself when unknown."""
    return places.label(key)


def directory_for(key: str | None) -> list[Service]:
    """Services of a region key or place code, always ending with the national SAPA 129 entry.

    A seed region gives its detailed directory; any other regency/city or province its UPTD PPA by name (no
    invented numbers: contact through SAPA 129); unknown or national, SAPA 129 alone.
    """
    by_code = _by_code()
    national = list(by_code[DEFAULT_REGION].services) if DEFAULT_REGION in by_code else []
    code = places.legacy_code(key or "") or key
    team = places.team_of(code)
    if team == DEFAULT_REGION or places.name_of(team) is None:
        return national
    seed = by_code.get(team)
    if seed is not None:
        return [*seed.services, *national]
    province = "Provinsi " if places.level_of(team) == 1 else ""
    return [Service(name=f"UPTD PPA {province}{places.label(team)}", kind="uptd_ppa"), *national]
