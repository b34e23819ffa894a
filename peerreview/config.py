"""Configuration: defaults, then ``PEERREVIEW_*`` environment variables, then overrides.

Two ways to run (see docs/architecture.md):

* ``PEERREVIEW_ENV=development`` (the default): an SQLite file under ``instance/``, jobs run inline
  right after the commit that queued them, e-mail lands in the outbox table readable at ``/outbox``
  (only from the loopback address, see ``mail/views.py``). The Content-Security-Policy is on here
  too, so violations show while building; ../shared/tools/pagecheck injects axe-core as an inline
  script, so serve the app for it with ``PEERREVIEW_CONTENT_SECURITY_POLICY=null`` (development only).
* ``PEERREVIEW_ENV=production``: refuses to start unless it is safe: a secret of at least 32
  characters that is not a placeholder, PostgreSQL, Redis (rq workers), SMTP mail, a CSP.
* ``PEERREVIEW_ENV=testing``: the test suite.

Any other value of ``PEERREVIEW_ENV`` is refused (a typo such as ``prod`` must not switch the
checks off). So is a PostgreSQL database in development, which almost always means a real
installation started without ``PEERREVIEW_ENV=production``; a developer who means it sets
``PEERREVIEW_ALLOW_DEVELOPMENT_ON_POSTGRESQL=true``.
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


ENVIRONMENTS = ("development", "testing", "production")
MIN_SECRET_LENGTH = 32
# deploy/env.sample's placeholders start with this; a copied sample must not run.
PLACEHOLDER_PREFIX = "REPLACE-WITH"


class DefaultConfig:
    ENV = "development"
    # A PostgreSQL URL in development is refused unless this says it is meant (see the module doc).
    ALLOW_DEVELOPMENT_ON_POSTGRESQL = False
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None
    REDIS_URL: str | None = None
    # Jobs run inline (after commit) unless a Redis URL is configured.
    JOBS_INLINE: bool | None = None
    # rq retries of a failing job (seconds between tries); the worker's scheduler runs them.
    JOB_RETRY_INTERVALS = [10, 60, 300]
    # A running job touches its outbox row this often; one silent for JOB_STALE_SECONDS was
    # interrupted (a killed worker) and is handed over again, at most JOB_MAX_RESTARTS times.
    JOB_HEARTBEAT_SECONDS = 15
    JOB_STALE_SECONDS = 120
    JOB_MAX_RESTARTS = 5
    # How often `flask --app wsgi jobs dispatch` looks for jobs that could not be handed to rq.
    JOB_DISPATCH_INTERVAL_SECONDS = 5

    # Retention (the daily `flask --app wsgi retention` run deletes what is older).
    RETENTION_MAIL_DAYS = 30  # delivered e-mails (their links are scrubbed at delivery already)
    RETENTION_LOGIN_ATTEMPTS_DAYS = 90
    RETENTION_AUDIT_DAYS = 730  # two years: the audit trail outlives a visitatieronde
    RETENTION_JOBS_DAYS = 14  # finished job_outbox rows

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

    # Login rate limits: failures counted within the window (see accounts.services.blocked_minutes).
    LOGIN_WINDOW_MINUTES = 15
    LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 50
    # A ceiling against password spraying; not applied to accounts known from that address.
    LOGIN_MAX_FAILURES_PER_ADDRESS = 300
    LOGIN_KNOWN_ADDRESS_DAYS = 30
    INVITATION_VALID_DAYS = 14
    PASSWORD_RESET_VALID_MINUTES = 60
    # Reset requests within the window, per e-mail address and per client address.
    PASSWORD_RESET_WINDOW_MINUTES = 15
    PASSWORD_RESET_MAX_PER_ACCOUNT = 3
    PASSWORD_RESET_MAX_PER_ADDRESS = 10
    # Two-factor login is required for network roles and reviewers unless switched off.
    REQUIRE_TWO_FACTOR = True

    PROXY_FIX_HOPS = 0
    # Sent in every environment. Development may switch it off (null) for tools that inject inline
    # scripts (../shared/tools/pagecheck); production refuses to start without one.
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
    if config["ENV"] not in ENVIRONMENTS:
        raise ConfigError(
            f"PEERREVIEW_ENV={config['ENV']!r} is not known. Set it to one of {', '.join(ENVIRONMENTS)} "
            "(production for a real installation)."
        )
    if config["JOBS_INLINE"] is None:
        config["JOBS_INLINE"] = not config.get("REDIS_URL")

    if config["ENV"] == "production":
        _check_production(config)
    else:
        instance = Path(app.instance_path)
        instance.mkdir(parents=True, exist_ok=True)
        if not config.get("DATABASE_URL"):
            config["DATABASE_URL"] = f"sqlite:///{instance / 'peerreview.db'}"
        if (
            config["ENV"] == "development"
            and config["DATABASE_URL"].startswith("postgresql")
            and config["ALLOW_DEVELOPMENT_ON_POSTGRESQL"] is not True
        ):
            raise ConfigError(
                "PEERREVIEW_DATABASE_URL is a PostgreSQL URL but PEERREVIEW_ENV is unset or development, "
                "which would serve without security checks, Secure cookies or CSP, with the outbox of every "
                "e-mail. For an installation set PEERREVIEW_ENV=production. To develop against a local "
                "PostgreSQL on purpose, set PEERREVIEW_ALLOW_DEVELOPMENT_ON_POSTGRESQL=true."
            )
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _development_secret(instance)
        if config["ENV"] == "development" and "SESSION_COOKIE_SECURE" not in (overrides or {}):
            # The demo is served over plain http on 127.0.0.1.
            config["SESSION_COOKIE_SECURE"] = False
            config["REMEMBER_COOKIE_SECURE"] = False

    config["MAX_CONTENT_LENGTH"] = (int(config["UPLOAD_MAX_MB"]) + 1) * 1024 * 1024
    config["PERMANENT_SESSION_LIFETIME"] = int(config["IDLE_TIMEOUT_MINUTES"]) * 60


def _check_production(config: Mapping[str, Any]) -> None:
    """Refuse a production configuration that is not safe; every message says what to set."""
    secret = config.get("SECRET_KEY") or ""
    if not secret:
        raise ConfigError(
            "PEERREVIEW_SECRET_KEY is not set. Production needs a long random secret shared by "
            "all web instances, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'."
        )
    if len(secret) < MIN_SECRET_LENGTH or secret.startswith(PLACEHOLDER_PREFIX) or len(set(secret)) < 10:
        raise ConfigError(
            f"PEERREVIEW_SECRET_KEY is too weak or still the placeholder of deploy/env.sample: use at least "
            f"{MIN_SECRET_LENGTH} random characters, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'."
        )
    placeholders = sorted(
        f"PEERREVIEW_{key}" for key, value in config.items() if isinstance(value, str) and PLACEHOLDER_PREFIX in value
    )
    if placeholders:
        raise ConfigError(
            f"{', '.join(placeholders)} still hold the placeholder of deploy/env.sample; set real values."
        )
    url = config.get("DATABASE_URL") or ""
    if not url.startswith("postgresql"):
        raise ConfigError(
            "PEERREVIEW_DATABASE_URL must be a PostgreSQL URL in production, "
            "e.g. postgresql+psycopg://peerreview@/peerreview."
        )
    if not config.get("REDIS_URL") or config.get("JOBS_INLINE"):
        raise ConfigError(
            "PEERREVIEW_REDIS_URL is not set (or PEERREVIEW_JOBS_INLINE is true). Production runs jobs "
            "(e-mail, PDFs) on rq workers, never inside the web request: set e.g. "
            "PEERREVIEW_REDIS_URL=redis://127.0.0.1:6379/0 and start the workers (deploy/systemd)."
        )
    if config.get("MAIL_BACKEND") != "smtp":
        raise ConfigError(
            f"PEERREVIEW_MAIL_BACKEND is {config.get('MAIL_BACKEND')!r}; production sends e-mail over SMTP: "
            "set PEERREVIEW_MAIL_BACKEND=smtp and PEERREVIEW_SMTP_HOST (see deploy/env.sample)."
        )
    if not config.get("CONTENT_SECURITY_POLICY"):
        raise ConfigError(
            "PEERREVIEW_CONTENT_SECURITY_POLICY is empty; production always sends one. Remove the setting "
            "to use the default policy."
        )
    if not str(config.get("BASE_URL") or "").startswith("https://"):
        raise ConfigError(
            "PEERREVIEW_BASE_URL must be the site's public https:// address (links in e-mails are built "
            "from it), e.g. PEERREVIEW_BASE_URL=https://visitaties.example.nl."
        )


def _development_secret(instance: Path) -> str:
    """A per-checkout random key, kept so that restarting the demo keeps people logged in."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
