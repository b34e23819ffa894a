import pytest


def test_healthz_has_no_dependencies(database_url):
    from peerreview import create_app
    from tests.conftest import base_config

    app = create_app(
        {
            **base_config(database_url),
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "JOBS_INLINE": True,
        }
    )
    response = app.test_client().get("/healthz")  # with neither the database nor Redis reachable
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"]["database"] == "ok"


@pytest.fixture
def config_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize(
    "config_overrides", [{"REDIS_URL": "redis://127.0.0.1:1/0", "JOBS_INLINE": True}], indirect=True
)
def test_readyz_reports_an_unreachable_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"].startswith("onbereikbaar")
    assert response.json["checks"]["database"] == "ok"


def test_readyz_reports_an_unreachable_database(database_url):
    from peerreview import create_app
    from tests.conftest import base_config

    app = create_app({**base_config(database_url), "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"].startswith("onbereikbaar")


def test_security_headers(client):
    response = client.get("/inloggen")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
