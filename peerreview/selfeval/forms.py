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

from peerreview.sanitize import InputRefused
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
            {int(k.split(".")[2]) for k in form if k.startswith(prefix + "rows.") and _index(k.split(".")[2])}
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


MAX_REVISION = 2**31 - 1


def _index(text: str) -> bool:
    return text.isascii() and text.isdecimal() and len(text) <= 4


def base_revision(form: MultiDict[str, str], key: str) -> int | None:
    """The revision an edit started from; None if not posted. Raises InputRefused if it is not one."""
    raw = form.get(f"{key}.__base")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdecimal() and int(raw) <= MAX_REVISION):
        raise InputRefused(
            "De versie waarop je wijziging is gebaseerd is ongeldig, dus er is niets opgeslagen. Laad de pagina "
            "opnieuw en probeer het nog eens; je tekst staat hieronder."
        )
    return int(raw)


def posted_keys(form: MultiDict[str, str]) -> set[str]:
    return {k.rsplit(".", 1)[0] for k in form if k.endswith(".__base")}


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
