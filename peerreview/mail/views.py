"""The development outbox: read the e-mails the app 'sent'.

Only in the development environment with the outbox backend: it shows every message, reset links
included, so it must never be reachable in production (or in tests that check access).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select

from peerreview import db
from peerreview.mail.models import OutgoingMail

bp = Blueprint("mail", __name__, url_prefix="/outbox")


@bp.before_request
def _development_only() -> None:
    if current_app.config["ENV"] != "development" or current_app.config["MAIL_BACKEND"] != "outbox":
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
