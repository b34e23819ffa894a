"""Helpers shared by the account security tests."""

from __future__ import annotations

import re

from sqlalchemy import select

from peerreview.mail.models import OutgoingMail
from tests.factories import PASSWORD


def login(client, email, password=PASSWORD, address=None, **kwargs):
    if address is not None:
        kwargs["environ_base"] = {"REMOTE_ADDR": address}
    return client.post_form("/inloggen", {"email": email, "password": password}, **kwargs)


def mails_to(session, to):
    session.expire_all()
    return session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == to).order_by(OutgoingMail.id)).all()


def links_in(mail):
    return re.findall(r"https?://[^\s\"<>]+", mail.body_text)
