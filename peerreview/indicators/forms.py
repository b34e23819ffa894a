from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, TextAreaField, widgets
from wtforms.validators import Length, Optional
from wtforms.widgets import HiddenInput

from peerreview.ids import IdField
from peerreview.sanitize import RichText


class DuidingForm(FlaskForm):
    text = TextAreaField(
        "Jullie duiding",
        validators=[Optional(), Length(max=20_000, message="Gebruik hoogstens 20.000 tekens."), RichText()],
        description="Wat vertelt dit cijfer over jullie aanpak? Wat verklaart een verschil met de referentiegroep, "
        "en wat zegt het cijfer niet? Laat het veld leeg om de duiding te verwijderen.",
        render_kw={"class": "richtext"},
    )
    base_revision = IdField(
        default=0,
        widget=HiddenInput(),
        message="De duiding kon niet worden opgeslagen: de versie waarop je wijziging is gebaseerd klopt niet. "
        "Laad de pagina opnieuw.",
    )


class ImportForm(FlaskForm):
    file = FileField(
        "CSV-bestand",
        validators=[FileRequired("Kies een CSV-bestand om in te lezen.")],
        description="CBS-indeling: Measure;RegioS;Perioden;Value, of RegioS;Perioden met een kolom per indicatorcode. "
        "Hoogstens 5 MB.",
    )


class ReferenceGroupForm(FlaskForm):
    references = SelectMultipleField(
        "Referentiegemeenten",
        coerce=int,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    size_class = SelectField("Grootteklasse", coerce=int, validators=[Optional()])
    region = SelectField("Regio", coerce=int, validators=[Optional()])
    note = TextAreaField(
        "Toelichting",
        validators=[Optional(), Length(max=2000, message="Gebruik hoogstens 2.000 tekens.")],
        description="Waarom deze vergelijking, en wat er bij het lezen van de cijfers te weten valt.",
    )
