"""Fault tests: Redis unreachable, a worker killed mid-job, database connections terminated.

They need the real services (PostgreSQL and Redis, as in CI) and are skipped with a reason otherwise.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from redis import Redis
from sqlalchemy import select

from tests.conftest import DATABASE_URL, REDIS_URL

SKIP_REASON = (
    "fault tests need PostgreSQL and Redis: set PEERREVIEW_TEST_DATABASE_URL and PEERREVIEW_TEST_REDIS_URL "
    "(CI sets both)"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if DATABASE_URL and REDIS_URL and DATABASE_URL.startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "tests/faults/" in str(item.path).replace("\\", "/"):
            item.add_marker(skip)


def closed_port() -> int:
    """A local port nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def redis_down(app: Flask) -> Iterator[None]:
    """Every Redis call of the app fails (connection refused) until the block ends."""
    real = app.extensions.get("peerreview.redis")
    from peerreview import jobs

    app.extensions["peerreview.redis"] = jobs.connect(f"redis://127.0.0.1:{closed_port()}/0")
    try:
        yield
    finally:
        app.extensions["peerreview.redis"] = real if real is not None else Redis.from_url(REDIS_URL)


def pending_jobs(session) -> list:
    from peerreview.jobs import JobOutbox

    session.expire_all()
    return session.scalars(select(JobOutbox).where(JobOutbox.dispatched_at.is_(None))).all()


def queued_on_redis(app: Flask) -> int:
    from peerreview import jobs

    with app.app_context():
        return sum(jobs.queue(name).count for name in jobs.QUEUES)
