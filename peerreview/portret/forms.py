"""The portret's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from peerreview.ids import IdField

BASE_MESSAGE = (
    "De versie waarop je wijziging is gebaseerd klopt niet. Laad de pagina opnieuw; je tekst staat hieronder."
)


class SectionForm(FlaskForm):
    """One section of the portret (for the title section also the motto), and the version the edit
    started from. The template renders the fields by hand (the rich-text editor needs its own markup)."""

    title = StringField("Kop", validators=[Length(max=200, message="Gebruik hoogstens 200 tekens voor de kop.")])
    html = TextAreaField("Tekst")
    motto = StringField("Motto", validators=[Length(max=120, message="Gebruik hoogstens 120 tekens voor het motto.")])
    base = IdField("Versie", message=BASE_MESSAGE)

    def first_error(self) -> str | None:
        return next((errors[0] for errors in self.errors.values() if errors), None)
