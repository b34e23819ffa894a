from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, db
from peerreview.accounts.forms import ConfirmForm
from peerreview.ids import MAX_ID
from peerreview.portret import document_cache, evidence, section_editor, services, skeleton, tasks, workspace
from peerreview.portret.definitive import DocumentStatus, document_status
from peerreview.portret.forms import SectionForm
from peerreview.portret.models import Portret, PortretVersion
from peerreview.rounds.models import Visitatie
from peerreview.sanitize import without_provenance

bp = Blueprint("portret", __name__, url_prefix="/visitaties/<int:visitatie_id>/portret")


def _portret(visitatie: Visitatie) -> Portret:
    portret = services.portret_of(db.session(), visitatie)
    if portret is None:
        abort(404)
    return portret


def _readable(visitatie_id: int) -> tuple[Visitatie, Portret | None, PortretVersion | None, bool]:
    """The portret as this user may read it: the team sees the working draft, the gemeente the released
    version. Returns (visitatie, portret, version, team); the portret is None before the first draft."""
    visitatie = db.session().get(Visitatie, visitatie_id)
    if visitatie is None:
        abort(404)
    portret = services.portret_of(db.session(), visitatie)
    team = access.can("portret.draft", visitatie)
    if portret is None:
        if team:
            return visitatie, None, None, True
        abort(404)
    access.require("portret.read", portret)
    number = portret.current_version if team else (portret.adopted_version or portret.released_version)
    return visitatie, portret, services.version(db.session(), portret, number) if number else None, team


@bp.app_template_global()
def provenance_link(visitatie: Visitatie, source: dict[str, Any]) -> str | None:
    return services.provenance_link(visitatie, source)


@bp.app_template_global()
def portret_for(visitatie: Visitatie) -> Portret | None:
    return services.portret_of(db.session(), visitatie)


@bp.app_template_global()
def document_status_for(portret: Portret, version: PortretVersion) -> DocumentStatus:
    return document_status(db.session(), portret, version)


@bp.app_template_filter()
def reader_html(html: str) -> str:
    """For readers outside the review team: no provenance marks, no links into the zelfevaluatie."""
    return evidence.selfeval_links(without_provenance(html), None)


@bp.app_template_global()
def section_html(html: str, visitatie: Visitatie, team: bool, links: bool) -> str:
    """A section's HTML for one reader: the team sees the provenance marks; ``links``: the reader may open
    the zelfevaluatie, so a cited answer links to its full text (otherwise that link is left out)."""
    if not team:
        html = without_provenance(html)
    if not links:
        return evidence.selfeval_links(html, None)
    return evidence.selfeval_links(
        html, lambda key: url_for("selfeval.read", visitatie_id=visitatie.id, _anchor=f"a-{key}")
    )


@bp.app_template_global()
def excerpts(html: str) -> dict[str, str]:
    return services.excerpts(html)


@bp.app_template_global()
def portret_document(
    visitatie: Visitatie, version: PortretVersion, team: bool, editable: bool, links: bool = False
) -> Markup:
    return document_cache.document_html(visitatie, version, team=team, editable=editable, links=links)


@bp.app_template_global()
def skeleton_for(version: PortretVersion) -> skeleton.Skeleton:
    return skeleton.load(int(version.content.get("skeleton", 1)))


@bp.route("")
@login_required
def show(visitatie_id: int) -> str:
    visitatie, portret, version, team = _readable(visitatie_id)
    return render_template(
        "portret/show.html",
        visitatie=visitatie,
        portret=portret,
        version=version,
        team=team,
        pdf_ready=version is not None and services.pdf_ready(version),
        generation=services.generation_state(db.session(), portret) if portret else None,
        can_edit=access.can("portret.edit", visitatie),
        can_release=access.can("portret.release", visitatie)
        and version is not None
        and portret is not None
        and portret.released_version != version.number,
    )


@bp.route("/status")
@login_required
def status(visitatie_id: int) -> Response:
    """The draft generation's progress, for the page that waits for it."""
    visitatie = access.visitatie(visitatie_id, "portret.draft")
    portret = _portret(visitatie)
    return jsonify(
        status=services.generation_state(db.session(), portret),
        progress=portret.generation_progress,
        step=portret.generation_step,
        error=portret.generation_error,
        version=portret.current_version,
    )


@bp.route("/genereren", methods=["POST"])
@login_required
def generate(visitatie_id: int) -> BaseResponse:
    visitatie = access.visitatie(visitatie_id, "portret.edit")
    if not ConfirmForm().validate_on_submit():
        abort(400)  # only the CSRF token; CSRFProtect answers a bad one first
    s = db.session()
    try:
        tasks.request_generation(s, current_user, visitatie)
    except services.PortretError as error:
        s.rollback()
        flash(str(error), "error")
    return redirect(url_for("portret.show", visitatie_id=visitatie.id))


@bp.route("/secties/<section>", methods=["GET", "POST"])
@login_required
def edit(visitatie_id: int, section: str) -> BaseResponse | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "portret.edit")
    s = db.session()
    portret, current = services.working_draft(s, visitatie)
    if portret is None or current is None:
        abort(404)
    entry, motto = document_cache.section(current, section)
    definition = skeleton.load(portret.skeleton_version).section(section)
    if entry is None or definition is None:
        abort(404)
    material = workspace.material(s, visitatie, definition)

    def save(form: SectionForm) -> Any:
        body = form.html.data or ""
        cited = (
            {i.ref: i for g in workspace.evidence_groups(material, definition) for i in g.items}
            if material is not None and evidence.marks(body)
            else {}
        )
        return services.save_section(
            s,
            current_user,
            portret,
            section,
            form.base.data or 0,  # validated: a whole number
            form.title.data or "",
            body,
            motto=(form.motto.data or "") if definition.kind == "title" else None,
            evidence=cited,
        )

    edit = section_editor.run(
        SectionForm,
        {"title": entry["title"], "html": entry["html"], "motto": motto},
        current.number,
        save,
        invalid="De sectie kon niet worden opgeslagen. Probeer het opnieuw.",
        conflict=section_editor.someone_else_saved,
        refused=(services.PortretError,),
    )
    if edit.done:
        flash(f"‘{entry['title']}’ is opgeslagen als versie {portret.current_version}.", "success")
        return redirect(url_for("portret.show", visitatie_id=visitatie.id, _anchor=f"sectie-{section}"))
    return render_template(
        "portret/edit.html",
        visitatie=visitatie,
        portret=portret,
        entry=entry,
        definition=definition,
        form=edit.shown,
        theirs=edit.theirs,
        error=edit.error,
        workspace=workspace.build(
            s, visitatie, definition, edit.shown.get("html", ""), entry.get("provenance", {}), material
        ),
    ), edit.status


@bp.route("/versies")
@login_required
def history(visitatie_id: int) -> str:
    visitatie = access.visitatie(visitatie_id, "portret.draft")
    s = db.session()
    portret = _portret(visitatie)
    items = services.versions(s, portret)
    numbers = [v.number for v in items]
    old = request.args.get("van", type=int)
    new = request.args.get("naar", type=int)
    comparison = None
    if old in numbers and new in numbers and old != new:
        a, b = (services.version(s, portret, n) for n in sorted((old, new)))
        assert a is not None and b is not None
        comparison = (a, b, services.compare(a, b))
    return render_template(
        "portret/history.html",
        visitatie=visitatie,
        portret=portret,
        versions=items,
        comparison=comparison,
        old=old,
        new=new,
    )


@bp.route("/versies/<int:number>")
@login_required
def show_version(visitatie_id: int, number: int) -> str:
    visitatie = access.visitatie(visitatie_id, "portret.draft")
    s = db.session()
    portret = services.portret_of(s, visitatie)
    item = services.version(s, portret, number) if portret else None
    if portret is None or item is None:
        abort(404)
    return render_template(
        "portret/show.html",
        visitatie=visitatie,
        portret=portret,
        version=item,
        team=True,
        pdf_ready=services.pdf_ready(item),
        generation=None,
        can_edit=False,
        can_release=False,
        old_version=True,
    )


@bp.route("/delen", methods=["POST"])
@login_required
def release(visitatie_id: int) -> BaseResponse:
    visitatie = access.visitatie(visitatie_id, "portret.release")
    if not ConfirmForm().validate_on_submit():
        abort(400)  # only the CSRF token; CSRFProtect answers a bad one first
    s = db.session()
    portret = _portret(visitatie)
    try:
        item = services.release(s, current_user, portret)
    except services.PortretError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        tasks.request_pdf(s, item)
        flash(
            f"Versie {item.number} van het conceptportret is gedeeld met {visitatie.gemeente.name}. De coördinator "
            "krijgt een e-mail.",
            "success",
        )
    return redirect(url_for("portret.show", visitatie_id=visitatie.id))


@bp.route("/pdf", methods=["GET", "POST"])
@login_required
def pdf(visitatie_id: int) -> BaseResponse | str | tuple[str, int, dict[str, str]]:
    """GET: the version's PDF, or a page that waits for it (a read never queues anything). POST: queue
    the rendering (once per content), then back to GET."""
    visitatie, portret, version, team = _readable(visitatie_id)
    wanted = request.args.get("versie", type=int) if team and portret is not None else None
    if wanted is not None and portret is not None:
        version = services.version(db.session(), portret, wanted) if 0 < wanted <= MAX_ID else None
    if version is None:
        abort(404)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        tasks.request_pdf(db.session(), version)
        return redirect(url_for("portret.pdf", visitatie_id=visitatie.id, versie=wanted))
    if not services.pdf_ready(version):  # not rendered yet: a page that waits for it, or offers to make it
        state = services.pdf_state(db.session(), version)
        return (
            render_template(
                "portret/pdf_pending.html",
                visitatie=visitatie,
                version=version,
                versie=wanted,
                form=ConfirmForm(),
                state=state,
            ),
            202,
            {"X-Job-State": state or ""},
        )  # read by static/pdfwait.js
    filename = f"portret-{visitatie.gemeente.slug}-versie-{version.number}.pdf"
    return Response(
        version.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )
