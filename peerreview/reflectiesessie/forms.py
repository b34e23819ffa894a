"""The reflectiesessie's forms. The record form has one recognisability choice per portret section,
so its class is made per skeleton (``record_form``)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from peerreview.ids import IdField
from peerreview.reflectiesessie.models import Recognisability, SessieMode
from peerreview.reflectiesessie.services import TEXT_MAX, too_long
from peerreview.sanitize import RichText

BASE_MESSAGE = "De versie waarop je wijziging is gebaseerd klopt niet. Laad de pagina opnieuw; je tekst staat hier nog."


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class PlanForm(FlaskForm):
    planned_on = DateField("Datum", validators=[DataRequired("Vul een geldige datum in.")])
    starts_at = TimeField("Begintijd", validators=[DataRequired("Vul een geldige begintijd in, bijvoorbeeld 13:30.")])
    ends_at = TimeField("Eindtijd", validators=[DataRequired("Vul een geldige eindtijd in, bijvoorbeeld 16:00.")])
    mode = RadioField(
        "Waar",
        choices=[SelectChoice(m.value, m.label) for m in SessieMode],
        default=SessieMode.OP_LOCATIE.value,
        validators=[DataRequired("Kies op locatie of digitaal.")],
    )
    location = StringField(
        "Locatie",
        validators=[Optional(), Length(max=300, message="Gebruik hoogstens 300 tekens.")],
        filters=[_strip],
        description="Bij een sessie op locatie: het adres of de zaal.",
    )
    link = StringField(
        "Link naar de digitale sessie",
        validators=[Optional(), Length(max=500, message="Gebruik hoogstens 500 tekens.")],
        filters=[_strip],
        description="Bij een digitale sessie: de link om deel te nemen (begint met https://).",
    )


class AttendeeForm(FlaskForm):
    role = StringField(
        "Functie",
        validators=[DataRequired("Vul de functie in."), Length(max=160, message="Gebruik hoogstens 160 tekens.")],
        filters=[_strip],
        description="Bijvoorbeeld ‘Wethouder jeugd’ of ‘Jeugdverpleegkundige’. Geen namen.",
    )
    organisation = StringField(
        "Organisatie",
        validators=[DataRequired("Vul de organisatie in."), Length(max=160, message="Gebruik hoogstens 160 tekens.")],
        filters=[_strip],
    )


def _theme_choices() -> list[SelectChoice]:
    from peerreview.review.themes import themes

    return [SelectChoice("", "Kies een thema…"), *(SelectChoice(c, f"{c} {t.short}") for c, t in themes().items())]


class ThemedItemForm(FlaskForm):
    """A lesson for other gemeenten or an own improvement point: a theme and a text."""

    theme = SelectField("Thema", validators=[DataRequired("Kies het thema waar dit bij hoort.")])
    text = TextAreaField(
        "Tekst",
        validators=[
            DataRequired("Vul de tekst in."),
            Length(max=TEXT_MAX, message=f"Gebruik hoogstens {TEXT_MAX} tekens."),
        ],
        filters=[_strip],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.theme.choices = _theme_choices()


RECOGNISABILITY = [SelectChoice(r.value, r.label) for r in Recognisability]


class RecordForm(FlaskForm):
    held_on = DateField("Gehouden op", validators=[DataRequired("Vul de datum in waarop de sessie is gehouden.")])
    recognisability = RadioField(
        "Herkenbaarheid van het portret als geheel",
        choices=RECOGNISABILITY,
        validators=[DataRequired("Kies hoe herkenbaar het portret als geheel was.")],
    )
    present = SelectMultipleField(
        "Aanwezig",
        coerce=int,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    notes = TextAreaField(
        "Aantekeningen",
        validators=[Optional(), Length(max=100_000, message="De aantekeningen zijn te lang."), RichText()],
        render_kw={"class": "richtext"},
        description="Wat er verder besproken is. Zichtbaar voor de gemeente en het reviewteam; noteer geen namen.",
    )

    def section_fields(self) -> list[Any]:
        return [field for name, field in self._fields.items() if name.startswith("sectie_")]


def record_form(sections: dict[str, str], **kwargs: Any) -> RecordForm:
    """A RecordForm with a recognisability choice per section (``sectie_<key>``; empty: not discussed)."""

    class _Form(RecordForm):
        pass

    for key, heading in sections.items():
        setattr(
            _Form,
            f"sectie_{key}",
            SelectField(
                heading, choices=[SelectChoice("", "Niet besproken"), *RECOGNISABILITY], validators=[Optional()]
            ),
        )
    return _Form(**kwargs)


class _WordLimit:
    def __init__(self, side: str) -> None:
        self.side = side

    def __call__(self, form: object, field: Any) -> None:
        message = too_long(self.side, field.data or "")
        if message:
            raise ValidationError(message)


class WederhoorForm(FlaskForm):
    """The bestuurlijke reactie or the nawoord; ``side`` sets the word limit."""

    html = TextAreaField("Tekst", render_kw={"class": "richtext"})
    base_revision = IdField(default=0, widget=HiddenInput(), message=BASE_MESSAGE)

    def __init__(self, side: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.html.validators = [
            DataRequired("Schrijf eerst de tekst."),
            Length(max=200_000, message="De tekst is te lang."),
            RichText(),
            _WordLimit(side),
        ]
