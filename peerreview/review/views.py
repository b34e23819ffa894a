from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, db
from peerreview.accounts.models import User
from peerreview.audit.services import record_read
from peerreview.review import services, themes
from peerreview.review.jsonld import annotation_collection
from peerreview.review.models import Annotation, ReviewAssignment, VisitQuestion
from peerreview.rounds.models import Round, Visitatie
from peerreview.selfeval import cases
from peerreview.selfeval import services as selfeval
from peerreview.selfeval.submission import answers_from

bp = Blueprint("review", __name__)


def _annotation(visitatie: Visitatie, annotation_id: int) -> Annotation:
    annotation = db.session().scalar(
        select(Annotation).where(Annotation.id == annotation_id, Annotation.visitatie_id == visitatie.id)
    )
    if annotation is None:
        abort(404)
    return annotation


@bp.route("/themas.css")
def theme_css() -> Response:
    """The theme colours as CSS (from forms/themes-v1.yaml); the CSP allows no inline styles."""
    from peerreview.review.highlight import theme_styles

    css = theme_styles({code: (t.colour, t.highlight) for code, t in themes.themes().items()})
    return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=3600"})


@bp.app_template_global()
def highlight(text: str, items: list[Annotation], numbers: dict[int, int]) -> Any:
    from peerreview.review.highlight import highlighted

    return highlighted(text, items, numbers)


# --- teams (round coordinator) ----------------------------------------------------------------------------


@bp.route("/rondes/<int:round_id>/reviewteams", methods=["GET", "POST"])
@login_required
def round_teams(round_id: int) -> BaseResponse | str:
    round_ = access.fetch(Round, round_id, "round.manage")
    s = db.session()
    people = services.candidates(s)
    if request.method == "POST":  # accept the suggestion for every visitatie without a team
        suggestion = services.suggest_for_round(s, round_)
        existing = services.round_teams(s, round_)
        accepted = 0
        for visitatie in round_.visitaties:
            team = suggestion.get(visitatie.id)
            if visitatie.id in existing or team is None or team.lead is None:
                continue
            try:
                services.set_team(s, current_user, visitatie, team.lead, team.members)
                accepted += 1
            except services.ReviewError as error:
                flash(f"{visitatie.gemeente.name}: {error}", "error")
        flash(f"Het voorstel is overgenomen voor {accepted} visitatie{'s' if accepted != 1 else ''}.", "success")
        return redirect(url_for("review.round_teams", round_id=round_.id))
    current = services.round_teams(s, round_)
    suggestion = services.suggest_for_round(s, round_)
    rows = []
    for visitatie in sorted(round_.visitaties, key=lambda v: v.gemeente.name):
        team = current.get(visitatie.id)
        rows.append(
            {
                "visitatie": visitatie,
                "team": team,
                "suggested": None if team else suggestion.get(visitatie.id),
                "problems": services.problems(s, visitatie) if team else [],
            }
        )
    return render_template("review/round_teams.html", round=round_, rows=rows, people=people)


@bp.route("/visitaties/<int:visitatie_id>/reviewteam", methods=["GET", "POST"])
@login_required
def team(visitatie_id: int) -> BaseResponse | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "review.team.manage")
    s = db.session()
    people = services.candidates(s)
    chosen = services.team_of(s, visitatie)
    lead = next((a.user_id for a in chosen if a.role.value == "lead"), None)
    members = [a.user_id for a in chosen if a.role.value == "member"]
    problems = services.problems(s, visitatie) if chosen else []
    status = 200
    if request.method == "POST":
        lead = request.form.get("lead", type=int)
        members = [m for m in (request.form.get("member1", type=int), request.form.get("member2", type=int)) if m]
        try:
            warnings = services.set_team(s, current_user, visitatie, lead, members)
        except services.ReviewError as error:
            problems = services.problems(s, visitatie, services.teams.Team(lead=lead, members=members))
            flash(str(error), "error")
            status = 422
        else:
            flash(
                "Het reviewteam is opgeslagen; de reviewers krijgen een e-mail."
                + (" Let op: " + " ".join(w.message for w in warnings) if warnings else ""),
                "warning" if warnings else "success",
            )
            return redirect(url_for("review.round_teams", round_id=visitatie.round_id))
    eligible = {uid: c for uid, c in people.items() if c.gemeente_id != visitatie.gemeente_id}
    return render_template(
        "review/team.html", visitatie=visitatie, people=eligible, lead=lead, members=members, problems=problems
    ), status


# --- declaration and workspace (reviewers) ------------------------------------------------------------------


@bp.route("/visitaties/<int:visitatie_id>/review/verklaring", methods=["GET", "POST"])
@login_required
def declare(visitatie_id: int) -> BaseResponse | str:
    visitatie = access.visitatie(visitatie_id, "review.declare")
    assignment = access.assignment(current_user, visitatie)
    if request.method == "POST":
        if request.form.get("confirm") != "ja":
            flash("Vink aan dat je geen belangenconflict hebt, of neem contact op met de rondecoördinator.", "error")
        else:
            s = db.session()
            services.declare(s, current_user, visitatie)
            flash("Dank je. Je verklaring is vastgelegd.", "success")
            return redirect(url_for("review.workspace", visitatie_id=visitatie.id))
    return render_template("review/declare.html", visitatie=visitatie, assignment=assignment)


@bp.app_template_global("annotation_url")
def annotation_url_global(visitatie: Visitatie, annotation: Annotation) -> str:
    return services.annotation_url(visitatie, annotation.question_key, annotation.id)


def _chapters(
    definition: Any, answers: dict[str, Any], cases: list[Any], shown: list[Annotation]
) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for a in shown:
        key = services.chapter_of(definition, a.question_key)
        counts[key] = counts.get(key, 0) + 1
    chapters = [
        {"key": top.key, "title": top.title, "count": counts.get(top.key, 0)}
        for top in definition.sections
        if any(q.key in answers for q in top.all_questions())
    ]
    if any(c.get("fields") for c in cases):
        chapters.append(
            {"key": services.CASES_CHAPTER, "title": "Casussen", "count": counts.get(services.CASES_CHAPTER, 0)}
        )
    if counts.get(services.DOCUMENTS_CHAPTER):
        chapters.append(
            {"key": services.DOCUMENTS_CHAPTER, "title": "Documenten", "count": counts[services.DOCUMENTS_CHAPTER]}
        )
    return chapters


def _workspace_context(visitatie: Visitatie, chapter_view: bool = False) -> dict[str, Any]:
    """What the review pages show. The theme view and the exports need every annotation in full; the
    workspace (``chapter_view``) reads all of them as light rows (for numbers, counts and agreement)
    and loads in full only those of the chapter on screen."""
    s = db.session()
    submission = services.current_submission(s, visitatie)
    if submission is None:
        abort(404)
    definition = selfeval.definition_for(visitatie)
    theme = request.args.get("thema", "")
    kind = request.args.get("soort", "")
    author = request.args.get("reviewer", type=int)
    team = services.team_of(s, visitatie)  # first: the authors are then known without extra queries
    every: list[Any] = services.annotation_index(s, visitatie) if chapter_view else services.annotations(s, visitatie)
    if not access.can("casus.read", visitatie):  # case texts (and quotes from them) never leave the visitatie
        every = [a for a in every if not (a.question_key or "").startswith("casus")]
    matching = [
        a
        for a in every
        if (not theme or theme in a.themes)
        and (not kind or a.kind.value == kind)
        and (not author or a.author_id == author)
    ]
    disagreements, per_theme = services.agreement(every)
    answers = answers_from(submission.snapshot)
    cases = submission.snapshot.get("cases", []) if access.can("casus.read", visitatie) else []
    chapters = _chapters(definition, answers, cases, matching)
    keys = [c["key"] for c in chapters]
    chapter = request.args.get("onderdeel", "")
    if chapter not in (*keys, services.ALL_CHAPTERS):
        chapter = keys[0] if keys else services.ALL_CHAPTERS
    shown = matching
    if chapter_view:
        on_screen = [
            a.id
            for a in matching
            if chapter == services.ALL_CHAPTERS or services.chapter_of(definition, a.question_key) == chapter
        ]
        shown = services.annotations(s, visitatie, ids=on_screen)
    return {
        "visitatie": visitatie,
        "submission": submission,
        "definition": definition,
        "answers": answers,
        "chapters": chapters,
        "chapter": chapter,
        "pages": [
            p
            for p in definition.pages
            if chapter == services.ALL_CHAPTERS
            or ((top := definition.top_section_of(p.key)) is not None and top.key == chapter)
        ],
        "show_cases": chapter in (services.CASES_CHAPTER, services.ALL_CHAPTERS),
        "show_documents": chapter in (services.DOCUMENTS_CHAPTER, services.ALL_CHAPTERS),
        "annotations": shown,
        "matching": len(matching),
        "all_annotations": every,
        "by_question": _by_question(shown),
        "themes": themes.themes(),
        "kinds": themes.kinds(),
        "filters": {"thema": theme, "soort": kind, "reviewer": author},
        "team": team,
        "anonymous": visitatie.round.anonymous_review,
        "disagreements": disagreements,
        "per_theme": per_theme,
        "can_annotate": access.can("review.annotate", visitatie),
        "cases": cases,
        "role_of": {a.user_id: a.role for a in team},
        "numbers": {a.id: n for n, a in enumerate(every, start=1)},
        "documents": submission.snapshot.get("documents", {}).get("files", []),
        "form_error": None,
        "card_context": None,  # filled below
        "posted": None,
    }


def _with_card_context(context: dict[str, Any]) -> dict[str, Any]:
    keys = ("numbers", "kinds", "themes", "role_of", "anonymous", "visitatie", "documents", "can_annotate")
    context["card_context"] = {key: context[key] for key in keys} | {
        "user_id": current_user.id,
        "csrf_token": generate_csrf(),  # once per page, not once per card
    }
    return context


def _by_question(items: list[Annotation]) -> dict[str | None, list[Annotation]]:
    result: dict[str | None, list[Annotation]] = {}
    for a in items:
        result.setdefault(a.question_key, []).append(a)
    return result


@bp.route("/visitaties/<int:visitatie_id>/review")
@login_required
def workspace(visitatie_id: int) -> BaseResponse | str:
    s = db.session()
    visitatie = s.get(Visitatie, visitatie_id)
    if (
        visitatie is not None
        and access.can("review.declare", visitatie)
        and not access.can("annotations.read", visitatie)
    ):
        return redirect(url_for("review.declare", visitatie_id=visitatie_id))
    visitatie = access.visitatie(visitatie_id, "annotations.read")
    context = _with_card_context(_workspace_context(visitatie, chapter_view=True))
    if context["cases"] and context["show_cases"]:
        for casus in cases.all_cases(s, visitatie):  # a read of case texts is logged in its own transaction
            record_read("casus_read", actor=current_user, gemeente_id=casus.gemeente_id, obj=casus)
    return render_template("review/workspace.html", **context)


@bp.route("/visitaties/<int:visitatie_id>/review/aantekeningen", methods=["POST"])
@login_required
def create(visitatie_id: int) -> BaseResponse | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "review.annotate")
    s = db.session()
    form = request.form
    data = services.AnnotationInput(
        question_key=form.get("question_key") or None,
        start=form.get("start", type=int),
        end=form.get("end", type=int),
        quote=form.get("quote", ""),
        themes=form.getlist("themes"),
        kind=form.get("kind", ""),
        body=form.get("body", ""),
        document_id=form.get("document_id", type=int),
    )
    try:
        annotation = services.create_annotation(s, current_user, visitatie, data)
    except services.ReviewError as error:
        context = _with_card_context(_workspace_context(visitatie, chapter_view=True))
        context.update(form_error=str(error), posted=form)
        return render_template("review/workspace.html", **context), 422
    flash("Je aantekening is opgeslagen.", "success")
    return redirect(services.annotation_url(visitatie, annotation.question_key, annotation.id))


@bp.route("/visitaties/<int:visitatie_id>/review/aantekeningen/<int:annotation_id>", methods=["GET", "POST"])
@login_required
def update(visitatie_id: int, annotation_id: int) -> BaseResponse | str:
    visitatie = access.visitatie(visitatie_id, "review.annotate")
    s = db.session()
    annotation = _annotation(visitatie, annotation_id)
    if request.method == "GET":
        if annotation.author_id != current_user.id:
            abort(404)
        return render_template(
            "review/edit.html", visitatie=visitatie, a=annotation, themes=themes.themes(), kinds=themes.kinds()
        )
    action = request.form.get("action", "save")
    try:
        if action == "delete":
            services.delete_annotation(s, current_user, annotation)
            message = "De aantekening is verwijderd."
        elif action == "reattach":
            services.reattach(s, current_user, annotation, visitatie, request.form.get("quote", ""))
            message = "De aantekening staat weer bij een passage."
        else:
            services.update_annotation(
                s,
                current_user,
                annotation,
                themes_=request.form.getlist("themes"),
                kind=request.form.get("kind", ""),
                body=request.form.get("body", ""),
            )
            message = "De aantekening is gewijzigd."
    except services.ReviewError as error:
        flash(str(error), "error")
        return redirect(services.annotation_url(visitatie, annotation.question_key, annotation_id))
    flash(message, "success")
    return redirect(services.annotation_url(visitatie, annotation.question_key, annotation_id))


@bp.route("/visitaties/<int:visitatie_id>/review/aantekeningen/<int:annotation_id>/reacties", methods=["POST"])
@login_required
def add_reply(visitatie_id: int, annotation_id: int) -> BaseResponse:
    visitatie = access.visitatie(visitatie_id, "review.annotate")
    s = db.session()
    annotation = _annotation(visitatie, annotation_id)
    try:
        services.reply(s, current_user, annotation, request.form.get("body", ""))
    except services.ReviewError as error:
        flash(str(error), "error")
    return redirect(services.annotation_url(visitatie, annotation.question_key, annotation_id))


@bp.route("/visitaties/<int:visitatie_id>/review/delen", methods=["POST"])
@login_required
def release(visitatie_id: int) -> BaseResponse:
    visitatie = access.visitatie(visitatie_id, "review.release")
    s = db.session()
    services.release(s, current_user, visitatie)
    flash(f"De aantekeningen zijn gedeeld met {visitatie.gemeente.name}.", "success")
    return redirect(url_for("review.workspace", visitatie_id=visitatie.id))


# --- themes and the visit ---------------------------------------------------------------------------------


@bp.route("/visitaties/<int:visitatie_id>/review/themas", methods=["GET", "POST"])
@login_required
def theme_view(visitatie_id: int) -> BaseResponse | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "annotations.read")
    s = db.session()
    status, error, posted = 200, None, None
    if request.method == "POST":
        access.require("review.annotate", visitatie)
        code = request.form.get("theme", "")
        try:
            services.save_summary(
                s,
                current_user,
                visitatie,
                code,
                request.form.get("judgement") or None,
                request.form.get("summary", ""),
                request.form.get("base", type=int) or 0,
            )
        except services.ReviewError as problem:
            error, posted, status = (code, str(problem)), request.form, 409
        else:
            flash("De samenvatting is opgeslagen.", "success")
            return redirect(url_for("review.theme_view", visitatie_id=visitatie.id, _anchor=f"thema-{code}"))
    context = _workspace_context(visitatie)
    by_theme = {code: [a for a in context["all_annotations"] if code in a.themes] for code in themes.themes()}
    context.update(
        by_theme=by_theme,
        summaries=services.summaries(s, visitatie),
        judgements=themes.judgements(),
        error=error,
        posted=posted,
    )
    return render_template("review/themes.html", **context), status


@bp.route("/visitaties/<int:visitatie_id>/review/leidraad", methods=["GET", "POST"])
@login_required
def guide(visitatie_id: int) -> BaseResponse | str:
    visitatie = access.visitatie(visitatie_id, "review.read")
    s = db.session()
    if request.method == "POST":
        access.require("review.annotate", visitatie)
        action = request.form.get("action")
        if action == "build":
            added = services.build_visit_questions(s, visitatie)
            flash(f"{added} vra{'ag' if added == 1 else 'gen'} toegevoegd.", "success")
        elif action == "add" and request.form.get("text", "").strip():
            s.add(
                VisitQuestion(
                    gemeente_id=visitatie.gemeente_id,
                    visitatie_id=visitatie.id,
                    theme_code=request.form.get("theme") or None,
                    text=request.form["text"].strip(),
                )
            )
        else:
            question = s.scalar(
                select(VisitQuestion).where(
                    VisitQuestion.id == request.form.get("id", type=int), VisitQuestion.visitatie_id == visitatie.id
                )
            )
            if question is None:
                abort(404)
            if action == "delete":
                s.delete(question)
            elif request.form.get("text", "").strip():
                question.text = request.form["text"].strip()
        return redirect(url_for("review.guide", visitatie_id=visitatie.id))
    return render_template(
        "review/guide.html",
        visitatie=visitatie,
        questions=services.visit_questions(s, visitatie),
        themes=themes.themes(),
        can_edit=access.can("review.annotate", visitatie),
    )


# --- exports -----------------------------------------------------------------------------------------------


@bp.route("/visitaties/<int:visitatie_id>/annotaties.jsonld")
@login_required
def export_jsonld(visitatie_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "annotations.read")
    context = _workspace_context(visitatie)
    data = annotation_collection(
        visitatie,
        context["all_annotations"],
        context["role_of"],
        context["anonymous"],
        base=url_for("review.workspace", visitatie_id=visitatie.id, _external=True),
    )
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/ld+json",
        headers={"Content-Disposition": f'attachment; filename="annotaties-{visitatie.gemeente.slug}.jsonld"'},
    )


@bp.route("/visitaties/<int:visitatie_id>/annotaties.csv")
@login_required
def export_csv(visitatie_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "annotations.read")
    context = _workspace_context(visitatie)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["id", "vraag", "citaat", "themas", "soort", "opmerking", "reviewer", "status", "aangemaakt"])
    kinds = themes.kinds()
    for a in context["all_annotations"]:
        writer.writerow(
            [
                a.id,
                a.question_key or "",
                a.exact or "",
                " ".join(a.themes),
                kinds[a.kind.value],
                a.body,
                reviewer_label(a, context["role_of"], context["anonymous"]),
                a.anchor_status.value,
                a.created_at.isoformat(),
            ]
        )
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="annotaties-{visitatie.gemeente.slug}.csv"'},
    )


def reviewer_label(annotation: Annotation, role_of: dict[int, Any], anonymous: bool) -> str:
    role = role_of.get(annotation.author_id or 0)
    if anonymous:
        return role.label if role else "Reviewer"
    return annotation.author.name if annotation.author else "onbekend"


@bp.app_template_global()
def annotation_author(annotation: Annotation, role_of: dict[int, Any], anonymous: bool) -> str:
    return reviewer_label(annotation, role_of, anonymous)


def my_assignments(user: User) -> list[ReviewAssignment]:
    return list(db.session().scalars(select(ReviewAssignment).where(ReviewAssignment.user_id == user.id)))
