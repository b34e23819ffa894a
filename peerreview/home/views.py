from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import defaultload

from peerreview import access, db
from peerreview.definitief.services import published, visible_scopes
from peerreview.portret.models import Portret
from peerreview.rounds.models import Round, Visitatie, VisitatieState
from peerreview.rounds.services import state_counts_per_round

bp = Blueprint("home", __name__)

# How many of the most recently adopted published portretten the start page lists (all: /portretten).
HOME_PUBLISHED = 10


@bp.route("/")
@login_required
def index() -> str:
    s = db.session()
    from peerreview.review.models import ReviewAssignment

    reviews = s.scalars(select(ReviewAssignment).where(ReviewAssignment.user_id == current_user.id)).all()
    gemeente_ids = {m.gemeente_id for m in current_user.working_memberships}
    reviewed_ids = {a.visitatie_id for a in reviews}
    # The gemeente's own visitaties and the reviewed ones in one query.
    wanted = [
        *([Visitatie.gemeente_id.in_(gemeente_ids)] if gemeente_ids else []),
        *([Visitatie.id.in_(reviewed_ids)] if reviewed_ids else []),
    ]
    loaded = (
        s.scalars(
            select(Visitatie)
            .where(or_(*wanted))
            .options(defaultload(Visitatie.round).selectinload(Round.deadlines))  # the cards show them
            .order_by(Visitatie.created_at.desc())
        ).all()
        if wanted
        else []
    )
    access.remember_assignments(current_user, reviews, loaded)
    visitaties = [v for v in loaded if v.gemeente_id in gemeente_ids]
    reviewed = {v.id: v for v in loaded}
    portrets = (
        {
            p.visitatie_id: p
            for p in s.scalars(select(Portret).where(Portret.visitatie_id.in_([v.id for v in visitaties])))
        }
        if visitaties
        else {}
    )
    council = _council_reading(s)
    rounds = []
    if access.can("round.list"):
        active = s.scalars(select(Round).where(Round.ends_on >= date.today()).order_by(Round.starts_on)).all()
        counts = state_counts_per_round(s, [r.id for r in active])
        rounds = [
            (round_, sum(counts[round_.id].values()), counts[round_.id][VisitatieState.ZELFEVALUATIE])
            for round_ in active
        ]
    return render_template(
        "home/index.html",
        reviews=[(a, reviewed[a.visitatie_id]) for a in reviews],
        memberships=sorted(current_user.working_memberships, key=lambda m: m.gemeente.name),
        visitaties=visitaties,
        portrets=portrets,
        rounds=rounds,
        published=published(s, visible_scopes(current_user), limit=HOME_PUBLISHED),
        today=date.today(),
        council=council,
    )


def _council_reading(s: Any) -> list[tuple[Visitatie, Portret | None]]:
    """For a council member or auditor: the definitive visitaties of their gemeente(n), with the adopted
    portret: what they may read (the verbeteragenda and the definitive portret)."""
    gemeente_ids = [m.gemeente_id for m in current_user.council_memberships]
    if not gemeente_ids:
        return []
    visitaties = s.scalars(
        select(Visitatie)
        .where(Visitatie.gemeente_id.in_(gemeente_ids), Visitatie.state == VisitatieState.DEFINITIEF)
        .order_by(Visitatie.created_at.desc())
    ).all()
    portrets = {
        p.visitatie_id: p
        for p in s.scalars(select(Portret).where(Portret.visitatie_id.in_([v.id for v in visitaties])))
    }
    return [(v, portrets.get(v.id)) for v in visitaties]
