"""Reading answers from posted form fields, and writing them back into fields.

One naming scheme serves the plain form (a whole section, no JavaScript) and autosave (one
question at a time): ``<key>.html``, ``<key>.value``, ``<key>.values``, ``<key>.explanation``,
``<key>.items.<item>.status|comment``, ``<key>.rows.<n>.<column>``, ``<key>.goed|ontwikkel``,
and ``<key>.__base`` for the revision the edit started from.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from peerreview.selfeval.definitions import Question

EMPTY_ROWS = 2  # blank rows offered below the filled ones


def raw_value(question: Question, form: MultiDict[str, str], key: str | None = None) -> dict[str, Any]:
    prefix = f"{key or question.key}."
    kind = question.kind
    if kind == "richtext":
        return {"html": form.get(prefix + "html", "")}
    if kind == "choice":
        return {"value": form.get(prefix + "value", ""), "explanation": form.get(prefix + "explanation", "")}
    if kind == "checklist":
        return {"values": form.getlist(prefix + "values"), "explanation": form.get(prefix + "explanation", "")}
    if kind == "rating_list":
        return {
            "items": {
                str(item["value"]): {
                    "status": form.get(f"{prefix}items.{item['value']}.status", ""),
                    "comment": form.get(f"{prefix}items.{item['value']}.comment", ""),
                }
                for item in question.spec["items"]
            }
        }
    if kind == "rows":
        indexes = sorted(
            {int(k.split(".")[2]) for k in form if k.startswith(prefix + "rows.") and k.split(".")[2].isdigit()}
        )
        return {
            "rows": [
                {c["key"]: form.get(f"{prefix}rows.{i}.{c['key']}", "") for c in question.spec["columns"]}
                for i in indexes
            ]
        }
    if kind == "number":
        return {"value": form.get(prefix + "value", "")}
    if kind == "strengths":
        return {"goed": form.get(prefix + "goed", ""), "ontwikkel": form.get(prefix + "ontwikkel", "")}
    return {}


def base_revision(form: MultiDict[str, str], key: str) -> int | None:
    raw = form.get(f"{key}.__base")
    return int(raw) if raw is not None and raw.isdigit() else None


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Notitie voor collega's",
        validators=[
            DataRequired("Schrijf eerst een notitie."),
            Length(max=4000, message="Gebruik hoogstens 4000 tekens."),
        ],
        description=(
            "Bijvoorbeeld: ‘Cijfers 2025 volgen na de kwartaalrapportage.’ Alleen jullie gemeente ziet notities."
        ),
    )


class ReopenForm(FlaskForm):
    reason = TextAreaField(
        "Waarom gaat de zelfevaluatie weer open?",
        validators=[DataRequired("Geef een reden; de gemeente ziet die."), Length(max=2000)],
    )


class PdfForm(FlaskForm):
    """Asking for the submission's PDF again (only the CSRF token)."""
