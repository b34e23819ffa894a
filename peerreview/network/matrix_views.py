"""The theme matrix: gemeenten as rows, the twelve themes as columns (issue 11 item 3)."""

from __future__ import annotations

from flask import render_template

from peerreview import access
from peerreview.network.blueprint import bp


@bp.route("/thema-matrix")
def matrix() -> str:
    access.require("network.view")
    return render_template("network/matrix.html", rows=[])
