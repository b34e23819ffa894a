"""Test fixtures.

By default the tests run on a fresh SQLite file with jobs run inline. When
``PEERREVIEW_TEST_DATABASE_URL`` / ``PEERREVIEW_TEST_REDIS_URL`` are set they run against that
PostgreSQL database and Redis server instead, with jobs executed by an rq worker (``run_jobs``).

The schema always comes from the real Alembic migrations. Tests commit for real (views commit,
jobs open their own sessions); every table is emptied after each test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from peerreview import create_app, db, migrations
from peerreview.models import Base
from tests.factories import Factory

DATABASE_URL = os.environ.get("PEERREVIEW_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("PEERREVIEW_TEST_REDIS_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    engine = db.make_engine(url)
    if DATABASE_URL:
        # Start from an empty schema so the migrations themselves are tested.
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    migrations.upgrade(engine)
    engine.dispose()
    return url


def base_config(database_url: str) -> dict[str, Any]:
    return {
        "ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "JOBS_INLINE": not REDIS_URL,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "BASE_URL": "http://localhost",
        "SERVER_NAME": "localhost",
    }


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """Override in a test module to change settings."""
    return {}


@pytest.fixture
def app(database_url: str, config_overrides: dict[str, Any]) -> Iterator[Flask]:
    """The app, with no context pushed: each test request gets its own app context and session."""
    app = create_app({**base_config(database_url), **config_overrides})
    if REDIS_URL:
        from redis import Redis

        Redis.from_url(REDIS_URL).flushdb()
    yield app
    engine = app.extensions["peerreview.engine"]
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The test's own session (not a request's): for arranging data and checking results."""
    s = app.extensions["peerreview.sessionmaker"]()
    yield s
    s.close()


@pytest.fixture
def make(session: Session) -> Factory:
    return Factory(session)


@pytest.fixture
def run_jobs(app: Flask) -> Callable[[], int]:
    """Run queued jobs: an rq worker in Redis mode; in inline mode they already ran."""

    def run() -> int:
        if not REDIS_URL:
            return 0
        from rq import SimpleWorker

        from peerreview import jobs

        with app.app_context():  # the worker process of deploy/ runs inside the app as well
            queues = [jobs.queue(name) for name in jobs.QUEUES]
            pending = sum(q.count for q in queues)
            SimpleWorker(queues, connection=jobs.redis_connection()).work(burst=True)
        return pending

    return run


# --- clients ---------------------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Client(FlaskClient):
    """A test client with helpers for CSRF tokens and logging in."""

    def csrf(self, path: str = "/inloggen") -> str:
        return csrf_from(self.get(path).get_data(as_text=True))

    def post_form(self, path: str, data: dict[str, Any] | None = None, token_from: str | None = None, **kwargs: Any):
        token = self.csrf(token_from or path)
        return self.post(path, data={"csrf_token": token, **(data or {})}, **kwargs)

    def login_as(self, user: Any) -> Client:
        """Log in without the form (fast): what Flask-Login stores after a real login."""
        import time

        with self.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
            sess["last_seen"] = int(time.time())
        return self


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def client_for(app: Flask) -> Callable[[Any], Client]:
    app.test_client_class = Client

    def make_client(user: Any) -> Client:
        return app.test_client().login_as(user)  # type: ignore[attr-defined,no-any-return]

    return make_client


def pytest_report_header() -> list[str]:
    return [
        f"database: {'PostgreSQL ' + DATABASE_URL if DATABASE_URL else 'SQLite (temporary file)'}",
        f"jobs: {'rq on ' + REDIS_URL if REDIS_URL else 'inline'}",
    ]


ROOT = Path(__file__).resolve().parent.parent
