"""Background jobs: one small interface over rq, with a transactional outbox.

    jobs.enqueue_after_commit(session, send_mail, mail_id=mail.id)

Enqueueing writes a ``job_outbox`` row in the caller's transaction, so the job exists exactly when
the data it works on exists: a rollback drops both, a commit keeps both. After the commit the row is
handed over:

* ``JOBS_INLINE`` (no Redis configured: the demo and the default test run): the job runs right after
  the commit, in the same process, in a fresh session, and its row is marked done;
* otherwise: the row is handed to rq at once, best effort. If Redis cannot be reached the error is
  logged, never shown to the user; the dispatcher (``flask --app wsgi jobs dispatch``, and a pass at
  every worker start) hands it over when Redis is back. A row is marked dispatched with a conditional
  UPDATE, and its rq job id is fixed (the dedupe key, or ``outbox-<id>``), so a double hand-over
  enqueues nothing twice.

Job functions are decorated with ``@job``: they receive a fresh session as first argument and keyword
arguments that are plain ids (never ORM objects). The wrapper commits on success and marks the outbox
row done in that same transaction. While a job runs on a worker, a heartbeat thread touches the row
every ``JOB_HEARTBEAT_SECONDS``; a row that is started, not done, and whose heartbeat is older than
``JOB_STALE_SECONDS`` belongs to a killed worker: the dispatcher hands it over again, and ``status()``
reports it as ``stale`` so a page can say so. Jobs must be idempotent: lock the row, check whether the
work is already done.

``dedupe_key``: a job with a key is queued at most once while it is not done (a second enqueue with
the same key is a no-op), e.g. a PDF per content checksum.
"""

from __future__ import annotations

import contextvars
import functools
import importlib
import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError
from redis.retry import Retry as RedisRetry
from rq import Queue, Retry, get_current_job
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from peerreview import db
from peerreview.db import Base, utcnow

log = logging.getLogger(__name__)
QUEUES = ("default", "pdf")
_worker_app: Flask | None = None
_current_row: contextvars.ContextVar[int | None] = contextvars.ContextVar("outbox_row", default=None)


class JobOutbox(Base):
    """A job, written in the transaction that makes its input visible; handed to rq after commit."""

    __tablename__ = "job_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    function: Mapped[str] = mapped_column(sa.String(200))  # "package.module:name"
    kwargs: Mapped[dict[str, Any]]
    queue: Mapped[str] = mapped_column(sa.String(40))
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    # The rq job id: the dedupe key for the first job with that key (so a second hand-over of the
    # same content is refused by rq), else ``outbox-<id>``.
    rq_job_id: Mapped[str | None] = mapped_column(sa.String(220))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)  # hand-overs tried (to rq, or inline runs)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (sa.Index("ix_job_outbox_pending", "done_at", "dispatched_at"),)

    @property
    def rq_id(self) -> str:
        return self.rq_job_id or f"outbox-{self.id}"

    def state(self) -> str:
        if self.done_at is not None:
            return "done"
        if self.started_at is None:
            return "failed" if self.last_error and self.dispatched_at is not None else "waiting"
        return "stale" if _is_stale(self) else "running"


# --- declaring and enqueueing jobs ------------------------------------------------------------------


def job(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def run(**kwargs: Any) -> Any:
        app = current_app._get_current_object() if has_app_context() else _app_for_worker()  # type: ignore[attr-defined]
        with app.app_context():
            row_id = _current_row.get()
            if row_id is None and (current := get_current_job()) is not None:
                row_id = current.meta.get("outbox_id")
            beat = _Heartbeat(app, row_id) if row_id and not app.config["JOBS_INLINE"] else None
            if beat:
                beat.start()
            try:
                with db.new_session() as session:
                    result = func(session, **kwargs)
                    if row_id:
                        session.execute(update(JobOutbox).where(JobOutbox.id == row_id).values(done_at=utcnow()))
                    session.commit()
                    return result
            except BaseException as error:
                if row_id:
                    _record_failure(row_id, error)
                raise
            finally:
                if beat:
                    beat.stop()

    run.queue = "default"  # type: ignore[attr-defined]
    return run


def pdf_job(func: Callable[..., Any]) -> Callable[..., Any]:
    """A job for the ``pdf`` queue (CPU-heavy rendering has its own workers)."""
    wrapped = job(func)
    wrapped.queue = "pdf"  # type: ignore[attr-defined]
    return wrapped


def enqueue_after_commit(
    session: Session, func: Callable[..., Any], /, *, dedupe_key: str | None = None, **kwargs: Any
) -> JobOutbox:
    """Write the job into ``session``'s transaction; it is handed over after that commits.

    With a ``dedupe_key``, a job with the same key that is waiting or running makes this a no-op (that
    row is returned); one that failed or was interrupted (stale) is started anew.
    """
    earlier: list[JobOutbox] = []
    if dedupe_key is not None:
        earlier = list(session.scalars(select(JobOutbox).where(JobOutbox.dedupe_key == dedupe_key)))
        for existing in earlier:
            if existing.state() in ("waiting", "running"):
                return existing
    row = JobOutbox(
        function=f"{func.__module__}:{func.__name__}",
        kwargs=kwargs,
        queue=getattr(func, "queue", "default"),
        dedupe_key=dedupe_key,
    )
    session.add(row)
    session.flush()
    row.rq_job_id = dedupe_key if dedupe_key is not None and not earlier else f"outbox-{row.id}"
    session.flush()
    session.info.setdefault("outbox", []).append(row.id)
    return row


def status(session: Session, dedupe_key: str) -> str | None:
    """What became of the jobs with this key: None (never queued), else the most hopeful state of
    any of them: ``running``, ``waiting``, ``done``, ``stale`` (its worker stopped beating: it was
    interrupted) or ``failed``."""
    states = {row.state() for row in session.scalars(select(JobOutbox).where(JobOutbox.dedupe_key == dedupe_key))}
    return next((state for state in ("running", "waiting", "done", "stale", "failed") if state in states), None)


def _is_stale(row: JobOutbox) -> bool:
    limit = utcnow() - timedelta(seconds=float(current_app.config["JOB_STALE_SECONDS"]))
    return row.heartbeat_at is None or row.heartbeat_at < limit


# --- handing over after commit ----------------------------------------------------------------------


@event.listens_for(Session, "after_commit")
def _send_pending_jobs(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: the real commit is still to come
    pending = session.info.pop("outbox", [])
    if not pending:
        return
    if current_app.config["JOBS_INLINE"]:
        for row_id in pending:
            run_inline(row_id)
        return
    try:
        dispatch(pending)
    except Exception:  # the rows are committed: the dispatcher hands them over later
        log.exception("jobs %s: hand-over after commit failed; the dispatcher will retry", pending)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending_jobs(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.nested:
        return  # only a SAVEPOINT was rolled back; the outer transaction and its jobs go on
    session.info.pop("outbox", None)


def run_inline(row_id: int) -> None:
    """Run an outbox row's job in this process (JOBS_INLINE); the job marks the row done."""
    with db.new_session() as s:
        row = s.get(JobOutbox, row_id)
        if row is None or row.done_at is not None:
            return
        func, kwargs = resolve(row.function), dict(row.kwargs)
        row.dispatched_at, row.attempts = utcnow(), row.attempts + 1
        s.commit()
    token = _current_row.set(row_id)
    try:
        func(**kwargs)
    finally:
        _current_row.reset(token)


def dispatch(ids: Iterable[int] | None = None, limit: int = 200) -> int:
    """Hand pending outbox rows (all, or those in ``ids``) to rq; returns how many were handed over.

    Stops at the first Redis error (the rest stays pending, with the error noted)."""
    if current_app.config["JOBS_INLINE"]:
        return _run_pending_inline(ids, limit)
    handed = 0
    with db.new_session() as s:
        query = (
            select(JobOutbox)
            .where(JobOutbox.dispatched_at.is_(None), JobOutbox.done_at.is_(None))
            .order_by(JobOutbox.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if ids is not None:
            query = query.where(JobOutbox.id.in_(list(ids)))
        for row in s.scalars(query).all():
            try:
                duplicate = _hand_over(row)
            except (RedisError, OSError) as error:
                s.execute(
                    update(JobOutbox)
                    .where(JobOutbox.id == row.id)
                    .values(attempts=JobOutbox.attempts + 1, last_error=f"Redis: {error}"[:2000])
                )
                log.warning("job %s (%s): Redis unreachable, left in the outbox: %s", row.id, row.function, error)
                break
            # Conditional: a dispatcher that lost the race changes nothing (and rq got the same job id).
            s.execute(
                update(JobOutbox)
                .where(JobOutbox.id == row.id, JobOutbox.dispatched_at.is_(None))
                .values(
                    dispatched_at=utcnow(),
                    attempts=JobOutbox.attempts + 1,
                    last_error="Dubbel: dezelfde opdracht stond al klaar." if duplicate else None,
                    done_at=utcnow() if duplicate else None,
                )
            )
            handed += 1
        s.commit()
    return handed


def _run_pending_inline(ids: Iterable[int] | None, limit: int) -> int:
    with db.new_session() as s:
        query = select(JobOutbox.id).where(JobOutbox.done_at.is_(None)).order_by(JobOutbox.id).limit(limit)
        if ids is not None:
            query = query.where(JobOutbox.id.in_(list(ids)))
        pending = list(s.scalars(query))
    for row_id in pending:
        run_inline(row_id)
    return len(pending)


def _hand_over(row: JobOutbox) -> bool:
    """Enqueue the row's job on rq; True if an identical job of another row is already there."""
    func = resolve(row.function)
    q = queue(row.queue)
    intervals = list(current_app.config["JOB_RETRY_INTERVALS"])

    def enqueue() -> None:
        q.enqueue(
            func,
            kwargs=row.kwargs,
            job_id=row.rq_id,
            unique=True,
            meta={"outbox_id": row.id},
            retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
            job_timeout=600,
            result_ttl=600,
            failure_ttl=int(timedelta(days=7).total_seconds()),
        )

    try:
        enqueue()
        return False
    except DuplicateJobError:
        try:
            existing = Job.fetch(row.rq_id, connection=q.connection)
            state = existing.get_status()
        except NoSuchJobError:
            existing, state = None, None
        if existing is not None and state in (
            JobStatus.QUEUED,
            JobStatus.STARTED,
            JobStatus.DEFERRED,
            JobStatus.SCHEDULED,
        ):
            # Handed over already: by us before a crash, or by a dispatcher that raced us; or, for
            # another row, a concurrent request for the same content, whose job does this work.
            return existing.meta.get("outbox_id") not in (None, row.id)
        if existing is not None:  # an earlier, finished run with the same key: this row needs its own
            existing.delete()
        enqueue()
    return False


def recover_stale() -> int:
    """Hand over again the rows whose worker died mid-job (started, not done, heartbeat too old)."""
    limit = utcnow() - timedelta(seconds=float(current_app.config["JOB_STALE_SECONDS"]))
    recovered = 0
    with db.new_session() as s:
        rows = s.scalars(
            select(JobOutbox).where(
                JobOutbox.done_at.is_(None),
                JobOutbox.started_at.is_not(None),
                JobOutbox.heartbeat_at < limit,
                JobOutbox.attempts < int(current_app.config["JOB_MAX_RESTARTS"]),
            )
        ).all()
        for row in rows:
            if not current_app.config["JOBS_INLINE"]:
                try:  # the dead worker's job is still "started" in rq: remove it so the id is free
                    Job.fetch(row.rq_id, connection=redis_connection()).delete()
                except NoSuchJobError:
                    pass
                except RedisError as error:
                    log.warning("stale job %s: Redis unreachable: %s", row.id, error)
                    break
            done = s.execute(
                update(JobOutbox)
                .where(JobOutbox.id == row.id, JobOutbox.heartbeat_at == row.heartbeat_at)
                .values(
                    dispatched_at=None,
                    started_at=None,
                    last_error="Onderbroken (geen hartslag meer van de worker); opnieuw aangeboden.",
                )
            )
            recovered += done.rowcount  # type: ignore[attr-defined]
            log.warning("job %s (%s): worker stopped mid-job; handing it over again", row.id, row.function)
        s.commit()
    return recovered


def dispatch_pass() -> tuple[int, int]:
    """One pass of the dispatcher: recover stale jobs, then hand over everything pending."""
    recovered = recover_stale()
    return recovered, dispatch()


def resolve(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    allowed = ("peerreview.", "tests.") if current_app.testing else ("peerreview.",)
    if not module.startswith(allowed):
        raise ValueError(f"not a job of this application: {path}")
    func = getattr(importlib.import_module(module), name)
    if not callable(func):
        raise ValueError(f"not a job: {path}")
    return func  # type: ignore[no-any-return]


# --- while a job runs ---------------------------------------------------------------------------------


class _Heartbeat:
    """Touches the outbox row every ``JOB_HEARTBEAT_SECONDS`` while the job runs (its own sessions)."""

    def __init__(self, app: Flask, row_id: int) -> None:
        self.app, self.row_id = app, row_id
        self.interval = float(app.config["JOB_HEARTBEAT_SECONDS"])
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{row_id}", daemon=True)

    def start(self) -> None:
        self._touch(started=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

    def _beat(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self._touch()
            except Exception:  # a missed beat is no reason to stop the job
                log.exception("job %s: heartbeat failed", self.row_id)

    def _touch(self, started: bool = False) -> None:
        with self.app.app_context(), db.new_session() as s:
            now = utcnow()
            values: dict[str, Any] = {"heartbeat_at": now}
            if started:
                values["started_at"] = now
            s.execute(
                update(JobOutbox).where(JobOutbox.id == self.row_id, JobOutbox.done_at.is_(None)).values(**values)
            )
            s.commit()


def _record_failure(row_id: int, error: BaseException) -> None:
    """A run that raised is not running any more (rq may retry it; it is not stale)."""
    try:
        with db.new_session() as s:
            s.execute(
                update(JobOutbox)
                .where(JobOutbox.id == row_id, JobOutbox.done_at.is_(None))
                .values(started_at=None, last_error=f"{type(error).__name__}: {error}"[:2000])
            )
            s.commit()
    except Exception:
        log.exception("job %s: could not record its failure", row_id)


# --- rq ---------------------------------------------------------------------------------------------


def redis_connection(app: Flask | None = None) -> Redis:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    conn = app.extensions.get("peerreview.redis")
    if conn is None:
        conn = connect(app.config["REDIS_URL"])
        app.extensions["peerreview.redis"] = conn
    return conn


def connect(url: str) -> Redis:
    """A Redis client that gives up quickly: when Redis is away a request must not wait for it (its
    jobs stay in the outbox). redis-py's default retries would hold each request for seconds."""
    return Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_timeout=5,
        retry=RedisRetry(ExponentialBackoff(cap=0.2, base=0.05), retries=1),
    )


def queue(name: str = "default", app: Flask | None = None) -> Queue:
    return Queue(name, connection=redis_connection(app))


def _app_for_worker() -> Flask:
    """rq imports job functions without an app; build one per worker process, once."""
    global _worker_app
    if _worker_app is None:
        from peerreview import create_app

        _worker_app = create_app({"DATABASE_POOL": "null"})
    return _worker_app
