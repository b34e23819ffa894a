from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from peerreview import access, db
from peerreview.ids import parse_id
from peerreview.rounds import dashboard, forms, services
from peerreview.rounds.models import Phase, Round, Variant

bp = Blueprint("rounds", __name__)


def _round(round_id: int, action: str = "round.manage") -> Round:
    return access.fetch(Round, round_id, action)  # type: ignore[no-any-return]


@bp.route("/rondes")
@login_required
def index() -> str:
    access.require("round.list")
    rounds = (
        db.session()
        .scalars(select(Round).options(selectinload(Round.deadlines)).order_by(Round.starts_on.desc()))
        .all()
    )
    return render_template("rounds/index.html", rounds=rounds, today=date.today(), zelf=Phase.ZELFEVALUATIE)


@bp.route("/rondes/nieuw", methods=["GET", "POST"])
@login_required
def create() -> Response | str | tuple[str, int]:
    access.require("round.create")
    form = forms.RoundForm()
    return _save(form, None) if form.is_submitted() else render_template("rounds/form.html", form=form, round=None)


@bp.route("/rondes/<int:round_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(round_id: int) -> Response | str | tuple[str, int]:
    round_ = _round(round_id)
    form = forms.RoundForm(obj=round_)
    if not form.is_submitted():
        for phase in Phase:
            getattr(form, f"deadline_{phase.value}").data = round_.deadline(phase)
        return render_template("rounds/form.html", form=form, round=round_)
    return _save(form, round_)


def _save(form: forms.RoundForm, round_: Round | None) -> Response | tuple[str, int]:
    if form.validate():
        s = db.session()
        try:
            round_ = services.save_round(
                s,
                current_user,
                round_,
                name=form.name.data,
                description=form.description.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                deadlines={phase: getattr(form, f"deadline_{phase.value}").data for phase in Phase},
                same_region_rule=form.same_region_rule.data,
                open_review=form.open_review.data,
                anonymous_review=form.anonymous_review.data,
                wederhoor=form.wederhoor.data,
            )
        except services.RoundError as error:
            s.rollback()
            form.name.errors = [str(error)]
        else:
            flash(f"De ronde ‘{round_.name}’ is opgeslagen.", "success")
            return redirect(url_for("rounds.show", round_id=round_.id))
    return render_template("rounds/form.html", form=form, round=round_), 422


@bp.route("/rondes/<int:round_id>")
@login_required
def show(round_id: int) -> str:
    round_ = _round(round_id)
    form = forms.ParticipantsForm(formdata=None)
    return _progress_page(round_, form, request.args.get("zoek", "")[:MAX_SEARCH_LENGTH])


@bp.route("/rondes/<int:round_id>/voortgang")
@login_required
def progress(round_id: int) -> str:
    """The round coordinator's dashboard: per gemeente where each part stands and what is overdue."""
    round_ = _round(round_id)
    today = date.today()
    rows = dashboard.dashboard(db.session(), round_, today)
    return render_template(
        "rounds/progress.html",
        round=round_,
        rows=rows,
        totals=dashboard.totals(rows),
        checklist_total=dashboard.checklist_total(),
        today=today,
    )


# A gemeente or jeugdregio name is shorter; a longer search finds nothing anyway.
MAX_SEARCH_LENGTH = 120
# The round page lists this many participants a page: its cost stays the same for 10 or 400 gemeenten
# (the dashboard shows them all, with every part).
PARTICIPANTS_PER_PAGE = 50


def _progress_page(round_: Round, form: forms.ParticipantsForm, search: str) -> str:
    """The round's progress, and the gemeenten to add: only those found by ``search`` (name or jeugdregio)
    are offered as checkboxes, not every gemeente in the network."""
    s = db.session()
    counts = services.state_counts_per_round(s, [round_.id])[round_.id]
    pages = max(1, -(-sum(counts.values()) // PARTICIPANTS_PER_PAGE))
    page = min(max(1, request.args.get("pagina", 1, type=int)), pages)
    visitaties = services.participants(
        s, round_, offset=(page - 1) * PARTICIPANTS_PER_PAGE, limit=PARTICIPANTS_PER_PAGE
    )
    count = services.candidate_count(s, round_)
    found, more = services.search_candidates(s, round_, search) if search.strip() else ([], False)
    if not form.gemeenten.choices:
        form.gemeenten.choices = [SelectChoice(g.id, g.name) for g in found]
    return render_template(
        "rounds/show.html",
        round=round_,
        visitaties=visitaties,
        form=form,
        today=date.today(),
        counts=counts,
        page=page,
        pages=pages,
        first=(page - 1) * PARTICIPANTS_PER_PAGE + 1,
        search=search,
        more_found=more,
        candidate_count=count,
    )


@bp.route("/rondes/<int:round_id>/gemeenten", methods=["POST"])
@login_required
def add_participants(round_id: int) -> Response | tuple[str, int]:
    round_ = _round(round_id)
    s = db.session()
    form = forms.ParticipantsForm()
    posted = [i for i in map(parse_id, request.form.getlist("gemeenten")) if i is not None]
    candidates = {g.id: g for g in services.candidates(s, round_, posted)}
    form.gemeenten.choices = [SelectChoice(g.id, g.name) for g in candidates.values()]
    if not form.validate_on_submit():
        return _progress_page(round_, form, ""), 422
    added = services.add_participants(s, current_user, round_, [candidates[i] for i in form.gemeenten.data])
    names = ", ".join(v.gemeente.name for v in added)
    flash(f"Toegevoegd aan de ronde: {names}. De coördinatoren van deze gemeenten krijgen een e-mail.", "success")
    return redirect(url_for("rounds.show", round_id=round_.id))


@bp.route("/visitaties/<int:visitatie_id>")
@login_required
def visitatie(visitatie_id: int) -> str:
    visitatie = access.visitatie(visitatie_id, "visitatie.view")
    form = forms.VariantForm(formdata=None, variant=visitatie.variant.value if visitatie.variant else None)
    return render_template("rounds/visitatie.html", visitatie=visitatie, form=form, today=date.today(), phases=Phase)


@bp.route("/visitaties/<int:visitatie_id>/versie", methods=["POST"])
@login_required
def choose_variant(visitatie_id: int) -> Response | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "visitatie.choose_variant")
    form = forms.VariantForm()
    if not form.validate_on_submit():
        return render_template(
            "rounds/visitatie.html", visitatie=visitatie, form=form, today=date.today(), phases=Phase
        ), 422
    s = db.session()
    try:
        services.choose_variant(s, current_user, visitatie, Variant(form.variant.data))
    except services.RoundError as error:
        flash(str(error), "error")
        abort(409)
    flash(f"Jullie vullen de {visitatie.variant.label.lower()} in.", "success")  # type: ignore[union-attr]
    return redirect(url_for("rounds.visitatie", visitatie_id=visitatie.id))
