from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.db import utcnow
from peerreview.jobs import job
from peerreview.mail.models import OutgoingMail
from peerreview.mail.retention import scrub


@job
def deliver_mail(session: Session, *, mail_id: int) -> None:
    mail = session.scalar(select(OutgoingMail).where(OutgoingMail.id == mail_id).with_for_update())
    if mail is None or mail.sent_at is not None:
        return  # gone, or already delivered by an earlier try
    mail.attempts += 1
    if current_app.config["MAIL_BACKEND"] == "smtp":
        _send_smtp(mail)
        scrub(mail)  # it has left: the stored copy keeps no reset or invitation link
    mail.sent_at = utcnow()


def _content_type(value: str) -> tuple[str, str, dict[str, str]]:
    """ "text/calendar; method=PUBLISH" -> ("text", "calendar", {"method": "PUBLISH"})."""
    kind, *rest = (part.strip() for part in value.split(";"))
    maintype, _, subtype = kind.partition("/")
    params = dict(part.partition("=")[::2] for part in rest if "=" in part)
    return maintype, subtype or "octet-stream", params


def _send_smtp(mail: OutgoingMail) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message.set_content(mail.body_text)
    message.add_alternative(mail.body_html, subtype="html")
    if mail.attachment is not None and mail.attachment_name and mail.attachment_type:
        maintype, subtype, params = _content_type(mail.attachment_type)
        message.add_attachment(
            mail.attachment, maintype=maintype, subtype=subtype, filename=mail.attachment_name, params=params
        )
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=30) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(message)
