"""The reflectie's pages. Views are thin: load through ``access``, validate the form, call a service,
show the result or the refusal with what the user typed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from peerreview import access, db
from peerreview.accounts.forms import ConfirmForm
from peerreview.portret import section_editor, skeleton
from peerreview.portret import services as portret_services
from peerreview.portret.models import Portret
from peerreview.reflectie import adoption, answers, comments, guests
from peerreview.reflectie.errors import ReflectieError
from peerreview.reflectie.forms import AnswerForm, ApplyForm, CommentForm, DeadlineForm, GuestLinkForm, MergeForm
from peerreview.reflectie.models import Comment, GuestLink
from peerreview.review.themes import themes
from peerreview.rounds.models import Visitatie

bp = Blueprint("reflectie", __name__)
BASE = "/visitaties/<int:visitatie_id>/reacties"


def _portret(visitatie: Visitatie) -> Portret:
    portret = portret_services.portret_of(db.session(), visitatie)
    if portret is None:
        abort(404)
    return portret


def _comment(portret: Portret, comment_id: int) -> Comment:
    comment = comments.find(db.session(), portret, comment_id)
    if comment is None:
        abort(404)
    return comment


def _refused(message: str) -> None:
    db.session().rollback()
    flash(message, "error")


def _input(form: CommentForm) -> comments.CommentInput:
    return comments.CommentInput(
        kind=form.kind.data or "",
        body=form.body.data or "",
        section_key=form.section_key.data or None,
        quote=form.quote.data or "",
        correction=form.correction.data or "",
        source=form.source.data or "",
        theme=form.theme.data or None,
    )


def _concept_context(portret: Portret) -> dict[str, Any]:
    if portret.released_version is None:  # (``version`` with None would be the team's working draft)
        abort(404)
    released = portret_services.version(db.session(), portret, portret.released_version)
    if released is None:
        abort(404)
    return {
        "portret": portret,
        "version": released,
        "skeleton": skeleton.load(portret.skeleton_version),
        "themes": themes(),
        "window_problem": comments.window_problem(portret),
        "titles": {e["key"]: e["title"] for e in released.content["sections"]},
    }


# --- the gemeente: commenting ----------------------------------------------------------------------------


def _comments_page(visitatie: Visitatie, form: CommentForm | None = None, error: str | None = None) -> str:
    s = db.session()
    portret = _portret(visitatie)
    coordinator = access.can("reflectie.coordinate", visitatie)
    items = comments.of_portret(s, portret) if coordinator else comments.of_author(s, portret, current_user)
    return render_template(
        "reflectie/comments.html",
        visitatie=visitatie,
        comments=items,
        positions={c.id: i for i, c in enumerate(items, start=1)},
        coordinator=coordinator,
        form=form or CommentForm(formdata=None),
        error=error,
        post_url=url_for("reflectie.create", visitatie_id=visitatie.id),
        **_concept_context(portret),
    )


@bp.route(BASE)
@login_required
def index(visitatie_id: int) -> str | Response:
    visitatie = db.session().get(Visitatie, visitatie_id)
    if visitatie is not None and access.can("reflectie.log", visitatie):
        return redirect(url_for("reflectie.log", visitatie_id=visitatie_id))
    return _comments_page(access.visitatie(visitatie_id, "reflectie.comment"))


@bp.route(BASE, methods=["POST"])
@login_required
def create(visitatie_id: int) -> Response | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "reflectie.comment")
    form = CommentForm()
    if not form.validate_on_submit():
        return _comments_page(visitatie, form, form.first_error()), 422
    try:
        comments.create(db.session(), _portret(visitatie), _input(form), author=current_user)
    except ReflectieError as error:
        db.session().rollback()
        return _comments_page(visitatie, form, str(error)), 422
    flash("Je reactie is opgeslagen. De coördinator van de gemeente verstuurt alle reacties samen.", "success")
    return redirect(url_for("reflectie.index", visitatie_id=visitatie.id, _anchor="reacties"))


@bp.route(f"{BASE}/<int:comment_id>/samenvoegen", methods=["POST"])
@login_required
def merge(visitatie_id: int, comment_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "reflectie.coordinate")
    portret = _portret(visitatie)
    duplicate = _comment(portret, comment_id)
    form = MergeForm()
    valid = form.validate_on_submit() and form.target.data is not None
    target = comments.find(db.session(), portret, form.target.data or 0) if valid else None
    if target is None:
        flash(form.target.errors[0] if form.target.errors else "Kies een reactie uit de lijst.", "error")
    else:
        try:
            comments.merge(db.session(), current_user, portret, duplicate, target)
        except ReflectieError as error:
            _refused(str(error))
        else:
            flash("De reacties zijn samengevoegd: het team beantwoordt ze samen.", "success")
    return redirect(url_for("reflectie.index", visitatie_id=visitatie.id, _anchor=f"reactie-{comment_id}"))


@bp.route(f"{BASE}/<int:comment_id>/losmaken", methods=["POST"])
@login_required
def unmerge(visitatie_id: int, comment_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "reflectie.coordinate")
    portret = _portret(visitatie)
    comment = _comment(portret, comment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        comments.unmerge(db.session(), portret, comment)
    except ReflectieError as error:
        _refused(str(error))
    return redirect(url_for("reflectie.index", visitatie_id=visitatie.id, _anchor=f"reactie-{comment_id}"))


@bp.route(f"{BASE}/versturen", methods=["POST"])
@login_required
def send(visitatie_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "reflectie.coordinate")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = comments.send(db.session(), current_user, _portret(visitatie))
    except ReflectieError as error:
        _refused(str(error))
        return redirect(url_for("reflectie.index", visitatie_id=visitatie.id))
    flash(f"De reactie van de gemeente is verstuurd ({count} reacties). Het reviewteam krijgt een e-mail.", "success")
    return redirect(url_for("reflectie.log", visitatie_id=visitatie.id))


# --- personal links for partner organisations ------------------------------------------------------------


def _links_page(visitatie: Visitatie, form: GuestLinkForm, **extra: Any) -> str:
    portret = _portret(visitatie)
    return render_template(
        "reflectie/links.html",
        visitatie=visitatie,
        portret=portret,
        links=guests.links_of(db.session(), portret),
        is_open=guests.is_open,
        form=form,
        **extra,
    )


@bp.route(f"{BASE}/links", methods=["GET", "POST"])
@login_required
def links(visitatie_id: int) -> str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "reflectie.coordinate")
    form = GuestLinkForm()
    if request.method == "GET":
        return _links_page(visitatie, GuestLinkForm(formdata=None))
    if not form.validate_on_submit():
        return _links_page(visitatie, form, error=next(iter(form.errors.values()))[0]), 422
    try:
        link, token = guests.create(
            db.session(), current_user, _portret(visitatie), form.role.data or "", form.organisation.data or ""
        )
    except ReflectieError as error:
        db.session().rollback()
        return _links_page(visitatie, form, error=str(error)), 422
    url = url_for("reflectie.guest", token=token, _external=True)
    return _links_page(visitatie, GuestLinkForm(formdata=None), new_link=link, new_url=url)


@bp.route(f"{BASE}/links/<int:link_id>/intrekken", methods=["POST"])
@login_required
def revoke(visitatie_id: int, link_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "reflectie.coordinate")
    link = guests.find(db.session(), _portret(visitatie), link_id)
    if link is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    guests.revoke(db.session(), current_user, link)
    flash(f"De link voor {link.label} werkt niet meer.", "success")
    return redirect(url_for("reflectie.links", visitatie_id=visitatie.id))


def _guest_page(link: GuestLink, form: CommentForm | None = None, error: str | None = None) -> str:
    s = db.session()
    portret = s.get(Portret, link.portret_id)
    assert portret is not None
    return render_template(
        "reflectie/guest.html",
        link=link,
        visitatie=portret.visitatie,
        comments=comments.of_guest(s, link),
        form=form or CommentForm(formdata=None),
        error=error,
        post_url=request.path,
        **_concept_context(portret),
    )


@bp.route("/reageren/<token>", methods=["GET", "POST"])
def guest(token: str) -> str | Response | tuple[str, int]:
    """The capability URL of a personal link: no account, only this portret's concept and its comments."""
    link = guests.open_link(db.session(), token)
    if link is None:
        abort(404)
    if request.method == "GET":
        return _guest_page(link)
    form = CommentForm()
    if not form.validate_on_submit():
        return _guest_page(link, form, form.first_error()), 422
    portret = db.session().get(Portret, link.portret_id)
    assert portret is not None
    try:
        comments.create(db.session(), portret, _input(form), guest=link)
    except ReflectieError as error:
        db.session().rollback()
        return _guest_page(link, form, str(error)), 422
    flash(
        "Dank je wel. Je reactie is opgeslagen; de gemeente stuurt alle reacties samen naar het reviewteam.", "success"
    )
    return redirect(request.path)


# --- the team: the factual-accuracy log -------------------------------------------------------------------


@bp.route(f"{BASE}/logboek")
@login_required
def log(visitatie_id: int) -> str:
    visitatie = access.visitatie(visitatie_id, "reflectie.log")
    s = db.session()
    portret = _portret(visitatie)
    items = comments.sent_to_team(s, portret)
    current = portret_services.version(s, portret)
    return render_template(
        "reflectie/log.html",
        visitatie=visitatie,
        portret=portret,
        comments=items,
        duplicates={c.id: comments.duplicates_of(s, c) for c in items},
        changes={c.id: answers.change_of(s, portret, c) for c in items},
        titles={e["key"]: e["title"] for e in current.content["sections"]} if current else {},
        unanswered=comments.unanswered(s, portret),
        versions=portret_services.versions(s, portret),
        can_answer=access.can("reflectie.answer", visitatie),
        can_propose=access.can("reflectie.propose", visitatie),
        can_adopt=access.can("reflectie.adopt", visitatie) and portret.proposed_version is not None,
        can_apply=answers.can_apply,
        form=AnswerForm(formdata=None),
    )


@bp.route(f"{BASE}/<int:comment_id>/antwoord", methods=["POST"])
@login_required
def answer(visitatie_id: int, comment_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "reflectie.answer")
    portret = _portret(visitatie)
    comment = _comment(portret, comment_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0], "error")
    else:
        try:
            answers.answer(
                db.session(),
                current_user,
                portret,
                comment,
                form.decision.data or "",
                form.reason.data or "",
                changed_version=form.changed_version.data,
                changed_section=form.changed_section.data or None,
            )
        except ReflectieError as error:
            _refused(str(error))
        else:
            flash("Het antwoord is opgeslagen; de gemeente kan het lezen.", "success")
    return redirect(url_for("reflectie.log", visitatie_id=visitatie.id, _anchor=f"reactie-{comment_id}"))


@bp.route(f"{BASE}/<int:comment_id>/verwerken", methods=["GET", "POST"])
@login_required
def apply(visitatie_id: int, comment_id: int) -> str | Response | tuple[str, int]:
    """One action for a factual correction: the section editor with the passage already replaced."""
    visitatie = access.visitatie(visitatie_id, "reflectie.answer")
    s = db.session()
    portret = _portret(visitatie)
    comment = _comment(portret, comment_id)
    current = portret_services.version(s, portret)
    entry = portret_services.section_of(current.content, comment.section_key or "") if current else None
    if not answers.can_apply(comment) or comment.sent_at is None or current is None or entry is None:
        abort(404)
    html, found = answers.proposed_html(entry["html"], comment.passage or "", comment.correction)
    edit = section_editor.run(
        ApplyForm,
        {"title": entry["title"], "html": html, "reason": "De correctie is overgenomen."},
        current.number,
        lambda form: answers.apply_correction(
            s,
            current_user,
            portret,
            comment,
            form.base.data or 0,
            form.title.data or "",
            form.html.data or "",
            form.reason.data or "",
        ),
        invalid="De sectie kon niet worden opgeslagen.",
        conflict=section_editor.someone_else_saved,
        refused=(ReflectieError, portret_services.PortretError),
        refused_status=422,
    )
    if edit.done:
        flash(f"De correctie staat in versie {edit.saved}; de reactie is beantwoord als verwerkt.", "success")
        return redirect(url_for("reflectie.log", visitatie_id=visitatie.id, _anchor=f"reactie-{comment.id}"))
    return render_template(
        "reflectie/apply.html",
        visitatie=visitatie,
        portret=portret,
        comment=comment,
        entry=entry,
        form=edit.shown,
        found=found,
        theirs=edit.theirs,
        error=edit.error,
    ), edit.status


# --- deadline and the definitive portret -----------------------------------------------------------------


@bp.route(f"{BASE}/termijn", methods=["GET", "POST"])
@login_required
def deadline(visitatie_id: int) -> str | Response | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "reflectie.deadline")
    portret = _portret(visitatie)
    form = DeadlineForm()
    if request.method == "POST":
        error = None
        if not form.validate_on_submit() or form.deadline.data is None:
            error = "Vul een geldige datum in."
        else:
            try:
                adoption.set_deadline(db.session(), current_user, portret, form.deadline.data)
            except ReflectieError as refused:
                db.session().rollback()
                error = str(refused)
        if error is None:
            flash("De reactietermijn is ingesteld.", "success")
            return redirect(url_for("portret.show", visitatie_id=visitatie.id))
        return render_template(
            "reflectie/deadline.html", visitatie=visitatie, portret=portret, form=form, error=error
        ), 422
    return render_template("reflectie/deadline.html", visitatie=visitatie, portret=portret, form=form, error=None)


@bp.route(f"{BASE}/voorstellen", methods=["POST"])
@login_required
def propose(visitatie_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "reflectie.propose")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        number = adoption.propose(db.session(), current_user, _portret(visitatie))
    except ReflectieError as error:
        _refused(str(error))
    else:
        flash(
            f"Versie {number} is voorgesteld als definitief portret. De coördinator van de gemeente stelt het vast.",
            "success",
        )
    return redirect(url_for("reflectie.log", visitatie_id=visitatie.id))


@bp.route(f"{BASE}/vaststellen", methods=["POST"])
@login_required
def adopt(visitatie_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "reflectie.adopt")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        number = adoption.adopt(db.session(), current_user, _portret(visitatie))
    except ReflectieError as error:
        _refused(str(error))
        return redirect(url_for("reflectie.log", visitatie_id=visitatie.id))
    flash(f"Het portret is vastgesteld: versie {number} is het definitieve portret.", "success")
    return redirect(url_for("portret.show", visitatie_id=visitatie.id))
