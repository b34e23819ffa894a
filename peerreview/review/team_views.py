"""Pages for the review team: the round coordinator composes the teams; a reviewer declares no conflict
of interest before reading anything."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from peerreview import access, db
from peerreview.review import assignments, teams
from peerreview.review.blueprint import bp
from peerreview.review.errors import ReviewError
from peerreview.review.forms import ConfirmForm, DeclarationForm, TeamForm
from peerreview.review.models import TeamRole
from peerreview.rounds.models import Round


@bp.route("/rondes/<int:round_id>/reviewteams", methods=["GET", "POST"])
@login_required
def round_teams(round_id: int) -> Response | str:
    round_ = access.fetch(Round, round_id, "round.manage")
    s = db.session()
    people = assignments.candidates(s)
    form = ConfirmForm()
    if form.validate_on_submit():  # accept the suggestion for every visitatie without a team
        suggestion = assignments.suggest_for_round(s, round_)
        existing = assignments.round_teams(s, round_)
        accepted = 0
        for visitatie in round_.visitaties:
            team = suggestion.get(visitatie.id)
            if visitatie.id in existing or team is None or team.lead is None:
                continue
            try:
                assignments.set_team(s, current_user, visitatie, team.lead, team.members)
                accepted += 1
            except ReviewError as error:
                flash(f"{visitatie.gemeente.name}: {error}", "error")
        flash(f"Het voorstel is overgenomen voor {accepted} visitatie{'s' if accepted != 1 else ''}.", "success")
        return redirect(url_for("review.round_teams", round_id=round_.id))
    current = assignments.round_teams(s, round_)
    suggestion = assignments.suggest_for_round(s, round_)
    rows = []
    for visitatie in sorted(round_.visitaties, key=lambda v: v.gemeente.name):
        team = current.get(visitatie.id)
        rows.append(
            {
                "visitatie": visitatie,
                "team": team,
                "suggested": None if team else suggestion.get(visitatie.id),
                "problems": assignments.problems(s, visitatie) if team else [],
            }
        )
    return render_template("review/round_teams.html", round=round_, rows=rows, people=people, form=form)


@bp.route("/visitaties/<int:visitatie_id>/reviewteam", methods=["GET", "POST"])
@login_required
def team(visitatie_id: int) -> Response | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "review.team.manage")
    s = db.session()
    people = assignments.candidates(s)
    eligible = {uid: c for uid, c in people.items() if c.gemeente_id != visitatie.gemeente_id}
    chosen = assignments.team_of(s, visitatie)
    form = TeamForm()
    if request.method == "GET":
        form.lead.data = next((a.user_id for a in chosen if a.role is TeamRole.LEAD), None)
        members = [a.user_id for a in chosen if a.role is TeamRole.MEMBER]
        form.member1.data = members[0] if members else None
        form.member2.data = members[1] if len(members) > 1 else None
    problems = assignments.problems(s, visitatie) if chosen else []
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate() and not _unknown_people(form, people):
            lead, members = form.lead.data, form.chosen()
            try:
                warnings = assignments.set_team(s, current_user, visitatie, lead, members)
            except ReviewError as error:
                problems = assignments.problems(s, visitatie, teams.Team(lead=lead, members=members))
                flash(str(error), "error")
            else:
                flash(
                    "Het reviewteam is opgeslagen; de reviewers krijgen een e-mail."
                    + (" Let op: " + " ".join(w.message for w in warnings) if warnings else ""),
                    "warning" if warnings else "success",
                )
                return redirect(url_for("review.round_teams", round_id=visitatie.round_id))
    return render_template(
        "review/team.html",
        visitatie=visitatie,
        people=eligible,
        form=form,
        problems=problems,
        region=assignments.target_of(visitatie).jeugdregio,
        region_blocks=visitatie.round.same_region_rule == teams.BLOCK,
    ), status


def _unknown_people(form: TeamForm, people: dict[int, teams.Candidate]) -> bool:
    """Mark ids that are nobody who can review. (Someone of the visitatie's own gemeente is not offered,
    but is known: the team rules then say why they are refused.)"""
    unknown = False
    for field in (form.lead, form.member1, form.member2):
        if field.data is not None and field.data not in people:
            field.errors.append(f"Kies de {field.label.text.lower()} uit de lijst.")
            unknown = True
    return unknown


@bp.route("/visitaties/<int:visitatie_id>/review/verklaring", methods=["GET", "POST"])
@login_required
def declare(visitatie_id: int) -> Response | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "review.declare")
    assignment = access.assignment(current_user, visitatie)
    form = DeclarationForm()
    if form.validate_on_submit():
        assignments.declare(db.session(), current_user, visitatie)
        flash("Dank je. Je verklaring is vastgelegd.", "success")
        return redirect(url_for("review.workspace", visitatie_id=visitatie.id))
    status = 422 if form.errors else 200
    region = assignments.target_of(visitatie).jeugdregio
    me = assignments.candidates(db.session()).get(current_user.id)
    return render_template(
        "review/declare.html",
        visitatie=visitatie,
        assignment=assignment,
        form=form,
        same_region=region if region and me is not None and me.jeugdregio == region else None,
    ), status
