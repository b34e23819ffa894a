"""The theme matrix seen through a lens (issue 11 item 8): the cells count only the passages an analyst
coded with the chosen lens code.

The plain matrix reads ``network_cell``, counts the indexer keeps per visitatie, theme and audience; those
know nothing of lens codes, so with a lens the cells are counted from the passages themselves, narrowed by
``lenses.lens_filter`` and the reader's audiences in the same query. The gemeente's round is the latest one
with material the reader may see, as in the plain matrix.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from peerreview.network import lenses, matrix
from peerreview.network.lens_models import PassageCode
from peerreview.network.models import Audience, NetworkPassage, NetworkPassageTheme, PassageKind

Choice = tuple[str, str | None]  # (lens, code or None), from lenses.parse_choice


def cells(
    session: Session,
    audiences: Sequence[Audience],
    lens: Choice,
    *,
    round_id: int | None = None,
    themes: Sequence[str] = matrix.THEMES,
) -> dict[int, tuple[int, dict[str, matrix.Cell]]]:
    """gemeente id -> (round id, theme -> Cell) over the visible passages coded with ``lens``: one query."""
    visible = NetworkPassage.audience.in_(list(audiences))
    query = (
        select(
            NetworkPassage.gemeente_id,
            NetworkPassage.round_id,
            NetworkPassageTheme.theme,
            NetworkPassage.kind,
            func.count(),
            func.max(NetworkPassage.judgement),
            func.max(case((NetworkPassage.audience == Audience.CONCEPT, 1), else_=0)),
        )
        .join(NetworkPassageTheme, NetworkPassageTheme.passage_id == NetworkPassage.id)
        .where(visible)
        .group_by(NetworkPassage.gemeente_id, NetworkPassage.round_id, NetworkPassageTheme.theme, NetworkPassage.kind)
    )
    if round_id is not None:
        query = query.where(NetworkPassage.round_id == round_id)
    else:
        latest = (
            select(NetworkPassage.gemeente_id.label("gemeente_id"), func.max(NetworkPassage.round_id).label("round_id"))
            .where(visible)
            .group_by(NetworkPassage.gemeente_id)
            .subquery()
        )
        query = query.join(
            latest,
            and_(latest.c.gemeente_id == NetworkPassage.gemeente_id, latest.c.round_id == NetworkPassage.round_id),
        )
    if tuple(themes) != matrix.THEMES:
        query = query.where(NetworkPassageTheme.theme.in_(list(themes)))
    query = lenses.lens_filter(query, NetworkPassage.key, *lens)
    result: dict[int, tuple[int, dict[str, matrix.Cell]]] = {}
    for gemeente_id, round_, theme, kind, count, judgement, concept in session.execute(query):
        if theme not in matrix.THEMES:
            continue
        cell = result.setdefault(gemeente_id, (round_, {}))[1].setdefault(theme, matrix.Cell())
        kind = PassageKind(kind)
        if kind is PassageKind.SAMENVATTING:
            cell.summary, cell.judgement = True, judgement
        elif kind is PassageKind.STERKTE:
            cell.strengths = count
        elif kind is PassageKind.ONTWIKKELPUNT:
            cell.points = count
        elif kind is PassageKind.LES:
            cell.lessons = count
        elif kind is PassageKind.VERBETERPUNT:
            cell.improvements = count
        cell.concept = cell.concept or bool(concept)
    return result


def passages(session: Session, found: list[NetworkPassage], lens: Choice | None) -> list[NetworkPassage]:
    """``found`` (a cell's visible passages) narrowed to those coded with ``lens``; all of them without one."""
    if lens is None or not found:
        return found
    coded = set(session.scalars(lenses.matching_keys(*lens).where(PassageCode.passage_key.in_([p.key for p in found]))))
    return [p for p in found if p.key in coded]
