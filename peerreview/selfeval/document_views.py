"""Views for the document checklist and uploads (routes on the selfeval blueprint)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, db
from peerreview.accounts.forms import ConfirmForm
from peerreview.rounds.models import Visitatie
from peerreview.selfeval import documents, services
from peerreview.selfeval.blueprint import bp
from peerreview.selfeval.filetypes import RejectedFile
from peerreview.selfeval.forms import ChecklistForm, UploadForm

MAX_UPLOAD_BYTES = 25 * 1024 * 1024


def _render(
    visitatie: Visitatie, errors: dict[str, str] | None = None, status: int = 200, form: UploadForm | None = None
) -> tuple[str, int]:
    s = db.session()
    definition = services.definition_for(visitatie)
    return render_template(
        "selfeval/documents.html",
        visitatie=visitatie,
        checklist=documents.checklist(),
        statuses=documents.statuses(s, visitatie),
        files=documents.files(s, visitatie),
        pages=definition.pages,
        editable=access.can("selfeval.edit", visitatie),
        errors=errors or {},
        # what the user chose comes back with the error, so nothing has to be filled in again
        form={"title": form.title.data or "", "item": form.item.data or ""} if form is not None else {},
        chosen=(form.sections.data or []) if form is not None else [],
        max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
    ), status


@login_required
def documents_index(visitatie_id: int) -> tuple[str, int]:
    return _render(access.visitatie(visitatie_id, "selfeval.read", with_variant=True))


bp.add_url_rule("/documenten", endpoint="documents", view_func=documents_index)


@bp.route("/documenten/status", methods=["POST"])
@login_required
def set_status(visitatie_id: int) -> BaseResponse | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "selfeval.edit", with_variant=True)
    s = db.session()
    form = ChecklistForm()
    chosen = form.statuses(list(documents.checklist_items())) if form.validate_on_submit() else None
    if chosen is None:
        flash("Kies bij elk document een status uit de lijst.", "error")
        return _render(visitatie, status=422)
    for key, status in chosen.items():
        documents.set_status(s, visitatie, key, status)
    flash("De documentenlijst is opgeslagen.", "success")
    return redirect(url_for("selfeval.documents", visitatie_id=visitatie.id))


@bp.route("/documenten/toevoegen", methods=["POST"])
@login_required
def upload(visitatie_id: int) -> BaseResponse | tuple[str, int]:
    visitatie = access.visitatie(visitatie_id, "selfeval.edit", with_variant=True)
    s = db.session()
    form = UploadForm()
    upload_file = form.file.data
    if not form.validate_on_submit():
        return _render(visitatie, {"file": next(e[0] for e in form.errors.values() if e)}, 422, form)
    if upload_file is None or not upload_file.filename:
        return _render(visitatie, {"file": "Kies een bestand om toe te voegen."}, 422, form)
    definition = services.definition_for(visitatie)
    page_keys = {p.key for p in definition.pages} | {t.key for t in definition.sections}
    section_keys = [k for k in form.sections.data or [] if k in page_keys]
    item_key = form.item.data or None
    if item_key is not None and item_key not in documents.checklist_items():
        item_key = None
    data = upload_file.read(MAX_UPLOAD_BYTES + 1)
    try:
        document = documents.upload(
            s,
            current_user,
            visitatie,
            data=data,
            filename=upload_file.filename,
            title=form.title.data or "",
            item_key=item_key,
            section_keys=section_keys,
            max_bytes=MAX_UPLOAD_BYTES,
        )
    except RejectedFile as error:
        s.rollback()
        return _render(visitatie, {"file": str(error)}, 422, form)
    flash(f"‘{document.title}’ is toegevoegd.", "success")
    return redirect(url_for("selfeval.documents", visitatie_id=visitatie.id, _anchor="bestanden"))


@bp.route("/documenten/<int:document_id>")
@login_required
def download(visitatie_id: int, document_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "selfeval.read", with_variant=True)
    document = documents.get(db.session(), visitatie, document_id)
    if document is None:
        abort(404)
    return Response(
        document.content,
        mimetype=document.mimetype,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(document.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/documenten/<int:document_id>/verwijderen", methods=["POST"])
@login_required
def delete_document(visitatie_id: int, document_id: int) -> BaseResponse:
    visitatie = access.visitatie(visitatie_id, "selfeval.edit", with_variant=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)  # only the CSRF token; CSRFProtect answers a bad one first
    s = db.session()
    document = documents.get(s, visitatie, document_id)
    if document is None:
        abort(404)
    title = document.title
    documents.remove(s, current_user, visitatie, document)
    flash(f"‘{title}’ is verwijderd.", "success")
    return redirect(url_for("selfeval.documents", visitatie_id=visitatie.id, _anchor="bestanden"))


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
