"""Background jobs: one small interface over rq.

    jobs.enqueue_after_commit(session, send_mail, mail_id=mail.id)

The job is sent only when ``session`` commits (and dropped on rollback), so a worker never sees
a row that is not there yet. Where it runs depends on the configuration:

* ``JOBS_INLINE`` (no Redis configured: the demo and the default test run): right after the commit,
  in the same process, in a fresh session;
* otherwise: on rq workers (``flask --app wsgi worker``), with retries for transient failures.

Job functions are decorated with ``@job``: they receive a fresh session as first argument and
keyword arguments that are plain ids (never ORM objects). The wrapper commits on success.
Jobs must be idempotent: lock the row, check whether the work is already done.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session

from peerreview import db

log = logging.getLogger(__name__)
QUEUES = ("default", "pdf")
_worker_app: Flask | None = None


def job(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def run(**kwargs: Any) -> Any:
        app = current_app._get_current_object() if has_app_context() else _app_for_worker()  # type: ignore[attr-defined]
        with app.app_context(), db.new_session() as session:
            result = func(session, **kwargs)
            session.commit()
            return result

    run.queue = "default"  # type: ignore[attr-defined]
    return run


def pdf_job(func: Callable[..., Any]) -> Callable[..., Any]:
    """A job for the ``pdf`` queue (CPU-heavy rendering has its own workers)."""
    wrapped = job(func)
    wrapped.queue = "pdf"  # type: ignore[attr-defined]
    return wrapped


def enqueue_after_commit(session: Session, func: Callable[..., Any], /, **kwargs: Any) -> None:
    session.info.setdefault("pending_jobs", []).append((func, kwargs))


def redis_connection(app: Flask | None = None) -> Redis:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    conn = app.extensions.get("peerreview.redis")
    if conn is None:
        conn = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)
        app.extensions["peerreview.redis"] = conn
    return conn


def queue(name: str = "default", app: Flask | None = None) -> Queue:
    return Queue(name, connection=redis_connection(app))


@event.listens_for(Session, "after_commit")
def _send_pending_jobs(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: the real commit is still to come
    pending = session.info.pop("pending_jobs", [])
    if not pending:
        return
    if current_app.config["JOBS_INLINE"]:
        for func, kwargs in pending:
            func(**kwargs)
        return
    for func, kwargs in pending:
        queue(func.queue).enqueue(
            func,
            kwargs=kwargs,
            retry=Retry(max=3, interval=[10, 60, 300]),
            job_timeout=600,
            result_ttl=600,
            failure_ttl=int(timedelta(days=7).total_seconds()),
        )


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending_jobs(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.nested:
        return  # only a SAVEPOINT was rolled back; the outer transaction and its jobs go on
    session.info.pop("pending_jobs", None)


def _app_for_worker() -> Flask:
    """rq imports job functions without an app; build one per worker process, once."""
    global _worker_app
    if _worker_app is None:
        from peerreview import create_app

        _worker_app = create_app({"DATABASE_POOL": "null"})
    return _worker_app
