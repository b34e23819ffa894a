"""The reflectiesessie pages: one overview, the plan, the record, and the two wederhoor texts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, db
from peerreview.accounts.forms import ConfirmForm
from peerreview.conflicts import Conflict
from peerreview.formatting import LOCAL
from peerreview.portret.skeleton import latest_version, load
from peerreview.reflectiesessie import services
from peerreview.reflectiesessie.forms import (
    AttendeeForm,
    PlanForm,
    RecordForm,
    ThemedItemForm,
    WederhoorForm,
    record_form,
)
from peerreview.reflectiesessie.models import ImprovementPoint, ReflectieSessie, SessieLesson
from peerreview.rounds.models import Visitatie

bp = Blueprint("reflectiesessie", __name__, url_prefix="/visitaties/<int:visitatie_id>/reflectiesessie")

Page = BaseResponse | str | tuple[str, int]


@bp.app_template_global()
def sessie_for(visitatie: Visitatie) -> ReflectieSessie | None:
    return services.sessie_of(db.session(), visitatie)


def _sessie(visitatie: Visitatie) -> ReflectieSessie:
    sessie = services.sessie_of(db.session(), visitatie)
    if sessie is None:
        abort(404)
    return sessie


def _sections(visitatie: Visitatie) -> dict[str, str]:
    """The portret sections the gemeente can say it recognises (the narrative ones, in reading order)."""
    skeleton = load(latest_version())
    kinds = ("lead", "narrative", "cijfers", "resume")
    return {s.key: s.heading(visitatie.gemeente.name) for s in skeleton.sections if s.kind in kinds}


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)  # only the CSRF token; CSRFProtect answers a bad one first


@bp.route("")
@login_required
def show(visitatie_id: int) -> Page:
    return _render_show(access.visitatie(visitatie_id, "sessie.view"), AttendeeForm(formdata=None))


def _render_show(visitatie: Visitatie, attendee_form: AttendeeForm, status: int = 200) -> tuple[str, int]:
    from peerreview.review.themes import themes

    s = db.session()
    sessie = services.sessie_of(s, visitatie)
    return render_template(
        "reflectiesessie/show.html",
        visitatie=visitatie,
        sessie=sessie,
        attendees=services.attendees(s, sessie) if sessie else [],
        lessons=services.lessons(s, sessie) if sessie else [],
        points=services.improvement_points(s, visitatie),
        sections=_sections(visitatie),
        themes=themes(),
        attendee_form=attendee_form,
        adopted=services.adopted(s, visitatie),
    ), status


@bp.route("/agenda.ics")
@login_required
def calendar(visitatie_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "sessie.view")
    sessie = _sessie(visitatie)
    if not sessie.planned:
        abort(404)
    attachment = services.calendar_attachment(visitatie, sessie)
    return Response(
        attachment.content,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{attachment.filename}"'},
    )


# --- planning -----------------------------------------------------------------------------------------


@bp.route("/planning", methods=["GET", "POST"])
@login_required
def plan(visitatie_id: int) -> Page:
    visitatie = access.visitatie(visitatie_id, "sessie.plan")
    s = db.session()
    sessie = services.sessie_of(s, visitatie)
    form = PlanForm(obj=sessie)
    if sessie is not None and request.method == "GET":
        form.mode.data = sessie.mode.value
    status = 200
    if form.validate_on_submit():
        data = services.PlanInput(
            planned_on=form.planned_on.data,
            starts_at=form.starts_at.data,
            ends_at=form.ends_at.data,
            mode=form.mode.data,
            location=form.location.data or "",
            link=form.link.data or "",
        )
        try:
            _saved, updates = services.save_plan(s, current_user, visitatie, data)
        except services.SessieError as error:
            s.rollback()
            form.planned_on.errors = [str(error)]
            status = 422
        else:
            flash(
                f"De planning is gewijzigd; {updates} deelnemer(s) krijgen een update voor hun agenda."
                if updates
                else "De planning is opgeslagen.",
                "success",
            )
            return redirect(url_for("reflectiesessie.show", visitatie_id=visitatie.id))
    elif request.method == "POST":
        status = 422
    return render_template("reflectiesessie/plan.html", visitatie=visitatie, sessie=sessie, form=form), status


@bp.route("/uitnodigen", methods=["POST"])
@login_required
def invite(visitatie_id: int) -> BaseResponse:
    visitatie = access.visitatie(visitatie_id, "sessie.plan")
    _confirmed()
    s = db.session()
    try:
        sent = services.invite(s, current_user, visitatie)
    except services.SessieError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        flash(f"De uitnodiging met het agendabestand is verstuurd aan {sent} personen.", "success")
    return redirect(url_for("reflectiesessie.show", visitatie_id=visitatie.id))


@bp.route("/deelnemers", methods=["POST"])
@login_required
def add_attendee(visitatie_id: int) -> Page:
    visitatie = access.visitatie(visitatie_id, "sessie.plan")
    form = AttendeeForm()
    s = db.session()
    if form.validate_on_submit():
        try:
            item = services.add_attendee(
                s,
                current_user,
                visitatie,
                form.role.data or "",
                form.organisation.data or "",
                agreed=access.can("sessie.agree", visitatie),
            )
        except services.SessieError as error:
            s.rollback()
            flash(str(error), "error")
        else:
            flash(f"{item.label} staat op de lijst.", "success")
        return redirect(url_for("reflectiesessie.show", visitatie_id=visitatie.id, _anchor="deelnemers"))
    return _render_show(visitatie, form, 422)


def _attendee(visitatie: Visitatie, attendee_id: int) -> Any:
    item = services.attendee(db.session(), _sessie(visitatie), attendee_id)
    if item is None:
        abort(404)
    return item


@bp.route("/deelnemers/<int:attendee_id>/akkoord", methods=["POST"])
@login_required
def agree(visitatie_id: int, attendee_id: int) -> BaseResponse:
    visitatie = access.visitatie(visitatie_id, "sessie.agree")
    _confirmed()
    item = _attendee(visitatie, attendee_id)
    services.agree(db.session(), current_user, item)
    flash(f"Akkoord met {item.label}.", "success")
    return redirect(url_for("reflectiesessie.show", visitatie_id=visitatie.id, _anchor="deelnemers"))


@bp.route("/deelnemers/<int:attendee_id>/verwijderen", methods=["POST"])
@login_required
def remove_attendee(visitatie_id: int, attendee_id: int) -> BaseResponse:
    visitatie = access.visitatie(visitatie_id, "sessie.plan")
    _confirmed()
    item = _attendee(visitatie, attendee_id)
    if item.agreed_at is not None and not access.can("sessie.agree", visitatie):
        flash("Het reviewteam heeft met deze deelnemer ingestemd; vraag de teamleider om hem te verwijderen.", "error")
    else:
        services.remove_attendee(db.session(), item)
        flash(f"{item.label} is van de lijst gehaald.", "success")
    return redirect(url_for("reflectiesessie.show", visitatie_id=visitatie.id, _anchor="deelnemers"))


# --- the record ---------------------------------------------------------------------------------------


def _render_record(
    visitatie: Visitatie, form: Any, item_form: Any = None, point_form: Any = None, status: int = 200
) -> tuple[str, int]:
    s = db.session()
    sessie = services.sessie_of(s, visitatie)
    from peerreview.review.themes import themes

    return render_template(
        "reflectiesessie/record.html",
        visitatie=visitatie,
        sessie=sessie,
        form=form,
        lesson_form=item_form or ThemedItemForm(formdata=None, prefix="les"),
        point_form=point_form or ThemedItemForm(formdata=None, prefix="punt"),
        lessons=services.lessons(s, sessie) if sessie else [],
        points=services.improvement_points(s, visitatie),
        themes=themes(),
    ), status


@bp.route("/verslag", methods=["GET", "POST"])
@login_required
def record(visitatie_id: int) -> Page:
    visitatie = access.visitatie(visitatie_id, "sessie.record")
    s = db.session()
    sections = _sections(visitatie)
    form = _record_form(visitatie, submitted=request.method == "POST")
    if form.validate_on_submit():
        data = services.RecordInput(
            held_on=form.held_on.data,
            recognisability=form.recognisability.data,
            sections={key: form[f"sectie_{key}"].data or "" for key in sections},
            present_ids=form.present.data or [],
            notes=form.notes.data or "",
        )
        try:
            services.save_record(s, current_user, visitatie, data, datetime.now(LOCAL).date())
        except services.SessieError as error:
            s.rollback()
            form.held_on.errors = [str(error)]
            return _render_record(visitatie, form, status=422)
        flash("Het verslag van de reflectiesessie is opgeslagen.", "success")
        return redirect(url_for("reflectiesessie.record", visitatie_id=visitatie.id))
    return _render_record(visitatie, form, status=422 if request.method == "POST" else 200)


def _record_form(visitatie: Visitatie, *, submitted: bool) -> RecordForm:
    """The record form: the user's input when ``submitted``, else what is stored (attendees who were agreed
    count as present until the record says otherwise)."""
    s = db.session()
    sessie = services.sessie_of(s, visitatie)
    sections = _sections(visitatie)
    attendees = services.attendees(s, sessie) if sessie else []
    if submitted or sessie is None:
        form = record_form(sections) if submitted else record_form(sections, formdata=None)
    else:
        initial = {f"sectie_{k}": v for k, v in sessie.section_recognisability.items() if k in sections}
        form = record_form(
            sections,
            formdata=None,
            held_on=sessie.held_on or sessie.planned_on,
            recognisability=sessie.recognisability.value if sessie.recognisability else None,
            notes=sessie.notes,
            present=[a.id for a in attendees if a.present or (a.present is None and a.agreed_at)],
            **initial,
        )
    form.present.choices = [(a.id, a.label) for a in attendees]
    return form


def _add_themed(visitatie_id: int, prefix: str) -> Page:
    visitatie = access.visitatie(visitatie_id, "sessie.record")
    s = db.session()
    form = ThemedItemForm(prefix=prefix)
    if form.validate_on_submit():
        add = services.add_lesson if prefix == "les" else services.add_improvement_point
        try:
            add(s, current_user, visitatie, form.theme.data or "", form.text.data or "")
        except services.SessieError as error:
            s.rollback()
            form.text.errors = [str(error)]
        else:
            flash("De les is toegevoegd." if prefix == "les" else "Het verbeterpunt is toegevoegd.", "success")
            return redirect(url_for("reflectiesessie.record", visitatie_id=visitatie.id, _anchor=prefix))
    record = _record_form(visitatie, submitted=False)
    if prefix == "les":
        return _render_record(visitatie, record, item_form=form, status=422)
    return _render_record(visitatie, record, point_form=form, status=422)


@bp.route("/lessen", methods=["POST"])
@login_required
def add_lesson(visitatie_id: int) -> Page:
    return _add_themed(visitatie_id, "les")


@bp.route("/verbeterpunten", methods=["POST"])
@login_required
def add_point(visitatie_id: int) -> Page:
    return _add_themed(visitatie_id, "punt")


def _remove(visitatie_id: int, model: Any, item_id: int, anchor: str) -> BaseResponse:
    visitatie = access.visitatie(visitatie_id, "sessie.record")
    _confirmed()
    s = db.session()
    item = s.get(model, item_id)
    if item is None or item.visitatie_id != visitatie.id:
        abort(404)
    try:
        services.remove_item(s, visitatie, item)
    except services.SessieError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        flash("Verwijderd.", "success")
    return redirect(url_for("reflectiesessie.record", visitatie_id=visitatie.id, _anchor=anchor))


@bp.route("/lessen/<int:lesson_id>/verwijderen", methods=["POST"])
@login_required
def remove_lesson(visitatie_id: int, lesson_id: int) -> BaseResponse:
    return _remove(visitatie_id, SessieLesson, lesson_id, "les")


@bp.route("/verbeterpunten/<int:point_id>/verwijderen", methods=["POST"])
@login_required
def remove_point(visitatie_id: int, point_id: int) -> BaseResponse:
    return _remove(visitatie_id, ImprovementPoint, point_id, "punt")


# --- wederhoor ----------------------------------------------------------------------------------------


@bp.route("/reactie", methods=["GET", "POST"])
@login_required
def reactie(visitatie_id: int) -> Page:
    return _wederhoor(access.visitatie(visitatie_id, "sessie.reactie"), "reactie")


@bp.route("/nawoord", methods=["GET", "POST"])
@login_required
def nawoord(visitatie_id: int) -> Page:
    return _wederhoor(access.visitatie(visitatie_id, "sessie.nawoord"), "nawoord")


def _wederhoor(visitatie: Visitatie, side: str) -> Page:
    s = db.session()
    sessie = services.sessie_of(s, visitatie)
    columns = services.WEDERHOOR[side]
    text_col, revision_col = columns.text, columns.revision
    stored_text = getattr(sessie, text_col) if sessie else ""
    stored_revision = getattr(sessie, revision_col) if sessie else 0
    theirs = None
    if request.method == "GET":
        form = WederhoorForm(side, formdata=None, html=stored_text, base_revision=stored_revision)
        status = 200
    else:
        form = WederhoorForm(side)
        status = 422
        if form.validate_on_submit():
            try:
                services.save_wederhoor(
                    s, current_user, visitatie, side, form.html.data or "", int(form.base_revision.data or 0)
                )
            except Conflict as conflict:  # nothing written; both texts are shown
                s.rollback()
                theirs = getattr(conflict.current, text_col)
                form.base_revision.data = getattr(conflict.current, revision_col)
                form.html.errors = [
                    "Iemand anders heeft deze tekst intussen opgeslagen. Je eigen tekst staat in het veld; de "
                    "opgeslagen versie zie je erboven. Voeg ze samen en sla opnieuw op."
                ]
                status = 409
            except services.SessieError as error:
                s.rollback()
                form.html.errors = [str(error)]
            else:
                flash(
                    "De bestuurlijke reactie is opgeslagen." if side == "reactie" else "Het nawoord is opgeslagen.",
                    "success",
                )
                return redirect(url_for("reflectiesessie.show", visitatie_id=visitatie.id, _anchor="wederhoor"))
        else:
            form.html.errors = [*form.html.errors, *form.base_revision.errors]
    return render_template(
        "reflectiesessie/wederhoor.html",
        visitatie=visitatie,
        side=side,
        form=form,
        theirs=theirs,
        limit=columns.max_words,
    ), status
