"""The review workspace: the submitted zelfevaluatie, one chapter at a time, with its annotations; the
theme colours; releasing the annotations to the gemeente."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, db
from peerreview.fragments import FragmentCache
from peerreview.review import case_reads, themes
from peerreview.review import release as releasing
from peerreview.review.blueprint import bp
from peerreview.review.chapters import annotation_url
from peerreview.review.forms import ConfirmForm
from peerreview.review.highlight import highlighted, highlighted_table, theme_styles
from peerreview.review.models import Annotation
from peerreview.review.workspace import review_team, with_card_context, workspace_context
from peerreview.rounds.models import Visitatie
from peerreview.sanitize import plain_text
from peerreview.selfeval import values
from peerreview.selfeval.definitions import Question
from peerreview.selfeval.models import Submission


@bp.route("/themas.css")
def theme_css() -> Response:
    """The theme colours as CSS (from forms/themes-v1.yaml); the CSP allows no inline styles."""
    css = theme_styles({code: (t.colour, t.highlight) for code, t in themes.themes().items()})
    return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=3600"})


# An answer with its passages marked is the same until its text or an annotation on it changes: kept per
# worker for every key below (a few KB each; a whole zelfevaluatie has about a hundred answers).
MARKED_ANSWERS = 1024
_marked: FragmentCache[Markup] = FragmentCache(MARKED_ANSWERS)


def _marked_key(submission: Submission, key: str, items: list[Any], numbers: dict[int, int]) -> Hashable:
    """Everything a marked answer depends on: the submitted text (the submission, whose checksum changes
    with its content) and each annotation on it that is shown: its place, anchoring, themes and number.
    Who may see which annotations is settled before (they are ``items``), so equal keys mean equal HTML."""
    marks = tuple((a.id, a.start, a.end, a.anchor_status, tuple(a.themes), numbers[a.id]) for a in items)
    return submission.id, submission.checksum, key, marks


@bp.app_template_global()
def highlight(submission: Submission, key: str, text: str, items: list[Any], numbers: dict[int, int]) -> Markup:
    """The text of a case field (``key``) with its passages marked."""
    return _marked.get(_marked_key(submission, key, items, numbers), lambda: highlighted(text, items, numbers))


@bp.app_template_global()
def highlight_answer(
    submission: Submission, question: Question, answer: dict[str, Any], items: list[Any], numbers: dict[int, int]
) -> Markup:
    """An answer (its entry in the snapshot) with its passages marked: a table answer as a table, the rest as text."""

    def render() -> Markup:
        value, plain = answer["value"] or {}, answer["plain"]
        if question.kind == "rows":
            head, rows = values.table(question, value)
            intro = plain_text(value.get("intro", ""))  # text before the table, one line break apart
            table = highlighted_table(head, rows, plain, items, numbers, start=len(intro) + 1 if intro else 0)
            if table is not None:
                return table
        return highlighted(plain, items, numbers)

    return _marked.get(_marked_key(submission, question.key, items, numbers), render)


@bp.app_template_global("annotation_url")
def annotation_url_global(visitatie: Visitatie, annotation: Annotation) -> str:
    return annotation_url(visitatie, annotation.question_key, annotation.id)


@bp.route("/visitaties/<int:visitatie_id>/review")
@login_required
def workspace(visitatie_id: int) -> BaseResponse | str:
    visitatie = db.session().get(Visitatie, visitatie_id)
    if visitatie is not None:
        review_team(visitatie)  # before the access checks, which then need no query of their own
        if access.can("review.declare", visitatie) and not access.can("annotations.read", visitatie):
            return redirect(url_for("review.declare", visitatie_id=visitatie_id))
    visitatie = access.visitatie(visitatie_id, "annotations.read")
    context = with_card_context(workspace_context(visitatie))
    case_reads.log(current_user, context, via="review")
    return render_template("review/workspace.html", **context)


@bp.route("/visitaties/<int:visitatie_id>/review/delen", methods=["POST"])
@login_required
def release(visitatie_id: int) -> BaseResponse:
    visitatie = access.visitatie(visitatie_id, "review.release")
    if not ConfirmForm().validate_on_submit():
        flash("Het formulier was verlopen. Probeer het opnieuw.", "error")
    else:
        releasing.release(db.session(), current_user, visitatie)
        flash(f"De aantekeningen zijn gedeeld met {visitatie.gemeente.name}.", "success")
    return redirect(url_for("review.workspace", visitatie_id=visitatie.id))
