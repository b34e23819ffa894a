"""Passage comments follow the portret: when a version is stored, every passage comment on an earlier
version is placed in the new text of its section with the reviewers' algorithm
(``review.anchoring.reanchor_many``); what cannot be placed with confidence becomes detached and keeps
its original quote, shown as such to the gemeente and the team."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.portret.models import Portret, PortretVersion
from peerreview.reflectie.models import Comment
from peerreview.review.anchoring import Selector, reanchor_many, selector_for
from peerreview.review.models import AnchorStatus
from peerreview.sanitize import plain_text


def section_text(version: PortretVersion, key: str) -> str | None:
    """The plain text of a section in a version (what the selectors point into); None if it is gone."""
    entry = next((s for s in version.content.get("sections", []) if s["key"] == key), None)
    return None if entry is None else plain_text(entry.get("html", ""))


def _version(session: Session, portret: Portret, number: int) -> PortretVersion | None:
    return session.scalar(
        select(PortretVersion).where(PortretVersion.portret_id == portret.id, PortretVersion.number == number)
    )


def reanchor(session: Session, portret: Portret, new: PortretVersion) -> dict[str, int]:
    """Move every positioned comment of an earlier version onto ``new``; returns counts per status."""
    counts = {s.value: 0 for s in AnchorStatus}
    items = session.scalars(
        select(Comment).where(
            Comment.portret_id == portret.id,
            Comment.version_number < new.number,
            Comment.start.is_not(None),
            Comment.section_key.is_not(None),
        )
    ).all()
    groups: dict[tuple[int, str], list[Comment]] = defaultdict(list)
    for c in items:
        assert c.section_key is not None
        groups[(c.version_number, c.section_key)].append(c)
    for (number, key), group in groups.items():
        old = _version(session, portret, number)
        old_text = section_text(old, key) if old is not None else None
        new_text = section_text(new, key)
        if old_text is None or new_text is None:
            placements: list[Any] = [None] * len(group)
        else:
            selectors = [
                Selector(exact=c.exact or "", prefix=c.prefix, suffix=c.suffix, start=c.start or 0, end=c.end or 0)
                for c in group
            ]
            placements = reanchor_many(old_text, new_text, selectors)
        for c, placement in zip(group, placements, strict=True):
            c.version_number = new.number
            if placement is None or placement.status == "detached" or placement.start is None or placement.end is None:
                c.anchor_status, c.exact, c.start, c.end = AnchorStatus.DETACHED, None, None, None
            else:
                assert new_text is not None
                selector = selector_for(new_text, placement.start, placement.end)
                c.exact, c.prefix, c.suffix = selector.exact, selector.prefix, selector.suffix
                c.start, c.end = selector.start, selector.end
                c.anchor_status = AnchorStatus.ANCHORED if placement.status == "anchored" else AnchorStatus.MOVED
            counts[c.anchor_status.value] += 1
    session.flush()
    return counts


def on_version_stored(portret: Portret, *, session: Session, previous: Any, new: PortretVersion) -> None:
    """The receiver of ``signals.portret_version_stored``."""
    reanchor(session, portret, new)
