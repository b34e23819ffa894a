"""The theme matrix (issue 11 item 3): per gemeente and theme the team's formative judgement and the number
of strengths, development points and lessons, read from the passage index.

One aggregate query, filtered by the reader's audiences in SQL: the page costs the same few queries for 3
gemeenten or 342. It reads ``network_cell``, the per visitatie, theme and audience counts of the passage
index (``network_passage`` grouped by visitatie, theme and kind, kept by the indexer in the same rebuild):
a dozen rows per visitatie instead of every passage joined to its themes. Each gemeente shows
its newest round (by start date) with visible material, or the chosen round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from peerreview.fragments import FragmentCache
from peerreview.indicators.models import Area, AreaKind, Indicator, IndicatorValue
from peerreview.indicators.services import format_value, period_label, period_sort_key
from peerreview.network import cache
from peerreview.network.context import GemeenteContext
from peerreview.network.models import (
    Audience,
    NetworkCell,
    NetworkPassage,
    NetworkPassageTheme,
    PassageKind,
)
from peerreview.rounds.models import Round

THEMES = tuple(f"T{i}" for i in range(1, 13))
MAX_INDICATORS = 3
# The kinds a cell counts; the portret's sections are shown through their links, not counted.
COUNTED = (
    PassageKind.SAMENVATTING,
    PassageKind.STERKTE,
    PassageKind.ONTWIKKELPUNT,
    PassageKind.LES,
    PassageKind.VERBETERPUNT,
)


@dataclass
class Cell:
    judgement: str | None = None  # the team's formative judgement (a value of themes-v1.yaml's judgements)
    summary: bool = False  # the team wrote a summary for this theme
    strengths: int = 0
    points: int = 0
    lessons: int = 0
    improvements: int = 0
    concept: bool = False  # some of it is released review material of a portret not (yet) published

    @property
    def empty(self) -> bool:
        return not (
            self.judgement or self.summary or self.strengths or self.points or self.lessons or self.improvements
        )


@dataclass
class Figure:
    """One chosen indicator for one gemeente: its latest value, and that value as an index of Nederland's."""

    text: str  # formatted value, "—" without one
    period: str = ""
    index: float | None = None  # Nederland = 100, same period


@dataclass
class Row:
    context: GemeenteContext
    round_id: int
    cells: dict[str, Cell]
    figures: list[Figure] = field(default_factory=list)

    @property
    def concept(self) -> bool:
        return any(c.concept for c in self.cells.values())


# Computed cells per process, under the index's stamp (``peerreview.network.cache``).
_CELLS: FragmentCache[dict[int, tuple[int, dict[str, Cell]]]] = FragmentCache(64)


def cells(
    session: Session,
    audiences: Sequence[Audience],
    *,
    round_id: int | None = None,
    gemeente_ids: Iterable[int] | None = None,
    themes: Sequence[str] = THEMES,
) -> dict[int, tuple[int, dict[str, Cell]]]:
    """gemeente id -> (round id, theme -> Cell), for the gemeenten with visible material: one aggregate
    query, or none when this process computed the same cells under the index's current stamp. The cells
    are shared between requests: callers read them, never change them."""
    stamp = cache.index_stamp(session)
    ids = None if gemeente_ids is None else tuple(sorted(set(gemeente_ids)))

    def compute() -> dict[int, tuple[int, dict[str, Cell]]]:
        return aggregate(session, audiences, round_id=round_id, gemeente_ids=ids, themes=themes)

    if stamp is None:
        return compute()
    key = (cache.database(session), stamp, tuple(audiences), round_id, ids, tuple(themes))
    return _CELLS.get(key, compute)


def aggregate(
    session: Session,
    audiences: Sequence[Audience],
    *,
    round_id: int | None = None,
    gemeente_ids: Iterable[int] | None = None,
    themes: Sequence[str] = THEMES,
) -> dict[int, tuple[int, dict[str, Cell]]]:
    """gemeente id -> (round id, theme -> Cell), for the gemeenten with visible material: ONE query."""
    visible = NetworkCell.audience.in_(list(audiences))
    query = (
        select(
            NetworkCell.gemeente_id,
            NetworkCell.round_id,
            NetworkCell.theme,
            func.sum(NetworkCell.summaries),
            func.sum(NetworkCell.strengths),
            func.sum(NetworkCell.points),
            func.sum(NetworkCell.lessons),
            func.sum(NetworkCell.improvements),
            func.max(NetworkCell.judgement),
            func.max(case((NetworkCell.audience == Audience.CONCEPT, 1), else_=0)),
        )
        .where(visible)
        .group_by(NetworkCell.gemeente_id, NetworkCell.round_id, NetworkCell.theme)
    )
    ids = None if gemeente_ids is None else sorted(set(gemeente_ids))
    if round_id is not None:
        query = query.where(NetworkCell.round_id == round_id)
    if ids is not None:
        query = query.where(NetworkCell.gemeente_id.in_(ids))
    if tuple(themes) != THEMES:
        query = query.where(NetworkCell.theme.in_(list(themes)))
    result: dict[int, tuple[int, dict[str, Cell]]] = {}
    order = chronological(session)
    for (
        gemeente_id,
        round_,
        theme,
        summaries,
        strengths,
        points,
        lessons,
        improvements,
        judgement,
        concept,
    ) in session.execute(query):
        if theme not in THEMES:
            continue
        shown = result.get(gemeente_id)
        if shown is not None and shown[0] != round_:
            if order[round_] < order[shown[0]]:
                continue  # an earlier round of this gemeente: the newest one with visible material is shown
            result[gemeente_id] = (round_, {})
        result.setdefault(gemeente_id, (round_, {}))[1][theme] = Cell(
            judgement=judgement if summaries else None,
            summary=bool(summaries),
            strengths=int(strengths),
            points=int(points),
            lessons=int(lessons),
            improvements=int(improvements),
            concept=bool(concept),
        )
    return result


def chronological(session: Session) -> dict[int, int]:
    """Round id -> its place in time (by start date): a gemeente's newest round is the one shown."""
    return {rid: n for n, rid in enumerate(session.scalars(select(Round.id).order_by(Round.starts_on, Round.id)))}


def rounds(session: Session, audiences: Sequence[Audience]) -> list[Round]:
    """The rounds that have material this reader may see, newest first."""
    visible = select(NetworkCell.round_id).where(NetworkCell.audience.in_(list(audiences))).distinct()
    return list(session.scalars(select(Round).where(Round.id.in_(visible)).order_by(Round.id.desc())))


def indicator_choices(session: Session) -> list[Indicator]:
    return list(session.scalars(select(Indicator).order_by(Indicator.group, Indicator.position, Indicator.id)))


# Computed figures per process, under a fingerprint of the chosen indicators' values (see ``figures``).
_FIGURES: FragmentCache[dict[tuple[int, str], Figure]] = FragmentCache(32)


def figures(
    session: Session, indicators: Sequence[Indicator], gemeente_ids: Iterable[int]
) -> dict[tuple[int, str], Figure]:
    """(gemeente id, indicator code) -> its latest value and its index against Nederland in that period.

    Computed for every gemeente at once (one query) and kept per process under the indicators and a
    fingerprint of their values: their number, highest id and latest ``updated_at``. Key figures change
    only by an import, which adds values (a higher id, a larger number) or updates them (a later
    ``updated_at``); a deleted area takes its values along (a smaller number). So a repeated page costs
    the fingerprint's query only."""
    ids = set(gemeente_ids)
    if not indicators or not ids:
        return {}
    v = IndicatorValue
    fingerprint = session.execute(
        select(func.count(), func.max(v.id), func.max(v.updated_at)).where(
            v.indicator_id.in_([i.id for i in indicators])
        )
    ).one()
    key = (
        cache.database(session),
        tuple((i.id, i.code, i.unit, i.decimals) for i in indicators),
        tuple(fingerprint),
    )
    every = _FIGURES.get(key, lambda: _every_figure(session, indicators))
    return {place: figure for place, figure in every.items() if place[0] in ids}


def _every_figure(session: Session, indicators: Sequence[Indicator]) -> dict[tuple[int, str], Figure]:
    """(gemeente id, indicator code) -> Figure for every gemeente with a value: one query."""
    by_id = {i.id: i for i in indicators}
    rows = session.execute(
        select(IndicatorValue.indicator_id, Area.gemeente_id, Area.kind, IndicatorValue.period, IndicatorValue.value)
        .join(Area, Area.id == IndicatorValue.area_id)
        .where(
            IndicatorValue.indicator_id.in_(list(by_id)),
            Area.gemeente_id.is_not(None) | (Area.kind == AreaKind.NEDERLAND),
        )
    )
    latest: dict[tuple[int, str], tuple[str, float]] = {}
    national: dict[tuple[str, str], float] = {}
    for indicator_id, gemeente_id, kind, period, value in rows:
        code = by_id[indicator_id].code
        if AreaKind(kind) is AreaKind.NEDERLAND:
            national[(code, period)] = value
        elif gemeente_id is not None:
            key = (gemeente_id, code)
            if key not in latest or period_sort_key(period) > period_sort_key(latest[key][0]):
                latest[key] = (period, value)
    by_code = {i.code: i for i in indicators}
    result: dict[tuple[int, str], Figure] = {}
    for (gemeente_id, code), (period, value) in latest.items():
        base = national.get((code, period))
        index = value / base * 100 if base else None
        result[(gemeente_id, code)] = Figure(format_value(by_code[code], value), period_label(period), index)
    return result


def passages(
    session: Session, audiences: Sequence[Audience], gemeente_id: int, theme: str, round_id: int | None = None
) -> list[NetworkPassage]:
    """The visible passages of one cell (the gemeente's latest round with visible material, or ``round_id``)."""
    visible = NetworkPassage.audience.in_(list(audiences))
    if round_id is None:
        found = session.scalars(
            select(NetworkPassage.round_id).where(visible, NetworkPassage.gemeente_id == gemeente_id).distinct()
        ).all()
        if not found:
            return []
        order = chronological(session)
        round_id = max(found, key=order.__getitem__)
    return list(
        session.scalars(
            select(NetworkPassage)
            .join(NetworkPassageTheme, NetworkPassageTheme.passage_id == NetworkPassage.id)
            .where(
                visible,
                NetworkPassage.gemeente_id == gemeente_id,
                NetworkPassage.round_id == round_id,
                NetworkPassageTheme.theme == theme,
            )
            .order_by(NetworkPassage.kind, NetworkPassage.id)
        )
    )
