from __future__ import annotations

import io
import json
from typing import Any

from flask import Response, abort, flash, get_template_attribute, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, csvfile, db, diffs, jobs
from peerreview.accounts.forms import ConfirmForm
from peerreview.accounts.models import User
from peerreview.conflicts import Conflict
from peerreview.formatting import datetime_nl
from peerreview.fragments import FragmentCache
from peerreview.rounds.models import Visitatie
from peerreview.selfeval import case_views, cases, document_views, documents, forms, services, submission, values
from peerreview.selfeval.blueprint import bp
from peerreview.selfeval.definitions import Definition, Question
from peerreview.selfeval.models import Answer

# The blueprint's other routes: importing this module (as create_app does) registers them all.
ROUTE_MODULES = (case_views, document_views)


@bp.route("")
@login_required
def overview(visitatie_id: int) -> str:
    visitatie = access.visitatie(visitatie_id, "selfeval.progress", with_variant=True)
    s = db.session()
    definition = services.definition_for(visitatie)
    current = services.answers(s, visitatie)
    assigned = services.assignments(s, visitatie)
    return render_template(
        "selfeval/overview.html",
        visitatie=visitatie,
        definition=definition,
        progress=services.progress(definition, current, assigned, documents.covered_sections(s, visitatie)),
        words=services.total_words(current),
        writers=services.writers(s, visitatie),
        can_assign=access.can("selfeval.coordinate", visitatie),
        latest=submission.latest_submission(s, visitatie),
    )


@bp.route("/toewijzen", methods=["POST"])
@login_required
def assign(visitatie_id: int) -> BaseResponse | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "selfeval.coordinate", with_variant=True)
    s = db.session()
    definition = services.definition_for(visitatie)
    form = forms.AssignForm()
    if not form.validate_on_submit():
        flash(form.user.errors[0] if form.user.errors else "Kies een onderdeel en een persoon.", "error")
        return overview(visitatie_id), 422
    section_key = form.section.data
    if definition.section(section_key) is None:
        abort(404)
    user = s.get(User, form.user.data) if form.user.data is not None else None
    if form.user.data is not None and user is None:
        flash("Kies iemand uit de lijst.", "error")
        return overview(visitatie_id), 422
    try:
        services.assign(s, current_user, visitatie, section_key, user)
    except services.SelfEvalError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        section = definition.section(section_key)
        flash(f"{section.title}: {'toegewezen aan ' + user.name if user else 'niet meer toegewezen'}.", "success")  # type: ignore[union-attr]
    return redirect(url_for("selfeval.overview", visitatie_id=visitatie.id, _anchor="onderdelen"))


def _section_context(visitatie: Visitatie, definition: Definition, section_key: str) -> dict[str, Any]:
    section = definition.section(section_key)
    if section is None or not section.questions:
        abort(404)
    s = db.session()
    pages = definition.pages
    index = next(i for i, p in enumerate(pages) if p.key == section_key)
    current = services.answers(s, visitatie)
    assigned = services.assignments(s, visitatie)
    files = documents.files(s, visitatie)  # once: for the progress and for this section's documents
    return {
        "visitatie": visitatie,
        "definition": definition,
        "section": section,
        "answers": current,
        "progress": services.progress(definition, current, assigned, {k for d in files for k in d.section_keys}),
        "previous": pages[index - 1] if index else None,
        "next": pages[index + 1] if index + 1 < len(pages) else None,
        "notes": services.notes(s, visitatie, section_key),
        "note_form": forms.NoteForm(formdata=None),
        "assigned": assigned.get(section_key),
        "editable": access.can("selfeval.edit", visitatie),
        "conflicts": {},
        "errors": {},
        "shown": {q.key: current[q.key].value for q in section.questions if q.key in current},
        "bases": {q.key: current[q.key].revision if q.key in current else 0 for q in section.questions},
        "linked_documents": [d for d in files if section_key in d.section_keys],
    }


@bp.route("/onderdelen/<section_key>", methods=["GET", "POST"])
@login_required
def section(visitatie_id: int, section_key: str) -> BaseResponse | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "selfeval.read", with_variant=True)
    definition = services.definition_for(visitatie)
    context = _section_context(visitatie, definition, section_key)
    if request.method == "GET":
        return render_template("selfeval/section.html", **context)
    access.require("selfeval.edit", visitatie)
    # The no-JavaScript path: save every changed question of the section at once.
    form = forms.AnswersForm()
    if not form.validate_on_submit():
        abort(400)  # only the CSRF token is checked here, and CSRFProtect answers a bad one first
    s = db.session()
    services.start(s, visitatie)
    current: dict[str, Answer] = context["answers"]
    conflicts, errors, saved = {}, {}, 0
    posted: dict[str, forms.Posted] = {}
    for question in context["section"].questions:
        answer = form.posted(question)
        if answer is None:
            continue
        posted[question.key] = answer
        if answer.base is None:
            errors[question.key] = forms.BASE_ERROR
            continue
        existing = current.get(question.key)
        try:
            cleaned = values.clean(question, answer.raw)
            if cleaned == (existing.value if existing is not None else None) or (
                existing is None and not values.plain(question, cleaned).strip(" |\n")
            ):
                continue  # unchanged, or a question still left empty: nothing to store
            services.save_answer(s, current_user, visitatie, question, answer.raw, answer.base)
            saved += 1
        except Conflict as conflict:
            conflicts[question.key] = conflict.current
        except values.InvalidValue as error:
            errors[question.key] = str(error)
    if conflicts or errors:
        # What could be saved is kept: the request commits when this view returns.
        context = _section_context(visitatie, definition, section_key)
        # Show what the user typed (nothing is lost); a conflict's base becomes the stored revision,
        # so saving again after merging is a deliberate choice.
        for key in conflicts.keys() | errors.keys():
            context["shown"][key] = posted[key].raw
            if conflicts.get(key):
                context["bases"][key] = conflicts[key].revision
            elif posted[key].base is not None:
                context["bases"][key] = posted[key].base
        context.update(conflicts=conflicts, errors=errors)
        return render_template("selfeval/section.html", **context), 409 if conflicts else 422
    flash(
        f"Opgeslagen ({saved} antwoord{'en' if saved != 1 else ''} gewijzigd)." if saved else "Er was niets gewijzigd.",
        "success",
    )
    target = form.next_section.data
    if target and definition.section(target) is not None:
        return redirect(url_for("selfeval.section", visitatie_id=visitatie.id, section_key=target))
    return redirect(url_for("selfeval.section", visitatie_id=visitatie.id, section_key=section_key))


def _answer_json(answer: Answer | None, question: Question) -> dict[str, Any]:
    if answer is None:
        return {"revision": 0, "value": None, "plain": "", "by": None, "at": None}
    return {
        "revision": answer.revision,
        "value": answer.value,
        "plain": answer.plain,
        "html": render_template("selfeval/_answer.html", question=question, value=answer.value),
        "by": answer.updated_by.name if answer.updated_by else None,
        "at": datetime_nl(answer.updated_at),
    }


@bp.route("/antwoorden/<question_key>", methods=["POST"])
@login_required
def autosave(visitatie_id: int, question_key: str) -> tuple[Response, int]:
    """Save one answer (autosave). 409 with the stored version when it changed meanwhile."""
    visitatie = access.visitatie(visitatie_id, "selfeval.edit", with_variant=True)
    s = db.session()
    definition = services.start(s, visitatie)
    key, question = _storage_key(definition, visitatie, question_key)
    form = forms.AnswersForm()
    if not form.validate_on_submit():
        abort(400)  # only the CSRF token is checked here, and CSRFProtect answers a bad one first
    posted = form.posted(question, question_key)
    if posted is None:
        s.rollback()
        return jsonify(error="De versie waarop je wijziging is gebaseerd ontbreekt. Laad de pagina opnieuw."), 400
    if posted.base is None:
        s.rollback()
        return jsonify(error=forms.BASE_ERROR), 422
    try:
        answer = services.save_answer(s, current_user, visitatie, question, posted.raw, posted.base, key=key)
    except Conflict as conflict:
        current = _answer_json(conflict.current, question)
        s.rollback()
        cases.log_case_read(current_user, visitatie, [key], via="opslaan (conflict)")  # the stored text is returned
        return jsonify(conflict=True, current=current), 409
    except values.InvalidValue as error:
        s.rollback()
        return jsonify(error=str(error)), 422
    return jsonify(revision=answer.revision), 200  # the editor needs only the new base


def _storage_key(definition: Definition, visitatie: Visitatie, question_key: str) -> tuple[str, Question]:
    """Questionnaire keys map to themselves; case fields (``casus<id>_<field>``) to their case."""
    if question_key in definition.questions:
        return question_key, definition.questions[question_key]
    casus_part, _, field_key = question_key.partition("_")
    field = cases.field(definition, field_key)
    if not casus_part.startswith("casus") or field is None or not casus_part[5:].isdigit():
        abort(404)
    casus = cases.get(db.session(), visitatie, int(casus_part[5:]))
    if casus is None or casus.withdrawn_at is not None:
        abort(404)
    return question_key, field.question


@bp.route("/antwoorden/<question_key>/geschiedenis")
@login_required
def history(visitatie_id: int, question_key: str) -> str:
    visitatie = access.visitatie(visitatie_id, "selfeval.read", with_variant=True)
    s = db.session()
    definition = services.definition_for(visitatie)
    key, question = _storage_key(definition, visitatie, question_key)
    if key != question.key:
        access.require("casus.read", visitatie)
        cases.log_case_read(current_user, visitatie, [key], via="geschiedenis")
    answer = s.scalar(select(Answer).where(Answer.visitatie_id == visitatie.id, Answer.question_key == key))
    revisions = services.revisions(s, answer) if answer else []
    by_number = {r.number: r for r in revisions}
    newest = revisions[0].number if revisions else 0
    a = request.args.get("a", type=int) or max(newest - 1, 1)
    b = request.args.get("b", type=int) or newest
    old, new = by_number.get(a), by_number.get(b)
    return render_template(
        "selfeval/history.html",
        visitatie=visitatie,
        question=question,
        revisions=revisions,
        a=a,
        b=b,
        old=old,
        new=new,
        diff=diffs.inline(old.plain if old else "", new.plain if new else "") if new else None,
        back=_back_url(visitatie, definition, key),
    )


def _back_url(visitatie: Visitatie, definition: Definition, key: str) -> str:
    if key.startswith("casus"):
        return url_for("selfeval.casus", visitatie_id=visitatie.id, casus_id=int(key[5:].split("_")[0]))
    page = next(p for p in definition.pages if any(q.key == key for q in p.questions))
    return url_for("selfeval.section", visitatie_id=visitatie.id, section_key=page.key, _anchor=f"q-{key}")


@bp.route("/onderdelen/<section_key>/notities", methods=["POST"])
@login_required
def add_note(visitatie_id: int, section_key: str) -> BaseResponse | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "selfeval.edit", with_variant=True)
    definition = services.definition_for(visitatie)
    form = forms.NoteForm()
    if not form.validate_on_submit():
        context = _section_context(visitatie, definition, section_key)
        context["note_form"] = form
        return render_template("selfeval/section.html", **context), 422
    if definition.section(section_key) is None:
        abort(404)
    s = db.session()
    services.add_note(s, current_user, visitatie, section_key, form.body.data)
    flash("Je notitie is toegevoegd.", "success")
    return redirect(url_for("selfeval.section", visitatie_id=visitatie.id, section_key=section_key, _anchor="notities"))


# --- reading, exporting, submitting ---------------------------------------------------------------------


def _readable(visitatie: Visitatie) -> tuple[Definition, dict[str, Answer], list[dict[str, Any]], Any]:
    """What to show: the latest submission's snapshot once submitted, else the current answers."""
    s = db.session()
    latest = submission.latest_submission(s, visitatie)
    if latest is not None and latest.reopened_at is None:
        snapshot = latest.snapshot
        definition = services.definition_for(visitatie)
        return definition, submission.answers_from(snapshot), snapshot.get("cases", []), latest
    definition = services.definition_for(visitatie)
    return definition, services.answers(s, visitatie), cases.snapshot(s, visitatie), None


# A submission's answers as rendered by the read view: a snapshot never changes, so its HTML is kept per
# process under the submission's id and checksum (the working version is rendered on every request).
_SUBMITTED_DOCUMENTS: FragmentCache[Markup] = FragmentCache(32)


def _answers_document(definition: Definition, answers: dict[str, Answer], shown: Any) -> Markup:
    def render() -> Markup:
        html: Markup = get_template_attribute("selfeval/_document.html", "answers_document")(definition, answers)
        return html

    if shown is None:
        return render()
    return _SUBMITTED_DOCUMENTS.get((shown.id, shown.checksum, definition.key, definition.version), render)


@bp.route("/lezen")
@login_required
def read(visitatie_id: int) -> str:
    visitatie = access.visitatie(visitatie_id, "selfeval.read", with_variant=True)
    definition, current, case_list, shown = _readable(visitatie)
    show_cases = access.can("casus.read", visitatie)
    cases.log_case_read(current_user, visitatie, case_list if show_cases else [], via="lezen")
    return render_template(
        "selfeval/read.html",
        visitatie=visitatie,
        definition=definition,
        document=_answers_document(definition, current, shown),
        cases=case_list if show_cases else [],
        case_fields=cases.fields(definition),
        submission=shown,
        words=services.total_words(current),
    )


@bp.route("/export.json")
@login_required
def export_json(visitatie_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "selfeval.read", with_variant=True)
    definition, current, case_list, shown = _readable(visitatie)
    data = {
        "gemeente": visitatie.gemeente.name,
        "ronde": visitatie.round.name,
        "versie": visitatie.variant.value,  # type: ignore[union-attr]
        "vragenlijst": {"key": definition.key, "version": definition.version},
        "indiening": {
            "nummer": shown.number,
            "checksum": shown.checksum,
            "ingediend_op": shown.submitted_at.isoformat(),
        }
        if shown
        else None,
        "antwoorden": {
            k: {"vraag": definition.questions[k].label, "waarde": a.value, "tekst": a.plain}
            for k, a in current.items()
            if k in definition.questions
        },
    }
    if access.can("casus.read", visitatie):
        data["casussen"] = case_list
        cases.log_case_read(current_user, visitatie, case_list, via="export.json")
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="zelfevaluatie-{visitatie.gemeente.slug}.json"'},
    )


@bp.route("/export.csv")
@login_required
def export_csv(visitatie_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "selfeval.read", with_variant=True)
    definition, current, _case_list, _shown = _readable(visitatie)
    buffer = io.StringIO()
    writer = csvfile.writer(buffer)
    writer.writerow(["onderdeel", "vraag_key", "vraag", "antwoord", "versie"])
    for page in definition.pages:
        for question in page.questions:
            answer = current.get(question.key)
            writer.writerow(
                [
                    page.title,
                    question.key,
                    question.label,
                    answer.plain if answer else "",
                    answer.revision if answer else "",
                ]
            )
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="zelfevaluatie-{visitatie.gemeente.slug}.csv"'},
    )


@bp.route("/pdf", methods=["GET", "POST"])
@login_required
def pdf(visitatie_id: int) -> BaseResponse | tuple[str, int, dict[str, str]]:
    """The latest submission as PDF; rendered in the background (queued at submission, or again by a
    POST here when it failed or was interrupted), so it may still be on its way. A GET never queues."""
    visitatie = access.visitatie(visitatie_id, "selfeval.read", with_variant=True)
    s = db.session()
    latest = submission.latest_submission(s, visitatie)
    if latest is None:
        abort(404)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        submission.request_pdf(s, latest)
        return redirect(url_for("selfeval.pdf", visitatie_id=visitatie.id))
    if latest.pdf_checksum != latest.checksum or latest.pdf is None:
        state = jobs.status(s, submission.pdf_job_key(latest))
        page = render_template("selfeval/pdf_pending.html", visitatie=visitatie, state=state)
        return page, 202, {"X-Job-State": state or ""}  # read by static/pdfwait.js
    if not access.can("casus.read", visitatie) and any("fields" in c for c in latest.snapshot.get("cases", [])):
        abort(404)  # the PDF holds case texts; those stay within the gemeente
    cases.log_case_read(current_user, visitatie, latest.snapshot.get("cases", []), via="pdf")
    return Response(
        latest.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="zelfevaluatie-{visitatie.gemeente.slug}-v{latest.number}.pdf"'
        },
    )


@bp.route("/indienen", methods=["GET", "POST"])
@login_required
def submit(visitatie_id: int) -> BaseResponse | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "selfeval.progress", with_variant=True)
    s = db.session()
    definition = services.definition_for(visitatie)
    open_items = submission.blockers(s, visitatie, definition)
    if request.method == "POST":
        access.require("selfeval.coordinate", visitatie)
        if not ConfirmForm().validate_on_submit():
            abort(400)  # only the CSRF token; CSRFProtect answers a bad one first
        try:
            done = submission.submit(s, current_user, visitatie)
        except services.SelfEvalError as error:
            s.rollback()
            flash(str(error), "error")
            return render_template("selfeval/submit.html", visitatie=visitatie, blockers=open_items), 422
        flash(
            f"De zelfevaluatie is ingediend (versie {done.number}). De rondecoördinator is op de hoogte gebracht.",
            "success",
        )
        return redirect(url_for("selfeval.read", visitatie_id=visitatie.id))
    return render_template("selfeval/submit.html", visitatie=visitatie, blockers=open_items)


@bp.route("/heropenen", methods=["GET", "POST"])
@login_required
def reopen(visitatie_id: int) -> BaseResponse | str | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "selfeval.reopen", with_variant=True)
    form = forms.ReopenForm()
    if form.validate_on_submit():
        s = db.session()
        submission.reopen(s, current_user, visitatie, form.reason.data)
        flash("De zelfevaluatie is heropend. De coördinator van de gemeente krijgt een e-mail met je reden.", "success")
        return redirect(url_for("selfeval.overview", visitatie_id=visitatie.id))
    return render_template("selfeval/reopen.html", visitatie=visitatie, form=form), 422 if form.is_submitted() else 200
