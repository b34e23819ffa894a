"""The visit's question list (gespreksleidraad): read by the team, edited while the review is open."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from peerreview import access, db
from peerreview.review import themes, visit_questions
from peerreview.review.blueprint import bp
from peerreview.review.forms import GuideForm


@bp.route("/visitaties/<int:visitatie_id>/review/leidraad", methods=["GET", "POST"])
@login_required
def guide(visitatie_id: int) -> Response | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "review.read")
    s = db.session()
    form = GuideForm()
    if request.method == "POST":
        access.require("review.annotate", visitatie)
        if form.validate():
            action = form.action.data
            if action == "build":
                added = visit_questions.build_visit_questions(s, visitatie)
                flash(f"{added} vra{'ag' if added == 1 else 'gen'} toegevoegd.", "success")
            elif action == "add":
                visit_questions.add_question(s, visitatie, form.theme.data or None, form.text.data)
            else:
                question = visit_questions.find(s, visitatie, form.id.data or 0)
                if question is None:
                    abort(404)
                if action == "delete":
                    visit_questions.delete_question(s, question)
                else:
                    visit_questions.change_question(s, question, form.text.data)
            return redirect(url_for("review.guide", visitatie_id=visitatie.id))
    page = render_template(
        "review/guide.html",
        visitatie=visitatie,
        questions=visit_questions.visit_questions(s, visitatie),
        themes=themes.themes(),
        prompt_count=len(themes.prompts()),
        can_edit=access.can("review.annotate", visitatie),
        form=form if form.errors else None,
    )
    return (page, 422) if form.errors else page
