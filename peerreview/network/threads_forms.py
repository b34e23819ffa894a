"""Forms of the rode draden workspace and the network report."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from peerreview.ids import IdField
from peerreview.network.threads import REMARK_MAX, STATEMENT_MAX
from peerreview.network.threads_models import Recognition, Stance
from peerreview.sanitize import RichText

BASE_MESSAGE = "De versie waarop je wijziging is gebaseerd klopt niet. Laad de pagina opnieuw; je tekst staat hier nog."


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _theme_choices() -> list[SelectChoice]:
    from peerreview.review.themes import themes

    return [SelectChoice(code, f"{code} {t.short}") for code, t in themes().items()]


class ThreadForm(FlaskForm):
    statement = TextAreaField(
        "Rode draad",
        validators=[
            DataRequired("Schrijf de rode draad in één zin."),
            Length(max=STATEMENT_MAX, message=f"Gebruik hoogstens {STATEMENT_MAX} tekens."),
        ],
        filters=[_strip],
        render_kw={"rows": 2},
        description="Eén zin die een patroon over gemeenten heen beschrijft, bijvoorbeeld ‘Gemeenten die …’.",
    )
    themes = SelectMultipleField(
        "Thema’s",
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    description = TextAreaField(
        "Toelichting",
        validators=[Optional(), Length(max=100_000, message="De toelichting is te lang."), RichText()],
        render_kw={"class": "richtext"},
        description="Wat het patroon inhoudt, onder welke voorwaarden het werkt en wat andere gemeenten eraan hebben.",
    )
    base_revision = IdField(default=0, widget=HiddenInput(), message=BASE_MESSAGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes.choices = _theme_choices()


class EvidenceForm(FlaskForm):
    """A quote from a passage: the selected text with its offsets (filled in by threads.js), or, without
    JavaScript, the whole passage (``exact`` empty)."""

    passage_key = HiddenField(validators=[DataRequired("Kies een passage."), Length(max=120)])
    stance = RadioField(
        "Soort",
        choices=[SelectChoice(s.value, s.label) for s in Stance],
        default=Stance.STEUN.value,
        validators=[DataRequired("Kies onderbouwing of tegenbewijs.")],
    )
    exact = TextAreaField(
        "Citaat",
        validators=[Optional(), Length(max=20_000, message="Het citaat is te lang.")],
        description="Selecteer tekst in de passage, of typ of plak een stuk ervan. Leeg: de hele passage.",
    )
    start = HiddenField()
    end = HiddenField()
    note = StringField("Notitie (optioneel)", validators=[Optional(), Length(max=500)], filters=[_strip])

    def offsets(self) -> tuple[int | None, int | None]:
        from peerreview.ids import parse_id

        return parse_id(self.start.data), parse_id(self.end.data)


class ResponseForm(FlaskForm):
    recognition = RadioField(
        "Herkent uw gemeente deze rode draad?",
        choices=[SelectChoice(r.value, r.label) for r in Recognition],
        validators=[DataRequired("Kies of u de rode draad herkent.")],
    )
    remark = TextAreaField(
        "Toelichting",
        validators=[Optional(), Length(max=REMARK_MAX, message=f"Gebruik hoogstens {REMARK_MAX} tekens.")],
        filters=[_strip],
        render_kw={"rows": 5},
        description="Waarom wel of niet; wat herkent u, wat mist er?",
    )
    base_revision = IdField(default=0, widget=HiddenInput(), message=BASE_MESSAGE)


class ReportForm(FlaskForm):
    indicators = SelectMultipleField(
        "Kengetallen in het rapport",
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[Optional()],
    )
