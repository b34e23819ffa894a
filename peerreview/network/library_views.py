"""The portretten library and the side-by-side comparison (issue 11 item 2)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from peerreview import access, db
from peerreview.ids import parse_id
from peerreview.network import library
from peerreview.network.blueprint import bp
from peerreview.network.context import ContextFilter


@bp.route("/portretten")
def library_index() -> str:
    access.require("network.view")
    everything = library.entries(db.session(), current_user)
    query = library.Query.from_args(request.args)
    return render_template(
        "network/library.html",
        items=query.apply(everything),
        total=len(everything),
        query=query,
        columns=library.COLUMNS,
        options=ContextFilter.options(e.context for e in everything),
        rounds=library.rounds_of(everything),
        states=library.STATES,
        several_rounds=library.with_several_rounds(everything),
        max_compared=library.MAX_COMPARED,
    )


@bp.route("/portretten/vergelijk")
def library_compare() -> str | tuple[str, int]:
    """Two or three portretten side by side (``?p=<visitatie id>&p=...``); 404 if any one is not the reader's
    to read; a page that says what to choose when there are none (200), too few or too many (400)."""
    access.require("network.view")
    ids: list[int] = []
    for raw in request.args.getlist("p"):
        value = parse_id(raw)
        if not value:
            abort(404)
        if value not in ids:
            ids.append(value)
    if len(ids) > library.MAX_COMPARED * 2:
        abort(404)
    compared = []
    for visitatie_id in ids:
        item = library.readable(db.session(), current_user, visitatie_id)
        if item is None:
            abort(404)
        compared.append(item)
    if not compared:  # nothing chosen yet: the page says how to choose
        return render_template("network/compare.html", compared=[], rows=[], too_many=False)
    if not 2 <= len(compared) <= library.MAX_COMPARED:
        return render_template("network/compare.html", compared=compared, rows=[], too_many=len(compared) > 2), 400
    return render_template("network/compare.html", compared=compared, rows=library.aligned(compared), too_many=False)
