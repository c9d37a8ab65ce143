"""The small-count rule: the one place that decides which counts a statistician may see.

A small count in a small place can name a victim ("the one sexual-violence case of a child in Cilodong in
March"). So, for viewers who see aggregates only:

- primary suppression: a count from 1 to ``THRESHOLD - 1`` is shown as ``"<5"`` (0 is shown: an empty cell
  names nobody);
- secondary suppression: a table is published with its totals, and a total minus the visible cells gives a
  suppressed cell back. So in every line of the table (each row with its row total, each column with its
  column total, the line of totals with the grand total), a line with exactly one hidden entry gets a second
  one hidden: its smallest visible non-zero entry (a cell, or the total when no cell is left). Repeated until
  no line has a single hidden entry.

Counts are never changed, only hidden: a hidden cell is ``"<5"`` when its count is below the threshold and
``"×"`` (hidden to protect another cell) otherwise. Supervisors, who see the cases themselves, get the plain
numbers (``protect=False``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

THRESHOLD: Final = 5
SMALL: Final = f"<{THRESHOLD}"
COMPLEMENT: Final = "×"
RULE_TEXT: Final = (
    f"Angka 1–{THRESHOLD - 1} ditampilkan sebagai \"{SMALL}\" agar korban tidak dapat dikenali. Bila sebuah baris "
    f"atau kolom hanya memiliki satu sel tersembunyi, satu sel lain (atau totalnya) ikut disembunyikan dan "
    f"ditampilkan sebagai \"{COMPLEMENT}\", supaya sel kecil tidak dapat dihitung ulang dari total."
)


def is_small(n: int) -> bool:
    """Whether ``n`` is a count the rule hides (1 .. THRESHOLD-1)."""
    return 0 < n < THRESHOLD


@dataclass(frozen=True)
class Table:
    """A count table ready to show: cell and total labels (strings), already protected when asked."""

    rows: list[str]
    cols: list[str]
    cells: list[list[str]]
    row_totals: list[str]
    col_totals: list[str]
    total: str


def _label(n: int, hidden: bool) -> str:
    if not hidden:
        return str(n)
    return SMALL if is_small(n) else COMPLEMENT


def protect_table(rows: Sequence[str], cols: Sequence[str], counts: Sequence[Sequence[int]], *,
                  protect: bool) -> Table:
    """Labels for a rows × cols count table with its margins; with ``protect``, the small-count rule applied.

    ``counts[i][j]`` is the count of row ``i``, column ``j``. A one-dimensional table is one row.
    """
    n_rows, n_cols = len(rows), len(cols)
    row_totals = [sum(r) for r in counts]
    col_totals = [sum(counts[i][j] for i in range(n_rows)) for j in range(n_cols)]
    grand = sum(row_totals)
    # The full table with margins: index (i, j) with i == n_rows the totals row, j == n_cols the totals column.
    value = {(i, j): counts[i][j] for i in range(n_rows) for j in range(n_cols)}
    value.update({(i, n_cols): row_totals[i] for i in range(n_rows)})
    value.update({(n_rows, j): col_totals[j] for j in range(n_cols)})
    value[(n_rows, n_cols)] = grand
    hidden = {k for k, v in value.items() if protect and is_small(v)}
    if protect:
        lines = [[(i, j) for j in range(n_cols + 1)] for i in range(n_rows + 1)]
        lines += [[(i, j) for i in range(n_rows + 1)] for j in range(n_cols + 1)]
        changed = True
        while changed:
            changed = False
            for line in lines:
                if sum(1 for k in line if k in hidden) != 1:
                    continue
                # Prefer an inner cell (keeps totals readable), the smallest first.
                candidates = sorted((k for k in line if k not in hidden and value[k] > 0),
                                    key=lambda k: (k[0] == n_rows or k[1] == n_cols, value[k]))
                if candidates:
                    hidden.add(candidates[0])
                    changed = True
    return Table(
        rows=list(rows), cols=list(cols),
        cells=[[_label(counts[i][j], (i, j) in hidden) for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[_label(row_totals[i], (i, n_cols) in hidden) for i in range(n_rows)],
        col_totals=[_label(col_totals[j], (n_rows, j) in hidden) for j in range(n_cols)],
        total=_label(grand, (n_rows, n_cols) in hidden),
    )


def protect_count(n: int, *, protect: bool) -> str:
    """A single published count (no total beside it to subtract from)."""
    return _label(n, protect and is_small(n))


def enough_for_percentile(n: int, *, protect: bool) -> bool:
    """A percentile of fewer than THRESHOLD cases is close to one person's time: hidden from aggregate viewers."""
    return not protect or n >= THRESHOLD
