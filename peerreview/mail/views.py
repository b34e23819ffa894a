"""The development outbox: read the e-mails the app 'sent'.

Only in the development environment with the outbox backend, and only to a request from the
loopback address that came through no proxy: it shows every message, reset links included, so it is
never reachable in production, nor from another machine on the network of a developer. (Behind a
reverse proxy on the same host every request looks local; that is why a forwarding header refuses.)
"""

from __future__ import annotations

import ipaddress

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from peerreview import db
from peerreview.mail.models import OutgoingMail

bp = Blueprint("mail", __name__, url_prefix="/outbox")


FORWARDING_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


def _from_loopback() -> bool:
    try:
        local = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
    return local and not any(header in request.headers for header in FORWARDING_HEADERS)


@bp.before_request
def _development_only() -> None:
    config = current_app.config
    if config["ENV"] != "development" or config["MAIL_BACKEND"] != "outbox" or not _from_loopback():
        abort(404)


@bp.route("/")
def index() -> str:
    mails = db.session().scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(200)).all()
    return render_template("mail/index.html", mails=mails)


@bp.route("/<int:mail_id>")
def show(mail_id: int) -> str:
    mail = db.session().get(OutgoingMail, mail_id)
    if mail is None:
        abort(404)
    return render_template("mail/show.html", mail=mail)
