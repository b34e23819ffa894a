"""Configuration: defaults, then ``PEERREVIEW_*`` environment variables, then overrides.

Two ways to run (see docs/architecture.md):

* ``PEERREVIEW_ENV=development`` (the default): an SQLite file under ``instance/``, jobs run inline
  right after the commit that queued them, e-mail lands in the outbox table readable at ``/outbox``.
* ``PEERREVIEW_ENV=production``: PostgreSQL and a secret key are required; jobs go to rq when
  ``PEERREVIEW_REDIS_URL`` is set; e-mail goes out over SMTP.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to set."""


class DefaultConfig:
    ENV = "development"
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None
    REDIS_URL: str | None = None
    # Jobs run inline (after commit) unless a Redis URL is configured.
    JOBS_INLINE: bool | None = None

    NETWORK_NAME = "Netwerk Visitaties Jeugdhulp"
    BASE_URL = "http://127.0.0.1:5000"

    MAIL_BACKEND = "outbox"  # "outbox" (development) or "smtp"
    MAIL_FROM = "Visitaties Jeugdhulp <noreply@visitaties.example>"
    SMTP_HOST = "localhost"
    SMTP_PORT = 25
    SMTP_USER: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = False

    SESSION_COOKIE_NAME = "peerreview_session"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    IDLE_TIMEOUT_MINUTES = 30
    WTF_CSRF_TIME_LIMIT = 12 * 3600  # long questionnaires; the token is tied to the session anyway

    # Login rate limits: failures counted within the window.
    LOGIN_WINDOW_MINUTES = 15
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    INVITATION_VALID_DAYS = 14
    PASSWORD_RESET_VALID_MINUTES = 60
    # Two-factor login is required for network roles and reviewers unless switched off.
    REQUIRE_TWO_FACTOR = True

    PROXY_FIX_HOPS = 0
    # Enforced in production and tests. The local development server sends none, so that
    # accessibility checkers (../shared/tools/pagecheck injects axe-core) can run in the page.
    CONTENT_SECURITY_POLICY: str | None = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    )
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    # Uploads: the one limit, in MB of 1024 × 1024 bytes (as file managers on Windows show them). The
    # request body may be 1 MB larger (MAX_CONTENT_LENGTH, derived below) for the other form fields, so
    # a file just over the limit still arrives with the form and is refused with the form kept.
    UPLOAD_MAX_MB = 25
    # Rich-text fields: refused (not cut short) above this many characters (markup included) or nesting depth.
    RICHTEXT_MAX_CHARS = 200_000
    RICHTEXT_MAX_DEPTH = 100
    # A non-file form field may be this large (werkzeug's default of 500 kB is less than a full rich-text
    # field: 200 000 characters can take up to 9 bytes each, URL-encoded).
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env("PEERREVIEW")
    if overrides:
        app.config.update(overrides)
    config = app.config
    # from_prefixed_env parses values as JSON: a secret made of digits must stay a string.
    for key in ("SECRET_KEY", "SMTP_USER", "SMTP_PASSWORD"):
        if config.get(key) is not None and not isinstance(config[key], str):
            config[key] = str(config[key])
    production = config["ENV"] == "production"

    if production:
        if not config.get("SECRET_KEY"):
            raise ConfigError(
                "PEERREVIEW_SECRET_KEY is not set. Production needs a long random secret shared by "
                "all web instances, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'."
            )
        url = config.get("DATABASE_URL") or ""
        if not url.startswith("postgresql"):
            raise ConfigError(
                "PEERREVIEW_DATABASE_URL must be a PostgreSQL URL in production, "
                "e.g. postgresql+psycopg://peerreview@/peerreview."
            )
    else:
        instance = Path(app.instance_path)
        instance.mkdir(parents=True, exist_ok=True)
        if not config.get("DATABASE_URL"):
            config["DATABASE_URL"] = f"sqlite:///{instance / 'peerreview.db'}"
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _development_secret(instance)
        if config["ENV"] == "development" and "CONTENT_SECURITY_POLICY" not in (overrides or {}):
            config["CONTENT_SECURITY_POLICY"] = None
        if config["ENV"] == "development" and "SESSION_COOKIE_SECURE" not in (overrides or {}):
            # The demo is served over plain http on 127.0.0.1.
            config["SESSION_COOKIE_SECURE"] = False
            config["REMEMBER_COOKIE_SECURE"] = False

    config["MAX_CONTENT_LENGTH"] = (int(config["UPLOAD_MAX_MB"]) + 1) * 1024 * 1024
    if config["JOBS_INLINE"] is None:
        config["JOBS_INLINE"] = not config.get("REDIS_URL")
    config["PERMANENT_SESSION_LIFETIME"] = int(config["IDLE_TIMEOUT_MINUTES"]) * 60


def _development_secret(instance: Path) -> str:
    """A per-checkout random key, kept so that restarting the demo keeps people logged in."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
