from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from peerreview.ids import IdField
from peerreview.sanitize import RichText
from peerreview.visit.models import ConversationFormat, ConversationMode, ConversationStatus, RespondentGroup


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _checkboxes(label: str) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        coerce=int,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[Optional()],
    )


class RespondentForm(FlaskForm):
    role = StringField(
        "Functie",
        validators=[DataRequired("Vul de functie in."), Length(max=160, message="Gebruik hoogstens 160 tekens.")],
        filters=[_strip],
        description="Bijvoorbeeld ‘Gezinscoach’ of ‘Directeur samenwerkingsverband PO’. Geen namen: in het portret "
        "staan respondenten alleen met functie en organisatie.",
    )
    organisation = StringField(
        "Organisatie",
        validators=[Optional(), Length(max=160, message="Gebruik hoogstens 160 tekens.")],
        filters=[_strip],
    )
    group = SelectField("Domein", choices=[SelectChoice(g.value, g.label) for g in RespondentGroup])
    number = IntegerField(
        "Aantal personen met deze functie",
        default=1,
        validators=[
            DataRequired("Vul een aantal in van 1 tot 50."),
            NumberRange(1, 50, "Vul een aantal in van 1 tot 50."),
        ],
    )
    may_quote = BooleanField("Akkoord met citeren (met functie en organisatie, zonder naam)")


class ConversationForm(FlaskForm):
    subject = StringField(
        "Onderwerp",
        validators=[
            DataRequired("Vul het onderwerp van het gesprek in."),
            Length(max=200, message="Gebruik hoogstens 200 tekens."),
        ],
        filters=[_strip],
        description="Bijvoorbeeld ‘Samenwerking huisartsen en gezinscoaches’.",
    )
    planned_on = DateField("Datum", validators=[DataRequired("Vul een geldige datum in.")])
    starts_at = TimeField("Begintijd", validators=[Optional()])
    format = RadioField(
        "Vorm",
        choices=[SelectChoice(f.value, f.label) for f in ConversationFormat],
        default=ConversationFormat.GROEP.value,
        validators=[DataRequired("Kies groepsgesprek of individueel gesprek.")],
    )
    mode = RadioField(
        "Waar",
        choices=[SelectChoice(m.value, m.label) for m in ConversationMode],
        default=ConversationMode.OP_LOCATIE.value,
        validators=[DataRequired("Kies op locatie of digitaal.")],
    )
    status = SelectField("Status", choices=[SelectChoice(s.value, s.label) for s in ConversationStatus])
    interviewers = _checkboxes("Gesprekvoerders uit het reviewteam")
    respondents = _checkboxes("Respondenten")


class NotesForm(FlaskForm):
    notes = TextAreaField(
        "Tekst van het verslag",
        validators=[
            Optional(),
            Length(max=100_000, message="Het verslag is te lang; splits het over twee gesprekken."),
            RichText(),
        ],
        description="Alleen voor het reviewteam en de rondecoördinatoren. Noteer geen namen van inwoners.",
        render_kw={"class": "richtext"},
    )
    base_revision = IdField(
        default=0,
        widget=HiddenInput(),
        message="Het verslag kon niet worden opgeslagen: de versie waarop je wijziging is gebaseerd klopt niet. "
        "Laad de pagina opnieuw.",
    )


class QuoteForm(FlaskForm):
    respondent = SelectField("Wie zei het?", coerce=int, validators=[DataRequired("Kies wie dit zei.")])
    passage = TextAreaField(
        "Passage uit het verslag",
        validators=[DataRequired("Selecteer of plak de passage die je wilt citeren.")],
        description="Selecteer de tekst in het verslag en kies ‘Gebruik selectie als citaat’, "
        "of kopieer de passage hierheen.",
    )
    themes = SelectMultipleField(
        "Thema's",
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    section = SelectField("Bedoeld voor het portret, bij", validators=[Optional()])


class ProposalForm(FlaskForm):
    """The gemeente proposes someone for the visit."""

    role = StringField(
        "Functie",
        validators=[DataRequired("Vul de functie in."), Length(max=160, message="Gebruik hoogstens 160 tekens.")],
        filters=[_strip],
        description="Bijvoorbeeld ‘Gezinscoach’ of ‘Intern begeleider basisschool’.",
    )
    organisation = StringField(
        "Organisatie",
        validators=[Optional(), Length(max=160, message="Gebruik hoogstens 160 tekens.")],
        filters=[_strip],
    )
    group = SelectField("Domein", choices=[SelectChoice(g.value, g.label) for g in RespondentGroup])
    name = StringField(
        "Naam (optioneel)",
        validators=[Optional(), Length(max=160, message="Gebruik hoogstens 160 tekens.")],
        filters=[_strip],
        description="Alleen voor het uitnodigen: het reviewteam ziet de naam, in het portret staat alleen de functie.",
    )
    motivation = TextAreaField(
        "Waarom deze persoon? (optioneel)",
        validators=[Optional(), Length(max=2000, message="Gebruik hoogstens 2000 tekens.")],
        filters=[_strip],
        description="Wat kan deze persoon het team vertellen, bijvoorbeeld over een thema of een casus?",
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Waarom spreekt het team deze persoon niet?",
        validators=[
            DataRequired("Schrijf kort waarom het team deze persoon niet spreekt; de gemeente leest het."),
            Length(max=1000, message="Gebruik hoogstens 1000 tekens."),
        ],
        filters=[_strip],
    )
