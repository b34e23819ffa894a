"""The verbeteragenda pages: the agenda (points, action lines, parts, the normenkader check), an action
line, a part with its status history, the stand van zaken per period, and what changed since the last one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, db
from peerreview.agenda import services
from peerreview.agenda.blueprint import bp
from peerreview.agenda.forms import LineForm, PartForm, PeriodForm, PointForm, ProgressForm
from peerreview.agenda.models import ActionLine, Agenda, Part, PartStatus, ReportingPeriod
from peerreview.conflicts import Conflict
from peerreview.formatting import LOCAL
from peerreview.ids import parse_id
from peerreview.rounds.models import Visitatie

Page = BaseResponse | str | tuple[str, int]

CONFLICT_MESSAGE = (
    "Iemand anders heeft dit intussen opgeslagen. Jouw invoer staat nog in het formulier; de opgeslagen versie "
    "zie je erboven. Neem over wat je wilt houden en sla opnieuw op."
)


def _today() -> Any:
    return datetime.now(LOCAL).date()


def _agenda(visitatie: Visitatie) -> Agenda:
    agenda = services.agenda_of(db.session(), visitatie)
    if agenda is None:
        abort(404)
    return agenda


def _line(agenda: Agenda, line_id: int) -> ActionLine:
    line = services.line_of(db.session(), agenda, line_id)
    if line is None:
        abort(404)
    return line


def _part(agenda: Agenda, part_id: int) -> Part:
    part = services.part_of(db.session(), agenda, part_id)
    if part is None:
        abort(404)
    return part


def _period(agenda: Agenda, period_id: int) -> ReportingPeriod:
    period = services.period_of(db.session(), agenda, period_id)
    if period is None:
        abort(404)
    return period


def _back(visitatie: Visitatie, anchor: str | None = None) -> BaseResponse:
    return redirect(url_for("agenda.show", visitatie_id=visitatie.id, _anchor=anchor))


# --- the agenda ---------------------------------------------------------------------------------------


@bp.route("")
@login_required
def show(visitatie_id: int) -> Page:
    visitatie = access.visitatie(visitatie_id, "agenda.view")
    return _render_show(visitatie)


def _render_show(
    visitatie: Visitatie, point_form: PointForm | None = None, period_form: PeriodForm | None = None, status: int = 200
) -> tuple[str, int]:
    s = db.session()
    agenda = services.agenda_of(s, visitatie)
    found = services.points(s, visitatie, agenda)
    lines = agenda.action_lines if agenda else []
    all_periods = services.periods(s, agenda) if agenda else []
    current = services.current_period(all_periods, _today())
    updates = services.updates_for(s, agenda) if agenda else {}
    figures = {
        part.id: services.figure(s, visitatie.gemeente, part.indicator_code)
        for line in lines
        for part in line.parts
        if part.indicator_code
    }
    return render_template(
        "agenda/show.html",
        visitatie=visitatie,
        agenda=agenda,
        groups=services.by_theme(s, visitatie, found),
        open_points=len(services.unanswered(found)),
        lines=lines,
        norms={line.id: services.norm_check(line) for line in lines},
        norm_explanation=services.NORM_EXPLANATION,
        periods=all_periods,
        current=current,
        updates=updates,
        figures=figures,
        point_form=point_form or PointForm(formdata=None, prefix="punt"),
        period_form=period_form or PeriodForm(formdata=None, prefix="periode"),
        today=_today(),
    ), status


@bp.route("/punten", methods=["POST"])
@login_required
def add_point(visitatie_id: int) -> Page:
    visitatie = access.visitatie(visitatie_id, "agenda.edit")
    form = PointForm(prefix="punt")
    s = db.session()
    if form.validate_on_submit():
        try:
            point = services.add_point(s, current_user, visitatie, form.theme.data or "", form.text.data or "")
        except services.AgendaError as error:
            s.rollback()
            form.text.errors = [str(error)]
        else:
            flash(
                "Het punt staat op de agenda. Maak er een actielijn van, of voeg het toe aan een bestaande.", "success"
            )
            return _back(visitatie, f"punt-eigen-{point.id}")
    return _render_show(visitatie, point_form=form, status=422)


@bp.route("/perioden", methods=["POST"])
@login_required
def add_period(visitatie_id: int) -> Page:
    visitatie = access.visitatie(visitatie_id, "agenda.edit")
    form = PeriodForm(prefix="periode")
    s = db.session()
    if form.validate_on_submit():
        try:
            period = services.add_period(
                s, current_user, visitatie, form.name.data or "", form.starts_on.data, form.ends_on.data
            )
        except services.AgendaError as error:
            s.rollback()
            form.ends_on.errors = [str(error)]
        else:
            flash(f"De rapportageperiode {period.name} is toegevoegd.", "success")
            return _back(visitatie, "perioden")
    return _render_show(visitatie, period_form=form, status=422)


# --- action lines -------------------------------------------------------------------------------------


def _point_choices(found: list[services.Point]) -> list[tuple[str, str]]:
    return [(p.key, f"{p.theme} · {p.kind.label}: {p.text[:160]}") for p in found]


@bp.route("/actielijnen/nieuw", methods=["GET", "POST"])
@login_required
def new_line(visitatie_id: int) -> Page:
    visitatie = access.visitatie(visitatie_id, "agenda.edit")
    s = db.session()
    agenda = services.agenda_of(s, visitatie)
    found = services.points(s, visitatie, agenda)
    if request.method == "GET":
        chosen = [k for k in request.args.getlist("points") if k in {p.key for p in found}]
        themes = sorted({t for p in found if p.key in chosen for t in p.themes}, key=services.theme_order)
        form = LineForm(formdata=None, points=chosen, themes=themes)
        status = 200
    else:
        form = LineForm()
        status = 422
    form.points.choices = _point_choices(found)
    if form.validate_on_submit():
        data = _line_input(form)
        try:
            line = services.add_action_line(s, current_user, visitatie, data, form.points.data or [])
        except services.AgendaError as error:
            s.rollback()
            form.title.errors = [str(error)]
        else:
            flash(f"De actielijn ‘{line.title}’ is gemaakt. Voeg nu de onderdelen toe.", "success")
            return redirect(url_for("agenda.new_part", visitatie_id=visitatie.id, line_id=line.id))
    return render_template(
        "agenda/line_form.html", visitatie=visitatie, form=form, line=None, points=found, theirs=None
    ), status


def _line_input(form: LineForm) -> services.LineInput:
    return services.LineInput(
        title=form.title.data or "",
        description=form.description.data or "",
        themes=form.themes.data or [],
        process_goal=form.process_goal.data or "",
        outcome_goal=form.outcome_goal.data or "",
    )


@bp.route("/actielijnen/<int:line_id>", methods=["GET", "POST"])
@login_required
def edit_line(visitatie_id: int, line_id: int) -> Page:
    visitatie = access.visitatie(visitatie_id, "agenda.edit")
    s = db.session()
    agenda = _agenda(visitatie)
    line = _line(agenda, line_id)
    theirs = None
    answered = {(source.kind.value, source.source_id) for source in line.sources}
    others = [p for p in services.points(s, visitatie, agenda) if (p.kind.value, p.id) not in answered]
    if request.method == "GET":
        form = LineForm(formdata=None, obj=line, base_revision=line.revision)
        form.points.data = []
        status = 200
    else:
        form = LineForm()
        status = 422
    form.points.choices = _point_choices(others)
    if form.validate_on_submit():
        data = _line_input(form)
        try:
            services.update_action_line(
                s, current_user, line, data, int(form.base_revision.data or 0), form.points.data or []
            )
        except Conflict as conflict:
            s.rollback()
            theirs = conflict.current
            s.refresh(theirs)
            form.base_revision.data = theirs.revision
            form.title.errors = [CONFLICT_MESSAGE]
            status = 409
        except services.AgendaError as error:
            s.rollback()
            form.title.errors = [str(error)]
        else:
            flash("De actielijn is opgeslagen.", "success")
            return _back(visitatie, f"actielijn-{line.id}")
    return render_template(
        "agenda/line_form.html", visitatie=visitatie, form=form, line=line, points=others, theirs=theirs
    ), status


# --- parts --------------------------------------------------------------------------------------------


def _part_input(form: PartForm) -> services.PartInput:
    raw_owner = form.owner_user_id.data or ""
    owner_id = parse_id(raw_owner) if raw_owner else None
    if raw_owner and owner_id is None:
        raise services.AgendaError("Kies als eigenaar een lid van de gemeente, of laat het veld leeg.")
    return services.PartInput(
        result=form.result.data or "",
        what=form.what.data or "",
        owner_role=form.owner_role.data or "",
        owner_organisation=form.owner_organisation.data or "",
        owner_user_id=owner_id,
        planning=form.planning.data or "",
        due_on=form.due_on.data,
        status=form.status.data or PartStatus.NOG_NIET_GESTART.value,
        status_reason=form.status_reason.data or "",
        indicator=form.indicator.data or "",
        indicator_code=form.indicator_code.data or None,
        indicator_target=form.indicator_target.data or "",
    )


def _error_field(form: PartForm, message: str) -> Any:
    """The field a refusal is about, so the message stands next to it (and the input stays)."""
    if "vervalt" in message:
        return form.status_reason
    if "planning" in message:
        return form.planning
    if "eigenaar" in message:
        return form.owner_user_id
    if "kengetal" in message:
        return form.indicator_code
    return form.result


def _choices(form: PartForm, visitatie: Visitatie) -> None:
    s = db.session()
    form.set_choices(services.members(s, visitatie.gemeente_id), services.indicator_choices(s))


@bp.route("/actielijnen/<int:line_id>/onderdelen/nieuw", methods=["GET", "POST"])
@login_required
def new_part(visitatie_id: int, line_id: int) -> Page:
    visitatie = access.visitatie(visitatie_id, "agenda.edit")
    s = db.session()
    agenda = _agenda(visitatie)
    line = _line(agenda, line_id)
    form = PartForm() if request.method == "POST" else PartForm(formdata=None)
    _choices(form, visitatie)
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            part = services.add_part(s, current_user, agenda, line, _part_input(form))
        except services.AgendaError as error:
            s.rollback()
            _error_field(form, str(error)).errors = [str(error)]
        else:
            flash("Het onderdeel is toegevoegd.", "success")
            return _back(visitatie, f"onderdeel-{part.id}")
    return render_template(
        "agenda/part_form.html", visitatie=visitatie, line=line, part=None, form=form, theirs=None
    ), status


@bp.route("/onderdelen/<int:part_id>", methods=["GET", "POST"])
@login_required
def part(visitatie_id: int, part_id: int) -> Page:
    """The part: its details, status history and stand van zaken per period; the coordinator edits it here."""
    if request.method == "POST":
        visitatie = access.visitatie(visitatie_id, "agenda.edit")
    else:
        visitatie = access.visitatie(visitatie_id, "agenda.view")
    s = db.session()
    agenda = _agenda(visitatie)
    item = _part(agenda, part_id)
    editable = access.can("agenda.edit", visitatie)
    theirs = None
    status = 200
    form = None
    if editable:
        if request.method == "GET":
            form = PartForm(
                formdata=None,
                obj=item,
                status=item.status.value,
                owner_user_id=str(item.owner_user_id or ""),
                indicator_code=item.indicator_code or "",
                base_revision=item.revision,
            )
        else:
            form = PartForm()
            status = 422
        _choices(form, visitatie)
        if form.validate_on_submit():
            try:
                services.update_part(
                    s, current_user, agenda, item, _part_input(form), int(form.base_revision.data or 0)
                )
            except Conflict as conflict:
                s.rollback()
                theirs = conflict.current
                s.refresh(theirs)
                form.base_revision.data = theirs.revision
                form.result.errors = [CONFLICT_MESSAGE]
                status = 409
            except services.AgendaError as error:
                s.rollback()
                s.refresh(item)
                _error_field(form, str(error)).errors = [str(error)]
            else:
                flash("Het onderdeel is opgeslagen.", "success")
                return redirect(url_for("agenda.part", visitatie_id=visitatie.id, part_id=item.id))
    all_periods = services.periods(s, agenda)
    updates = services.updates_for(s, agenda)
    return render_template(
        "agenda/part.html",
        visitatie=visitatie,
        line=item.action_line,
        part=item,
        form=form,
        theirs=theirs,
        history=services.history(s, item),
        periods=all_periods,
        updates=updates,
        figure=services.figure(s, visitatie.gemeente, item.indicator_code),
        number=item.action_line.parts.index(item) + 1,
    ), status


@bp.route("/onderdelen/<int:part_id>/voortgang/<int:period_id>", methods=["GET", "POST"])
@login_required
def progress(visitatie_id: int, part_id: int, period_id: int) -> Page:
    visitatie = access.visitatie(visitatie_id, "agenda.view")
    s = db.session()
    agenda = _agenda(visitatie)
    item = _part(agenda, part_id)
    access.require("agenda.progress", item)
    period = _period(agenda, period_id)
    existing = services.progress_of(s, item, period)
    theirs = None
    if request.method == "GET":
        form = ProgressForm(
            formdata=None,
            text=existing.text if existing else "",
            status=(existing.status if existing else item.status).value,
            reason=item.status_reason if item.status is PartStatus.VERVALLEN else "",
            base_revision=existing.revision if existing else 0,
        )
        status = 200
    else:
        form = ProgressForm()
        status = 422
        if form.validate_on_submit():
            try:
                services.record_progress(
                    s,
                    current_user,
                    item,
                    period,
                    form.text.data or "",
                    form.status.data or item.status.value,
                    form.reason.data or "",
                    int(form.base_revision.data or 0),
                )
            except Conflict:
                s.rollback()
                theirs = services.progress_of(s, item, period)
                form.base_revision.data = theirs.revision if theirs else 0
                form.text.errors = [CONFLICT_MESSAGE]
                status = 409
            except services.AgendaError as error:
                s.rollback()
                field = form.reason if "vervalt" in str(error) else form.text
                field.errors = [str(error)]
            else:
                flash(f"De stand van zaken voor {period.name} is opgeslagen.", "success")
                if access.can("agenda.edit", visitatie):
                    return redirect(url_for("agenda.part", visitatie_id=visitatie.id, part_id=item.id))
                return _back(visitatie, f"onderdeel-{item.id}")
    return render_template(
        "agenda/progress_form.html",
        visitatie=visitatie,
        line=item.action_line,
        part=item,
        period=period,
        form=form,
        theirs=theirs,
        existing=existing,
    ), status


# --- what changed since the last period ---------------------------------------------------------------


@bp.route("/voortgang")
@login_required
def overview(visitatie_id: int) -> Page:
    visitatie = access.visitatie(visitatie_id, "agenda.view")
    s = db.session()
    agenda = services.agenda_of(s, visitatie)
    all_periods = services.periods(s, agenda) if agenda else []
    period = None
    raw = request.args.get("periode")
    if raw:
        period_id = parse_id(raw)
        period = services.period_of(s, agenda, period_id) if agenda and period_id is not None else None
        if period is None:
            abort(404)
    elif all_periods:
        period = services.current_period(all_periods, _today())
    changes = services.changes_since(s, agenda, period) if agenda and period else []
    return render_template(
        "agenda/overview.html",
        visitatie=visitatie,
        agenda=agenda,
        periods=all_periods,
        period=period,
        previous=services.previous_period(all_periods, period) if period else None,
        changes=changes,
    )
