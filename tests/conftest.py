"""Test fixtures.

By default the tests run on a fresh SQLite file with jobs run inline. When
``PEERREVIEW_TEST_DATABASE_URL`` / ``PEERREVIEW_TEST_REDIS_URL`` are set they run against that
PostgreSQL database and Redis server instead, with jobs executed by an rq worker (``run_jobs``).
The schema always comes from the real Alembic migrations.

Isolation: one transaction per test, rolled back at the end (as Warehouse's tests do; SQLAlchemy's
recipe "Joining a Session into an External Transaction"). The ``app`` fixture opens one connection,
begins an outer transaction on it and binds the app's sessionmaker to that connection with
``join_transaction_mode="create_savepoint"``. So the request's session (``db.session()``), the
sessions of jobs and of ``audit.services.record_read`` (``db.new_session()``) and the test's own
``session`` all run on that one connection, each in a SAVEPOINT: ``commit()`` releases it, a rollback
returns to it, and the outer rollback at the end undoes everything the test did. Jobs run in the
test process (inline, or ``run_jobs``'s rq ``SimpleWorker``), so they use the same sessionmaker.

Savepoints nest where real transactions do not: rolling back or releasing a savepoint also rolls
back or releases every newer one, and the app's sessions do not always end in stack order. The
common cases: a GET's request session reads (savepoint open), ``record_read`` commits an audit row
inside it, and teardown rolls the request session back; an inline job's session commits while a
session its code opened is still open. ``SavepointSession`` ends each session with the effect its own
transaction would have had: a session that wrote nothing releases instead of rolling back (keeping
what was committed inside it), and a commit while a newer savepoint of another session is open
emits no SQL (its rows stay, as committed rows do). What it cannot do: a session that wrote and
rolls back while another session's savepoint is open inside it raises an error; such a test needs
real commits. (It relies on SQLAlchemy 2.1's savepoint stack on the connection; see the class.)

``@pytest.mark.real_commits`` keeps the old behaviour for tests that need commits to be real across
connections: threads with their own connections (parallel writers, the browser tests' live server),
separate engines, subprocesses, killed workers or terminated connections (everything under
``tests/faults/`` and ``tests/browser/`` gets the marker automatically). Those tests commit for real
and every table is emptied after them. A test that opens its own connection or engine without the
marker would see none of the test's data (and on SQLite wait for the test connection's write lock).

SQLite: pysqlite starts transactions itself and not before a SAVEPOINT, which breaks savepoints; the
per-test connections use the workaround from SQLAlchemy's pysqlite documentation ("Serializable
isolation / Savepoints / Transactional DDL"): the driver's own transaction handling is switched off
(``isolation_level = None``) and SQLAlchemy emits ``BEGIN`` itself. The app's own engine is left as
configured (it serves only ``/readyz`` and the migration checks in tests).
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
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from peerreview import create_app, db, fragments, migrations
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


class SavepointSession(Session):
    """A session in a SAVEPOINT of the test's connection that ends the way a transaction of its own
    would have (see the module docstring).

    Savepoints form a stack; the app's sessions do not always end in stack order (an inline job's
    session commits while a session its code opened is still open; a GET's session outlives the
    audit session of ``record_read``). So a session ends this way:

    * commit, its savepoint innermost: ``RELEASE SAVEPOINT`` (SQLAlchemy's own behaviour);
    * commit, a newer savepoint of another session still open: no SQL at all. The savepoint stays
      on the database's stack and its rows stay in the enclosing transaction, as committed rows do;
      releasing it would also release the newer session's savepoint;
    * rollback or close of a session that wrote nothing: as a commit (nothing of its own to undo),
      so rows that sessions opened inside it committed are kept;
    * rollback of a session that wrote: ``ROLLBACK TO SAVEPOINT``. If another session's savepoint is
      still open inside it, that would undo the other session too: the test needs real commits.
    """

    def commit(self) -> None:
        if self._savepoint() is not None and not self._innermost():
            self._detach()
        super().commit()

    def rollback(self) -> None:
        self._end_unwritten()
        super().rollback()

    def close(self) -> None:
        self._end_unwritten()
        super().close()

    def _savepoint(self) -> tuple[sa.Connection, Any] | None:
        """The connection and savepoint of this session's (outermost) transaction, once it has one."""
        transaction = self.get_transaction()
        if transaction is None or self.in_nested_transaction():
            return None  # no transaction, or the app's own begin_nested() inside it: SQLAlchemy's rules
        for connection, savepoint, _should_commit, _autoclose in set(transaction._connections.values()):
            return connection, savepoint
        return None

    def _innermost(self) -> bool:
        connection, savepoint = self._savepoint()  # type: ignore[misc]
        return connection._nested_transaction is savepoint

    def _detach(self) -> None:
        """End this session's savepoint without SQL: unlink it from SQLAlchemy's stack of savepoints
        on the connection and tell the session not to release or roll it back (SQLAlchemy 2.1)."""
        connection, savepoint = self._savepoint()  # type: ignore[misc]
        newer = connection._nested_transaction
        while newer is not None and newer._previous_nested is not savepoint:
            newer = newer._previous_nested
        if newer is not None:
            newer._previous_nested = savepoint._previous_nested
        savepoint.is_active = False
        transaction = self.get_transaction()
        for key, (conn, trans, _should_commit, autoclose) in list(transaction._connections.items()):
            transaction._connections[key] = (conn, trans, False, autoclose)

    def _end_unwritten(self) -> None:
        found = self._savepoint()
        if found is None or not self.get_transaction().is_active:  # type: ignore[union-attr]
            return
        wrote = (
            self.info.get("test_wrote")
            or self.new
            or self.dirty
            or self.deleted
            or self.info.get("pending_jobs")
            or _failed(found[0])
        )
        if not wrote:
            self.commit()  # nothing to flush and no job to send: only RELEASE SAVEPOINT, or no SQL
        elif not self._innermost():
            raise RuntimeError(
                "a session that wrote rolls back while another session's savepoint is open inside it; "
                "mark the test @pytest.mark.real_commits"
            )


def _failed(connection: sa.Connection) -> bool:
    """PostgreSQL refuses everything but a rollback after an error in a transaction (e.g. a SELECT
    with an id out of range); SQLite has no such state."""
    status = getattr(getattr(connection.connection.dbapi_connection, "info", None), "transaction_status", None)
    return status is not None and status.name == "INERROR"


@event.listens_for(SavepointSession, "after_flush")
def _note_write(s: Session, _flush_context: Any) -> None:
    s.info["test_wrote"] = True


@event.listens_for(SavepointSession, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if not state.is_select:  # UPDATE ... RETURNING, bulk statements, text(): count as writes
        state.session.info["test_wrote"] = True


@event.listens_for(SavepointSession, "after_transaction_end")
def _forget_write(s: Session, transaction: Any) -> None:
    if transaction.parent is None:
        s.info.pop("test_wrote", None)


@pytest.fixture(scope="session")
def test_engine(database_url: str) -> Iterator[sa.Engine]:
    """The engine of the per-test connections (one outer transaction each)."""
    engine = db.make_engine(database_url)
    if engine.dialect.name == "sqlite":
        # SQLAlchemy's documented pysqlite workaround: let SQLAlchemy, not the driver, begin.
        @event.listens_for(engine, "connect")
        def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(connection: sa.Connection) -> None:
            connection.exec_driver_sql("BEGIN")

    yield engine
    engine.dispose()


def real_commits(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("real_commits") is not None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.fspath):  # killed workers, terminated connections: never one transaction
            item.add_marker(pytest.mark.real_commits)


@pytest.fixture
def app(request: pytest.FixtureRequest, database_url: str, config_overrides: dict[str, Any]) -> Iterator[Flask]:
    """The app, with no context pushed: each test request gets its own app context and session.

    Every session the app makes runs in a savepoint of the test's outer transaction, rolled back at
    the end; with ``@pytest.mark.real_commits`` they commit for real and every table is emptied."""
    app = create_app({**base_config(database_url), **config_overrides})
    fragments.forget_all()  # what an earlier test's database kept under its ids
    if REDIS_URL:
        from redis import Redis

        Redis.from_url(REDIS_URL).flushdb()
    if real_commits(request):
        yield app
        engine = app.extensions["peerreview.engine"]
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
        engine.dispose()
        return
    connection = request.getfixturevalue("test_engine").connect()
    outer = connection.begin()
    app.extensions["peerreview.sessionmaker"] = sessionmaker(
        bind=connection,
        class_=SavepointSession,
        expire_on_commit=False,
        join_transaction_mode="create_savepoint",
    )
    try:
        yield app
    finally:
        outer.rollback()
        connection.close()
        app.extensions["peerreview.engine"].dispose()


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
