"""The verbeteragenda's reports, its read-only share and its publication to the network (issue 12, items 3
and 6): the stand van zaken per reporting period as HTML, PDF and DOCX, a CSV of every part, the links for
the gemeenteraad and the rekenkamer, and the pages such a link opens (the agenda and the definitive
portret, nothing else).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from peerreview import access, db
from peerreview.agenda import next_round, reports, sharing
from peerreview.agenda.models import Agenda, ReportingPeriod
from peerreview.agenda.report_models import ShareLink
from peerreview.audit.services import record, record_read
from peerreview.conflicts import Conflict
from peerreview.portret import services as portret_services
from peerreview.portret.models import Portret
from peerreview.review.forms import MAX_ID
from peerreview.rounds.models import Visitatie

bp = Blueprint("agenda_reports", __name__)
BASE = "/visitaties/<int:visitatie_id>/verbeteragenda"
SHARED = "/verbeteragenda/gedeeld/<token>"

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.url_value_preprocessor
def _ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and any(isinstance(v, int) and not 0 < v <= MAX_ID for v in values.values()):
        abort(404)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "short_status": reports.short_status,
        "plan_values": reports.plan_values,
        "previous_round_for": _previous_round_for,
    }


def _previous_round_for(visitatie: Visitatie, section_key: str) -> next_round.SectionCarryOver | None:
    """For the zelfevaluatie's section pages and the review workspace: the previous round's points and agenda."""
    return next_round.for_section(db.session(), visitatie, section_key)


def agenda_of(visitatie: Visitatie) -> Agenda | None:
    return db.session().scalar(select(Agenda).where(Agenda.visitatie_id == visitatie.id))


def _period(agenda: Agenda | None, period_id: int) -> ReportingPeriod:
    period = next((p for p in agenda.periods if p.id == period_id), None) if agenda is not None else None
    if period is None:
        abort(404)
    return period


def _download(content: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _log_download(visitatie: Visitatie, kind: str, period: ReportingPeriod | None = None) -> None:
    record_read(
        "agenda_report_downloaded",
        actor=current_user,
        gemeente_id=visitatie.gemeente_id,
        obj=visitatie,
        format=kind,
        period=period.name if period is not None else None,
    )


# --- the reports page: periods, downloads, links, network ------------------------------------------------


@bp.route(f"{BASE}/rapportage")
@login_required
def index(visitatie_id: int) -> str:
    visitatie = access.visitatie(visitatie_id, "agenda.report")
    return _index_page(visitatie)


def _index_page(visitatie: Visitatie, **extra: Any) -> str:
    s = db.session()
    agenda = agenda_of(visitatie)
    links = sharing.links_of(s, visitatie) if access.can("agenda.share", visitatie) else []
    return render_template(
        "agenda/reports.html",
        visitatie=visitatie,
        agenda=agenda,
        current=reports.current_period(agenda) if agenda is not None else None,
        links=links,
        uses=sharing.uses(s, links),
        is_open=sharing.is_open,
        default_expiry=sharing.default_expiry(),
        **extra,
    )


@bp.route(f"{BASE}/stand-van-zaken/<int:period_id>")
@login_required
def report(visitatie_id: int, period_id: int) -> str:
    visitatie = access.visitatie(visitatie_id, "agenda.report")
    agenda = agenda_of(visitatie)
    period = _period(agenda, period_id)
    assert agenda is not None
    return render_template(
        "agenda/report.html", visitatie=visitatie, report=reports.build(db.session(), agenda, period), shared=None
    )


@bp.route(f"{BASE}/stand-van-zaken/<int:period_id>/pdf")
@login_required
def report_pdf(visitatie_id: int, period_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "agenda.report")
    agenda = agenda_of(visitatie)
    period = _period(agenda, period_id)
    assert agenda is not None
    built = reports.build(db.session(), agenda, period)
    content = reports.pdf_bytes(built)
    _log_download(visitatie, "pdf", period)
    return _download(content, "application/pdf", f"{built.filename}.pdf")


@bp.route(f"{BASE}/stand-van-zaken/<int:period_id>/docx")
@login_required
def report_docx(visitatie_id: int, period_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "agenda.report")
    agenda = agenda_of(visitatie)
    period = _period(agenda, period_id)
    assert agenda is not None
    built = reports.build(db.session(), agenda, period)
    content = reports.docx_bytes(built)
    _log_download(visitatie, "docx", period)
    return _download(content, DOCX_MIMETYPE, f"{built.filename}.docx")


@bp.route(f"{BASE}/onderdelen.csv")
@login_required
def parts_csv(visitatie_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "agenda.report")
    agenda = agenda_of(visitatie)
    if agenda is None:
        abort(404)
    content = reports.csv_text(db.session(), agenda)
    _log_download(visitatie, "csv")
    return _download("\ufeff" + content, "text/csv; charset=utf-8", f"verbeteragenda-{visitatie.gemeente.slug}.csv")


# --- the coordinator: read-only links, publication to the network ----------------------------------------


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()[:10])
    except ValueError:
        return None


@bp.route(f"{BASE}/leeslinks", methods=["POST"])
@login_required
def create_link(visitatie_id: int) -> str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "agenda.share")
    s = db.session()
    label = request.form.get("label", "")
    expires_on = _date(request.form.get("expires_on"))
    if expires_on is None:
        return _index_page(visitatie, error="Vul een geldige einddatum in (dd-mm-jjjj).", label=label), 422
    try:
        link, token = sharing.create(s, current_user, visitatie, label, expires_on)
    except sharing.ShareError as error:
        s.rollback()
        return _index_page(visitatie, error=str(error), label=label), 422
    return _index_page(visitatie, new_link=link, new_url=url_for("agenda_reports.shared", token=token, _external=True))


@bp.route(f"{BASE}/leeslinks/<int:share_id>/intrekken", methods=["POST"])
@login_required
def revoke_link(visitatie_id: int, share_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "agenda.share")
    s = db.session()
    link = sharing.find(s, visitatie, share_id)
    if link is None:
        abort(404)
    sharing.revoke(s, current_user, link)
    flash(f"De leeslink voor {link.label} is ingetrokken: hij werkt niet meer.", "success")
    return redirect(url_for("agenda_reports.index", visitatie_id=visitatie.id, _anchor="leeslinks"))


@bp.route(f"{BASE}/netwerk", methods=["POST"])
@login_required
def publish(visitatie_id: int) -> Response:
    """Share the agenda with the network by name (or stop): the coordinator's choice."""
    visitatie = access.visitatie(visitatie_id, "agenda.share")
    agenda = agenda_of(visitatie)
    if agenda is None:
        abort(404)
    wanted = request.form.get("published") == "ja"
    if agenda.published is not wanted:
        agenda.published = wanted
        record(
            db.session(),
            "agenda_published_set",
            actor=current_user,
            gemeente_id=visitatie.gemeente_id,
            obj=agenda,
            published=wanted,
        )
    flash(
        "Het netwerk ziet jullie agenda nu met de naam van de gemeente en de titels van de actielijnen."
        if wanted
        else "Het netwerk ziet jullie agenda nu alleen anoniem, als telling per thema en status.",
        "success",
    )
    return redirect(url_for("agenda_reports.index", visitatie_id=visitatie.id, _anchor="netwerk"))


# --- what a read-only link opens -------------------------------------------------------------------------


def _shared_link(token: str) -> ShareLink:
    """The link of this token while it works; 404 for an unknown token, 410 with a Dutch page once it
    expired or was revoked."""
    link = sharing.lookup(db.session(), token)
    if link is None:
        abort(404)
    if not sharing.is_open(link):
        abort(Response(render_template("agenda/shared_closed.html", link=link), status=410))
    return link


def _shared_visitatie(link: ShareLink) -> Visitatie:
    visitatie = db.session().get(Visitatie, link.visitatie_id)
    assert visitatie is not None
    return visitatie


@bp.route(SHARED)
def shared(token: str) -> str:
    link = _shared_link(token)
    visitatie = _shared_visitatie(link)
    agenda = agenda_of(visitatie)
    wanted = request.args.get("peilmoment", type=int)
    period = None
    if agenda is not None:
        period = next((p for p in agenda.periods if p.id == wanted), None) or reports.current_period(agenda)
    sharing.log_use(link, "agenda")
    return render_template(
        "agenda/report.html",
        visitatie=visitatie,
        agenda=agenda,
        report=reports.build(db.session(), agenda, period) if agenda is not None and period is not None else None,
        shared=link,
        token=token,
        portret=_adopted(visitatie),
    )


def _adopted(visitatie: Visitatie) -> Portret | None:
    portret = db.session().scalar(select(Portret).where(Portret.visitatie_id == visitatie.id))
    return portret if portret is not None and portret.adopted_version is not None else None


@bp.route(f"{SHARED}/portret")
def shared_portret(token: str) -> str:
    link = _shared_link(token)
    visitatie = _shared_visitatie(link)
    portret = _adopted(visitatie)
    if portret is None:
        abort(404)
    version = portret_services.version(db.session(), portret, portret.adopted_version)
    assert version is not None
    sharing.log_use(link, "portret")
    return render_template(
        "agenda/shared_portret.html",
        visitatie=visitatie,
        portret=portret,
        version=version,
        shared=link,
        token=token,
    )


# --- into the next round ----------------------------------------------------------------------------------


@bp.route("/visitaties/<int:visitatie_id>/zelfevaluatie/vorige-ronde/<section_key>", methods=["POST"])
@login_required
def save_follow_up(visitatie_id: int, section_key: str) -> Response | tuple[str, int]:
    """The gemeente's answer to "Wat is er met deze punten gedaan?" beside one section of the new zelfevaluatie."""
    from peerreview.selfeval import services as selfeval_services

    visitatie = access.visitatie(visitatie_id, "selfeval.edit", with_variant=True)
    if selfeval_services.definition_for(visitatie).section(section_key) is None:
        abort(404)
    s = db.session()
    carry = next_round.for_section(s, visitatie, section_key)
    if carry is None or carry.empty:
        abort(404)
    text = request.form.get("follow_up", "")
    base = request.form.get("base", "")
    if not base.isdigit() or int(base) > MAX_ID:
        abort(400)
    try:
        next_round.save_follow_up(s, current_user, visitatie, section_key, text, int(base))
    except Conflict as conflict:
        return (
            render_template(
                "agenda/follow_up_conflict.html",
                visitatie=visitatie,
                section_key=section_key,
                section=selfeval_services.definition_for(visitatie).section(section_key),
                mine=text,
                theirs=conflict.current,
                question=next_round.QUESTION,
            ),
            409,
        )
    except ValueError as error:
        flash(str(error), "error")
        return redirect(
            url_for(
                "selfeval.section",
                visitatie_id=visitatie.id,
                section_key=section_key,
                _anchor=f"vorige-ronde-{section_key}",
            )
        )
    flash("Opgeslagen: wat jullie met de punten uit de vorige ronde deden.", "success")
    return redirect(
        url_for(
            "selfeval.section",
            visitatie_id=visitatie.id,
            section_key=section_key,
            _anchor=f"vorige-ronde-{section_key}",
        )
    )


@bp.route("/visitaties/<int:visitatie_id>/vorige-ronde/portret")
@login_required
def previous_portret(visitatie_id: int) -> str:
    """The previous round's definitive portret, for whoever reads the new zelfevaluatie (the gemeente, and
    after submission its review team and round staff)."""
    visitatie = access.visitatie(visitatie_id, "selfeval.read")
    carry = next_round.carry_over(db.session(), visitatie)
    if carry is None or carry.portret is None:
        abort(404)
    version = portret_services.version(db.session(), carry.portret, carry.portret.adopted_version)
    assert version is not None
    return render_template(
        "agenda/previous_portret.html",
        visitatie=visitatie,
        previous=carry.previous,
        portret=carry.portret,
        version=version,
    )
