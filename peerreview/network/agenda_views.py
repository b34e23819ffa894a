"""The network's view of the verbeteragenda's (issue 12, item 6): what gemeenten work on by theme and how far
they got; anonymised unless the gemeente published its agenda. Analysts and round coordinators only."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from peerreview import access, db
from peerreview.agenda.network_view import MIN_ANONYMOUS, overview
from peerreview.agenda.reports import short_status
from peerreview.network.blueprint import bp


@bp.route("/verbeteragendas")
@login_required
def agendas() -> str:
    access.require("network.agendas")
    return render_template(
        "network/agendas.html",
        view=overview(db.session()),
        short_status=short_status,
        min_anonymous=MIN_ANONYMOUS,
    )
