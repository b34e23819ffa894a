"""Re-anchoring after a resubmission: the reviewers' annotations move from the previous submitted
version onto the new one (the text algorithm is in ``anchoring``). The zelfevaluatie does not call this:
it sends ``signals.submission_revised``, and ``peerreview.review`` connects ``on_submission_revised``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.review.anchoring import Selector, reanchor_many, selector_for
from peerreview.review.annotating import plain_of
from peerreview.review.models import AnchorStatus, Annotation
from peerreview.selfeval.models import Submission


def reanchor(session: Session, previous: Submission, new: Submission) -> dict[str, int]:
    """Move every annotation of ``previous`` onto ``new``; what cannot be placed with confidence is detached."""
    counts = {s.value: 0 for s in AnchorStatus}
    items = list(session.scalars(select(Annotation).where(Annotation.submission_id == previous.id)))
    by_question: dict[str | None, list[Any]] = defaultdict(list)
    for a in items:
        by_question[a.question_key].append(a)
    for key, group in by_question.items():
        positioned = [a for a in group if a.start is not None and a.exact is not None]
        for a in group:
            a.submission_id = new.id
            if a not in positioned:
                if key is not None and plain_of(new, key) is None:
                    a.anchor_status = AnchorStatus.DETACHED
                counts[a.anchor_status.value] += 1
        if not positioned or key is None:
            continue
        old_text, new_text = plain_of(previous, key) or "", plain_of(new, key)
        if new_text is None:
            for a in positioned:
                a.anchor_status, a.start, a.end = AnchorStatus.DETACHED, None, None
                counts["detached"] += 1
            continue
        placements = reanchor_many(
            old_text,
            new_text,
            [Selector(exact=a.exact, prefix=a.prefix, suffix=a.suffix, start=a.start, end=a.end) for a in positioned],
        )
        for a, placement in zip(positioned, placements, strict=True):
            if placement.status == "detached" or placement.start is None or placement.end is None:
                a.anchor_status, a.start, a.end = AnchorStatus.DETACHED, None, None
            else:
                selector = selector_for(new_text, placement.start, placement.end)
                a.exact, a.prefix, a.suffix = selector.exact, selector.prefix, selector.suffix
                a.start, a.end = selector.start, selector.end
                a.anchor_status = AnchorStatus.ANCHORED if placement.status == "anchored" else AnchorStatus.MOVED
            counts[a.anchor_status.value] += 1
    session.flush()
    return counts


def on_submission_revised(_visitatie: Any, *, session: Session, previous: Submission, new: Submission) -> None:
    """The receiver of ``signals.submission_revised``."""
    reanchor(session, previous, new)
