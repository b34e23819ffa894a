"""Review teams and declarations: who reviews which visitatie (the rules and the suggestion are in
``teams``), setting a team, and a reviewer's declaration of no conflict of interest."""

from __future__ import annotations

from collections import defaultdict

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.accounts.models import Membership, MembershipRole, User
from peerreview.audit.services import record
from peerreview.db import utcnow
from peerreview.mail import services as mail
from peerreview.review import teams
from peerreview.review.errors import ReviewError
from peerreview.review.models import ReviewAssignment, TeamRole
from peerreview.rounds.models import Round, Visitatie, VisitatieState
from peerreview.tenants.models import Gemeente


def team_of(session: Session, visitatie: Visitatie) -> list[ReviewAssignment]:
    return list(
        session.scalars(
            select(ReviewAssignment)
            .where(ReviewAssignment.visitatie_id == visitatie.id)
            .order_by(ReviewAssignment.role, ReviewAssignment.id)
        )
    )


def _as_team(assignments: list[ReviewAssignment]) -> teams.Team:
    lead = next((a.user_id for a in assignments if a.role is TeamRole.LEAD), None)
    return teams.Team(lead=lead, members=[a.user_id for a in assignments if a.role is TeamRole.MEMBER])


def candidates(session: Session) -> dict[int, teams.Candidate]:
    """Everyone who can review: coordinators and writers of any gemeente."""
    rows = session.execute(
        select(User, Gemeente)
        .join(Membership, Membership.user_id == User.id)
        .join(Gemeente)
        .where(User.active.is_(True), Membership.role.in_([MembershipRole.COORDINATOR, MembershipRole.CONTRIBUTOR]))
        .order_by(Gemeente.name, User.name)
    )
    return {
        user.id: teams.Candidate(
            user_id=user.id,
            name=user.name,
            gemeente_id=gemeente.id,
            jeugdregio=gemeente.jeugdregio.name if gemeente.jeugdregio else None,
            gemeente_name=gemeente.name,
        )
        for user, gemeente in rows
    }


def target_of(visitatie: Visitatie) -> teams.Target:
    return teams.Target(
        visitatie_id=visitatie.id,
        gemeente_id=visitatie.gemeente_id,
        gemeente_name=visitatie.gemeente.name,
        jeugdregio=visitatie.gemeente.jeugdregio.name if visitatie.gemeente.jeugdregio else None,
    )


def round_teams(session: Session, round_: Round) -> dict[int, teams.Team]:
    by_visitatie: dict[int, list[ReviewAssignment]] = defaultdict(list)
    ids = [v.id for v in round_.visitaties]
    for a in session.scalars(select(ReviewAssignment).where(ReviewAssignment.visitatie_id.in_(ids))):
        by_visitatie[a.visitatie_id].append(a)
    return {vid: _as_team(by_visitatie[vid]) for vid in ids if by_visitatie.get(vid)}


def problems(session: Session, visitatie: Visitatie, team: teams.Team | None = None) -> list[teams.Problem]:
    round_ = visitatie.round
    all_teams = round_teams(session, round_)
    team = team or all_teams.get(visitatie.id) or teams.Team(lead=None, members=[])
    all_teams[visitatie.id] = team
    return teams.check_team(
        target_of(visitatie),
        team,
        candidates(session),
        all_teams,
        {v.id: target_of(v) for v in round_.visitaties},
        same_region=round_.same_region_rule,
    )


def set_team(
    session: Session, actor: User, visitatie: Visitatie, lead_id: int | None, member_ids: list[int]
) -> list[teams.Problem]:
    """Replace the team; refused when a rule blocks it. Returns the remaining warnings."""
    team = teams.Team(lead=lead_id, members=[m for m in member_ids if m and m != lead_id])
    found = problems(session, visitatie, team)
    if teams.blocked(found):
        raise ReviewError(" ".join(p.message for p in found if p.level == "block"))
    current = {a.user_id: a for a in team_of(session, visitatie)}
    wanted = {lead_id: TeamRole.LEAD} if lead_id else {}
    wanted.update({m: TeamRole.MEMBER for m in team.members})
    for user_id, assignment in current.items():
        if user_id not in wanted:
            session.delete(assignment)
    session.flush()
    for user_id, role in wanted.items():
        if user_id in current:
            current[user_id].role = role
            continue
        new = ReviewAssignment(
            gemeente_id=visitatie.gemeente_id,
            visitatie_id=visitatie.id,
            user_id=user_id,
            role=role,
            assigned_by_id=actor.id,
        )
        session.add(new)
        session.flush()
        reviewer = session.get(User, user_id)
        assert reviewer is not None
        mail.send(
            session,
            reviewer.email,
            f"Je bent reviewer voor {visitatie.gemeente.name}",
            "review_assigned",
            user=reviewer,
            visitatie=visitatie,
            role=role,
            link=url_for("review.declare", visitatie_id=visitatie.id, _external=True),
        )
    record(
        session,
        "review_team_set",
        actor=actor,
        gemeente_id=visitatie.gemeente_id,
        obj=visitatie,
        lead=lead_id,
        members=team.members,
    )
    session.flush()
    return [p for p in found if p.level == "warn"]


def suggest_for_round(session: Session, round_: Round) -> dict[int, teams.Team]:
    targets = [target_of(v) for v in round_.visitaties if v.variant is not None]
    return teams.suggest(
        targets,
        list(candidates(session).values()),
        same_region=round_.same_region_rule,
        existing=round_teams(session, round_),
    )


def declare(session: Session, actor: User, visitatie: Visitatie) -> None:
    assignment = session.scalar(
        select(ReviewAssignment).where(
            ReviewAssignment.visitatie_id == visitatie.id, ReviewAssignment.user_id == actor.id
        )
    )
    if assignment is None:
        raise ReviewError("Je bent niet toegewezen aan deze visitatie.")
    if assignment.declared_at is None:
        assignment.declared_at = utcnow()
        record(session, "conflict_declared", actor=actor, gemeente_id=visitatie.gemeente_id, obj=assignment)
    if visitatie.state is VisitatieState.INGEDIEND:
        visitatie.state = VisitatieState.IN_REVIEW
    session.flush()
