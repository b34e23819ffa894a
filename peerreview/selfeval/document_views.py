"""Views for the document checklist and uploads (routes on the selfeval blueprint)."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, db
from peerreview.selfeval import documents, filetypes, services
from peerreview.selfeval.filetypes import RejectedFile
from peerreview.selfeval.models import DocumentStatus
from peerreview.selfeval.views import _visitatie, bp


def max_upload_bytes() -> int:
    """The one upload limit (config ``UPLOAD_MAX_MB``, MB = 1024 × 1024 bytes)."""
    return int(current_app.config["UPLOAD_MAX_MB"]) * filetypes.MB


def _render(visitatie, errors: dict[str, str] | None = None, status: int = 200, kept: bool = True) -> tuple[str, int]:  # type: ignore[no-untyped-def]
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
        form=request.form if errors and kept else {},
        chosen=request.form.getlist("sections") if errors and kept else [],
        max_bytes=max_upload_bytes(),
        max_text=filetypes.size_text(max_upload_bytes(), up=False),
    ), status


def too_large() -> tuple[str, int]:
    """The upload page for a request too large to read (werkzeug refuses to parse it): the error next to
    the file field. The other fields did not arrive with it, so the message says so."""
    visitatie = _visitatie(int((request.view_args or {})["visitatie_id"]), "selfeval.edit")
    size, limit = filetypes.size_text(request.content_length or 0), filetypes.size_text(max_upload_bytes(), up=False)
    message = (
        f"Het bestand is te groot: wat je verstuurde was {size}, het maximum is {limit}. "
        "Verklein het bestand of splits het op. Omdat het bestand te groot was, zijn de titel en de gekozen "
        "onderdelen niet aangekomen; vul die opnieuw in (of ga terug met de knop ‘Terug’ van je browser)."
    )
    return _render(visitatie, {"file": message}, 413, kept=False)


@login_required
def documents_index(visitatie_id: int) -> tuple[str, int]:
    return _render(_visitatie(visitatie_id, "selfeval.read"))


bp.add_url_rule("/documenten", endpoint="documents", view_func=documents_index)


@bp.route("/documenten/status", methods=["POST"])
@login_required
def set_status(visitatie_id: int) -> BaseResponse:
    visitatie = _visitatie(visitatie_id, "selfeval.edit")
    s = db.session()
    items = documents.checklist_items()
    for key in items:
        raw = request.form.get(f"status.{key}")
        if raw is None:
            continue
        documents.set_status(
            s, visitatie, key, DocumentStatus(raw) if raw in DocumentStatus._value2member_map_ else None
        )
    s.commit()
    flash("De documentenlijst is opgeslagen.", "success")
    return redirect(url_for("selfeval.documents", visitatie_id=visitatie.id))


@bp.route("/documenten/toevoegen", methods=["POST"])
@login_required
def upload(visitatie_id: int) -> BaseResponse | tuple[str, int]:
    visitatie = _visitatie(visitatie_id, "selfeval.edit")
    s = db.session()
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        return _render(visitatie, {"file": "Kies een bestand om toe te voegen."}, 422)
    definition = services.definition_for(visitatie)
    page_keys = {p.key for p in definition.pages} | {t.key for t in definition.sections}
    section_keys = [k for k in request.form.getlist("sections") if k in page_keys]
    item_key = request.form.get("item") or None
    if item_key is not None and item_key not in documents.checklist_items():
        item_key = None
    limit = max_upload_bytes()
    size = _size_of(upload_file.stream)
    if size > limit:  # the real size, not that of what was read
        return _render(visitatie, {"file": str(filetypes.too_large(upload_file.filename, size, limit))}, 422)
    data = upload_file.read(limit + 1)
    try:
        document = documents.upload(
            s,
            current_user,
            visitatie,
            data=data,
            filename=upload_file.filename,
            title=request.form.get("title", ""),
            item_key=item_key,
            section_keys=section_keys,
            max_bytes=limit,
        )
    except RejectedFile as error:
        return _render(visitatie, {"file": str(error)}, 422)
    s.commit()
    flash(f"‘{document.title}’ is toegevoegd.", "success")
    return redirect(url_for("selfeval.documents", visitatie_id=visitatie.id, _anchor="bestanden"))


@bp.route("/documenten/<int:document_id>")
@login_required
def download(visitatie_id: int, document_id: int) -> Response:
    visitatie = _visitatie(visitatie_id, "selfeval.read")
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
    visitatie = _visitatie(visitatie_id, "selfeval.edit")
    s = db.session()
    document = documents.get(s, visitatie, document_id)
    if document is None:
        abort(404)
    title = document.title
    documents.remove(s, current_user, visitatie, document)
    s.commit()
    flash(f"‘{title}’ is verwijderd.", "success")
    return redirect(url_for("selfeval.documents", visitatie_id=visitatie.id, _anchor="bestanden"))


def _size_of(stream) -> int:  # type: ignore[no-untyped-def]
    try:
        position = stream.tell()
        size = stream.seek(0, 2)
        stream.seek(position)
        return int(size)
    except (AttributeError, OSError, ValueError):
        return 0  # not seekable: ``detect`` judges what was read


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
