"""Annotations as W3C Web Annotation JSON-LD (https://www.w3.org/TR/annotation-model/)."""

from __future__ import annotations

from typing import Any

from peerreview.review.models import AnchorStatus, Annotation, AnnotationKind
from peerreview.review.themes import kinds, themes
from peerreview.rounds.models import Visitatie

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MOTIVATION = {
    AnnotationKind.STERKTE: "assessing",
    AnnotationKind.ONTWIKKELPUNT: "assessing",
    AnnotationKind.VRAAG: "questioning",
    AnnotationKind.ONTBREKEND_BEWIJS: "commenting",
}


def annotation(a: Annotation, base: str, creator: str) -> dict[str, Any]:
    target: dict[str, Any] = {
        "source": f"{base}#antwoord-{a.question_key}" if a.question_key else f"{base}#document-{a.document_id}"
    }
    if a.exact is not None and a.start is not None:
        target["selector"] = [
            {"type": "TextQuoteSelector", "exact": a.exact, "prefix": a.prefix, "suffix": a.suffix},
            {"type": "TextPositionSelector", "start": a.start, "end": a.end},
        ]
    elif a.anchor_status is AnchorStatus.DETACHED and (a.original_exact or a.exact):
        # The passage is gone from the revised answer: keep the quote the reviewer made (no position,
        # it points nowhere now), so an export never loses what the remark was about.
        target["selector"] = {
            "type": "TextQuoteSelector",
            "exact": a.original_exact or a.exact,
            "prefix": a.prefix,
            "suffix": a.suffix,
        }
    if a.exact is not None or a.original_exact is not None:
        # not in the W3C vocabulary: whether the quote still sits in the text (anchored), was moved
        # there by re-anchoring (moved), or was not found after a revision (detached)
        target["anchorStatus"] = a.anchor_status.value
    body: list[dict[str, Any]] = [
        {"type": "TextualBody", "value": a.body, "format": "text/plain", "language": "nl", "purpose": "commenting"},
        {"type": "TextualBody", "value": kinds()[a.kind.value], "purpose": "classifying"},
    ]
    body += [
        {"type": "TextualBody", "value": f"{code} {themes()[code].label}", "purpose": "tagging"} for code in a.themes
    ]
    body += [
        {"type": "TextualBody", "value": r.body, "format": "text/plain", "language": "nl", "purpose": "replying"}
        for r in a.replies
    ]
    return {
        "id": f"{base}#a-{a.id}",
        "type": "Annotation",
        "motivation": MOTIVATION[a.kind],
        "created": a.created_at.isoformat(),
        "modified": a.updated_at.isoformat(),
        "creator": {"type": "Person", "name": creator},
        "body": body,
        "target": target,
    }


def annotation_collection(
    visitatie: Visitatie, items: list[Annotation], role_of: dict[int, Any], anonymous: bool, base: str
) -> dict[str, Any]:
    def creator(a: Annotation) -> str:
        role = role_of.get(a.author_id or 0)
        if anonymous:
            return role.label if role else "Reviewer"
        return a.author.name if a.author else "onbekend"

    return {
        "@context": CONTEXT,
        "id": f"{base}/annotaties.jsonld",
        "type": "AnnotationCollection",
        "label": f"Aantekeningen bij de zelfevaluatie van {visitatie.gemeente.name} ({visitatie.round.name})",
        "total": len(items),
        "first": {
            "type": "AnnotationPage",
            "id": f"{base}/annotaties.jsonld#page1",
            "items": [{"@context": CONTEXT, **annotation(a, base, creator(a))} for a in items],
        },
    }
