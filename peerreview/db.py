"""Database plumbing: the declarative base, the session per request, the request's transaction, and
the tenant mixin.

One request, one transaction (as Indico's request handler and Warehouse's transaction manager do):
services take a ``Session`` and flush; views never commit. ``transactional`` wraps every view: after a
POST/PUT/PATCH/DELETE handler returns, the request's session is committed; if it raises (``abort``
included), nothing is committed and teardown rolls back. GET and HEAD never write: their session is
rolled back, and a GET that flushed a change is a programming error (raised under testing, logged
otherwise). The one write a read may cause, an audit event of a sensitive read, goes through its own
short transaction (``audit.services.record_read``). Jobs open their own session with ``new_session()``.
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, got_request_exception, request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
        enum.Enum: sa.Enum(enum.Enum, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]),
    }


class TenantOwned:
    """A row that belongs to one gemeente.

    The gemeente id is NOT NULL; the pair ``(gemeente_id, id)`` is unique so that child rows can
    reference it *with* the tenant id (``tenant_reference``) and the database itself refuses a child
    that points at another gemeente's parent. That unique index also serves every lookup by
    ``gemeente_id`` (its leading column), so the column has no index of its own: a single-column
    index that a unique constraint already leads with is only extra work on every write.
    """

    @declared_attr
    def gemeente_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("gemeente.id", ondelete="CASCADE"))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("gemeente_id", "id"), *getattr(cls, "__extra_table_args__", ()))


def tenant_reference(column: str, parent_table: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    """A foreign key from ``(gemeente_id, column)`` to ``parent_table(gemeente_id, id)``."""
    return sa.ForeignKeyConstraint(
        ["gemeente_id", column], [f"{parent_table}.gemeente_id", f"{parent_table}.id"], ondelete=ondelete
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- engine and sessions -------------------------------------------------------------------------


def make_engine(url: str, pool: str = "queue") -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if pool == "null":  # rq work horses are forked: never share pooled connections across a fork
        return sa.create_engine(url, poolclass=sa.pool.NullPool)
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnlyViolation(RuntimeError):
    """A GET (or HEAD) request flushed a change to the database."""


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], app.config.get("DATABASE_POOL", "queue"))
    app.extensions["peerreview.engine"] = engine
    app.extensions["peerreview.sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)
    got_request_exception.connect(_rollback_at_once, app)


def _rollback_at_once(_sender: Flask, exception: BaseException, **_extra: Any) -> None:
    """An unhandled error: roll back before the error page is rendered (not only at teardown), so the
    page, which loads the user, finds a usable session, also when the connection itself failed."""
    s: Session | None = g.get("db_session")
    if s is not None:
        s.rollback()


def make_transactional(app: Flask) -> None:
    """Wrap every registered view in the request transaction (call after registering blueprints)."""
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            app.view_functions[endpoint] = transactional(view)


def transactional(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def run(**kwargs: Any) -> Any:
        result = view(**kwargs)
        s: Session | None = g.get("db_session")
        if s is None:
            return result
        if request.method in SAFE_METHODS:
            if s.info.pop("flushed", False) or s.new or s.dirty or s.deleted:
                s.rollback()
                message = f"{request.method} {request.path} changed the database; reads must not write"
                if current_app.testing:
                    raise ReadOnlyViolation(message)
                log.error(message)
            return result
        s.commit()
        return result

    return run


@event.listens_for(Session, "after_flush")
def _note_flush(s: Session, _flush_context: Any) -> None:
    s.info["flushed"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_flush(s: Session, transaction: Any) -> None:
    if transaction.parent is None:
        s.info.pop("flushed", None)


def engine() -> Engine:
    return current_app.extensions["peerreview.engine"]  # type: ignore[no-any-return]


def session() -> Session:
    """The session of the current request (or app context), created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["peerreview.sessionmaker"]()
    return g.db_session  # type: ignore[no-any-return]


@contextmanager
def new_session() -> Iterator[Session]:
    """A fresh session, for jobs: commits are the caller's, anything left open is rolled back."""
    s: Session = current_app.extensions["peerreview.sessionmaker"]()
    try:
        yield s
    finally:
        s.close()


def _close_session(_exc: BaseException | None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        try:
            s.close()
        except sa.exc.DBAPIError:  # the connection died (server restart, terminated): drop it, not the answer
            log.warning("database connection lost before the end of the request; discarded", exc_info=True)
            s.invalidate()
