"""The annotations as downloads: W3C Web Annotation JSON-LD and a CSV for spreadsheets."""

from __future__ import annotations

import io
import json

from flask import Response, url_for
from flask_login import current_user, login_required

from peerreview import access, csvfile
from peerreview.review import case_reads, themes
from peerreview.review.blueprint import bp
from peerreview.review.jsonld import annotation_collection
from peerreview.review.workspace import export_context, reviewer_label


@bp.route("/visitaties/<int:visitatie_id>/annotaties.jsonld")
@login_required
def export_jsonld(visitatie_id: int) -> Response:
    visitatie = access.visitatie(visitatie_id, "annotations.read")
    context = export_context(visitatie)
    case_reads.log(current_user, context, via="annotaties.jsonld", annotations=context["all_annotations"])
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
    context = export_context(visitatie)
    case_reads.log(current_user, context, via="annotaties.csv", annotations=context["all_annotations"])
    buffer = io.StringIO()
    writer = csvfile.writer(buffer)
    writer.writerow(["id", "vraag", "citaat", "themas", "soort", "opmerking", "reviewer", "status", "aangemaakt"])
    kinds, role_of, anonymous = themes.kinds(), context["role_of"], context["anonymous"]
    for a in context["all_annotations"]:
        writer.writerow(
            [
                a.id,
                a.question_key or "",
                a.exact or "",
                " ".join(a.themes),
                kinds[a.kind.value],
                a.body,
                reviewer_label(a.author_id, a.author.name if a.author else None, role_of, anonymous),
                a.anchor_status.value,
                a.created_at.isoformat(),
            ]
        )
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="annotaties-{visitatie.gemeente.slug}.csv"'},
    )
