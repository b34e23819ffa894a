"""Database plumbing: the declarative base, the session per request, and the tenant mixin.

Services take a ``Session`` and flush; the view commits once (``db.session().commit()``).
Jobs open their own session with ``new_session()``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g
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

    The gemeente id is NOT NULL and indexed; the pair ``(gemeente_id, id)`` is unique so that child
    rows can reference it *with* the tenant id (``tenant_reference``) and the database itself refuses
    a child that points at another gemeente's parent.
    """

    @declared_attr
    def gemeente_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("gemeente.id", ondelete="CASCADE"), index=True)

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


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], app.config.get("DATABASE_POOL", "queue"))
    app.extensions["peerreview.engine"] = engine
    app.extensions["peerreview.sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


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
        s.close()
