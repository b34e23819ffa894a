"""Personal links for partner organisations: someone who was interviewed (a jeugdverpleegkundige of the
GGD, a teacher) reads the released concept and comments without an account. The link names a role and
an organisation, never a person; only its hash is stored; it opens this one portret until it expires
(the feedback deadline, or three weeks) or the coordinator revokes it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.accounts import auth
from peerreview.accounts.models import User
from peerreview.audit.services import record
from peerreview.db import utcnow
from peerreview.portret.models import Portret
from peerreview.reflectie.errors import ReflectieError
from peerreview.reflectie.models import GuestLink

DEFAULT_DAYS = 21
TOKEN_MAX = 100  # a longer "token" is no token of ours: refused before hashing


def create(session: Session, actor: User, portret: Portret, role: str, organisation: str) -> tuple[GuestLink, str]:
    """A new link; returns it with the token, which is shown once and never stored."""
    role, organisation = " ".join(role.split()), " ".join(organisation.split())
    if not role or not organisation:
        raise ReflectieError("Vul de functie en de organisatie in (geen naam).")
    if len(role) > 120 or len(organisation) > 200:
        raise ReflectieError("Gebruik hoogstens 120 tekens voor de functie en 200 voor de organisatie.")
    token, token_hash = auth.new_token()
    link = GuestLink(
        gemeente_id=portret.gemeente_id,
        portret_id=portret.id,
        role=role,
        organisation=organisation,
        token_hash=token_hash,
        expires_at=expiry(portret),
        created_by_id=actor.id,
    )
    session.add(link)
    session.flush()
    record(session, "guest_link_created", actor=actor, gemeente_id=portret.gemeente_id, obj=link, label=link.label)
    return link, token


def expiry(portret: Portret) -> datetime:
    return portret.feedback_deadline or utcnow() + timedelta(days=DEFAULT_DAYS)


def links_of(session: Session, portret: Portret) -> list[GuestLink]:
    return list(session.scalars(select(GuestLink).where(GuestLink.portret_id == portret.id).order_by(GuestLink.id)))


def find(session: Session, portret: Portret, link_id: int) -> GuestLink | None:
    return session.scalar(select(GuestLink).where(GuestLink.portret_id == portret.id, GuestLink.id == link_id))


def open_link(session: Session, token: str) -> GuestLink | None:
    """The valid link for this token, or None (unknown, revoked or expired: the caller answers 404)."""
    if not token or len(token) > TOKEN_MAX:
        return None
    link = session.scalar(select(GuestLink).where(GuestLink.token_hash == auth.token_hash(token)))
    if link is None or link.revoked_at is not None or link.expires_at <= utcnow():
        return None
    return link


def revoke(session: Session, actor: User, link: GuestLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        record(session, "guest_link_revoked", actor=actor, gemeente_id=link.gemeente_id, obj=link, label=link.label)
    session.flush()


def is_open(link: GuestLink) -> bool:
    return link.revoked_at is None and link.expires_at > utcnow()
