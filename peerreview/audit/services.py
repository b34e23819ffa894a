from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    object_type: str | None = None,
    object_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """One audit event; the object is ``obj`` (a mapped row) or named by ``object_type`` and ``object_id``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        gemeente_id=gemeente_id,
        subject=subject,
        object_type=type(obj).__tablename__ if obj is not None else object_type,
        object_id=obj.id if obj is not None else object_id,
        address=client_address(),
        details=details,
    )
    session.add(event)
    return event


def record_read(
    action: str, *, actor: User | None = None, events: Iterable[Mapping[str, Any]] | None = None, **kwargs: Any
) -> None:
    """Log a sensitive read in its own short transaction: kept even if the request later fails, and
    the only write a GET may cause (the request's own session is never committed on a read).
    ``events`` logs several rows of one read at once (each a mapping of :func:`record` arguments)."""
    with db.new_session() as session:
        for event in [kwargs] if events is None else events:
            record(session, action, actor=actor, **event)  # only its id is stored: no need to load it again here
        session.commit()
