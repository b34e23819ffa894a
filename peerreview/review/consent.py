"""When consent for a case is withdrawn, the review removes its copies of the case text: the annotations
on the case's fields (their quotes ``exact``, ``prefix``, ``suffix``, ``original_exact``) and their replies.

An annotation on a withdrawn case has nothing left to point at and may repeat the case in its own words,
so it goes as a whole. Connected to :data:`peerreview.selfeval.cases.consent_withdrawn` (imported by
``create_app``), so the zelfevaluatie does not import the review.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from peerreview.review.models import Annotation, AnnotationReply
from peerreview.selfeval.cases import consent_withdrawn
from peerreview.selfeval.models import Casus


@consent_withdrawn.connect
def remove_case_annotations(casus: Casus, *, session: Session, keys_prefix: str, **_: Any) -> dict[str, int]:
    on_case = select(Annotation.id).where(
        Annotation.visitatie_id == casus.visitatie_id, Annotation.question_key.startswith(keys_prefix)
    )
    replies = cast(
        CursorResult[Any], session.execute(delete(AnnotationReply).where(AnnotationReply.annotation_id.in_(on_case)))
    ).rowcount
    annotations = cast(
        CursorResult[Any],
        session.execute(
            delete(Annotation).where(Annotation.visitatie_id == casus.visitatie_id, Annotation.id.in_(on_case))
        ),
    ).rowcount
    return {"annotations": annotations, "replies": replies}
