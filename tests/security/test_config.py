"""Production refuses unsafe settings; development keeps the CSP and hides the outbox from others."""

import pytest

from peerreview import create_app
from peerreview.config import ConfigError
from tests.unit.test_config import production

PLACEHOLDER_SECRET = "REPLACE-WITH-OUTPUT-OF-THE-COMMAND-ABOVE"  # deploy/env.sample


def env_sample_secret():
    from peerreview.config import ROOT

    for line in (ROOT / "deploy" / "env.sample").read_text().splitlines():
        if line.startswith("PEERREVIEW_SECRET_KEY="):
            return line.partition("=")[2]
    raise AssertionError("deploy/env.sample sets no PEERREVIEW_SECRET_KEY")


@pytest.mark.parametrize("env", ["prod", "Production", "staging", "dev", ""])
def test_an_unknown_environment_is_refused(env):
    with pytest.raises(ConfigError, match=r"PEERREVIEW_ENV=.* is not known"):
        create_app(production(ENV=env))


@pytest.mark.parametrize(
    "secret",
    ["x", "s" * 40, "kort-maar-geheim-31-tekens-lang", PLACEHOLDER_SECRET + "-and-more", "0123456789" * 2],
)
def test_production_refuses_a_weak_secret(secret):
    with pytest.raises(ConfigError, match="PEERREVIEW_SECRET_KEY is too weak"):
        create_app(production(SECRET_KEY=secret))


def test_production_refuses_the_secret_of_the_env_sample():
    assert env_sample_secret() == PLACEHOLDER_SECRET
    with pytest.raises(ConfigError, match="PEERREVIEW_SECRET_KEY is too weak or still the placeholder"):
        create_app(production(SECRET_KEY=env_sample_secret()))


def test_production_refuses_other_placeholders_of_the_env_sample():
    with pytest.raises(ConfigError, match="PEERREVIEW_SMTP_PASSWORD still hold the placeholder"):
        create_app(production(SMTP_PASSWORD="REPLACE-WITH-SMTP-PASSWORD"))


@pytest.mark.parametrize("changes", [{"REDIS_URL": None}, {"REDIS_URL": ""}, {"JOBS_INLINE": True}])
def test_production_refuses_jobs_inside_the_request(changes):
    with pytest.raises(ConfigError, match="PEERREVIEW_REDIS_URL is not set"):
        create_app(production(**changes))


@pytest.mark.parametrize("backend", ["outbox", "SMTP", None])
def test_production_refuses_any_mail_backend_but_smtp(backend):
    with pytest.raises(ConfigError, match="PEERREVIEW_MAIL_BACKEND=smtp"):
        create_app(production(MAIL_BACKEND=backend))


def test_production_refuses_to_switch_off_the_csp():
    with pytest.raises(ConfigError, match="PEERREVIEW_CONTENT_SECURITY_POLICY is empty"):
        create_app(production(CONTENT_SECURITY_POLICY=None))


@pytest.mark.parametrize("base", ["http://visitaties.example.nl", "http://127.0.0.1:5000", ""])
def test_production_needs_an_https_base_url(base):
    with pytest.raises(ConfigError, match="PEERREVIEW_BASE_URL must be the site's public https"):
        create_app(production(BASE_URL=base))


def test_production_reads_its_environment_variables(monkeypatch):
    monkeypatch.setenv("PEERREVIEW_ENV", "prod")
    with pytest.raises(ConfigError, match="'prod' is not known"):
        create_app()


@pytest.mark.parametrize("env", [{}, {"ENV": "development"}])
def test_postgresql_in_development_is_refused_unless_allowed(env):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    with pytest.raises(ConfigError, match="PEERREVIEW_ALLOW_DEVELOPMENT_ON_POSTGRESQL=true"):
        create_app({**env, "DATABASE_URL": url})
    app = create_app({**env, "DATABASE_URL": url, "ALLOW_DEVELOPMENT_ON_POSTGRESQL": True})
    assert app.config["ENV"] == "development"


def test_postgresql_with_env_unset_is_refused_from_environment_variables(monkeypatch):
    monkeypatch.delenv("PEERREVIEW_ENV", raising=False)
    monkeypatch.setenv("PEERREVIEW_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(ConfigError, match="PEERREVIEW_ENV is unset or development"):
        create_app()


# --- development: CSP on, outbox only for the local machine ---------------------------------------


@pytest.fixture
def development(tmp_path):
    app = create_app({"ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}"})
    from peerreview import db, migrations

    migrations.upgrade(db.make_engine(app.config["DATABASE_URL"]))
    return app


def test_development_sends_the_content_security_policy(development):
    response = development.test_client().get("/inloggen")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_development_may_switch_the_csp_off_for_page_checkers(tmp_path):
    app = create_app(
        {"ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "CONTENT_SECURITY_POLICY": None}
    )
    assert "Content-Security-Policy" not in app.test_client().get("/healthz").headers


def test_the_outbox_answers_only_the_loopback_address(development):
    client = development.test_client()
    assert client.get("/outbox/", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert client.get("/outbox/", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    for address in ("192.168.1.20", "10.0.0.7", "203.0.113.9"):
        assert client.get("/outbox/", environ_base={"REMOTE_ADDR": address}).status_code == 404


def test_the_outbox_refuses_a_request_that_came_through_a_proxy(development):
    client = development.test_client()
    response = client.get("/outbox/", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"X-Forwarded-For": "1.2.3.4"})
    assert response.status_code == 404


def test_the_outbox_is_not_served_outside_development(app, client):
    assert app.config["ENV"] == "testing"
    assert client.get("/outbox/", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 404
