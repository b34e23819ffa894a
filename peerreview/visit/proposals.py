"""Respondent proposals: the gemeente proposes whom the review team could speak to during the visit.

The gemeente knows its partners and the people who can tell the story; the review team decides whom it
speaks to. A proposal stays open until the team (or a round coordinator) adopts it, which makes a
respondent of its role, organisation and group (by role only, as every respondent), or declines it with a
reason, or the gemeente withdraws it. Services flush and never commit; the view commits once. The
optional name is never written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.audit.services import record
from peerreview.db import utcnow
from peerreview.rounds.models import Visitatie
from peerreview.visit import services
from peerreview.visit.models import ProposalStatus, Respondent, RespondentGroup, RespondentProposal


class ProposalError(Exception):
    """A refused operation; the message is Dutch and meant for the user."""


@dataclass
class ProposalInput:
    name: str
    role: str
    organisation: str
    group: str
    motivation: str


def proposals(session: Session, visitatie: Visitatie) -> list[RespondentProposal]:
    """The visitatie's proposals: open ones first, then by when they were made."""
    rows = session.scalars(
        select(RespondentProposal)
        .where(RespondentProposal.visitatie_id == visitatie.id)
        .order_by(RespondentProposal.proposed_at, RespondentProposal.id)
    ).all()
    return sorted(rows, key=lambda p: p.status is not ProposalStatus.VOORGESTELD)


def proposal(session: Session, visitatie: Visitatie, proposal_id: int) -> RespondentProposal | None:
    """One proposal of this visitatie (None for another visitatie's: the view answers 404)."""
    return session.scalar(
        select(RespondentProposal).where(
            RespondentProposal.id == proposal_id, RespondentProposal.visitatie_id == visitatie.id
        )
    )


def open_count(session: Session, visitatie: Visitatie) -> int:
    return len([p for p in proposals(session, visitatie) if p.status is ProposalStatus.VOORGESTELD])


def propose(session: Session, actor: User, visitatie: Visitatie, data: ProposalInput) -> RespondentProposal:
    item = RespondentProposal(
        gemeente_id=visitatie.gemeente_id,
        visitatie_id=visitatie.id,
        name=data.name.strip(),
        role=data.role.strip(),
        organisation=data.organisation.strip(),
        group=RespondentGroup(data.group),
        motivation=data.motivation.strip(),
        proposed_by_id=actor.id,
    )
    session.add(item)
    session.flush()
    record(session, "respondent_proposed", actor=actor, gemeente_id=visitatie.gemeente_id, obj=item, role=item.role)
    return item


def _still_open(item: RespondentProposal) -> None:
    if item.status is not ProposalStatus.VOORGESTELD:
        raise ProposalError(f"Over dit voorstel is al beslist: {item.status.label.lower()}.")


def withdraw(session: Session, actor: User, item: RespondentProposal) -> None:
    _still_open(item)
    item.status, item.decided_by_id, item.decided_at = ProposalStatus.INGETROKKEN, actor.id, utcnow()
    session.flush()
    record(session, "respondent_proposal_withdrawn", actor=actor, gemeente_id=item.gemeente_id, obj=item)


def adopt(session: Session, actor: User, visitatie: Visitatie, item: RespondentProposal) -> Respondent:
    """Make a respondent of the proposal (role, organisation, group; never the name)."""
    _still_open(item)
    respondent = services.save_respondent(
        session,
        visitatie,
        services.RespondentInput(item.role, item.organisation, item.group.value, 1, False),
    )
    item.status, item.decided_by_id, item.decided_at = ProposalStatus.OVERGENOMEN, actor.id, utcnow()
    item.respondent_id = respondent.id
    session.flush()
    record(
        session,
        "respondent_proposal_adopted",
        actor=actor,
        gemeente_id=item.gemeente_id,
        obj=item,
        respondent_id=respondent.id,
    )
    return respondent


def decline(session: Session, actor: User, item: RespondentProposal, reason: str) -> None:
    _still_open(item)
    reason = reason.strip()
    if not reason:
        raise ProposalError("Schrijf kort waarom het team deze persoon niet spreekt; de gemeente leest het.")
    item.status, item.decided_by_id, item.decided_at = ProposalStatus.AFGEWEZEN, actor.id, utcnow()
    item.reason = reason
    session.flush()
    record(session, "respondent_proposal_declined", actor=actor, gemeente_id=item.gemeente_id, obj=item)
