"""A gemeente over time: its rounds side by side, with the team's judgement per theme and the key figures per
period (issue 11 item 9).

A round is shown as the reader may see it elsewhere: *definitief* when the portret is published to them
(``portret.published``); as the gemeente, its team or round staff read it (``portret.read``); or, for the
*concept* audience (analysts, round coordinators, admins), the released review material marked *concept*.
A round that is none of these is left out; a gemeente with no round to show is not found (404).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview import access
from peerreview.indicators import services as indicators
from peerreview.network.models import Audience
from peerreview.portret.models import Portret, PortretVersion, Publication
from peerreview.review.models import ThemeSummary
from peerreview.review.themes import judgements, themes
from peerreview.rounds.models import Round, Visitatie
from peerreview.tenants.models import Gemeente


@dataclass
class Judgement:
    code: str | None
    label: str
    summary: str


@dataclass
class RoundColumn:
    visitatie: Visitatie
    portret: Portret | None
    concept: bool
    motto: str
    url: str | None
    judgements: dict[str, Judgement] = field(default_factory=dict)

    @property
    def round(self) -> Round:
        return self.visitatie.round

    @property
    def state_label(self) -> str:
        if self.concept:
            return "concept"
        assert self.portret is not None
        return f"definitief ({self.portret.publication.label.lower()})"


@dataclass
class ThemeRow:
    code: str
    label: str
    cells: list[Judgement | None]

    @property
    def changed(self) -> bool:
        """Whether the judgement differs between the first and the last round that have one."""
        codes = [c.code for c in self.cells if c is not None and c.code]
        return len(set(codes)) > 1


@dataclass
class FigureRow:
    label: str
    code: str
    cells: dict[str, str]  # period -> formatted value (with its footnote mark)


@dataclass
class Timeline:
    gemeente: Gemeente
    columns: list[RoundColumn]
    themes: list[ThemeRow]
    periods: list[str]
    figures: list[FigureRow]
    footnotes: list[str]
    sources: list[dict[str, Any]]

    @property
    def comparable(self) -> bool:
        return len(self.columns) > 1


def _column(user: Any, visitatie: Visitatie, portret: Portret | None, concept_audience: bool) -> RoundColumn | None:
    from flask import url_for

    reader = user if user is not None and getattr(user, "is_authenticated", False) else None
    if portret is not None and access.allowed(user, "portret.published", portret):
        url = url_for("definitief.show", slug=visitatie.gemeente.slug, visitatie_id=visitatie.id)
        return RoundColumn(visitatie, portret, False, "", url)
    if reader is not None and portret is not None and access.allowed(reader, "portret.read", portret):
        definitive = portret.adopted_version is not None
        return RoundColumn(visitatie, portret, not definitive, "", url_for("portret.show", visitatie_id=visitatie.id))
    withdrawn = portret is not None and portret.publication_withdrawn_at is not None
    if concept_audience and visitatie.annotations_released_at is not None and not withdrawn:
        if portret is not None and portret.adopted_version is not None and portret.publication is Publication.GEMEENTE:
            return None  # adopted and kept within the gemeente: not the network's material
        return RoundColumn(visitatie, portret, True, "", None)
    return None


def timeline(session: Session, user: Any, gemeente: Gemeente) -> Timeline | None:
    """The gemeente's rounds as ``user`` may see them, oldest first; None when there is none."""
    reader = user if user is not None and getattr(user, "is_authenticated", False) else None
    concept_audience = Audience.CONCEPT in access.audiences(reader)
    rows = session.execute(
        select(Visitatie, Portret)
        .join(Round, Round.id == Visitatie.round_id)
        .outerjoin(Portret, (Portret.visitatie_id == Visitatie.id) & (Portret.gemeente_id == Visitatie.gemeente_id))
        .where(Visitatie.gemeente_id == gemeente.id)
        .order_by(Round.starts_on, Round.id)
    ).all()
    if reader is not None:
        from peerreview.review.models import ReviewAssignment

        mine = session.scalars(select(ReviewAssignment).where(ReviewAssignment.user_id == reader.id)).all()
        access.remember_assignments(reader, mine, [v for v, _p in rows])
    columns = [c for v, p in rows if (c := _column(user, v, p, concept_audience)) is not None]
    if not columns:
        return None
    _mottos(session, columns)
    _judgements(session, gemeente, columns)
    theme_rows = [
        ThemeRow(code, theme.label, [c.judgements.get(code) for c in columns]) for code, theme in themes().items()
    ]
    periods, figure_rows, footnotes, sources = _figures(session, gemeente)
    return Timeline(gemeente, columns, theme_rows, periods, figure_rows, footnotes, sources)


def _mottos(session: Session, columns: list[RoundColumn]) -> None:
    """The motto of the version each column stands for (the adopted one; the released one for a concept)."""
    wanted = {}
    for c in columns:
        if c.portret is None or (c.url is None and c.concept):
            continue  # review material only: the portret's text is not the reader's
        number = c.portret.adopted_version or c.portret.released_version
        if number:
            wanted[(c.portret.id, number)] = c
    if not wanted:
        return
    rows = session.execute(
        select(PortretVersion.portret_id, PortretVersion.number, PortretVersion.content["motto"].as_string()).where(
            PortretVersion.portret_id.in_({pid for pid, _n in wanted})
        )
    )
    for portret_id, number, motto in rows:
        if (portret_id, number) in wanted:
            wanted[(portret_id, number)].motto = motto or ""


def _judgements(session: Session, gemeente: Gemeente, columns: list[RoundColumn]) -> None:
    """The team's judgement per theme, of the rounds whose review material was released."""
    released = {c.visitatie.id: c for c in columns if c.visitatie.annotations_released_at is not None}
    if not released:
        return
    labels = judgements()
    for summary in session.scalars(
        select(ThemeSummary).where(
            ThemeSummary.gemeente_id == gemeente.id, ThemeSummary.visitatie_id.in_(list(released))
        )
    ):
        released[summary.visitatie_id].judgements[summary.theme_code] = Judgement(
            summary.judgement,
            labels.get(summary.judgement, "geen oordeel") if summary.judgement else "geen oordeel",
            summary.summary,
        )


def _figures(
    session: Session, gemeente: Gemeente
) -> tuple[list[str], list[FigureRow], list[str], list[dict[str, Any]]]:
    """The gemeente's key figures by period, from the same *in cijfers* data as its figures page (flags and
    footnotes included); the portret's own figures (one year each) are left out."""
    figures = indicators.figures_for(session, gemeente)
    block = indicators.block_data(figures)
    periods: set[str] = set()
    by_code: dict[str, FigureRow] = {}
    for key, rows in figures.rows_by_group.items():
        if key == "portret":
            continue
        for row in rows:
            if row.is_index:
                continue
            periods.add(row.period)
            item = by_code.setdefault(row.indicator.code, FigureRow(row.indicator.short_name, row.indicator.code, {}))
            item.cells[row.period] = row.focus.text
    ordered = sorted(periods, key=indicators.period_sort_key)
    notes = {int(n.split(" ", 1)[0].removeprefix("⚠")): n for n in block["footnotes"]}
    used = {int(n) for row in by_code.values() for text in row.cells.values() for n in re.findall(r"⚠(\d+)", text)}
    footnotes = [notes[n] for n in sorted(used) if n in notes]
    sources = [s for s in block["sources"] if s["code"] in by_code]
    return ordered, list(by_code.values()), footnotes, sources


def period_label(period: str) -> str:
    return indicators.period_label(period)
