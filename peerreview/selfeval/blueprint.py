"""The zelfevaluatie's blueprint. Its routes live in ``views`` (questionnaire, reading, submitting),
``case_views`` (plusversie cases) and ``document_views`` (documents); ``views`` imports the other two,
so registering ``views.bp`` registers every route, and no module imports ``views`` back."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("selfeval", __name__, url_prefix="/visitaties/<int:visitatie_id>/zelfevaluatie")
