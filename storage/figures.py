"""Figures for the agencies: counts and response times over the cases a viewer's aggregates may cover.

Every number is computed by the database (GROUP BY, window functions for percentiles), never by looping over
cases in Python, and every query is limited by ``crud.aggregate_scope`` (the one rule of whose counts a viewer
may see). What leaves this module for a statistician has already been through ``storage.disclosure`` (the
small-count rule): raw counts of small cells never reach a route, a template, a chart or a download.

Place: ``cases.place_code`` is the most specific Kemendagri code known; Kemendagri codes have fixed widths
(``PP.KK`` regency/city, ``PP.KK.CC`` kecamatan, ``PP.KK.CC.DDDD`` village), so a case's kecamatan is the first
8 characters of a code at least that long. Times are grouped by month in WIB (Asia/Jakarta).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select, tuple_
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from storage import crud, disclosure
from storage.disclosure import Table
from storage.models import (
    AGE_GROUPS,
    VIOLENCE_TYPES,
    Case,
    EscalationAttempt,
    Staff,
)

WIB: Final = ZoneInfo("Asia/Jakarta")
REGENCY_CODE: Final = re.compile(r"^\d{2}\.\d{2}$")
KECAMATAN_LEN: Final = 8  # "32.76.01"
REGENCY_LEN: Final = 5  # "32.76"
SEX_KEYS: Final = ("female", "male", "unknown")
CHANNEL_KEYS: Final = ("telegram", "whatsapp", "web", "unknown")
#: Open cases by how long they have been open: (label, lower bound, upper bound or None).
OPEN_AGE_BUCKETS: Final = (
    ("< 1 hari", timedelta(0), timedelta(days=1)),
    ("1–3 hari", timedelta(days=1), timedelta(days=3)),
    ("3–7 hari", timedelta(days=3), timedelta(days=7)),
    ("7–30 hari", timedelta(days=7), timedelta(days=30)),
    ("> 30 hari", timedelta(days=30), None),
)
UNKNOWN_KECAMATAN: Final = "(kecamatan belum diketahui)"


@dataclass(frozen=True)
class Period:
    """Dates in WIB, both included."""

    start: date
    end: date

    def bounds(self) -> tuple[datetime, datetime]:
        """The UTC instants [start 00:00 WIB, day after end 00:00 WIB)."""
        lo = datetime.combine(self.start, time(), WIB).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time(), WIB).astimezone(UTC)
        return lo, hi


@dataclass(frozen=True)
class Percentiles:
    """p50/p90 of a duration in seconds over ``n`` cases (None: no case, or too few to show)."""

    label: str
    p50: float | None
    p90: float | None
    n: str  # the number of cases measured, as shown (protected)


@dataclass(frozen=True)
class Response:
    """How fast the hotline answered, over the cases of the filter."""

    durations: list[Percentiles]
    timed_out_pages: str
    past_deadline: str
    deadline_cases: str
    open_by_age: Table


@dataclass(frozen=True)
class Figures:
    """Everything the figures page shows (labels already protected when ``protected``)."""

    period: Period
    regency: str | None
    protected: bool
    type_by_kecamatan: Table  # rows: kecamatan names, cols: violence types
    kecamatan_codes: list[str | None]  # the code of each row of type_by_kecamatan
    age_sex: Table
    by_month: Table
    by_channel: Table
    response: Response


def valid_regency(code: str | None) -> str | None:
    """A regency/city code like ``"32.76"`` or None (anything else is ignored, never put in SQL)."""
    return code if code is not None and REGENCY_CODE.match(code) else None


def _filters(viewer: Staff, period: Period, regency: str | None) -> list[ColumnElement[bool]]:
    lo, hi = period.bounds()
    where: list[ColumnElement[bool]] = [crud.aggregate_scope(viewer), Case.created_at >= lo, Case.created_at < hi]
    if regency is not None:
        where.append(Case.place_code.like(f"{regency}.%") | (Case.place_code == regency))
    return where


def _kecamatan_key() -> ColumnElement[Any]:
    return sql_case((func.length(Case.place_code) >= KECAMATAN_LEN, func.substr(Case.place_code, 1, KECAMATAN_LEN)),
                    else_=None)


def _month(dialect: str) -> ColumnElement[Any]:
    """The report's month in WIB: a timestamp at the month's start on PostgreSQL (``date_trunc`` costs a fraction
    of ``to_char`` per row), ``"YYYY-MM"`` text on SQLite; ``_month_key`` makes both ``"YYYY-MM"``."""
    if dialect == "postgresql":
        return func.date_trunc("month", func.timezone("Asia/Jakarta", Case.created_at))
    return func.strftime("%Y-%m", Case.created_at, "+7 hours")


def _month_key(value: Any) -> str:
    return value.strftime("%Y-%m") if isinstance(value, datetime) else str(value)


def _seconds(dialect: str, start: Any, end: Any) -> ColumnElement[Any]:
    """``end - start`` in seconds, as SQL."""
    if dialect == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def regencies(session: Session, *, viewer: Staff) -> list[tuple[str, str]]:
    """The regencies/cities (code, name) the viewer's aggregates cover cases of; names from ``cases.city``."""
    code = func.substr(Case.place_code, 1, REGENCY_LEN)
    rows = session.execute(select(code, func.max(Case.city)).where(
        crud.aggregate_scope(viewer), func.length(Case.place_code) >= REGENCY_LEN).group_by(code).order_by(code))
    return [(c, name or c) for c, name in rows if valid_regency(c)]


def _state_counts(now: datetime) -> list[tuple[str, Any]]:
    """Conditional counts over the filtered cases (no grouping): open cases by how long they have been open,
    and UU TPKS deadlines (sexual violence is reported to the police within 3 x 24 h): "past" when the deadline
    went by while the case was open (closed after it, or still open now)."""
    is_open = Case.status.in_(crud.OPEN_STATUSES)
    counts: list[tuple[str, Any]] = [
        (label, func.count().filter(and_(is_open, Case.created_at <= now - lo,
                                         *([Case.created_at > now - hi] if hi else []))))
        for label, lo, hi in OPEN_AGE_BUCKETS]
    past = or_(and_(Case.closed_at.is_(None), Case.police_report_due_at < now),
               Case.closed_at > Case.police_report_due_at)
    counts.append(("deadline", func.count(Case.police_report_due_at)))
    counts.append(("past", func.count().filter(and_(Case.police_report_due_at.is_not(None), past))))
    return counts


Counts = dict[str, dict[tuple[Any, ...], tuple[int, str | None]]]


def _counts(session: Session, where: list[ColumnElement[bool]]) -> Counts:
    """Every breakdown of the page: {breakdown: {key: (count, kecamatan name)}}.

    PostgreSQL counts them all in one scan of the period's cases (GROUPING SETS); SQLite, which has no grouping
    sets, with one GROUP BY per breakdown. The storage tests run both and expect the same numbers.
    """
    kec, vtype, age = _kecamatan_key(), Case.violence_type, Case.victim_age_group
    sex, channel = func.coalesce(Case.victim_sex, "unknown"), func.coalesce(Case.channel, "unknown")
    month = _month(_dialect(session))
    sets: dict[str, tuple[Any, ...]] = {"kecamatan": (kec, vtype), "age_sex": (age, sex), "month": (month,),
                                        "channel": (channel,)}
    out: Counts = {name: {} for name in sets}
    if _dialect(session) == "postgresql":
        cols = [c for group in sets.values() for c in group]
        masks = {sum(1 << (len(cols) - 1 - i) for i, c in enumerate(cols) if not any(c is g for g in group)): name
                 for name, group in sets.items()}
        stmt = (select(*cols, func.max(Case.kecamatan), func.count(), func.grouping(*cols)).select_from(Case)
                .where(*where).group_by(func.grouping_sets(*[tuple_(*g) for g in sets.values()])))
        for row in session.execute(stmt):
            name = masks[row[-1]]
            key = tuple(row[i] for i, c in enumerate(cols) if any(c is g for g in sets[name]))
            out[name][key] = (int(row[-2]), row[-3])
    else:
        for name, group in sets.items():
            stmt = (select(*group, func.max(Case.kecamatan), func.count()).select_from(Case)
                    .where(*where).group_by(*group))
            for row in session.execute(stmt):
                out[name][tuple(row[:len(group)])] = (int(row[-1]), row[-2])
    out["month"] = {(_month_key(k[0]),): v for k, v in out["month"].items()}
    return out


def _type_by_kecamatan(found: dict[tuple[Any, ...], tuple[int, str | None]], protect: bool,
                       ) -> tuple[Table, list[str | None]]:
    names: dict[str | None, str] = {}
    for (code, _), (_, name) in found.items():
        names[code] = names.get(code) or name or (code or UNKNOWN_KECAMATAN)
    order = sorted(names, key=lambda c: (c is None, c or ""))
    matrix = [[found.get((c, t), (0, None))[0] for t in VIOLENCE_TYPES] for c in order]
    labels = [f"{names[c]} ({c})" if c is not None and names[c] != c else names[c] for c in order]
    return disclosure.protect_table(labels, list(VIOLENCE_TYPES), matrix, protect=protect), order


def _two_way(found: dict[tuple[Any, ...], tuple[int, str | None]], rows: tuple[str, ...], cols: tuple[str, ...],
             protect: bool) -> Table:
    matrix = [[found.get((r, c), (0, None))[0] for c in cols] for r in rows]
    return disclosure.protect_table(list(rows), list(cols), matrix, protect=protect)


def _one_way(found: dict[tuple[Any, ...], tuple[int, str | None]], cols: tuple[str, ...], protect: bool,
             row: str = "Kasus") -> Table:
    return disclosure.protect_table([row], list(cols), [[found.get((c,), (0, None))[0] for c in cols]],
                                    protect=protect)


def _months(period: Period) -> tuple[str, ...]:
    out: list[str] = []
    y, m = period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)


def _percentiles(session: Session, where: list[ColumnElement[bool]], protect: bool,
                 measures: list[tuple[str, ColumnElement[Any]]], extra: list[Any],
                 ) -> tuple[list[Percentiles], list[Any]]:
    """Nearest-rank p50 and p90 of each (label, seconds) measure over the filtered cases: the smallest value whose
    cumulative share reaches p. ``percentile_disc`` on PostgreSQL (one pass for every measure; it skips NULLs);
    window functions on SQLite, which has no ordered-set aggregates. The ``extra`` aggregates are computed in the
    same scan on PostgreSQL and returned beside."""
    found: list[tuple[Any, Any, Any]] = []
    if _dialect(session) == "postgresql":
        columns: list[Any] = []
        for _, seconds in measures:
            columns += [func.percentile_disc(0.5).within_group(seconds),
                        func.percentile_disc(0.9).within_group(seconds), func.count(seconds)]
        row = session.execute(select(*columns, *extra).where(*where)).one()  # ``extra`` in the same scan
        found = [(row[i], row[i + 1], row[i + 2]) for i in range(0, len(columns), 3)]
        extra_values = list(row[len(columns):])
    else:
        extra_values = list(session.execute(select(*extra).where(*where)).one())
        for _, seconds in measures:
            durations = select(seconds.label("s")).where(*where, seconds.is_not(None)).subquery()
            ranked = select(durations.c.s, func.row_number().over(order_by=durations.c.s).label("rn"),
                            func.count().over().label("n")).subquery()
            found.append(tuple(session.execute(select(
                func.min(sql_case((ranked.c.rn * 100 >= ranked.c.n * 50, ranked.c.s))),
                func.min(sql_case((ranked.c.rn * 100 >= ranked.c.n * 90, ranked.c.s))),
                func.max(ranked.c.n))).one()))  # type: ignore[arg-type]
    out = []
    for (label, _), (p50, p90, n) in zip(measures, found, strict=True):
        count = int(n or 0)
        shown = disclosure.protect_count(count, protect=protect)
        if count == 0 or not disclosure.enough_for_percentile(count, protect=protect):
            out.append(Percentiles(label, None, None, shown))
        else:
            out.append(Percentiles(label, float(p50), float(p90), shown))
    return out, extra_values


def _response(session: Session, where: list[ColumnElement[bool]], protect: bool, now: datetime) -> Response:
    d = _dialect(session)
    # The bot's own replies are not stored; the first reply a citizen gets from a person is the counsellor's.
    state_counts = _state_counts(now)
    durations, values = _percentiles(session, where, protect, [
        ("Laporan → balasan pertama konselor", _seconds(d, Case.created_at, Case.first_staff_reply_at)),
        ("Panggilan → diambil petugas", _seconds(d, Case.first_paged_at, Case.claimed_at)),
        ("Diambil → pesan pertama konselor", _seconds(d, Case.claimed_at, Case.first_staff_reply_at)),
    ], [c for _, c in state_counts])
    states: dict[tuple[Any, ...], tuple[int, str | None]] = {
        (label,): (int(n or 0), None) for (label, _), n in zip(state_counts, values, strict=True)}
    timed_out = session.scalar(select(func.count()).select_from(EscalationAttempt).join(
        Case, Case.id == EscalationAttempt.case_id).where(*where, EscalationAttempt.timed_out_at.is_not(None))) or 0
    open_table = _one_way(states, tuple(b[0] for b in OPEN_AGE_BUCKETS), protect, row="Kasus terbuka")
    return Response(durations, disclosure.protect_count(int(timed_out), protect=protect),
                    disclosure.protect_count(states[("past",)][0], protect=protect),
                    disclosure.protect_count(states[("deadline",)][0], protect=protect), open_table)


def figures(session: Session, *, viewer: Staff, period: Period, regency: str | None,
            now: datetime, action: str = "figures") -> Figures | None:
    """The figures of ``viewer``'s scope for ``period`` (and one regency/city when given); audited as
    ``action`` (the page, or a download).

    None when the viewer's role sees no figures. Statisticians get protected labels; supervisors plain counts.
    """
    if not viewer.active or viewer.role not in crud.FIGURES_ROLES:
        crud.audit(session, actor=viewer, action="figures_denied", entity="figures", entity_id=None)
        return None
    regency = valid_regency(regency)
    protect = viewer.role != "supervisor"
    where = _filters(viewer, period, regency)
    counts = _counts(session, where)
    type_kec, codes = _type_by_kecamatan(counts["kecamatan"], protect)
    result = Figures(
        period=period, regency=regency, protected=protect, type_by_kecamatan=type_kec, kecamatan_codes=codes,
        age_sex=_two_way(counts["age_sex"], AGE_GROUPS, SEX_KEYS, protect),
        by_month=_one_way(counts["month"], _months(period), protect),
        by_channel=_one_way(counts["channel"], CHANNEL_KEYS, protect),
        response=_response(session, where, protect, now),
    )
    crud.audit(session, actor=viewer, action=action, entity="figures", entity_id=regency,
               detail={"from": period.start.isoformat(), "to": period.end.isoformat(), "protected": protect})
    return result
