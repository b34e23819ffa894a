"""Forms for the definitive portret: the publication choice and the erratum's reason."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length

from peerreview.portret.forms import SectionForm
from peerreview.portret.models import Publication

PUBLICATION_HINTS = {
    Publication.GEMEENTE: "Alleen jullie gemeente, het reviewteam en de rondecoördinatoren lezen het portret.",
    Publication.NETWERK: "Iedereen die met een account deelneemt aan het netwerk kan het portret lezen en vergelijken.",
    Publication.OPENBAAR: "Iedereen kan het portret lezen en de PDF downloaden, ook zonder account.",
}


class PublicationForm(FlaskForm):
    scope = RadioField(
        "Wie mag het portret lezen?",
        choices=[SelectChoice(p.value, p.label) for p in Publication],
        validators=[DataRequired(message="Kies wie het portret mag lezen.")],
    )


class ErratumForm(SectionForm):
    """A section edit of the definitive portret: the same fields, and why the correction is needed."""

    reason = TextAreaField(
        "Reden van het erratum",
        validators=[
            DataRequired(message="Geef de reden van het erratum op: de lezer ziet die bij de nieuwe versie."),
            Length(max=2000, message="Gebruik hoogstens 2000 tekens voor de reden."),
        ],
    )
