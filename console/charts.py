"""Charts of the figures page: Vega-Lite specs built with altair, rendered to SVG on the server by vl-convert.

Rendering on the server means no chart script in the browser (the console's CSP allows only its own script,
and agencies' networks are often closed): the page embeds the SVG. Charts are drawn from the same protected
``Table`` labels as the tables and CSV files, so a hidden count ("<5", "×") is hidden in the chart too: it is
drawn as its label, never as a bar or colour of its true size. Rendered SVGs are kept by spec (``render``), so
only figures that changed are drawn again.
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
    return render(chart.to_json(validate=False))


@lru_cache(maxsize=256)
def render(spec: str) -> str:
    """SVG of a Vega-Lite spec. A chart is a pure function of its spec (the protected counts included), so the
    same figures are drawn once: rendering costs tens of milliseconds a chart, the page's largest share."""
    return str(vlc.vegalite_to_svg(spec))


def heatmap(table: Table, *, title: str, row_title: str, col_labels: Mapping[str, str] | None = None) -> str:
    """A rows × columns grid shaded by count, each cell labelled with its (protected) count; SVG text."""
    names = col_labels or {}
    data = [{"row": r, "col": names.get(c, c), "value": _value(table.cells[i][j]), "label": table.cells[i][j]}
            for i, r in enumerate(table.rows) for j, c in enumerate(table.cols)]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("col:N", title=None, sort=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("row:N", title=row_title, sort=None))
    rects = base.mark_rect(stroke="#ffffff").encode(
        color=alt.Color("value:Q", title="Kasus", scale=alt.Scale(scheme="blues")))
    text = base.mark_text(fontSize=11, color="#111111").encode(text="label:N")
    return _svg((rects + text).properties(title=title, width=max(240, 70 * len(table.cols)),
                                          height=max(40, 22 * len(table.rows))))


def bars(table: Table, *, title: str, x_title: str, labels: Mapping[str, str] | None = None) -> str:
    """One bar per column of a one-row table, labelled with its (protected) count; hidden counts get no bar."""
    names = labels or {}
    data: list[dict[str, Any]] = [{"key": names.get(c, c), "value": _value(table.cells[0][j]) or 0,
                                   "label": table.cells[0][j]} for j, c in enumerate(table.cols)]
    base = alt.Chart(alt.Data(values=data)).encode(x=alt.X("key:N", title=x_title, sort=None,
                                                           axis=alt.Axis(labelAngle=-30)))
    chart = base.mark_bar(color=_COLOR).encode(y=alt.Y("value:Q", title="Kasus")) + base.mark_text(
        dy=-6, color="#111111").encode(y="value:Q", text="label:N")
    return _svg(chart.properties(title=title, width=max(240, 40 * len(table.cols)), height=180))
