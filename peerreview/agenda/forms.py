"""The verbeteragenda's forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from peerreview.agenda.models import PartStatus
from peerreview.agenda.services import PLANNING_HINT, TEXT_MAX, TITLE_MAX
from peerreview.ids import IdField
from peerreview.sanitize import RichText

BASE_MESSAGE = "De versie waarop je wijziging is gebaseerd klopt niet. Laad de pagina opnieuw; je tekst staat hier nog."
TOO_LONG = f"Gebruik hoogstens {TEXT_MAX} tekens."


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def theme_choices(empty: bool = False) -> list[SelectChoice]:
    from peerreview.review.themes import themes

    items = [SelectChoice(c, f"{c} {t.short}") for c, t in themes().items()]
    return [SelectChoice("", "Kies een thema…"), *items] if empty else items


def _text(label: str, description: str = "", required: str | None = None) -> TextAreaField:
    validators: list[Any] = [DataRequired(required)] if required else [Optional()]
    return TextAreaField(
        label,
        validators=[*validators, Length(max=TEXT_MAX, message=TOO_LONG)],
        filters=[_strip],
        description=description,
    )


class PointForm(FlaskForm):
    """A point of the gemeente's own, beside the portret's."""

    theme = SelectField("Thema", validators=[DataRequired("Kies het thema waar dit punt bij hoort.")])
    text = _text("Punt", "Wat wil de gemeente verbeteren? Eén zin of een korte alinea.", "Vul het punt in.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.theme.choices = theme_choices(empty=True)


class LineForm(FlaskForm):
    title = StringField(
        "Titel",
        validators=[
            DataRequired("Geef de actielijn een titel."),
            Length(max=TITLE_MAX, message=f"Gebruik hoogstens {TITLE_MAX} tekens."),
        ],
        filters=[_strip],
        description="Bijvoorbeeld ‘Kortere wachttijden voor jeugd-ggz’.",
    )
    description = _text("Toelichting", "Waarom deze actielijn, en hoe hangt ze samen met de punten?")
    themes = SelectMultipleField(
        "Thema's",
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    process_goal = _text(
        "Procesdoel",
        "Wat gaan jullie anders doen of organiseren? Bijvoorbeeld ‘elke huisartsenpraktijk heeft een vaste POH-jeugd’.",
    )
    outcome_goal = _text(
        "Resultaatdoel",
        "Wat merken kinderen, jongeren en gezinnen ervan? Bijvoorbeeld ‘gezinnen wachten niet langer dan zes weken’.",
    )
    points = SelectMultipleField(
        "Punten die deze actielijn beantwoordt",
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    base_revision = IdField(default=0, widget=HiddenInput(), message=BASE_MESSAGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes.choices = theme_choices()


class PartForm(FlaskForm):
    result = _text("Beoogd resultaat", "Wat levert dit onderdeel op? Noem waar het kan een getal of termijn.")
    what = _text("Wat we doen", "De activiteiten, kort.")
    owner_role = StringField(
        "Eigenaar: functie",
        validators=[Optional(), Length(max=160, message="Gebruik hoogstens 160 tekens.")],
        filters=[_strip],
        description="Bijvoorbeeld ‘Beleidsadviseur jeugd’ of ‘Teamleider toegang’. Geen namen.",
    )
    owner_organisation = StringField(
        "Eigenaar: organisatie",
        validators=[Optional(), Length(max=160, message="Gebruik hoogstens 160 tekens.")],
        filters=[_strip],
    )
    owner_user_id = SelectField(
        "Eigenaar met een account (optioneel)",
        validators=[Optional()],
        validate_choice=False,  # the service checks that it is a member of the gemeente
        description="Kies je een lid van de gemeente, dan kan die zelf de stand van zaken bijwerken en krijgt "
        "die een herinnering voor het einde van elke periode.",
    )
    planning = StringField(
        "Planning",
        validators=[Optional(), Length(max=40, message="Gebruik hoogstens 40 tekens.")],
        filters=[_strip],
        description=PLANNING_HINT,
    )
    due_on = DateField("Of een datum", validators=[Optional()])
    status = SelectField(
        "Status",
        choices=[SelectChoice(s.value, s.label) for s in PartStatus],
        default=PartStatus.NOG_NIET_GESTART.value,
        validators=[DataRequired("Kies een status.")],
    )
    status_reason = _text("Reden", "Verplicht als het onderdeel vervalt: waarom gaat het niet door?")
    indicator = _text("Meetbare indicator (optioneel)", "Waaraan zien jullie dat het resultaat bereikt is?")
    indicator_code = SelectField(
        "Gekoppeld kengetal (optioneel)",
        validators=[Optional()],
        validate_choice=False,  # the service checks the code
        description="De laatste waarden van het kengetal staan dan bij het onderdeel.",
    )
    indicator_target = StringField(
        "Streefwaarde (optioneel)",
        validators=[Optional(), Length(max=120, message="Gebruik hoogstens 120 tekens.")],
        filters=[_strip],
    )
    base_revision = IdField(default=0, widget=HiddenInput(), message=BASE_MESSAGE)

    def set_choices(self, members: list[Any], indicators: list[tuple[str, str]]) -> None:
        self.owner_user_id.choices = [
            SelectChoice("", "Geen account"),
            *(SelectChoice(str(u.id), u.name) for u in members),
        ]
        self.indicator_code.choices = [SelectChoice("", "Geen kengetal"), *(SelectChoice(c, n) for c, n in indicators)]


class PeriodForm(FlaskForm):
    name = StringField(
        "Naam",
        validators=[
            DataRequired("Geef de periode een naam."),
            Length(max=120, message="Gebruik hoogstens 120 tekens."),
        ],
        filters=[_strip],
        description="Bijvoorbeeld ‘Voorjaar 2027’ of ‘Tweede helft 2027’.",
    )
    starts_on = DateField("Begint op", validators=[DataRequired("Vul een geldige begindatum in.")])
    ends_on = DateField("Eindigt op", validators=[DataRequired("Vul een geldige einddatum in.")])


class ProgressForm(FlaskForm):
    text = TextAreaField(
        "Stand van zaken",
        validators=[
            DataRequired("Beschrijf kort hoe het ervoor staat."),
            Length(max=100_000, message="De tekst is te lang."),
            RichText(),
        ],
        render_kw={"class": "richtext"},
        description="Wat is er gedaan, wat is bereikt, wat komt er nog? Noteer geen namen van inwoners.",
    )
    status = SelectField(
        "Status op dit moment",
        choices=[SelectChoice(s.value, s.label) for s in PartStatus],
        validators=[DataRequired("Kies een status.")],
    )
    reason = _text("Reden (bij vervallen)", "Verplicht als het onderdeel vervalt.")
    base_revision = IdField(default=0, widget=HiddenInput(), message=BASE_MESSAGE)
