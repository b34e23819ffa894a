"""Writing annotations: a new one, changing, placing again or removing one's own, and replies.
What a reviewer typed is shown again when it is refused."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from peerreview import access, db
from peerreview.review import annotating, case_reads, themes
from peerreview.review.blueprint import bp
from peerreview.review.chapters import annotation_url, chapter_of
from peerreview.review.errors import ReviewError
from peerreview.review.forms import AnnotationEditForm, AnnotationForm, ReplyForm
from peerreview.review.models import Annotation
from peerreview.review.workspace import with_card_context, workspace_context
from peerreview.rounds.models import Visitatie
from peerreview.selfeval import cases
from peerreview.selfeval.services import definition_for


def _annotation(visitatie: Visitatie, annotation_id: int) -> Annotation:
    annotation = annotating.find(db.session(), visitatie, annotation_id)
    if annotation is None:
        abort(404)
    return annotation


def _errors(form: Any) -> str:
    return " ".join(message for field in form for message in field.errors)


def _workspace_again(visitatie: Visitatie, question_key: str | None, **extra: Any) -> tuple[str, int]:
    """The workspace, at the chapter of ``question_key``, with a refused form filled in as it was sent."""
    reply = extra.pop("reply", None)
    chapter = chapter_of(definition_for(visitatie), question_key or None)
    context = with_card_context(workspace_context(visitatie, chapter), reply=reply)
    context.update(extra)
    case_reads.log(current_user, context, via="review")
    return render_template("review/workspace.html", **context), 422


@bp.route("/visitaties/<int:visitatie_id>/review/aantekeningen", methods=["POST"])
@login_required
def create(visitatie_id: int) -> Response | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "review.annotate")
    form = AnnotationForm()
    if form.validate_on_submit():
        data = annotating.AnnotationInput(
            question_key=form.question_key.data or None,
            start=form.start.data,
            end=form.end.data,
            quote=form.quote.data or "",
            themes=form.themes.data or [],
            kind=form.kind.data or "",
            body=form.body.data or "",
            document_id=form.document_id.data,
        )
        try:
            annotation = annotating.create_annotation(db.session(), current_user, visitatie, data)
        except ReviewError as error:
            form_error = str(error)
        else:
            flash("Je aantekening is opgeslagen.", "success")
            return redirect(annotation_url(visitatie, annotation.question_key, annotation.id))
    else:
        form_error = _errors(form)
    posted = {key: "" if value is None else value for key, value in form.data.items()}
    return _workspace_again(visitatie, form.question_key.data, form_error=form_error, posted=posted)


@bp.route("/visitaties/<int:visitatie_id>/review/aantekeningen/<int:annotation_id>", methods=["GET", "POST"])
@login_required
def update(visitatie_id: int, annotation_id: int) -> Response | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "review.annotate")
    annotation = _annotation(visitatie, annotation_id)
    if annotation.author_id != current_user.id:
        abort(404)
    form = AnnotationEditForm()
    error = None
    if form.validate_on_submit():
        s = db.session()
        try:
            if form.action.data == "delete":
                annotating.delete_annotation(s, current_user, annotation)
                message = "De aantekening is verwijderd."
            elif form.action.data == "reattach":
                annotating.reattach(s, current_user, annotation, visitatie, form.quote.data or "")
                message = "De aantekening staat weer bij een passage."
            else:
                annotating.update_annotation(
                    s,
                    current_user,
                    annotation,
                    themes_=form.themes.data or [],
                    kind=form.kind.data or "",
                    body=form.body.data or "",
                )
                message = "De aantekening is gewijzigd."
        except ReviewError as refused:
            error = str(refused)
        else:
            flash(message, "success")
            return redirect(annotation_url(visitatie, annotation.question_key, annotation_id))
    elif form.is_submitted():
        error = _errors(form)
    else:  # what the form starts with
        form.themes.data, form.kind.data, form.body.data = (
            list(annotation.themes),
            annotation.kind.value,
            annotation.body,
        )
    cases.log_case_read(current_user, visitatie, [annotation.question_key], via="aantekening")
    page = render_template(
        "review/edit.html",
        visitatie=visitatie,
        a=annotation,
        form=form,
        error=error,
        themes=themes.themes(),
        kinds=themes.kinds(),
    )
    return (page, 422) if form.is_submitted() else page


@bp.route("/visitaties/<int:visitatie_id>/review/aantekeningen/<int:annotation_id>/reacties", methods=["POST"])
@login_required
def add_reply(visitatie_id: int, annotation_id: int) -> Response | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "review.annotate")
    annotation = _annotation(visitatie, annotation_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            annotating.reply(db.session(), current_user, annotation, form.body.data or "")
        except ReviewError as error:
            form.body.errors.append(str(error))
        else:
            flash("Je reactie is opgeslagen.", "success")
            return redirect(annotation_url(visitatie, annotation.question_key, annotation_id))
    reply = {"id": annotation.id, "body": form.body.data or "", "error": _errors(form)}
    return _workspace_again(visitatie, annotation.question_key, reply=reply)
