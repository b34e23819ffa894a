"""Figures across gemeenten: a table, bars and a scatter, and the table as CSV (issue 11 item 4)."""

from __future__ import annotations

import io
import re

from flask import Response, render_template, request
from flask_login import current_user

from peerreview import access, csvfile, db
from peerreview.network import figures
from peerreview.network.blueprint import bp


@bp.route("/cijfers")
def figures_index() -> str:
    access.require("network.view")
    choice = figures.Choice.from_args(request.args)
    result = figures.compute(db.session(), current_user, choice)
    return render_template(
        "network/figures.html", choice=choice, result=result, sets=figures.SETS, period_label=figures.period_label
    )


@bp.route("/cijfers.csv")
def figures_csv() -> Response:
    access.require("network.view")
    choice = figures.Choice.from_args(request.args)
    result = figures.compute(db.session(), current_user, choice)
    buffer = io.StringIO()
    csvfile.writer(buffer).writerows(figures.csv_rows(result))
    name = "-".join(
        re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-")
        for part in ("kengetallen", result.indicator.code if result.indicator else "", result.period or "")
        if part
    )
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
