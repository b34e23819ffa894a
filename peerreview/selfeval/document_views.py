"""Views for the document checklist and uploads (routes on the selfeval blueprint)."""

from __future__ import annotations

from typing import IO
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, db
from peerreview.accounts.forms import ConfirmForm
from peerreview.rounds.models import Visitatie
from peerreview.selfeval import documents, filetypes, services
from peerreview.selfeval.blueprint import bp
from peerreview.selfeval.filetypes import RejectedFile
from peerreview.selfeval.forms import ChecklistForm, UploadForm


def max_upload_bytes() -> int:
    """The one upload limit (config ``UPLOAD_MAX_MB``, MB = 1024 × 1024 bytes)."""
    return int(current_app.config["UPLOAD_MAX_MB"]) * filetypes.MB


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
        max_bytes=max_upload_bytes(),
        max_text=filetypes.size_text(max_upload_bytes(), up=False),
    ), status


def too_large() -> tuple[str, int]:
    """The upload page for a request too large to read (werkzeug refuses to parse it): the error next to
    the file field. The other fields did not arrive with it, so the message says so."""
    visitatie = access.visitatie(int((request.view_args or {})["visitatie_id"]), "selfeval.edit", with_variant=True)
    size, limit = filetypes.size_text(request.content_length or 0), filetypes.size_text(max_upload_bytes(), up=False)
    message = (
        f"Het bestand is te groot: wat je verstuurde was {size}, het maximum is {limit}. "
        "Verklein het bestand of splits het op. Omdat het bestand te groot was, zijn de titel en de gekozen "
        "onderdelen niet aangekomen; vul die opnieuw in (of ga terug met de knop ‘Terug’ van je browser)."
    )
    return _render(visitatie, {"file": message}, 413)


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
    limit = max_upload_bytes()
    size = _size_of(upload_file.stream)
    if size > limit:  # the real size, not that of what was read
        return _render(visitatie, {"file": str(filetypes.too_large(upload_file.filename, size, limit))}, 422, form)
    data = upload_file.read(limit + 1)
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
            max_bytes=limit,
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


def _size_of(stream: IO[bytes]) -> int:
    try:
        position = stream.tell()
        size = stream.seek(0, 2)
        stream.seek(position)
        return int(size)
    except (AttributeError, OSError, ValueError):
        return 0  # not seekable: ``detect`` judges what was read


def _quote(name: str) -> str:
    return quote(name, safe="")
