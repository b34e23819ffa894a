"""The reflectiesessie's rules: plan and invite (with a calendar file; a changed plan sends an update),
attendees proposed and agreed, the record of the session, and the wederhoor texts.

Views check *who* may act (``access.py``); these functions check *what* is allowed now and raise
``SessieError`` with a Dutch message. Nothing here commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time
from typing import Any, TypeVar

from flask import url_for
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from peerreview import signals
from peerreview.accounts.models import Membership, MembershipRole, User
from peerreview.audit.services import record
from peerreview.conflicts import Conflict
from peerreview.db import utcnow
from peerreview.formatting import date_nl
from peerreview.mail import services as mail
from peerreview.portret.models import Portret
from peerreview.reflectiesessie import ics
from peerreview.reflectiesessie.models import (
    ImprovementPoint,
    Recognisability,
    ReflectieSessie,
    SessieAttendee,
    SessieLesson,
    SessieMode,
)
from peerreview.rounds.models import Visitatie
from peerreview.sanitize import clean_html, plain_text, word_count

# A bestuurlijke reactie is "at most a few pages": about three pages of A4 at 500 words a page.
REACTIE_MAX_WORDS = 1500
NAWOORD_MAX_WORDS = 800
TEXT_MAX = 2000  # a lesson or an improvement point is a sentence or a short paragraph


class SessieError(Exception):
    """A refused operation; the message is Dutch and meant for the user."""


def sessie_of(session: Session, visitatie: Visitatie) -> ReflectieSessie | None:
    return session.scalar(select(ReflectieSessie).where(ReflectieSessie.visitatie_id == visitatie.id))


def get_or_create(session: Session, visitatie: Visitatie) -> ReflectieSessie:
    sessie = sessie_of(session, visitatie)
    if sessie is None:
        sessie = ReflectieSessie(
            gemeente_id=visitatie.gemeente_id,
            visitatie_id=visitatie.id,
            ics_uid=f"reflectiesessie-{uuid.uuid4()}@peerreview",
        )
        session.add(sessie)
        session.flush()
    return sessie


def adopted(session: Session, visitatie: Visitatie) -> bool:
    """The portret is definitive: the session's record and the wederhoor are closed."""
    portret = session.scalar(select(Portret).where(Portret.visitatie_id == visitatie.id))
    return portret is not None and portret.adopted_version is not None


# --- planning -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInput:
    planned_on: date
    starts_at: time
    ends_at: time
    mode: str
    location: str
    link: str


def _checked(data: PlanInput) -> PlanInput:
    if data.ends_at <= data.starts_at:
        raise SessieError("De eindtijd moet na de begintijd liggen.")
    mode = SessieMode(data.mode)
    location, link = data.location.strip(), data.link.strip()
    if mode is SessieMode.OP_LOCATIE and not location:
        raise SessieError("Vul de locatie in: waar komen jullie bij elkaar?")
    if mode is SessieMode.DIGITAAL and not link.startswith("https://"):
        raise SessieError("Vul de link naar de digitale sessie in; die begint met https://.")
    return PlanInput(data.planned_on, data.starts_at, data.ends_at, mode.value, location, link)


def save_plan(session: Session, actor: User, visitatie: Visitatie, data: PlanInput) -> tuple[ReflectieSessie, int]:
    """Store the plan; once the invitation went out, a change sends everyone an update with the same
    calendar UID and a higher SEQUENCE. Returns the session and the number of update e-mails."""
    data = _checked(data)
    sessie = get_or_create(session, visitatie)
    if sessie.held_on is not None:
        raise SessieError("De sessie is al gehouden; de planning kan niet meer worden gewijzigd.")
    before = (sessie.planned_on, sessie.starts_at, sessie.ends_at, sessie.mode, sessie.location, sessie.link)
    sessie.planned_on, sessie.starts_at, sessie.ends_at = data.planned_on, data.starts_at, data.ends_at
    sessie.mode, sessie.location, sessie.link = SessieMode(data.mode), data.location, data.link
    sessie.planned_by_id = actor.id
    after = (sessie.planned_on, sessie.starts_at, sessie.ends_at, sessie.mode, sessie.location, sessie.link)
    sent = 0
    if sessie.invited_at is not None and before != after:
        sessie.ics_sequence += 1
        sessie.reminded_for = None  # a new time gets its own reminder
        record(
            session,
            "sessie_replanned",
            actor=actor,
            gemeente_id=visitatie.gemeente_id,
            obj=sessie,
            sequence=sessie.ics_sequence,
            planned_on=str(sessie.planned_on),
        )
        sent = _mail_everyone(session, visitatie, sessie, "update")
    session.flush()
    return sessie, sent


def invite(session: Session, actor: User, visitatie: Visitatie) -> int:
    """Send the invitation with the calendar file to the gemeente's members and the review team."""
    sessie = sessie_of(session, visitatie)
    if sessie is None or not sessie.planned:
        raise SessieError("Plan eerst de datum, tijd en plaats van de sessie.")
    if sessie.invited_at is not None:
        raise SessieError("De uitnodiging is al verstuurd. Wijzig je de planning, dan krijgt iedereen een update.")
    if not any(a.agreed_at for a in attendees(session, sessie)):
        raise SessieError("Spreek eerst met het reviewteam af wie er aan de sessie deelnemen.")
    sessie.invited_at = utcnow()
    record(session, "sessie_invited", actor=actor, gemeente_id=visitatie.gemeente_id, obj=sessie)
    sent = _mail_everyone(session, visitatie, sessie, "invitation")
    session.flush()
    return sent


def recipients(session: Session, visitatie: Visitatie) -> list[User]:
    """The gemeente's active members, then the review team: each person once."""
    from peerreview.review.assignments import team_of

    members = session.scalars(
        select(User)
        .join(Membership)
        .where(
            Membership.gemeente_id == visitatie.gemeente_id,
            Membership.role != MembershipRole.RAAD,
            User.active.is_(True),
        )
        .order_by(User.name, User.id)
    )
    people: dict[int, User] = {}
    for user in [*members, *(a.user for a in team_of(session, visitatie) if a.user.active)]:
        people.setdefault(user.id, user)
    return list(people.values())


def calendar_attachment(visitatie: Visitatie, sessie: ReflectieSessie) -> mail.Attachment:
    content = ics.calendar_file(sessie, visitatie, _portret_link(visitatie), _page_link(visitatie))
    return mail.Attachment(f"reflectiesessie-{visitatie.gemeente.slug}.ics", ics.CONTENT_TYPE, content)


def _portret_link(visitatie: Visitatie) -> str:
    return url_for("portret.show", visitatie_id=visitatie.id, _external=True)


def _page_link(visitatie: Visitatie) -> str:
    return url_for("reflectiesessie.show", visitatie_id=visitatie.id, _external=True)


def _mail_everyone(session: Session, visitatie: Visitatie, sessie: ReflectieSessie, kind: str) -> int:
    """``kind``: invitation | update | reminder. One calendar file for all, so every copy has one DTSTAMP."""
    attachment = calendar_attachment(visitatie, sessie)
    subject = {
        "invitation": "Uitnodiging",
        "update": "Gewijzigd",
        "reminder": "Herinnering",
    }[kind] + f": reflectiesessie {visitatie.gemeente.name} op {date_nl(sessie.planned_on)}"
    people = recipients(session, visitatie)
    agreed = [a for a in attendees(session, sessie) if a.agreed_at is not None]
    for user in people:
        mail.send(
            session,
            user.email,
            subject,
            "reflectiesessie",
            attachment=attachment,
            kind=kind,
            user=user,
            visitatie=visitatie,
            sessie=sessie,
            attendees=agreed,
            portret_link=_portret_link(visitatie),
            link=_page_link(visitatie),
        )
    return len(people)


# --- attendees ----------------------------------------------------------------------------------------


def attendees(session: Session, sessie: ReflectieSessie) -> list[SessieAttendee]:
    return list(
        session.scalars(
            select(SessieAttendee)
            .where(SessieAttendee.sessie_id == sessie.id)
            .order_by(SessieAttendee.id)  # in the order they were proposed
        )
    )


def attendee(session: Session, sessie: ReflectieSessie, attendee_id: int) -> SessieAttendee | None:
    return session.scalar(
        select(SessieAttendee).where(SessieAttendee.id == attendee_id, SessieAttendee.sessie_id == sessie.id)
    )


def add_attendee(
    session: Session, actor: User, visitatie: Visitatie, role: str, organisation: str, *, agreed: bool
) -> SessieAttendee:
    """Propose an attendee; one the team adds itself is agreed at once."""
    sessie = get_or_create(session, visitatie)
    if len(attendees(session, sessie)) >= 60:
        raise SessieError("Er staan al 60 deelnemers op de lijst; dat is het maximum.")
    item = SessieAttendee(
        gemeente_id=sessie.gemeente_id,
        sessie_id=sessie.id,
        role=role.strip(),
        organisation=organisation.strip(),
        proposed_by_id=actor.id,
    )
    if agreed:
        item.agreed_at, item.agreed_by_id = utcnow(), actor.id
    session.add(item)
    session.flush()
    return item


def agree(session: Session, actor: User, item: SessieAttendee) -> None:
    if item.agreed_at is None:
        item.agreed_at, item.agreed_by_id = utcnow(), actor.id
        session.flush()


def remove_attendee(session: Session, item: SessieAttendee) -> None:
    session.delete(item)
    session.flush()


# --- the record ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordInput:
    held_on: date
    recognisability: str
    sections: dict[str, str]  # section key -> recognisability value ("" : not discussed)
    present_ids: list[int]
    notes: str


def save_record(session: Session, actor: User, visitatie: Visitatie, data: RecordInput, today: date) -> ReflectieSessie:
    if adopted(session, visitatie):
        raise SessieError("Het portret is vastgesteld; het verslag van de sessie kan niet meer worden gewijzigd.")
    if data.held_on > today:
        raise SessieError("De sessie kan niet in de toekomst zijn gehouden. Vul de datum in waarop ze plaatsvond.")
    sessie = get_or_create(session, visitatie)
    sessie.held_on = data.held_on
    sessie.recognisability = Recognisability(data.recognisability)
    sessie.section_recognisability = {k: Recognisability(v).value for k, v in data.sections.items() if v}
    sessie.notes = clean_html(data.notes)
    sessie.recorded_by_id, sessie.recorded_at = actor.id, utcnow()
    present = set(data.present_ids)
    for item in attendees(session, sessie):
        item.present = item.id in present
    record(session, "sessie_recorded", actor=actor, gemeente_id=visitatie.gemeente_id, obj=sessie)
    session.flush()
    return sessie


def _by_theme(item: SessieLesson | ImprovementPoint) -> tuple[int, int]:
    """T1, T2, ... T12 in number order (not T1, T10, T11, T12, T2)."""
    return int(item.theme[1:]), item.id


def lessons(session: Session, sessie: ReflectieSessie) -> list[SessieLesson]:
    items = session.scalars(select(SessieLesson).where(SessieLesson.sessie_id == sessie.id))
    return sorted(items, key=_by_theme)


def improvement_points(session: Session, visitatie: Visitatie) -> list[ImprovementPoint]:
    items = session.scalars(select(ImprovementPoint).where(ImprovementPoint.visitatie_id == visitatie.id))
    return sorted(items, key=_by_theme)


def _theme_text(theme: str, text: str) -> tuple[str, str]:
    from peerreview.review.themes import themes

    if theme not in themes():
        raise SessieError("Kies een van de twaalf thema's.")
    text = text.strip()
    if not text:
        raise SessieError("Vul de tekst in.")
    if len(text) > TEXT_MAX:
        raise SessieError(f"Gebruik hoogstens {TEXT_MAX} tekens.")
    return theme, text


def add_lesson(session: Session, actor: User, visitatie: Visitatie, theme: str, text: str) -> SessieLesson:
    return _add_item(session, actor, visitatie, SessieLesson, theme, text, "de lessen liggen vast")


def add_improvement_point(
    session: Session, actor: User, visitatie: Visitatie, theme: str, text: str
) -> ImprovementPoint:
    return _add_item(
        session, actor, visitatie, ImprovementPoint, theme, text, "de verbeterpunten uit de sessie liggen vast"
    )


Item = TypeVar("Item", SessieLesson, ImprovementPoint)


def _add_item(
    session: Session, actor: User, visitatie: Visitatie, model: type[Item], theme: str, text: str, fixed: str
) -> Item:
    """A lesson or an improvement point of the session, linked to a theme; both lie fixed after adoption."""
    if adopted(session, visitatie):
        raise SessieError(f"Het portret is vastgesteld; {fixed}.")
    theme, text = _theme_text(theme, text)
    sessie = get_or_create(session, visitatie)
    item = model(
        gemeente_id=sessie.gemeente_id,
        sessie_id=sessie.id,
        visitatie_id=visitatie.id,
        theme=theme,
        text=text,
        created_by_id=actor.id,
    )
    session.add(item)
    session.flush()
    signals.network_material_changed.send(visitatie.id, session=session)
    return item


def remove_item(session: Session, visitatie: Visitatie, item: Any) -> None:
    if adopted(session, visitatie):
        raise SessieError("Het portret is vastgesteld; dit ligt vast.")
    session.delete(item)
    session.flush()
    signals.network_material_changed.send(visitatie.id, session=session)


# --- wederhoor ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of the wederhoor: the columns only it writes, its audit action and its word limit."""

    text: str
    revision: str
    author: str
    at: str
    action: str
    max_words: int
    name: str


WEDERHOOR = {
    "reactie": Side("reactie", "reactie_revision", "reactie_by_id", "reactie_at", "sessie_reactie_saved",
                    REACTIE_MAX_WORDS, "De bestuurlijke reactie"),
    "nawoord": Side("nawoord", "nawoord_revision", "nawoord_by_id", "nawoord_at", "sessie_nawoord_saved",
                    NAWOORD_MAX_WORDS, "Het nawoord"),
}  # fmt: skip


def too_long(side: str, html: str) -> str | None:
    """The Dutch message when ``html`` is over the word limit of ``side``, else None."""
    limit, name = WEDERHOOR[side].max_words, WEDERHOOR[side].name
    words = word_count(plain_text(clean_html(html)))
    if words <= limit:
        return None
    return f"{name} mag hoogstens {limit:,} woorden tellen; nu zijn het er {words:,}. Kort de tekst in.".replace(
        ",", "."
    )


def save_wederhoor(
    session: Session, actor: User, visitatie: Visitatie, side: str, html: str, base_revision: int
) -> ReflectieSessie:
    """Save one side's text (``reactie`` by the gemeente, ``nawoord`` by the team). Only that side's
    columns are written, and only if nobody saved since ``base_revision`` (else ``Conflict``)."""
    columns = WEDERHOOR[side]
    name = columns.name
    if not visitatie.round.wederhoor:
        raise SessieError("In deze ronde is er geen wederhoor.")
    if adopted(session, visitatie):
        raise SessieError(f"Het portret is vastgesteld; {name[0].lower() + name[1:]} kan niet meer worden gewijzigd.")
    message = too_long(side, html)
    if message:
        raise SessieError(message)
    sessie = get_or_create(session, visitatie)
    revision = getattr(ReflectieSessie, columns.revision)
    stored = session.execute(
        update(ReflectieSessie)
        .where(ReflectieSessie.id == sessie.id, revision == base_revision)
        .values(
            {
                columns.text: clean_html(html),
                columns.revision: revision + 1,
                columns.author: actor.id,
                columns.at: utcnow(),
            }
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(sessie)
    if stored.rowcount == 0:  # type: ignore[attr-defined]
        raise Conflict(sessie, side=side)
    record(
        session,
        columns.action,
        actor=actor,
        gemeente_id=visitatie.gemeente_id,
        obj=sessie,
        revision=getattr(sessie, columns.revision),
    )
    session.flush()
    return sessie


# --- reminders ----------------------------------------------------------------------------------------

REMIND_DAYS_BEFORE = 3


def send_reminders(session: Session, today: date) -> int:
    """Part of the daily reminder run (``rounds.reminders.send_due``): everyone invited hears again
    ``REMIND_DAYS_BEFORE`` days (or fewer, after a missed run) before the session; once per planned start."""
    sent = 0
    waiting = select(ReflectieSessie).where(
        ReflectieSessie.invited_at.is_not(None),
        ReflectieSessie.held_on.is_(None),
        ReflectieSessie.planned_on >= today,
    )
    for sessie in session.scalars(waiting):
        assert sessie.planned_on is not None
        if (sessie.planned_on - today).days > REMIND_DAYS_BEFORE or not sessie.planned:
            continue
        start, _end = ics.start_end_utc(sessie)
        if sessie.reminded_for is not None and sessie.reminded_for == start:
            continue
        visitatie = session.get(Visitatie, sessie.visitatie_id)
        assert visitatie is not None
        sessie.reminded_for = start
        sent += _mail_everyone(session, visitatie, sessie, "reminder")
    session.flush()
    return sent
