"""The definitive portret's routes: the coordinator's publication choice, the team's erratum, and the
public pages (index, portret, PDF) that need no account.

Public pages go through the access policy like every other page (the rule ``portret.published``
answers for anonymous visitors too), write nothing and queue nothing on GET, and set no cookie: they
never ask for a CSRF token or touch the session.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, db
from peerreview.definitief import services
from peerreview.definitief.forms import PUBLICATION_HINTS, ErratumForm, PublicationForm
from peerreview.extensions import login_manager
from peerreview.ids import MAX_ID
from peerreview.portret import section_editor, skeleton, tasks
from peerreview.portret import services as portret_services
from peerreview.portret.models import Portret, PortretVersion, Publication

bp = Blueprint("definitief", __name__)


def _portret_of(visitatie_id: int, action: str) -> Portret:
    """The visitatie's portret for ``action`` by the current user, or 404."""
    visitatie = access.visitatie(visitatie_id, "visitatie.view" if action == "portret.publish" else "portret.draft")
    portret = portret_services.portret_of(db.session(), visitatie)
    access.require(action, portret)
    assert portret is not None
    return portret


@bp.app_template_global()
def definitive_versions(portret: Portret) -> list[PortretVersion]:
    return portret_services.definitive_versions(db.session(), portret)


@bp.app_template_global()
def publication_form() -> PublicationForm:
    return PublicationForm()


@bp.app_template_global()
def publication_hints() -> dict[Publication, str]:
    return PUBLICATION_HINTS


# --- the coordinator's choice ------------------------------------------------------------------------


@bp.route("/visitaties/<int:visitatie_id>/portret/publicatie", methods=["POST"])
@login_required
def publish(visitatie_id: int) -> BaseResponse:
    portret = _portret_of(visitatie_id, "portret.publish")
    form = PublicationForm()
    back = redirect(url_for("portret.show", visitatie_id=visitatie_id, _anchor="publicatie"))
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0] if form.errors else "Kies wie het portret mag lezen.", "error")
        return back
    s = db.session()
    scope = Publication(form.scope.data)
    try:
        services.choose(s, current_user, portret, scope)
    except services.PublicationError as refused:
        s.rollback()
        flash(str(refused), "error")
        return back
    for item in services.versions_to_render(s, portret):
        tasks.request_pdf(s, item)
    flash(
        {
            Publication.GEMEENTE: "De publicatie is ingetrokken: alleen jullie gemeente, het team en de "
            "rondecoördinatoren lezen het portret nog.",
            Publication.NETWERK: "Het portret is gepubliceerd voor het netwerk.",
            Publication.OPENBAAR: "Het portret is openbaar: iedereen kan het lezen via de publieke pagina.",
        }[scope],
        "success",
    )
    return back


# --- the erratum -------------------------------------------------------------------------------------


@bp.route("/visitaties/<int:visitatie_id>/portret/erratum/<section>", methods=["GET", "POST"])
@login_required
def erratum(visitatie_id: int, section: str) -> BaseResponse | tuple[str, int]:
    """Correct one section of the definitive portret: the section editor, with a required reason; the
    save makes a new numbered version of kind erratum that the portret adopts in its place."""
    portret = _portret_of(visitatie_id, "portret.erratum")
    visitatie = portret.visitatie
    s = db.session()
    adopted = portret_services.version(s, portret, portret.adopted_version)
    assert adopted is not None
    entry = portret_services.section_of(adopted.content, section)
    definition = skeleton.load(portret.skeleton_version).section(section)
    if entry is None or definition is None:
        abort(404)
    edit = section_editor.run(
        ErratumForm,
        {"title": entry["title"], "html": entry["html"], "motto": adopted.content.get("motto", ""), "reason": ""},
        adopted.number,
        lambda form: portret_services.save_section(
            s,
            current_user,
            portret,
            section,
            form.base.data or 0,
            form.title.data or "",
            form.html.data or "",
            motto=(form.motto.data or "") if definition.kind == "title" else None,
            erratum_reason=form.reason.data or "",
        ),
        invalid="Het erratum kon niet worden opgeslagen. Probeer het opnieuw.",
        conflict=lambda number: (
            f"Intussen is versie {number} vastgesteld met een andere tekst voor deze "
            "sectie. Je eigen tekst staat in het veld; de vastgestelde tekst zie je erboven."
        ),
        refused=(portret_services.PortretError,),
    )
    if edit.done:
        if edit.saved.number == adopted.number:
            flash("Er is niets veranderd, dus er is geen erratum gemaakt.", "info")
        else:
            for version in services.versions_to_render(s, portret):  # the new one, and any earlier
                tasks.request_pdf(s, version)
            flash(f"Erratum opgeslagen als versie {edit.saved.number}; versie {adopted.number} blijft beschikbaar.")
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
        erratum=True,
    ), edit.status


# --- public pages ------------------------------------------------------------------------------------


def _published(slug: str, visitatie_id: int, action: str = "portret.published") -> Portret:
    """The portret at its stable URL for this reader; 410 once its publication was withdrawn, 404 when
    it is not (or not for this reader) published."""
    portret = services.portret_at(db.session(), slug, visitatie_id)
    if portret is None:
        abort(404)
    if not (access.can(action, portret) or access.can("portret.council", portret)):
        if not current_user.is_authenticated and services.published_to_network(portret):
            abort(login_manager.unauthorized())  # a link shared in the network: log in, then read it
        if services.was_published(portret):
            abort(Response(render_template("definitief/withdrawn.html"), status=410))
        abort(404)
    return portret


@bp.route("/portretten")
def index() -> str:
    scopes = services.visible_scopes(current_user if current_user.is_authenticated else None)
    return render_template(
        "definitief/index.html", items=services.published(db.session(), scopes), network=len(scopes) > 1
    )


@bp.route("/portretten/<slug>/<int:visitatie_id>")
def show(slug: str, visitatie_id: int) -> str:
    portret = _published(slug, visitatie_id)
    s = db.session()
    version = portret_services.version(s, portret, portret.adopted_version)
    assert version is not None
    return render_template(
        "definitief/show.html",
        portret=portret,
        visitatie=portret.visitatie,
        version=version,
        versions=portret_services.definitive_versions(s, portret),
    )


@bp.route("/portretten/<slug>/<int:visitatie_id>/pdf")
def pdf(slug: str, visitatie_id: int) -> BaseResponse | tuple[str, int]:
    """A definitive version's PDF (``?versie=``, default the adopted one): readers of the publication and
    whoever may read the portret itself. A GET never queues the rendering; publication and errata do."""
    portret = _published(slug, visitatie_id, "portret.definitive")
    s = db.session()
    wanted = request.args.get("versie", type=int) or portret.adopted_version
    versions = {v.number: v for v in portret_services.definitive_versions(s, portret)}
    version = versions.get(wanted) if wanted is not None and 0 < wanted <= MAX_ID else None
    if version is None:
        abort(404)
    if not portret_services.pdf_ready(version):
        state = portret_services.pdf_state(s, version)
        return render_template("definitief/pdf_pending.html", portret=portret, version=version, state=state), 202
    visitatie = portret.visitatie
    filename = f"portret-{visitatie.gemeente.slug}-versie-{version.number}.pdf"
    return Response(
        version.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
