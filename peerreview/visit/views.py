from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from peerreview import access, db
from peerreview.accounts.forms import ConfirmForm
from peerreview.audit.services import record_read
from peerreview.conflicts import Conflict
from peerreview.portret.skeleton import latest_version, load
from peerreview.review import assignments as review
from peerreview.review import themes
from peerreview.rounds.models import Visitatie
from peerreview.visit import proposals, services
from peerreview.visit.forms import (
    ConversationForm,
    DeclineForm,
    NotesForm,
    ProposalForm,
    QuoteForm,
    RespondentForm,
)
from peerreview.visit.models import Conversation, Quote, Respondent, RespondentProposal

bp = Blueprint("visit", __name__, url_prefix="/visitaties/<int:visitatie_id>/visitatie")


def _conversation(visitatie: Visitatie, conversation_id: int) -> Conversation:
    item = services.conversation(db.session(), visitatie, conversation_id)
    if item is None:
        abort(404)
    return item


def _respondent(visitatie: Visitatie, respondent_id: int) -> Respondent:
    item = services.respondent(db.session(), visitatie, respondent_id)
    if item is None:
        abort(404)
    return item


def _team(visitatie: Visitatie) -> dict[int, Any]:
    """The review team's users by id (interviewers are chosen from them)."""
    return {a.user_id: a for a in review.team_of(db.session(), visitatie)}


@bp.route("")
@login_required
def overview(visitatie_id: int) -> str:
    visitatie = access.visitatie(visitatie_id, "visit.view")
    s = db.session()
    return render_template(
        "visit/overview.html",
        visitatie=visitatie,
        conversations=services.conversations(s, visitatie),
        respondents=services.respondents(s, visitatie),
        respondent_list=services.respondent_list(s, visitatie),
        team=_team(visitatie),
        quote_counts=_quote_counts(services.quotes(s, visitatie)),
        notes=access.can("visit.notes", visitatie),
        plan=access.can("visit.plan", visitatie),
        open_proposals=proposals.open_count(s, visitatie),
    )


def _quote_counts(items: list[Quote]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for q in items:
        counts[q.conversation_id] = counts.get(q.conversation_id, 0) + 1
    return counts


@bp.route("/starten", methods=["POST"])
@login_required
def start(visitatie_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "visit.start")
    if not ConfirmForm().validate_on_submit():
        abort(400)  # only the CSRF token; CSRFProtect answers a bad one first
    s = db.session()
    services.start(s, current_user, visitatie)
    flash(
        "De review is afgerond en de visitatie is begonnen. Het reviewteam kan nu het conceptportret maken.", "success"
    )
    return redirect(url_for("visit.overview", visitatie_id=visitatie.id))


# --- respondents ----------------------------------------------------------------------------------------


@bp.route("/respondenten", methods=["GET", "POST"])
@login_required
def respondents(visitatie_id: int) -> Response | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "visit.plan")
    return _respondent_form(visitatie, None)


@bp.route("/respondenten/<int:respondent_id>", methods=["GET", "POST"])
@login_required
def edit_respondent(visitatie_id: int, respondent_id: int) -> Response | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "visit.plan")
    return _respondent_form(visitatie, _respondent(visitatie, respondent_id))


def _respondent_form(visitatie: Visitatie, existing: Respondent | None) -> Response | str | tuple[str, int]:
    s = db.session()
    form = RespondentForm(obj=existing)
    status = 200
    if form.validate_on_submit():
        data = services.RespondentInput(
            role=form.role.data or "",
            organisation=form.organisation.data or "",
            group=form.group.data,
            number=form.number.data or 1,
            may_quote=form.may_quote.data,
        )
        try:
            saved = services.save_respondent(s, visitatie, data, existing)
        except services.VisitError as error:
            s.rollback()
            form.may_quote.errors = [str(error)]
            status = 422
        else:
            flash(f"{saved.label} is {'bijgewerkt' if existing else 'toegevoegd'}.", "success")
            return redirect(url_for("visit.respondents", visitatie_id=visitatie.id))
    elif request.method == "POST":
        status = 422
    return render_template(
        "visit/respondents.html",
        visitatie=visitatie,
        form=form,
        existing=existing,
        respondents=services.respondents(s, visitatie),
    ), status


@bp.route("/respondenten/<int:respondent_id>/verwijderen", methods=["POST"])
@login_required
def delete_respondent(visitatie_id: int, respondent_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "visit.plan")
    if not ConfirmForm().validate_on_submit():
        abort(400)  # only the CSRF token; CSRFProtect answers a bad one first
    item = _respondent(visitatie, respondent_id)
    s = db.session()
    try:
        services.delete_respondent(s, item)
    except services.VisitError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        flash(f"{item.label} is verwijderd.", "success")
    return redirect(url_for("visit.respondents", visitatie_id=visitatie.id))


# --- conversations --------------------------------------------------------------------------------------


def _conversation_form(visitatie: Visitatie, existing: Conversation | None) -> ConversationForm:
    form = ConversationForm(
        obj=existing,
        interviewers=existing.interviewer_ids if existing else [],
        respondents=[r.id for r in existing.respondents] if existing else [],
    )
    form.interviewers.choices = [SelectChoice(uid, a.user.name) for uid, a in _team(visitatie).items()]
    form.respondents.choices = [SelectChoice(r.id, r.label) for r in services.respondents(db.session(), visitatie)]
    if existing is not None and request.method == "GET":
        form.format.data, form.mode.data, form.status.data = (
            existing.format.value,
            existing.mode.value,
            existing.status.value,
        )
    return form


@bp.route("/gesprekken/nieuw", methods=["GET", "POST"])
@login_required
def new_conversation(visitatie_id: int) -> Response | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "visit.plan")
    return _plan(visitatie, None)


@bp.route("/gesprekken/<int:conversation_id>/planning", methods=["GET", "POST"])
@login_required
def edit_conversation(visitatie_id: int, conversation_id: int) -> Response | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "visit.plan")
    return _plan(visitatie, _conversation(visitatie, conversation_id))


def _plan(visitatie: Visitatie, existing: Conversation | None) -> Response | str | tuple[str, int]:
    s = db.session()
    form = _conversation_form(visitatie, existing)
    status = 200
    if form.validate_on_submit():
        data = services.ConversationInput(
            subject=form.subject.data or "",
            planned_on=form.planned_on.data,
            starts_at=form.starts_at.data,
            format=form.format.data,
            mode=form.mode.data,
            status=form.status.data,
            interviewer_ids=form.interviewers.data or [],
            respondent_ids=form.respondents.data or [],
        )
        try:
            item = services.save_conversation(s, current_user, visitatie, data, set(_team(visitatie)), existing)
        except services.VisitError as error:
            s.rollback()
            form.respondents.errors = [str(error)]
            status = 422
        else:
            flash(f"Het gesprek ‘{item.subject}’ is opgeslagen.", "success")
            return redirect(url_for("visit.conversation", visitatie_id=visitatie.id, conversation_id=item.id))
    elif request.method == "POST":
        status = 422
    return render_template("visit/plan.html", visitatie=visitatie, form=form, existing=existing), status


@bp.route("/gesprekken/<int:conversation_id>")
@login_required
def conversation(visitatie_id: int, conversation_id: int) -> tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "visit.notes")
    item = _conversation(visitatie, conversation_id)
    record_read("visit_notes_read", actor=current_user, gemeente_id=visitatie.gemeente_id, obj=item)
    return _render_conversation(visitatie, item)


def _render_conversation(
    visitatie: Visitatie,
    item: Conversation,
    notes_form: NotesForm | None = None,
    quote_form: QuoteForm | None = None,
    theirs: Conversation | None = None,
    status: int = 200,
) -> tuple[str, int]:
    s = db.session()
    if notes_form is None:
        notes_form = NotesForm(notes=item.notes, base_revision=str(item.revision), formdata=None)
    if quote_form is None:
        quote_form = _quote_form(item, formdata=None)
    team = _team(visitatie)
    return render_template(
        "visit/conversation.html",
        visitatie=visitatie,
        item=item,
        notes_form=notes_form,
        quote_form=quote_form,
        theirs=theirs,
        quotes=[q for q in services.quotes(s, visitatie) if q.conversation_id == item.id],
        interviewers=[team[uid].user for uid in item.interviewer_ids if uid in team],
        themes=themes.themes(),
        sections=_portret_sections(),
        plan=access.can("visit.plan", visitatie),
    ), status


def _portret_sections() -> dict[str, str]:
    skeleton = load(latest_version())
    return {s.key: s.heading("de gemeente") for s in skeleton.sections if s.kind in ("narrative", "lead", "resume")}


def _quote_form(item: Conversation, formdata: Any = ...) -> QuoteForm:
    form = QuoteForm() if formdata is ... else QuoteForm(formdata=formdata)
    quotable = [r for r in item.respondents if r.may_quote]
    form.respondent.choices = [SelectChoice(0, "Kies…"), *(SelectChoice(r.id, r.attribution) for r in quotable)]
    form.themes.choices = [SelectChoice(code, f"{code} {t.short}") for code, t in themes.themes().items()]
    form.section.choices = [
        SelectChoice("", "Geen voorkeur"),
        *(SelectChoice(k, v) for k, v in _portret_sections().items()),
    ]
    return form


@bp.route("/gesprekken/<int:conversation_id>/verslag", methods=["POST"])
@login_required
def save_notes(visitatie_id: int, conversation_id: int) -> Any:
    visitatie = access.visitatie(visitatie_id, "visit.plan")
    item = _conversation(visitatie, conversation_id)
    s = db.session()
    form = NotesForm()
    if not form.validate_on_submit():
        form.notes.errors = [*form.notes.errors, *form.base_revision.errors]  # the version field is hidden
        return _render_conversation(visitatie, item, notes_form=form, status=422)
    try:
        services.save_notes(s, current_user, item, form.notes.data or "", int(form.base_revision.data or 0))
    except Conflict as conflict:  # nothing was written; the stored notes are shown next to the user's
        s.rollback()
        form.base_revision.data = conflict.current.revision
        form.notes.errors = [
            "Iemand anders heeft dit verslag intussen opgeslagen. Je eigen tekst staat in het veld; de opgeslagen "
            "versie zie je erboven. Voeg ze samen en sla opnieuw op."
        ]
        return _render_conversation(visitatie, item, notes_form=form, theirs=conflict.current, status=409)
    flash("Het verslag is opgeslagen.", "success")
    return redirect(url_for("visit.conversation", visitatie_id=visitatie.id, conversation_id=item.id))


@bp.route("/gesprekken/<int:conversation_id>/citaten", methods=["POST"])
@login_required
def add_quote(visitatie_id: int, conversation_id: int) -> Any:
    visitatie = access.visitatie(visitatie_id, "visit.plan")
    item = _conversation(visitatie, conversation_id)
    s = db.session()
    form = _quote_form(item)
    if form.validate_on_submit():
        try:
            services.add_quote(
                s,
                current_user,
                item,
                form.respondent.data,
                form.passage.data or "",
                form.themes.data or [],
                form.section.data or None,
            )
        except services.VisitError as error:
            s.rollback()
            form.passage.errors = [str(error)]
        else:
            flash("Het citaat is vastgelegd.", "success")
            return redirect(
                url_for("visit.conversation", visitatie_id=visitatie.id, conversation_id=item.id, _anchor="citaten")
            )
    return _render_conversation(visitatie, item, quote_form=form, status=422)


@bp.route("/gesprekken/<int:conversation_id>/citaten/<int:quote_id>/verwijderen", methods=["POST"])
@login_required
def delete_quote(visitatie_id: int, conversation_id: int, quote_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "visit.plan")
    if not ConfirmForm().validate_on_submit():
        abort(400)  # only the CSRF token; CSRFProtect answers a bad one first
    item = _conversation(visitatie, conversation_id)
    s = db.session()
    quote = next((q for q in services.quotes(s, visitatie) if q.id == quote_id and q.conversation_id == item.id), None)
    if quote is None:
        abort(404)
    services.delete_quote(s, quote)
    flash("Het citaat is verwijderd.", "success")
    return redirect(
        url_for("visit.conversation", visitatie_id=visitatie.id, conversation_id=item.id, _anchor="citaten")
    )


# --- respondent proposals of the gemeente ----------------------------------------------------------------


def _proposal(visitatie: Visitatie, proposal_id: int) -> RespondentProposal:
    item = proposals.proposal(db.session(), visitatie, proposal_id)
    if item is None:
        abort(404)
    return item


def _proposals_page(
    visitatie: Visitatie,
    form: ProposalForm | None = None,
    decline: tuple[int, DeclineForm] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "visit/proposals.html",
        visitatie=visitatie,
        proposals=proposals.proposals(db.session(), visitatie),
        form=form or ProposalForm(formdata=None),
        decline=decline,
        propose=access.can("visit.propose", visitatie),
        decide=access.can("visit.proposal.decide", visitatie),
    ), status


@bp.route("/voorstellen", methods=["GET", "POST"])
@login_required
def proposals_page(visitatie_id: int) -> Response | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "visit.proposals")
    if request.method == "GET":
        return _proposals_page(visitatie)
    access.require("visit.propose", visitatie)
    form = ProposalForm()
    if not form.validate_on_submit():
        return _proposals_page(visitatie, form, status=422)
    item = proposals.propose(
        db.session(),
        current_user,
        visitatie,
        proposals.ProposalInput(
            name=form.name.data or "",
            role=form.role.data or "",
            organisation=form.organisation.data or "",
            group=form.group.data,
            motivation=form.motivation.data or "",
        ),
    )
    flash(f"Voorgesteld: {item.role}. Het reviewteam beslist wie het spreekt.", "success")
    return redirect(url_for("visit.proposals_page", visitatie_id=visitatie.id))


@bp.route("/voorstellen/<int:proposal_id>/intrekken", methods=["POST"])
@login_required
def withdraw_proposal(visitatie_id: int, proposal_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "visit.propose")
    item = _proposal(visitatie, proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)  # only the CSRF token; CSRFProtect answers a bad one first
    s = db.session()
    try:
        proposals.withdraw(s, current_user, item)
    except proposals.ProposalError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        flash(f"Het voorstel ‘{item.role}’ is ingetrokken.", "success")
    return redirect(url_for("visit.proposals_page", visitatie_id=visitatie.id))


@bp.route("/voorstellen/<int:proposal_id>/overnemen", methods=["POST"])
@login_required
def adopt_proposal(visitatie_id: int, proposal_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "visit.proposal.decide")
    item = _proposal(visitatie, proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    s = db.session()
    try:
        respondent = proposals.adopt(s, current_user, visitatie, item)
    except proposals.ProposalError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        flash(f"{respondent.label} staat nu bij de respondenten. Vraag bij het gesprek of citeren mag.", "success")
    return redirect(url_for("visit.proposals_page", visitatie_id=visitatie.id))


@bp.route("/voorstellen/<int:proposal_id>/afwijzen", methods=["POST"])
@login_required
def decline_proposal(visitatie_id: int, proposal_id: int) -> Response | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "visit.proposal.decide")
    item = _proposal(visitatie, proposal_id)
    form = DeclineForm(prefix=f"afwijzen-{item.id}")
    if not form.validate_on_submit():
        return _proposals_page(visitatie, decline=(item.id, form), status=422)
    s = db.session()
    try:
        proposals.decline(s, current_user, item, form.reason.data or "")
    except proposals.ProposalError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        flash(f"Het voorstel ‘{item.role}’ is niet overgenomen; de gemeente leest waarom.", "success")
    return redirect(url_for("visit.proposals_page", visitatie_id=visitatie.id))
