from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from peerreview import access, db, jobs
from peerreview.audit.services import record
from peerreview.conflicts import Conflict
from peerreview.indicators import importer, services
from peerreview.indicators.forms import DuidingForm, ImportForm, ReferenceGroupForm
from peerreview.indicators.models import Area, AreaKind, Duiding, Indicator, IndicatorImport, ReferenceGroup
from peerreview.indicators.tasks import import_indicators, import_job_key
from peerreview.tenants.models import Gemeente

bp = Blueprint("indicators", __name__)


@bp.app_template_global()
def chart_svg(chart: dict[str, Any]) -> Markup:
    from peerreview.indicators.charts import svg

    return svg(chart)


def _gemeente(slug: str, action: str) -> Gemeente:
    gemeente = db.session().scalar(select(Gemeente).where(Gemeente.slug == slug))
    access.require(action, gemeente)
    assert gemeente is not None
    return gemeente


def _indicator(code: str) -> Indicator:
    indicator = db.session().scalar(select(Indicator).where(Indicator.code == code))
    if indicator is None:
        abort(404)
    return indicator


# --- a gemeente's figures -------------------------------------------------------------------------------


@bp.route("/gemeenten/<slug>/cijfers")
@login_required
def gemeente(slug: str) -> str:
    gemeente = _gemeente(slug, "indicators.view")
    s = db.session()
    bases = {key[6:]: value for key, value in request.args.items() if key.startswith("basis-")}
    figures = services.figures_for(s, gemeente, bases)
    return render_template(
        "indicators/gemeente.html",
        gemeente=gemeente,
        figures=figures,
        block=services.block_data(figures),
        can_interpret=access.can("indicators.interpret", gemeente),
        period_label=services.period_label,
        without_duiding=services.without_duiding(figures),
        indicator_count=len(figures.series),
        duiding_count=sum(1 for code in figures.duidingen if code in figures.series),
    )


@bp.route("/gemeenten/<slug>/cijfers/duiding")
@login_required
def choose_duiding(slug: str) -> Response:
    """The page's one "Duiding toevoegen" form chooses the figure; its own page writes the duiding."""
    gemeente = _gemeente(slug, "indicators.interpret")
    indicator = _indicator(request.args.get("kengetal", ""))
    return redirect(url_for("indicators.duiding", slug=gemeente.slug, code=indicator.code))


@bp.route("/gemeenten/<slug>/cijfers/<code>/duiding", methods=["GET", "POST"])
@login_required
def duiding(slug: str, code: str) -> Response | str | tuple[str, int]:
    gemeente = _gemeente(slug, "indicators.interpret")
    indicator = _indicator(code)
    s = db.session()
    current = s.scalar(select(Duiding).where(Duiding.gemeente_id == gemeente.id, Duiding.indicator_id == indicator.id))
    form = DuidingForm(text=current.text if current else "", base_revision=str(current.revision if current else 0))
    theirs, status = None, 200
    if form.validate_on_submit():
        try:
            saved = services.save_duiding(
                s, current_user, gemeente, indicator, form.text.data or "", int(form.base_revision.data or 0)
            )
        except Conflict as conflict:
            s.rollback()
            theirs, status = conflict.current, 409
            form.base_revision.data = conflict.current.revision
            form.text.errors = [
                "Iemand anders heeft deze duiding intussen gewijzigd. Je eigen tekst staat hieronder; de "
                "opgeslagen tekst zie je ernaast. Voeg ze samen en sla opnieuw op."
            ]
        except services.IndicatorError as error:
            s.rollback()
            form.base_revision.data, status = 0, 409
            form.text.errors = [str(error)]
        else:
            flash("De duiding is opgeslagen.", "success")
            # back to the duiding, next to its table and charts (or to the figure, when the text was emptied)
            anchor = f"duiding-{indicator.code}" if saved else f"indicator-{indicator.code}"
            return redirect(url_for("indicators.gemeente", slug=gemeente.slug, _anchor=anchor))
    elif request.method == "POST":
        status = 422
        form.text.errors = [*form.text.errors, *form.base_revision.errors]  # the version field is hidden
    figures = services.figures_for(s, gemeente)
    rows = [r for rows in figures.rows_by_group.values() for r in rows if r.indicator.code == indicator.code]
    return render_template(
        "indicators/duiding.html",
        gemeente=gemeente,
        indicator=indicator,
        form=form,
        theirs=theirs,
        rows=rows,
        columns=figures.columns,
    ), status


# --- the network's figures -------------------------------------------------------------------------------

INDICATORS_PER_PAGE = 10  # the Kengetallen page: each with its definition and caveat, so a few screens at most


@bp.route("/kengetallen")
@login_required
def index() -> str:
    access.require("indicators.manage")
    s = db.session()
    everything = s.scalars(select(Indicator).order_by(Indicator.position, Indicator.id)).all()
    counts = {key: sum(1 for i in everything if i.group == key) for key in services.GROUPS}
    part = request.args.get("onderdeel", "")
    if part not in counts or not counts[part]:
        part = ""  # every group
    shown = [i for i in everything if not part or i.group == part]
    pages = max(1, -(-len(shown) // INDICATORS_PER_PAGE))
    try:
        page = min(max(1, int(request.args.get("pagina", "1"))), pages)
    except ValueError:
        page = 1
    indicators = shown[(page - 1) * INDICATORS_PER_PAGE : page * INDICATORS_PER_PAGE]
    groups = {g.gemeente_id: g for g in s.scalars(select(ReferenceGroup))}
    gemeenten = s.scalars(select(Gemeente).order_by(Gemeente.name)).all()
    imports = s.scalars(select(IndicatorImport).order_by(IndicatorImport.created_at.desc()).limit(10)).all()
    return render_template(
        "indicators/index.html",
        indicators=indicators,
        total=len(everything),
        shown_count=len(shown),
        counts=counts,
        part=part,
        page=page,
        pages=pages,
        first_number=(page - 1) * INDICATORS_PER_PAGE + 1,
        groups=groups,
        gemeenten=gemeenten,
        imports=imports,
        group_labels=services.GROUPS,
        summary=importer.summary,
    )


@bp.route("/kengetallen/import", methods=["GET", "POST"])
@login_required
def upload() -> Response | str | tuple[str, int]:
    access.require("indicators.manage")
    form = ImportForm()
    if form.validate_on_submit():
        s = db.session()
        data = form.file.data.read(importer.MAX_BYTES + 1)
        upload = IndicatorImport(filename=form.file.data.filename[:200], content=data, uploaded_by_id=current_user.id)
        s.add(upload)
        s.flush()
        record(s, "indicators_imported", actor=current_user, obj=upload, filename=upload.filename, size=len(data))
        jobs.enqueue_after_commit(s, import_indicators, dedupe_key=import_job_key(upload.id), import_id=upload.id)
        return redirect(url_for("indicators.import_report", import_id=upload.id))
    return render_template("indicators/upload.html", form=form), 422 if request.method == "POST" else 200


@bp.route("/kengetallen/import/<int:import_id>")
@login_required
def import_report(import_id: int) -> str:
    access.require("indicators.manage")
    upload = db.session().get(IndicatorImport, import_id)
    if upload is None:
        abort(404)
    interrupted = (
        upload.status in ("wachtrij", "bezig") and jobs.status(db.session(), import_job_key(upload.id)) == "stale"
    )
    return render_template(
        "indicators/import_report.html", upload=upload, summary=importer.summary, interrupted=interrupted
    )


@bp.route("/kengetallen/referentiegroepen/<slug>", methods=["GET", "POST"])
@login_required
def reference_group(slug: str) -> Response | str | tuple[str, int]:
    access.require("indicators.manage")
    gemeente = db.session().scalar(select(Gemeente).where(Gemeente.slug == slug))
    if gemeente is None:
        abort(404)
    s = db.session()
    group = s.scalar(select(ReferenceGroup).where(ReferenceGroup.gemeente_id == gemeente.id))
    areas = s.scalars(select(Area).order_by(Area.name)).all()
    form = ReferenceGroupForm(
        references=[a.id for a in group.references] if group else [],
        size_class=group.size_class_id if group and group.size_class_id else 0,
        region=group.region_id if group and group.region_id else 0,
        note=group.note if group else "",
    )
    form.references.choices = [
        SelectChoice(a.id, a.name) for a in areas if a.kind is AreaKind.GEMEENTE and a.gemeente_id != gemeente.id
    ]
    form.size_class.choices = [
        SelectChoice(0, "Geen"),
        *(SelectChoice(a.id, a.name) for a in areas if a.kind is AreaKind.GROOTTEKLASSE),
    ]
    form.region.choices = [
        SelectChoice(0, "Geen"),
        *(SelectChoice(a.id, a.name) for a in areas if a.kind is AreaKind.REGIO),
    ]
    if form.validate_on_submit():
        if group is None:
            group = ReferenceGroup(gemeente_id=gemeente.id)
            s.add(group)
        chosen = set(form.references.data or [])
        group.references = [a for a in areas if a.id in chosen]
        group.size_class_id = form.size_class.data or None
        group.region_id = form.region.data or None
        group.note = (form.note.data or "").strip()
        s.flush()
        record(
            s,
            "reference_group_changed",
            actor=current_user,
            gemeente_id=gemeente.id,
            obj=group,
            references=sorted(a.code for a in group.references),
        )
        flash(f"De referentiegroep van {gemeente.name} is opgeslagen.", "success")
        return redirect(url_for("indicators.gemeente", slug=gemeente.slug))
    return render_template("indicators/reference_group.html", gemeente=gemeente, form=form), (
        422 if request.method == "POST" else 200
    )
