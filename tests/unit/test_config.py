import pytest

from peerreview import create_app
from peerreview.config import ConfigError


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(ConfigError, match="PEERREVIEW_SECRET_KEY is not set"):
        create_app({"ENV": "production", "DATABASE_URL": "postgresql+psycopg://x@/y", "SECRET_KEY": None})


def test_production_refuses_sqlite():
    with pytest.raises(ConfigError, match="must be a PostgreSQL URL"):
        create_app({"ENV": "production", "SECRET_KEY": "s" * 40, "DATABASE_URL": "sqlite:///x.db"})


def test_production_starts_with_secret_and_postgres():
    app = create_app(
        {"ENV": "production", "SECRET_KEY": "s" * 40, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["JOBS_INLINE"] is True  # no Redis configured


def test_environment_variables_are_read(monkeypatch):
    monkeypatch.setenv("PEERREVIEW_IDLE_TIMEOUT_MINUTES", "12")
    monkeypatch.setenv("PEERREVIEW_REDIS_URL", "redis://127.0.0.1:6379/5")
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    assert app.config["IDLE_TIMEOUT_MINUTES"] == 12
    assert app.config["PERMANENT_SESSION_LIFETIME"] == 12 * 60
    assert app.config["JOBS_INLINE"] is False


def test_numeric_secrets_stay_strings(monkeypatch):
    monkeypatch.setenv("PEERREVIEW_SMTP_PASSWORD", "123456")
    monkeypatch.setenv("PEERREVIEW_SECRET_KEY", "98765432109876543210")
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["SMTP_PASSWORD"] == "123456"
    assert app.config["SECRET_KEY"] == "98765432109876543210"
