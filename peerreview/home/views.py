from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from peerreview import access, db
from peerreview.definitief.services import published, visible_scopes
from peerreview.rounds.models import Round, Visitatie, VisitatieState
from peerreview.rounds.services import state_counts

bp = Blueprint("home", __name__)

# How many of the most recently adopted published portretten the start page lists (all: /portretten).
HOME_PUBLISHED = 10


@bp.route("/")
@login_required
def index() -> str:
    s = db.session()
    gemeente_ids = [m.gemeente_id for m in current_user.memberships]
    visitaties = (
        s.scalars(
            select(Visitatie).where(Visitatie.gemeente_id.in_(gemeente_ids)).order_by(Visitatie.created_at.desc())
        ).all()
        if gemeente_ids
        else []
    )
    rounds = []
    if access.can("round.list"):
        rounds = [
            (round_, state_counts(round_.visitaties)[VisitatieState.ZELFEVALUATIE])
            for round_ in s.scalars(select(Round).where(Round.ends_on >= date.today()).order_by(Round.starts_on))
        ]
    from peerreview.review.models import ReviewAssignment

    reviews = s.scalars(select(ReviewAssignment).where(ReviewAssignment.user_id == current_user.id)).all()
    return render_template(
        "home/index.html",
        reviews=[(a, s.get(Visitatie, a.visitatie_id)) for a in reviews],
        memberships=sorted(current_user.memberships, key=lambda m: m.gemeente.name),
        visitaties=visitaties,
        rounds=rounds,
        published=published(s, visible_scopes(current_user), limit=HOME_PUBLISHED),
        today=date.today(),
    )
