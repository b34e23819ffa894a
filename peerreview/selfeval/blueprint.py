"""The zelfevaluatie's blueprint. Its routes live in ``views`` (questionnaire, reading, submitting),
``case_views`` (plusversie cases) and ``document_views`` (documents); ``views`` imports the other two,
so registering ``views.bp`` registers every route, and no module imports ``views`` back."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from peerreview.selfeval import values
from peerreview.selfeval.definitions import Question

bp = Blueprint("selfeval", __name__, url_prefix="/visitaties/<int:visitatie_id>/zelfevaluatie")


@bp.app_template_global()
def answer_table(question: Question, value: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """A table answer's header and cell texts (numbers in Dutch notation, choices by their label)."""
    return values.table(question, value)
