"""The console's figures page, its downloads, and the SIMFONI-PPA export and entry list.

Routes only translate: the numbers, who may see them and the small-count rule come from ``storage.figures``
(aggregates, audited) and ``storage.disclosure``; the case-level export from ``storage.simfoni`` (supervisors
only). Charts are rendered to SVG on the server (``console.charts``), off the event loop.
"""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from openpyxl import Workbook

from console import charts
from console.web import SECURITY_HEADERS, Console, Viewer
from handlers.escalation import AGE_LABEL, VIOLENCE_LABEL
from handlers.staff import Outcome
from storage import crud, disclosure, simfoni
from storage import figures as fig
from storage.disclosure import Table
from storage.models import utcnow

SEX_LABEL: Final = {"female": "perempuan", "male": "laki-laki", "unknown": "belum diketahui"}
CHANNEL_LABEL: Final = {"telegram": "Telegram", "whatsapp": "WhatsApp", "web": "Web", "unknown": "tidak diketahui"}
MAX_DAYS: Final = 366 * 5
XLSX_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Download:
    """One table of the page as a download: file stem, title, the first column's title, column labels."""

    stem: str
    title: str
    row_title: str
    labels: dict[str, str]


DOWNLOADS: Final = {
    "kecamatan": Download("jenis-per-kecamatan", "Jenis kekerasan per kecamatan", "Kecamatan", VIOLENCE_LABEL),
    "umur-jenis-kelamin": Download("umur-jenis-kelamin", "Kelompok umur dan jenis kelamin korban", "Kelompok umur",
                                   SEX_LABEL),
    "bulan": Download("per-bulan", "Kasus per bulan", "", {}),
    "kanal": Download("per-kanal", "Kasus per kanal", "", CHANNEL_LABEL),
    "kasus-terbuka": Download("kasus-terbuka", "Kasus terbuka menurut umur kasus", "", {}),
}


def _table_of(f: fig.Figures, key: str) -> Table:
    return {"kecamatan": f.type_by_kecamatan, "umur-jenis-kelamin": f.age_sex, "bulan": f.by_month,
            "kanal": f.by_channel, "kasus-terbuka": f.response.open_by_age}[key]


def _row_label(key: str, label: str) -> str:
    return AGE_LABEL.get(label, label) if key == "umur-jenis-kelamin" else label


def table_rows(f: fig.Figures, key: str) -> list[list[str]]:
    """A table as the rows of a CSV/XLSX sheet: header, body, totals (the protected labels, as on the page)."""
    d, t = DOWNLOADS[key], _table_of(f, key)
    rows = [[d.row_title, *(d.labels.get(c, c) for c in t.cols), "Total"]]
    rows += [[_row_label(key, r), *t.cells[i], t.row_totals[i]] for i, r in enumerate(t.rows)]
    if len(t.rows) > 1:
        rows.append(["Total", *t.col_totals, t.total])
    return rows


def duration(seconds: float | None) -> str:
    """A duration for people: "45 dtk", "12 mnt", "3,5 jam", "2,0 hari"; "—" when unknown or hidden."""
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f} dtk"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} mnt"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} jam".replace(".", ",")
    return f"{seconds / 86400:.1f} hari".replace(".", ",")


def response_rows(f: fig.Figures) -> list[list[str]]:
    """The response-time table as sheet rows."""
    rows = [["Ukuran", "p50", "p90", "Jumlah kasus"]]
    rows += [[p.label, duration(p.p50), duration(p.p90), p.n] for p in f.response.durations]
    rows.append(["Panggilan yang tidak dijawab (timeout)", "", "", f.response.timed_out_pages])
    rows.append(["Kasus lewat batas UU TPKS 3×24 jam", "", "", f.response.past_deadline])
    rows.append(["Kasus dengan batas UU TPKS", "", "", f.response.deadline_cases])
    return rows


def csv_bytes(rows: list[list[str]]) -> bytes:
    """CSV (UTF-8 with BOM, so spreadsheet programs read the accents)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: list[tuple[str, list[list[str]]]]) -> bytes:
    """An XLSX workbook with one sheet per (title, rows); cells are written as text, never recomputed."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        ws = wb.create_sheet(title[:31])
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse_period(request: Request, today: date) -> tuple[fig.Period, str | None]:
    """The period of the query (``from``, ``to`` as YYYY-MM-DD); the last 12 months by default.

    Bad input is never an error: it falls back to the default and says so.
    """
    default = fig.Period(today - timedelta(days=364), today)
    raw_from, raw_to = request.query_params.get("from"), request.query_params.get("to")
    if not raw_from and not raw_to:
        return default, None
    try:
        start = date.fromisoformat(raw_from or "") if raw_from else default.start
        end = date.fromisoformat(raw_to or "") if raw_to else default.end
    except ValueError:
        return default, "Tanggal tidak dikenali (pakai format TTTT-BB-HH); ditampilkan 12 bulan terakhir."
    if start > end:
        start, end = end, start
    if (end - start).days > MAX_DAYS:
        return fig.Period(end - timedelta(days=MAX_DAYS), end), "Periode dibatasi 5 tahun."
    return fig.Period(start, end), None


def _shade(label: str, top: int) -> str:
    """CSS class of a tile: hidden counts get their own pattern, never a shade of their true size."""
    if not label.isdigit():
        return "tile-hidden"
    value = int(label)
    return "tile-0" if value == 0 or top == 0 else f"tile-{min(5, 1 + (5 * value - 1) // top)}"


def tiles(f: fig.Figures) -> list[dict[str, str]]:
    """The kecamatan tile grid: one tile per known kecamatan, shaded by its (protected) total."""
    t = f.type_by_kecamatan
    known = [(i, code) for i, code in enumerate(f.kecamatan_codes) if code is not None]
    top = max((int(t.row_totals[i]) for i, _ in known if t.row_totals[i].isdigit()), default=0)
    return [{"code": code, "name": t.rows[i].split(" (")[0], "count": t.row_totals[i],
             "shade": _shade(t.row_totals[i], top)} for i, code in known]


def figures_router(console: Console) -> APIRouter:
    """The routes under ``/console/figures`` and ``/console/simfoni``."""
    r = APIRouter(prefix="/console")

    not_found = console.not_found

    async def load(request: Request, viewer: Viewer, action: str) -> tuple[fig.Figures | None, str | None]:
        period, notice = parse_period(request, utcnow().astimezone(fig.WIB).date())
        regency = request.query_params.get("regency") or None
        now = utcnow()
        found = await console.run(lambda s: fig.figures(s, viewer=viewer.staff, period=period, regency=regency,
                                                        now=now, action=action))
        return found, notice

    @r.get("/figures")
    async def figures_page(request: Request) -> HTMLResponse:
        viewer = await console.viewer(request)
        if viewer.staff.role not in crud.FIGURES_ROLES:
            return not_found(viewer)
        f, notice = await load(request, viewer, "figures")
        if f is None:
            return not_found(viewer)
        regencies = await console.run(lambda s: fig.regencies(s, viewer=viewer.staff))
        svgs = await asyncio.to_thread(_charts, f)
        query = request.url.query
        return console.render(
            "figures.html", viewer=viewer, f=f, notice=notice, regencies=regencies, charts=svgs, tiles=tiles(f),
            rows={k: table_rows(f, k) for k in DOWNLOADS}, downloads=DOWNLOADS, response_rows=response_rows(f),
            rule=disclosure.RULE_TEXT, query=("?" + query) if query else "",
            may_export=simfoni.may_export(viewer.staff))

    @r.get("/figures/{name}.csv")
    async def figures_csv(name: str, request: Request) -> Response:
        viewer = await console.viewer(request)
        if viewer.staff.role not in crud.FIGURES_ROLES or (name not in DOWNLOADS and name != "respons"):
            return not_found(viewer)
        f, _ = await load(request, viewer, "figures_csv")
        if f is None:
            return not_found(viewer)
        rows = response_rows(f) if name == "respons" else table_rows(f, name)
        stem = "respons" if name == "respons" else DOWNLOADS[name].stem
        return _file(csv_bytes(rows), "text/csv; charset=utf-8", f"{stem}_{_span(f.period)}.csv")

    @r.get("/figures.xlsx")
    async def figures_xlsx(request: Request) -> Response:
        viewer = await console.viewer(request)
        if viewer.staff.role not in crud.FIGURES_ROLES:
            return not_found(viewer)
        f, _ = await load(request, viewer, "figures_xlsx")
        if f is None:
            return not_found(viewer)
        sheets = [(DOWNLOADS[k].title, table_rows(f, k)) for k in DOWNLOADS] + [("Respons", response_rows(f))]
        data = await asyncio.to_thread(xlsx_bytes, sheets)
        return _file(data, XLSX_TYPE, f"angka_{_span(f.period)}.xlsx")

    # ------------------------------------------------------------------------------------------ SIMFONI-PPA
    @r.get("/simfoni")
    async def simfoni_page(request: Request) -> HTMLResponse:
        viewer = await console.viewer(request)
        cases = await console.run(lambda s: simfoni.not_entered(s, viewer=viewer.staff))
        if cases is None:
            return not_found(viewer)
        period, notice = parse_period(request, utcnow().astimezone(fig.WIB).date())
        regencies = await console.run(lambda s: fig.regencies(s, viewer=viewer.staff))
        query = request.url.query
        return console.take_flash(request, console.render(
            "simfoni.html", viewer=viewer, cases=cases, period=period, notice=notice, regencies=regencies,
            regency=request.query_params.get("regency") or "", query=("?" + query) if query else "",
            columns=simfoni.COLUMNS, not_collected=simfoni.NOT_COLLECTED, flash=console.read_flash(request)))

    async def export(request: Request) -> tuple[list[list[str]], fig.Period] | None:
        viewer = await console.viewer(request)
        period, _ = parse_period(request, utcnow().astimezone(fig.WIB).date())
        regency = request.query_params.get("regency") or None
        found = await console.run(lambda s: simfoni.export_rows(s, viewer=viewer.staff, period=period,
                                                                regency=regency))
        if found is None:
            return None
        header = [h for _, h in simfoni.COLUMNS]
        return [header] + [[row[k] for k, _ in simfoni.COLUMNS] for row in found], period

    @r.get("/simfoni/export.csv")
    async def simfoni_csv(request: Request) -> Response:
        found = await export(request)
        if found is None:
            return not_found(await console.viewer(request))
        rows, period = found
        return _file(csv_bytes(rows), "text/csv; charset=utf-8", f"simfoni-ppa_{_span(period)}.csv")

    @r.get("/simfoni/export.xlsx")
    async def simfoni_xlsx(request: Request) -> Response:
        found = await export(request)
        if found is None:
            return not_found(await console.viewer(request))
        rows, period = found
        data = await asyncio.to_thread(xlsx_bytes, [("SIMFONI-PPA", rows)])
        return _file(data, XLSX_TYPE, f"simfoni-ppa_{_span(period)}.xlsx")

    @r.post("/cases/{code}/simfoni")
    async def simfoni_mark(code: str, request: Request) -> Response:
        viewer = await console.viewer(request)
        data = await console.form(request, viewer)
        result = await console.run(lambda s: simfoni.mark_entered(s, viewer=viewer.staff, code=code,
                                                                  ref=data.get("simfoni_ref", "")[:64]))
        if result is None:
            return not_found(viewer)
        back = f"/console/cases/{code.upper()}" if data.get("back") != "list" else "/console/simfoni"
        return console.flash(RedirectResponse(back, status_code=303), Outcome(result.message, ok=result.ok))

    return r


def _span(period: fig.Period) -> str:
    return f"{period.start.isoformat()}_{period.end.isoformat()}"


def _file(data: bytes, media_type: str, filename: str) -> Response:
    return Response(data, media_type=media_type, headers={
        **SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'})


def _charts(f: fig.Figures) -> dict[str, Markup]:
    """Every chart of the page as inline SVG (the SVG comes from vl-convert, text escaped by it)."""
    return {
        "kecamatan": Markup(charts.heatmap(f.type_by_kecamatan, title="Jenis kekerasan per kecamatan",
                                           row_title="Kecamatan", col_labels=VIOLENCE_LABEL)),
        "umur-jenis-kelamin": Markup(charts.heatmap(
            _relabel_rows(f.age_sex, AGE_LABEL), title="Umur dan jenis kelamin korban", row_title="Kelompok umur",
            col_labels=SEX_LABEL)),
        "bulan": Markup(charts.bars(f.by_month, title="Kasus per bulan", x_title="Bulan")),
        "kanal": Markup(charts.bars(f.by_channel, title="Kasus per kanal", x_title="Kanal", labels=CHANNEL_LABEL)),
        "kasus-terbuka": Markup(charts.bars(f.response.open_by_age, title="Kasus terbuka menurut umur kasus",
                                            x_title="Sudah terbuka")),
    }


def _relabel_rows(t: Table, labels: dict[str, str]) -> Table:
    return Table([labels.get(r, r) for r in t.rows], t.cols, t.cells, t.row_totals, t.col_totals, t.total)
