"""Views for plusversie cases and the personal-data check (routes on the selfeval blueprint)."""

from __future__ import annotations

from typing import Self

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from peerreview import access, db
from peerreview.rounds.models import Visitatie
from peerreview.selfeval import cases, forms, services, submission
from peerreview.selfeval.blueprint import bp
from peerreview.selfeval.definitions import Definition
from peerreview.selfeval.models import Casus


class ConsentForm(FlaskForm):
    """One person's consent: who (a role), when, and how it was recorded."""

    given_by = SelectField("Wie gaf toestemming?", choices=[])
    given_on = DateField("Datum van de toestemming", validators=[DataRequired("Vul een geldige datum in.")])
    recorded_how = SelectField("Hoe is de toestemming vastgelegd?", choices=[])

    def configure(self, definition: Definition) -> Self:
        consent = (definition.casussen or {}).get("consent", {})
        self.given_by.choices = [SelectChoice(o["value"], o["label"]) for o in consent.get("given_by", [])]
        self.recorded_how.choices = [SelectChoice(o["value"], o["label"]) for o in consent.get("recorded_how", [])]
        return self


class CaseForm(ConsentForm):
    """A new case: its pseudonym, what the consent covers, and the first person's consent."""

    pseudonym = StringField(
        "Schuilnaam van de casus",
        validators=[DataRequired("Geef de casus een schuilnaam."), Length(max=80)],
        description="Geen echte naam: bijvoorbeeld ‘Casus Noor’ of ‘Gezin Vos’.",
    )
    scope = TextAreaField(
        "Waarvoor is toestemming gegeven?", validators=[DataRequired("Beschrijf waarvoor de toestemming geldt.")]
    )

    def configure(self, definition: Definition) -> Self:
        super().configure(definition)
        self.scope.description = (definition.casussen or {}).get("consent", {}).get("scope_guidance", "")
        return self


class WithdrawForm(FlaskForm):
    withdrawn_by = SelectField(
        "Wie trok de toestemming in?",
        choices=[],
        validators=[DataRequired("Kies wie de toestemming heeft ingetrokken.")],
        description="Zoals de gemeente of partner het doorgaf.",
    )

    def configure(self, definition: Definition) -> Self:
        consent = (definition.casussen or {}).get("consent", {})
        self.withdrawn_by.choices = [
            SelectChoice("", "Kies…"),
            *(SelectChoice(o["value"], o["label"]) for o in consent.get("given_by", [])),
        ]
        return self


def _plus(visitatie_id: int, action: str) -> tuple[Visitatie, Definition]:
    visitatie = access.visitatie(visitatie_id, action, with_variant=True)
    definition = services.definition_for(visitatie)
    if not definition.casussen:
        abort(404)
    return visitatie, definition


def _casus(visitatie: Visitatie, casus_id: int) -> Casus:
    casus = cases.get(db.session(), visitatie, casus_id)
    if casus is None:
        abort(404)
    return casus


@login_required
def cases_index(visitatie_id: int) -> Response | str | tuple[str, int]:
    visitatie, definition = _plus(visitatie_id, "casus.read")
    s = db.session()
    form = CaseForm().configure(definition)
    if request.method == "POST":
        access.require("selfeval.edit", visitatie)
        if form.validate_on_submit():
            casus = cases.create(
                s,
                current_user,
                visitatie,
                pseudonym=form.pseudonym.data,
                given_by=form.given_by.data,
                given_on=form.given_on.data,
                scope=form.scope.data,
                recorded_how=form.recorded_how.data,
            )
            flash(f"{casus.pseudonym} is aangemaakt. Leg nu de vier stappen vast.", "success")
            return redirect(url_for("selfeval.casus", visitatie_id=visitatie.id, casus_id=casus.id))
    return render_template(
        "selfeval/cases.html",
        visitatie=visitatie,
        definition=definition,
        form=form,
        cases=cases.all_cases(s, visitatie),
        findings=cases.findings(s, visitatie),
    ), (422 if form.errors else 200)


bp.add_url_rule("/casussen", endpoint="cases", view_func=cases_index, methods=["GET", "POST"])


@bp.route("/casussen/<int:casus_id>")
@login_required
def casus(visitatie_id: int, casus_id: int) -> str:
    visitatie, definition = _plus(visitatie_id, "casus.read")
    return _casus_page(visitatie, definition, _casus(visitatie, casus_id))


def _casus_page(
    visitatie: Visitatie,
    definition: Definition,
    item: Casus,
    withdraw_form: WithdrawForm | None = None,
    consent_form: ConsentForm | None = None,
) -> str:
    s = db.session()
    texts = cases.texts(s, item)
    cases.log_case_read(current_user, visitatie, [item], via="casus")
    return render_template(
        "selfeval/casus.html",
        visitatie=visitatie,
        definition=definition,
        casus=item,
        texts=texts,
        fields=cases.fields(definition),
        editable=access.can("selfeval.edit", visitatie) and not item.withdrawn_at,
        can_withdraw=access.can("casus.withdraw_consent", visitatie) and not item.withdrawn_at,
        findings=[f for f in cases.findings(s, visitatie) if f.casus.id == item.id],
        withdraw_form=withdraw_form or WithdrawForm(formdata=None).configure(definition),
        consent_form=consent_form or ConsentForm(formdata=None).configure(definition),
        given_by={o["value"]: o["label"] for o in (definition.casussen or {}).get("consent", {}).get("given_by", [])},
    )


@bp.route("/casussen/<int:casus_id>/toestemming", methods=["POST"])
@login_required
def add_consent(visitatie_id: int, casus_id: int) -> Response | tuple[str, int]:
    """Record one more person's consent for the case."""
    visitatie, definition = _plus(visitatie_id, "selfeval.edit")
    item = _casus(visitatie, casus_id)
    if item.withdrawn_at is not None:
        abort(404)
    form = ConsentForm().configure(definition)
    if not form.validate_on_submit():
        return _casus_page(visitatie, definition, item, consent_form=form), 422
    assert form.given_on.data is not None
    cases.add_consent(
        db.session(),
        current_user,
        item,
        given_by=form.given_by.data,
        given_on=form.given_on.data,
        recorded_how=form.recorded_how.data,
    )
    flash("De toestemming is vastgelegd.", "success")
    return redirect(url_for("selfeval.casus", visitatie_id=visitatie.id, casus_id=item.id))


@bp.route("/casussen/<int:casus_id>/toestemming-intrekken", methods=["POST"])
@login_required
def withdraw_consent(visitatie_id: int, casus_id: int) -> Response | tuple[str, int]:
    visitatie, definition = _plus(visitatie_id, "casus.withdraw_consent")
    s = db.session()
    item = _casus(visitatie, casus_id)
    form = WithdrawForm().configure(definition)
    if item.withdrawn_at is None and not form.validate_on_submit():
        flash("Kies wie de toestemming heeft ingetrokken; er is nog niets verwijderd.", "error")
        return _casus_page(visitatie, definition, item, withdraw_form=form), 422
    if item.withdrawn_at is None:
        cases.withdraw(s, current_user, visitatie, item, withdrawn_by=form.withdrawn_by.data)
        if latest := submission.latest_submission(s, visitatie):
            submission.request_pdf(s, latest)  # made again, without the case
        flash(
            f"De toestemming voor {item.pseudonym} is ingetrokken. Alle teksten van deze casus zijn verwijderd, "
            "ook uit eerder ingediende versies.",
            "success",
        )
    return redirect(url_for("selfeval.cases", visitatie_id=visitatie.id))


@bp.route("/persoonsgegevens", methods=["GET", "POST"])
@login_required
def privacy(visitatie_id: int) -> Response | str:
    visitatie, definition = _plus(visitatie_id, "casus.read")
    s = db.session()
    open_findings = cases.findings(s, visitatie)
    if request.method == "POST":
        access.require("selfeval.coordinate", visitatie)
        form = forms.ClearFindingForm()
        if not form.validate_on_submit():
            abort(404)  # not a finding of this page
        wanted = (form.key.data, form.kind.data, form.hash.data)
        if not any((f.key, f.finding.kind, f.text_hash) == wanted for f in open_findings):
            abort(404)
        cases.clear(s, current_user, visitatie, *wanted)
        flash("Gemarkeerd als geen persoonsgegeven.", "success")
        return redirect(url_for("selfeval.privacy", visitatie_id=visitatie.id))
    texts = {c.field_key(k): t for c in cases.all_cases(s, visitatie) for k, t in cases.texts(s, c).items()}
    cases.log_case_read(current_user, visitatie, [f.casus for f in open_findings], via="persoonsgegevens")
    return render_template(
        "selfeval/privacy.html",
        visitatie=visitatie,
        findings=open_findings,
        texts=texts,
        fields={f.key: f for f in cases.fields(definition)},
    )
