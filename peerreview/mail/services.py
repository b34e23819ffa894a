from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from peerreview import jobs
from peerreview.mail.models import OutgoingMail


def send(session: Session, recipient: str, subject: str, template: str, **context: Any) -> OutgoingMail:
    """Store a message from ``templates/email/<template>.{txt,html}``; it is delivered after commit."""
    context.setdefault("subject", subject)
    mail = OutgoingMail(
        recipient=recipient,
        subject=subject,
        body_text=render_template(f"email/{template}.txt", **context),
        body_html=render_template(f"email/{template}.html", **context),
    )
    session.add(mail)
    session.flush()
    from peerreview.mail.tasks import deliver_mail

    jobs.enqueue_after_commit(session, deliver_mail, mail_id=mail.id)
    return mail
