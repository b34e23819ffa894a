"""The national network's blueprint. Its views are in ``*_views.py`` by subject; ``views`` imports them all."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort

from peerreview.review.forms import MAX_ID

bp = Blueprint("network", __name__, url_prefix="/netwerk")


@bp.url_value_preprocessor
def _ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """An id in the path that no row can have (beyond the database's integer range) is simply not found."""
    if values and any(isinstance(v, int) and not 0 < v <= MAX_ID for v in values.values()):
        abort(404)
