from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from peerreview import jobs
from peerreview.mail.models import OutgoingMail


def render(template: str, **context: Any) -> tuple[str, str]:
    """The text and HTML parts of ``templates/email/<template>.txt``.

    Every message extends ``email/_layout.txt`` (greeting text in its ``body`` block, the common footer
    from the layout). The HTML part is that same text, escaped and with its links made clickable, in
    the one HTML layout ``email/_layout.html``; ``context`` must hold ``subject``.
    """
    body_text = render_template(f"email/{template}.txt", **context)
    body_html = render_template("email/_layout.html", subject=context["subject"], body_text=body_text)
    return body_text, body_html


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: ``content_type`` may carry parameters ("text/calendar; method=PUBLISH")."""

    filename: str
    content_type: str
    content: bytes


def send(
    session: Session,
    recipient: str,
    subject: str,
    template: str,
    attachment: Attachment | None = None,
    **context: Any,
) -> OutgoingMail:
    """Store a message from ``templates/email/<template>.txt``; it is delivered after commit."""
    context.setdefault("subject", subject)
    body_text, body_html = render(template, **context)
    mail = OutgoingMail(recipient=recipient, subject=subject, body_text=body_text, body_html=body_html)
    if attachment is not None:
        mail.attachment_name, mail.attachment_type = attachment.filename, attachment.content_type
        mail.attachment = attachment.content
    session.add(mail)
    session.flush()
    from peerreview.mail.tasks import deliver_mail

    jobs.enqueue_after_commit(session, deliver_mail, mail_id=mail.id)
    return mail
