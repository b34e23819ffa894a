import pytest

from peerreview import create_app
from peerreview.config import ConfigError

STRONG_SECRET = "k3J9-vQx2Lp8_RtY6wZa0Nb4Mc7Df1Gh5"  # 34 characters, many different ones


def production(**changes):
    """A production configuration that starts; each test breaks one thing."""
    config = {
        "ENV": "production",
        "SECRET_KEY": STRONG_SECRET,
        "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "MAIL_BACKEND": "smtp",
        "BASE_URL": "https://visitaties.example.nl",
    }
    config.update(changes)
    return config


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(ConfigError, match="PEERREVIEW_SECRET_KEY is not set"):
        create_app(production(SECRET_KEY=None))


def test_production_refuses_sqlite():
    with pytest.raises(ConfigError, match="must be a PostgreSQL URL"):
        create_app(production(DATABASE_URL="sqlite:///x.db"))


def test_production_starts_when_everything_is_set():
    app = create_app(production())
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["JOBS_INLINE"] is False
    assert app.config["CONTENT_SECURITY_POLICY"]


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
