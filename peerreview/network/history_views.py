"""A gemeente's rounds side by side (issue 11 item 9)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import select

from peerreview import access, db
from peerreview.network import history
from peerreview.network.blueprint import bp
from peerreview.tenants.models import Gemeente


@bp.route("/gemeenten/<slug>/rondes")
def history_rounds(slug: str) -> str:
    access.require("network.view")
    gemeente = db.session().scalar(select(Gemeente).where(Gemeente.slug == slug))
    if gemeente is None:
        abort(404)
    found = history.timeline(db.session(), current_user, gemeente)
    if found is None:
        abort(404)
    return render_template("network/history.html", timeline=found, period_label=history.period_label)
