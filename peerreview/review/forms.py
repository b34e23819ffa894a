"""The review's forms. Every POST of the review goes through one of these: ids are parsed strictly and
range-checked (a value no row can have is a clear Dutch error, never a server error), texts are capped,
NUL characters (which no database text column accepts) are removed, and the view re-renders what the
user typed when something is refused."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from peerreview.review.annotating import BODY_MAX, REPLY_MAX
from peerreview.review.themes import judgements, themes

MAX_ID = 2**31 - 1  # the integer columns' range on PostgreSQL
SUMMARY_MAX = 20000
QUESTION_MAX = 2000
QUOTE_MAX = 8000
_DIGITS = re.compile(r"[0-9]{1,10}")


def _text(value: Any) -> Any:
    """Strip surrounding whitespace and NUL characters."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class NumberField(Field):
    """A whole number in ``[minimum, MAX_ID]`` typed as digits only; anything else is a Dutch error
    (``message``). Empty is None (combine with ``Optional`` or ``InputRequired``)."""

    widget = widgets.HiddenInput()

    def __init__(self, label: str = "", validators: Any = None, *, minimum: int = 1, message: str, **kwargs: Any):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.message = minimum, message

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        raw = valuelist[0].strip() if valuelist and isinstance(valuelist[0], str) else ""
        if not raw:
            return
        if not _DIGITS.fullmatch(raw) or not self.minimum <= int(raw) <= MAX_ID:
            raise ValueError(self.message)
        self.data = int(raw)

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


def _person(label: str) -> NumberField:
    return NumberField(label, [Optional()], message=f"Kies de {label.lower()} uit de lijst.")


class ConfirmForm(FlaskForm):
    """A button without fields (accept the suggestion, release): only the CSRF token is checked."""


class TeamForm(FlaskForm):
    lead = NumberField(
        "Teamleider", [InputRequired("Kies een teamleider.")], message="Kies de teamleider uit de lijst."
    )
    member1 = _person("Reviewer")
    member2 = _person("Tweede reviewer")

    def chosen(self) -> list[int]:
        return [m for m in (self.member1.data, self.member2.data) if m]


class DeclarationForm(FlaskForm):
    confirm = BooleanField(
        validators=[
            DataRequired("Vink aan dat je geen belangenconflict hebt, of neem contact op met de rondecoördinator.")
        ]
    )


def _themes() -> SelectMultipleField:
    # the codes are checked by the service (one clear message: "Kies minstens één thema.")
    return SelectMultipleField(
        "Thema's", choices=[], validate_choice=False, filters=[lambda v: [_text(c) for c in v or []]]
    )


def _body(maximum: int, what: str) -> TextAreaField:
    return TextAreaField(
        what, filters=[_text], validators=[Length(max=maximum, message=f"Gebruik hoogstens {maximum} tekens.")]
    )


_OFFSET = "De geselecteerde passage valt buiten het antwoord. Selecteer opnieuw."


class AnnotationForm(FlaskForm):
    """A new annotation: by selection (start, end), by a typed quote, or on a whole answer or document."""

    question_key = StringField("Antwoord", filters=[_text], validators=[Length(max=100, message="Kies een antwoord.")])
    start = NumberField(validators=[Optional()], minimum=0, message=_OFFSET)
    end = NumberField(validators=[Optional()], minimum=0, message=_OFFSET)
    quote = _body(QUOTE_MAX, "Citaat")
    themes = _themes()
    kind = StringField("Soort", filters=[_text], validators=[Length(max=40, message="Kies een soort.")])
    body = _body(BODY_MAX, "Opmerking")
    document_id = NumberField(
        "Document", [Optional()], message="Dit document hoort niet bij de ingediende zelfevaluatie."
    )


class AnnotationEditForm(FlaskForm):
    """Change, place again or remove one's own annotation (the button pressed is ``action``)."""

    action = StringField(
        default="save",
        filters=[lambda v: v or "save"],
        validators=[AnyOf(["save", "reattach", "delete"], message="Kies wijzigen, opnieuw plaatsen of verwijderen.")],
    )
    themes = _themes()
    kind = StringField("Soort", filters=[_text], validators=[Length(max=40, message="Kies een soort.")])
    body = _body(BODY_MAX, "Opmerking")
    quote = _body(QUOTE_MAX, "Opnieuw plaatsen bij passage")


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Reactie",
        filters=[_text],
        validators=[
            DataRequired("Schrijf eerst je reactie."),
            Length(max=REPLY_MAX, message=f"Gebruik hoogstens {REPLY_MAX} tekens."),
        ],
    )


class SummaryForm(FlaskForm):
    """A theme's summary; ``base`` is the revision the writer started from (a teammate may have saved since)."""

    theme = StringField(filters=[_text], validators=[DataRequired("Onbekend thema.")])
    judgement = StringField("Oordeel", filters=[_text])
    summary = _body(SUMMARY_MAX, "Samenvatting")
    base = NumberField(
        validators=[Optional()],
        minimum=0,
        message="De pagina was verouderd. Laad haar opnieuw; jouw tekst staat hieronder.",
    )

    def validate_theme(self, field: Field) -> None:
        if field.data not in themes():
            raise ValidationError("Onbekend thema.")

    def validate_judgement(self, field: Field) -> None:
        if field.data and field.data not in judgements():
            raise ValidationError("Kies een van de drie oordelen.")


class GuideForm(FlaskForm):
    """The visit's question list: build it, add a question, change or remove one (``action``)."""

    action = StringField(
        validators=[AnyOf(["build", "add", "save", "delete"], message="Kies wat je met de vraag wilt doen.")]
    )
    id = NumberField(validators=[Optional()], message="Deze vraag staat niet (meer) op de lijst.")
    theme = StringField("Thema", filters=[_text])
    text = TextAreaField(
        "Vraag",
        filters=[_text],
        validators=[Length(max=QUESTION_MAX, message=f"Gebruik hoogstens {QUESTION_MAX} tekens.")],
    )

    def validate_id(self, field: Field) -> None:
        if self.action.data in ("save", "delete") and field.data is None:
            raise ValidationError("Deze vraag staat niet (meer) op de lijst.")

    def validate_theme(self, field: Field) -> None:
        if field.data and field.data not in themes():
            raise ValidationError("Kies een thema uit de lijst.")

    def validate_text(self, field: Field) -> None:
        if self.action.data in ("add", "save") and not field.data:
            raise ValidationError("Schrijf eerst de vraag. Wil je een vraag weghalen, kies dan Verwijderen.")
