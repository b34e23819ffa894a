"""Publishing the definitive portret: the gemeente's coordinator chooses who may read it (alleen de
gemeente, het netwerk, openbaar) and may withdraw that choice at any time; and the list of what is
published, for the network's overview and the public index.

Who may read a published portret is decided in one place, the access rule ``portret.published``;
the lists here select the same scopes in the query (``visible_scopes``) so a list never shows a
portret its reader could not open. Services flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview import signals
from peerreview.access import network_participant
from peerreview.accounts.models import User
from peerreview.audit.services import record
from peerreview.db import utcnow
from peerreview.portret import services as portret_services
from peerreview.portret.models import Portret, PortretVersion, Publication
from peerreview.rounds.models import Round, Visitatie
from peerreview.tenants.models import Gemeente


class PublicationError(Exception):
    """A refused choice; the message is Dutch and meant for the user."""


def choose(session: Session, actor: User, portret: Portret, scope: Publication) -> Portret:
    """Set who may read the adopted portret. Back to *alleen de gemeente* is a withdrawal: the public
    URL answers 410 from then on and the network no longer lists it."""
    if portret.adopted_version is None:
        raise PublicationError("Het portret is nog niet vastgesteld; publiceren kan pas daarna.")
    previous = portret.publication
    if scope is previous:
        raise PublicationError(f"Het portret is al ingesteld op ‘{scope.label.lower()}’.")
    now = utcnow()
    portret.publication = scope
    if scope is Publication.GEMEENTE:
        portret.publication_withdrawn_at = now
    else:
        portret.published_at, portret.published_by_id = now, actor.id
    record(
        session,
        "portret_publication_withdrawn" if scope is Publication.GEMEENTE else "portret_published",
        actor=actor,
        gemeente_id=portret.gemeente_id,
        obj=portret,
        publication=scope.value,
        previous=previous.value,
        version=portret.adopted_version,
    )
    session.flush()
    signals.network_material_changed.send(portret.visitatie_id, session=session)
    return portret


def versions_to_render(session: Session, portret: Portret) -> list[PortretVersion]:
    """The definitive versions whose PDF a reader of the publication may download: requested when the
    portret is published or corrected, because a public visitor's GET never queues work."""
    return [v for v in portret_services.definitive_versions(session, portret) if not portret_services.pdf_ready(v)]


def was_published(portret: Portret) -> bool:
    """Withdrawn after having been published: its public URL is gone (410), not unknown (404)."""
    return portret.publication is Publication.GEMEENTE and portret.publication_withdrawn_at is not None


# --- lists -----------------------------------------------------------------------------------------


def visible_scopes(user: User | None) -> tuple[Publication, ...]:
    """The scopes a reader sees in lists; the same answer as the rule ``portret.published``."""
    return (Publication.NETWERK, Publication.OPENBAAR) if network_participant(user) else (Publication.OPENBAAR,)


@dataclass(frozen=True)
class Listed:
    visitatie_id: int
    gemeente: str
    gemeente_slug: str
    province: str
    round_name: str
    motto: str
    title: str
    adopted_at: datetime | None
    publication: Publication


def published(session: Session, scopes: tuple[Publication, ...], limit: int | None = None) -> list[Listed]:
    """Adopted portretten published in one of ``scopes``, most recently adopted first: one query, with
    only the motto and title read from the adopted version's content."""
    content = PortretVersion.content
    query = (
        select(
            Portret.visitatie_id,
            Gemeente.name,
            Gemeente.slug,
            Gemeente.province,
            Round.name,
            content["motto"].as_string(),
            content["sections"][0]["title"].as_string(),
            Portret.adopted_at,
            Portret.publication,
        )
        .join(Visitatie, (Visitatie.id == Portret.visitatie_id) & (Visitatie.gemeente_id == Portret.gemeente_id))
        .join(Gemeente, Gemeente.id == Portret.gemeente_id)
        .join(Round, Round.id == Visitatie.round_id)
        .join(
            PortretVersion,
            (PortretVersion.portret_id == Portret.id) & (PortretVersion.number == Portret.adopted_version),
        )
        .where(Portret.adopted_version.is_not(None), Portret.publication.in_(scopes))
        .order_by(Portret.adopted_at.desc(), Gemeente.name)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        Listed(row[0], row[1], row[2], row[3] or "", row[4], row[5] or "", row[6] or "", row[7], row[8])
        for row in session.execute(query)
    ]


def portret_at(session: Session, slug: str, visitatie_id: int) -> Portret | None:
    """The portret behind a stable public URL: the gemeente's slug and the visitatie's id must match."""
    return session.scalar(
        select(Portret)
        .join(Gemeente, Gemeente.id == Portret.gemeente_id)
        .where(Portret.visitatie_id == visitatie_id, Gemeente.slug == slug)
    )
