"""Canned replies: every entry of the data file is well-formed (known region, unique key, short, warm, never
blaming), a malformed file is refused, and a case page offers its region's replies and the national ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from console import canned
from handlers.regions import DEFAULT_REGION, load_regions
from tests.console.conftest import ConsoleHarness

# Phrases that put blame or doubt on the person who writes (checked in lower case).
BLAMING = ("salahmu", "salah kamu", "kenapa kamu", "kenapa tidak", "seharusnya kamu", "harusnya kamu",
           "kok bisa", "kamu yakin", "lebay", "berlebihan")
PHONE = re.compile(r"\d{3}[\d\s-]{5,}")


def test_every_canned_reply_is_well_formed() -> None:
    replies = canned.load()
    assert DEFAULT_REGION in replies and len(replies[DEFAULT_REGION]) >= 5
    # Stored under the region keys cases carry (codes), whichever way the file names the region.
    assert set(replies) <= {r.code for r in load_regions().values()}
    keys = [r.key for rs in replies.values() for r in rs]
    assert len(keys) == len(set(keys))
    for region, entries in replies.items():
        for r in entries:
            assert r.region == region
            assert 0 < len(r.title) <= canned.MAX_TITLE_CHARS and 0 < len(r.text) <= canned.MAX_TEXT_CHARS
            low = r.text.lower().replace("bukan salahmu", "")  # saying it is not their fault is the point
            assert not any(b in low for b in BLAMING), r.key
            assert r.text.endswith((".", "?", "!")), r.key
            # Only the public hotlines (112, SAPA 129) may appear as numbers: never a person's phone.
            assert not PHONE.search(r.text), r.key


@pytest.mark.parametrize("broken", [
    {"regions": {"atlantis": [{"key": "halo", "title": "Halo", "text": "Halo."}]}},
    {"regions": {"nasional": [{"key": "halo", "title": "Halo"}]}},
    {"regions": {"nasional": [{"key": "Halo!", "title": "Halo", "text": "Halo."}]}},
    {"regions": {"nasional": [{"key": "halo", "title": "Halo", "text": "x" * 301}]}},
    {"regions": {"nasional": [{"key": "halo", "title": "Halo", "text": "Halo."}],
                 "depok": [{"key": "halo", "title": "Halo lagi", "text": "Halo."}]}},
    {"regions": {"nasional": []}},
    {"replies": []},
])
def test_a_malformed_file_is_refused(broken: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    assert canned.parse(yaml.safe_load(yaml.safe_dump({"regions": {"nasional": [
        {"key": "halo", "title": "Halo", "text": "Halo."}]}})))  # the shape itself is fine
    with pytest.raises(ValueError):
        canned.parse(broken)


async def test_the_case_page_offers_its_regions_replies_and_the_national_ones(ch: ConsoleHarness) -> None:
    counsellor = await ch.account(region="32.76")
    code, _, _ = await ch.desk.open(region="32.76")
    b = await ch.signed_in(counsellor)
    await b.get(f"/console/cases/{code}")
    await b.post(f"/console/cases/{code}/claim")
    page = await b.get(f"/console/cases/{code}")
    m = re.search(r'<script type="application/json" id="canned-data">(.*?)</script>', page.text, re.S)
    assert m, "the chat box carries the replies"
    offered = {r["key"]: r["region"] for r in json.loads(m.group(1))}
    assert offered["uptd_depok"] == "32.76" and offered["salam"] == DEFAULT_REGION
    assert "uptd_payakumbuh" not in offered
    assert list(offered.values())[0] == "32.76"  # the region's own come first


def test_a_region_may_be_named_by_code_or_former_key() -> None:
    parsed = canned.parse({"regions": {"nasional": [{"key": "halo", "title": "Halo", "text": "Halo."}],
                                       "32.05": [{"key": "garut", "title": "Garut", "text": "Halo Garut."}],
                                       "kukar": [{"key": "kukar", "title": "Kukar", "text": "Halo Kukar."}]}})
    assert set(parsed) == {"nasional", "32.05", "64.02"}
