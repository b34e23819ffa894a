"""The review team's summary and formative judgement per theme."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from peerreview import signals
from peerreview.accounts.models import User
from peerreview.db import utcnow
from peerreview.review.errors import ReviewError
from peerreview.review.models import ThemeSummary
from peerreview.review.themes import judgements, themes
from peerreview.rounds.models import Visitatie


def summaries(session: Session, visitatie: Visitatie) -> dict[str, ThemeSummary]:
    rows = session.scalars(select(ThemeSummary).where(ThemeSummary.visitatie_id == visitatie.id))
    return {row.theme_code: row for row in rows}


def summary_rows(session: Session, visitatie: Visitatie) -> dict[str, Any]:
    """For showing them: the summaries as plain rows (with ``updated_by_name``) by theme code."""
    return {row.theme_code: row for row in session.execute(_SUMMARY_ROWS, {"visitatie_id": visitatie.id})}


_SUMMARY_ROWS = (
    select(
        ThemeSummary.theme_code,
        ThemeSummary.judgement,
        ThemeSummary.summary,
        ThemeSummary.revision,
        User.name.label("updated_by_name"),
    )
    .outerjoin(User, User.id == ThemeSummary.updated_by_id)
    .where(ThemeSummary.visitatie_id == bindparam("visitatie_id"))
)


def save_summary(
    session: Session, actor: User, visitatie: Visitatie, code: str, judgement: str | None, text: str, base_revision: int
) -> ThemeSummary:
    """Save a theme's summary; refused when a teammate saved it since ``base_revision`` was read."""
    if code not in themes():
        raise ReviewError("Onbekend thema.")
    if judgement and judgement not in judgements():
        raise ReviewError("Kies een van de drie oordelen.")
    current = summaries(session, visitatie).get(code)
    if (current.revision if current else 0) != base_revision:
        raise ReviewError(
            "Een teamgenoot heeft deze samenvatting intussen gewijzigd. Jouw tekst staat hieronder; "
            "vergelijk en sla opnieuw op."
        )
    if current is None:
        current = ThemeSummary(
            gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id, theme_code=code, revision=0
        )
        session.add(current)
    current.judgement, current.summary = judgement or None, text.strip()
    current.revision += 1
    current.updated_by_id, current.updated_at = actor.id, utcnow()
    session.flush()
    if visitatie.annotations_released_at is not None:
        signals.network_material_changed.send(visitatie.id, session=session)
    return current
