"""The feedback deadline, and the portret becoming definitive in two steps: the team lead (or round
staff) proposes the current version once every comment is answered, and the gemeente's coordinator
adopts it (*vaststellen*). Both steps are audit-logged and mailed."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import url_for
from sqlalchemy.orm import Session

from peerreview import signals
from peerreview.accounts.models import User
from peerreview.accounts.services import coordinators_of
from peerreview.audit.services import record
from peerreview.db import utcnow
from peerreview.formatting import LOCAL
from peerreview.mail import services as mail
from peerreview.portret import services as portret_services
from peerreview.portret import tasks as portret_tasks
from peerreview.portret.models import Portret, VersionKind
from peerreview.reflectie.comments import unanswered
from peerreview.reflectie.errors import ReflectieError
from peerreview.review.assignments import team_of
from peerreview.rounds.models import VisitatieState


def end_of_day(day: date) -> datetime:
    """23:59 Dutch time on ``day``: "reageer vóór 14 december" means that whole day."""
    return datetime.combine(day, time(23, 59), tzinfo=LOCAL)


def set_deadline(session: Session, actor: User, portret: Portret, day: date) -> None:
    if day < utcnow().astimezone(LOCAL).date():
        raise ReflectieError("Kies een datum vanaf vandaag.")
    portret.feedback_deadline = end_of_day(day)
    record(session, "feedback_deadline_set", actor=actor, gemeente_id=portret.gemeente_id, obj=portret, day=str(day))
    session.flush()


def propose(session: Session, actor: User, portret: Portret) -> int:
    """Step one: propose the current version as the definitive portret. Refused while comments wait."""
    visitatie = portret.visitatie
    if visitatie.state is not VisitatieState.REFLECTIE:
        raise ReflectieError("Een definitieve versie voorstellen kan nadat de gemeente heeft gereageerd.")
    waiting = unanswered(session, portret)
    if waiting:
        raise ReflectieError(
            f"Er {'wacht nog 1 reactie' if waiting == 1 else f'wachten nog {waiting} reacties'} op een antwoord van "
            "het team. Beantwoord eerst elke reactie; daarna kun je het portret voorstellen als definitief."
        )
    portret.proposed_version, portret.proposed_at, portret.proposed_by_id = portret.current_version, utcnow(), actor.id
    record(
        session,
        "portret_proposed",
        actor=actor,
        gemeente_id=portret.gemeente_id,
        obj=portret,
        version=portret.current_version,
    )
    link = url_for("reflectie.log", visitatie_id=visitatie.id, _external=True)
    for coordinator in coordinators_of(session, visitatie.gemeente_id):
        mail.send(
            session,
            coordinator.email,
            f"Stel het portret van {visitatie.gemeente.name} vast",
            "portret_proposed",
            user=coordinator,
            visitatie=visitatie,
            number=portret.current_version,
            link=link,
        )
    session.flush()
    return portret.current_version


def adopt(session: Session, actor: User, portret: Portret) -> int:
    """Step two: the gemeente's coordinator adopts the proposed version; it becomes DEFINITIEF."""
    visitatie = portret.visitatie
    if visitatie.state is not VisitatieState.REFLECTIE or portret.proposed_version is None:
        raise ReflectieError("Het reviewteam heeft nog geen definitieve versie voorgesteld.")
    if portret.proposed_version != portret.current_version:
        raise ReflectieError(
            f"Het team heeft het portret na het voorstel (versie {portret.proposed_version}) nog aangepast. "
            "Vraag de teamleider de nieuwe versie voor te stellen."
        )
    if unanswered(session, portret):
        raise ReflectieError("Niet elke reactie heeft een antwoord van het team.")
    item = portret_services.version(session, portret, portret.proposed_version)
    assert item is not None
    item.kind = VersionKind.DEFINITIEF
    portret.adopted_version, portret.adopted_at, portret.adopted_by_id = item.number, utcnow(), actor.id
    visitatie.state = VisitatieState.DEFINITIEF
    portret_tasks.request_pdf(session, item)  # the definitive PDF: no concept marks, with its checksum
    record(session, "portret_adopted", actor=actor, gemeente_id=portret.gemeente_id, obj=portret, version=item.number)
    link = url_for("portret.show", visitatie_id=visitatie.id, _external=True)
    recipients = {a.user.email: a.user for a in team_of(session, visitatie)}
    recipients.update({c.email: c for c in coordinators_of(session, visitatie.gemeente_id)})
    for email, user in recipients.items():
        mail.send(
            session,
            email,
            f"Het portret van {visitatie.gemeente.name} is vastgesteld",
            "portret_adopted",
            user=user,
            visitatie=visitatie,
            number=item.number,
            link=link,
        )
    session.flush()
    signals.network_material_changed.send(visitatie.id, session=session)
    return item.number
