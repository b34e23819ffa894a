"""Into the next round (issue 12, item 5): when a gemeente has a visitatie in a later round than the one
with its verbeteragenda, the new zelfevaluatie shows, beside each section, the previous portret's
development points and the agenda's action lines (with the status of their parts) for the themes of that
section, and asks "Wat is er met deze punten gedaan?" (a ``FollowUp`` per section). The review team of
the new visitatie sees the same beside the new text, with a link to the previous definitive portret.

Themes and sections are matched as the review and the portret match them: a theme's
``evidence_sections`` (``forms/themes-v1.yaml``) name section, subsection or question keys of the
zelfevaluatie; a page is relevant to a theme when one of those keys is the page, lies inside it, or holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.agenda.models import ActionLine, Agenda
from peerreview.agenda.report_models import FollowUp
from peerreview.audit.services import record
from peerreview.conflicts import Conflict
from peerreview.db import utcnow
from peerreview.portret.models import Portret
from peerreview.review.models import Annotation, AnnotationKind
from peerreview.review.themes import Theme, themes
from peerreview.rounds.models import Round, Visitatie, VisitatieState

FOLLOW_UP_MAX = 10_000
QUESTION = "Wat is er met deze punten gedaan?"


@dataclass
class Point:
    themes: list[str]
    text: str


@dataclass
class CarryOver:
    """What the previous round left for this visitatie."""

    previous: Visitatie
    agenda: Agenda | None
    portret: Portret | None  # the adopted one
    points: list[Point]
    lines: list[ActionLine]
    follow_ups: dict[str, FollowUp] = field(default_factory=dict)


@dataclass
class SectionCarryOver:
    carry: CarryOver
    section_key: str
    themes: list[Theme]
    points: list[Point]
    lines: list[ActionLine]
    follow_up: FollowUp | None

    @property
    def empty(self) -> bool:
        return not self.points and not self.lines


def previous_visitatie(session: Session, visitatie: Visitatie) -> Visitatie | None:
    """The gemeente's latest definitive visitatie in an earlier round (one that started before this one):
    one statement, as the section pages ask it on every request."""
    current_start = select(Round.starts_on).where(Round.id == visitatie.round_id).scalar_subquery()
    return session.scalar(
        select(Visitatie)
        .join(Round, Round.id == Visitatie.round_id)
        .where(
            Visitatie.gemeente_id == visitatie.gemeente_id,
            Visitatie.id != visitatie.id,
            Visitatie.state == VisitatieState.DEFINITIEF,
            Round.starts_on < current_start,
        )
        .order_by(Round.starts_on.desc(), Visitatie.id.desc())
        .limit(1)
    )


def carry_over(session: Session, visitatie: Visitatie) -> CarryOver | None:
    """The previous round's points and agenda for this visitatie, or None (first round). Once per request."""
    cache = g.setdefault("agenda_carry_over", {})
    if visitatie.id in cache:
        return cache[visitatie.id]  # type: ignore[no-any-return]
    found: CarryOver | None = None
    previous = previous_visitatie(session, visitatie)
    if previous is not None:
        agenda = session.scalar(select(Agenda).where(Agenda.visitatie_id == previous.id))
        portret = session.scalar(select(Portret).where(Portret.visitatie_id == previous.id))
        points = []
        if previous.annotations_released_at is not None or previous.round.open_review:
            points = [
                Point(list(a.themes or []), a.body)
                for a in session.scalars(
                    select(Annotation)
                    .where(Annotation.visitatie_id == previous.id, Annotation.kind == AnnotationKind.ONTWIKKELPUNT)
                    .order_by(Annotation.id)
                )
            ]
        found = CarryOver(
            previous=previous,
            agenda=agenda,
            portret=portret if portret is not None and portret.adopted_version is not None else None,
            points=points,
            lines=list(agenda.action_lines) if agenda is not None else [],
            follow_ups={
                f.section_key: f for f in session.scalars(select(FollowUp).where(FollowUp.visitatie_id == visitatie.id))
            },
        )
    cache[visitatie.id] = found
    return found


def _related(page_key: str, key: str) -> bool:
    return key == page_key or key.startswith(page_key + "_") or page_key.startswith(key + "_")


def themes_of_section(section_key: str) -> list[Theme]:
    return [t for t in themes().values() if any(_related(section_key, k) for k in t.evidence_sections)]


def for_section(session: Session, visitatie: Visitatie, section_key: str) -> SectionCarryOver | None:
    carry = carry_over(session, visitatie)
    if carry is None:
        return None
    relevant = themes_of_section(section_key)
    codes = {t.code for t in relevant}
    return SectionCarryOver(
        carry=carry,
        section_key=section_key,
        themes=relevant,
        points=[p for p in carry.points if codes & set(p.themes)],
        lines=[line for line in carry.lines if codes & set(line.themes or [])],
        follow_up=carry.follow_ups.get(section_key),
    )


def save_follow_up(
    session: Session, actor: User, visitatie: Visitatie, section_key: str, text: str, base_revision: int
) -> FollowUp:
    """Store the answer beside one section; ``base_revision`` is the revision the writer started from (0 for
    none): a stale one raises ``Conflict`` with the stored follow-up, so nothing anyone typed is lost."""
    text = text.replace("\r\n", "\n").strip()
    if len(text) > FOLLOW_UP_MAX:
        raise ValueError(f"Gebruik hoogstens {FOLLOW_UP_MAX} tekens.")
    wanted = select(FollowUp).where(FollowUp.visitatie_id == visitatie.id, FollowUp.section_key == section_key)
    current = session.scalar(wanted.with_for_update(of=FollowUp))
    stored_revision = current.revision if current is not None else 0
    if base_revision != stored_revision:
        raise Conflict(current)
    if current is None:
        current = FollowUp(
            gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id, section_key=section_key, text=text, revision=1
        )
        try:
            with session.begin_nested():  # two first saves at once: the later one is a conflict, not a 500
                session.add(current)
                session.flush()
        except IntegrityError:
            raise Conflict(session.scalar(wanted)) from None
    elif current.text == text:
        return current
    else:
        current.text, current.revision = text, current.revision + 1
    current.updated_by_id, current.updated_at = actor.id, utcnow()
    session.flush()
    record(
        session,
        "agenda_follow_up_saved",
        actor=actor,
        gemeente_id=visitatie.gemeente_id,
        obj=current,
        section=section_key,
        revision=current.revision,
    )
    return current
