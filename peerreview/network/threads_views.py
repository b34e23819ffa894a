"""Rode draden pages (``/netwerk/rode-draden``) and the network report (``/netwerk/rapport``).

Analysts write a thread, collect its evidence in the workspace (the thread on one side, a passage finder
on the other: select text in a passage, or add the whole passage without JavaScript), put it *ter
toetsing* with the gemeenten whose passages it uses, and settle it. The access policy decides every step
(``threads.*``, ``report.*`` in ``peerreview.access``); whatever is not the reader's is a 404.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, db, diffs, jobs
from peerreview.accounts.forms import ConfirmForm
from peerreview.conflicts import Conflict
from peerreview.ids import MAX_ID, parse_id
from peerreview.network import threads, threads_report
from peerreview.network.blueprint import bp
from peerreview.network.models import PassageKind
from peerreview.network.threads_forms import EvidenceForm, ReportForm, ResponseForm, ThreadForm
from peerreview.network.threads_models import Recognition, Stance, Thread, ThreadState
from peerreview.sanitize import plain_text
from peerreview.tenants.models import Gemeente

Page = BaseResponse | str | tuple[str, int]


@bp.context_processor
def _thread_context() -> dict[str, Any]:
    from peerreview.review.themes import themes

    return {"thread_themes": themes(), "evidence_link": _evidence_link}


def _evidence_link(item: Any) -> str:
    return threads_report.evidence_link(item, item.gemeente.slug)


def _thread(thread_id: int, action: str) -> Thread:
    thread: Thread = access.fetch(Thread, thread_id, action)
    return thread


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)  # only the CSRF token; CSRFProtect answers a bad one first


def _own_gemeenten() -> list[int]:
    return [m.gemeente_id for m in current_user.working_memberships]


def _view(thread: Thread) -> threads.ThreadView:
    return threads.views(db.session(), [thread], access.audiences(current_user), _own_gemeenten())[0]


# --- the list --------------------------------------------------------------------------------------------


@bp.route("/rode-draden")
@login_required
def thread_index() -> str:
    access.require("threads.list")
    s = db.session()
    wanted = request.args.get("staat", "")
    state = ThreadState(wanted) if wanted in {t.value for t in ThreadState} else None
    analyst = access.can("threads.create")
    if analyst:
        items = threads.listing(s, state)
    else:  # settled threads, and the ones ter toetsing that use passages of the reader's gemeenten
        mine = threads.threads_for_gemeenten(s, _own_gemeenten())
        items = [t for t in threads.listing(s, state) if t.state is ThreadState.VASTGESTELD or t.id in mine]
    return render_template(
        "network/threads/index.html",
        views=threads.views(s, items, access.audiences(current_user), _own_gemeenten()),
        states=list(ThreadState),
        state=state,
        analyst=analyst,
    )


# --- writing ----------------------------------------------------------------------------------------------


@bp.route("/rode-draden/nieuw", methods=["GET", "POST"])
@login_required
def thread_new() -> Page:
    access.require("threads.create")
    form = ThreadForm()
    status = 200
    if form.validate_on_submit():
        s = db.session()
        try:
            thread = threads.create(s, current_user, form.statement.data, form.description.data, form.themes.data)
        except threads.ThreadError as error:
            s.rollback()
            form.statement.errors = [str(error)]
            status = 422
        else:
            flash("De rode draad is aangemaakt. Zoek nu passages die haar onderbouwen.", "success")
            return redirect(url_for("network.thread_workspace", thread_id=thread.id))
    elif request.method == "POST":
        status = 422
    return render_template("network/threads/edit.html", form=form, thread=None, theirs=None), status


@bp.route("/rode-draden/<int:thread_id>/bewerken", methods=["GET", "POST"])
@login_required
def thread_edit(thread_id: int) -> Page:
    thread = _thread(thread_id, "threads.edit")
    s = db.session()
    form = ThreadForm(obj=thread)
    if request.method == "GET":
        form.base_revision.data = thread.revision
    theirs = None
    status = 200
    if form.validate_on_submit():
        try:
            threads.update(
                s,
                current_user,
                thread,
                form.statement.data,
                form.description.data or "",
                form.themes.data or [],
                int(form.base_revision.data or 0),
            )
        except Conflict as conflict:  # nothing written; both texts are shown
            s.rollback()
            theirs = conflict.current
            form.base_revision.data = theirs.number if theirs is not None else thread.revision
            form.statement.errors = [
                "Iemand anders heeft deze rode draad intussen opgeslagen. Je eigen tekst staat in de velden; de "
                "opgeslagen versie zie je erboven. Voeg ze samen en sla opnieuw op."
            ]
            status = 409
        except threads.ThreadError as error:
            s.rollback()
            form.statement.errors = [str(error)]
            status = 422
        else:
            flash("De rode draad is opgeslagen.", "success")
            return redirect(url_for("network.thread_show", thread_id=thread.id))
    elif request.method == "POST":
        status = 422
    return render_template("network/threads/edit.html", form=form, thread=thread, theirs=theirs), status


# --- reading and responding ------------------------------------------------------------------------------------


@bp.route("/rode-draden/<int:thread_id>")
@login_required
def thread_show(thread_id: int) -> Page:
    thread = _thread(thread_id, "threads.view")
    return _render_show(thread)


def _respond_gemeente(thread: Thread) -> int | None:
    """The gemeente the reader responds for: the first concerned gemeente where they may write."""
    from peerreview.accounts.models import MembershipRole

    concerned = threads.concerned_gemeente_ids(db.session(), thread)
    writers = (MembershipRole.COORDINATOR, MembershipRole.CONTRIBUTOR)
    return next(
        (m.gemeente_id for m in current_user.memberships if m.gemeente_id in concerned and m.role in writers), None
    )


def _render_show(
    thread: Thread, response_form: ResponseForm | None = None, theirs: Any = None, status: int = 200
) -> tuple[str, int]:
    s = db.session()
    own_response = None
    if access.can("threads.respond", thread):
        gemeente_id = _respond_gemeente(thread)
        own_response = threads.response_of(s, thread, gemeente_id) if gemeente_id else None
        if response_form is None:
            response_form = ResponseForm(formdata=None, obj=own_response)
            if own_response is not None:
                response_form.recognition.data = own_response.recognition.value
                response_form.base_revision.data = own_response.revision
    return render_template(
        "network/threads/show.html",
        view=_view(thread),
        thread=thread,
        responses=threads.responses(s, thread),
        response_form=response_form,
        own_response=own_response,
        theirs=theirs,
        confirm=ConfirmForm(),
    ), status


@bp.route("/rode-draden/<int:thread_id>/reactie", methods=["POST"])
@login_required
def thread_respond(thread_id: int) -> Page:
    thread = _thread(thread_id, "threads.respond")
    gemeente_id = _respond_gemeente(thread)
    if gemeente_id is None:
        abort(404)
    form = ResponseForm()
    if not form.validate_on_submit():
        return _render_show(thread, form, status=422)
    s = db.session()
    try:
        threads.respond(
            s,
            current_user,
            thread,
            gemeente_id,
            Recognition(form.recognition.data),
            form.remark.data or "",
            int(form.base_revision.data or 0),
        )
    except Conflict as conflict:
        s.rollback()
        form.base_revision.data = conflict.current.revision
        form.remark.errors = [
            "Iemand van uw gemeente heeft intussen een reactie opgeslagen (hierboven). Uw eigen tekst staat in "
            "het veld; pas hem zo nodig aan en sla opnieuw op."
        ]
        return _render_show(thread, form, theirs=conflict.current, status=409)
    except threads.ThreadError as error:
        s.rollback()
        form.remark.errors = [str(error)]
        return _render_show(thread, form, status=422)
    flash(
        "De reactie van uw gemeente is opgeslagen. U kunt haar aanpassen zolang de rode draad ter toetsing ligt.",
        "success",
    )
    return redirect(url_for("network.thread_show", thread_id=thread.id, _anchor="reacties"))


@bp.route("/rode-draden/<int:thread_id>/versies")
@login_required
def thread_history(thread_id: int) -> str:
    thread = _thread(thread_id, "threads.view")
    access.require("threads.create")  # versions hold every quote: the analysts' view
    s = db.session()
    items = threads.versions(s, thread)
    numbers = [v.number for v in items]
    old = request.args.get("van", type=int)
    new = request.args.get("naar", type=int)
    comparison = None
    if old in numbers and new in numbers and old != new:
        a, b = (threads.version(s, thread, n) for n in sorted((old, new)))
        assert a is not None and b is not None
        comparison = {
            "old": a,
            "new": b,
            "statement": diffs.inline(a.statement, b.statement),
            "description": diffs.inline(plain_text(a.description), plain_text(b.description)),
            "themes": diffs.inline(" ".join(a.themes), " ".join(b.themes)),
            "evidence": diffs.inline(_evidence_text(a.evidence), _evidence_text(b.evidence)),
        }
    return render_template(
        "network/threads/history.html", thread=thread, versions=items, comparison=comparison, old=old, new=new
    )


def _evidence_text(items: list[Any]) -> str:
    labels = {s.value: s.label for s in Stance}
    return "\n".join(f"{labels.get(e['stance'], e['stance'])} · {e['gemeente']}: “{e['exact']}”" for e in items)


# --- the workspace: finding passages and quoting them --------------------------------------------------------


def _finder_filter() -> threads.FinderFilter:
    from peerreview.review.themes import themes

    theme = request.args.get("thema") or None
    kind = request.args.get("soort") or None
    query = (request.args.get("zoek") or "").strip()[:100] or None
    return threads.FinderFilter(
        theme=theme if theme in themes() else None,
        gemeente_id=parse_id(request.args.get("gemeente")) or None,
        kind=PassageKind(kind) if kind in {k.value for k in PassageKind} else None,
        query=query,
    )


@bp.route("/rode-draden/<int:thread_id>/werkruimte")
@login_required
def thread_workspace(thread_id: int) -> Page:
    thread = _thread(thread_id, "threads.edit")
    return _render_workspace(thread)


def _render_workspace(thread: Thread, form: EvidenceForm | None = None, status: int = 200) -> tuple[str, int]:
    from peerreview.review.themes import themes

    s = db.session()
    audiences = access.audiences(current_user)
    wanted = _finder_filter()
    searched = any((wanted.theme, wanted.gemeente_id, wanted.kind, wanted.query)) or request.args.get("alles")
    found = threads.find_passages(s, audiences, wanted) if searched else []
    gemeenten = threads.finder_gemeenten(s, audiences)
    return render_template(
        "network/threads/workspace.html",
        thread=thread,
        view=_view(thread),
        found=found,
        searched=bool(searched),
        wanted=wanted,
        themes=themes(),
        kinds=list(PassageKind),
        gemeenten=gemeenten,
        gemeente_names={g.id: g.name for g in gemeenten},
        used={(e.passage_key) for e in thread.evidence},
        form=form,
        confirm=ConfirmForm(),
        limit=threads.FINDER_LIMIT,
    ), status


@bp.route("/rode-draden/<int:thread_id>/citaten", methods=["POST"])
@login_required
def thread_add_evidence(thread_id: int) -> Page:
    thread = _thread(thread_id, "threads.edit")
    form = EvidenceForm()
    s = db.session()
    back = request.form.get("terug", "")
    if not form.validate_on_submit():
        return _render_workspace(thread, form, 422)
    passage = threads.passage_by_key(s, form.passage_key.data, access.audiences(current_user))
    if passage is None:
        abort(404)
    start, end = form.offsets()
    try:
        threads.add_evidence(
            s,
            current_user,
            thread,
            passage,
            Stance(form.stance.data),
            form.exact.data,
            start,
            end,
            form.note.data or "",
        )
    except threads.ThreadError as error:
        s.rollback()
        form.exact.errors = [str(error)]
        return _render_workspace(thread, form, 422)
    gemeente = s.get(Gemeente, passage.gemeente_id)
    flash(
        f"Het citaat uit {gemeente.name if gemeente else 'de passage'} is toegevoegd als "
        f"{Stance(form.stance.data).label.lower()}.",
        "success",
    )
    target = url_for("network.thread_workspace", thread_id=thread.id)
    if back.startswith("?") and len(back) < 500:
        target += back
    return redirect(target)


@bp.route("/rode-draden/<int:thread_id>/citaten/<int:evidence_id>/verwijderen", methods=["POST"])
@login_required
def thread_remove_evidence(thread_id: int, evidence_id: int) -> BaseResponse:
    thread = _thread(thread_id, "threads.edit")
    _confirmed()
    s = db.session()
    try:
        threads.remove_evidence(s, current_user, thread, evidence_id)
    except threads.ThreadError:
        s.rollback()
        abort(404)
    flash("Het citaat is verwijderd; de vorige versie bewaart het.", "success")
    return redirect(url_for("network.thread_workspace", thread_id=thread.id))


# --- states ---------------------------------------------------------------------------------------------------


@bp.route("/rode-draden/<int:thread_id>/ter-toetsing", methods=["POST"])
@login_required
def thread_submit(thread_id: int) -> BaseResponse:
    thread = _thread(thread_id, "threads.edit")
    _confirmed()
    s = db.session()
    try:
        sent = threads.submit(
            s, current_user, thread, url_for("network.thread_show", thread_id=thread.id, _external=True)
        )
    except threads.ThreadError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        flash(
            f"De rode draad ligt ter toetsing bij de gemeenten; {len(sent)} coördinator(en) kregen een e-mail.",
            "success",
        )
    return redirect(url_for("network.thread_show", thread_id=thread.id))


@bp.route("/rode-draden/<int:thread_id>/terug-naar-concept", methods=["POST"])
@login_required
def thread_reopen(thread_id: int) -> BaseResponse:
    thread = _thread(thread_id, "threads.edit")
    _confirmed()
    s = db.session()
    try:
        threads.back_to_concept(s, current_user, thread)
    except threads.ThreadError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        flash("De rode draad is terug in concept. De reacties van de gemeenten blijven bewaard.", "success")
    return redirect(url_for("network.thread_show", thread_id=thread.id))


@bp.route("/rode-draden/<int:thread_id>/vaststellen", methods=["POST"])
@login_required
def thread_settle(thread_id: int) -> BaseResponse:
    thread = _thread(thread_id, "threads.edit")
    _confirmed()
    s = db.session()
    try:
        threads.settle(s, current_user, thread)
    except threads.ThreadError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        flash("De rode draad is vastgesteld en komt in het volgende netwerkrapport.", "success")
    return redirect(url_for("network.thread_show", thread_id=thread.id))


# --- the network report ------------------------------------------------------------------------------------------


def _report_form() -> ReportForm:
    from sqlalchemy import select

    from peerreview.indicators.models import Indicator

    form = ReportForm()
    indicators = db.session().scalars(select(Indicator).order_by(Indicator.group, Indicator.position)).all()
    form.indicators.choices = [(i.code, i.short_name or i.name) for i in indicators]
    if not form.is_submitted():
        form.indicators.data = [c for c in threads_report.DEFAULT_INDICATORS if c in {i.code for i in indicators}]
    return form


@bp.route("/rapport")
@login_required
def report() -> str:
    access.require("report.view")
    s = db.session()
    wanted = request.args.get("nummer", type=int)
    items = threads_report.reports(s)
    chosen = next((r for r in items if r.number == wanted), None) if wanted else (items[0] if items else None)
    if wanted and chosen is None:
        abort(404)
    return render_template(
        "network/report.html",
        report=chosen,
        content=chosen.content if chosen else None,
        reports=items,
        form=_report_form() if access.can("report.generate") else None,
        settled=len(threads.listing(s, ThreadState.VASTGESTELD)),
        pdf_ready=threads_report.pdf_ready(chosen) if chosen else False,
        pdf_state=jobs.status(s, threads_report.pdf_job_key(chosen)) if chosen else None,
    )


@bp.route("/rapport", methods=["POST"])
@login_required
def report_generate() -> BaseResponse:
    access.require("report.generate")
    form = _report_form()
    if not form.validate_on_submit():
        abort(400)
    s = db.session()
    item = threads_report.generate(s, current_user, form.indicators.data or [])
    flash(
        f"Netwerkrapport {item.number} is samengesteld uit {len(item.content['threads'])} vastgestelde rode "
        "draad/draden. De PDF wordt op de achtergrond gemaakt.",
        "success",
    )
    return redirect(url_for("network.report", nummer=item.number))


@bp.route("/rapport.pdf", methods=["GET", "POST"])
@login_required
def report_pdf() -> BaseResponse | tuple[str, int]:
    """GET: the report's PDF, or a page that waits for it (a read never queues anything). POST: queue the
    rendering again (after a failure), then back to GET."""
    access.require("report.view")
    s = db.session()
    wanted = request.args.get("nummer", type=int)
    items = threads_report.reports(s)
    chosen = (
        next((r for r in items if r.number == wanted), None)
        if wanted is not None and 0 < wanted <= MAX_ID
        else (items[0] if items else None)
    )
    if chosen is None:
        abort(404)
    if request.method == "POST":
        _confirmed()
        threads_report.request_pdf(s, chosen)
        return redirect(url_for("network.report_pdf", nummer=chosen.number))
    if not threads_report.pdf_ready(chosen):
        state = jobs.status(s, threads_report.pdf_job_key(chosen))
        return render_template("network/report_pdf_pending.html", report=chosen, state=state, form=ConfirmForm()), 202
    return Response(
        chosen.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="netwerkrapport-{chosen.number}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
