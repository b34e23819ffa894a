"""A job for the fault tests: its first run hangs (to be killed), a later run finishes."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview import jobs
from peerreview.db import utcnow
from peerreview.mail.models import OutgoingMail


@jobs.job
def hang_once_then_deliver(session: Session, *, mail_id: int, runs_key: str) -> None:
    """Counts its runs in Redis; the first one hangs like a render that a killed worker never ends."""
    if jobs.redis_connection().incr(runs_key) == 1:
        time.sleep(120)
    mail = session.scalar(select(OutgoingMail).where(OutgoingMail.id == mail_id).with_for_update())
    assert mail is not None
    mail.attempts += 1
    mail.sent_at = utcnow()
