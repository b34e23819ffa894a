"""The zelfevaluatie's forms, and reading answers from posted form fields.

Every POST goes through a form class here (CSRF included). The questionnaire is data, so its
answer fields are not declared on a class: ``AnswersForm.posted(question)`` reads one question's
fields by the naming scheme below and parses its base revision (a whole number within the integer
range, or the question is refused with a Dutch message).

One naming scheme serves the plain form (a whole section, no JavaScript) and autosave (one
question at a time): ``<key>.html``, ``<key>.value``, ``<key>.values``, ``<key>.explanation``,
``<key>.items.<item>.status|comment``, ``<key>.rows.<n>.<column>``, ``<key>.goed|ontwikkel``,
and ``<key>.__base`` for the revision the edit started from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from peerreview.ids import IdField, parse_id
from peerreview.selfeval.definitions import Question
from peerreview.selfeval.models import DocumentStatus

BASE_ERROR = (
    "Dit antwoord is niet opgeslagen: de versie waarop je wijziging is gebaseerd klopt niet. Laad de pagina "
    "opnieuw; kopieer eerst je tekst."
)

EMPTY_ROWS = 2  # blank rows offered below the filled ones


def _with_intro(question: Question, form: MultiDict[str, str], prefix: str, value: dict[str, Any]) -> dict[str, Any]:
    """A table question that asks for text too (``intro`` in its definition): the text before the table."""
    return {"intro": form.get(prefix + "intro", ""), **value} if question.spec.get("intro") else value


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
        return _with_intro(
            question,
            form,
            prefix,
            {
                "items": {
                    str(item["value"]): {
                        "status": form.get(f"{prefix}items.{item['value']}.status", ""),
                        "comment": form.get(f"{prefix}items.{item['value']}.comment", ""),
                    }
                    for item in question.spec["items"]
                }
            },
        )
    if kind == "rows":
        indexes = sorted(
            {int(k.split(".")[2]) for k in form if k.startswith(prefix + "rows.") and _index(k.split(".")[2])}
        )
        return _with_intro(
            question,
            form,
            prefix,
            {
                "rows": [
                    {c["key"]: form.get(f"{prefix}rows.{i}.{c['key']}", "") for c in question.spec["columns"]}
                    for i in indexes
                ]
            },
        )
    if kind == "number":
        return {"value": form.get(prefix + "value", "")}
    if kind == "strengths":
        return {"goed": form.get(prefix + "goed", ""), "ontwikkel": form.get(prefix + "ontwikkel", "")}
    return {}


MAX_REVISION = 2**31 - 1


def _index(text: str) -> bool:
    return text.isascii() and text.isdecimal() and len(text) <= 4


def base_revision(form: MultiDict[str, str], key: str) -> int | None:
    """The posted base revision of ``key``, or None when it is missing or not a valid revision number."""
    return parse_id(form.get(f"{key}.__base"))


@dataclass(frozen=True)
class Posted:
    """One question's posted answer. ``base`` is None when the posted base revision was not valid."""

    base: int | None
    raw: dict[str, Any]


class AnswersForm(FlaskForm):
    """A section's answers (the plain form, no JavaScript) or one answer (autosave)."""

    next_section = StringField()  # used only when it names a section of the questionnaire

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields_posted: MultiDict[str, str] = request.form if self.is_submitted() else MultiDict()

    def posted(self, question: Question, key: str | None = None) -> Posted | None:
        """``question``'s answer as posted under ``key`` (default: the question key), or None when it was
        not in the post (no ``<key>.__base`` field)."""
        key = key or question.key
        if f"{key}.__base" not in self.fields_posted:
            return None
        return Posted(base_revision(self.fields_posted, key), raw_value(question, self.fields_posted, key))


class AssignForm(FlaskForm):
    """Who writes a section; an empty user means nobody."""

    section = StringField(validators=[InputRequired("Kies een onderdeel.")])  # the view checks it is one
    user = IdField(optional=True, message="Kies iemand uit de lijst.")


class ClearFindingForm(FlaskForm):
    """Marking a finding of the personal-data check as not personal data."""

    key = StringField(validators=[InputRequired(), Length(max=100)])
    kind = StringField(validators=[InputRequired(), Length(max=40)])
    hash = StringField(validators=[InputRequired(), Length(max=64)])


class ChecklistForm(FlaskForm):
    """The document checklist: one ``status.<item>`` select per checklist item (the items are data)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields_posted: MultiDict[str, str] = request.form if self.is_submitted() else MultiDict()

    def statuses(self, items: list[str]) -> dict[str, DocumentStatus | None] | None:
        """The posted status per item (None: "nog niet bekeken"); items not posted are left out. None when
        a posted value is not one of the statuses."""
        chosen: dict[str, DocumentStatus | None] = {}
        for key in items:
            raw = self.fields_posted.get(f"status.{key}")
            if raw is None:
                continue
            if raw and raw not in DocumentStatus._value2member_map_:
                return None
            chosen[key] = DocumentStatus(raw) if raw else None
        return chosen


class UploadForm(FlaskForm):
    """A document: the file, a title, the checklist item it belongs to and the sections it supports."""

    file = FileField()
    title = StringField(validators=[Optional(), Length(max=200, message="Gebruik hoogstens 200 tekens voor de titel.")])
    item = StringField()  # the view keeps it only when it names a checklist item
    sections = SelectMultipleField(validate_choice=False)


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
