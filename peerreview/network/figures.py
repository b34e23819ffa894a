"""Figures across gemeenten: one indicator for any set of gemeenten and reference groups, as a table (value,
period, index against Nederland, the report's flags as numbered footnotes, exactly as in the *in cijfers*
block) and as server-side SVG (bars, and a scatter against a second indicator with the gemeenten that have a
portret marked); issue 11 item 4.

The figures themselves are public data; which gemeenten are marked as having a portret follows the reader's
library (a definitive portret published in one of the reader's scopes), so the mark never tells a reader
about a portret they could not open. A handful of queries, whatever the number of gemeenten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.definitief.services import published, visible_scopes
from peerreview.formatting import number_nl
from peerreview.indicators.models import Area, AreaKind, Indicator, IndicatorValue, Unit
from peerreview.indicators.services import FLAGS, Cell, FootnoteBook, period_label, period_sort_key
from peerreview.network.context import ContextFilter, GemeenteContext, contexts

SETS = {"portret": "Alle gemeenten met een portret", "alle": "Alle gemeenten", "gekozen": "Alleen de gekozen gemeenten"}
REFERENCE_KINDS = (AreaKind.NEDERLAND, AreaKind.GROOTTEKLASSE, AreaKind.REGIO)
KIND_LABELS = {
    AreaKind.GEMEENTE: "Gemeente",
    AreaKind.NEDERLAND: "Nederland",
    AreaKind.GROOTTEKLASSE: "Grootteklasse",
    AreaKind.REGIO: "Regio",
}
INDEXED_UNITS = (Unit.PERCENT, Unit.EURO, Unit.COUNT)
DEFAULT_INDICATOR = "JH121"
MAX_CHOSEN = 400


@dataclass(frozen=True)
class Choice:
    """What the reader asked for (GET parameters): ``kengetal``, ``periode``, ``tegen`` (a second indicator for
    the scatter) and its ``tegen_periode``, ``set`` (portret | alle | gekozen), ``g`` (gemeente slugs, repeated),
    ``groep`` (area codes of reference groups, repeated) and the context filter."""

    indicator: str | None
    period: str | None
    against: str | None
    against_period: str | None
    set: str
    gemeenten: tuple[str, ...]
    areas: tuple[str, ...]
    context: ContextFilter

    @classmethod
    def from_args(cls, args: Any) -> Choice:
        def one(name: str) -> str | None:
            value = str(args.get(name) or "").strip()[:40]
            return value or None

        def many(name: str) -> tuple[str, ...]:
            values = args.getlist(name) if hasattr(args, "getlist") else list(args.get(name) or [])
            return tuple(dict.fromkeys(str(v).strip()[:120] for v in values if str(v).strip()))[:MAX_CHOSEN]

        chosen_set = one("set")
        return cls(
            indicator=one("kengetal"),
            period=one("periode"),
            against=one("tegen"),
            against_period=one("tegen_periode"),
            set=chosen_set if chosen_set in SETS else "portret",
            gemeenten=many("g"),
            areas=many("groep") if "groep" in args or "kengetal" in args else ("NL01",),
            context=ContextFilter.from_args(args),
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "kengetal": self.indicator,
            "periode": self.period,
            "tegen": self.against,
            "tegen_periode": self.against_period,
            "set": self.set,
            "g": list(self.gemeenten),
            "groep": list(self.areas),
            **self.context.as_args(),
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, [])}


@dataclass
class TableRow:
    name: str
    kind: str  # a KIND_LABELS value
    code: str  # CBS or area code
    slug: str | None  # a gemeente's
    has_portret: bool
    cell: Cell | None
    index: str  # against Nederland, "—" when there is none
    index_value: float | None
    against: Cell | None = None

    @property
    def is_gemeente(self) -> bool:
        return self.slug is not None


@dataclass
class Result:
    indicators: list[Indicator]
    indicator: Indicator | None
    period: str | None
    periods: list[str]
    against: Indicator | None
    against_period: str | None
    against_periods: list[str]
    rows: list[TableRow]
    footnotes: list[str]
    charts: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    reference_areas: list[Area]
    gemeenten: list[GemeenteContext]
    options: dict[str, list[str]]
    portret_ids: set[int]
    missing: list[str] = field(default_factory=list)  # gemeenten chosen without a value

    @property
    def indexed(self) -> bool:
        return self.indicator is not None and self.indicator.unit in INDEXED_UNITS


def _periods(session: Session, indicator: Indicator | None) -> list[str]:
    if indicator is None:
        return []
    found = session.scalars(select(IndicatorValue.period).where(IndicatorValue.indicator_id == indicator.id).distinct())
    return sorted(found, key=period_sort_key)


def compute(session: Session, user: Any, choice: Choice) -> Result:
    indicators = list(session.scalars(select(Indicator).order_by(Indicator.position, Indicator.id)))
    by_code = {i.code: i for i in indicators}
    indicator = by_code.get(choice.indicator or DEFAULT_INDICATOR) or (indicators[0] if indicators else None)
    against = by_code.get(choice.against or "") if choice.against != (indicator.code if indicator else None) else None
    periods, against_periods = _periods(session, indicator), _periods(session, against)
    period = choice.period if choice.period in periods else (periods[-1] if periods else None)
    against_period = (
        choice.against_period
        if choice.against_period in against_periods
        else (against_periods[-1] if against_periods else None)
    )
    reference_areas = list(
        session.scalars(select(Area).where(Area.kind.in_(REFERENCE_KINDS)).order_by(Area.kind, Area.name))
    )
    everyone = contexts(session)
    reader = user if user is not None and getattr(user, "is_authenticated", False) else None
    with_portret = {item.gemeente_slug for item in published(session, visible_scopes(reader))}
    portret_ids = {c.gemeente_id for c in everyone.values() if c.slug in with_portret}
    chosen_slugs = set(choice.gemeenten)
    if choice.set == "alle":
        chosen = list(everyone.values())
    elif choice.set == "portret":
        chosen = [c for c in everyone.values() if c.gemeente_id in portret_ids or c.slug in chosen_slugs]
    else:
        chosen = [c for c in everyone.values() if c.slug in chosen_slugs]
    chosen = [c for c in chosen if choice.context.matches(c)]
    wanted_areas = [a for a in reference_areas if a.code in choice.areas]
    nederland = next((a for a in reference_areas if a.kind is AreaKind.NEDERLAND), None)
    result = Result(
        indicators=indicators,
        indicator=indicator,
        period=period,
        periods=periods,
        against=against,
        against_period=against_period,
        against_periods=against_periods,
        rows=[],
        footnotes=[],
        charts=[],
        sources=[],
        reference_areas=reference_areas,
        gemeenten=sorted(everyone.values(), key=lambda c: c.name),
        options=ContextFilter.options(everyone.values()),
        portret_ids=portret_ids,
    )
    if indicator is None or period is None:
        return result
    values = _values(session, indicator, period, against, against_period, chosen, wanted_areas, nederland)
    book = FootnoteBook()
    national = values.get((indicator.id, nederland.id)) if nederland else None
    rows: list[TableRow] = []
    gemeente_area = values.get("gemeente_areas", {})
    for ctx in chosen:
        area_id, area_code = gemeente_area.get(ctx.gemeente_id, (None, ""))
        stored = values.get((indicator.id, area_id)) if area_id else None
        if stored is None:
            result.missing.append(ctx.name)
            continue
        other = values.get((against.id, area_id)) if against and area_id else None
        rows.append(
            TableRow(
                name=ctx.name,
                kind=KIND_LABELS[AreaKind.GEMEENTE],
                code=area_code,
                slug=ctx.slug,
                has_portret=ctx.gemeente_id in portret_ids,
                cell=book.cell(stored, indicator, ctx.name),
                index=_index_text(indicator, stored, national),
                index_value=_index(indicator, stored, national),
                against=book.cell(other, against, ctx.name) if other is not None and against else None,
            )
        )
    rows.sort(key=lambda r: (-(r.cell.value or 0) if r.cell else 0, r.name))
    for area in wanted_areas:
        stored = values.get((indicator.id, area.id))
        rows.append(
            TableRow(
                name=area.name,
                kind=KIND_LABELS[area.kind],
                code=area.code,
                slug=None,
                has_portret=False,
                cell=book.cell(stored, indicator, area.name) if stored is not None else None,
                index=_index_text(indicator, stored, national),
                index_value=_index(indicator, stored, national),
            )
        )
    result.rows = rows
    result.footnotes = [f"⚠{f.number} {f.text()}" for f in book.footnotes]
    result.charts = _charts(result)
    used = [(indicator, [period])] + ([(against, [against_period])] if against and against_period else [])
    result.sources = [
        {"code": i.code, "name": i.name, "source": i.source, "periods": [period_label(p) for p in ps]} for i, ps in used
    ]
    return result


def _values(
    session: Session,
    indicator: Indicator,
    period: str,
    against: Indicator | None,
    against_period: str | None,
    chosen: list[GemeenteContext],
    areas: list[Area],
    nederland: Area | None,
) -> dict[Any, Any]:
    """(indicator id, area id) -> the stored value of the asked period (a row with the columns the footnotes
    read: id, area_id, period, value, flags, note), and "gemeente_areas": gemeente id -> (area id, code).
    Every area's value of the period is read (at most one per area: a few hundred rows) and the wanted ones are
    kept here, so no list of hundreds of ids goes into the SQL; one query per indicator, one for the areas."""
    wanted_gemeenten = {c.gemeente_id for c in chosen}
    gemeente_areas: dict[int, tuple[int, str]] = {}
    if wanted_gemeenten:
        for area_id, gemeente_id, code in session.execute(
            select(Area.id, Area.gemeente_id, Area.code).where(Area.gemeente_id.is_not(None))
        ):
            if gemeente_id in wanted_gemeenten:
                gemeente_areas[int(gemeente_id)] = (area_id, code)
    area_ids = (
        {a for a, _c in gemeente_areas.values()} | {a.id for a in areas} | ({nederland.id} if nederland else set())
    )
    pairs = [(indicator.id, period)] + ([(against.id, against_period)] if against and against_period else [])
    found: dict[Any, Any] = {"gemeente_areas": gemeente_areas}
    if not area_ids:
        return found
    for indicator_id, wanted_period in pairs:
        for value in session.execute(
            select(
                IndicatorValue.id,
                IndicatorValue.area_id,
                IndicatorValue.period,
                IndicatorValue.value,
                IndicatorValue.flags,
                IndicatorValue.note,
            ).where(IndicatorValue.indicator_id == indicator_id, IndicatorValue.period == wanted_period)
        ):
            if value.area_id in area_ids:
                found[(indicator_id, value.area_id)] = value
    return found


def _index(indicator: Indicator, stored: IndicatorValue | None, national: IndicatorValue | None) -> float | None:
    """The value against Nederland's of the same period (Nederland = 100), for amounts and percentages."""
    if indicator.unit not in INDEXED_UNITS or stored is None or national is None or not national.value:
        return None
    return stored.value / national.value * 100


def _index_text(indicator: Indicator, stored: IndicatorValue | None, national: IndicatorValue | None) -> str:
    """The index as the *in cijfers* block prints it: whole numbers, ⚠ when either value is flagged."""
    index = _index(indicator, stored, national)
    if index is None or stored is None or national is None:
        return "—"
    return number_nl(index, 0) + (" ⚠" if stored.flags or national.flags else "")


def _charts(result: Result) -> list[dict[str, Any]]:
    indicator, period = result.indicator, result.period
    assert indicator is not None and period is not None
    source = f"Bron: {indicator.source}. Periode: {period_label(period)}."
    bars = [
        {
            "label": row.name + (" ◆" if row.has_portret else ""),
            "role": ("gemeente" if row.has_portret else "referentie")
            if row.is_gemeente
            else {"Nederland": "nederland", "Regio": "regio"}.get(row.kind, "grootteklasse"),
            "value": row.cell.value,
            "flagged": bool(row.cell.flags),
        }
        for row in result.rows
        if row.cell is not None and row.cell.value is not None
    ]
    charts: list[dict[str, Any]] = []
    if bars:
        charts.append(
            {
                "kind": "bars",
                "indicator": indicator.code,
                "title": f"{indicator.short_name}, {period_label(period)}",
                "unit": indicator.unit.value,
                "decimals": indicator.decimals,
                "bars": bars,
                "source": source
                + (
                    " ◆ en donkerblauw: een gemeente met een portret."
                    if any(r.has_portret for r in result.rows)
                    else ""
                ),
                "periods": [period],
            }
        )
    against, against_period = result.against, result.against_period
    if against is not None and against_period is not None:
        points = [
            {
                "label": row.name,
                "x": row.against.value,
                "y": row.cell.value,
                "marked": row.has_portret,
                "flagged": bool(row.cell.flags or row.against.flags),
            }
            for row in result.rows
            if row.is_gemeente and row.cell is not None and row.against is not None
        ]
        if points:
            charts.append(
                {
                    "kind": "scatter",
                    "indicator": f"{indicator.code}-{against.code}",
                    "title": f"{indicator.short_name} tegen {against.short_name.lower()}",
                    "x": {
                        "label": f"{against.short_name} ({period_label(against_period)})",
                        "unit": against.unit.value,
                        "decimals": against.decimals,
                    },
                    "y": {
                        "label": f"{indicator.short_name} ({period_label(period)})",
                        "unit": indicator.unit.value,
                        "decimals": indicator.decimals,
                    },
                    "points": points,
                    "legend": {"marked": "Gemeente met een portret", "other": "Andere gemeente"},
                    "source": f"Bronnen: {indicator.source} ({period_label(period)}); {against.source} "
                    f"({period_label(against_period)}).",
                    "periods": [period, against_period],
                }
            )
    return charts


def flag_labels(cell: Cell | None) -> str:
    if cell is None or not cell.flags:
        return ""
    labels = "; ".join(FLAGS.get(f, f) for f in cell.flags)
    return f"{labels}. {cell.note}".strip()


def csv_rows(result: Result) -> list[list[Any]]:
    """The table as CSV rows: a header, then one row per gemeente or group (numbers as numbers)."""
    indicator = result.indicator
    header = [
        "Gemeente of groep",
        "Soort",
        "Code",
        "Kengetal",
        "Periode",
        "Waarde",
        "Index (Nederland = 100)",
        "Portret",
        "Kanttekening",
    ]
    if result.against is not None:
        header += [f"{result.against.short_name} ({period_label(result.against_period or '')})"]
    rows: list[list[Any]] = [header]
    if indicator is None or result.period is None:
        return rows
    for row in result.rows:
        line = [
            row.name,
            row.kind,
            row.code,
            indicator.short_name,
            period_label(result.period),
            row.cell.value if row.cell else "",
            round(row.index_value, 1) if row.index_value is not None else "",
            ("ja" if row.has_portret else "nee") if row.is_gemeente else "",
            flag_labels(row.cell),
        ]
        if result.against is not None:
            line.append(row.against.value if row.against else "")
        rows.append(line)
    return rows
