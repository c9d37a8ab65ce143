"""The small-count rule: primary suppression of 1-4, and no line of a published table with a single hidden entry
(which its total would give back)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.disclosure import COMPLEMENT, SMALL, Table, protect_count, protect_table

# (counts, expected cells, expected row totals, expected column totals, expected grand total)
CASES = [
    ([[0, 7, 12]], [["0", "7", "12"]], ["19"], ["0", "7", "12"], "19"),
    ([[3, 10, 0]], [[SMALL, COMPLEMENT, "0"]], ["13"], [SMALL, COMPLEMENT, "0"], "13"),
    ([[1]], [[SMALL]], [SMALL], [SMALL], SMALL),
    ([[2, 9], [8, 20]], [[SMALL, COMPLEMENT], [COMPLEMENT, COMPLEMENT]], ["11", "28"], ["10", "29"], "39"),
    ([[6, 7], [8, 20]], [["6", "7"], ["8", "20"]], ["13", "28"], ["14", "27"], "41"),
]


@pytest.mark.parametrize(("counts", "cells", "row_totals", "col_totals", "total"), CASES)
def test_protected_table(counts: list[list[int]], cells: list[list[str]], row_totals: list[str],
                         col_totals: list[str], total: str) -> None:
    rows = [f"r{i}" for i in range(len(counts))]
    cols = [f"c{j}" for j in range(len(counts[0]))]
    t = protect_table(rows, cols, counts, protect=True)
    assert (t.cells, t.row_totals, t.col_totals, t.total) == (cells, row_totals, col_totals, total)


def test_unprotected_table_shows_every_count() -> None:
    t = protect_table(["a"], ["x", "y"], [[1, 4]], protect=False)
    assert (t.cells, t.row_totals, t.total) == ([["1", "4"]], ["5"], "5")


def test_single_counts() -> None:
    assert [protect_count(n, protect=True) for n in (0, 1, 4, 5)] == ["0", SMALL, SMALL, "5"]
    assert protect_count(3, protect=False) == "3"


def _lines(t: Table) -> list[list[str]]:
    full = [row + [t.row_totals[i]] for i, row in enumerate(t.cells)] + [t.col_totals + [t.total]]
    return full + [list(col) for col in zip(*full, strict=True)]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5).flatmap(lambda r: st.integers(1, 6).flatmap(
    lambda c: st.lists(st.lists(st.integers(0, 30), min_size=c, max_size=c), min_size=r, max_size=r))))
def test_no_line_gives_a_hidden_cell_back(counts: list[list[int]]) -> None:
    t = protect_table([str(i) for i in range(len(counts))], [str(j) for j in range(len(counts[0]))], counts,
                      protect=True)
    for line in _lines(t):
        hidden = [v for v in line if not v.isdigit()]
        assert len(hidden) != 1, line
    shown = [v for row in t.cells for v in row] + t.row_totals + t.col_totals + [t.total]
    assert not any(v.isdigit() and 0 < int(v) < 5 for v in shown)
