"""The reflectie's forms: texts are capped here with a Dutch message, choices are checked again by the
services (which keep the rules for every caller)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from peerreview.ids import IdField
from peerreview.portret.forms import SectionForm
from peerreview.reflectie.answers import REASON_MAX
from peerreview.reflectie.comments import BODY_MAX
from peerreview.reflectie.models import KIND_LABELS, Decision


class CommentForm(FlaskForm):
    kind = SelectField("Soort reactie", choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()])
    section_key = StringField("Sectie", validators=[Length(max=80, message="Kies een sectie uit de lijst.")])
    quote = TextAreaField(
        "Passage", validators=[Length(max=4000, message="Kies een kortere passage (hoogstens 4000 tekens).")]
    )
    body = TextAreaField(
        "Je reactie", validators=[Length(max=BODY_MAX, message=f"Gebruik hoogstens {BODY_MAX} tekens.")]
    )
    correction = TextAreaField(
        "Wat er had moeten staan",
        validators=[Length(max=4000, message="Gebruik hoogstens 4000 tekens voor de correctie.")],
    )
    source = StringField("Bron", validators=[Length(max=500, message="Gebruik hoogstens 500 tekens voor de bron.")])
    theme = StringField("Thema", validators=[Length(max=4, message="Kies een thema uit de lijst.")])

    def first_error(self) -> str | None:
        return next((errors[0] for errors in self.errors.values() if errors), None)


class MergeForm(FlaskForm):
    target = IdField("Samenvoegen met", message="Kies de reactie waarmee je deze wilt samenvoegen.")


class GuestLinkForm(FlaskForm):
    role = StringField("Functie", validators=[Length(max=120, message="Gebruik hoogstens 120 tekens.")])
    organisation = StringField("Organisatie", validators=[Length(max=200, message="Gebruik hoogstens 200 tekens.")])


class AnswerForm(FlaskForm):
    decision = SelectField("Besluit", choices=[SelectChoice(d.value, d.label) for d in Decision], validate_choice=False)
    reason = TextAreaField(
        "Reden", validators=[Length(max=REASON_MAX, message=f"Gebruik hoogstens {REASON_MAX} tekens voor de reden.")]
    )
    changed_version = IdField("Versie", optional=True, message="Kies een versie uit de lijst.")
    changed_section = StringField("Sectie", validators=[Length(max=80, message="Kies een sectie uit de lijst.")])


class ApplyForm(SectionForm):
    """The section editor pre-filled with the correction, plus the reason the gemeente reads."""

    reason = TextAreaField(
        "Reden", validators=[Length(max=REASON_MAX, message=f"Gebruik hoogstens {REASON_MAX} tekens voor de reden.")]
    )


class DeadlineForm(FlaskForm):
    deadline = DateField("Reageren kan tot en met", validators=[DataRequired("Vul een geldige datum in.")])
