from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy.orm import Session

from peerreview import db
from peerreview.accounts.models import User
from peerreview.audit.models import ACTIONS, AuditEvent


def client_address() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    gemeente_id: int | None = None,
    subject: str | None = None,
    obj: Any = None,
    **details: Any,
) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        gemeente_id=gemeente_id,
        subject=subject,
        object_type=type(obj).__tablename__ if obj is not None else None,
        object_id=obj.id if obj is not None else None,
        address=client_address(),
        details=details,
    )
    session.add(event)
    return event


def record_read(action: str, *, actor: User | None = None, **kwargs: Any) -> None:
    """Log a sensitive read in its own short transaction: kept even if the request later fails, and
    the only write a GET may cause (the request's own session is never committed on a read)."""
    with db.new_session() as session:
        actor_row = session.get(User, actor.id) if actor is not None else None
        record(session, action, actor=actor_row, **kwargs)
        session.commit()
