"""What stored e-mail and logs may keep, and for how long.

A delivered e-mail keeps no links: reset and invitation links carry tokens that are hashed in the
database, and a plain copy in ``outgoing_mail`` (and in every backup) would defeat that. So, once a
message has left over SMTP, every URL in its stored body is replaced. The development outbox backend
is the exception: there the stored message *is* the delivery (read at ``/outbox``).

``purge`` deletes delivered e-mails, login attempts, audit events and finished jobs older than the
``RETENTION_*_DAYS`` settings; ``flask --app wsgi retention`` runs it daily (deploy/systemd).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from peerreview.accounts.models import LoginAttempt
from peerreview.audit.models import AuditEvent
from peerreview.db import utcnow
from peerreview.jobs import JobOutbox
from peerreview.mail.models import OutgoingMail

SCRUBBED = "[link verwijderd na verzending]"
_URL = re.compile(r"""https?://[^\s"'<>]+""", re.IGNORECASE)


def scrub_links(text: str) -> str:
    """``text`` with every http(s) URL replaced (in attributes and in running text)."""
    return _URL.sub(SCRUBBED, text)


def scrub(mail: OutgoingMail) -> None:
    """After SMTP delivery: no links in the body, and no copy of an attachment (its name stays)."""
    mail.body_text, mail.body_html = scrub_links(mail.body_text), scrub_links(mail.body_html)
    if mail.attachment_name:
        mail.attachment = None


def purge(session: Session, config: Mapping[str, Any]) -> dict[str, int]:
    """Delete what is older than its retention period; returns the counts per kind."""
    now = utcnow()

    def before(key: str) -> Any:
        return now - timedelta(days=float(config[key]))

    statements = {
        "e-mails": delete(OutgoingMail).where(
            OutgoingMail.sent_at.is_not(None), OutgoingMail.sent_at < before("RETENTION_MAIL_DAYS")
        ),
        "inlogpogingen": delete(LoginAttempt).where(LoginAttempt.at < before("RETENTION_LOGIN_ATTEMPTS_DAYS")),
        "auditregels": delete(AuditEvent).where(AuditEvent.at < before("RETENTION_AUDIT_DAYS")),
        "opdrachten": delete(JobOutbox).where(
            JobOutbox.done_at.is_not(None), JobOutbox.done_at < before("RETENTION_JOBS_DAYS")
        ),
    }
    return {
        name: session.execute(statement, execution_options={"synchronize_session": False}).rowcount  # type: ignore[attr-defined]
        for name, statement in statements.items()
    }
