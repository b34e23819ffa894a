"""The read-only share of the verbeteragenda for the gemeenteraad and the rekenkamer (issue 12, item 3).

Two ways in: a council account (``MembershipRole.RAAD``, see ``peerreview.access.council``), or an expiring
link the coordinator makes here. A link opens this visitatie's agenda (read-only) and its definitive
portret and nothing else; only its hash is stored (the token helpers the reflectie's guest links use); it
works until it expires or the coordinator revokes it. Creating, revoking and every use are audit-logged;
the log also gives the number of uses (a GET writes nothing else).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerreview.accounts import auth
from peerreview.accounts.models import User
from peerreview.agenda.report_models import ShareLink
from peerreview.audit.models import AuditEvent
from peerreview.audit.services import record, record_read
from peerreview.db import utcnow
from peerreview.formatting import LOCAL
from peerreview.reflectie.guests import TOKEN_MAX
from peerreview.rounds.models import Visitatie

DEFAULT_DAYS = 90
MAX_DAYS = 366


class ShareError(ValueError):
    """A link that cannot be made as asked: the message says why, in Dutch."""


def default_expiry() -> date:
    return (utcnow().astimezone(LOCAL) + timedelta(days=DEFAULT_DAYS)).date()


def create(session: Session, actor: User, visitatie: Visitatie, label: str, expires_on: date) -> tuple[ShareLink, str]:
    """A new link, valid through ``expires_on`` (local time); returns it with the token, shown once."""
    label = " ".join(label.split())
    if not label:
        raise ShareError("Vul in voor wie de link is, bijvoorbeeld ‘Gemeenteraad’ of ‘Rekenkamercommissie’.")
    if len(label) > 200:
        raise ShareError("Gebruik hoogstens 200 tekens voor wie de link is.")
    today = utcnow().astimezone(LOCAL).date()
    if expires_on < today:
        raise ShareError("Kies een einddatum vanaf vandaag.")
    if expires_on > today + timedelta(days=MAX_DAYS):
        raise ShareError("Een leeslink geldt hoogstens een jaar. Maak daarna een nieuwe.")
    token, token_hash = auth.new_token()
    link = ShareLink(
        gemeente_id=visitatie.gemeente_id,
        visitatie_id=visitatie.id,
        label=label,
        token_hash=token_hash,
        expires_at=datetime.combine(expires_on + timedelta(days=1), time(0), tzinfo=LOCAL),
        created_by_id=actor.id,
    )
    session.add(link)
    session.flush()
    record(
        session,
        "agenda_share_created",
        actor=actor,
        gemeente_id=visitatie.gemeente_id,
        obj=link,
        label=label,
        expires_on=expires_on.isoformat(),
    )
    return link, token


def links_of(session: Session, visitatie: Visitatie) -> list[ShareLink]:
    return list(
        session.scalars(select(ShareLink).where(ShareLink.visitatie_id == visitatie.id).order_by(ShareLink.id.desc()))
    )


def uses(session: Session, links: list[ShareLink]) -> dict[int, int]:
    """How often each link was opened, from the audit log."""
    if not links:
        return {}
    rows = session.execute(
        select(AuditEvent.object_id, func.count())
        .where(
            AuditEvent.action == "agenda_share_used",
            AuditEvent.object_type == ShareLink.__tablename__,
            AuditEvent.object_id.in_([link.id for link in links]),
        )
        .group_by(AuditEvent.object_id)
    )
    return {object_id: count for object_id, count in rows if object_id is not None}


def find(session: Session, visitatie: Visitatie, link_id: int) -> ShareLink | None:
    return session.scalar(select(ShareLink).where(ShareLink.visitatie_id == visitatie.id, ShareLink.id == link_id))


def lookup(session: Session, token: str) -> ShareLink | None:
    """The link of this token, open or not (None for an unknown token): the caller tells expired from unknown."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return session.scalar(select(ShareLink).where(ShareLink.token_hash == auth.token_hash(token)))


def revoke(session: Session, actor: User, link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        record(session, "agenda_share_revoked", actor=actor, gemeente_id=link.gemeente_id, obj=link, label=link.label)
    session.flush()


def is_open(link: ShareLink) -> bool:
    return link.is_open(utcnow())


def log_use(link: ShareLink, page: str) -> None:
    """Each use of a link (a GET) in the audit log, in its own short transaction."""
    record_read(
        "agenda_share_used",
        gemeente_id=link.gemeente_id,
        object_type=ShareLink.__tablename__,
        object_id=link.id,
        label=link.label,
        page=page,
    )
