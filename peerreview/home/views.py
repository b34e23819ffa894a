from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from peerreview import access, db
from peerreview.rounds.models import Round, Visitatie, VisitatieState
from peerreview.rounds.services import state_counts_per_round

bp = Blueprint("home", __name__)


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
        active = s.scalars(select(Round).where(Round.ends_on >= date.today()).order_by(Round.starts_on)).all()
        counts = state_counts_per_round(s, [r.id for r in active])
        rounds = [
            (round_, sum(counts[round_.id].values()), counts[round_.id][VisitatieState.ZELFEVALUATIE])
            for round_ in active
        ]
    from peerreview.review.models import ReviewAssignment

    reviews = s.scalars(select(ReviewAssignment).where(ReviewAssignment.user_id == current_user.id)).all()
    reviewed = (
        {v.id: v for v in s.scalars(select(Visitatie).where(Visitatie.id.in_([a.visitatie_id for a in reviews])))}
        if reviews
        else {}
    )
    return render_template(
        "home/index.html",
        reviews=[(a, reviewed[a.visitatie_id]) for a in reviews],
        memberships=sorted(current_user.memberships, key=lambda m: m.gemeente.name),
        visitaties=visitaties,
        rounds=rounds,
        today=date.today(),
    )
