"""Releasing the annotations to the gemeente (the team lead or round staff decides when)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview import signals
from peerreview.accounts.models import Membership, MembershipRole, User
from peerreview.audit.services import record
from peerreview.db import utcnow
from peerreview.mail import services as mail
from peerreview.rounds.models import Visitatie


def release(session: Session, actor: User, visitatie: Visitatie) -> None:
    visitatie.annotations_released_at = utcnow()
    record(session, "annotations_released", actor=actor, gemeente_id=visitatie.gemeente_id, obj=visitatie)
    members = session.scalars(
        select(User)
        .join(Membership)
        .where(Membership.gemeente_id == visitatie.gemeente_id, Membership.role != MembershipRole.RAAD)
    )
    for member in members:
        mail.send(
            session,
            member.email,
            f"De reviewers hebben hun aantekeningen gedeeld: {visitatie.gemeente.name}",
            "annotations_released",
            user=member,
            visitatie=visitatie,
            link=url_for("review.workspace", visitatie_id=visitatie.id, _external=True),
        )
    session.flush()
    signals.network_material_changed.send(visitatie.id, session=session)  # now network material (concept)
