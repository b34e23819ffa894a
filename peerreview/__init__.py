"""peerreview: peer reviews (visitaties) of municipal youth care."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import jinja2
from flask import Flask, abort, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response

from peerreview.config import ROOT, load_config


class App(Flask):
    """Flask, with absolute URLs always on the configured ``BASE_URL``.

    ``url_for(..., _external=True)`` makes the links in e-mails (password reset, invitations,
    notifications). Flask takes their host from the request's Host header, which the client
    chooses: a reset requested with ``Host: evil.example`` would mail a link to evil.example. Here
    the scheme and host always come from ``BASE_URL``, whatever the request says.
    """

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        if not _external:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _external=_external, **values)
        base = urlsplit(self.config["BASE_URL"])
        path = super().url_for(endpoint, _anchor=_anchor, _method=_method, _external=False, **values)
        return f"{base.scheme}://{base.netloc}{path}"


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = App(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    load_config(app, overrides)
    from peerreview.selfeval import definitions

    definitions.validate_all()  # a broken questionnaire file stops the app with a clear message
    from peerreview.review import themes

    themes.validate()
    from peerreview.portret import skeleton

    skeleton.validate()
    from peerreview.network import lenses

    lenses.validate()  # a broken lens vocabulary (forms/lenses/) stops the app with a clear message
    if hops := int(app.config["PROXY_FIX_HOPS"]):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from peerreview import access, db, formatting, models, sanitize  # noqa: F401  (models: every mapper configured)
    from peerreview.accounts import auth
    from peerreview.extensions import babel, csrf, login_manager
    from peerreview.ids import IdConverter
    from peerreview.network import indexer  # noqa: F401  (signal receivers: the passage index follows its sources)
    from peerreview.review import consent  # noqa: F401  (signal receivers: a withdrawal reaches the annotations)

    app.url_map.converters["int"] = IdConverter  # before any rule is added
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(auth.load_user)
    babel.init_app(app, locale_selector=lambda: "nl")
    _load_form_translations_once(app)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    if app.testing:
        app.jinja_env.undefined = jinja2.StrictUndefined
    app.jinja_env.globals.update(can=access.can, network_name=app.config["NETWORK_NAME"])
    app.jinja_env.filters.update(
        datum=formatting.date_nl, datumtijd=formatting.datetime_nl, scrollable_tables=sanitize.scrollable_tables
    )

    app.url_map.converters["int"] = IdConverter  # an id beyond the integer range is 404, not 500
    _register_blueprints(app)
    db.make_transactional(app)
    _register_session_rules(app)
    _register_input_rules(app)
    _register_error_pages(app)
    csp = app.config["CONTENT_SECURITY_POLICY"]

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if csp:
            response.headers.setdefault("Content-Security-Policy", csp)
        if request.endpoint not in CACHEABLE_ENDPOINTS and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        return response

    from peerreview import cli, next_step

    cli.init_app(app)
    next_step.init_app(app)
    return app


def _load_form_translations_once(app: Flask) -> None:
    """WTForms' Dutch messages ("Ongeldige keuze.") for every request, read from disk once per process.

    Flask-WTF reads and parses WTForms' ``.mo`` file again in every request that builds a form (it
    keeps the result on the request only: ``flask_wtf.i18n``), a fixed cost on every autosave. The
    locale here is always nl, so one copy serves every request; Flask-WTF uses what it finds on the
    request.
    """
    from babel import support
    from wtforms.i18n import messages_path

    translations = support.Translations.load(messages_path(), ["nl"], domain="wtforms")

    @app.before_request
    def _form_translations() -> None:
        request.wtforms_translations = translations  # type: ignore[attr-defined]


# Static assets, the same for everyone; every other response (pages, downloads, errors, redirects) may hold
# confidential content or a CSRF token and is sent with ``Cache-Control: no-store``.
CACHEABLE_ENDPOINTS = frozenset({"static", "review.theme_css"})


def _register_blueprints(app: Flask) -> None:
    from peerreview.accounts.views import bp as accounts_bp
    from peerreview.admin.views import bp as admin_bp
    from peerreview.agenda.report_views import bp as agenda_reports_bp
    from peerreview.agenda.views import bp as agenda_bp
    from peerreview.audit.views import bp as audit_bp
    from peerreview.definitief.views import bp as definitief_bp
    from peerreview.health.views import bp as health_bp
    from peerreview.home.views import bp as home_bp
    from peerreview.indicators.views import bp as indicators_bp
    from peerreview.mail.views import bp as mail_bp
    from peerreview.network.views import bp as network_bp
    from peerreview.portret.views import bp as portret_bp
    from peerreview.reflectie.views import bp as reflectie_bp
    from peerreview.reflectiesessie.views import bp as reflectiesessie_bp
    from peerreview.review.views import bp as review_bp
    from peerreview.rounds.views import bp as rounds_bp
    from peerreview.selfeval.views import bp as selfeval_bp
    from peerreview.tenants.views import bp as tenants_bp
    from peerreview.visit.views import bp as visit_bp

    for bp in (
        health_bp,
        home_bp,
        accounts_bp,
        tenants_bp,
        rounds_bp,
        selfeval_bp,
        review_bp,
        visit_bp,
        indicators_bp,
        portret_bp,
        definitief_bp,
        reflectie_bp,
        reflectiesessie_bp,
        agenda_reports_bp,
        network_bp,
        agenda_bp,
        admin_bp,
        audit_bp,
        mail_bp,
    ):
        app.register_blueprint(bp)


# Whether a user without a second factor needs one (a network role, or a review assignment) is asked of
# the database at most this often per session; a new assignment is noticed within that time.
SECOND_FACTOR_RECHECK_SECONDS = 300


def _needs_second_factor(now: int) -> bool:
    from peerreview.access import two_factor_required

    checked = session.get("second_factor_check")
    if checked and now - checked[1] < SECOND_FACTOR_RECHECK_SECONDS:
        return bool(checked[0])
    needed = two_factor_required(current_user)
    session["second_factor_check"] = [needed, now]
    return needed


# Endpoints reachable while a required second factor is not set up yet.
_ENROLMENT_ENDPOINTS = {"accounts.two_factor_setup", "accounts.logout", "static", "health.healthz", "health.readyz"}


def _register_session_rules(app: Flask) -> None:
    idle_seconds = int(app.config["IDLE_TIMEOUT_MINUTES"]) * 60

    @app.before_request
    def _session_rules() -> Response | None:
        if request.endpoint in ("static", "health.healthz", "health.readyz") or not current_user.is_authenticated:
            return None
        now = int(time.time())
        last_seen = session.get("last_seen", now)
        if now - last_seen > idle_seconds:
            logout_user()
            session.clear()
            flash(
                f"Je was langer dan {idle_seconds // 60} minuten niet actief en bent daarom uitgelogd. "
                "Log opnieuw in om verder te gaan.",
                "info",
            )
            return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))
        session["last_seen"] = now
        if (
            app.config["REQUIRE_TWO_FACTOR"]
            and not current_user.two_factor_enabled
            and request.endpoint not in _ENROLMENT_ENDPOINTS
            and _needs_second_factor(now)
        ):
            flash("Stel eerst tweestapsverificatie in; dat is verplicht voor jouw rol.", "info")
            return redirect(url_for("accounts.two_factor_setup"))
        return None


class IdConverter(IntegerConverter):
    """``<int:…>`` in every URL: an id from 1 to 2**31-1 (PostgreSQL's integer). Anything else is not a
    page (404) instead of an overflow in the database (500)."""

    def __init__(
        self, map: Any, fixed_digits: int = 0, min: int | None = 1, max: int | None = 2**31 - 1, **options: Any
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, **options)


# C0 control characters other than tab, newline and carriage return: never typed, and PostgreSQL
# refuses NUL in text (which used to fail the request, and then its error page).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _register_input_rules(app: Flask) -> None:
    from peerreview.sanitize import InputRefused

    @app.before_request
    def _refuse_control_characters() -> None:
        if CONTROL_CHARACTERS.search(request.path):
            abort(404)
        fields = [request.args]
        if request.method in UNSAFE_METHODS:
            fields.append(request.form)  # may raise 413 (handled below)
        for multidict in fields:
            for key, value in multidict.items(multi=True):
                if CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value):
                    raise InputRefused(
                        "Je invoer bevat een onzichtbaar stuurteken (bijvoorbeeld een nul-teken) dat we niet "
                        "kunnen opslaan. Dat gebeurt soms bij kopiëren uit een ander programma. Typ de tekst "
                        "opnieuw of plak hem zonder opmaak; je tekst staat hieronder."
                    )
        if request.method in UNSAFE_METHODS:
            for upload in request.files.values():
                if upload.filename and CONTROL_CHARACTERS.search(upload.filename):
                    raise InputRefused(
                        "De bestandsnaam bevat een onzichtbaar stuurteken. Geef het bestand een andere naam."
                    )


def _rollback_request_session() -> None:
    """An error page must not use a session whose transaction failed (it would fail again)."""
    s = g.get("db_session")
    if s is not None:
        try:
            s.rollback()
        except Exception:  # the connection itself may be gone
            logging.getLogger(__name__).exception("rollback after an error failed")
            g.pop("db_session", None)


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or request.accept_mimetypes.best == "application/json"


def _posted_texts() -> list[tuple[str, str]]:
    """What the user posted, to show back on an error page so nothing typed is lost."""
    try:
        form = request.form if request.method in UNSAFE_METHODS else None
    except RequestEntityTooLarge:
        return []
    if not form:
        return []
    kept = []
    for key, value in form.items(multi=True):
        text = CONTROL_CHARACTERS.sub("", value).strip()
        if key != "csrf_token" and not key.endswith("__base") and len(text) > 1 and not text.isdigit():
            kept.append((key, text))
    return kept


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(404)
    def _not_found(_e: Exception) -> tuple[str, int]:
        return render_template("errors/404.html"), 404

    @app.errorhandler(CSRFError)
    def _csrf_error(_e: CSRFError) -> tuple[str, int]:
        return render_template("errors/csrf.html"), 400

    from peerreview.sanitize import InputRefused

    @app.errorhandler(InputRefused)
    def _refused(error: InputRefused) -> tuple[Any, int]:
        _rollback_request_session()
        if _wants_json():
            return jsonify(error=str(error)), error.status
        return render_template("errors/422.html", message=str(error), kept=_posted_texts()), error.status

    from sqlalchemy.exc import DataError

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _value_out_of_range(error: Exception) -> tuple[Any, int]:
        # The database refused a value (a number beyond its range, say): bad input, not a fault.
        logging.getLogger(__name__).warning(
            "value refused by the database (%s %s): %s", request.method, request.path, error
        )
        return _refused(
            InputRefused(
                "Een waarde in je invoer kan niet worden opgeslagen (bijvoorbeeld een getal dat te groot is). "
                "Er is niets opgeslagen; controleer je invoer en probeer het opnieuw."
            )
        )

    @app.errorhandler(413)
    def _too_large(_e: Exception) -> tuple[Any, int]:
        _rollback_request_session()
        if request.endpoint == "selfeval.upload":
            from peerreview.selfeval.document_views import too_large

            try:
                return too_large()
            except NotFound:  # not theirs to upload to
                return render_template("errors/404.html"), 404
        message = (
            "Wat je verstuurde is te groot om te verwerken. Is het een bestand, voeg dan een kleiner bestand toe "
            f"(tot {app.config['UPLOAD_MAX_MB']} MB). Is het tekst, splits die dan over meerdere velden."
        )
        if _wants_json():
            return jsonify(error=message), 413
        return render_template("errors/413.html", message=message), 413

    @app.errorhandler(500)
    def _server_error(_e: Exception) -> tuple[Any, int]:
        _rollback_request_session()
        if _wants_json():
            return jsonify(error="Er ging iets mis aan onze kant. Probeer het over een paar minuten opnieuw."), 500
        return render_template("errors/500.html"), 500
