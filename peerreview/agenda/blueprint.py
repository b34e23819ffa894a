"""The verbeteragenda's one blueprint; each subject's views (``views.py``, report views...) register on it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agenda", __name__, url_prefix="/visitaties/<int:visitatie_id>/verbeteragenda")
