"""peerreview: peer reviews (visitaties) of municipal youth care."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import jinja2
from flask import Flask, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix
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
    if hops := int(app.config["PROXY_FIX_HOPS"]):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from peerreview import access, db, formatting, models  # noqa: F401  (models: every mapper configured)
    from peerreview.accounts import auth
    from peerreview.extensions import babel, csrf, login_manager
    from peerreview.ids import IdConverter
    from peerreview.review import consent  # noqa: F401  (signal receivers: a withdrawal reaches the annotations)

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(auth.load_user)
    babel.init_app(app, locale_selector=lambda: "nl")
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    if app.testing:
        app.jinja_env.undefined = jinja2.StrictUndefined
    app.jinja_env.globals.update(can=access.can, network_name=app.config["NETWORK_NAME"])
    app.jinja_env.filters.update(datum=formatting.date_nl, datumtijd=formatting.datetime_nl)

    app.url_map.converters["int"] = IdConverter  # an id beyond the integer range is 404, not 500
    _register_blueprints(app)
    db.make_transactional(app)
    _register_session_rules(app)
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

    from peerreview import cli

    cli.init_app(app)
    return app


# Static assets, the same for everyone; every other response (pages, downloads, errors, redirects) may hold
# confidential content or a CSRF token and is sent with ``Cache-Control: no-store``.
CACHEABLE_ENDPOINTS = frozenset({"static", "review.theme_css"})


def _register_blueprints(app: Flask) -> None:
    from peerreview.accounts.views import bp as accounts_bp
    from peerreview.admin.views import bp as admin_bp
    from peerreview.audit.views import bp as audit_bp
    from peerreview.health.views import bp as health_bp
    from peerreview.home.views import bp as home_bp
    from peerreview.indicators.views import bp as indicators_bp
    from peerreview.mail.views import bp as mail_bp
    from peerreview.portret.views import bp as portret_bp
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


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(404)
    def _not_found(_e: Exception) -> tuple[str, int]:
        return render_template("errors/404.html"), 404

    @app.errorhandler(CSRFError)
    def _csrf_error(_e: CSRFError) -> tuple[str, int]:
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(413)
    def _too_large(_e: Exception) -> tuple[str, int]:
        return render_template("errors/413.html"), 413

    @app.errorhandler(500)
    def _server_error(_e: Exception) -> tuple[str, int]:
        return render_template("errors/500.html"), 500
