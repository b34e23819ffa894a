"""The network's passage index, rebuilt per visitatie from the source tables (issue 11 item 1).

``reindex_visitatie`` deletes a visitatie's ``NetworkPassage`` rows and builds them again, each with the
audience that may read it. The one rule, decided here once so that every screen only filters by audience:

* the portret adopted and published (*netwerk* or *openbaar*): everything below gets that audience, and
  the sections of the adopted version are added;
* otherwise the released review material (theme summaries, strengths and development points) is
  *concept* (network analysts and round coordinators only), and so are the session's lessons and
  improvement points; a withdrawn publication falls back to this, its sections disappear;
* review material that the team has not released is never indexed; neither are annotations on case
  questions, case texts or visit notes (never network material).

``request_reindex`` queues the rebuild after the caller's transaction commits; it is connected to
``signals.network_material_changed`` and to the zelfevaluatie's ``consent_withdrawn``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session

from peerreview import jobs, signals
from peerreview.db import utcnow
from peerreview.jobs import job
from peerreview.network.cache import bump_index_stamp
from peerreview.network.models import (
    Audience,
    NetworkCell,
    NetworkPassage,
    NetworkPassageTheme,
    PassageKind,
)
from peerreview.portret import skeleton as skeletons
from peerreview.portret.evidence import selfeval_links
from peerreview.portret.models import Portret, PortretVersion, Publication
from peerreview.reflectiesessie.models import ImprovementPoint, SessieLesson
from peerreview.review.models import Annotation, AnnotationKind, ThemeSummary
from peerreview.rounds.models import Visitatie
from peerreview.sanitize import plain_text
from peerreview.selfeval.cases import consent_withdrawn

# Sections of the portret that are network material: the story, not the cover, the authors, the list
# of respondents or of sources.
SECTION_KINDS = ("lead", "narrative", "cijfers", "resume")
THEMES = tuple(f"T{i}" for i in range(1, 13))
_ANNOTATION_KINDS = {
    AnnotationKind.STERKTE: PassageKind.STERKTE,
    AnnotationKind.ONTWIKKELPUNT: PassageKind.ONTWIKKELPUNT,
}
TITLE_MAX = 300
# The kinds the theme matrix counts, and the column of ``NetworkCell`` that counts them.
CELL_COUNTS = {
    PassageKind.SAMENVATTING: "summaries",
    PassageKind.STERKTE: "strengths",
    PassageKind.ONTWIKKELPUNT: "points",
    PassageKind.LES: "lessons",
    PassageKind.VERBETERPUNT: "improvements",
}


def publication_audience(portret: Portret | None) -> Audience | None:
    """The audience of an adopted, published portret; None when it is not (or no longer) published."""
    if portret is None or portret.adopted_version is None:
        return None
    return {Publication.OPENBAAR: Audience.OPENBAAR, Publication.NETWERK: Audience.NETWERK}.get(portret.publication)


@cache
def theme_sections(skeleton_version: int) -> dict[str, str]:
    """Where a theme sits in a portret of this skeleton: the first story section that draws on it."""
    places: dict[str, str] = {}
    skeleton = skeletons.load(skeleton_version)
    for kind in ("narrative", "resume"):
        for section in skeleton.sections:
            if section.kind == kind:
                for theme in section.themes:
                    places.setdefault(theme, section.key)
    return places


def _codes(values: Iterable[Any]) -> list[str]:
    return sorted({str(v) for v in values if str(v) in THEMES}, key=lambda c: int(c[1:]))


def passages_for(session: Session, visitatie: Visitatie) -> list[dict[str, Any]]:
    """The passages of one visitatie as plain dicts (``themes``: a list of codes), audience decided."""
    portret = session.scalar(select(Portret).where(Portret.visitatie_id == visitatie.id))
    published = publication_audience(portret)
    review_audience = published or (Audience.CONCEPT if visitatie.annotations_released_at is not None else None)
    follow_audience = published or Audience.CONCEPT  # lessons and improvement points
    places = theme_sections(portret.skeleton_version) if portret is not None else {}
    base = {
        "visitatie_id": visitatie.id,
        "gemeente_id": visitatie.gemeente_id,
        "round_id": visitatie.round_id,
        "portret_id": portret.id if portret is not None else None,
    }
    found: list[dict[str, Any]] = []

    def add(key: str, kind: PassageKind, audience: Audience, themes: list[str], text: str, **extra: Any) -> None:
        found.append(
            {
                **base,
                "key": key,
                "kind": kind,
                "audience": audience,
                "themes": themes,
                "text": text,
                "title": extra.get("title", kind.label)[:TITLE_MAX],
                "section_key": extra.get("section_key", places.get(themes[0]) if themes else None),
                "judgement": extra.get("judgement"),
            }
        )

    if review_audience is not None:
        for summary in session.scalars(
            select(ThemeSummary).where(ThemeSummary.visitatie_id == visitatie.id).order_by(ThemeSummary.id)
        ):
            if summary.theme_code in THEMES and (summary.summary.strip() or summary.judgement):
                add(
                    f"summary:{summary.id}",
                    PassageKind.SAMENVATTING,
                    review_audience,
                    [summary.theme_code],
                    summary.summary.strip(),
                    judgement=summary.judgement,
                )
        for annotation in session.scalars(
            select(Annotation)
            .where(Annotation.visitatie_id == visitatie.id, Annotation.kind.in_(tuple(_ANNOTATION_KINDS)))
            .order_by(Annotation.id)
        ):
            if (annotation.question_key or "").startswith("casus"):
                continue  # case texts are never network material, nor what is said about them
            codes = _codes(annotation.themes or [])
            if codes and annotation.body.strip():
                add(
                    f"annotation:{annotation.id}",
                    _ANNOTATION_KINDS[annotation.kind],
                    review_audience,
                    codes,
                    annotation.body.strip(),
                )
    items: list[tuple[str, PassageKind, SessieLesson | ImprovementPoint]] = [
        ("lesson", PassageKind.LES, lesson)
        for lesson in session.scalars(
            select(SessieLesson).where(SessieLesson.visitatie_id == visitatie.id).order_by(SessieLesson.id)
        )
    ]
    items += [
        ("improvement", PassageKind.VERBETERPUNT, point)
        for point in session.scalars(
            select(ImprovementPoint).where(ImprovementPoint.visitatie_id == visitatie.id).order_by(ImprovementPoint.id)
        )
    ]
    for prefix, kind, item in items:
        if item.theme in THEMES and item.text.strip():
            add(f"{prefix}:{item.id}", kind, follow_audience, [item.theme], item.text.strip())
    if published is not None and portret is not None:
        version = session.scalar(
            select(PortretVersion).where(
                PortretVersion.portret_id == portret.id, PortretVersion.number == portret.adopted_version
            )
        )
        skeleton = skeletons.load(portret.skeleton_version)
        for entry in version.content.get("sections", []) if version is not None else []:
            definition = skeleton.section(entry.get("key", ""))
            text = plain_text(selfeval_links(entry.get("html", ""), None))  # no links into the zelfevaluatie
            if definition is None or entry.get("kind", definition.kind) not in SECTION_KINDS or not text.strip():
                continue
            add(
                f"section:{version.id}:{definition.key}",  # type: ignore[union-attr]
                PassageKind.SECTIE,
                published,
                _codes(definition.themes),
                text,
                title=entry.get("title") or definition.title,
                section_key=definition.key,
            )
    return found


def write_passages(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert passages (dicts as ``passages_for`` makes them) with their themes, in two statements;
    returns their ids in the order of ``rows``."""
    if not rows:
        return []
    now = utcnow()
    values = [{"indexed_at": now, **{k: v for k, v in row.items() if k != "themes"}} for row in rows]
    inserted = session.execute(
        insert(NetworkPassage).returning(NetworkPassage.id, sort_by_parameter_order=True), values
    ).scalars()
    ids = list(inserted)
    themes = [{"passage_id": i, "theme": code} for i, row in zip(ids, rows, strict=True) for code in row["themes"]]
    if themes:
        session.execute(insert(NetworkPassageTheme), themes)
    return ids


def cell_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``NetworkCell`` rows for these passages: per visitatie, theme and audience the count of each
    counted kind, and the judgement of the theme summary."""
    cells: dict[tuple[int, str, Audience], dict[str, Any]] = {}
    for row in rows:
        column = CELL_COUNTS.get(row["kind"])
        if column is None:
            continue
        for theme in row["themes"]:
            cell = cells.setdefault(
                (row["visitatie_id"], theme, row["audience"]),
                {
                    "visitatie_id": row["visitatie_id"],
                    "theme": theme,
                    "audience": row["audience"],
                    "gemeente_id": row["gemeente_id"],
                    "round_id": row["round_id"],
                    "judgement": None,
                    **dict.fromkeys(CELL_COUNTS.values(), 0),
                },
            )
            cell[column] += 1
            if row["kind"] is PassageKind.SAMENVATTING and row.get("judgement"):
                cell["judgement"] = row["judgement"]
    return list(cells.values())


def write_index(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert passages (dicts as ``passages_for`` makes them) and their per-theme counts; their ids."""
    ids = write_passages(session, rows)
    cells = cell_rows(rows)
    if cells:
        session.execute(insert(NetworkCell), cells)
    bump_index_stamp(session)
    return ids


def remove_visitatie(session: Session, visitatie_id: int) -> None:
    old = select(NetworkPassage.id).where(NetworkPassage.visitatie_id == visitatie_id)
    session.execute(delete(NetworkPassageTheme).where(NetworkPassageTheme.passage_id.in_(old)))
    session.execute(delete(NetworkPassage).where(NetworkPassage.visitatie_id == visitatie_id))
    session.execute(delete(NetworkCell).where(NetworkCell.visitatie_id == visitatie_id))
    bump_index_stamp(session)


def reindex_visitatie(session: Session, visitatie_id: int) -> int:
    """Delete and rebuild the visitatie's passages (and their per-theme counts); the number of passages it
    has now. Flushes, never commits."""
    # The visitatie's row locked first: two rebuilds of one visitatie (two workers) run one after the other,
    # so the second deletes what the first wrote instead of colliding with its keys.
    session.execute(select(Visitatie.id).where(Visitatie.id == visitatie_id).with_for_update())
    visitatie = session.get(Visitatie, visitatie_id)
    remove_visitatie(session, visitatie_id)
    rows = passages_for(session, visitatie) if visitatie is not None else []
    ids = write_index(session, rows)
    session.flush()
    signals.passages_reindexed.send(session, visitatie_id=visitatie_id, passage_ids=ids)
    return len(ids)


def is_current(session: Session, visitatie: Visitatie) -> bool:
    """Whether the visitatie's passages in the index are what its sources give now (keys, audiences, texts)."""
    wanted = {(p["key"], p["audience"], p["text"], p["judgement"]) for p in passages_for(session, visitatie)}
    have = {
        (key, audience, text, judgement)
        for key, audience, text, judgement in session.execute(
            select(NetworkPassage.key, NetworkPassage.audience, NetworkPassage.text, NetworkPassage.judgement).where(
                NetworkPassage.visitatie_id == visitatie.id
            )
        )
    }
    return wanted == have


def reindex_all(session: Session) -> tuple[int, int]:
    """Rebuild the whole index: (visitaties, passages)."""
    visitaties = list(session.scalars(select(Visitatie.id).order_by(Visitatie.id)))
    gone = select(NetworkPassage.visitatie_id).where(NetworkPassage.visitatie_id.not_in(visitaties)).distinct()
    for visitatie_id in list(session.scalars(gone)):
        reindex_visitatie(session, visitatie_id)
    return len(visitaties), sum(reindex_visitatie(session, v) for v in visitaties)


# --- queueing ------------------------------------------------------------------------------------------


@job
def reindex_job(session: Session, *, visitatie_id: int) -> int:
    return reindex_visitatie(session, visitatie_id)


def request_reindex(session: Session, visitatie_id: int) -> None:
    """Rebuild the visitatie's passages in a job after this transaction commits (once per transaction)."""
    requested: set[int] = session.info.setdefault("network_reindex", set())
    if visitatie_id in requested:
        return
    requested.add(visitatie_id)
    jobs.enqueue_after_commit(session, reindex_job, visitatie_id=visitatie_id)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if not session.in_nested_transaction():  # a released SAVEPOINT is not the end of the transaction
        session.info.pop("network_reindex", None)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: Any) -> None:
    if not previous_transaction.nested:
        session.info.pop("network_reindex", None)


@signals.network_material_changed.connect
def _material_changed(visitatie_id: int, *, session: Session, **_: Any) -> None:
    request_reindex(session, visitatie_id)


@consent_withdrawn.connect
def _consent_withdrawn(casus: Any, *, session: Session, keys_prefix: str, **_: Any) -> dict[str, int]:
    """A case's consent is withdrawn: rebuild the visitatie's passages (after the commit). Nothing of the
    case is indexed, so nothing of it needs removing now; the rebuild drops whatever the withdrawal took
    away with it (the annotations on the case)."""
    request_reindex(session, casus.visitatie_id)
    return {}
