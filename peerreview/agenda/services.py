"""The verbeteragenda's rules: the points it starts from, action lines and their parts, status history,
reporting periods with a stand van zaken per part, what changed since the last period, the normenkader
check, and the reminders before a period ends.

Views check *who* may act (``access.py``); these functions check *what* is allowed and raise
``AgendaError`` with a Dutch message, or ``Conflict`` when someone saved in between. Nothing here commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from peerreview.accounts.models import Membership, MembershipRole, User
from peerreview.agenda.models import (
    ActionLine,
    ActionLineSource,
    Agenda,
    AgendaPoint,
    Part,
    PartStatus,
    PartStatusChange,
    ProgressUpdate,
    ReportingPeriod,
    SourceKind,
)
from peerreview.audit.services import record
from peerreview.conflicts import Conflict
from peerreview.db import utcnow
from peerreview.formatting import LOCAL, date_nl
from peerreview.mail import services as mail
from peerreview.rounds.models import Visitatie
from peerreview.sanitize import clean_html, plain_text

TEXT_MAX = 4000
TITLE_MAX = 300
MAX_LINES = 40
MAX_PARTS = 40
MAX_PERIODS = 40
REMIND_DAYS_BEFORE = 14  # the owners hear two weeks before a reporting period ends


class AgendaError(Exception):
    """A refused operation; the message is Dutch and meant for the user."""


def _theme_codes() -> dict[str, Any]:
    from peerreview.review.themes import themes

    return themes()


def theme_order(code: str) -> int:
    """T1, T2, ... T12 in number order; anything else last."""
    return int(code[1:]) if code[1:].isdigit() else 99


# --- the agenda ---------------------------------------------------------------------------------------


def agenda_of(session: Session, visitatie: Visitatie) -> Agenda | None:
    return session.scalar(select(Agenda).where(Agenda.visitatie_id == visitatie.id))


def get_or_create(session: Session, actor: User, visitatie: Visitatie) -> Agenda:
    agenda = agenda_of(session, visitatie)
    if agenda is None:
        agenda = Agenda(gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id, created_by_id=actor.id)
        session.add(agenda)
        session.flush()
        record(session, "agenda_created", actor=actor, gemeente_id=visitatie.gemeente_id, obj=agenda)
    return agenda


# --- the points the agenda starts from -----------------------------------------------------------------


@dataclass
class Point:
    """A point to work on: a released development point of the team, an own improvement point from the
    reflectiesessie, or a point the gemeente added on the agenda. ``key`` is "<kind>:<id>"."""

    kind: SourceKind
    id: int
    theme: str  # the theme it is listed under (an annotation's first theme)
    themes: list[str]
    text: str
    quote: str = ""  # for a development point: the passage of the zelfevaluatie it is about
    answered_by: list[ActionLine] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.id}"

    @property
    def anchor(self) -> str:
        return f"punt-{self.kind.value}-{self.id}"


@dataclass
class ThemeGroup:
    code: str
    theme: Any  # review.themes.Theme or None
    summary: Any  # review.models.ThemeSummary or None: the team's summary, for context
    points: list[Point]


def _released(visitatie: Visitatie) -> bool:
    return visitatie.annotations_released_at is not None or visitatie.round.open_review


def points(session: Session, visitatie: Visitatie, agenda: Agenda | None = None) -> list[Point]:
    """Every point the agenda can answer, in theme order; each knows the action lines that answer it."""
    from peerreview.reflectiesessie.models import ImprovementPoint
    from peerreview.review.models import Annotation, AnnotationKind

    found: list[Point] = []
    if _released(visitatie):
        annotations = session.scalars(
            select(Annotation)
            .where(Annotation.visitatie_id == visitatie.id, Annotation.kind == AnnotationKind.ONTWIKKELPUNT)
            .order_by(Annotation.id)
        )
        for a in annotations:
            themes = [t for t in (a.themes or []) if isinstance(t, str)] or ["T1"]
            found.append(
                Point(
                    SourceKind.ONTWIKKELPUNT, a.id, themes[0], themes, a.body, quote=a.exact or a.original_exact or ""
                )
            )
    for p in session.scalars(
        select(ImprovementPoint).where(ImprovementPoint.visitatie_id == visitatie.id).order_by(ImprovementPoint.id)
    ):
        found.append(Point(SourceKind.VERBETERPUNT, p.id, p.theme, [p.theme], p.text))
    if agenda is not None:
        for own in session.scalars(
            select(AgendaPoint).where(AgendaPoint.agenda_id == agenda.id).order_by(AgendaPoint.id)
        ):
            found.append(Point(SourceKind.EIGEN, own.id, own.theme, [own.theme], own.text))
        by_key = {p.key: p for p in found}
        for line in agenda.action_lines:
            for source in line.sources:
                point = by_key.get(f"{source.kind.value}:{source.source_id}")
                if point is not None and line not in point.answered_by:
                    point.answered_by.append(line)
    return sorted(found, key=lambda p: (theme_order(p.theme), list(SourceKind).index(p.kind), p.id))


def unanswered(found: Iterable[Point]) -> list[Point]:
    return [p for p in found if not p.answered_by]


def by_theme(session: Session, visitatie: Visitatie, found: Sequence[Point]) -> list[ThemeGroup]:
    """The points grouped per theme, each theme with the team's summary (when released) for context."""
    from peerreview.review.models import ThemeSummary

    themes = _theme_codes()
    summaries = {}
    if _released(visitatie):
        summaries = {
            s.theme_code: s
            for s in session.scalars(select(ThemeSummary).where(ThemeSummary.visitatie_id == visitatie.id))
        }
    groups: dict[str, ThemeGroup] = {}
    for p in found:
        group = groups.get(p.theme)
        if group is None:
            group = groups[p.theme] = ThemeGroup(p.theme, themes.get(p.theme), summaries.get(p.theme), [])
        group.points.append(p)
    return sorted(groups.values(), key=lambda g: theme_order(g.code))


def add_point(session: Session, actor: User, visitatie: Visitatie, theme: str, text: str) -> AgendaPoint:
    if theme not in _theme_codes():
        raise AgendaError("Kies een van de twaalf thema's.")
    text = text.strip()
    if not text:
        raise AgendaError("Vul het punt in.")
    if len(text) > TEXT_MAX:
        raise AgendaError(f"Gebruik hoogstens {TEXT_MAX} tekens.")
    agenda = get_or_create(session, actor, visitatie)
    point = AgendaPoint(
        gemeente_id=agenda.gemeente_id, agenda_id=agenda.id, theme=theme, text=text, created_by_id=actor.id
    )
    session.add(point)
    session.flush()
    record(session, "agenda_point_added", actor=actor, gemeente_id=agenda.gemeente_id, obj=point, theme=theme)
    return point


# --- action lines -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    title: str
    description: str
    themes: list[str]
    process_goal: str
    outcome_goal: str


def _checked_line(data: LineInput) -> LineInput:
    title = data.title.strip()
    if not title:
        raise AgendaError("Geef de actielijn een titel.")
    if len(title) > TITLE_MAX:
        raise AgendaError(f"Gebruik voor de titel hoogstens {TITLE_MAX} tekens.")
    known = _theme_codes()
    themes = sorted({t for t in data.themes if t in known}, key=theme_order)
    texts = [data.description.strip(), data.process_goal.strip(), data.outcome_goal.strip()]
    if any(len(t) > TEXT_MAX for t in texts):
        raise AgendaError(f"Gebruik per tekstveld hoogstens {TEXT_MAX} tekens.")
    return LineInput(title, texts[0], themes, texts[1], texts[2])


def _chosen(session: Session, visitatie: Visitatie, agenda: Agenda, point_keys: Sequence[str]) -> list[Point]:
    available = {p.key: p for p in points(session, visitatie, agenda)}
    keys = list(dict.fromkeys(point_keys))
    if any(k not in available for k in keys):
        raise AgendaError("Een van de gekozen punten bestaat niet (meer). Laad de pagina opnieuw.")
    return [available[k] for k in keys]


def _add_sources(line: ActionLine, chosen: Sequence[Point]) -> list[Point]:
    """Link the points to the line (a snapshot of each text); their themes join the line's. Returns the new ones."""
    known = {(s.kind, s.source_id) for s in line.sources}
    added = [p for p in chosen if (p.kind, p.id) not in known]
    for p in added:
        line.sources.append(
            ActionLineSource(gemeente_id=line.gemeente_id, kind=p.kind, source_id=p.id, theme=p.theme, text=p.text)
        )
    line.themes = sorted({*line.themes, *(t for p in added for t in p.themes)}, key=theme_order)
    return added


def add_action_line(
    session: Session, actor: User, visitatie: Visitatie, data: LineInput, point_keys: Sequence[str]
) -> ActionLine:
    """A new action line answering the points named by ``point_keys`` ("<kind>:<id>"): each becomes a
    source with a snapshot of its text, and its themes join the line's themes."""
    data = _checked_line(data)
    agenda = get_or_create(session, actor, visitatie)
    if len(agenda.action_lines) >= MAX_LINES:
        raise AgendaError(f"Een verbeteragenda heeft hoogstens {MAX_LINES} actielijnen.")
    chosen = _chosen(session, visitatie, agenda, point_keys)
    line = ActionLine(
        gemeente_id=agenda.gemeente_id,
        agenda_id=agenda.id,
        position=max((x.position for x in agenda.action_lines), default=0) + 1,
        title=data.title,
        description=data.description,
        themes=data.themes,
        process_goal=data.process_goal,
        outcome_goal=data.outcome_goal,
    )
    _add_sources(line, chosen)
    agenda.action_lines.append(line)
    session.flush()
    record(
        session,
        "agenda_line_created",
        actor=actor,
        gemeente_id=agenda.gemeente_id,
        obj=line,
        points=[p.key for p in chosen],
    )
    return line


def update_action_line(
    session: Session,
    actor: User,
    line: ActionLine,
    data: LineInput,
    base_revision: int,
    point_keys: Sequence[str] = (),
) -> ActionLine:
    """Save the line if nobody saved since ``base_revision`` (else ``Conflict``); ``point_keys`` are points it
    now answers too."""
    data = _checked_line(data)
    agenda = line.agenda
    chosen = _chosen(session, agenda.visitatie, agenda, point_keys)
    _bump(session, ActionLine, line, base_revision)
    line.title, line.description, line.themes = data.title, data.description, data.themes
    line.process_goal, line.outcome_goal = data.process_goal, data.outcome_goal
    added = _add_sources(line, chosen)
    line.updated_at = utcnow()
    session.flush()
    record(
        session,
        "agenda_line_updated",
        actor=actor,
        gemeente_id=line.gemeente_id,
        obj=line,
        revision=line.revision,
        points=[p.key for p in added],
    )
    return line


def _bump(session: Session, model: Any, row: Any, base_revision: int) -> None:
    """Raise the stored revision only if it is still ``base_revision``; else ``Conflict`` (nothing written)."""
    stored = session.execute(
        update(model)
        .where(model.id == row.id, model.revision == base_revision)
        .values(revision=model.revision + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    if stored.rowcount == 0:  # type: ignore[attr-defined]
        raise Conflict(row)


def line_of(session: Session, agenda: Agenda, line_id: int) -> ActionLine | None:
    return session.scalar(select(ActionLine).where(ActionLine.id == line_id, ActionLine.agenda_id == agenda.id))


def part_of(session: Session, agenda: Agenda, part_id: int) -> Part | None:
    return session.scalar(
        select(Part)
        .join(ActionLine, ActionLine.id == Part.action_line_id)
        .where(Part.id == part_id, ActionLine.agenda_id == agenda.id)
    )


def period_of(session: Session, agenda: Agenda, period_id: int) -> ReportingPeriod | None:
    return session.scalar(
        select(ReportingPeriod).where(ReportingPeriod.id == period_id, ReportingPeriod.agenda_id == agenda.id)
    )


# --- parts --------------------------------------------------------------------------------------------

# "Q2 2027", "2e helft 2027", "H1 2027", "2027", "voorjaar 2027", "schooljaar 2027-2028", "2027-2028".
_PLANNING = re.compile(
    r"^(?:(?:Q[1-4]|[12]e helft|H[12]|voorjaar|zomer|najaar|winter)\s+)?(?:schooljaar\s+)?(20\d\d)(?:[-/](20\d\d))?$",
    re.IGNORECASE,
)
PLANNING_HINT = (
    "Een kwartaal (Q2 2027), halfjaar (1e helft 2027), seizoen (najaar 2027), jaar (2027) of schooljaar "
    "(schooljaar 2027-2028). Of kies hieronder een datum."
)


def normalised_planning(raw: str) -> str:
    """The planning as typed, tidied ("q2  2027" -> "Q2 2027"); ``AgendaError`` when it is no period."""
    text = " ".join(raw.split())
    if not text:
        return ""
    match = _PLANNING.match(text)
    if not match or (match.group(2) and int(match.group(2)) != int(match.group(1)) + 1):
        raise AgendaError(
            "Vul de planning in als kwartaal (Q2 2027), halfjaar (1e helft 2027), seizoen (najaar 2027), "
            "jaar (2027) of schooljaar (schooljaar 2027-2028), of kies een datum."
        )
    return re.sub(r"^(q[1-4]|h[12])\b", lambda m: m.group(1).upper(), text, flags=re.IGNORECASE)


@dataclass(frozen=True)
class PartInput:
    result: str
    what: str
    owner_role: str
    owner_organisation: str
    owner_user_id: int | None
    planning: str
    due_on: date | None
    status: str
    status_reason: str
    indicator: str
    indicator_code: str | None
    indicator_target: str


def _checked_part(session: Session, agenda: Agenda, data: PartInput) -> PartInput:
    result, what = data.result.strip(), data.what.strip()
    if not result and not what:
        raise AgendaError("Vul in wat het onderdeel moet opleveren (het beoogde resultaat) of wat jullie gaan doen.")
    if any(len(t) > TEXT_MAX for t in (result, what, data.indicator, data.status_reason)):
        raise AgendaError(f"Gebruik per tekstveld hoogstens {TEXT_MAX} tekens.")
    status = PartStatus(data.status)
    reason = data.status_reason.strip()
    if status is PartStatus.VERVALLEN and not reason:
        raise AgendaError("Een onderdeel dat vervalt heeft een reden nodig. Vul in waarom het vervalt.")
    owner_id = data.owner_user_id or None
    if owner_id is not None and owner_id not in {u.id for u in members(session, agenda.gemeente_id)}:
        raise AgendaError("Kies als eigenaar een lid van de gemeente, of laat het veld leeg.")
    code = (data.indicator_code or "").strip() or None
    if code is not None:
        from peerreview.indicators.models import Indicator

        if session.scalar(select(Indicator.id).where(Indicator.code == code)) is None:
            raise AgendaError("Kies een kengetal uit de lijst, of laat het veld leeg.")
    return PartInput(
        result=result,
        what=what,
        owner_role=data.owner_role.strip()[:160],
        owner_organisation=data.owner_organisation.strip()[:160],
        owner_user_id=owner_id,
        planning=normalised_planning(data.planning),
        due_on=data.due_on,
        status=status.value,
        status_reason=reason,
        indicator=data.indicator.strip(),
        indicator_code=code,
        indicator_target=data.indicator_target.strip()[:120],
    )


def members(session: Session, gemeente_id: int) -> list[User]:
    """The gemeente's active members (who can own a part), by name; not its council members (read-only)."""
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.gemeente_id == gemeente_id,
                Membership.role != MembershipRole.RAAD,
                User.active.is_(True),
            )
            .order_by(User.name, User.id)
        )
    )


def _apply(part: Part, data: PartInput) -> None:
    part.result, part.what = data.result, data.what
    part.owner_role, part.owner_organisation, part.owner_user_id = (
        data.owner_role,
        data.owner_organisation,
        data.owner_user_id,
    )
    part.planning, part.due_on = data.planning, data.due_on
    part.indicator, part.indicator_code, part.indicator_target = (
        data.indicator,
        data.indicator_code,
        data.indicator_target,
    )


def _set_status(session: Session, actor: User, part: Part, status: PartStatus, reason: str) -> bool:
    """Change the part's status and keep the change in its history; False if nothing changed."""
    if status is PartStatus.VERVALLEN and not reason.strip():
        raise AgendaError("Een onderdeel dat vervalt heeft een reden nodig. Vul in waarom het vervalt.")
    reason = reason.strip()
    if part.status is status and part.status_reason == reason:
        return False
    part.status, part.status_reason = status, reason
    session.add(
        PartStatusChange(
            gemeente_id=part.gemeente_id, part_id=part.id, status=status, reason=reason, changed_by_id=actor.id
        )
    )
    record(
        session,
        "agenda_part_status",
        actor=actor,
        gemeente_id=part.gemeente_id,
        obj=part,
        status=status.value,
        reason=reason,
    )
    return True


def add_part(session: Session, actor: User, agenda: Agenda, line: ActionLine, data: PartInput) -> Part:
    data = _checked_part(session, agenda, data)
    if len(line.parts) >= MAX_PARTS:
        raise AgendaError(f"Een actielijn heeft hoogstens {MAX_PARTS} onderdelen.")
    part = Part(
        gemeente_id=line.gemeente_id,
        action_line_id=line.id,
        position=max((p.position for p in line.parts), default=0) + 1,
        status=PartStatus.NOG_NIET_GESTART,
    )
    _apply(part, data)
    part.status, part.status_reason = PartStatus(data.status), data.status_reason
    line.parts.append(part)
    session.flush()
    # The first status is history too: the starting point of the part.
    session.add(
        PartStatusChange(
            gemeente_id=part.gemeente_id,
            part_id=part.id,
            status=part.status,
            reason=part.status_reason,
            changed_by_id=actor.id,
        )
    )
    session.flush()
    record(session, "agenda_part_created", actor=actor, gemeente_id=part.gemeente_id, obj=part, line=line.id)
    return part


def update_part(session: Session, actor: User, agenda: Agenda, part: Part, data: PartInput, base_revision: int) -> Part:
    """Save the part if nobody saved since ``base_revision`` (else ``Conflict``, nothing written)."""
    data = _checked_part(session, agenda, data)
    _bump(session, Part, part, base_revision)
    _apply(part, data)
    _set_status(session, actor, part, PartStatus(data.status), data.status_reason)
    part.updated_at = utcnow()
    session.flush()
    record(session, "agenda_part_updated", actor=actor, gemeente_id=part.gemeente_id, obj=part, revision=part.revision)
    return part


def history(session: Session, part: Part) -> list[PartStatusChange]:
    return list(
        session.scalars(
            select(PartStatusChange)
            .where(PartStatusChange.part_id == part.id)
            .order_by(PartStatusChange.changed_at, PartStatusChange.id)
        )
    )


# --- key figures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureValue:
    period: str
    text: str


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    values: list[FigureValue]  # oldest first, at most the last four


def figure(session: Session, gemeente: Any, code: str | None) -> Figure | None:
    """The latest values of a key figure for the gemeente, so a part's progress shows from the figures."""
    if not code:
        return None
    from peerreview.indicators.models import Indicator, IndicatorValue
    from peerreview.indicators.services import area_of, format_value, period_label, period_sort_key

    indicator = session.scalar(select(Indicator).where(Indicator.code == code))
    if indicator is None:
        return None
    area = area_of(session, gemeente)
    rows = (
        list(
            session.scalars(
                select(IndicatorValue).where(
                    IndicatorValue.indicator_id == indicator.id, IndicatorValue.area_id == area.id
                )
            )
        )
        if area is not None
        else []
    )
    rows.sort(key=lambda v: period_sort_key(v.period))
    values = [FigureValue(period_label(v.period), format_value(indicator, v.value)) for v in rows[-4:]]
    return Figure(indicator.code, indicator.short_name or indicator.name, values)


def indicator_choices(session: Session) -> list[tuple[str, str]]:
    from peerreview.indicators.models import Indicator

    return [
        (i.code, f"{i.short_name or i.name} ({i.code})")
        for i in session.scalars(select(Indicator).order_by(Indicator.group, Indicator.position, Indicator.code))
    ]


# --- reporting periods --------------------------------------------------------------------------------


def add_period(
    session: Session, actor: User, visitatie: Visitatie, name: str, starts_on: date, ends_on: date
) -> ReportingPeriod:
    name = " ".join(name.split())
    if not name:
        raise AgendaError("Geef de periode een naam, bijvoorbeeld ‘Voorjaar 2027’.")
    if ends_on < starts_on:
        raise AgendaError("De einddatum ligt vóór de begindatum. Kies een einddatum op of na het begin.")
    agenda = get_or_create(session, actor, visitatie)
    if len(agenda.periods) >= MAX_PERIODS:
        raise AgendaError(f"Een verbeteragenda heeft hoogstens {MAX_PERIODS} rapportageperiodes.")
    if any(p.name.lower() == name.lower() for p in agenda.periods):
        raise AgendaError(f"Er is al een periode ‘{name}’. Kies een andere naam.")
    period = ReportingPeriod(
        gemeente_id=agenda.gemeente_id, agenda_id=agenda.id, name=name[:120], starts_on=starts_on, ends_on=ends_on
    )
    agenda.periods.append(period)
    session.flush()
    record(session, "agenda_period_created", actor=actor, gemeente_id=agenda.gemeente_id, obj=period, name=period.name)
    return period


def periods(session: Session, agenda: Agenda) -> list[ReportingPeriod]:
    return list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.agenda_id == agenda.id)
            .order_by(ReportingPeriod.starts_on, ReportingPeriod.id)
        )
    )


def current_period(all_periods: Sequence[ReportingPeriod], today: date) -> ReportingPeriod | None:
    """The period that runs today, else the last one that started, else the first."""
    running = [p for p in all_periods if p.starts_on <= today <= p.ends_on]
    if running:
        return running[-1]
    started = [p for p in all_periods if p.starts_on <= today]
    if started:
        return started[-1]
    return all_periods[0] if all_periods else None


def previous_period(all_periods: Sequence[ReportingPeriod], period: ReportingPeriod) -> ReportingPeriod | None:
    before = [p for p in all_periods if (p.starts_on, p.id) < (period.starts_on, period.id)]
    return before[-1] if before else None


# --- progress -----------------------------------------------------------------------------------------


def progress_of(session: Session, part: Part, period: ReportingPeriod) -> ProgressUpdate | None:
    return session.scalar(
        select(ProgressUpdate).where(ProgressUpdate.part_id == part.id, ProgressUpdate.period_id == period.id)
    )


def updates_for(session: Session, agenda: Agenda) -> dict[tuple[int, int], ProgressUpdate]:
    """Every progress update of the agenda, by (part id, period id)."""
    rows = session.scalars(
        select(ProgressUpdate)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressUpdate.period_id)
        .where(ReportingPeriod.agenda_id == agenda.id)
    )
    return {(u.part_id, u.period_id): u for u in rows}


def record_progress(
    session: Session,
    actor: User,
    part: Part,
    period: ReportingPeriod,
    html: str,
    status: str,
    reason: str,
    base_revision: int,
) -> ProgressUpdate:
    """The stand van zaken of ``part`` in ``period`` (one per period, edited in place with a revision).
    The status given is the part's status at that moment: a different one changes the part (and its
    history); *vervallen* needs a reason."""
    text = clean_html(html)
    if not plain_text(text).strip():
        raise AgendaError("Beschrijf kort hoe het ervoor staat.")
    new_status = PartStatus(status)
    kept = part.status_reason if part.status is PartStatus.VERVALLEN else ""  # the reason it lapsed before
    if new_status is PartStatus.VERVALLEN and not (reason.strip() or kept.strip()):
        raise AgendaError("Een onderdeel dat vervalt heeft een reden nodig. Vul in waarom het vervalt.")
    update_row = progress_of(session, part, period)
    if update_row is None:
        if base_revision != 0:
            raise Conflict(None)  # it was removed in between: nothing to compare with, the text is kept
        update_row = ProgressUpdate(
            gemeente_id=part.gemeente_id,
            part_id=part.id,
            period_id=period.id,
            text=text,
            status=new_status,
            created_by_id=actor.id,
        )
        session.add(update_row)
    else:
        _bump(session, ProgressUpdate, update_row, base_revision)
        update_row.text, update_row.status = text, new_status
        update_row.created_by_id, update_row.updated_at = actor.id, utcnow()
    reason_now = reason.strip() or (kept if new_status is PartStatus.VERVALLEN else "")
    _set_status(session, actor, part, new_status, reason_now)
    session.flush()
    record(
        session,
        "agenda_progress_saved",
        actor=actor,
        gemeente_id=part.gemeente_id,
        obj=update_row,
        part=part.id,
        period=period.id,
        status=new_status.value,
    )
    return update_row


# --- what changed since the last period ---------------------------------------------------------------


@dataclass
class PartChanges:
    part: Part
    before: PartStatus | None  # the status at the end of the previous period (its update, or history)
    now: PartStatus  # the status in this period (its update, else the part's status)
    changes: list[PartStatusChange]  # status changes within this period's window
    update: ProgressUpdate | None
    previous_update: ProgressUpdate | None

    @property
    def changed(self) -> bool:
        return bool(self.changes) or self.new_part or (self.before is not None and self.before is not self.now)

    new_part: bool = False  # added after the previous period ended


@dataclass
class LineChanges:
    line: ActionLine
    parts: list[PartChanges]

    @property
    def changed_count(self) -> int:
        return sum(1 for p in self.parts if p.changed)

    @property
    def updated_count(self) -> int:
        return sum(1 for p in self.parts if p.update is not None)


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL).astimezone(UTC)


def changes_since(session: Session, agenda: Agenda, period: ReportingPeriod) -> list[LineChanges]:
    """Per action line, per part: the status at the end of the previous period and now, the status
    changes in between, and the stand van zaken of this period and the one before."""
    all_periods = periods(session, agenda)
    previous = previous_period(all_periods, period)
    start = _end_of(previous.ends_on) if previous is not None else None
    end = None if period is all_periods[-1] else _end_of(period.ends_on)
    updates = updates_for(session, agenda)
    part_ids = [p.id for line in agenda.action_lines for p in line.parts]
    all_changes: dict[int, list[PartStatusChange]] = {i: [] for i in part_ids}
    if part_ids:
        for change in session.scalars(
            select(PartStatusChange)
            .where(PartStatusChange.part_id.in_(part_ids))
            .order_by(PartStatusChange.changed_at, PartStatusChange.id)
        ):
            all_changes[change.part_id].append(change)
    result = []
    for line in agenda.action_lines:
        rows = []
        for part in line.parts:
            history_rows = all_changes.get(part.id, [])
            window = [
                c
                for c in history_rows
                if (start is None or c.changed_at >= start) and (end is None or c.changed_at < end)
            ]
            previous_update = updates.get((part.id, previous.id)) if previous is not None else None
            update_row = updates.get((part.id, period.id))
            before: PartStatus | None = None
            if previous_update is not None:
                before = previous_update.status
            elif start is not None:
                earlier = [c for c in history_rows if c.changed_at < start]
                before = earlier[-1].status if earlier else None
            if update_row is not None:
                now = update_row.status
            elif window:
                now = window[-1].status
            else:
                now = before or part.status
            rows.append(
                PartChanges(
                    part, before, now, window, update_row, previous_update, previous is not None and before is None
                )
            )
        result.append(LineChanges(line, rows))
    return result


# --- the normenkader check ----------------------------------------------------------------------------

# A result is "phrased measurably" when it names a number: a count, a percentage, a time in weeks or days.
_MEASURABLE = re.compile(r"\d")


@dataclass(frozen=True)
class Norm:
    key: str
    label: str
    met: bool
    hint: str  # what is missing, when not met


NORM_EXPLANATION = (
    "De rekenkamer toetst beleid onder meer op vier vragen: is het resultaat meetbaar, zijn proces- en "
    "resultaatdoelen gescheiden, heeft elk onderdeel een eigenaar en een planning? Dit is een hulpmiddel, "
    "geen oordeel."
)


def norm_check(action_line: ActionLine) -> list[Norm]:
    """The rekenkamer's norms as a short checklist per action line (help, never a score):

    - *meetbaar resultaat*: at least one part has a measurable indicator (text or a key figure), or an
      intended result that names a number (a count, percentage, weeks...);
    - *proces- en resultaatdoel apart*: both goals are filled in and differ;
    - *eigenaar*: every part names a role or a member who carries it;
    - *planning*: every part has a period or a date.
    """
    parts = [p for p in action_line.parts if p.status is not PartStatus.VERVALLEN]
    measurable = [p for p in parts if p.indicator.strip() or p.indicator_code or _MEASURABLE.search(p.result)]
    process, outcome = action_line.process_goal.strip(), action_line.outcome_goal.strip()
    no_owner = [p for p in parts if not (p.owner_role.strip() or p.owner_user_id)]
    no_planning = [p for p in parts if not (p.planning.strip() or p.due_on)]

    def numbers(items: list[Part]) -> str:
        return ", ".join(str(action_line.parts.index(p) + 1) for p in items)

    if not parts:
        measurable_hint = "Voeg een onderdeel toe met een resultaat dat je kunt meten."
    else:
        measurable_hint = (
            "Geen onderdeel noemt een getal of indicator. Maak een resultaat meetbaar (bijvoorbeeld ‘wachttijd "
            "onder 6 weken’) of koppel een kengetal."
        )
    if not process and not outcome:
        goals_hint = "Vul een procesdoel (wat doen we) en een resultaatdoel (wat merken kinderen en gezinnen) in."
    elif not process:
        goals_hint = "Het procesdoel ontbreekt: wat gaan jullie anders doen?"
    elif not outcome:
        goals_hint = "Het resultaatdoel ontbreekt: wat moeten kinderen en gezinnen ervan merken?"
    else:
        goals_hint = "Proces- en resultaatdoel zijn gelijk; beschrijf ze apart."
    return [
        Norm("meetbaar", "Meetbaar resultaat", bool(measurable), measurable_hint),
        Norm(
            "doelen",
            "Proces- en resultaatdoel apart",
            bool(process and outcome and process.lower() != outcome.lower()),
            goals_hint,
        ),
        Norm(
            "eigenaar",
            "Eigenaar bij elk onderdeel",
            bool(parts) and not no_owner,
            f"Geen eigenaar bij onderdeel {numbers(no_owner)}." if no_owner else "Voeg eerst een onderdeel toe.",
        ),
        Norm(
            "planning",
            "Planning bij elk onderdeel",
            bool(parts) and not no_planning,
            f"Geen planning bij onderdeel {numbers(no_planning)}." if no_planning else "Voeg eerst een onderdeel toe.",
        ),
    ]


# --- reminders ----------------------------------------------------------------------------------------


def _coordinators(session: Session, gemeente_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.gemeente_id == gemeente_id,
                Membership.role == MembershipRole.COORDINATOR,
                User.active.is_(True),
            )
            .order_by(User.name, User.id)
        )
    )


OPEN_STATUSES = (
    PartStatus.NOG_NIET_GESTART,
    PartStatus.IN_VOORBEREIDING,
    PartStatus.IN_UITVOERING,
    PartStatus.DOORLOPEND,
)


def send_reminders(session: Session, today: date) -> int:
    """Part of the daily reminder run (``rounds.reminders.send_due``): ``REMIND_DAYS_BEFORE`` days (or fewer,
    after a missed run) before a reporting period ends, every owner of an open part without a stand van
    zaken for it hears once, with the list of their parts; the coordinators get the whole list.
    ``reminder_sent_at`` makes a second run send nothing."""
    due = session.scalars(
        select(ReportingPeriod).where(
            ReportingPeriod.reminder_sent_at.is_(None),
            ReportingPeriod.ends_on >= today,
            ReportingPeriod.ends_on <= today + timedelta(days=REMIND_DAYS_BEFORE),
        )
    ).all()
    sent = 0
    for period in due:
        agenda = session.get(Agenda, period.agenda_id)
        assert agenda is not None
        visitatie = session.get(Visitatie, agenda.visitatie_id)
        assert visitatie is not None
        period.reminder_sent_at = utcnow()
        done = {u.part_id for u in updates_for(session, agenda).values() if u.period_id == period.id}
        all_parts = session.scalars(
            select(Part)
            .join(ActionLine, ActionLine.id == Part.action_line_id)
            .where(ActionLine.agenda_id == agenda.id, Part.status.in_(OPEN_STATUSES))
            .order_by(ActionLine.position, ActionLine.id, Part.position, Part.id)
        )
        waiting = [p for p in all_parts if p.id not in done]
        if not waiting:
            continue
        by_owner: dict[int, list[Part]] = {}
        for part in waiting:
            if part.owner_user is not None and part.owner_user.active:
                by_owner.setdefault(part.owner_user.id, []).append(part)
        people: dict[int, tuple[User, list[Part]]] = {}
        for coordinator in _coordinators(session, agenda.gemeente_id):
            people[coordinator.id] = (coordinator, waiting)
        for owner_id, parts in by_owner.items():
            if owner_id not in people:
                owner = parts[0].owner_user
                assert owner is not None
                people[owner_id] = (owner, parts)
        link = url_for("agenda.show", visitatie_id=visitatie.id, _external=True)
        for user, parts in people.values():
            mail.send(
                session,
                user.email,
                f"Stand van zaken verbeteragenda: {period.name} loopt af op {date_nl(period.ends_on)}",
                "agenda_reminder",
                user=user,
                visitatie=visitatie,
                period=period,
                parts=[(p.action_line.title, p.result or p.what) for p in parts],
                days_left=(period.ends_on - today).days,
                link=link,
            )
            sent += 1
    session.flush()
    return sent
