"""The theme view: per theme every marked passage side by side, with the team's summary and judgement."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from peerreview import access, db
from peerreview.review import case_reads, summaries, themes
from peerreview.review.blueprint import bp
from peerreview.review.errors import ReviewError
from peerreview.review.forms import SummaryForm
from peerreview.review.workspace import review_team, theme_context
from peerreview.rounds.models import Visitatie


@bp.route("/visitaties/<int:visitatie_id>/review/themas", methods=["GET", "POST"])
@login_required
def theme_view(visitatie_id: int) -> Response | str | tuple[str, int]:
    visitatie = db.session().get(Visitatie, visitatie_id)
    if visitatie is not None:
        review_team(visitatie)  # before the access check, which then needs no query of its own
    visitatie = access.visitatie(visitatie_id, "annotations.read")
    s = db.session()
    status, error, posted = 200, None, None
    if request.method == "POST":
        access.require("review.annotate", visitatie)
        form = SummaryForm()
        code = form.theme.data or ""
        if not form.validate():
            error, posted, status = (code, " ".join(m for f in form for m in f.errors)), form.data, 422
        else:
            try:
                summaries.save_summary(
                    s,
                    current_user,
                    visitatie,
                    code,
                    form.judgement.data or None,
                    form.summary.data or "",
                    form.base.data or 0,
                )
            except ReviewError as problem:
                error, posted, status = (code, str(problem)), form.data, 409
            else:
                flash("De samenvatting is opgeslagen.", "success")
                return redirect(url_for("review.theme_view", visitatie_id=visitatie.id, _anchor=f"thema-{code}"))
    context = theme_context(visitatie)
    by_theme: dict[str, list[Any]] = {code: [] for code in themes.themes()}
    for a in context["all_annotations"]:
        for code in dict.fromkeys(a.themes):
            if code in by_theme:
                by_theme[code].append(a)
    context.update(
        by_theme=by_theme,
        summaries=summaries.summary_rows(s, visitatie),
        judgements=themes.judgements(),
        error=error,
        posted=posted,
    )
    case_reads.log(current_user, context, via="themas", annotations=context["all_annotations"])
    return render_template("review/themes.html", **context), status
