from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from peerreview.rounds.models import Phase, Variant


class RoundForm(FlaskForm):
    name = StringField(
        "Naam van de ronde",
        validators=[DataRequired("Geef de ronde een naam."), Length(max=120, message="Gebruik hoogstens 120 tekens.")],
        description="Bijvoorbeeld ‘Visitatieronde 2027 Oost-Nederland’.",
    )
    description = TextAreaField(
        "Toelichting",
        validators=[Optional()],
        description="Voor de deelnemende gemeenten: doel, afspraken, contactpersoon.",
    )
    starts_on = DateField("Begindatum", validators=[DataRequired("Vul een geldige begindatum in.")])
    ends_on = DateField("Einddatum", validators=[DataRequired("Vul een geldige einddatum in.")])
    deadline_zelfevaluatie = DateField(
        Phase.ZELFEVALUATIE.label, validators=[DataRequired("Vul de deadline voor de zelfevaluatie in.")]
    )
    deadline_review = DateField(Phase.REVIEW.label, validators=[Optional()])
    deadline_visitatie = DateField(Phase.VISITATIE.label, validators=[Optional()])
    deadline_portret = DateField(Phase.PORTRET.label, validators=[Optional()])
    deadline_reflectie = DateField(Phase.REFLECTIE.label, validators=[Optional()])
    same_region_rule = RadioField(
        "Reviewers uit dezelfde jeugdregio",
        choices=[SelectChoice("block", "Niet toestaan"), SelectChoice("warn", "Toestaan, met een waarschuwing")],
        default="block",
    )
    open_review = BooleanField("Open review: de gemeente ziet aantekeningen meteen (anders pas als het team ze deelt)")
    anonymous_review = BooleanField("Anonieme review: de gemeente en exports tonen reviewers alleen met hun rol")
    wederhoor = BooleanField(
        "Wederhoor: de gemeente voegt een bestuurlijke reactie en het reviewteam een nawoord toe aan het definitieve "
        "portret",
        default=True,
    )

    def deadline_fields(self) -> list[Any]:
        return [getattr(self, f"deadline_{phase.value}") for phase in Phase]

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        ok = True
        if self.ends_on.data < self.starts_on.data:
            self.ends_on.errors.append("De einddatum ligt vóór de begindatum.")
            ok = False
        previous = None
        for field in self.deadline_fields():
            if field.data is None:
                continue
            if not self.starts_on.data <= field.data <= self.ends_on.data:
                field.errors.append("Deze deadline valt buiten de looptijd van de ronde.")
                ok = False
            elif previous is not None and field.data < previous.data:
                field.errors.append(f"Deze deadline ligt vóór de deadline ‘{previous.label.text}’.")
                ok = False
            previous = field
        return ok


class ParticipantsForm(FlaskForm):
    gemeenten = SelectMultipleField(
        "Gemeenten",
        coerce=int,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[DataRequired("Kies minstens één gemeente.")],
    )


class VariantForm(FlaskForm):
    variant = RadioField(
        "Welke versie vullen jullie in?",
        choices=[
            SelectChoice(Variant.BASIS.value, "Basisversie — een schriftelijke zelfanalyse langs zes onderdelen"),
            SelectChoice(
                Variant.PLUS.value, "Plusversie — de basisversie plus ten minste drie casussen met toestemming"
            ),
        ],
        validators=[DataRequired("Kies de basisversie of de plusversie.")],
    )
