"""Canned replies of the console's chat box, per region (``data/canned_replies.yml``).

The file is read once and checked on load: a malformed entry is an error at start-up, not a broken list in a
counsellor's browser. A case page gets the replies of its region followed by the national ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from handlers.regions import DEFAULT_REGION, resolve_region_name

DATA_FILE = Path(__file__).resolve().parent / "data" / "canned_replies.yml"
MAX_TEXT_CHARS = 300
MAX_TITLE_CHARS = 60
_KEY = re.compile(r"^[a-z0-9_]{2,30}$")


@dataclass(frozen=True)
class CannedReply:
    """One reply: ``key`` is typed after ``/``, ``title`` is listed, ``text`` is inserted to edit."""

    key: str
    title: str
    text: str
    region: str

    def as_dict(self) -> dict[str, str]:
        """The JSON the case page embeds for the chat box's script."""
        return {"key": self.key, "title": self.title, "text": self.text, "region": self.region}


def parse(raw: Any) -> dict[str, tuple[CannedReply, ...]]:
    """Check and convert the file's content; ``ValueError`` names the first bad entry."""
    if not isinstance(raw, dict) or not isinstance(raw.get("regions"), dict):
        raise ValueError("canned replies: a top-level 'regions' mapping is required")
    seen: set[str] = set()
    out: dict[str, tuple[CannedReply, ...]] = {}
    for name, entries in raw["regions"].items():
        # A former key ("depok"), a code ("32.76") or "nasional": stored under the region key cases carry.
        region = resolve_region_name(str(name))
        if region is None:
            raise ValueError(f"canned replies: unknown region {name!r}")
        if not isinstance(entries, list) or not entries:
            raise ValueError(f"canned replies: region {region!r} needs a non-empty list")
        replies = []
        for i, entry in enumerate(entries):
            where = f"canned replies: {region}[{i}]"
            if not isinstance(entry, dict) or set(entry) != {"key", "title", "text"}:
                raise ValueError(f"{where}: exactly 'key', 'title' and 'text' are required")
            key, title, text = (entry["key"], entry["title"], entry["text"])
            if not all(isinstance(v, str) and v.strip() == v and v for v in (key, title, text)):
                raise ValueError(f"{where}: key, title and text must be non-empty trimmed strings")
            if not _KEY.match(key) or key in seen:
                raise ValueError(f"{where}: key {key!r} must be unique, lower case, 2-30 of a-z 0-9 _")
            if len(title) > MAX_TITLE_CHARS or len(text) > MAX_TEXT_CHARS:
                raise ValueError(f"{where}: title ≤ {MAX_TITLE_CHARS} and text ≤ {MAX_TEXT_CHARS} characters")
            seen.add(key)
            replies.append(CannedReply(key, title, text, region))
        out[region] = tuple(replies)
    return out


@lru_cache(maxsize=1)
def load(path: str | None = None) -> dict[str, tuple[CannedReply, ...]]:
    """The replies by region (read once; ``path`` overrides the packaged file for tests)."""
    return parse(yaml.safe_load(Path(path or DATA_FILE).read_text(encoding="utf-8")))


def for_region(region: str) -> list[CannedReply]:
    """The replies a case of ``region`` offers: the region's own first, then the national ones."""
    replies = load()
    own = list(replies.get(region, ())) if region != DEFAULT_REGION else []
    return own + list(replies.get(DEFAULT_REGION, ()))
