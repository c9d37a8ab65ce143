"""The services directory, and the region keys staff and routing use.

``handlers/data/regions.yml`` is the seed: the directory of the five seed regions (Kota Depok, Kota Payakumbuh,
Kota and Kabupaten Pekalongan, Kabupaten Kutai Kartanegara) and of the national line, each with its Kemendagri
code; it is loaded once, lazily (:func:`load_regions`), never at import time. Content editors edit entries and
give any regency/city or province its own in the console (``console/directory.py``); their revisions live in
the database (``storage/directory.py``) and win over the seed. The bot reads them from an in-memory snapshot
(:class:`LiveDirectory`, reloaded when the database's version moves, as the bot texts are), never from the
database in a citizen's turn. A place with no entries of its own gets its regency's UPTD PPA by name (contact
through SAPA 129: no invented numbers) and SAPA 129.

Region keys (``cases.region``, ``staff.region``) are Kemendagri codes of a regency/city ("32.76") or a province
("32"), or ``nasional`` (the default: SAPA 129). The former keys (``depok``, ``pekalongan_kab``...) are still
accepted where a region is typed and mean their code (``places.yml`` ``legacy_keys``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml

from handlers import phones, places
from handlers.live import Live, Slot

DATA_FILE = Path(__file__).parent / "data" / "regions.yml"
DEFAULT_REGION = places.NATIONAL

# Facts the bot may always state (PRODUCT.md): the national fallback for any empty directory field.
SAPA_PHONE = "129 / 021-129"
SAPA_WHATSAPP = "08111-129-129"


_LABELS = {
    "id": {"phone": "telp", "whatsapp": "WA",
           "via_sapa": f"kontak lewat SAPA 129 (telp {SAPA_PHONE}, WA {SAPA_WHATSAPP})"},
    "en": {"phone": "phone", "whatsapp": "WhatsApp",
           "via_sapa": f"contact through SAPA 129 (call {SAPA_PHONE}, WhatsApp {SAPA_WHATSAPP})"},
}


@dataclass(frozen=True)
class Service:
    """One entry of a region's services directory. Empty contact fields fall back to SAPA 129.

    ``phone`` and ``whatsapp`` are as shown to people (0812-3456-7890); ``entry`` is the entry's key within its
    region (the seed's id, or the one the console gave it); an entry that is not ``active`` is not sent.
    """

    name: str
    kind: str = ""
    phone: str = ""
    whatsapp: str = ""
    address: str = ""
    hours: str = ""
    entry: str = ""
    active: bool = True

    def render(self, lang: Literal["id", "en"] = "id") -> str:
        """The entry as one line of the bot's reply."""
        words = _LABELS[lang]
        parts = [self.name]
        if self.address:
            parts.append(self.address)
        if self.phone or self.whatsapp:
            if self.phone:
                parts.append(f"{words['phone']} {self.phone}")
            if self.whatsapp:
                parts.append(f"{words['whatsapp']} {self.whatsapp}")
        else:
            # No invented numbers: point to the national line that routes to the region's UPTD PPA.
            parts.append(words["via_sapa"])
        if self.hours:
            parts.append(self.hours)
        return " — ".join(parts)

    def __str__(self) -> str:
        return self.render("id")


@dataclass(frozen=True)
class Region:
    """A seed region of the directory: its former key, its code (``nasional`` for the national line)."""

    key: str
    code: str
    label: str
    services: tuple[Service, ...]


_SEED_FIELDS = ("name", "kind", "phone", "whatsapp", "address", "hours")


def _seed_service(raw: dict[str, Any]) -> Service:
    """One service of ``regions.yml`` (its ``id`` is the entry's key)."""
    fields = {k: str(raw.get(k) or "") for k in _SEED_FIELDS}
    return Service(**fields, entry=str(raw.get("id") or ""), active=bool(raw.get("active", True)))


@lru_cache(maxsize=1)
def load_regions(path: str | None = None) -> dict[str, Region]:
    """The seed regions by former key (once; cached). ``path`` overrides the packaged ``regions.yml`` for tests."""
    raw: dict[str, Any] = yaml.safe_load(Path(path or DATA_FILE).read_text(encoding="utf-8"))
    regions: dict[str, Region] = {}
    for key, r in (raw.get("regions") or {}).items():
        services = tuple(_seed_service(s) for s in r.get("services") or [])
        code = str(r.get("code") or key)
        if code != DEFAULT_REGION and not places.exists(code):
            raise ValueError(f"regions.yml: {key} has no Kemendagri code ({code!r})")
        ids = [svc.entry for svc in services]
        if not all(ids) or len(set(ids)) != len(ids):
            raise ValueError(f"regions.yml: every service of {key} needs its own id")
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


def seed_of(code: str) -> tuple[Service, ...]:
    """The seed's entries of a region code ("32.76"), none for a region the seed lacks."""
    seed = _by_code().get(code)
    return seed.services if seed is not None else ()


def editable_region(value: str) -> str | None:
    """The regency/city or province code an editor means ("Kota Depok", "32.76", "Jawa Barat", "kec. Cilodong"
    gives its regency), or None: unknown, ambiguous, abroad, or the national line (its numbers are fixed)."""
    code = resolve_region_name(value)
    if code is None or code == DEFAULT_REGION or places.level_of(code) not in (1, 2):
        return None
    return code


# ------------------------------------------------------------------------------------------ live directory


def as_service(fields: Any, entry: str) -> Service:
    """A stored entry (``storage.directory.Entry``) as the bot shows it."""
    return Service(name=fields.name, kind=fields.kind, phone=phones.shown(fields.phone),
                   whatsapp=phones.shown(fields.whatsapp), address=fields.address, hours=fields.hours, entry=entry,
                   active=fields.active)


def merge(seed: Sequence[Service], revisions: Sequence[Any]) -> tuple[Service, ...]:
    """A region's entries in force: the seed's in its order, each replaced by its revision in force if edited,
    then the entries the seed lacks in the order they were added. ``revisions`` are
    ``storage.directory.EntryRevision`` of this region, in the order their keys first appeared."""
    by_key = {r.key: r for r in revisions}
    out = [as_service(by_key[s.entry].entry, s.entry) if s.entry in by_key and by_key[s.entry].entry is not None
           else s for s in seed]
    seed_keys = {s.entry for s in seed}
    out += [as_service(r.entry, r.key) for r in revisions if r.key not in seed_keys and r.entry is not None]
    return tuple(out)


@dataclass
class LiveDirectory(Live):
    """The directory in force in this process: the seed with the database's revisions on top, by region code."""

    # Only regions with a revision; the others are the seed's.
    regions: Mapping[str, tuple[Service, ...]] = field(default_factory=dict)

    slot: ClassVar[Slot[LiveDirectory]] = Slot()
    label: ClassVar[str] = "services directory"

    def _version_query(self) -> Callable[[Any], int]:
        from storage import directory

        return directory.directory_version

    def _load_query(self) -> Callable[[Any], tuple[int, Any]]:
        from storage import directory

        return directory.current_entries

    def _keep(self, loaded: Any) -> None:
        by_region: dict[str, list[Any]] = {}
        for revision in loaded:
            by_region.setdefault(revision.region, []).append(revision)
        self.regions = {code: merge(seed_of(code), revs) for code, revs in by_region.items()}


def entries_of(code: str, live: LiveDirectory | None = None) -> tuple[Service, ...]:
    """Every entry in force of one region code, inactive ones included (the console's list)."""
    live = live if live is not None else LiveDirectory.slot.active()
    if live is not None and code in live.regions:
        return live.regions[code]
    return seed_of(code)


def directory_for(key: str | None, live: LiveDirectory | None = None, *,
                  replace_region: tuple[str, Sequence[Service]] | None = None) -> list[Service]:
    """Services of a region key or place code, always ending with the national SAPA 129 entry.

    A regency/city gives its active entries, then its province's; a province its own. A region with no active
    entry gives its UPTD PPA by name (no invented numbers: contact through SAPA 129) before the province's;
    unknown or national, SAPA 129 alone. ``replace_region`` (code, entries) stands in for one region's entries
    in force (the console's preview of an edit not saved yet).
    """
    def active(code: str) -> list[Service]:
        if replace_region is not None and replace_region[0] == code:
            return [s for s in replace_region[1] if s.active]
        return [s for s in entries_of(code, live) if s.active]

    national = list(seed_of(DEFAULT_REGION))
    code = places.legacy_code(key or "") or key
    team = places.team_of(code)
    if team == DEFAULT_REGION or places.name_of(team) is None:
        return national
    own = active(team)
    if not own:
        province = "Provinsi " if places.level_of(team) == 1 else ""
        own = [Service(name=f"UPTD PPA {province}{places.label(team)}", kind="uptd_ppa")]
    above = active(team.split(".")[0]) if places.level_of(team) == 2 else []
    return [*own, *above, *national]


def with_entry(services: Sequence[Service], candidate: Service) -> list[Service]:
    """``services`` with ``candidate`` in place of the entry of the same key, or added at the end."""
    out = [candidate if s.entry == candidate.entry else s for s in services]
    return out if any(s.entry == candidate.entry for s in services) else [*out, candidate]

