"""Charts of the figures page: Vega-Lite specs built with altair, rendered to SVG on the server by vl-convert.

Rendering on the server means no chart script in the browser (the console's CSP allows only its own script,
and agencies' networks are often closed): the page embeds the SVG. Charts are drawn from the same protected
``Table`` labels as the tables and CSV files, so a hidden count ("<5", "×") is hidden in the chart too: it is
drawn as its label, never as a bar or colour of its true size. Drawn SVGs are kept by their labels, so only
figures that changed are drawn again.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import altair as alt
import vl_convert as vlc

from storage.disclosure import Table

_COLOR = "#1f5f8b"


def _value(label: str) -> int | None:
    return int(label) if label.isdigit() else None


def _svg(chart: alt.TopLevelMixin) -> str:
    return str(vlc.vegalite_to_svg(chart.to_json(validate=False)))


def clear_cache() -> None:
    """Forget every drawn chart (the benchmark's "drawn anew" case)."""
    _heatmap.cache_clear()
    _bars.cache_clear()


def _frozen(table: Table, labels: Mapping[str, str] | None) -> tuple[Any, ...]:
    return (tuple(table.rows), tuple(table.cols), tuple(map(tuple, table.cells)), tuple(sorted((labels or {}).items())))


def heatmap(table: Table, *, title: str, row_title: str, col_labels: Mapping[str, str] | None = None) -> str:
    """A rows × columns grid shaded by count, each cell labelled with its (protected) count; SVG text."""
    return _heatmap(_frozen(table, col_labels), title, row_title)


def bars(table: Table, *, title: str, x_title: str, labels: Mapping[str, str] | None = None) -> str:
    """One bar per column of a one-row table, labelled with its (protected) count; hidden counts get no bar."""
    return _bars(_frozen(table, labels), title, x_title)


# Charts are pure functions of their (protected) labels: the same figures are drawn once, skipping even the
# building of the spec (altair's objects cost tens of milliseconds a page).
@lru_cache(maxsize=256)
def _heatmap(frozen: tuple[Any, ...], title: str, row_title: str) -> str:
    rows, cols, cells, pairs = frozen
    return _draw_heatmap(rows, cols, cells, title=title, row_title=row_title, col_labels=dict(pairs))


@lru_cache(maxsize=256)
def _bars(frozen: tuple[Any, ...], title: str, x_title: str) -> str:
    _, cols, cells, pairs = frozen
    return _draw_bars(cols, cells[0], title=title, x_title=x_title, labels=dict(pairs))


Cells = tuple[tuple[str, ...], ...]


def _draw_heatmap(rows: tuple[str, ...], cols: tuple[str, ...], cells: Cells, *, title: str, row_title: str,
                  col_labels: Mapping[str, str]) -> str:
    data = [{"row": r, "col": col_labels.get(c, c), "value": _value(cells[i][j]), "label": cells[i][j]}
            for i, r in enumerate(rows) for j, c in enumerate(cols)]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("col:N", title=None, sort=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("row:N", title=row_title, sort=None))
    rects = base.mark_rect(stroke="#ffffff").encode(
        color=alt.Color("value:Q", title="Kasus", scale=alt.Scale(scheme="blues")))
    text = base.mark_text(fontSize=11, color="#111111").encode(text="label:N")
    return _svg((rects + text).properties(title=title, width=max(240, 70 * len(cols)),
                                          height=max(40, 22 * len(rows))))


def _draw_bars(cols: tuple[str, ...], cells: tuple[str, ...], *, title: str, x_title: str,
               labels: Mapping[str, str]) -> str:
    data: list[dict[str, Any]] = [{"key": labels.get(c, c), "value": _value(cells[j]) or 0, "label": cells[j]}
                                  for j, c in enumerate(cols)]
    base = alt.Chart(alt.Data(values=data)).encode(x=alt.X("key:N", title=x_title, sort=None,
                                                           axis=alt.Axis(labelAngle=-30)))
    chart = base.mark_bar(color=_COLOR).encode(y=alt.Y("value:Q", title="Kasus")) + base.mark_text(
        dy=-6, color="#111111").encode(y="value:Q", text="label:N")
    return _svg(chart.properties(title=title, width=max(240, 40 * len(cols)), height=180))
