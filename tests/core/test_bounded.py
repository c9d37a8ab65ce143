"""BoundedDict keeps the newest entries and tells who was dropped."""

from __future__ import annotations

import pytest

from core.bounded import BoundedDict


def test_keeps_the_newest_entries_and_reports_the_dropped_ones() -> None:
    dropped: list[int] = []
    seen: BoundedDict[str, int] = BoundedDict(2, on_evict=dropped.append)
    seen["a"] = 1
    seen["b"] = 2
    assert dropped == []  # at the limit, nothing dropped yet
    seen["c"] = 3
    assert list(seen) == ["b", "c"]
    assert dropped == [1]


def test_setting_an_existing_key_keeps_its_place() -> None:
    seen: BoundedDict[str, int] = BoundedDict(2)
    seen["a"] = 1
    seen["b"] = 2
    seen["a"] = 10
    seen["c"] = 3
    assert dict(seen) == {"b": 2, "c": 3}


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        BoundedDict(0)
