from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import func, select

from peerreview import access, db
from peerreview.audit.models import ACTIONS, AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/beheer/audit")
PAGE_SIZE = 50


# Dutch names for the keys of an event's details, as the log shows them (unknown keys are shown as they are).
DETAIL_LABELS = {
    "version": "versie",
    "revision": "revisie",
    "lead": "teamleider (id)",
    "members": "teamleden (id)",
    "checksum": "controlegetal",
    "role": "rol",
    "via": "gelezen via",
    "removed": "verwijderd",
    "withdrawn_by": "ingetrokken door",
    "filename": "bestand",
    "size": "grootte (bytes)",
    "kind": "soort",
    "round": "ronde",
    "name": "naam",
    "reason": "reden",
    "number": "nummer",
    "publication": "te lezen door",
    "previous": "eerder",
    "replaces": "vervangt versie",
    "comments": "reacties",
    "label": "voor",
    "day": "datum",
}


@bp.route("/")
@login_required
def index() -> str:
    access.require("audit.view")
    action = request.args.get("actie", "")
    who = request.args.get("wie", "").strip().lower()
    page = min(max(1, request.args.get("pagina", 1, type=int)), 2**31 // 50)  # a page number, not an overflow
    query = select(AuditEvent)
    if action in ACTIONS:
        query = query.where(AuditEvent.action == action)
    if who:
        query = query.where(AuditEvent.subject.contains(who))
    s = db.session()
    total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = s.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "audit/index.html",
        events=events,
        actions=ACTIONS,
        detail_labels=DETAIL_LABELS,
        action=action,
        who=who,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
    )
