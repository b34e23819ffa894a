"""Key figures for one gemeente next to its comparison group: the *in cijfers* block.

``figures_for(session, gemeente)`` gathers the values of the gemeente, its reference
municipalities, its size class, its regional aggregate and Nederland into a ``Figures`` object
that the page, the charts and the portret generator all read. Indices against a base period are
computed here, never stored: a flagged value stays as the source printed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from peerreview.accounts.models import User
from peerreview.conflicts import Conflict
from peerreview.formatting import number_nl
from peerreview.indicators.models import Area, AreaKind, Duiding, Indicator, IndicatorValue, ReferenceGroup, Unit
from peerreview.sanitize import clean_html, plain_text
from peerreview.tenants.models import Gemeente

GROUPS = {
    "context": "Sociaal-economische context",
    "lasten": "Lasten van de jeugdhulp",
    "gebruik": "Gebruik van jeugdhulp",
    "portret": "Cijfers uit eigen bronnen van de gemeente",
}
FLAGS = {
    "bron_inconsistent": "De bron spreekt zichzelf hier tegen",
    "mogelijke_kopieerfout": "Mogelijk een overschrijffout in de bron",
    "eigen_jaarrekening": "Uit de eigen jaarrekening van de gemeente",
    "herberekend_fusie": "Herberekend voor gefuseerde gemeenten",
    "definitie_wijkt_af": "Andere definitie dan het landelijke cijfer",
    "peiljaar_onzeker": "Peiljaar niet zeker",
}
ROLES = {
    "gemeente": "Gemeente",
    "referentie": "Referentiegemeente",
    "grootteklasse": "Grootteklasse",
    "regio": "Regio",
    "nederland": "Nederland",
}
_PERIOD = re.compile(r"^(\d{4})(?:-H([12]))?$")


class IndicatorError(ValueError):
    """Refused input; the message is Dutch."""


# --- periods and values -------------------------------------------------------------------------------


def period_label(period: str) -> str:
    """ "2019" -> "2019"; "2020-H1" -> "1e helft 2020"."""
    match = _PERIOD.match(period)
    if not match:
        return period
    year, half = match.groups()
    return f"{half}e helft {year}" if half else year


def period_sort_key(period: str) -> tuple[int, int]:
    match = _PERIOD.match(period)
    if not match:
        return (0, 0)
    return (int(match.group(1)), int(match.group(2) or 0))


def format_value(indicator: Indicator, value: float | None) -> str:
    if value is None:
        return "—"
    text = number_nl(value, indicator.decimals)
    if indicator.unit is Unit.PERCENT:
        return f"{text} %"
    if indicator.unit is Unit.EURO:
        return f"€ {text}"
    return text


# --- areas -------------------------------------------------------------------------------------------


def sync_gemeente_areas(session: Session) -> int:
    """Every gemeente is an area (its CBS code); returns how many were added."""
    known = set(session.scalars(select(Area.gemeente_id).where(Area.gemeente_id.is_not(None))))
    added = 0
    for gemeente in session.scalars(select(Gemeente)):
        if gemeente.id not in known:
            session.add(
                Area(code=gemeente.cbs_code, name=gemeente.name, kind=AreaKind.GEMEENTE, gemeente_id=gemeente.id)
            )
            added += 1
    session.flush()
    return added


def area_of(session: Session, gemeente: Gemeente) -> Area | None:
    return session.scalar(select(Area).where(Area.gemeente_id == gemeente.id))


# --- the comparison group ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    area: Area
    role: str  # gemeente | referentie | grootteklasse | regio | nederland

    @property
    def role_label(self) -> str:
        return ROLES[self.role]

    @property
    def short_name(self) -> str:
        """For charts: "20.000–50.000 inwoners" rather than "Gemeenten met 20.000–50.000 inwoners"."""
        return self.area.name.removeprefix("Gemeenten met ")


def comparison(session: Session, gemeente: Gemeente) -> tuple[list[Column], ReferenceGroup | None]:
    """The columns of the comparison: the gemeente, its references, size class, region, Nederland.

    Without a chosen reference group the other gemeenten of the same jeugdregio are the references
    (neighbours) and the size class follows from the number of inhabitants."""
    own = area_of(session, gemeente)
    group = session.scalar(
        select(ReferenceGroup)
        .where(ReferenceGroup.gemeente_id == gemeente.id)
        .options(
            selectinload(ReferenceGroup.references),
            joinedload(ReferenceGroup.size_class),
            joinedload(ReferenceGroup.region),
        )
    )
    columns = [Column(own, "gemeente")] if own else []
    if group is not None:
        columns += [Column(a, "referentie") for a in group.references]
        size_class, region = group.size_class, group.region
    else:
        neighbours = (
            session.scalars(
                select(Area)
                .join(Gemeente, Area.gemeente_id == Gemeente.id)
                .where(Gemeente.jeugdregio_id == gemeente.jeugdregio_id, Gemeente.id != gemeente.id)
                .order_by(Area.name)
            ).all()
            if gemeente.jeugdregio_id
            else []
        )
        columns += [Column(a, "referentie") for a in neighbours]
        size_class = session.scalar(
            select(Area).where(Area.kind == AreaKind.GROOTTEKLASSE, Area.name.contains(gemeente.size_class))
        )
        region = None
    if size_class is not None:
        columns.append(Column(size_class, "grootteklasse"))
    if region is not None:
        columns.append(Column(region, "regio"))
    nederland = session.scalar(select(Area).where(Area.kind == AreaKind.NEDERLAND))
    if nederland is not None:
        columns.append(Column(nederland, "nederland"))
    return columns, group


# --- the figures -------------------------------------------------------------------------------------


@dataclass
class Cell:
    value: float | None
    text: str
    flags: list[str] = field(default_factory=list)
    note: str = ""
    computed: bool = False  # an index, computed here from two stored values


@dataclass
class Row:
    indicator: Indicator
    period: str
    label: str
    cells: list[Cell]
    is_index: bool = False

    @property
    def focus(self) -> Cell:
        return self.cells[0]


@dataclass
class Footnote:
    """One explanation (flags and note) and every cell it applies to: a table whose cells share a caveat
    gets one note, not one per cell."""

    number: int
    flags: list[str]
    note: str
    cells: list[tuple[str, str, str, str]] = field(default_factory=list)  # (area, indicator, period, group)

    def text(self, group: str | None = None) -> str:
        """The note for the whole block, or for the cells of one table (``group``)."""
        cells = [c for c in self.cells if group is None or c[3] == group]
        labels = "; ".join(FLAGS.get(f, f) for f in self.flags)
        note = f" {self.note}" if self.note else ""
        if len(cells) == 1:
            area, indicator, period, _ = cells[0]
            return f"{area}, {indicator}, {period_label(period)}: {labels}.{note}"
        by_area: dict[str, list[str]] = {}
        for area, indicator, period, _ in cells:
            by_area.setdefault(area, []).append(f"{indicator}, {period_label(period)}")
        where = " ".join(f"{area}: {'; '.join(items)}." for area, items in by_area.items())
        return f"{labels}.{note} Geldt voor {where}"


class FootnoteBook:
    """Numbers the explanations of flagged values as a table is filled: values that share their flags and
    note share one footnote (⚠1, ⚠2, ...), which lists every cell it applies to. The *in cijfers* block and
    the network's figures page both fill their tables through it."""

    def __init__(self) -> None:
        self.footnotes: list[Footnote] = []
        self._by_text: dict[tuple[tuple[str, ...], str], Footnote] = {}
        self._noted: set[int] = set()

    def cell(self, stored_value: IndicatorValue, indicator: Indicator, area_name: str) -> Cell:
        """The value as a table cell: formatted, with its footnote mark when it is flagged."""
        text = format_value(indicator, stored_value.value)
        if stored_value.flags:
            key = (tuple(stored_value.flags), stored_value.note)
            if key not in self._by_text:
                self._by_text[key] = Footnote(len(self.footnotes) + 1, list(stored_value.flags), stored_value.note)
                self.footnotes.append(self._by_text[key])
            footnote = self._by_text[key]
            if stored_value.id not in self._noted:
                self._noted.add(stored_value.id)
                footnote.cells.append((area_name, indicator.short_name, stored_value.period, indicator.group))
            text += f" ⚠{footnote.number}"
        return Cell(stored_value.value, text, list(stored_value.flags), stored_value.note)


@dataclass
class Figures:
    gemeente: Gemeente
    columns: list[Column]
    group: ReferenceGroup | None
    indicators: list[Indicator]
    rows_by_group: dict[str, list[Row]]
    series: dict[str, list[str]]  # indicator code -> periods the gemeente has, in order
    base_period: dict[str, str]  # indicator code -> base period of its index
    footnotes: list[Footnote]
    duidingen: dict[str, Duiding]
    values: dict[tuple[str, str, str], IndicatorValue]  # (indicator code, area code, period)

    @property
    def empty(self) -> bool:
        return not any(self.rows_by_group.values())

    def value(self, code: str, area_code: str, period: str) -> IndicatorValue | None:
        return self.values.get((code, area_code, period))

    def sources(self) -> list[tuple[Indicator, list[str]]]:
        """Each indicator shown, with the periods used: for the list of sources."""
        used: dict[str, set[str]] = {}
        for rows in self.rows_by_group.values():
            for row in rows:
                if not row.is_index:
                    used.setdefault(row.indicator.code, set()).add(row.period)
        return [(i, sorted(used[i.code], key=period_sort_key)) for i in self.indicators if i.code in used]


def figures_for(session: Session, gemeente: Gemeente, base_periods: dict[str, str] | None = None) -> Figures:
    columns, group = comparison(session, gemeente)
    indicators = list(session.scalars(select(Indicator).order_by(Indicator.position, Indicator.id)))
    area_ids = [c.area.id for c in columns]
    stored = (
        session.scalars(select(IndicatorValue).where(IndicatorValue.area_id.in_(area_ids))).all() if area_ids else []
    )
    values = {(v.indicator.code, v.area.code, v.period): v for v in stored}
    duidingen = {
        d_code: d
        for d, d_code in session.execute(
            select(Duiding, Indicator.code).join(Indicator).where(Duiding.gemeente_id == gemeente.id)
        )
    }
    focus_code = columns[0].area.code if columns and columns[0].role == "gemeente" else None
    book = FootnoteBook()
    footnotes = book.footnotes

    def cell(indicator: Indicator, column: Column, period: str) -> Cell:
        stored_value = values.get((indicator.code, column.area.code, period))
        if stored_value is None:
            return Cell(None, "—")
        return book.cell(stored_value, indicator, column.area.name)

    focus_periods: dict[str, set[str]] = {}
    for code, area, period in values:
        if area == focus_code:
            focus_periods.setdefault(code, set()).add(period)
    rows_by_group: dict[str, list[Row]] = {key: [] for key in GROUPS}
    series: dict[str, list[str]] = {}
    base_period: dict[str, str] = {}
    for indicator in indicators:
        periods = sorted(focus_periods.get(indicator.code, ()), key=period_sort_key)
        if not periods:
            continue
        series[indicator.code] = periods
        for period in periods:
            cells = [cell(indicator, c, period) for c in columns]
            rows_by_group[indicator.group].append(
                Row(indicator, period, f"{indicator.short_name}, {period_label(period)}", cells)
            )
        if len(periods) > 1 and indicator.unit in (Unit.PERCENT, Unit.EURO, Unit.COUNT):
            wanted = (base_periods or {}).get(indicator.code)
            base = wanted if wanted in periods[:-1] else periods[0]
            base_period[indicator.code] = base
            latest = periods[-1]
            cells = []
            for c in columns:
                before = values.get((indicator.code, c.area.code, base))
                after = values.get((indicator.code, c.area.code, latest))
                if before is None or after is None or before.value == 0:
                    cells.append(Cell(None, "—", computed=True))
                    continue
                index = after.value / before.value * 100
                flags = [*before.flags, *after.flags]
                cells.append(Cell(index, number_nl(index, 0) + (" ⚠" if flags else ""), flags, computed=True))
            rows_by_group[indicator.group].append(
                Row(
                    indicator,
                    latest,
                    f"Index {indicator.short_name.lower()} {period_label(latest)} ({period_label(base)} = 100)",
                    cells,
                    is_index=True,
                )
            )
    return Figures(
        gemeente=gemeente,
        columns=columns,
        group=group,
        indicators=indicators,
        rows_by_group={k: v for k, v in rows_by_group.items() if v},
        series=series,
        base_period=base_period,
        footnotes=footnotes,
        duidingen=duidingen,
        values=values,
    )


# --- duiding ---------------------------------------------------------------------------------------


def save_duiding(
    session: Session, actor: User, gemeente: Gemeente, indicator: Indicator, html: str, base_revision: int
) -> Duiding | None:
    """Store the gemeente's interpretation of a figure; refused when someone saved in between.
    An empty text removes it (returns None)."""
    text = clean_html(html)
    current = session.scalar(
        select(Duiding).where(Duiding.gemeente_id == gemeente.id, Duiding.indicator_id == indicator.id)
    )
    if (current.revision if current else 0) != base_revision:
        if current is None:
            raise IndicatorError("Deze duiding is intussen verwijderd. Je tekst staat hieronder; sla hem opnieuw op.")
        raise Conflict(current)
    if not plain_text(text).strip():
        if current is not None:
            session.delete(current)
            session.flush()
        return None
    if current is None:
        current = Duiding(gemeente_id=gemeente.id, indicator_id=indicator.id, text=text, updated_by_id=actor.id)
        session.add(current)
    else:
        current.text, current.revision, current.updated_by_id = text, current.revision + 1, actor.id
        from peerreview.db import utcnow

        current.updated_at = utcnow()
    session.flush()
    return current


def without_duiding(figures: Figures) -> list[tuple[str, list[tuple[str, str]]]]:
    """The figures shown that have no duiding yet, per table: the choices of the page's one
    "Duiding toevoegen" form (instead of an empty block under every figure)."""
    choices: list[tuple[str, list[tuple[str, str]]]] = []
    for key, rows in figures.rows_by_group.items():
        seen: dict[str, str] = {}
        for row in rows:
            if not row.is_index and row.indicator.code not in figures.duidingen:
                seen.setdefault(row.indicator.code, row.indicator.short_name)
        if seen:
            choices.append((GROUPS[key], list(seen.items())))
    return choices


def chart_data(figures: Figures) -> list[dict[str, Any]]:
    """The charts of the block, as plain data (the portret stores them in its versions)."""
    charts: list[dict[str, Any]] = []
    for indicator in figures.indicators:
        periods = figures.series.get(indicator.code)
        if not periods or indicator.group == "portret":
            continue
        source = f"Bron: {indicator.source}."
        if len(periods) == 1:
            period = periods[0]
            bars = []
            for column in figures.columns:
                v = figures.value(indicator.code, column.area.code, period)
                if v is not None:
                    bars.append(
                        {"label": column.short_name, "role": column.role, "value": v.value, "flagged": bool(v.flags)}
                    )
            charts.append(
                {
                    "kind": "bars",
                    "indicator": indicator.code,
                    "title": f"{indicator.short_name}, {period_label(period)}",
                    "unit": indicator.unit.value,
                    "decimals": indicator.decimals,
                    "bars": bars,
                    "source": f"{source} Periode: {period_label(period)}.",
                    "periods": [period],
                }
            )
            continue
        lines = []
        for column in figures.columns:
            points = [
                {"period": p, "label": period_label(p), "value": v.value, "flagged": bool(v.flags)}
                for p in periods
                if (v := figures.value(indicator.code, column.area.code, p)) is not None
            ]
            if len(points) > 1:
                lines.append({"label": column.short_name, "role": column.role, "points": points})
        charts.append(
            {
                "kind": "lines",
                "indicator": indicator.code,
                "title": f"{indicator.short_name}, {period_label(periods[0])} tot {period_label(periods[-1])}",
                "unit": indicator.unit.value,
                "decimals": indicator.decimals,
                "lines": lines,
                "source": f"{source} Periodes: {', '.join(period_label(p) for p in periods)}.",
                "periods": periods,
            }
        )
        base = figures.base_period.get(indicator.code)
        index_row = next(
            (r for r in figures.rows_by_group.get(indicator.group, []) if r.is_index and r.indicator is indicator), None
        )
        if base and index_row is not None:
            bars = [
                {"label": c.short_name, "role": c.role, "value": cell.value, "flagged": bool(cell.flags)}
                for c, cell in zip(figures.columns, index_row.cells, strict=True)
                if cell.value is not None
            ]
            charts.append(
                {
                    "kind": "bars",
                    "indicator": indicator.code,
                    "title": index_row.label,
                    "unit": "index",
                    "decimals": 0,
                    "bars": bars,
                    "baseline": 100,
                    "source": f"{source} Index berekend uit de percentages van {period_label(base)} en "
                    f"{period_label(periods[-1])}.",
                    "periods": [base, periods[-1]],
                }
            )
    return charts


def block_data(figures: Figures) -> dict[str, Any]:
    """The whole *in cijfers* block as plain data: the page renders it, the portret keeps it."""
    return {
        "gemeente": figures.gemeente.name,
        "columns": [{"name": c.area.name, "role": c.role, "role_label": c.role_label} for c in figures.columns],
        "groups": [
            {
                "key": key,
                "title": GROUPS[key],
                "rows": [
                    {
                        "label": r.label,
                        "name": r.indicator.short_name,
                        "cells": [c.text for c in r.cells],
                        "is_index": r.is_index,
                        "code": r.indicator.code,
                    }
                    for r in rows
                ],
                "footnotes": [
                    f"⚠{f.number} {f.text(key)}" for f in figures.footnotes if any(c[3] == key for c in f.cells)
                ],
            }
            for key, rows in figures.rows_by_group.items()
        ],
        "charts": chart_data(figures),
        "footnotes": [f"⚠{f.number} {f.text()}" for f in figures.footnotes],
        "sources": [
            {"code": i.code, "name": i.name, "source": i.source, "periods": [period_label(p) for p in periods]}
            for i, periods in figures.sources()
        ],
        "reference_note": figures.group.note if figures.group else "",
    }
